"""The LINE webhook (`POST /callback[/<org>]`) and the health check (`GET /healthz`).

The webhook does the least that loses nothing: verify the signature, append the body to its
organisation's inbox (store/event_queues.py), answer 200. Handling (and replying) happens in
the worker.
"""

from __future__ import annotations

import functools
import json
import logging

import redis
from flask import Blueprint, Response, abort, request
from linebot.v3.webhook import SignatureValidator

from bot.services import services
from core.values import SETUP_ORG, is_org_id
from store.event_queues import enqueue_body
from store.queues import retry_abandoned

log = logging.getLogger("itabot.web")

MAX_BODY = 1024 * 1024  # 1 MiB

bp = Blueprint("webhook", __name__)


@functools.lru_cache(maxsize=1024)  # one per channel secret in recent use
def _validator(channel_secret: str) -> SignatureValidator:
    return SignatureValidator(channel_secret)


def _events_payload(raw: bytes, secret: str) -> tuple[str | None, Response | None]:
    """The body verified with the channel's secret, as text, or the refusal to answer
    (nothing is stored then)."""
    signature = request.headers.get("X-Line-Signature", "")
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, Response("bad body", 400)
    if not signature or not _validator(secret).validate(body, signature):
        log.warning("webhook refused: bad signature")
        return None, Response("bad signature", 400)
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return None, Response("bad json", 400)
    if not isinstance(payload, dict) or not isinstance(payload.get("events", []), list):
        return None, Response("bad payload", 400)
    if not payload.get("events"):
        return None, Response("OK", 200)  # LINE's "Verify" button sends no events
    return body, None


@bp.post("/callback")
@bp.post("/callback/<org>")
def callback(org: str | None = None) -> Response:
    if request.content_length is not None and request.content_length > MAX_BODY:
        abort(413)
    if org is not None and not is_org_id(org):
        return Response("unknown organisation", 404)
    shared = services()
    try:
        target, secret = shared.webhook_channel(org)
    except redis.RedisError as exc:
        log.error("webhook not stored, Redis unavailable: %s", exc)
        return Response("storage unavailable", 503)
    if secret is None:  # an organisation nobody registered: its body is not even read
        return Response("unknown organisation", 404)
    body, answer = _events_payload(request.get_data(cache=False), secret)
    if body is None:
        assert answer is not None
        return answer
    try:
        # Before any plan is loaded the events still count: handlers/first_contact.py
        target = target or SETUP_ORG
        # In the organisation's inbox, drained in order by one job at a time (store/event_queues)
        enqueue_body(shared.events.connection, target, body, retry_abandoned())
    except redis.RedisError as exc:
        # Not stored: answer non-200 so LINE redelivers the events.
        log.error("webhook not stored, Redis unavailable: %s", exc)
        return Response("storage unavailable", 503)
    return Response("OK", 200)


@bp.get("/healthz")
def healthz() -> Response:
    shared = services()
    try:
        shared.redis.ping()
        shared.events.connection.ping()  # RQ's own Redis under REDIS_CLUSTER (RQ_REDIS_URL)
    except redis.RedisError:
        return Response("redis unavailable", 503)
    return Response("ok", 200)
