"""RQ queues and the work put on them: deliveries by job name, and the scheduled jobs of an
organisation. One worker process serves every queue, in this order of priority."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job

from core.config import Settings, load_settings
from store.db import connect_binary, key

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
    org: str | None = None,
) -> int:
    """Queue one job per ≤500 recipients; returns the number of jobs (LINE API calls) queued.

    `org` is the organisation whose channel sends it (its own token); None: the environment's.
    """
    q = q or queue(DELIVERY, settings)
    # the org travels as a keyword: a job of the single-channel set-up keeps its three args
    channel = {"org": org} if org else {}
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
            **channel,
        )
        jobs += 1
    return jobs


def enqueue_deliveries(
    deliveries: list[tuple[list[str], list[dict[str, Any]], str]],
    settings: Settings | None = None,
    org: str | None = None,
) -> int:
    """Queue many deliveries (to, messages, retry key) of one organisation in one round trip."""
    q = queue(DELIVERY, settings)
    with q.connection.pipeline() as pipe:
        calls = sum(
            enqueue_delivery(to, messages, key, pipeline=pipe, q=q, org=org)
            for to, messages, key in deliveries
        )
        pipe.execute()
    return calls


# -- scheduled work: jobs enqueued for a time (run by the worker's scheduler), their ids kept
# per organisation so that loading a plan cancels what the previous plan scheduled

SCHEDULED_RESULT_TTL = 7 * 86400
SCHEDULED_FAILURE_TTL = 30 * 86400  # a failed reminder or compile stays visible for a month
SCHEDULED_TIMEOUT = 600  # a deadline compile renders the memo


def _scheduled_key(org: str) -> str:
    return key(org, "scheduled-jobs")


def schedule_at(
    settings: Settings,
    r: redis.Redis,
    org: str,
    moment: datetime,
    job_id: str,
    func: str,
    *args: Any,
) -> None:
    """Run `func(*args)` at `moment`; the same job id scheduled again replaces the first."""
    queue(DEFAULT, settings).enqueue_at(
        moment.astimezone(UTC),
        func,
        *args,
        job_id=job_id,
        result_ttl=SCHEDULED_RESULT_TTL,
        failure_ttl=SCHEDULED_FAILURE_TTL,
        job_timeout=SCHEDULED_TIMEOUT,
        retry=retry_abandoned(),
    )
    r.sadd(_scheduled_key(org), job_id)


def cancel_scheduled(settings: Settings, r: redis.Redis, org: str) -> None:
    """Cancel and delete every job scheduled for the organisation."""
    rb = connect_binary(settings.redis_url)
    for job_id in r.smembers(_scheduled_key(org)):
        for step in (Job.cancel, Job.delete):
            try:
                step(Job.fetch(job_id, connection=rb))
            except NoSuchJobError:
                pass
    r.delete(_scheduled_key(org))
