"""The webhook bodies' inboxes: one of EVENT_SHARDS per organisation, each drained oldest first
by one RQ job at a time, so that any number of workers may run.

The web process appends a body to its organisation's shard inbox (a Redis list on RQ's Redis)
with one script, which also makes a new drain job the inbox's owner when it has none; only then
does the web process queue that job (jobs.webhook.drain) on the shard's RQ queue. The drain job
handles the inbox a batch at a time and removes a batch only once it is handled; after a slice
(SLICE_SECONDS) it hands what is left to a successor queued at the back of its queue and ends.

Why not one RQ job per body: RQ's bookkeeping around a job (about forty Redis commands and a
few ms of CPU: fetch, start, heartbeat, finish, registries, dependents) was most of the cost
of a chat event; a drain job pays it once per slice, and a body costs one command to append
and a share of one to take.

A drain job whose inbox runs dry waits a moment (LINGER_SECONDS, `linger`) for the next body
before it ends, while no other job is queued: at a steady trickle of events one job then
carries many of them instead of one each (the web's script rings the owner's bell).

Order: one drain job per shard at a time, oldest body first, and a person belongs to one
organisation and so to one shard: a person's events are handled in the order they reached Redis,
however many workers run. Fairness: every worker serves the shard queues round robin (jobs/worker.py)
and a drain job yields after its slice, so one organisation's burst holds a worker for one
slice at a time. Organisations on the same shard share its order (one in 32 of the others
waits behind a burst).

Faults: a worker killed mid-batch leaves the batch in the inbox and the job in RQ's started
registry; RQ's abandoned-job handling runs it again (its Retry), and the events of the batch
already handled are skipped by their marks (handlers/pipeline.py). An owner whose job is gone
for good (it failed its last retry, or the web process died between the script and queueing
the job) is replaced: by the next body's script once OWNER_GRACE seconds have passed, or by the
worker's maintenance (`revive`) when no body comes.
"""

from __future__ import annotations

import time
import uuid
import zlib
from collections.abc import Iterator
from datetime import timedelta

import redis
from rq import Queue, Retry

from store.db import run_script

LEGACY = "events"  # the one queue of before the shards: still served, for jobs queued then
EVENT_SHARDS = 32
SHARDS = tuple(f"events-{index:02d}" for index in range(EVENT_SHARDS))
ALL_EVENT_QUEUES = (*SHARDS, LEGACY)
RESULT_TTL = 30  # with 0 RQ deletes the job at once: more worker round trips per job
FAILURE_TTL = 7 * 24 * 3600
JOB_TIMEOUT = 600  # one slice is well under a second; RQ's limit is only for a hung job
OWNER_GRACE = 10  # seconds a web process has to queue the job it just made the owner
BATCH = 20  # bodies read in one round trip
SLICE_SECONDS = 0.25  # a drain job's turn before it yields to the other shards
SET_ASIDE_DELAY = 10  # seconds before a body that raised is tried again on its own
LINGER_SECONDS = 0.05  # how long a drain job whose inbox ran dry waits for the next body

# Is the owner ("<job id> <unix time>") of an inbox still going to drain it: its RQ job (RQ's
# key rq:job:<id>, on the same Redis) is queued, running or waiting for a retry, or it is so
# young that the web process may still be queueing it.
_OWNER_LIVE = """
local function owner_live(owner, now)
  if not owner then return false end
  local id, since = string.match(owner, '^(%S+) (%d+)$')
  if not id then return false end
  local status = redis.call('HGET', 'rq:job:' .. id, 'status')
  if status == 'queued' or status == 'started' or status == 'scheduled'
     or status == 'deferred' then
    return true
  end
  return (not status) and now - tonumber(since) < tonumber(ARGV[4])
end
"""

# KEYS: inbox, owner, bell; ARGV: entry, new job id, now, grace. 1: the new job owns the inbox
# now; 0: its owner drains it (the bell wakes the owner if it waits for a body: `linger`).
_PUSH = (
    _OWNER_LIVE
    + """
redis.call('RPUSH', KEYS[1], ARGV[1])
if owner_live(redis.call('GET', KEYS[2]), tonumber(ARGV[3])) then
  redis.call('RPUSH', KEYS[3], '1')
  redis.call('LTRIM', KEYS[3], -1, -1)
  return 0
end
redis.call('SET', KEYS[2], ARGV[2] .. ' ' .. ARGV[3])
return 1
"""
)

# KEYS: inbox, owner; ARGV: job id, bodies handled (to remove), how many to read. The next
# bodies, or false when the job does not own the inbox (any more).
_TAKE = """
local owner = redis.call('GET', KEYS[2])
if not owner or string.match(owner, '^%S+') ~= ARGV[1] then return false end
local handled = tonumber(ARGV[2])
if handled > 0 then redis.call('LTRIM', KEYS[1], handled, -1) end
return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
"""

# KEYS: inbox, owner; ARGV: job id, bodies handled, successor id, now. 0: the inbox is empty
# and unowned; 1: the successor owns it (queue it); -1: the job did not own it.
_HAND_OVER = """
local owner = redis.call('GET', KEYS[2])
if not owner or string.match(owner, '^%S+') ~= ARGV[1] then return -1 end
local handled = tonumber(ARGV[2])
if handled > 0 then redis.call('LTRIM', KEYS[1], handled, -1) end
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return 0
end
redis.call('SET', KEYS[2], ARGV[3] .. ' ' .. ARGV[4])
return 1
"""

# KEYS: inbox, owner pairs; ARGV: (unused), (unused), now, grace, then one new id per pair. The
# positions (1-based) of the inboxes with bodies and no live owner, each now owned by its id.
_REVIVE = (
    _OWNER_LIVE
    + """
local out = {}
for i = 1, #KEYS, 2 do
  if redis.call('LLEN', KEYS[i]) > 0
     and not owner_live(redis.call('GET', KEYS[i + 1]), tonumber(ARGV[3])) then
    local id = ARGV[4 + (i + 1) / 2]
    redis.call('SET', KEYS[i + 1], id .. ' ' .. ARGV[3])
    table.insert(out, (i + 1) / 2)
  end
end
return out
"""
)


def shard_of(org: str) -> str:
    """The events shard of an organisation (the same in every process: crc32, not hash())."""
    return SHARDS[zlib.crc32(org.encode()) % EVENT_SHARDS]


def inbox_key(shard: str) -> str:
    return f"itabot:inbox:{shard}"


def _owner_key(shard: str) -> str:
    return f"itabot:inbox-owner:{shard}"


def _bell_key(shard: str) -> str:
    # One item at most: "a body came since the owner last looked".
    return f"itabot:inbox-bell:{shard}"


def _entry(org: str, body: str) -> bytes:
    # An organisation id has no newline (core.values.is_org_id): the first one ends it.
    return f"{org}\n{body}".encode()


def _parse(entry: bytes) -> tuple[str, str]:
    org, _, body = entry.decode("utf-8", errors="replace").partition("\n")
    return org, body


def _now() -> int:
    return int(time.time())


def _queue_drain(connection: redis.Redis, shard: str, job_id: str, retry: Retry) -> None:
    Queue(shard, connection=connection).enqueue(
        "jobs.webhook.drain",
        shard,
        job_id=job_id,
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        job_timeout=JOB_TIMEOUT,
        retry=retry,
    )


def enqueue_body(connection: redis.Redis, org: str, body: str, retry: Retry) -> bool:
    """Append a webhook body to its organisation's inbox, and queue a drain job when none owns
    the inbox; True when this call queued it. One round trip when a drain job is on its way."""
    shard = shard_of(org)
    job_id = uuid.uuid4().hex
    owns = run_script(
        connection,
        _PUSH,
        [inbox_key(shard), _owner_key(shard), _bell_key(shard)],
        [_entry(org, body), job_id, _now(), OWNER_GRACE],
    )
    if owns:
        _queue_drain(connection, shard, job_id, retry)
    return bool(owns)


def take(
    connection: redis.Redis, shard: str, job_id: str, handled: int, limit: int | None = None
) -> list[tuple[str, str]] | None:
    """Remove the `handled` bodies the job read last, and read the next `limit` (BATCH) as
    (organisation, body); None when the job does not own the inbox."""
    found = run_script(
        connection, _TAKE, [inbox_key(shard), _owner_key(shard)], [job_id, handled, limit or BATCH]
    )
    return None if found is None else [_parse(entry) for entry in found]


# KEYS: RQ's queue lists. 1 when any holds a job.
_ANY_WAITING = """
for _, key in ipairs(KEYS) do
  if redis.call('LLEN', key) > 0 then return 1 end
end
return 0
"""


def linger(connection: redis.Redis, shard: str, queue_keys: list[str], timeout: float) -> bool:
    """Wait up to `timeout` for the next body of the inbox the caller owns; True when one may
    have come (take again), False when none came or a job waits on one of `queue_keys`.

    At a steady trickle of events a drain job would otherwise end after nearly every body and
    RQ's bookkeeping of a new job (about forty commands and milliseconds of CPU) would be paid
    per event again. It never waits while another job is queued: the pushes an event queued
    go out before the next event is handled, as without the wait, and the other queues are
    held up by at most one `timeout` (a job queued during the wait)."""
    if run_script(connection, _ANY_WAITING, queue_keys, []):
        return False
    return connection.blpop([_bell_key(shard)], timeout=timeout) is not None


def hand_over(
    connection: redis.Redis, shard: str, job_id: str, handled: int, retry: Retry
) -> str | None:
    """End the job's turn: remove the `handled` bodies it read last; when any are left, queue a
    successor at the back of the shard's queue and return its id."""
    successor = uuid.uuid4().hex
    outcome = run_script(
        connection,
        _HAND_OVER,
        [inbox_key(shard), _owner_key(shard)],
        [job_id, handled, successor, _now()],
    )
    if outcome != 1:
        return None
    _queue_drain(connection, shard, successor, retry)
    return successor


def revive(connection: redis.Redis, retry: Retry) -> list[str]:
    """Queue a drain job for every inbox holding bodies with no live owner; the shards revived."""
    ids = [uuid.uuid4().hex for _ in SHARDS]
    keys = [k for shard in SHARDS for k in (inbox_key(shard), _owner_key(shard))]
    revived = []
    for position in run_script(connection, _REVIVE, keys, ["", "", _now(), OWNER_GRACE, *ids]):
        shard = SHARDS[int(position) - 1]
        _queue_drain(connection, shard, ids[int(position) - 1], retry)
        revived.append(shard)
    return revived


def set_aside(connection: redis.Redis, org: str, body: str, retry: Retry) -> str:
    """Queue a body whose handling raised as a job of its own on its shard, tried again after
    SET_ASIDE_DELAY with RQ's retries, then kept in RQ's failed registry: the rest of the inbox
    goes on meanwhile. Returns the job's id."""
    job = Queue(shard_of(org), connection=connection).enqueue_in(
        timedelta(seconds=SET_ASIDE_DELAY),
        "jobs.webhook.process_body",
        org,
        body,
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        job_timeout=JOB_TIMEOUT,
        retry=retry,
    )
    return job.id


def waiting(connection: redis.Redis) -> int:
    """How many webhook bodies wait in the inboxes."""
    with connection.pipeline(transaction=False) as pipe:
        for shard in SHARDS:
            pipe.llen(inbox_key(shard))
        return sum(pipe.execute())


def waiting_bodies(connection: redis.Redis, org: str) -> Iterator[str]:
    """The bodies of an organisation waiting in its inbox, oldest first."""
    for entry in connection.lrange(inbox_key(shard_of(org)), 0, -1):
        entry_org, body = _parse(entry)
        if entry_org == org:
            yield body
