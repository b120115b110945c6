"""Join links for invites: LINE's `oaMessage` URL that opens the chat with the organisation's
bot with `ลงทะเบียน CODE` already typed, and its QR code (segno)."""

from __future__ import annotations

import io
import logging
from urllib.parse import quote

import redis
import segno

from core.config import Settings
from core.texts import chat as chat_texts
from line.client import LineClient
from store import bot_profile, channels

log = logging.getLogger("itabot.line")

OA_MESSAGE = "https://line.me/R/oaMessage/{basic_id}/?{text}"


def join_link(basic_id: str, code: str) -> str:
    """The link for `code`: the text percent-encoded as UTF-8 (a space is %20, never +)."""
    text = quote(chat_texts.register_command(code), safe="")
    return OA_MESSAGE.format(basic_id=quote(basic_id, safe="@"), text=text)


def basic_id(settings: Settings, r: redis.Redis, org: str, fresh: bool = False) -> str | None:
    """The bot's basic ID (`@123abcd`) from the Messaging API's bot info, cached; None when
    LINE cannot be asked now (the page then shows the code without a link). `fresh` asks
    again even after a recent failure (an operator at the command line)."""
    cached = bot_profile.cached_basic_id(r, org)
    if cached is not None and (cached or not fresh):
        return cached or None  # "": LINE failed a moment ago; do not make every page wait
    try:
        info = LineClient(settings, channels.token_for(settings, r, org)).bot_info()
    except Exception as exc:  # noqa: BLE001 - LINE refused or unreachable: codes work without links
        log.warning("bot info of %s unavailable: %s", org, exc)
        bot_profile.remember_basic_id(r, org, "", ttl=bot_profile.FAILURE_SECONDS)
        return None
    found = info.get("basic_id") or info.get("basicId") or None
    bot_profile.remember_basic_id(
        r,
        org,
        found or "",
        ttl=bot_profile.BASIC_ID_SECONDS if found else bot_profile.FAILURE_SECONDS,
    )
    return found


def qr_png(link: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(link: str) -> str:
    """A standalone SVG document of the link's QR (for the printable sheet)."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=10, border=4, xmldecl=False)
    return out.getvalue().decode()


def qr_data_uri(link: str, scale: int = 4) -> str:
    """The QR as a PNG data URI, to show inline in a page."""
    return segno.make(link, error="m").png_data_uri(scale=scale, border=4)
