"""Memo inputs for the docs, the bench and the tests: the seed memo and a large generated plan.

Not used by the running product. The seed files ship in `bot/demo_data` (the demo plan).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from core.texts import memo_samples as sample_texts
from core.values import DONE, IN_PROGRESS, NOT_STARTED
from jobs.memo.content import APPROVE, StepRecord
from jobs.memo.render import MemoInput
from store.plan_schema import Plan, load_plan_file

DEMO_DATA = Path(__file__).resolve().parents[2] / "bot" / "demo_data"
SEED_PLAN = DEMO_DATA / "naphu-2564.yaml"
SEED_STATUSES = DEMO_DATA / "naphu-2564-statuses.yaml"
SEED_DATE = date(2021, 3, 30)
EXTRA_DIVISIONS = sample_texts.EXTRA_DIVISIONS


def seed_statuses(path: Path = SEED_STATUSES) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(measure id -> status, measure id -> notes) from the seed statuses file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    statuses = {str(k): v["status"] for k, v in raw.items()}
    notes = {str(k): [v["note"]] for k, v in raw.items() if v.get("note")}
    return statuses, notes


def blank_chain(plan: Plan) -> list[StepRecord]:
    return [StepRecord(position=s.position, name=s.name) for s in plan.chain]


def approved_chain(plan: Plan, start: datetime) -> list[StepRecord]:
    """Every step approved an hour apart, with a comment on all but the second."""
    comments = sample_texts.APPROVAL_COMMENTS
    return [
        StepRecord(
            position=s.position,
            name=s.name,
            comment=comments[i % len(comments)],
            decided_at=start + timedelta(hours=i),
            decision=APPROVE,
        )
        for i, s in enumerate(plan.chain)
    ]


def _dated(
    plan: Plan,
    version: int,
    statuses: dict[str, str],
    notes: dict[str, list[str]],
    chain: list[StepRecord] | None = None,
    final: bool = False,
) -> MemoInput:
    """A sample memo's input, dated as the seed memo is."""
    return MemoInput(
        plan=plan,
        memo_date=SEED_DATE,
        version=version,
        measure_status=statuses,
        notes=notes,
        chain=chain if chain is not None else blank_chain(plan),
        final=final,
    )


def seed_input(
    version: int = 1, chain: list[StepRecord] | None = None, final: bool = False
) -> MemoInput:
    plan = load_plan_file(str(SEED_PLAN))
    statuses, notes = seed_statuses()
    return _dated(plan, version, statuses, notes, chain, final)


def large_plan(measures: int = 60, divisions: int = 12) -> Plan:
    """The seed plan grown to `measures` measures owned by up to `divisions` divisions."""
    seed = load_plan_file(str(SEED_PLAN))
    names = (list(seed.divisions) + EXTRA_DIVISIONS)[:divisions]
    names += [
        sample_texts.NUMBERED_DIVISION.format(number=i)
        for i in range(len(names) + 1, divisions + 1)
    ]
    data: dict[str, Any] = seed.model_dump(mode="json")
    data["divisions"] = names
    data["measures"] = []
    for i in range(measures):
        base = seed.measures[i % len(seed.measures)]
        owners = names[: 1 + (i * 5) % divisions]
        data["measures"].append(
            {
                "id": str(i + 1),
                "title": sample_texts.REPEATED_MEASURE_TITLE.format(
                    title=base.title, round=i // len(seed.measures) + 1
                ),
                "steps": base.steps,
                "owners": owners,
                "monitoring": base.monitoring,
            }
        )
    return Plan.model_validate(data)


def large_input(measures: int = 60, divisions: int = 12, version: int = 1) -> MemoInput:
    plan = large_plan(measures, divisions)
    cycle = (NOT_STARTED, IN_PROGRESS, DONE)
    statuses = {m.id: cycle[i % 3] for i, m in enumerate(plan.measures)}
    notes = {m.id: [sample_texts.EVIDENCE_NOTE] for i, m in enumerate(plan.measures) if i % 3 == 2}
    return _dated(plan, version, statuses, notes)
