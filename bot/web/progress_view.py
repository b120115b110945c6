"""What the progress page shows: the measures × divisions matrix, the counts, and who is
behind, as plain data built from the plan, the matrix and the people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.web.display import percent, short_datetime
from core.texts import chat as texts
from core.texts import web as web_texts
from core.thai import thai_date, to_thai_digits
from core.values import DONE
from store.people import Person
from store.plan_schema import Measure, Plan
from store.status import Matrix


@dataclass
class CellView:
    owner: bool
    status: str = ""
    label: str = ""
    short: str = ""
    note: str | None = None
    by_name: str | None = None
    at: str = ""
    evidence: int = 0  # items of evidence attached


@dataclass
class MeasureRow:
    id: str
    ref: str
    title: str
    short_title: str
    cells: list[CellView]
    status: str
    status_label: str
    status_short: str
    progress: int
    owners_done: int
    owners: int


@dataclass
class Pending:
    division: str
    measures: list[tuple[str, str, str]]  # ref, short title, status
    staff: list[str]


@dataclass
class ProgressView:
    divisions: list[str]
    rows: list[MeasureRow]
    counts: dict[str, int]
    total: int
    overall: int  # percent, in-progress counting half
    cells_done: int
    cells_total: int
    deadline: str
    days_left: int
    days_left_text: str
    pending: list[Pending]
    all_done: list[str]
    no_staff: list[str] = field(default_factory=list)


def _cell(plan: Plan, matrix: Matrix, measure: Measure, division: str, evidence: dict) -> CellView:
    if division not in measure.owners:
        return CellView(False)
    cell = matrix.cell(measure.id, division)
    return CellView(
        True,
        cell.status,
        texts.STATUS_LABEL[cell.status],
        texts.STATUS_SHORT[cell.status],
        cell.note,
        cell.by_name,
        short_datetime(cell.at, plan.tz),
        evidence.get((measure.id, division), 0),
    )


def _row(plan: Plan, matrix: Matrix, measure: Measure, evidence: dict) -> MeasureRow:
    status = matrix.measure_status(measure.id)
    done = sum(1 for s in matrix.division_statuses(measure.id).values() if s == DONE)
    return MeasureRow(
        measure.id,
        texts.measure_ref(measure.id),
        measure.title,
        measure.short_title or measure.title,
        [_cell(plan, matrix, measure, division, evidence) for division in plan.divisions],
        status,
        texts.STATUS_LABEL[status],
        texts.STATUS_SHORT[status],
        percent(matrix.progress(measure.id)),
        done,
        len(measure.owners),
    )


def _staff_names(everyone: list[Person]) -> dict[str, list[str]]:
    staff: dict[str, list[str]] = {}
    for person in everyone:
        if person.division:
            staff.setdefault(person.division, []).append(person.name or web_texts.UNKNOWN_NAME)
    return staff


def _pending(
    plan: Plan, matrix: Matrix, division: str, unfinished: list[str], staff: list[str]
) -> Pending:
    items = []
    for measure_id in unfinished:
        measure = plan.measure(measure_id)
        assert measure is not None
        status = matrix.cell(measure_id, division).status
        items.append((texts.measure_ref(measure_id), measure.short_title or measure.title, status))
    return Pending(division, items, sorted(staff))


def progress_view(
    plan: Plan,
    matrix: Matrix,
    everyone: list[Person],
    now: datetime,
    evidence: dict[tuple[str, str], int] | None = None,
) -> ProgressView:
    """`evidence`: the number of evidence items per (measure, division)."""
    rows = [_row(plan, matrix, measure, evidence or {}) for measure in plan.measures]
    owned = [cell for row in rows for cell in row.cells if cell.owner]
    score = sum(matrix.progress(measure.id) for measure in plan.measures)
    staff = _staff_names(everyone)
    all_done, behind = matrix.progress_by_division()
    deadline = plan.local_deadline()
    days = plan.days_left(now)
    return ProgressView(
        divisions=list(plan.divisions),
        rows=rows,
        counts=matrix.counts(),
        total=len(plan.measures),
        overall=percent(score / len(plan.measures)) if plan.measures else 0,
        cells_done=sum(1 for cell in owned if cell.status == DONE),
        cells_total=len(owned),
        deadline=web_texts.deadline(thai_date(deadline), to_thai_digits(f"{deadline:%H.%M}")),
        days_left=days,
        days_left_text=texts.days_left(days),
        pending=[
            _pending(plan, matrix, division, unfinished, staff.get(division, []))
            for division, unfinished in behind
        ],
        all_done=all_done,
        no_staff=[d for d in plan.divisions if plan.measures_of(d) and d not in staff],
    )
