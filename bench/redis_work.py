"""The web process's Redis round trips per status update, counted at the client.

    python -m bench.redis_work --users-json FILE   (env as for the web)

Counts what redis-py sends from inside the product's own code: one `send_packed_command` is
one round trip (a pipeline or MULTI/EXEC goes out in one), each packed command one command.
The real Flask app (`bot.app.create_app`) answers signed webhooks through its test client,
each one status update (text or tap). The worker's side, and both processes' commands as
Redis saw them, are bench/redis_cost.py's (the running processes). Prints JSON.
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

    from bench import events
    from bench.world import SIGNING_KEY
    from bot.app import create_app
    from core.config import DEMO_CHANNEL_SECRET, load_settings

    settings = load_settings()
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

    # warm the path once (connections, the first drain job of the inbox queued), uncounted
    warm = mix.next()
    client.post(warm.path, data=warm.body, headers={"X-Line-Signature": warm.signature})

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

    out = {
        "updates": args.updates,
        "pushes_after_failed_reply": mix.unissued,
        "web": {
            "round_trips_median": statistics.median(web_rt),
            "round_trips_max": max(web_rt),
            "commands_median": statistics.median(web_cmds),
            "example": web_names,
        },
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
