"""What the web app's views share (settings, Redis clients, the events queue), kept in
`app.extensions` so a view reaches it through `current_app`, not a closure."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import redis
from flask import Flask, current_app
from rq import Queue

from core.config import Settings
from store import channels, plans
from store.db import connect, connect_binary
from store.queues import EVENTS, queue

EXTENSION_KEY = "itabot"
# How long `/callback` (no organisation in the path) trusts the default organisation it read.
DEFAULT_ORG_CACHE_SECONDS = 5.0


@dataclass
class Services:
    settings: Settings
    redis: redis.Redis  # text client: the store
    files: redis.Redis  # bytes client: memo files
    events: Queue  # webhook bodies for the worker
    _default_org: tuple[float, str | None] = field(default=(0.0, None), repr=False)

    def webhook_channel(self, org: str | None) -> tuple[str | None, str | None]:
        """(organisation, secret) of a webhook to `/callback/<org>` (org None: `/callback`,
        the default organisation). The secret is None for an organisation that does not
        exist; the organisation is None before any plan is loaded."""
        target = self.resolve_org(org)
        secret = channels.webhook_secret(self.settings, self.redis, target)
        if secret is None and org is None:  # the cached default is gone (removed, store wiped)
            self._default_org = (0.0, None)
            target = self.resolve_org(None)
            secret = channels.webhook_secret(self.settings, self.redis, target)
        return target, secret

    def resolve_org(self, org: str | None) -> str | None:
        """The organisation a webhook is for: the one in its path, else the default one."""
        if org:
            return org
        now = time.monotonic()
        read_at, value = self._default_org
        if value and now - read_at < DEFAULT_ORG_CACHE_SECONDS:
            return value
        value = plans.default_org(self.redis)
        self._default_org = (now, value)
        return value


def install(app: Flask, settings: Settings) -> Services:
    shared = Services(
        settings=settings,
        redis=connect(settings.redis_url),
        files=connect_binary(settings.redis_url),
        events=queue(EVENTS, settings),
    )
    app.extensions[EXTENSION_KEY] = shared
    return shared


def services() -> Services:
    """The current app's shared objects (inside a request or an app context)."""
    return current_app.extensions[EXTENSION_KEY]
