"""The webhook jobs: the web process appends LINE webhook bodies to their organisation's inbox
(store/event_queues.py), and the worker drains an inbox with `drain`; the work on each body is
the event pipeline's (handlers/pipeline.py).

`process_body` is a job of its own for a body set aside after it raised (and for jobs queued by
a version from before the inboxes).
"""

from __future__ import annotations

import logging
import time

import redis
from rq import Queue, get_current_job

from core.config import load_settings
from handlers import pipeline
from store import event_queues, queues

log = logging.getLogger("itabot.webhook")

# RQ's lists of the queues `itabot worker` serves (jobs/worker.py): a drain job waits for the
# next body only while they are all empty.
SERVED_QUEUE_KEYS = [Queue.redis_queue_namespace_prefix + name for name in queues.ALL]


def process_body(org: str, body: str) -> int:
    """Handle every event of one webhook body; returns how many were handled."""
    return pipeline.process_body(org, body)


def drain(shard: str) -> int:
    """Handle the shard's inbox, oldest body first, for one slice; returns how many events were
    handled. What is left goes to a successor job at the back of the queue."""
    job = get_current_job()
    assert job is not None, "drain runs as an RQ job"
    connection, retry = job.connection, queues.retry_abandoned()
    settings = load_settings()  # once a slice, not once a body
    deadline = time.monotonic() + event_queues.SLICE_SECONDS
    handled_events = read = 0
    while True:
        batch = event_queues.take(connection, shard, job.id, read)
        if batch is None:
            return handled_events  # another job owns the inbox now (this one was replaced)
        read = 0
        for org, body in batch:
            try:
                handled_events += pipeline.process_body(org, body, settings=settings)
            except (redis.ConnectionError, redis.TimeoutError):
                raise  # Redis away: the job's retry starts again from this body
            except Exception:
                # One broken body does not hold up the others: it is tried again on its own.
                job_id = event_queues.set_aside(connection, org, body, retry)
                log.exception("webhook body set aside", extra={"org": org, "job": job_id})
            read += 1
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if not batch and not event_queues.linger(
            connection, shard, SERVED_QUEUE_KEYS, min(left, event_queues.LINGER_SECONDS)
        ):
            break
    event_queues.hand_over(connection, shard, job.id, read, retry)
    return handled_events
