"""Redis work per status update, counted at the client: round trips and commands.

    python -m bench.redis_work --users-json FILE   (env as for the web and the worker)

Counts what redis-py sends from inside the product's own code: one `send_packed_command` is
one round trip (a pipeline or MULTI/EXEC goes out in one), each packed command one command.

* web: the real Flask app (`bot.app.create_app`) answers signed webhooks through its test
  client, each one status update (text or tap);
* worker: the product's worker class (`jobs.worker.ItabotWorker`) runs those jobs in burst
  mode in this process; the job function's own share (the handlers and the store) is
  counted apart from RQ's bookkeeping around it.

The simulator must be running (the worker replies to it). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections import Counter
from typing import Any

import redis.connection as rc

_state: dict[str, Any] = {"phase": None, "rt": Counter(), "cmds": Counter(), "names": {}}


def _install() -> None:
    send, send_one, pack_many = (
        rc.Connection.send_packed_command,
        rc.Connection.send_command,
        rc.Connection.pack_commands,
    )
    pending: list[str] = []

    def send_packed_command(self, command, check_health=True):
        phase = _state["phase"]
        if phase:
            _state["rt"][phase] += 1
            _state["cmds"][phase] += len(pending)
            _state["names"].setdefault(phase, []).append(list(pending))
        pending.clear()
        return send(self, command, check_health)

    def send_command(self, *args, **kwargs):
        pending.append(str(args[0]))
        return send_one(self, *args, **kwargs)

    def pack_commands(self, commands):
        commands = list(commands)
        pending.extend(str(c[0]) for c in commands)
        return pack_many(self, commands)

    rc.Connection.send_packed_command = send_packed_command
    rc.Connection.send_command = send_command
    rc.Connection.pack_commands = pack_commands


def _measure(phase: str, fn) -> tuple[int, int, list]:
    _state["rt"][phase] = 0
    _state["cmds"][phase] = 0
    _state["names"][phase] = []
    _state["phase"] = phase
    try:
        fn()
    finally:
        _state["phase"] = None
    return _state["rt"][phase], _state["cmds"][phase], _state["names"][phase]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--users-json", required=True, help="[[user_id, org, division, [own ids]], ...]"
    )
    parser.add_argument("--updates", type=int, default=40)
    parser.add_argument("--simulator", required=True, help="base URL of bench.sim_server")
    args = parser.parse_args()
    _install()

    import redis

    from bench import events
    from bench.world import SIGNING_KEY
    from bot.app import create_app
    from core.config import DEMO_CHANNEL_SECRET, load_settings
    from jobs import webhook as webhook_job
    from jobs import worker as product_worker
    from store.queues import ALL

    settings = load_settings()
    product_worker.preload()
    with open(args.users_json, encoding="utf-8") as fh:
        people_ = [events.Person(u, o, d, own=own) for u, o, d, own in json.load(fh)]
    # reply tokens the simulator issued, so the reply succeeds as on LINE (no push fallback)
    import requests

    wanted = {p.user_id: 4 * args.updates // len(people_) + 4 for p in people_}
    tokens = requests.post(
        f"{args.simulator}/bench/tokens", json={"users": wanted}, timeout=60
    ).json()["tokens"]
    mix = events.Mix(
        DEMO_CHANNEL_SECRET,
        SIGNING_KEY,
        people_,
        tokens,
        random.Random(7),
        mix={"text": 0.5, "tap": 0.5},
    )
    app = create_app(settings)
    client = app.test_client()
    rb = redis.Redis.from_url(settings.redis_url)

    # warm both paths once (plan cache, title index, connections), uncounted
    warm = mix.next()
    client.post(warm.path, data=warm.body, headers={"X-Line-Signature": warm.signature})
    product_worker.ItabotWorker(list(ALL), connection=rb).work(
        burst=True, with_scheduler=False, logging_level="WARNING"
    )

    web_rt, web_cmds, web_names = [], [], []
    for _ in range(args.updates):
        req = mix.next()

        def post(req=req) -> None:
            response = client.post(
                req.path, data=req.body, headers={"X-Line-Signature": req.signature}
            )
            assert response.status_code == 200, response.status_code

        rt, cmds, names = _measure("web", post)
        web_rt.append(rt)
        web_cmds.append(cmds)
        web_names = names

    job_rt: list[int] = []
    job_cmds: list[int] = []
    job_names: list = []
    original = webhook_job.process_body

    def counted_body(org: str, body: str) -> int:
        outer = _state["phase"]
        before_rt, before_cmds = _state["rt"][outer], _state["cmds"][outer]
        before_names = len(_state["names"][outer])
        result = original(org, body)
        job_rt.append(_state["rt"][outer] - before_rt)
        job_cmds.append(_state["cmds"][outer] - before_cmds)
        job_names.append(_state["names"][outer][before_names:])
        return result

    # a worker's life without a job (register, one empty dequeue, teardown): subtracted below
    idle = product_worker.ItabotWorker(list(ALL), connection=rb)
    pending_jobs = rb.lrange("rq:queue:events", 0, -1)
    rb.delete("rq:queue:events")
    idle_rt, idle_cmds, _ = _measure(
        "idle", lambda: idle.work(burst=True, with_scheduler=False, logging_level="WARNING")
    )
    if pending_jobs:
        rb.rpush("rq:queue:events", *pending_jobs)

    webhook_job.process_body = counted_body
    worker = product_worker.ItabotWorker(list(ALL), connection=rb)
    worker._last_beat = 1e18  # steady state: the idle heartbeat is not due
    rt_total, cmd_total, names_total = _measure(
        "worker",
        lambda: worker.work(
            burst=True, with_scheduler=False, logging_level="WARNING", max_jobs=args.updates
        ),
    )
    webhook_job.process_body = original
    jobs = len(job_rt)
    # the first and last rounds include the worker's start and end (register, teardown)
    per_job_worker = (rt_total - idle_rt) / jobs if jobs else None
    out = {
        "updates": args.updates,
        "pushes_after_failed_reply": mix.unissued,
        "web": {
            "round_trips_median": statistics.median(web_rt),
            "commands_median": statistics.median(web_cmds),
            "example": web_names,
        },
        "worker_job_function": {
            "round_trips_median": statistics.median(job_rt) if job_rt else None,
            "round_trips_max": max(job_rt) if job_rt else None,
            "commands_median": statistics.median(job_cmds) if job_cmds else None,
            "example": job_names[len(job_names) // 2] if job_names else None,
        },
        "worker_total_per_job": {
            "round_trips_mean": round(per_job_worker, 2) if per_job_worker else None,
            "commands_mean": round((cmd_total - idle_cmds) / jobs, 2) if jobs else None,
            "note": "includes RQ's bookkeeping (dequeue, job fetch, start, heartbeat, finish); "
            "the worker's registration and teardown (an idle run) are subtracted",
        },
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
