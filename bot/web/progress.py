"""The progress page: measures × divisions, counts, and who is behind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, redirect, url_for

from bot.services import services
from bot.web.page import PageContext, render, signed_in
from bot.web.progress_view import progress_view
from store import evidence_records, people
from store import status as status_store

bp = Blueprint("progress", __name__)


@bp.get("/admin/<org>")
def admin_root(org: str) -> Any:
    return redirect(url_for("web.progress.page", org=org), 308)


@bp.get("/admin/<org>/")
@signed_in()
def page(ctx: PageContext) -> Any:
    r = services().redis
    view = progress_view(
        ctx.plan,
        status_store.read_matrix(r, ctx.plan),
        people.all_people(r, ctx.org),
        datetime.now(UTC),
        evidence_records.counts(r, ctx.org),
    )
    return render(ctx, "progress.html", "progress", view=view, refresh=True)
