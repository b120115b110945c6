"""The web process: `create_app` builds the Flask app from its blueprints (the LINE webhook
and health check, memo files, the admin pages)."""

from __future__ import annotations

from flask import Flask, Response

from bot import files, services, web, webhook
from core import logs
from core.config import Settings, load_settings
from store import channels
from store.db import connect


def too_large(_error: Exception) -> Response:
    return Response("request body too large", 413)


def server_error(_error: Exception) -> Response:
    return Response("internal error", 500)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    logs.setup()
    logs.register_secret(settings.channel_secret)
    logs.register_secret(settings.access_token)
    settings.check_production()
    channels.check_master_key(settings, connect(settings.redis_url))
    logs.register_secret(settings.master_key or "")
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = webhook.MAX_BODY
    services.install(app, settings)
    app.register_blueprint(webhook.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(web.bp)
    app.register_error_handler(413, too_large)
    app.register_error_handler(500, server_error)
    return app
