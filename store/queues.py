"""RQ queues. One worker process serves them all, in this order of priority."""

from __future__ import annotations

import uuid
from typing import Any

from rq import Queue, Retry

from core.config import Settings, load_settings
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


# -- deliveries: one job per ≤500 recipients, each with a retry key fixed before the first try

MULTICAST_LIMIT = 500
BACKOFF = [1, 2, 5, 10, 20, 40, 60, 120]


def retry_key(org: str, purpose: str) -> str:
    """The X-Line-Retry-Key of a push, fixed by what it is for (an event, a memo step), so
    whatever re-runs the work that queues it, LINE delivers it once."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"itabot:{org}:{purpose}"))


def chunk_key(retry_key: str, index: int) -> str:
    return retry_key if index == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(index)))


def enqueue_delivery(
    to: list[str],
    messages: list[dict[str, Any]],
    retry_key: str,
    settings: Settings | None = None,
    pipeline: Any = None,
    q: Queue | None = None,
) -> int:
    """Queue one job per ≤500 recipients; returns the number of jobs (LINE API calls) queued."""
    q = q or queue(DELIVERY, settings)
    recipients = list(dict.fromkeys(to))
    jobs = 0
    for index in range(0, len(recipients), MULTICAST_LIMIT):
        part = recipients[index : index + MULTICAST_LIMIT]
        key_for_part = chunk_key(retry_key, index // MULTICAST_LIMIT)
        q.enqueue(
            "jobs.deliver.send",
            part,
            messages,
            key_for_part,
            job_id=f"deliver-{key_for_part}",  # the same delivery queued twice is one job
            retry=Retry(max=len(BACKOFF), interval=BACKOFF),
            result_ttl=600,
            failure_ttl=7 * 24 * 3600,
            pipeline=pipeline,
        )
        jobs += 1
    return jobs


def enqueue_deliveries(
    deliveries: list[tuple[list[str], list[dict[str, Any]], str]], settings: Settings | None = None
) -> int:
    """Queue many deliveries (to, messages, retry key) in one Redis round trip."""
    q = queue(DELIVERY, settings)
    with q.connection.pipeline() as pipe:
        calls = sum(
            enqueue_delivery(to, messages, key, pipeline=pipe, q=q)
            for to, messages, key in deliveries
        )
        pipe.execute()
    return calls
