"""The event pipeline: a webhook body's events, each deduplicated, handled and answered.

The path of a text message ("ข้อ 3 เสร็จแล้ว"), file by file:
  1. bot/webhook.py    POST /callback checks the signature and queues the body as the job
                       "jobs.webhook.process_body" on its organisation's events queue, after
                       the sender's pending events (store/event_queues.py).
  2. jobs/webhook.py   the RQ job: hands the body to this pipeline.
  3. handlers/pipeline.py  skips an event seen before (by webhookEventId), builds the
                       Context, lets the dispatcher route it, sends what the handler said
                       (handlers/replies.py: reply, else push) and marks the event handled.
  4. handlers/dispatch.py  the registry: a text goes to its command's handler, or by the
                       sender's role to handlers/report.py:report_text.
  5. handlers/report.py    parses it (handlers/parse.py), writes the cells in one atomic step
                       (store/status.py) and says the confirmation with ctx.reply.

Events are deduplicated by webhookEventId (not by the isRedelivery flag): an event handled
once is skipped when LINE delivers it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from core import json_text
from core.config import Settings, load_settings
from core.logs import current_event
from handlers import dispatch, replies
from handlers.context import Context
from handlers.replies import LineReplies
from line.client import LineClient
from store import event_start
from store import events as event_store
from store.db import store_client

log = logging.getLogger("itabot.webhook")

MAX_ID = 64  # LINE's ids are 33 (user) or 26 (event) characters

# Makes the LINE client for the settings and the organisation's access token
# (line.client.LineClient; tests pass a recording one).
LineFactory = Callable[[Settings, str], LineReplies]


def _event_id(event: dict[str, Any]) -> str:
    event_id = event.get("webhookEventId")
    if isinstance(event_id, str) and 0 < len(event_id) <= MAX_ID:
        return event_id
    # Without an id (not LINE), fall back to a digest of the event itself.
    return "h" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:32]


def process_body(
    org: str,
    body: str,
    *,
    settings: Settings | None = None,
    line: LineFactory = LineClient,
) -> int:
    """Handle every event of one webhook body; returns how many were handled."""
    settings = settings or load_settings()
    try:
        payload = json_text.loads(body)
    except (ValueError, RecursionError):
        return 0
    batch = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(batch, list):
        return 0
    handled = 0
    for event in batch:
        if isinstance(event, dict) and process_event(settings, org, event, line=line):
            handled += 1
    return handled


def process_event(
    settings: Settings, org: str, event: dict[str, Any], *, line: LineFactory = LineClient
) -> bool:
    """Handle one event unless it was handled before; True when it was handled now."""
    r = store_client(settings)
    event_id = _event_id(event)
    token = current_event.set(event_id)
    try:
        source = event.get("source")
        user_id = source.get("userId") if isinstance(source, dict) else None
        if not isinstance(user_id, str) or not user_id or len(user_id) > MAX_ID:
            log.info(
                "event without a user ignored",
                extra={"details": {"type": str(event.get("type"))[:40]}},
            )
            return False
        start = event_start.read(settings, r, org, event_id, user_id)  # one round trip
        if start.done:
            log.info("redelivered event skipped", extra={"org": org})
            return False
        client = line(settings, start.token)
        ctx = Context(
            settings=settings,
            r=r,
            org=org,
            plan=start.plan,
            user_id=user_id,
            event_id=event_id,
            person=start.person,
            pending=start.pending,
            display_name=lambda: client.profile_name(user_id),
            start_loading=lambda: source.get("type") == "user" and client.show_loading(user_id),
        )
        dispatch.handle(ctx, event)
        replies.send(ctx, client, event.get("replyToken"))
        if not ctx.event_marked:  # a status change's script marks its event as it applies it
            event_store.mark_event(r, org, event_id)
        return True
    finally:
        current_event.reset(token)
