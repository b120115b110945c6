"""The plan's schedule as RQ scheduled jobs (`enqueue_at`, run by the worker's scheduler).

Job ids are fixed by (organisation, what, when), so scheduling again replaces instead of
doubling, and a plan load first cancels what the previous plan scheduled. A slot whose time
passed while everything was down is enqueued by the scheduler as soon as a worker is back;
the jobs themselves are idempotent per slot and skip work past the deadline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job

from core.config import Settings
from store import plans
from store.db import connect_binary, key
from store.plan_schema import Plan
from store.queues import DEFAULT, queue, retry_abandoned


def reminder_slots(plan: Plan) -> list[datetime]:
    """Aware local datetimes of every reminder, earliest first."""
    deadline = plan.local_deadline()
    clock = plan.reminders.clock()
    slots = []
    for days in plan.reminders.days_before:
        day = deadline.date() - timedelta(days=days)
        slots.append(datetime.combine(day, clock, tzinfo=plan.tz))
    return sorted(s for s in slots if s <= deadline)


def slot_id(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def reschedule(settings: Settings, r: redis.Redis, org: str, now: datetime | None = None) -> int:
    plan = plans.get_plan(r, org)
    if plan is None:
        return 0
    now = now or datetime.now(UTC)
    q = queue(DEFAULT, settings)
    rb = connect_binary(settings.redis_url)
    registry_key = key(org, "scheduled-jobs")
    for job_id in r.smembers(registry_key):
        try:
            Job.fetch(job_id, connection=rb).cancel()
        except NoSuchJobError:
            pass
        try:
            Job.fetch(job_id, connection=rb).delete()
        except NoSuchJobError:
            pass
    r.delete(registry_key)
    deadline = plan.deadline.astimezone(UTC)
    wanted: list[tuple[datetime, str, str, tuple]] = []
    if now < deadline:
        slots = [s for s in reminder_slots(plan) if s.astimezone(UTC) < deadline]
        past = [s for s in slots if s.astimezone(UTC) <= now]
        # Of the slots already past, only the latest still matters: it is sent at once.
        for slot in past[-1:] + [s for s in slots if s.astimezone(UTC) > now]:
            sid = slot_id(slot)
            wanted.append(
                (
                    slot,
                    f"sched-{org}-remind-{sid}",
                    "jobs.remind.sweep_job",
                    (org, slot.isoformat()),
                )
            )
        wanted.append(
            (
                plan.deadline,
                f"sched-{org}-compile-{slot_id(plan.deadline)}",
                "jobs.remind.deadline_compile",
                (org, plan.deadline.isoformat()),
            )
        )
    first_nudge = next_daily(plan, now)
    wanted.append(
        (
            first_nudge,
            f"sched-{org}-nudge-{slot_id(first_nudge)}",
            "jobs.remind.nudge_reviewers",
            (org, first_nudge.isoformat()),
        )
    )
    count = 0
    for moment, job_id, func, args in wanted:
        q.enqueue_at(
            moment.astimezone(UTC),
            func,
            *args,
            job_id=job_id,
            result_ttl=7 * 86400,
            failure_ttl=30 * 86400,
            job_timeout=600,
            retry=retry_abandoned(),
        )
        r.sadd(registry_key, job_id)
        count += 1
    return count


def next_daily(plan: Plan, after: datetime) -> datetime:
    """The next reminder-time tick (local) strictly after `after`."""
    local = after.astimezone(plan.tz)
    candidate = datetime.combine(local.date(), plan.reminders.clock(), tzinfo=plan.tz)
    if candidate <= local:
        candidate = datetime.combine(
            local.date() + timedelta(days=1), plan.reminders.clock(), tzinfo=plan.tz
        )
    return candidate


def schedule_next_nudge(settings: Settings, r: redis.Redis, org: str, after: datetime) -> None:
    plan = plans.get_plan(r, org)
    if plan is None:
        return
    moment = next_daily(plan, after)
    job_id = f"sched-{org}-nudge-{slot_id(moment)}"
    queue(DEFAULT, settings).enqueue_at(
        moment.astimezone(UTC),
        "jobs.remind.nudge_reviewers",
        org,
        moment.isoformat(),
        job_id=job_id,
        result_ttl=7 * 86400,
        retry=retry_abandoned(),
    )
    r.sadd(key(org, "scheduled-jobs"), job_id)
