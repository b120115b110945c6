"""The plan's schedule as RQ scheduled jobs: reminder slots, the deadline compile and the
daily nudge to reviewers (run by the worker's scheduler).

Job ids are fixed by (organisation, what, when), so scheduling again replaces instead of
doubling, and a plan load first cancels what the previous plan scheduled. A slot whose time
passed while everything was down is enqueued by the scheduler as soon as a worker is back;
the jobs themselves are idempotent per slot and skip work past the deadline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import redis

from core.config import Settings
from handlers import titles
from store import plans, queues
from store.plan_schema import Plan


class Scheduled(NamedTuple):
    moment: datetime
    job_id: str
    func: str  # the job by name: jobs.remind.*
    args: tuple[Any, ...]


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


def next_daily(plan: Plan, after: datetime) -> datetime:
    """The next reminder-time tick (local) strictly after `after`."""
    local = after.astimezone(plan.tz)
    candidate = datetime.combine(local.date(), plan.reminders.clock(), tzinfo=plan.tz)
    if candidate <= local:
        candidate = datetime.combine(
            local.date() + timedelta(days=1), plan.reminders.clock(), tzinfo=plan.tz
        )
    return candidate


def _until_deadline(plan: Plan, org: str, now: datetime) -> list[Scheduled]:
    """The reminder sweeps still to come and the deadline compile (nothing once it is past)."""
    deadline = plan.deadline.astimezone(UTC)
    if now >= deadline:
        return []
    slots = [s for s in reminder_slots(plan) if s.astimezone(UTC) < deadline]
    past = [s for s in slots if s.astimezone(UTC) <= now]
    # Of the slots already past, only the latest still matters: it is sent at once.
    wanted = [
        Scheduled(
            slot,
            f"sched-{org}-remind-{slot_id(slot)}",
            "jobs.remind.sweep_job",
            (org, slot.isoformat()),
        )
        for slot in past[-1:] + [s for s in slots if s.astimezone(UTC) > now]
    ]
    wanted.append(
        Scheduled(
            plan.deadline,
            f"sched-{org}-compile-{slot_id(plan.deadline)}",
            "jobs.remind.deadline_compile",
            (org, plan.deadline.isoformat()),
        )
    )
    return wanted


def _nudge(plan: Plan, org: str, after: datetime) -> Scheduled:
    moment = next_daily(plan, after)
    return Scheduled(
        moment,
        f"sched-{org}-nudge-{slot_id(moment)}",
        "jobs.remind.nudge_reviewers",
        (org, moment.isoformat()),
    )


def reschedule(settings: Settings, r: redis.Redis, org: str, now: datetime | None = None) -> int:
    """Replace the organisation's scheduled jobs with those of its plan; returns how many."""
    plan = plans.get_plan(r, org)
    if plan is None:
        return 0
    now = now or datetime.now(UTC)
    queues.cancel_scheduled(settings, r, org)
    wanted = [*_until_deadline(plan, org, now), _nudge(plan, org, now)]
    for job in wanted:
        queues.schedule_at(settings, r, org, job.moment, job.job_id, job.func, *job.args)
    return len(wanted)


def schedule_next_nudge(settings: Settings, r: redis.Redis, org: str, after: datetime) -> None:
    """The nudge job schedules its own next day."""
    plan = plans.get_plan(r, org)
    if plan is None:
        return
    job = _nudge(plan, org, after)
    queues.schedule_at(settings, r, org, job.moment, job.job_id, job.func, *job.args)


def apply_plan(
    settings: Settings, r: redis.Redis, plan: Plan, *, replace: bool = False
) -> tuple[dict[str, int], int]:
    """Save a plan and put its schedule in place at once: what `itabot plan load` and the web
    plan editor both do. Returns save_plan's kept/dropped counts and how many jobs are
    scheduled."""
    counts = plans.save_plan(r, plan, replace=replace)
    titles.build_for(r, plan)  # the parser's index, once for every worker (handlers/titles.py)
    return counts, reschedule(settings, r, plan.org.id)
