"""Pushes and multicasts through LINE, exactly once.

Each delivery carries an X-Line-Retry-Key fixed before the first try, so a retry after a
500 or a timeout is answered 409 by LINE instead of delivering twice. 429 and 5xx are
retried with backoff by RQ; any other 4xx is logged with LINE's details and dropped.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import urllib3
from rq import Queue, Retry

from bot.config import Settings, load_settings
from bot.line_client import LineClient, LineError
from jobs.queues import DELIVERY, queue

log = logging.getLogger("itabot.deliver")

MULTICAST_LIMIT = 500
BACKOFF = [1, 2, 5, 10, 20, 40, 60, 120]


def chunk_key(retry_key: str, index: int) -> str:
    return retry_key if index == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(index)))


def enqueue(
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
            send,
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


def enqueue_many(
    deliveries: list[tuple[list[str], list[dict[str, Any]], str]], settings: Settings | None = None
) -> int:
    """Queue many deliveries (to, messages, retry key) in one Redis round trip."""
    q = queue(DELIVERY, settings)
    with q.connection.pipeline() as pipe:
        calls = sum(
            enqueue(to, messages, key, pipeline=pipe, q=q) for to, messages, key in deliveries
        )
        pipe.execute()
    return calls


def send(to: list[str], messages: list[dict[str, Any]], retry_key: str) -> str:
    client = LineClient(load_settings())
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
