"""The reminder sweep at scale: 5,000 staff across 200 organisations' plans.

Counts the LINE API calls the sweep queues (one delivery job is one push or multicast call)
against the lower bound ⌈recipients / 500⌉ per distinct message, and times the sweep
(reading plans, statuses and people; building the messages; queueing the deliveries).
Nothing is sent: the queued jobs are counted and dropped.

    python -m bench.bench_sweep [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

REDIS_URL = os.environ.get("ITABOT_BENCH_SWEEP_REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ["REDIS_URL"] = REDIS_URL
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import redis  # noqa: E402

from bot.demo import demo_plan_text  # noqa: E402
from core.config import load_settings  # noqa: E402
from jobs import remind  # noqa: E402
from store import people, plans  # noqa: E402
from store import status as status_store  # noqa: E402
from store.plan_schema import parse_plan  # noqa: E402
from store.queues import DELIVERY  # noqa: E402

AT = "2021-03-24T09:00:00+07:00"  # the D-7 slot of the seed plan


def _load(r: redis.Redis, orgs: int, staff_per_division: int) -> int:
    base = parse_plan(demo_plan_text(), "demo")
    staff = 0
    for index in range(orgs):
        org_id = f"bench{index:04d}"
        plan = base.model_copy(update={"org": base.org.model_copy(update={"id": org_id})})
        plans.save_plan(r, plan, replace=True)
        pipe = r.pipeline(transaction=False)
        for d_index, division in enumerate(plan.divisions):
            for s in range(staff_per_division):
                user = f"U{index:08x}{d_index:04x}{s:020x}"
                record = people.Person(user, f"staff {s}", division, [], False, "")
                pipe.hset(people.key(org_id, "people"), user, record.to_json())
                staff += 1
        admin = people.Person(f"U{index:08x}ffff{0:020x}", "admin", None, [], True, "")
        pipe.hset(people.key(org_id, "people"), admin.user_id, admin.to_json())
        pipe.execute()
        # a realistic mix: a third of the organisations have one division already done
        if index % 3 == 0:
            division = plan.divisions[index % len(plan.divisions)]
            changes = [
                status_store.Change(m.id, division, "done") for m in plan.measures_of(division)
            ]
            status_store.apply_changes(
                r,
                org_id,
                changes,
                user_id="bench",
                user_name="bench",
                source="bench",
                event_id=None,
                kind="seed",
            )
    return staff


def run(orgs: int = 200, staff_per_division: int = 5) -> dict:
    r = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    r.flushdb()
    settings = load_settings()
    staff = _load(r, orgs, staff_per_division)
    org_ids = [o for o in plans.all_orgs(r)]
    # lower bound and recipients from what the sweep plans to send
    messages = recipients = lower_bound = 0
    for org in org_ids:
        planned = remind.plan_sweep(settings, org, remind.datetime.fromisoformat(AT))
        for to, _messages, _purpose in planned["deliveries"]:
            messages += 1
            recipients += len(to)
            lower_bound += math.ceil(len(to) / 500)
    started = time.perf_counter()
    calls = 0
    for org in org_ids:
        calls += remind.sweep(settings, org, AT).get("calls", 0)
    seconds = time.perf_counter() - started
    queued = r.llen(f"rq:queue:{DELIVERY}")
    again = sum(remind.sweep(settings, org, AT).get("sent", 0) for org in org_ids)
    r.flushdb()
    return {
        "organisations": orgs,
        "staff": staff,
        "distinct_messages": messages,
        "recipients": recipients,
        "api_calls": calls,
        "jobs_queued": queued,
        "lower_bound_calls": lower_bound,
        "ratio_to_lower_bound": round(calls / lower_bound, 3) if lower_bound else None,
        "sweep_seconds": round(seconds, 3),
        "recipients_per_second": round(recipients / seconds) if seconds else None,
        "second_sweep_recipients": again,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--staff-per-division", type=int, default=5)
    args = parser.parse_args(argv)
    result = run(args.orgs, args.staff_per_division)
    if args.json:
        print(json.dumps(result))
        return 0
    for name, value in result.items():
        print(f"{name:>26}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
