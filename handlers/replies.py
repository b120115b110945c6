"""Sending what a handler said: the reply with the event's token, else a push, then the
pushes and jobs it queued.

In `itabot worker` (jobs/worker.py) the reply to LINE is sent from a small thread pool, so
the worker handles the next event while LINE takes this one's reply: a reply is a network
round trip (tens of ms to LINE), and one at a time it capped a worker at about 15 events/s
(bench/RESULTS.md). One person's replies still go out in order, at most MAX_PENDING wait,
a reply that fails is pushed instead, and the replies in flight are waited for before the
process forks or the worker stops. Elsewhere (tests, a plain RQ worker) replies go out inline.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any, Protocol

from core.logs import current_event
from handlers.context import Context, Delivery
from line.client import LineError
from store import queues

log = logging.getLogger("itabot.webhook")

REPLY_BATCH = 5  # LINE takes five messages a reply


class LineReplies(Protocol):
    """What the pipeline asks of LINE (line.client.LineClient; a recording one in tests)."""

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> None: ...

    def profile_name(self, user_id: str) -> str: ...


def _reply(
    ctx: Context, line: LineReplies, replies: list[dict[str, Any]], reply_token: Any
) -> list[Delivery]:
    """Reply with the token; what cannot go that way becomes a push with a retry key fixed
    by the event, so a re-run never delivers it twice. Returns the fallback pushes, also
    added to ctx.pushes."""
    fallback = []
    for start in range(0, len(replies), REPLY_BATCH):
        batch = replies[start : start + REPLY_BATCH]
        if start == 0 and isinstance(reply_token, str) and reply_token:
            try:
                line.reply(reply_token, batch)
                continue
            except LineError as exc:  # an expired or used token, or LINE failing
                log.warning("reply failed, pushing instead", extra={"status": exc.status})
            except Exception:  # LINE unreachable: the push retries it
                log.warning("reply failed, pushing instead", exc_info=True)
        ctx.push(ctx.user_id, batch, f"reply-{start}")
        fallback.append(ctx.pushes[-1])
    return fallback


def _queue_followups(ctx: Context, pushes: list[Delivery], after: list) -> None:
    for to, messages, retry_key in pushes:
        queues.enqueue_delivery(to, messages, retry_key, ctx.settings, org=ctx.org)
    for func, args, kwargs in after:
        queues.queue(queues.DEFAULT, ctx.settings).enqueue(func, *args, **kwargs)


def send(ctx: Context, line: LineReplies, reply_token: Any) -> None:
    """Send what the handler said: its replies (in the background in `itabot worker`), then
    queue its pushes and jobs."""
    if _sender is not None and ctx.replies:
        _send_in_background(ctx, line, reply_token)
        return
    _reply(ctx, line, ctx.replies, reply_token)
    _queue_followups(ctx, ctx.pushes, ctx.after)


# -- replies in the background (itabot worker) --------------------------------------------------

REPLY_THREADS = 8
MAX_PENDING = 64


class _ReplySender:
    """A bounded thread pool that keeps each person's replies in the order of their events."""

    def __init__(self, threads: int = REPLY_THREADS, max_pending: int = MAX_PENDING):
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="line-reply")
        self._slots = threading.BoundedSemaphore(max_pending)
        self._lock = threading.Lock()
        self._last: dict[str, Future] = {}
        self._pending: set[Future] = set()

    def submit(self, user_id: str, fn: Any) -> None:
        self._slots.acquire()  # back-pressure: the worker waits when LINE falls behind
        with self._lock:
            before = self._last.get(user_id)
            future = self._pool.submit(self._run, before, fn)
            self._last[user_id] = future
            self._pending.add(future)
        future.add_done_callback(lambda f, u=user_id: self._done(u, f))

    @staticmethod
    def _run(before: Future | None, fn: Any) -> None:
        if before is not None:
            wait_futures([before])  # submitted earlier, so already running or done: no deadlock
        fn()

    def _done(self, user_id: str, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)
            if self._last.get(user_id) is future:
                del self._last[user_id]
        self._slots.release()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait for every reply in flight; True when none is left."""
        with self._lock:
            pending = list(self._pending)
        done, not_done = wait_futures(pending, timeout=timeout)
        return not not_done

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


_sender: _ReplySender | None = None


def start_background_replies() -> None:
    """Called by `itabot worker` (jobs run in its own process there)."""
    global _sender
    if _sender is None:
        _sender = _ReplySender()


def flush_replies(timeout: float | None = 60.0) -> bool:
    return _sender.flush(timeout) if _sender is not None else True


def stop_background_replies(timeout: float | None = 60.0) -> None:
    global _sender
    if _sender is not None:
        _sender.flush(timeout)
        _sender.shutdown()
        _sender = None


def _flush_before_fork() -> None:
    # No reply thread may be mid-call when the process forks (RQ starts its scheduler that
    # way): its locks would be copied held into the child.
    flush_replies()


def _forget_sender_in_child() -> None:
    # A forked child has none of the pool's threads: it replies inline.
    global _sender
    _sender = None


os.register_at_fork(before=_flush_before_fork, after_in_child=_forget_sender_in_child)


def _send_in_background(ctx: Context, line: LineReplies, reply_token: Any) -> None:
    """send, with the replies (and their push fallback) handed to the reply threads."""
    assert _sender is not None
    replies = list(ctx.replies)
    pushes, after = list(ctx.pushes), list(ctx.after)
    event_id = ctx.event_id

    def reply() -> None:
        event = current_event.set(event_id)
        try:
            _queue_followups(ctx, _reply(ctx, line, replies, reply_token), [])
        except Exception:  # a thread has no job to fail: say so
            log.exception("reply not sent", extra={"user": ctx.user_id, "org": ctx.org})
        finally:
            current_event.reset(event)

    _sender.submit(ctx.user_id, reply)
    _queue_followups(ctx, pushes, after)
