"""ภาพรวม: the measures × divisions picture for admins and reviewers."""

from __future__ import annotations

from typing import Any

from core.texts import chat as texts
from core.values import DONE, IN_PROGRESS, NOT_STARTED
from handlers.context import Context
from line import messages as m
from line.progress_bubble import progress_bubble
from store import status as status_store
from store.plan_schema import Plan
from store.status import Matrix


def overview_bubble(plan: Plan, matrix: Matrix, days: int) -> dict[str, Any]:
    return progress_bubble(
        plan, matrix, texts.OVERVIEW_TITLE, [plan.org.name, texts.days_left(days)]
    )


def show(ctx: Context, text: str = "") -> None:
    plan, person = ctx.plan, ctx.person
    assert plan is not None
    if person is None or not (person.admin or person.positions):
        ctx.reply(m.text(texts.ONLY_ADMIN_REVIEWER))
        return
    ctx.show_loading()  # the whole matrix is read and drawn
    matrix = status_store.read_matrix(ctx.r, plan)
    counts = matrix.counts()
    ctx.reply(
        m.flex(
            texts.overview_alt(
                plan.org.short_name, counts[DONE], counts[IN_PROGRESS], counts[NOT_STARTED]
            ),
            overview_bubble(plan, matrix, plan.days_left(ctx.now)),
        )
    )
