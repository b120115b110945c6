"""The webhook bodies' RQ queues: one of EVENT_SHARDS queues per organisation, and each
person's events chained in the order they came, so that any number of workers may run.

Fairness comes from RQ itself: every worker listens on all the shards with RQ's round-robin
dequeue strategy, so a burst of one organisation fills its shard and the other shards are still
served one job in turn. Order comes from RQ's job dependencies: a body is queued with
`depends_on` the last job queued for each of its senders that has not finished yet (kept in
Redis per organisation and person), so a second worker cannot take a person's next event
while the previous one is queued or running; RQ queues the dependent when its predecessor
ends (finished, or failed for good: `allow_failure`, so one broken event does not stop a
person's later ones).

Known limits: organisations on the same shard share its FIFO (32 shards: one in 32 of the
others waits behind a burst); two web processes taking one person's two bodies at the very same
moment may queue the second before the first exists, and then nothing orders the two; a
predecessor that fails for good in the instant between the check and RQ's own leaves its
dependent deferred (visible in RQ's deferred registry).
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterable

import redis
from redis.exceptions import WatchError
from rq import Queue, Retry
from rq.job import Dependency

LEGACY = "events"  # the one queue of before: still served, for jobs queued before an upgrade
EVENT_SHARDS = 32
SHARDS = tuple(f"events-{index:02d}" for index in range(EVENT_SHARDS))
ALL_EVENT_QUEUES = (*SHARDS, LEGACY)
LAST_JOB_TTL = 24 * 3600  # a pointer to a person's last job; past it, no dependency anyway
RESULT_TTL = 30  # with 0 RQ deletes the job at once: nine more worker round trips per event
FAILURE_TTL = 7 * 24 * 3600
JOB_TIMEOUT = 120

# Swap in the new job id as the sender's last, and say whether the one before may still run:
# one round trip for every sender of the body. Job keys are RQ's (rq:job:<id>), on RQ's Redis.
_SWAP_LAST = """
local out = {}
for i, name in ipairs(KEYS) do
  local prev = redis.call('SET', name, ARGV[1], 'GET', 'EX', ARGV[2])
  if prev then
    local status = redis.call('HGET', 'rq:job:' .. prev, 'status')
    if status == 'queued' or status == 'started' or status == 'deferred'
       or status == 'scheduled' then
      table.insert(out, prev)
    end
  end
end
return out
"""


def shard_of(org: str) -> str:
    """The events queue of an organisation (the same in every process: crc32, not hash())."""
    return SHARDS[zlib.crc32(org.encode()) % EVENT_SHARDS]


def _last_key(org: str, user_id: str) -> str:
    return f"itabot:last-event-job:{org}:{user_id}"


def enqueue_body(
    connection: redis.Redis, org: str, body: str, senders: Iterable[str], retry: Retry
) -> str:
    """Queue the webhook body on its organisation's shard after the senders' unfinished jobs;
    returns the job id. Two round trips when no earlier event of the senders is still pending."""
    job_id = uuid.uuid4().hex
    keys = [_last_key(org, user) for user in dict.fromkeys(senders)]
    pending: list[str] = []
    if keys:
        found = connection.eval(_SWAP_LAST, len(keys), *keys, job_id, LAST_JOB_TTL)
        pending = [p.decode() if isinstance(p, bytes) else p for p in found]
    queue = Queue(shard_of(org), connection=connection)
    depends = Dependency(jobs=pending, allow_failure=True) if pending else None
    while True:
        try:
            with connection.pipeline() as pipe:
                queue.enqueue(
                    "jobs.webhook.process_body",
                    org,
                    body,
                    job_id=job_id,
                    depends_on=depends,
                    result_ttl=RESULT_TTL,
                    failure_ttl=FAILURE_TTL,
                    job_timeout=JOB_TIMEOUT,
                    retry=retry,
                    pipeline=pipe,
                )
                pipe.execute()
            return job_id
        except WatchError:
            continue  # a predecessor changed state meanwhile: RQ's own answer is to try again
