"""The web process: LINE webhook, health check, memo files and the admin pages.

The webhook does the least that loses nothing: verify the signature, store the body as an
RQ job, answer 200. Handling (and replying) happens in the worker.
"""

from __future__ import annotations

import json
import logging
import time

import redis
from flask import Flask, Response, abort, request
from linebot.v3.webhook import SignatureValidator

from core import logs
from core.config import Settings, load_settings
from core.values import SETUP_ORG
from store import plans
from store.db import connect
from store.queues import EVENTS, queue, retry_abandoned

log = logging.getLogger("itabot.web")

MAX_BODY = 1024 * 1024  # 1 MiB
# A handled webhook job expires on its own after this many seconds. With 0, RQ deletes it at
# once, which costs the worker nine more Redis round trips per event (bench/RESULTS.md).
JOB_RESULT_TTL = 30
_DEFAULT_ORG_CACHE_SECONDS = 5.0


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    logs.setup()
    logs.register_secret(settings.channel_secret)
    logs.register_secret(settings.access_token)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.config["ITABOT_SETTINGS"] = settings
    validator = SignatureValidator(settings.channel_secret)
    r = connect(settings.redis_url)
    events_queue = queue(EVENTS, settings)
    r_jobs = events_queue.connection
    default_org_cache: dict[str, tuple[float, str | None]] = {}

    def resolve_org(org: str | None) -> str | None:
        if org:
            return org
        now = time.monotonic()
        cached = default_org_cache.get("org")
        if cached and now - cached[0] < _DEFAULT_ORG_CACHE_SECONDS and cached[1]:
            return cached[1]
        value = plans.default_org(r)
        default_org_cache["org"] = (now, value)
        return value

    @app.post("/callback")
    @app.post("/callback/<org>")
    def callback(org: str | None = None) -> Response:
        if request.content_length is not None and request.content_length > MAX_BODY:
            abort(413)
        raw = request.get_data(cache=False)
        signature = request.headers.get("X-Line-Signature", "")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return Response("bad body", 400)
        if not signature or not validator.validate(body, signature):
            log.warning("webhook refused: bad signature")
            return Response("bad signature", 400)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            return Response("bad json", 400)
        if not isinstance(payload, dict) or not isinstance(payload.get("events", []), list):
            return Response("bad payload", 400)
        if not payload.get("events"):
            return Response("OK", 200)  # LINE's "Verify" button sends no events
        try:
            # Before any plan is loaded the events still count: handlers/first_contact.py
            target = resolve_org(org) or SETUP_ORG
            # One round trip: the job, its queue registration and the push in one MULTI.
            with r_jobs.pipeline() as pipe:
                events_queue.enqueue(
                    "jobs.webhook.process_body",
                    target,
                    body,
                    result_ttl=JOB_RESULT_TTL,
                    failure_ttl=7 * 24 * 3600,
                    job_timeout=120,
                    retry=retry_abandoned(),
                    pipeline=pipe,
                )
                pipe.execute()
        except redis.RedisError as exc:
            # Not stored: answer non-200 so LINE redelivers the events.
            log.error("webhook not stored, Redis unavailable: %s", exc)
            return Response("storage unavailable", 503)
        return Response("OK", 200)

    @app.get("/healthz")
    def healthz() -> Response:
        try:
            r.ping()
        except redis.RedisError:
            return Response("redis unavailable", 503)
        return Response("ok", 200)

    @app.errorhandler(413)
    def too_large(_error: Exception) -> Response:
        return Response("request body too large", 413)

    @app.errorhandler(500)
    def server_error(_error: Exception) -> Response:
        return Response("internal error", 500)

    from bot import files, web

    files.register(app, settings)
    web.register(app, settings)
    return app
