"""The history page: every change, newest first, filtered by GET parameters, in pages."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, request, url_for

from bot.services import services
from bot.web import history_view
from bot.web.page import PageContext, render, signed_in
from store import people
from store import status as status_store

HISTORY_PAGE_SIZE = 100

bp = Blueprint("history", __name__)


def _page_number(pages: int) -> int:
    try:
        return min(max(1, int(request.args.get("page", "1"))), pages)
    except ValueError:
        return 1


@bp.get("/admin/<org>/history")
@signed_in()
def page(ctx: PageContext) -> Any:
    r = services().redis
    everyone = people.all_people(r, ctx.org)
    entries = status_store.history(r, ctx.org)
    flt = history_view.history_filter(request.args, ctx.plan)
    found = history_view.filter_history(entries, flt, ctx.plan.tz)
    pages = max(1, math.ceil(len(found) / HISTORY_PAGE_SIZE))
    number = _page_number(pages)
    shown = found[(number - 1) * HISTORY_PAGE_SIZE : number * HISTORY_PAGE_SIZE]
    query = flt.query()

    def page_link(n: int) -> str:
        return url_for("web.history.page", org=ctx.org) + "?" + urlencode({**query, "page": n})

    return render(
        ctx,
        "history.html",
        "history",
        rows=history_view.history_rows(shown, ctx.plan),
        flt=flt,
        total=len(entries),
        found=len(found),
        page=number,
        pages=pages,
        prev_link=page_link(number - 1) if number > 1 else None,
        next_link=page_link(number + 1) if number < pages else None,
        people_options=history_view.history_people(entries, everyone),
        export_query=("?" + urlencode(query)) if query else "",
    )
