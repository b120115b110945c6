"""The reminder sweep at scale: one slot for 1,000 organisations × 20 staff, each organisation on
its own schedule in its own time zone, queued within 60 s in Σ⌈staff/500⌉ multicast calls.

Runs on a redis-server of its own (no worker of the session takes the deliveries): the plans
are scheduled as `itabot plan load` schedules them (jobs.schedule.reschedule), RQ's scheduler
enqueues the slot when it is due and an ItabotWorker on the default queue runs the sweeps; the
deliveries stay queued on the delivery queue, where they are counted.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue
from rq.job import Job

from store.plan_schema import Plan, load_plan_file
from tests.helpers import SEED_PLAN
from tests.own_stack import RedisServer, environment

ORGS = 1000
STAFF_PER_DIVISION = 4  # × 5 divisions: 20 staff, and one admin
BIG_DIVISION = 1200  # one organisation's division past two multicasts' worth
ZONES = ("Asia/Bangkok", "Asia/Tokyo", "Asia/Kolkata", "Europe/London", "America/New_York")


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis", persistent=False)
    server.start()
    try:
        with environment({"REDIS_URL": server.url}):
            yield server
    finally:
        server.kill()


def _plan(base: Plan, index: int, slot: datetime) -> Plan:
    """The seed plan as organisation `index`'s, in a zone of its own, its D-2 reminder at
    `slot` (the same moment for all, a different local clock in each zone)."""
    zone = ZONES[index % len(ZONES)]
    plan = base.model_copy(update={"timezone": zone})
    local = slot.astimezone(plan.tz)
    reminders = base.reminders.model_copy(
        update={"days_before": [2], "time": local.strftime("%H:%M")}
    )
    org = base.org.model_copy(update={"id": f"org{index:04d}"})
    return plan.model_copy(
        update={"org": org, "reminders": reminders, "deadline": local + timedelta(days=2)}
    )


def _staff(r, org: str, division: str | None, count: int, admin: bool = False) -> None:
    """People joined as they join: an invite code each, redeemed (store/people.py)."""
    from store import people

    for n in range(count):
        code = people.create_invite(r, org, "admin" if admin else "division", division or "admin")
        user = "U" + hashlib.md5(f"{org}/{division}/{n}".encode()).hexdigest()
        assert people.redeem_invite(r, org, user, code, f"staff {n}").ok


def _load(r, slot: datetime) -> dict[tuple[str, str], int]:
    """Every organisation's plan and people; returns the recipients of each distinct message."""
    from store import plans

    base = load_plan_file(str(SEED_PLAN))
    expected: dict[tuple[str, str], int] = {}
    for index in range(ORGS):
        plan = _plan(base, index, slot)
        plans.save_plan(r, plan, replace=True)
        org = plan.org.id
        for division in plan.divisions:
            big = index == 0 and division == plan.divisions[0]
            count = BIG_DIVISION if big else STAFF_PER_DIVISION
            _staff(r, org, division, count)
            if plan.measures_of(division):  # a division with nothing to do hears nothing
                expected[(org, division)] = count
        _staff(r, org, None, 1, admin=True)
        expected[(org, "admin summary")] = 1
    return expected


def test_one_slot_for_1000_organisations_queued_within_60s(own_redis):
    from core.config import load_settings
    from jobs import schedule
    from jobs.worker import ItabotWorker
    from store import plans
    from store.db import connect_binary
    from store.queues import DEFAULT, DELIVERY

    settings = load_settings()
    r = own_redis.client()
    slot = (datetime.now(UTC) - timedelta(minutes=1)).replace(second=0, microsecond=0)
    expected = _load(r, slot)
    for index in range(ORGS):
        schedule.reschedule(settings, r, f"org{index:04d}", now=slot - timedelta(hours=1))
    # each organisation's slot is at its own local clock, the same moment
    rb = connect_binary(settings.redis_url)
    due = Queue(DEFAULT, connection=rb).scheduled_job_registry
    slot_jobs = [j for j in due.get_job_ids() if "-remind-" in j]
    assert len(slot_jobs) == ORGS
    assert {r.zscore(due.key, job_id) for job_id in slot_jobs} == {slot.timestamp()}
    clocks = {plans.get_plan(r, f"org{i:04d}").reminders.time for i in range(len(ZONES))}
    assert len(clocks) == len(ZONES)  # five local clocks for the one moment

    started = time.monotonic()
    # RQ's scheduler moves up to 1,000 due jobs a round (a running worker's scheduler goes round
    # every second; a burst worker once): a round, then its jobs run, until none is left due
    while r.zrangebyscore(due.key, "-inf", time.time(), start=0, num=1):
        ItabotWorker([DEFAULT], connection=rb).work(
            burst=True, with_scheduler=True, logging_level="WARNING"
        )
    seconds = time.monotonic() - started
    print(f"one slot, {ORGS} organisations: deliveries queued in {seconds:.1f} s")
    deliveries = Queue(DELIVERY, connection=rb)
    jobs = Job.fetch_many(deliveries.get_job_ids(), connection=rb)
    lower_bound = sum(math.ceil(n / 500) for n in expected.values())
    assert len(jobs) == lower_bound, (len(jobs), lower_bound)
    assert all(len(job.args[0]) <= 500 for job in jobs)
    assert sum(len(job.args[0]) for job in jobs) == sum(expected.values())
    assert len({job.kwargs["org"] for job in jobs}) == ORGS
    assert seconds < 60, f"the slot took {seconds:.1f} s to queue"
