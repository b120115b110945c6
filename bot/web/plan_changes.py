"""What a plan edit changes: the one-line summary of each change kept with the revision, and
what a save drops (removed measures and divisions, and the status cells that go with them)."""

from __future__ import annotations

from dataclasses import dataclass

from core.texts import plan_editor as texts
from core.thai import thai_datetime
from core.thai import to_thai_digits as thai
from store.plan_schema import Plan

MEASURE_LABELS = ("id", "title", "short_title", "steps", "owners", "monitoring")


def _labels(section: str, old: dict, new: dict, names: tuple[str, ...]) -> list[str]:
    return [texts.FIELD_LABELS[f"{section}.{n}"] for n in names if old.get(n) != new.get(n)]


def _header_lines(old: Plan, new: Plan) -> list[str]:
    lines = []
    org = _labels(
        "org",
        old.org.model_dump(),
        new.org.model_dump(),
        ("name", "short_name", "district", "province"),
    )
    if org:
        lines.append(texts.change_line("fields", texts.ORG_CHANGED, org))
    old_memo, new_memo = old.memo.model_dump(), new.memo.model_dump()
    memo = _labels("memo", old_memo, new_memo, tuple(k for k in new_memo if k != "author"))
    memo += _labels("memo.author", old_memo["author"], new_memo["author"], ("name", "position"))
    if memo:
        lines.append(texts.change_line("fields", texts.MEMO_CHANGED, memo))
    return lines


def _division_lines(old: Plan, new: Plan) -> list[str]:
    lines = [
        texts.change_line("division_added", d) for d in new.divisions if d not in old.divisions
    ]
    lines += [
        texts.change_line("division_removed", d) for d in old.divisions if d not in new.divisions
    ]
    kept_old = [d for d in old.divisions if d in new.divisions]
    if not lines and kept_old != [d for d in new.divisions if d in old.divisions]:
        lines.append(texts.DIVISIONS_REORDERED)
    return lines


def _measure_lines(old: Plan, new: Plan) -> list[str]:
    lines = []
    for measure in new.measures:
        before = old.measure(measure.id)
        if before is None:
            lines.append(texts.change_line("measure_added", thai(measure.id), measure.title))
            continue
        changed = _labels("measures", before.model_dump(), measure.model_dump(), MEASURE_LABELS)
        if changed:
            lines.append(texts.change_line("measure_changed", thai(measure.id), changed))
    new_ids = [m.id for m in new.measures]
    lines += [
        texts.change_line("measure_removed", thai(m.id), m.title)
        for m in old.measures
        if m.id not in new_ids
    ]
    if not lines and [m.id for m in old.measures] != new_ids:
        lines.append(texts.MEASURES_REORDERED)
    return lines


def summary(old: Plan | None, new: Plan) -> list[str]:
    """One Thai line per change from `old` to `new`; empty when nothing changed. No `old`: the
    first plan of the organisation, summed up in one line."""
    if old is None:
        return [texts.plan_first_loaded(len(new.measures), len(new.divisions))]
    lines = _header_lines(old, new) + _division_lines(old, new) + _measure_lines(old, new)
    if old.chain != new.chain:
        lines.append(texts.CHAIN_CHANGED)
    if old.deadline != new.deadline or old.timezone != new.timezone:
        lines.append(texts.change_line("deadline_moved", thai_datetime(new.local_deadline())))
    if old.reminders != new.reminders:
        lines.append(texts.reminders_now(new.reminders.days_before, new.reminders.time))
    if old.timezone != new.timezone:
        lines.append(texts.change_line("timezone_changed", new.timezone))
    return lines


@dataclass(frozen=True)
class Drops:
    """What saving `new` over `old` removes; statuses of every other cell are kept."""

    measures: list[str]  # "ข้อ N title"
    divisions: list[str]
    cells: list[str]  # cells that have a status now: "ข้อ N · division"

    @property
    def any(self) -> bool:
        return bool(self.measures or self.divisions or self.cells)


def drops(old: Plan, new: Plan, reported: set[str]) -> Drops:
    """`reported` holds the "measure|division" cells that have a status."""
    new_ids = [m.id for m in new.measures]
    kept = {f"{m}|{d}" for m, d in new.cells()}
    return Drops(
        measures=[f"{m.id} {m.title}" for m in old.measures if m.id not in new_ids],
        divisions=[d for d in old.divisions if d not in new.divisions],
        cells=[
            texts.cell_dropped(m, d)
            for m, d in old.cells()
            if f"{m}|{d}" in reported and f"{m}|{d}" not in kept
        ],
    )
