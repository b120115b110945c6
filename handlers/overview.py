"""ภาพรวม: the measures × divisions picture for admins and reviewers."""

from __future__ import annotations

from typing import Any

from core.texts import chat as texts
from handlers.context import Context
from line import messages as m
from line.progress_bubble import progress_bubble
from store import status as status_store
from store.plan_schema import Plan
from store.status import Matrix


def days_to_deadline(plan: Plan, now_local_date: Any) -> int:
    return (plan.local_deadline().date() - now_local_date).days


def overview_bubble(plan: Plan, matrix: Matrix, days: int) -> dict[str, Any]:
    return progress_bubble(
        plan, matrix, "ภาพรวมความคืบหน้ามาตรการ ITA", [plan.org.name, texts.days_left(days)]
    )


def show(ctx: Context) -> None:
    plan, person = ctx.plan, ctx.person
    assert plan is not None
    if person is None or not (person.admin or person.positions):
        ctx.reply(m.text(texts.ONLY_ADMIN_REVIEWER))
        return
    ctx.show_loading()  # the whole matrix is read and drawn
    matrix = status_store.read_matrix(ctx.r, plan)
    counts = matrix.counts()
    days = days_to_deadline(plan, ctx.local_now.date())
    ctx.reply(
        m.flex(
            texts.overview_alt(
                plan.org.short_name, counts["done"], counts["in_progress"], counts["not_started"]
            ),
            overview_bubble(plan, matrix, days),
        )
    )
