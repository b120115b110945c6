"""The LINE simulator as a Flask app, from four blueprints: the Messaging API stand-in
(`/v2/...`, simulator/line_api.py), the control API the chat page and tests use
(`/sim/api/...`, simulator/control.py, its channels in simulator/channels_api.py, photos and
files users send in simulator/media.py), and the chat page (`/`, simulator/chat_page.py)."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from simulator import channel_settings, channels_api, chat_page, control, line_api, media
from simulator.context import (
    CONTROL_API_PREFIX,
    LINE_API_PREFIX,
    SimConfig,
    error,
    get_config,
    get_state,
    install,
)
from simulator.schema import messaging_validator
from simulator.state import DEFAULT_CHANNEL, Channel, SimState

__all__ = ["SimConfig", "create_app", "get_config", "get_state"]


def _api_path() -> bool:
    return request.path.startswith(LINE_API_PREFIX) or request.path.startswith(CONTROL_API_PREFIX)


def _not_found(exc: Exception) -> Any:
    return error(404, "Not found") if _api_path() else exc


def _not_allowed(exc: Exception) -> Any:
    return error(405, "Method not allowed") if _api_path() else exc


def create_app(
    channel_secret: str,
    access_token: str,
    webhook_url: str,
    admin_url: str | None = None,
    reply_token_ttl: float = 120.0,
) -> Flask:
    """Build a simulator app; its state is in memory and per app. The channel given is the
    default one; more are added through `POST /sim/api/channels`."""
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Thai stays readable
    app.json.sort_keys = False  # type: ignore[attr-defined]
    channel = Channel(DEFAULT_CHANNEL, channel_secret, access_token, webhook_url)
    state = SimState(channel, reply_token_ttl=reply_token_ttl)
    install(app, state, SimConfig(admin_url=admin_url))
    messaging_validator()  # read LINE's OpenAPI file now, not on the bot's first call
    app.register_blueprint(line_api.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(channels_api.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(chat_page.bp)
    app.register_blueprint(channel_settings.blueprint)  # bot info, webhook endpoint and test, font
    app.register_error_handler(404, _not_found)
    app.register_error_handler(405, _not_allowed)
    return app
