"""The webhook job: what the web process stored, the worker handles, event by event.

Events are deduplicated by webhookEventId (not by the isRedelivery flag): an event handled
once is skipped when LINE delivers it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from bot.config import Settings, load_settings
from bot.line_client import LineClient, LineError
from bot.logs import current_event
from handlers import dispatch
from handlers.context import Context
from jobs import deliver
from jobs.queues import DEFAULT, queue
from store import events as event_store
from store import people, plans
from store.db import connect

log = logging.getLogger("itabot.webhook")


def _event_id(event: dict[str, Any]) -> str:
    event_id = event.get("webhookEventId")
    if isinstance(event_id, str) and 0 < len(event_id) <= 64:
        return event_id
    # Without an id (not LINE), fall back to a digest of the event itself.
    return "h" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:32]


def process_body(org: str, body: str) -> int:
    """Handle every event of one webhook body; returns how many were handled."""
    settings = load_settings()
    try:
        payload = json.loads(body)
    except ValueError:
        return 0
    batch = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(batch, list):
        return 0
    handled = 0
    for event in batch:
        if isinstance(event, dict) and process_event(settings, org, event):
            handled += 1
    return handled


def process_event(settings: Settings, org: str, event: dict[str, Any]) -> bool:
    r = connect(settings.redis_url)
    event_id = _event_id(event)
    token = current_event.set(event_id)
    try:
        source = event.get("source")
        user_id = source.get("userId") if isinstance(source, dict) else None
        if not isinstance(user_id, str) or not user_id or len(user_id) > 64:
            log.info(
                "event without a user ignored",
                extra={"details": {"type": str(event.get("type"))[:40]}},
            )
            return False
        if event_store.event_done(r, org, event_id):
            log.info("redelivered event skipped", extra={"org": org})
            return False
        line = LineClient(settings)
        ctx = Context(
            settings=settings,
            r=r,
            org=org,
            plan=plans.get_plan(r, org),
            user_id=user_id,
            event_id=event_id,
            person=people.get_person(r, org, user_id),
            display_name=lambda: line.profile_name(user_id),
        )
        dispatch.handle(ctx, event)
        _send(ctx, line, event.get("replyToken"))
        event_store.mark_event(r, org, event_id)
        return True
    finally:
        current_event.reset(token)


def _send(ctx: Context, line: LineClient, reply_token: Any) -> None:
    if ctx.replies:
        for start in range(0, len(ctx.replies), 5):
            batch = ctx.replies[start : start + 5]
            sent = False
            if start == 0 and isinstance(reply_token, str) and reply_token:
                try:
                    line.reply(reply_token, batch)
                    sent = True
                except LineError as exc:
                    # An expired or used token, or LINE failing: push instead, exactly once.
                    log.warning("reply failed, pushing instead", extra={"status": exc.status})
            if not sent:
                ctx.push(ctx.user_id, batch, f"reply-{start}")
    for to, messages, retry_key in ctx.pushes:
        deliver.enqueue(to, messages, retry_key, ctx.settings)
    for func, args, kwargs in ctx.after:
        queue(DEFAULT, ctx.settings).enqueue(func, *args, **kwargs)
