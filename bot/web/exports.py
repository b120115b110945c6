"""Downloads: the status matrix and the (filtered) history as CSV or Excel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request

from bot.services import services
from bot.web import history_view, sheets
from bot.web.page import PageContext, not_found, signed_in
from store import status as status_store

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("exports", __name__)


def _sheets(ctx: PageContext, what: str) -> tuple[list[sheets.Sheet], sheets.Sheet]:
    """The workbook's sheets, and the one a CSV holds."""
    r = services().redis
    if what == "status":
        status = sheets.status_sheets(ctx.plan, status_store.read_matrix(r, ctx.plan))
        return status, status[1]  # one row per measure × division: what a CSV reader can filter
    flt = history_view.history_filter(request.args, ctx.plan)
    entries = history_view.filter_history(status_store.history(r, ctx.org), flt, ctx.plan.tz)
    history = sheets.history_sheet(ctx.plan, entries)
    return [history], history


@bp.get("/admin/<org>/export/<what>.<fmt>")
@signed_in()
def download(ctx: PageContext, what: str, fmt: str) -> Any:
    if what not in ("status", "history") or fmt not in ("csv", "xlsx"):
        return not_found(ctx.org)
    book, csv_sheet = _sheets(ctx, what)
    stamp = datetime.now(ctx.plan.tz).strftime("%Y%m%d-%H%M")
    name = f"ita-{ctx.org}-{what}-{stamp}.{fmt}"
    if fmt == "csv":
        data, content_type = sheets.to_csv(csv_sheet), "text/csv; charset=utf-8"
    else:
        data, content_type = sheets.to_xlsx(book), XLSX_TYPE
    return Response(
        data,
        200,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
