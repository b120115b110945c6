"""Structured logs: one JSON object per line, carrying the webhook event id for tracing.

Secrets (channel secret, access token) are scrubbed from every record before it is written.
"""

from __future__ import annotations

import contextvars
import io
import json
import logging
import os
import sys
import threading
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


class JsonStderr(io.TextIOBase):
    """A sys.stderr whose output is JSON records too: what bypasses logging (the traceback
    multiprocessing prints when RQ's scheduler process dies, warnings, a stray print) is
    gathered until flushed and written as one scrubbed record. JSON lines pass through."""

    def __init__(self, stream: io.TextIOBase, logger: str = "stderr"):
        self._stream = stream
        self._logger = logger
        self._pending = ""
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            if len(self._pending) > 65536:
                self._emit()
        return len(text)

    def flush(self) -> None:
        with self._lock:
            self._emit()
        self._stream.flush()

    def _emit(self) -> None:
        text, self._pending = self._pending, ""
        if not text.strip():
            return
        lines = [line for line in text.splitlines() if line.strip()]
        if all(line.startswith("{") and line.endswith("}") for line in lines):
            self._stream.write("".join(scrub(line) + "\n" for line in lines))
            return
        entry = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "error",
            "logger": self._logger,
            "msg": scrub(text.rstrip()),
        }
        event = current_event.get()
        if event:
            entry["event_id"] = event
        self._stream.write(json.dumps(entry, ensure_ascii=False) + "\n")


def capture_stderr() -> None:
    """Route sys.stderr through JsonStderr (worker processes: their children inherit it)."""
    if not isinstance(sys.stderr, JsonStderr):
        sys.stderr = JsonStderr(sys.stderr)
