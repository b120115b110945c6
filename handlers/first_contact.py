"""Before any plan is loaded: the first people to add the bot (often the planning officer
while setting it up) still get an answer, and nothing is stored that a plan load would meet.

The webhook enqueues such events in the SETUP_ORG namespace (core/values.py); only the usual
dedupe marks land there. A follow gets the greeting with how to register; a text, a tap or
any other message gets a polite "not set up yet, please ask"; `ลงทะเบียน CODE` is not tried
(the code stays valid). Once a plan is loaded the same chat registers as usual: LINE keeps
the friendship, so nobody has to add the bot again.
"""

from __future__ import annotations

import logging
from typing import Any

from core.texts import chat as texts
from handlers.context import Context
from line import messages as m

log = logging.getLogger("itabot.first_contact")


def _is_register(text: str) -> bool:
    lowered = text.strip().lower()
    return any(lowered.startswith(word) for word in texts.CMD_REGISTER)


def handle(ctx: Context, event: dict[str, Any]) -> None:
    kind = event.get("type")
    log.info("event before any plan", extra={"org": ctx.org, "details": {"type": str(kind)[:40]}})
    if kind == "follow":
        ctx.reply(m.text(texts.first_greeting()))
    elif kind == "message":
        message = event.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        if isinstance(text, str) and _is_register(text):
            ctx.reply(m.text(texts.REGISTER_NOT_SET_UP))
        else:
            ctx.reply(m.text(texts.NOT_SET_UP))
    elif kind == "postback":
        ctx.reply(m.text(texts.NOT_SET_UP))
