"""The measures × divisions matrix: each cell's status, and what follows from them (a
measure's derived status, counts, progress, who is behind), as read from store/status.py."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from core.values import DONE, IN_PROGRESS, NOT_STARTED, STATUSES, derive
from store.plan_schema import Plan


@dataclass(frozen=True)
class Cell:
    measure: str
    division: str
    status: str = NOT_STARTED
    note: str | None = None
    by: str | None = None
    by_name: str | None = None
    at: str | None = None


@dataclass
class Matrix:
    """The statuses of one plan: every (measure, division) cell, defaults filled in."""

    plan: Plan
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, measure: str, division: str) -> Cell:
        return self.cells.get((measure, division)) or Cell(measure, division)

    def measure_status(self, measure_id: str) -> str:
        measure = self.plan.measure(measure_id)
        assert measure is not None
        return derive(self.cell(measure_id, d).status for d in measure.owners)

    def division_statuses(self, measure_id: str) -> dict[str, str]:
        measure = self.plan.measure(measure_id)
        assert measure is not None
        return {d: self.cell(measure_id, d).status for d in measure.owners}

    def notes(self, measure_id: str) -> list[str]:
        measure = self.plan.measure(measure_id)
        assert measure is not None
        seen: list[str] = []
        for division in measure.owners:
            note = self.cell(measure_id, division).note
            if note and note not in seen:
                seen.append(note)
        return seen

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for measure in self.plan.measures:
            counts[self.measure_status(measure.id)] += 1
        return counts

    def progress(self, measure_id: str) -> float:
        """Share of owners done, in-progress counting half: the bar in overviews."""
        statuses = list(self.division_statuses(measure_id).values())
        score = sum(1.0 if s == DONE else 0.5 if s == IN_PROGRESS else 0.0 for s in statuses)
        return score / len(statuses) if statuses else 0.0

    def unfinished_of(self, division: str) -> list[str]:
        return [
            m.id
            for m in self.plan.measures_of(division)
            if self.cell(m.id, division).status != DONE
        ]

    def progress_by_division(self) -> tuple[list[str], list[tuple[str, list[str]]]]:
        """(divisions with every measure done, [(division, its unfinished measure ids)]), in
        plan order; a division that owns no measure is in neither."""
        done, behind = [], []
        for division in self.plan.divisions:
            if not self.plan.measures_of(division):
                continue
            unfinished = self.unfinished_of(division)
            if unfinished:
                behind.append((division, unfinished))
            else:
                done.append(division)
        return done, behind

    def snapshot(self) -> dict[str, Any]:
        """What a memo version was built from: as_json plus each cell's evidence note."""
        data = self.as_json()
        for entry in data["measures"]:
            notes = {d: self.cell(entry["id"], d).note for d in entry["divisions"]}
            entry["notes"] = {d: n for d, n in notes.items() if n}
        return data

    @classmethod
    def from_snapshot(cls, plan: Plan, data: dict[str, Any]) -> Matrix:
        matrix = cls(plan)
        for entry in data.get("measures", []):
            notes = entry.get("notes") or {}
            for division, state in entry["divisions"].items():
                matrix.cells[(entry["id"], division)] = Cell(
                    entry["id"], division, state, notes.get(division)
                )
        return matrix

    def as_json(self) -> dict[str, Any]:
        return {
            "measures": [
                {
                    "id": m.id,
                    "status": self.measure_status(m.id),
                    "divisions": self.division_statuses(m.id),
                }
                for m in self.plan.measures
            ]
        }


def matrix_from_hash(plan: Plan, raw: dict[str, str]) -> Matrix:
    """The matrix from the org's status hash as read (so a caller can pipeline the read)."""
    matrix = Matrix(plan)
    for field_name, value in raw.items():
        measure, _, division = field_name.partition("|")
        data = json.loads(value)
        matrix.cells[(measure, division)] = Cell(
            measure,
            division,
            data["s"],
            data.get("note"),
            data.get("by"),
            data.get("by_name"),
            data.get("at"),
        )
    return matrix
