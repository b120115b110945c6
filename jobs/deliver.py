"""Pushes and multicasts through LINE, exactly once.

Each delivery carries an X-Line-Retry-Key fixed before the first try, so a retry after a
500 or a timeout is answered 409 by LINE instead of delivering twice. 429 and 5xx are
retried with backoff by RQ; any other 4xx is logged with LINE's details and dropped.
"""

from __future__ import annotations

import logging
from typing import Any

import urllib3

from core.config import load_settings
from line.client import LineClient, LineError
from store import channels
from store.db import connect

log = logging.getLogger("itabot.deliver")


def send(
    to: list[str], messages: list[dict[str, Any]], retry_key: str, org: str | None = None
) -> str:
    """Push (one recipient) or multicast, with the channel of `org` (None: the environment's)."""
    settings = load_settings()
    token = channels.token_for(settings, connect(settings.redis_url), org) if org else None
    client = LineClient(settings, token)
    try:
        if len(to) == 1:
            client.push(to[0], messages, retry_key)
        else:
            client.multicast(to, messages, retry_key)
    except LineError as exc:
        if exc.retryable:
            log.warning("LINE busy or failing, will retry", extra={"status": exc.status})
            raise
        log.error(
            "LINE refused a message; not retried",
            extra={"status": exc.status, "details": exc.body[:2000]},
        )
        return f"refused {exc.status}"
    except (
        OSError,
        urllib3.exceptions.HTTPError,
    ) as exc:  # timeouts, connection resets: retry with the same key
        log.warning("LINE unreachable, will retry: %s", exc)
        raise
    return "sent"
