"""The registry of what each LINE event does, and the dispatcher that walks it.

As in python-telegram-bot's Application, each kind of input is registered once, at the end
of this module: an event type → its handler (EVENTS); a message by its type (MESSAGES: text,
image and file, handlers/evidence.py for the last two); a typed text → the handler of its
command words (core/texts/chat.py CMD_*; OPEN_COMMANDS, COMMANDS), of what the bot is
waiting for from the person (CONVERSATIONS), or else of the sender's role; a button's
postback kind (core.values.PostbackKind) → its handler (POSTBACKS). A handler gets the
Context and says what to answer (ctx.reply, ctx.push, ctx.enqueue); handlers/pipeline.py
sends it.

Events arrive as LINE's JSON dicts, read defensively: a body that passed the signature
check may still be odd, and odd input must never crash the worker or change anything it
did not ask for.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.texts import chat as texts
from core.texts import evidence as evidence_texts
from core.values import PostbackKind
from handlers import evidence, first_contact, join, overview, postback, report, review, web_login
from handlers.context import Context
from line import messages as m

log = logging.getLogger("itabot.dispatch")

MAX_TEXT = 2000  # LINE caps user texts at 5,000; a status report is a line or two

EventHandler = Callable[[Context, dict[str, Any]], None]
TextHandler = Callable[[Context, str], None]
PostbackHandler = Callable[[Context, list[str]], None]


@dataclass(frozen=True)
class Command:
    """A text that starts with one of `words`. With `argument` the words may be followed by
    more, and the handler gets what follows; otherwise the text is the words alone, and the
    handler gets the text."""

    words: tuple[str, ...]
    handle: TextHandler
    argument: bool = False


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _rest(text: str, words: tuple[str, ...]) -> str | None:
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


def _run_command(ctx: Context, text: str, commands: tuple[Command, ...]) -> bool:
    """Run the first command the text is; False when it is none of them."""
    for command in commands:
        rest = _rest(text, command.words)
        if rest is not None and command.argument:
            command.handle(ctx, rest)
            return True
        if rest == "":
            command.handle(ctx, text)
            return True
    return False


def handle(ctx: Context, event: dict[str, Any]) -> None:
    """Route one event by its type; before any plan is loaded, first contact answers."""
    if ctx.plan is None:
        first_contact.handle(ctx, event)
        return
    kind = event.get("type")
    handler = EVENTS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        log.info("unknown event type ignored", extra={"details": {"type": str(kind)[:50]}})
        return
    handler(ctx, event)


def _registered(ctx: Context) -> bool:
    """The sender has joined; otherwise say so politely (no plan: handle() answered)."""
    if ctx.person is None:
        ctx.reply(m.text(texts.NOT_REGISTERED))
        return False
    return True


def on_message(ctx: Context, event: dict[str, Any]) -> None:
    message = event.get("message")
    if not isinstance(message, dict):
        return
    handler = MESSAGES.get(message.get("type")) if isinstance(message.get("type"), str) else None
    if handler is not None:
        handler(ctx, message)
    elif ctx.person:
        ctx.reply(m.text(evidence_texts.ONLY_FILES))


def on_text_message(ctx: Context, message: dict[str, Any]) -> None:
    if isinstance(message.get("text"), str):
        on_text(ctx, message["text"])


def on_text(ctx: Context, raw: str) -> None:
    text = _words(raw[:MAX_TEXT])
    if not text or _run_command(ctx, text, OPEN_COMMANDS) or not _registered(ctx):
        return
    pending = ctx.pending
    waiting = CONVERSATIONS.get(pending.get("kind")) if pending else None
    if waiting is not None:
        waiting(ctx, pending, text)
    elif not _run_command(ctx, text, COMMANDS):
        by_role(ctx, text)


def by_role(ctx: Context, text: str) -> None:
    """A text that is no command: a report from staff, a comment drafted by a reviewer."""
    assert ctx.person is not None
    if ctx.person.division:
        report.report_text(ctx, text)
    elif ctx.person.positions:
        review.draft_comment(ctx, text)
    else:
        join.help_text(ctx, text)


def on_postback(ctx: Context, event: dict[str, Any]) -> None:
    body = event.get("postback")
    data = body.get("data") if isinstance(body, dict) else None
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
    handler = POSTBACKS.get(parts[0])
    if handler is None:
        ctx.reply(m.text(texts.STALE_BUTTON))
        return
    handler(ctx, parts)


def on_follow(ctx: Context, event: dict[str, Any]) -> None:
    join.follow(ctx)


def ignore(ctx: Context, event: dict[str, Any]) -> None:
    log.info("event ignored: %s", event.get("type"))


# -- the registry -------------------------------------------------------------------------------

EVENTS: dict[str, EventHandler] = {
    "follow": on_follow,
    "message": on_message,
    "postback": on_postback,
    "unfollow": ignore,
    "join": ignore,
    "leave": ignore,
    "read": ignore,
    "delivery": ignore,
}

# A message event by its message's type; other types (video, audio, stickers, locations) get
# a note of what the bot takes.
MESSAGES: dict[str, EventHandler] = {
    "text": on_text_message,
    "image": evidence.on_image,
    "file": evidence.on_file,
}

# Open to anyone, registered or not.
OPEN_COMMANDS = (Command(texts.CMD_REGISTER, join.register, argument=True),)

# For registered people, in this order (สถานะบันทึก before สถานะ).
COMMANDS = (
    Command(texts.CMD_UNDO, report.undo),
    Command(texts.CMD_MEMO_STATUS, review.memo_status),
    Command(texts.CMD_REPORT, report.show_carousel),
    Command(texts.CMD_OVERVIEW, overview.show),
    Command(texts.CMD_LOGIN, web_login.send_link),
    Command(texts.CMD_HELP, join.help_text),
)

# What the bot asked the person for (store.events' pending state) → who takes their next text.
CONVERSATIONS: dict[str, Callable[[Context, dict[str, Any], str], None]] = {
    "review-comment": review.comment_text,
}

POSTBACKS: dict[str, PostbackHandler] = {
    PostbackKind.STATUS: report.tap_status,
    PostbackKind.ASK: report.tap_ask,
    PostbackKind.REVIEW: review.tap,
    PostbackKind.EVIDENCE: evidence.tap,
}
