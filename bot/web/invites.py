"""Invites where people are: each open code's join link (LINE's chat with `ลงทะเบียน CODE`
typed) and its QR on the people page, and the printable A4 sheet of one QR per division."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint

from bot import invite_sheet
from bot.services import services
from bot.web.display import short_datetime
from bot.web.page import PageContext, attachment, signed_in
from core.texts import web as web_texts
from core.values import InviteKind
from line import join_links
from store import people

bp = Blueprint("invites", __name__)


@dataclass(frozen=True)
class JoinLink:
    link: str
    qr: str  # a PNG data URI, shown inline


def join_for(ctx: PageContext) -> Callable[[str], JoinLink | None]:
    """code → its join link and QR; None for every code while LINE cannot tell the bot's
    basic ID (the page then shows codes alone). Asked once per page, cached in Redis."""
    shared = services()
    basic_id = join_links.basic_id(shared.settings, shared.redis, ctx.org)

    def join(code: str) -> JoinLink | None:
        if not basic_id or not code:
            return None
        link = join_links.join_link(basic_id, code)
        return JoinLink(link, join_links.qr_data_uri(link))

    return join


def _open_division_invites(ctx: PageContext) -> dict[str, dict[str, Any]]:
    """The oldest open invite of each division that has one."""
    found: dict[str, dict[str, Any]] = {}
    for invite in sorted(
        people.list_invites(services().redis, ctx.org), key=lambda i: i.get("created", "")
    ):
        if invite.get("kind") == InviteKind.DIVISION:
            found.setdefault(invite.get("target", ""), invite)
    return found


def _division_invites(ctx: PageContext) -> list[dict[str, Any]]:
    """One open invite per division, made where a division has none: printing the sheet
    twice hands out the same codes, not a new set each time."""
    found = _open_division_invites(ctx)
    missing = [division for division in ctx.plan.divisions if division not in found]
    for division in missing:
        people.create_invite(
            services().redis, ctx.org, InviteKind.DIVISION, division, created_by=ctx.viewer.user_id
        )
    if missing:
        found = _open_division_invites(ctx)
    return [found[division] for division in ctx.plan.divisions if division in found]


def _card(ctx: PageContext, invite: dict[str, Any], basic_id: str | None) -> invite_sheet.Card:
    code = invite["code"]
    link = join_links.join_link(basic_id, code) if basic_id else code
    expires = short_datetime(invite.get("expires"), ctx.plan.tz)
    return invite_sheet.Card(
        name=invite.get("target", ""),
        code=code,
        link=link,
        qr=join_links.qr_svg(link),
        expires=web_texts.INVITE_CARD_EXPIRES.format(when=expires),
    )


@bp.post("/admin/<org>/invites/sheet")
@signed_in(admin_only=True)
def sheet(ctx: PageContext) -> Any:
    """The A4 PDF of one QR per division (codes made for divisions without an open one)."""
    shared = services()
    basic_id = join_links.basic_id(shared.settings, shared.redis, ctx.org)
    cards = [_card(ctx, invite, basic_id) for invite in _division_invites(ctx)]
    pdf = invite_sheet.render(
        web_texts.INVITE_SHEET_TITLE.format(org_name=ctx.plan.org.name), cards
    )
    stamp = datetime.now(ctx.plan.tz).strftime("%Y%m%d-%H%M")
    name = f"ita-{ctx.org}-{web_texts.INVITE_SHEET_FILE}-{stamp}.pdf"
    return attachment(pdf, "application/pdf", name)
