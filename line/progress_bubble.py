"""The measures' progress as a Flex bubble: one bar per measure, the counts on top.

Shared by the overview (ภาพรวม) and the reviewer's summary of a memo version.
"""

from __future__ import annotations

from typing import Any

from core.texts import chat as texts
from core.thai import to_thai_digits
from core.values import DONE, IN_PROGRESS, NOT_STARTED
from line import messages as m
from store.plan_schema import Plan
from store.status import Matrix


def counts_line(matrix: Matrix) -> str:
    counts = matrix.counts()
    return texts.counts_line(counts[DONE], counts[IN_PROGRESS], counts[NOT_STARTED])


def measure_row(plan: Plan, matrix: Matrix, measure_id: str) -> dict[str, Any]:
    measure = plan.measure(measure_id)
    assert measure is not None
    status = matrix.measure_status(measure_id)
    per_division = matrix.division_statuses(measure_id)
    done = sum(1 for s in per_division.values() if s == DONE)
    title = f"{texts.measure_ref(measure_id)} {measure.short_title or measure.title}"
    tally = f"{to_thai_digits(done)}/{to_thai_digits(len(per_division))}"
    return {
        "type": "box",
        "layout": "vertical",
        "margin": "md",
        "contents": [
            {
                "type": "box",
                "layout": "baseline",
                "contents": [
                    m.label_text(title, size="sm", weight="bold", flex_=5),
                    m.label_text(tally, size="xs", color="#666666", flex_=1, align="end"),
                ],
            },
            m.progress_bar(matrix.progress(measure_id), m.COLOR[status]),
            m.label_text(texts.STATUS_LABEL[status], size="xxs", color=m.COLOR[status]),
        ],
    }


def progress_bubble(
    plan: Plan,
    matrix: Matrix,
    heading: str,
    lines: list[str],
    buttons: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    header = [m.label_text(heading, size="md", weight="bold")]
    header += [m.label_text(line, size="xs", color="#555555") for line in lines]
    header.append(m.label_text(counts_line(matrix), size="xs"))
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "mega",
        "header": {"type": "box", "layout": "vertical", "contents": header},
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [measure_row(plan, matrix, x.id) for x in plan.measures],
        },
    }
    if buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": buttons,
        }
    return bubble
