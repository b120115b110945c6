"""The bench's world: the bench Redis DB, plans and people, the processes, and the checks that
every event sent was applied once and answered once."""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import redis
import requests

from bench import events, procs
from bench.loadgen import percentile
from core.config import DEMO_CHANNEL_SECRET
from handlers import titles
from simulator.client import SimulatorClient
from store import channels, plans
from store import status as status_store
from store.db import GLOBAL_DEFAULT_ORG, key
from store.event_queues import ALL_EVENT_QUEUES, inbox_key
from store.plan_schema import Plan, load_plan_file
from store.queues import ALL

SEED_PLAN = procs.ROOT / "examples" / "naphu-2564.yaml"
SIGNING_KEY = "itabot-links:" + DEMO_CHANNEL_SECRET  # core.config's default for the demo secret
APPLIED_MARK = "บันทึกแล้วครับ"
UNCHANGED_MARK = "อยู่แล้วครับ"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(procs.BENCH_REDIS_URL, decode_responses=True)


def seed_plan() -> Plan:
    return load_plan_file(str(SEED_PLAN))


def plan_for(org: str, base: Plan) -> Plan:
    data = base.model_dump(mode="json")
    data["org"]["id"] = org
    return Plan.model_validate(data)


@dataclass
class World:
    """Processes of one bench run. `web` is the real app, `baseline` the baseline app."""

    web_port: int
    sim_port: int
    env: dict[str, str]
    r: redis.Redis
    sim: procs.Proc | None = None
    web: procs.Proc | None = None
    worker: procs.Proc | None = None
    others: list[procs.Proc] = field(default_factory=list)
    seed_org: str = "naphu"
    channels: dict[str, str] = field(default_factory=dict)  # org -> its channel in the simulator

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    @classmethod
    def create(cls) -> World:
        web_port, sim_port = procs.free_port(), procs.free_port()
        return cls(web_port, sim_port, procs.base_env(web_port, sim_port), redis_client())

    def start(self, web_workers: int | None = None) -> None:
        self.sim = procs.start_simulator(
            self.sim_port, f"http://127.0.0.1:{self.web_port}/callback", self.env
        )
        self.web = procs.start_web(
            "web", "bot.wsgi:app", self.web_port, self.env, workers=web_workers
        )
        self.start_worker()

    def start_worker(self) -> None:
        self.worker = procs.start_worker(self.env)
        wait_worker_ready(self.r, self.worker)

    def stop_worker(self) -> None:
        if self.worker:
            self.worker.stop()
            self.worker = None

    def restart_web(self, workers: int | None) -> None:
        if self.web:
            self.web.stop()
        self.web = procs.start_web("web", "bot.wsgi:app", self.web_port, self.env, workers=workers)

    def start_baseline(self) -> tuple[procs.Proc, int]:
        port = procs.free_port()
        proc = procs.start_web("baseline", "bench.baseline_app:app", port, self.env)
        self.others.append(proc)
        return proc, port

    def stop(self) -> None:
        for proc in [*self.others, self.worker, self.web, self.sim]:
            if proc is not None:
                proc.stop()

    def groups(self) -> dict[str, int]:
        """The process group of each running part (bench/redis_cost.py tells them apart)."""
        parts = (("web", self.web), ("worker", self.worker), ("simulator", self.sim))
        return {name: proc.pid for name, proc in parts if proc is not None and proc.alive()}

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each part (the load generator is this process)."""
        out = {"load_generator": time.process_time()}
        for name, proc in (("web", self.web), ("worker", self.worker), ("simulator", self.sim)):
            if proc is not None and proc.alive():
                out[name] = procs.cpu_seconds_of_group(proc.pid)
        for proc in self.others:
            if proc.alive():
                out[proc.name] = procs.cpu_seconds_of_group(proc.pid)
        try:
            out["redis"] = procs.cpu_seconds_of_pid(int(self.r.info("server")["process_id"]))
        except (OSError, redis.RedisError):
            pass
        return out

    # simulator -------------------------------------------------------------------------------
    def sim_users(self, people_: list[events.Person]) -> None:
        requests.post(
            f"{self.sim_url}/bench/users", json={"users": [p.user_id for p in people_]}, timeout=60
        )

    def sim_tokens(
        self, people_: list[events.Person], total: int, mix: dict[str, float] | None = None
    ) -> dict[str, list[str]]:
        """Reply tokens the simulator issued, enough for `total` requests of the mix (twice the
        expected share of each person, plus a margin)."""
        shares = mix or events.MIX
        staff = [p for p in people_ if p.division] or people_
        admins = [p for p in people_ if p.admin]
        per_staff = (
            int(2 * total * (shares.get("text", 0) + shares.get("tap", 0)) / max(1, len(staff)))
            + 20
        )
        per_admin = int(2 * total * shares.get("overview", 0) / max(1, len(admins))) + 20
        wanted = {p.user_id: per_admin if p.admin else per_staff for p in people_}
        # a person of an organisation with its own channel gets that channel's reply tokens
        channels = {p.user_id: self.channels[p.org] for p in people_ if p.org in self.channels}
        response = requests.post(
            f"{self.sim_url}/bench/tokens",
            json={"users": wanted, "channels": channels},
            timeout=120,
        )
        response.raise_for_status()
        return response.json()["tokens"]

    def sim_calls(self, since: int = 0) -> list[dict[str, Any]]:
        response = requests.get(f"{self.sim_url}/bench/calls", params={"since": since}, timeout=120)
        response.raise_for_status()
        return response.json()["calls"]

    def sim_latency(self, ms: float) -> None:
        requests.post(
            f"{self.sim_url}/bench/latency", json={"ms": ms}, timeout=30
        ).raise_for_status()

    def sim_reset(self) -> None:
        requests.post(f"{self.sim_url}/bench/reset", timeout=30)

    def mix(
        self, people_: list[events.Person], tokens: dict[str, list[str]], seed: int, **kw: Any
    ) -> events.Mix:
        return events.Mix(
            DEMO_CHANNEL_SECRET,
            SIGNING_KEY,
            people_,
            tokens,
            random.Random(seed),
            secret_of=lambda org: (
                channel_secret(org) if org in self.channels else DEMO_CHANNEL_SECRET
            ),
            **kw,
        )

    def add_channels(self, orgs: list[str]) -> None:
        """A LINE channel of its own for each organisation, as a deployment serving many
        offices has: stored encrypted in Redis (`itabot org channel`'s store call) and made in
        the simulator, which then answers the bot's calls by the token they carry."""
        sim = SimulatorClient(self.sim_url)
        for org in orgs:
            secret, token = channel_secret(org), channel_token(org)
            channels.save_channel(self.r, org, secret, token, procs.BENCH_MASTER_KEY)
            self.channels[org] = sim.create_channel(
                secret, token, f"http://127.0.0.1:{self.web_port}/callback/{org}", name=org
            )


def channel_secret(org: str) -> str:
    return hashlib.sha256(f"bench channel secret {org}".encode()).hexdigest()[:32]


def channel_token(org: str) -> str:
    return f"bench-token-{org}"


def wait_worker_ready(r: redis.Redis, proc: procs.Proc, timeout: float = 60.0) -> None:
    """The worker registered itself and listens (its preload is done by then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"worker exited; see {proc.log_path}")
        for name in r.smembers("rq:workers"):
            if r.hget(name, "state") == "idle":
                return
        time.sleep(0.1)
    raise RuntimeError(f"worker not ready within {timeout:g}s; see {proc.log_path}")


def queue_empty(r: redis.Redis) -> bool:
    """Nothing waiting in the webhook inboxes, nothing queued and nothing running on the events
    and delivery queues."""
    pipe = r.pipeline()
    for name in (*ALL_EVENT_QUEUES, "delivery"):
        pipe.llen(f"rq:queue:{name}")
        pipe.zcard(f"rq:wip:{name}")
        pipe.llen(inbox_key(name))
    return not any(pipe.execute())


def wait_drained(r: redis.Redis, timeout: float, poll: float = 0.05) -> float | None:
    """Seconds until the queues are empty, or None if they were not within the timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if queue_empty(r):
            return time.monotonic() - started
        time.sleep(poll)
    return None


def failed_jobs(r: redis.Redis) -> int:
    return sum(r.zcard(f"rq:failed:{name}") for name in ALL)


def cli_status(env: dict[str, str], org: str) -> dict[str, Any]:
    """`itabot status --json` as a person would run it."""
    out = subprocess.run(
        ["itabot", "--org", org, "status", "--json"],
        env=env,
        cwd=procs.ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


def verify(
    world: World,
    sent: list[tuple[float, events.Request]],
    calls: list[dict[str, Any]],
    orgs: list[str],
    load_end: float,
    status_json: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every event answered once and applied at most once; the matrix is what the history says.

    sent: (time the request was due, request) for each request answered 200.
    status_json: org -> `itabot status --json` output (else read through the store).
    """
    r = world.r
    by_token: dict[str, list[dict[str, Any]]] = defaultdict(list)
    pushes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for call in calls:
        if call["path"] == "/v2/bot/message/reply" and call.get("token"):
            by_token[call["token"]].append(call)
        elif call["path"] == "/v2/bot/message/push" and call.get("to"):
            pushes[call["to"]].append(call)
    histories = {org: status_store.history(r, org) for org in orgs}
    history = [entry for entries in histories.values() for entry in entries]
    per_event_cells: dict[str, Counter] = defaultdict(Counter)
    for entry in history:
        per_event_cells[entry.get("event") or ""][(entry["measure"], entry["division"])] += 1
    applied_twice = sum(1 for cells in per_event_cells.values() for n in cells.values() if n > 1)

    firsts = [(due, q) for due, q in sent if q.kind != "redelivery"]
    redeliveries = [(due, q) for due, q in sent if q.kind == "redelivery"]
    sent_ids = {q.event_id for _, q in sent}
    unknown_history = sum(1 for e in per_event_cells if e and e not in sent_ids)

    answered = 0
    answered_by_push = 0
    unanswered: list[str] = []
    reply_failed = 0
    status_events = applied = unchanged = claimed_not_applied = applied_not_claimed = 0
    delays: list[float] = []
    user_delay: dict[str, float] = {}
    last_answer = 0.0
    for due, q in firsts:
        replies = by_token.get(q.token, [])
        ok = [c for c in replies if c["status"] == 200]
        reply_failed += sum(1 for c in replies if c["status"] != 200)
        answer = ok[0] if ok else None
        if answer is None and replies:
            # the reply failed (token not issued by the simulator): the bot pushes instead
            later = [
                c
                for c in pushes.get(q.user_id, [])
                if c["status"] == 200 and c["time"] >= replies[0]["time"]
            ]
            if later:
                answer = later[0]
                answered_by_push += 1
        if answer is None:
            unanswered.append(q.event_id)
            continue
        answered += 1
        delay = answer["time"] - due
        delays.append(delay)
        user_delay[q.user_id] = max(user_delay.get(q.user_id, 0.0), delay)
        last_answer = max(last_answer, answer["time"])
        if q.kind in ("text", "tap"):
            status_events += 1
            text = "\n".join(answer.get("texts") or [])
            cells = per_event_cells.get(q.event_id)
            if APPLIED_MARK in text:
                applied += 1
                if not cells:
                    claimed_not_applied += 1
            elif UNCHANGED_MARK in text:
                unchanged += 1
                if cells:
                    applied_not_claimed += 1
    # a redelivery must cause no second answer: its token was used once already
    second_answers = sum(1 for _, q in redeliveries if len(by_token.get(q.token, [])) > 1)

    # the matrix equals the last value of each cell in the history (oldest first)
    mismatched = 0
    for org, entries in histories.items():
        expected: dict[tuple[str, str], str] = {}
        for entry in reversed(entries):
            expected[(entry["measure"], entry["division"])] = entry["new"]
        if status_json is not None and org in status_json:
            matrix = status_json[org]
        else:
            plan = plans.get_plan(r, org)
            matrix = status_store.read_matrix(r, plan).as_json() if plan else {"measures": []}
        for measure in matrix["measures"]:
            for division, state in measure["divisions"].items():
                if expected.get((measure["id"], division), "not_started") != state:
                    mismatched += 1
    delays.sort()
    per_user = sorted(user_delay.values())
    return {
        "requests_200": len(sent),
        "events_first_delivery": len(firsts),
        "redeliveries": len(redeliveries),
        "answered": answered,
        "answered_by_push_after_failed_reply": answered_by_push,
        "failed_reply_calls": reply_failed,
        "unanswered": len(unanswered),
        "status_events": status_events,
        "status_applied": applied,
        "status_unchanged_already": unchanged,
        "claimed_but_not_in_history": claimed_not_applied,
        "in_history_but_not_claimed": applied_not_claimed,
        "cells_applied_twice": applied_twice,
        "history_entries": len(history),
        "history_from_unknown_events": unknown_history,
        "redeliveries_answered_again": second_answers,
        "status_cells_not_matching_history": mismatched,
        "status_read_by": "itabot status --json"
        if status_json is not None
        else "store.status.read_matrix",
        "failed_jobs": failed_jobs(r),
        "last_answer_after_load_s": round(last_answer - load_end, 3) if last_answer else None,
        "confirmation_delay_ms": {
            "p50": round(1000 * percentile(delays, 50), 1) if delays else None,
            "p99": round(1000 * percentile(delays, 99), 1) if delays else None,
            "max": round(1000 * delays[-1], 1) if delays else None,
        },
        "worst_user_wait_ms": {
            "p50": round(1000 * percentile(per_user, 50), 1) if per_user else None,
            "max": round(1000 * per_user[-1], 1) if per_user else None,
        },
        "last_answer": last_answer,
    }


def clear_org(r: redis.Redis, org: str) -> None:
    """Statuses, history, undo stacks and event marks of one org (the plan and people stay)."""
    batch = list(r.scan_iter(key(org, "event", "*"), count=5000)) + list(
        r.scan_iter(key(org, "undo", "*"), count=5000)
    )
    batch += [key(org, "status"), key(org, "history"), key(org, "history-seq")]
    for start in range(0, len(batch), 1000):
        r.delete(*batch[start : start + 1000])


def clear_rq(r: redis.Redis) -> None:
    batch = []
    for pattern in (
        "rq:job:*",
        "rq:results:*",
        "rq:execution:*",
        "rq:executions:*",
        "rq:finished:*",
        "rq:failed:*",
        "rq:queue:*",
        "rq:wip:*",
        "itabot:inbox*",
    ):
        batch += list(r.scan_iter(pattern, count=5000))
    for start in range(0, len(batch), 1000):
        r.delete(*batch[start : start + 1000])


def save_plans(r: redis.Redis, base: Plan, orgs: list[str], distinct_titles: bool = True) -> None:
    """One plan per org id through the store (`store.plans.save_plan`), the default org kept.

    With distinct_titles each org's measure titles differ a little, as real plans do, so
    per-plan caches (the parser's title index) see 1,000 different plans, not one."""
    current = plans.default_org(r)
    for org in orgs:
        plan = plan_for(org, base)
        if distinct_titles:
            data = plan.model_dump(mode="json")
            for measure in data["measures"]:
                measure["title"] = f"{measure['title']} ({org})"
            plan = Plan.model_validate(data)
        plans.save_plan(r, plan, replace=True)
        titles.build_for(r, plan)  # as the product's plan load does (jobs/schedule.apply_plan)
    if current:
        r.set(GLOBAL_DEFAULT_ORG, current)
