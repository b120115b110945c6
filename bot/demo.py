"""`itabot demo`: load the bundled demo plan (the seed memo's) and, on request, its statuses."""

from __future__ import annotations

import argparse
from importlib import resources

import yaml

from core.config import Settings
from core.texts import cli as cli_texts
from store import plans
from store import status as status_store
from store.db import connect
from store.plan_schema import parse_plan


def demo_plan_text() -> str:
    return resources.files("bot").joinpath("demo_data/naphu-2564.yaml").read_text(encoding="utf-8")


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
    plan = parse_plan(demo_plan_text(), "demo")
    current = plans.default_org(r)
    if current and current != plan.org.id:
        print(cli_texts.demo_not_loaded(current))
        return 0
    plans.save_plan(r, plan)
    schedule.reschedule(settings, r, plan.org.id)
    seeded = 0
    matrix = status_store.read_matrix(r, plan)
    if args.statuses and not matrix.cells:
        seeded = seed_statuses(r, plan, demo_statuses())
    print(cli_texts.demo_loaded(plan.org.name, len(plan.measures), seeded))
    return 0
