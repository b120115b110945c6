"""The baseline webhook: the least a webhook that loses nothing can do.

Verify `X-Line-Signature` (HMAC-SHA256 of the raw body, the channel secret), put the raw body
in Redis with one LPUSH, answer 200. Served by gunicorn with the Procfile's settings, beside
the real app in the same bench run, so the ratio between them holds on a noisy machine.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import redis
from flask import Flask, Response, request

from core.config import load_settings

settings = load_settings()
SECRET = settings.channel_secret.encode("utf-8")
LIST = os.environ.get("BENCH_BASELINE_LIST", "bench:baseline")
r = redis.Redis.from_url(settings.redis_url, socket_timeout=5)

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024


@app.post("/callback")
@app.post("/callback/<org>")
def callback(org: str | None = None) -> Response:
    raw = request.get_data(cache=False)
    expected = base64.b64encode(hmac.new(SECRET, raw, hashlib.sha256).digest()).decode("ascii")
    if not hmac.compare_digest(expected, request.headers.get("X-Line-Signature", "")):
        return Response("bad signature", 400)
    try:
        r.lpush(LIST, raw)
    except redis.RedisError:
        return Response("storage unavailable", 503)
    return Response("OK", 200)


@app.get("/healthz")
def healthz() -> Response:
    return Response("ok", 200)
