"""RQ queues. One worker process serves them all, in this order of priority."""

from __future__ import annotations

from rq import Queue, Retry

from bot.config import Settings, load_settings
from store.db import connect_binary

EVENTS = "events"  # webhook bodies: a person is waiting for the answer
DELIVERY = "delivery"  # pushes and multicasts
DEFAULT = "default"  # compiles, reminder sweeps, scheduled work
ALL = (EVENTS, DELIVERY, DEFAULT)


def retry_abandoned() -> Retry:
    """Retries for a job whose worker was killed mid-job (RQ retries it after its heartbeat
    expires); every job here is safe to run again (idempotent by version, slot or event)."""
    return Retry(max=3, interval=[0, 10, 30])


def queue(name: str, settings: Settings | None = None) -> Queue:
    settings = settings or load_settings()
    return Queue(name, connection=connect_binary(settings.redis_url))
