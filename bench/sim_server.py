"""The LINE simulator in its own process, plus a few bench-only routes on the same app.

    python -m bench.sim_server  (env SIMULATOR_PORT, BOT_WEBHOOK_URL, LINE_CHANNEL_SECRET, ...)

Served by gunicorn (one process, so one simulator state; threads) with HTTP/1.1 keep-alive, as
LINE's API answers: werkzeug's server closes every connection, which made each of the bot's
calls pay a TCP connect and close it never pays against LINE, and the bench counted that as
the worker's CPU.

The product's simulator (`simulator.app.create_app`) answers the bot's Messaging API calls
exactly as in the tests: schema-checked, reply tokens single-use. The load generator posts
webhooks to the bot itself (the simulator's own sender makes one blocking POST per event and
cannot drive 16 connections), so it needs reply tokens the simulator has issued; these routes
mint them in bulk and read back what the bot sent, compactly:

* `POST /bench/users`   {"users": [id, ...]}          the users exist (followed)
* `POST /bench/tokens`  {"users": {id: k, ...}, "channels": {id: channel}}
                                                      k fresh reply tokens per user (of that channel)
* `GET  /bench/calls?since=N`                          Messaging API calls after seq N, compact
* `POST /bench/reset`                                  forget calls, tokens and deliveries
* `POST /bench/latency` {"ms": N}                      answer every Messaging API call N ms
                                                        later (LINE is not on loopback)
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from flask import jsonify, request
from gunicorn.app.base import BaseApplication

from simulator.app import create_app, get_state


def _text_of(message: dict[str, Any]) -> str:
    if message.get("type") == "text":
        return str(message.get("text", ""))
    return str(message.get("altText", message.get("type", "")))


def build(channel_secret: str, access_token: str, webhook_url: str):
    app = create_app(channel_secret, access_token, webhook_url, reply_token_ttl=3600.0)
    state = get_state(app)
    latency = {"s": 0.0}

    @app.before_request
    def _network_latency() -> None:
        if latency["s"] and request.path.startswith("/v2/"):
            time.sleep(latency["s"])

    @app.post("/bench/latency")
    def bench_latency() -> Any:
        latency["s"] = float((request.get_json(silent=True) or {}).get("ms") or 0) / 1000
        return jsonify({"ms": latency["s"] * 1000})

    @app.post("/bench/users")
    def bench_users() -> Any:
        ids = (request.get_json(silent=True) or {}).get("users") or []
        for user_id in ids:
            state.ensure_user(str(user_id))
        return jsonify({"count": len(ids)})

    @app.post("/bench/tokens")
    def bench_tokens() -> Any:
        asked = request.get_json(silent=True) or {}
        wanted = asked.get("users") or {}
        channels = asked.get("channels") or {}  # a user of a channel other than the default
        return jsonify(
            {
                "tokens": {
                    str(u): [
                        state.issue_reply_token(str(u), channels.get(u)) for _ in range(int(k))
                    ]
                    for u, k in wanted.items()
                }
            }
        )

    @app.get("/bench/calls")
    def bench_calls() -> Any:
        since = request.args.get("since", 0, type=int)
        out = []
        with state.lock:
            calls = [c for c in state.calls if c["seq"] > since]
        for call in calls:
            body = call.get("body") if isinstance(call.get("body"), dict) else {}
            messages = body.get("messages") or []
            out.append(
                {
                    "seq": call["seq"],
                    "time": call["time"],
                    "path": call["path"],
                    "status": call["status"],
                    "token": body.get("replyToken"),
                    "to": body.get("to"),
                    "retry_key": call.get("retry_key"),
                    "texts": [_text_of(m) for m in messages if isinstance(m, dict)],
                }
            )
        return jsonify({"calls": out})

    @app.post("/bench/reset")
    def bench_reset() -> Any:
        with state.lock:
            state.calls.clear()
            state.deliveries.clear()
            state.reply_tokens.clear()
            state.retry_keys.clear()
            state.events.clear()
        return jsonify({"ok": True})

    return app


def main() -> None:
    from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = int(os.environ.get("SIMULATOR_PORT", "8001"))

    def app():  # built in gunicorn's worker process, where it serves
        return build(
            os.environ.get("LINE_CHANNEL_SECRET", DEMO_CHANNEL_SECRET),
            os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", DEMO_ACCESS_TOKEN),
            os.environ.get("BOT_WEBHOOK_URL", "http://127.0.0.1:8000/callback"),
        )

    print(json.dumps({"simulator": f"http://127.0.0.1:{port}"}), flush=True)
    _Gunicorn(
        app,
        {
            "bind": f"127.0.0.1:{port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": 32,
            "keepalive": 75,
            "timeout": 300,
            "loglevel": "warning",
            "control_socket_disable": True,
        },
    ).run()


class _Gunicorn(BaseApplication):
    """gunicorn run from Python on an app factory (gunicorn's documented custom application)."""

    def __init__(self, factory, options: dict[str, Any]):
        self.factory, self.options = factory, options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            if name in self.cfg.settings:
                self.cfg.set(name, value)

    def load(self):
        return self.factory()


if __name__ == "__main__":
    main()
