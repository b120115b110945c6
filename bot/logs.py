"""Structured logs: one JSON object per line, carrying the webhook event id for tracing.

Secrets (channel secret, access token) are scrubbed from every record before it is written.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

current_event: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_event", default=None
)
_secrets: set[str] = set()


def register_secret(value: str) -> None:
    if value and len(value) >= 6:
        _secrets.add(value)


def scrub(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        event = getattr(record, "event_id", None) or current_event.get()
        if event:
            entry["event_id"] = event
        for name in ("org", "user", "job", "status", "details"):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup(level: str = "INFO") -> None:
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(level)
    # Request lines of the development servers (simulator, tests) drown the useful records.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
