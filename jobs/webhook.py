"""The webhook job: what the web process stored, the worker handles, event by event.

Events are deduplicated by webhookEventId (not by the isRedelivery flag): an event handled
once is skipped when LINE delivers it again.

In `itabot worker` (jobs/worker.py) the reply to LINE is sent from a small thread pool, so
the worker handles the next event while LINE takes this one's reply: a reply is a network
round trip (tens of ms to LINE), and one at a time it capped a worker at about 15 events/s
(bench/RESULTS.md). One person's replies still go out in order, at most MAX_PENDING wait,
a reply that fails is pushed instead (as before), and the worker waits for the replies in
flight before it forks or stops. Elsewhere (tests, a plain RQ worker) replies stay inline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

from core.config import Settings, load_settings
from core.logs import current_event
from handlers import dispatch
from handlers.context import Context
from line.client import LineClient, LineError
from store import events as event_store
from store import people, plans, queues
from store.db import connect
from store.queues import DEFAULT, queue

log = logging.getLogger("itabot.webhook")


def _event_id(event: dict[str, Any]) -> str:
    event_id = event.get("webhookEventId")
    if isinstance(event_id, str) and 0 < len(event_id) <= 64:
        return event_id
    # Without an id (not LINE), fall back to a digest of the event itself.
    return "h" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:32]


def _without_lone_surrogates(value: Any) -> Any:
    """JSON may escape a lone UTF-16 surrogate ("\\udc00"); such a str cannot be written to
    Redis or sent to LINE. Replace it with U+FFFD, keeping every proper pair."""
    if isinstance(value, str):
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def process_body(org: str, body: str) -> int:
    """Handle every event of one webhook body; returns how many were handled."""
    settings = load_settings()
    try:
        payload = _without_lone_surrogates(json.loads(body))
    except (ValueError, RecursionError):
        return 0
    batch = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(batch, list):
        return 0
    handled = 0
    for event in batch:
        if isinstance(event, dict) and process_event(settings, org, event):
            handled += 1
    return handled


def process_event(settings: Settings, org: str, event: dict[str, Any]) -> bool:
    r = connect(settings.redis_url)
    event_id = _event_id(event)
    token = current_event.set(event_id)
    try:
        source = event.get("source")
        user_id = source.get("userId") if isinstance(source, dict) else None
        if not isinstance(user_id, str) or not user_id or len(user_id) > 64:
            log.info(
                "event without a user ignored",
                extra={"details": {"type": str(event.get("type"))[:40]}},
            )
            return False
        if event_store.event_done(r, org, event_id):
            log.info("redelivered event skipped", extra={"org": org})
            return False
        line = LineClient(settings)
        ctx = Context(
            settings=settings,
            r=r,
            org=org,
            plan=plans.get_plan(r, org),
            user_id=user_id,
            event_id=event_id,
            person=people.get_person(r, org, user_id),
            display_name=lambda: line.profile_name(user_id),
            start_loading=lambda: source.get("type") == "user" and line.show_loading(user_id),
        )
        dispatch.handle(ctx, event)
        _send(ctx, line, event.get("replyToken"))
        event_store.mark_event(r, org, event_id)
        return True
    finally:
        current_event.reset(token)


def _reply(ctx: Context, line: LineClient, replies: list[dict[str, Any]], reply_token: Any) -> list:
    """Reply with the token (five messages a call); what cannot go that way becomes a push
    with a retry key fixed by the event, so a re-run never delivers it twice. Returns the
    fallback pushes (to, messages, retry key), also added to ctx.pushes."""
    fallback = []
    for start in range(0, len(replies), 5):
        batch = replies[start : start + 5]
        if start == 0 and isinstance(reply_token, str) and reply_token:
            try:
                line.reply(reply_token, batch)
                continue
            except LineError as exc:  # an expired or used token, or LINE failing
                log.warning("reply failed, pushing instead", extra={"status": exc.status})
            except Exception:  # noqa: BLE001 - LINE unreachable: the push retries it
                log.warning("reply failed, pushing instead", exc_info=True)
        ctx.push(ctx.user_id, batch, f"reply-{start}")
        fallback.append(ctx.pushes[-1])
    return fallback


def _queue_followups(ctx: Context, pushes: list, after: list) -> None:
    for to, messages, retry_key in pushes:
        queues.enqueue_delivery(to, messages, retry_key, ctx.settings)
    for func, args, kwargs in after:
        queue(DEFAULT, ctx.settings).enqueue(func, *args, **kwargs)


def _send(ctx: Context, line: LineClient, reply_token: Any) -> None:
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


def _forget_sender_in_child() -> None:
    # A forked work horse has none of the pool's threads: it replies inline.
    global _sender
    _sender = None


os.register_at_fork(after_in_child=_forget_sender_in_child)


def _send_in_background(ctx: Context, line: LineClient, reply_token: Any) -> None:
    """_send, with the replies (and their push fallback) handed to the reply threads."""
    assert _sender is not None
    replies = list(ctx.replies)
    pushes, after = list(ctx.pushes), list(ctx.after)
    event_id = ctx.event_id

    def reply() -> None:
        event = current_event.set(event_id)
        try:
            _queue_followups(ctx, _reply(ctx, line, replies, reply_token), [])
        except Exception:  # noqa: BLE001 - a thread has no job to fail: say so
            log.exception("reply not sent", extra={"user": ctx.user_id, "org": ctx.org})
        finally:
            current_event.reset(event)

    _sender.submit(ctx.user_id, reply)
    _queue_followups(ctx, pushes, after)
