"""Run the simulator (`itabot simulator`, or `serve(...)`), or in a thread for tests."""

from __future__ import annotations

import logging
import os
import threading

from werkzeug.serving import BaseWSGIServer, make_server, run_simple

from simulator.app import create_app

log = logging.getLogger("itabot.simulator")


class _QuietPolling(logging.Filter):
    """Drop werkzeug's access-log lines for the chat page's once-a-second polling."""

    def filter(self, record: logging.LogRecord) -> bool:
        return '"GET /sim/api/' not in record.getMessage()


def serve(
    host: str,
    port: int,
    channel_secret: str,
    access_token: str,
    webhook_url: str,
    admin_url: str | None = None,
) -> None:
    """Serve until interrupted. Threaded: the bot calls back in while a webhook is in flight."""
    app = create_app(channel_secret, access_token, webhook_url, admin_url=admin_url)
    logging.getLogger("werkzeug").addFilter(_QuietPolling())
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


def start_in_thread(
    host: str,
    port: int,
    channel_secret: str,
    access_token: str,
    webhook_url: str,
    admin_url: str | None = None,
    reply_token_ttl: float = 120.0,
) -> tuple[BaseWSGIServer, str]:
    """Start a threaded server in a daemon thread (port 0: any free port).

    Returns the server (call `.shutdown()` to stop; `.app` is the Flask app) and its base URL."""
    app = create_app(
        channel_secret,
        access_token,
        webhook_url,
        admin_url=admin_url,
        reply_token_ttl=reply_token_ttl,
    )
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="line-simulator", daemon=True)
    thread.start()
    return server, f"http://{host}:{server.server_port}"


def main(default_secret: str, default_token: str) -> None:
    """Configuration from the environment (honcho also loads `.env` into it); the channel's
    secret and token default to the ones the caller (the bot's CLI) gives."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    port = int(os.environ.get("SIMULATOR_PORT", "8001"))
    host = os.environ.get("SIMULATOR_HOST", "127.0.0.1")
    bot_port = os.environ.get("PORT", "8000")
    webhook_url = os.environ.get("BOT_WEBHOOK_URL", f"http://127.0.0.1:{bot_port}/callback")
    admin_url = os.environ.get("ADMIN_URL") or None
    log.info("LINE simulator on http://%s:%d, webhooks to %s", host, port, webhook_url)
    serve(
        host,
        port,
        channel_secret=os.environ.get("LINE_CHANNEL_SECRET", default_secret),
        access_token=os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", default_token),
        webhook_url=webhook_url,
        admin_url=admin_url,
    )
