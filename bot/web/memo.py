"""The memo pages: every version with its review chain, and one version with its files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from bot.services import services
from bot.web.memo_view import version_card
from bot.web.page import PageContext, not_found, render, signed_in
from core.file_links import file_url
from store import version_views, versions

bp = Blueprint("memo", __name__)

# Signed memo links printed in a page live this long; reloading the page makes new ones.
PAGE_FILE_LINK_SECONDS = 3600
READY = "ready"  # a version whose files are built


@bp.get("/admin/<org>/memo")
@signed_in()
def index(ctx: PageContext) -> Any:
    r = services().redis
    current = versions.current(r, ctx.org)
    cards = [
        version_card(v, ctx.plan, current) for v in version_views.versions_with_chains(r, ctx.org)
    ]
    return render(ctx, "memo.html", "memo", cards=cards)


@bp.get("/admin/<org>/memo/<int:number>")
@signed_in()
def version(ctx: PageContext, number: int) -> Any:
    """One version: its chain step by step, its page image and its files (when built)."""
    shared = services()
    view = version_views.version_view(shared.redis, ctx.org, number)
    if view is None:
        return not_found(ctx.org)
    card = version_card(view, ctx.plan, versions.current(shared.redis, ctx.org))
    links = {}
    if card.status == READY:
        links = {
            kind: file_url(shared.settings, ctx.org, number, kind, ttl=PAGE_FILE_LINK_SECONDS)
            for kind in ("png", "pdf", "docx")
        }
    return render(ctx, "memo_version.html", "memo", card=card, links=links)
