"""ภาพรวม: the measures × divisions picture for admins and reviewers."""

from __future__ import annotations

from typing import Any

from bot import messages as m
from bot import texts
from bot.thai import to_thai_digits
from handlers.context import Context
from store import status as status_store
from store.plan import Plan
from store.status import Matrix


def days_to_deadline(plan: Plan, now_local_date: Any) -> int:
    return (plan.local_deadline().date() - now_local_date).days


def overview_bubble(plan: Plan, matrix: Matrix, days: int) -> dict[str, Any]:
    counts = matrix.counts()
    rows: list[dict[str, Any]] = []
    for measure in plan.measures:
        status = matrix.measure_status(measure.id)
        per_division = matrix.division_statuses(measure.id)
        done = sum(1 for s in per_division.values() if s == "done")
        rows.append(
            {
                "type": "box",
                "layout": "vertical",
                "margin": "md",
                "contents": [
                    {
                        "type": "box",
                        "layout": "baseline",
                        "contents": [
                            m.label_text(
                                f"{texts.measure_ref(measure.id)} {measure.short_title or measure.title}",
                                size="sm", weight="bold", flex_=5, wrap=True,
                            ),
                            m.label_text(
                                f"{to_thai_digits(done)}/{to_thai_digits(len(per_division))}",
                                size="xs", color="#666666", flex_=1, align="end",
                            ),
                        ],
                    },
                    m.progress_bar(matrix.progress(measure.id), m.COLOR[status]),
                    m.label_text(texts.STATUS_LABEL[status], size="xxs", color=m.COLOR[status]),
                ],
            }
        )
    summary = (
        f"เสร็จ {to_thai_digits(counts['done'])} · กำลังดำเนินการ {to_thai_digits(counts['in_progress'])}"
        f" · ยังไม่เริ่ม {to_thai_digits(counts['not_started'])}"
    )
    return {
        "type": "bubble",
        "size": "mega",
        "header": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                m.label_text("ภาพรวมความคืบหน้ามาตรการ ITA", size="md", weight="bold"),
                m.label_text(plan.org.name, size="xs", color="#666666"),
                m.label_text(f"{summary}\n{texts.days_left(days)}", size="xs", color="#333333"),
            ],
        },
        "body": {"type": "box", "layout": "vertical", "contents": rows},
    }


def show(ctx: Context) -> None:
    plan, person = ctx.plan, ctx.person
    assert plan is not None
    if person is None or not (person.admin or person.positions):
        ctx.reply(m.text(texts.ONLY_ADMIN_REVIEWER))
        return
    matrix = status_store.read_matrix(ctx.r, plan)
    counts = matrix.counts()
    days = days_to_deadline(plan, ctx.local_now.date())
    ctx.reply(
        m.flex(
            texts.overview_alt(plan.org.short_name, counts["done"], counts["in_progress"], counts["not_started"]),
            overview_bubble(plan, matrix, days),
        )
    )
