"""Putting a validated plan into effect: save it and reschedule its reminders and deadline,
the same for `itabot plan load` and the admin pages' uploads."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from core.config import Settings
from store import plans
from store.plan_schema import Plan


@dataclass(frozen=True)
class Applied:
    counts: dict[str, int]  # status cells kept and dropped (store.plans.save_plan)
    scheduled: int  # jobs scheduled for the plan's reminders and deadline


def apply_plan(settings: Settings, r: redis.Redis, plan: Plan, *, replace: bool = False) -> Applied:
    """Store the plan (statuses of surviving cells kept) and replace its scheduled jobs."""
    from jobs import schedule  # RQ's import is paid only by the callers that save a plan

    counts = plans.save_plan(r, plan, replace=replace)
    return Applied(counts, schedule.reschedule(settings, r, plan.org.id))
