"""What each LINE webhook event does. Events arrive as LINE's JSON dicts, read defensively:
a body that passed the signature check may still be odd, and odd input must never crash
the worker or change anything it did not ask for."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from core.texts import chat as texts
from handlers import first_contact, join, overview, postback, report, review, web_login
from handlers.context import Context
from line import messages as m
from store import events

log = logging.getLogger("itabot.dispatch")

MAX_TEXT = 2000  # LINE caps user texts at 5,000; a status report is a line or two


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _command(text: str, words: tuple[str, ...]) -> str | None:
    """The rest of the text when it starts with one of the command words, else None."""
    lowered = text.lower()
    for word in words:
        if (
            lowered == word
            or lowered.startswith(word + " ")
            or (not word.isascii() and lowered.startswith(word))
        ):
            return text[len(word) :].strip()
    return None


def handle(ctx: Context, event: dict[str, Any]) -> None:
    if ctx.plan is None:  # no plan loaded yet (issue 14)
        return first_contact.handle(ctx, event)
    kind = event.get("type")
    if kind == "follow":
        join.follow(ctx)
    elif kind == "message":
        message = event.get("message")
        if not isinstance(message, dict):
            return
        if message.get("type") == "text" and isinstance(message.get("text"), str):
            handle_text(ctx, message["text"])
        elif ctx.person:
            ctx.reply(m.text("ขออภัยครับ ระบบรับเฉพาะข้อความตัวอักษร กรุณาพิมพ์หรือแตะปุ่ม"))
    elif kind == "postback":
        data = (
            (event.get("postback") or {}).get("data")
            if isinstance(event.get("postback"), dict)
            else None
        )
        handle_postback(ctx, data)
    elif kind in ("unfollow", "join", "leave", "read", "delivery"):
        log.info("event ignored: %s", kind)
    else:
        log.info("unknown event type ignored", extra={"details": {"type": str(kind)[:50]}})


def _registered(ctx: Context) -> bool:
    """A plan is loaded and the sender has joined; otherwise say so politely."""
    if ctx.plan is None:
        ctx.reply(m.text(texts.NO_PLAN))
        return False
    if ctx.person is None:
        ctx.reply(m.text(texts.NOT_REGISTERED))
        return False
    return True


def handle_text(ctx: Context, raw: str) -> None:
    text = _words(raw[:MAX_TEXT])
    if not text:
        return
    code = _command(text, texts.CMD_REGISTER)
    if code is not None:
        join.register(ctx, code, ctx.display_name())
        return
    if not _registered(ctx):
        return
    pending = events.get_pending(ctx.r, ctx.org, ctx.user_id)
    if pending and pending.get("kind") == "review-comment":
        review.comment_text(ctx, pending, text)
        return
    if _command(text, texts.CMD_UNDO) == "":
        report.undo(ctx, text)
    elif _command(text, texts.CMD_MEMO_STATUS) == "":
        review.memo_status(ctx)
    elif _command(text, texts.CMD_REPORT) == "":
        report.show_carousel(ctx)
    elif _command(text, texts.CMD_OVERVIEW) == "":
        overview.show(ctx)
    elif _command(text, texts.CMD_LOGIN) == "":
        web_login.send_link(ctx)
    elif _command(text, texts.CMD_HELP) == "":
        join.help_text(ctx)
    elif ctx.person.division:
        report.report_text(ctx, text)
    elif ctx.person.positions:
        review.draft_comment(ctx, text)
    else:
        join.help_text(ctx)


def handle_postback(ctx: Context, data: Any) -> None:
    if not _registered(ctx):
        return
    parts = (
        postback.decode(ctx.settings.signing_key, ctx.org, ctx.user_id, data)
        if isinstance(data, str)
        else None
    )
    if not parts:
        log.warning(
            "postback refused: not issued to this user", extra={"user": ctx.user_id, "org": ctx.org}
        )
        ctx.reply(m.text(texts.FORGED_BUTTON))
        return
    if parts[0] in ("st", "ask"):
        report.tap(ctx, parts)
    elif parts[0] == "rv":
        review.tap(ctx, parts)
    else:
        ctx.reply(m.text(texts.STALE_BUTTON))
