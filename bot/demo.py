"""`itabot demo`: load the bundled demo plan (the seed memo's) and, on request, its statuses.

The seed plan is due on 31 March 2021 (the tests rely on its dates). Someone trying the demo
today would see a deadline thousands of days past and no reminder ever due, so the demo loads
it due a couple of weeks from today instead, at the seed's time of day; the file is unchanged.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from importlib import resources

import yaml

from core.config import Settings
from core.texts import cli as cli_texts
from core.thai import thai_datetime
from store import plans
from store import status as status_store
from store.db import connect
from store.plan_schema import Plan, parse_plan

DEMO_DAYS_TO_DEADLINE = 14


def demo_plan_text() -> str:
    return resources.files("bot").joinpath("demo_data/naphu-2564.yaml").read_text(encoding="utf-8")


def demo_plan(now: datetime | None = None, keep: Plan | None = None) -> Plan:
    """The bundled plan, due DEMO_DAYS_TO_DEADLINE days after today (plan's time zone) at the
    seed's time of day (16:30), so the countdown and the 7/3/1-day reminders lie ahead.

    `keep`, the demo plan already loaded, keeps its deadline while that is still ahead: running
    the demo again does not move the deadline the reminders were scheduled for.
    """
    plan = parse_plan(demo_plan_text(), "demo")
    now = now or datetime.now(UTC)
    if keep is not None and keep.org.id == plan.org.id and keep.deadline > now:
        return plan.model_copy(update={"deadline": keep.deadline})
    seed_due = plan.local_deadline()
    day = now.astimezone(plan.tz).date() + timedelta(days=DEMO_DAYS_TO_DEADLINE)
    due = datetime.combine(day, seed_due.time(), tzinfo=plan.tz)
    return plan.model_copy(update={"deadline": due})


def demo_statuses() -> dict:
    return yaml.safe_load(
        resources.files("bot").joinpath("demo_data/naphu-2564-statuses.yaml").read_text("utf-8")
    )


def seed_statuses(r, plan, statuses: dict) -> int:
    """Set every owner's status of each measure as the seed memo reports it (as the demo's staff would)."""
    changes = []
    for measure_id, entry in statuses.items():
        measure = plan.measure(str(measure_id))
        if measure is None:
            continue
        for division in measure.owners:
            changes.append(
                status_store.Change(measure.id, division, entry["status"], entry.get("note"))
            )
    if changes:
        status_store.apply_changes(
            r,
            plan.org.id,
            changes,
            user_id="demo",
            user_name=cli_texts.DEMO_REPORTER,
            source="itabot demo --statuses",
            event_id=None,
            kind="seed",
        )
    return len(changes)


def prepare(settings: Settings, args: argparse.Namespace) -> int:
    from jobs import schedule

    r = connect(settings.redis_url)
    current = plans.default_org(r)
    plan = demo_plan(keep=plans.get_plan(r, current) if current else None)
    if current and current != plan.org.id:
        print(cli_texts.demo_not_loaded(current))
        return 0
    plans.save_plan(r, plan)
    schedule.reschedule(settings, r, plan.org.id)
    seeded = 0
    matrix = status_store.read_matrix(r, plan)
    if args.statuses and not matrix.cells:
        seeded = seed_statuses(r, plan, demo_statuses())
    deadline = thai_datetime(plan.local_deadline(), digits=False)
    print(cli_texts.demo_loaded(plan.org.name, len(plan.measures), seeded, deadline))
    return 0
