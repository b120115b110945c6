"""The webhook inboxes (store/event_queues.py) and their drain jobs (jobs/webhook.py), with a real
Redis and RQ's real worker class run in this process: one drain job per inbox, bodies handled
oldest first, a slice then a successor, a batch read again after a crash, an owner gone for good
replaced, and a body that raises set aside while the others go on.

The bodies are unfollow events: they go the whole pipeline (dedupe, context, dispatch, mark)
and answer nothing, so no LINE is needed here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from rq import Queue
from rq.job import Job

from jobs import webhook as webhook_job
from jobs.worker import ItabotWorker
from simulator.webhook import new_user_id, unfollow_event, webhook_body
from store import event_queues, events
from store.db import connect_binary
from store.queues import ALL, retry_abandoned
from tests.own_stack import RedisServer, environment

ORG = "naphu"
SHARD = event_queues.shard_of(ORG)
OWNER = f"itabot:inbox-owner:{SHARD}"


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory) -> Iterator[RedisServer]:
    """A redis-server of its own: the session's worker must not take these drain jobs."""
    server = RedisServer(tmp_path_factory.mktemp("inbox-redis"), persistent=False)
    server.start()
    with environment({"REDIS_URL": server.url}):  # the drain job reads its settings from there
        yield server
    server.kill()


@pytest.fixture
def rdb(own_redis):
    r = own_redis.client()
    r.flushdb()
    return r


@pytest.fixture
def rq(own_redis, rdb) -> Iterator:
    yield connect_binary(own_redis.url)


@pytest.fixture
def handled(monkeypatch) -> list[tuple[str, str]]:
    """The (org, body) pairs the drain jobs hand to the pipeline, in order (each still handled
    by the real pipeline)."""
    seen: list[tuple[str, str]] = []
    real = webhook_job.pipeline.process_body

    def recording(org: str, body: str, **kwargs) -> int:
        seen.append((org, body))
        return real(org, body, **kwargs)

    monkeypatch.setattr(webhook_job.pipeline, "process_body", recording)
    return seen


def _bodies(count: int) -> list[tuple[str, str]]:
    """(event id, body) of `count` unfollow events, each from a new person."""
    out = []
    for _ in range(count):
        body = webhook_body("Ubot", [unfollow_event(new_user_id())]).decode()
        out.append(
            (webhook_job.pipeline.json_text.loads(body)["events"][0]["webhookEventId"], body)
        )
    return out


def _push(rq, bodies: list[tuple[str, str]], org: str = ORG) -> int:
    """Append the bodies as the webhook does; how many drain jobs that queued."""
    return sum(event_queues.enqueue_body(rq, org, body, retry_abandoned()) for _, body in bodies)


def _work(rq, max_jobs: int | None = None) -> None:
    ItabotWorker(list(ALL), connection=rq).work(
        burst=True, with_scheduler=False, logging_level="WARNING", max_jobs=max_jobs
    )


def test_one_drain_job_takes_a_burst_in_the_order_it_came(rq, rdb, handled):
    bodies = _bodies(60)
    assert _push(rq, bodies) == 1  # the first body's script made a job the owner; no other
    assert Queue(SHARD, connection=rq).count == 1
    assert rq.llen(event_queues.inbox_key(SHARD)) == 60
    _work(rq)
    assert [body for _, body in handled] == [body for _, body in bodies]
    assert all(events.event_done(rdb, ORG, event_id) for event_id, _ in bodies)
    assert event_queues.waiting(rq) == 0
    assert not rq.exists(OWNER)  # empty and unowned: the next body queues a new job
    assert _push(rq, _bodies(1)) == 1


def test_a_drain_job_yields_after_its_slice_to_a_successor_at_the_back(rq, handled, monkeypatch):
    monkeypatch.setattr(event_queues, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(event_queues, "BATCH", 5)
    bodies = _bodies(12)
    _push(rq, bodies)
    _work(rq, max_jobs=1)
    assert [body for _, body in handled] == [body for _, body in bodies[:5]]
    assert rq.llen(event_queues.inbox_key(SHARD)) == 7
    queued = Queue(SHARD, connection=rq).get_jobs()
    assert [job.func_name for job in queued] == ["jobs.webhook.drain"]
    assert rq.get(OWNER).decode().split()[0] == queued[0].id
    _work(rq)
    assert [body for _, body in handled] == [body for _, body in bodies]


def test_a_batch_read_but_not_handed_back_is_read_again_by_the_retry(rq):
    bodies = _bodies(3)
    _push(rq, bodies)
    owner = rq.get(OWNER).decode().split()[0]
    first = event_queues.take(rq, SHARD, owner, 0)
    assert [body for _, body in first] == [body for _, body in bodies]
    # the worker dies here: nothing was removed, and RQ's retry runs the same job id again
    assert event_queues.take(rq, SHARD, owner, 0) == first
    assert event_queues.take(rq, SHARD, "someone-else", 0) is None
    assert event_queues.take(rq, SHARD, owner, 2) == first[2:]  # two handled, then removed


def test_an_owner_gone_for_good_is_replaced_by_the_next_body_or_by_maintenance(rq, handled):
    # an owner whose job does not exist: young (its web process may be queueing it), then old
    rq.set(OWNER, f"{'0' * 32} {int(time.time())}")
    assert _push(rq, _bodies(1)) == 0
    rq.set(OWNER, f"{'0' * 32} {int(time.time()) - 60}")
    assert _push(rq, _bodies(1)) == 1
    _work(rq)
    assert len(handled) == 2
    # no body comes: the worker's maintenance finds the inbox with bodies and a failed owner
    _push(rq, _bodies(2))
    job = Job.fetch(rq.get(OWNER).decode().split()[0], connection=rq)
    Queue(SHARD, connection=rq).remove(job)
    job.set_status("failed")
    assert event_queues.revive(rq, retry_abandoned()) == [SHARD]
    assert event_queues.revive(rq, retry_abandoned()) == []  # queued now: alive
    _work(rq)
    assert len(handled) == 4 and event_queues.waiting(rq) == 0


def test_a_body_that_raises_is_set_aside_and_the_rest_go_on(rq, rdb, handled, monkeypatch):
    bodies = _bodies(4)
    broken = bodies[1][1]
    real = webhook_job.pipeline.process_body

    def failing(org: str, body: str, **kwargs) -> int:
        if body == broken:
            raise RuntimeError("a bug in a handler")
        return real(org, body, **kwargs)

    monkeypatch.setattr(webhook_job.pipeline, "process_body", failing)
    _push(rq, bodies)
    _work(rq)
    assert [events.event_done(rdb, ORG, event_id) for event_id, _ in bodies] == [
        True,
        False,
        True,
        True,
    ]
    assert event_queues.waiting(rq) == 0
    scheduled = Queue(SHARD, connection=rq).scheduled_job_registry.get_job_ids()
    assert len(scheduled) == 1
    job = Job.fetch(scheduled[0], connection=rq)
    assert job.func_name == "jobs.webhook.process_body" and job.args == (ORG, broken)
    assert job.retries_left == retry_abandoned().max


def _push_when(rq, condition, bodies: list[tuple[str, str]], queued: list[int]) -> threading.Thread:
    """Push the bodies from another thread once `condition()` holds (the web process beside a
    working drain job); how many drain jobs that queued goes into `queued`."""

    def run() -> None:
        deadline = time.monotonic() + 10
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.002)
        queued.append(_push(rq, bodies))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_drain_job_whose_inbox_ran_dry_takes_the_next_body_itself(rq, handled, monkeypatch):
    # a steady trickle: without the wait each body would be a new RQ job
    monkeypatch.setattr(event_queues, "LINGER_SECONDS", 5.0)  # the body comes well within it
    monkeypatch.setattr(event_queues, "SLICE_SECONDS", 10.0)
    first, second = _bodies(2)
    queued: list[int] = []
    _push(rq, [first])
    pusher = _push_when(rq, lambda: len(handled) == 1, [second], queued)
    started = time.monotonic()
    _work(rq, max_jobs=1)
    pusher.join()
    assert [body for _, body in handled] == [first[1], second[1]]
    assert queued == [0]  # the second body's script found the lingering owner: no new job
    assert Queue(SHARD, connection=rq).count == 0 and event_queues.waiting(rq) == 0
    assert not rq.exists(OWNER)
    # and once nothing more came, the job ended after one wait, not after its slice
    assert time.monotonic() - started < 8.0


def test_a_drain_job_waits_for_no_body_while_another_job_is_queued(rq, handled, monkeypatch):
    monkeypatch.setattr(event_queues, "LINGER_SECONDS", 5.0)
    monkeypatch.setattr(event_queues, "SLICE_SECONDS", 10.0)
    keys = webhook_job.SERVED_QUEUE_KEYS
    started = time.monotonic()
    assert not event_queues.linger(rq, SHARD, keys, 0.2)  # nothing came: waited, then no
    assert time.monotonic() - started >= 0.15
    # a push queued by an event just handled (the delivery queue): no wait at all, so that
    # push goes out before the next event of the inbox is handled
    Queue("delivery", connection=rq).enqueue("time.sleep", 0)
    started = time.monotonic()
    assert not event_queues.linger(rq, SHARD, keys, 5.0)
    assert time.monotonic() - started < 1.0
    # the worker: the drain job ends with its dry inbox and the delivery job runs next
    _push(rq, _bodies(1))
    _work(rq, max_jobs=1)
    assert len(handled) == 1 and not rq.exists(OWNER)
    assert Queue("delivery", connection=rq).count == 1


def test_a_body_pushed_while_the_owner_waits_wakes_it_at_once(rq):
    # the first body makes a drain job the owner, the second finds it and rings for it
    assert _push(rq, _bodies(2)) == 1
    # (no queue keys: the owner's own queued job would count as another job waiting)
    started = time.monotonic()
    assert event_queues.linger(rq, SHARD, [], 5.0)  # rung before the wait: no wait
    assert time.monotonic() - started < 1.0
    queued: list[int] = []
    pusher = _push_when(rq, lambda: time.monotonic() - started > 0.2, _bodies(1), queued)
    assert event_queues.linger(rq, SHARD, [], 5.0)  # woken by the push, not by the timeout
    pusher.join()
    assert queued == [0] and time.monotonic() - started < 2.0
