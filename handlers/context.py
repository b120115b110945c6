"""What a handler gets: who spoke, in which organisation, and where the answer goes.

A handler only collects what to say (replies, pushes, jobs for later); the pipeline
(handlers/pipeline.py) sends it once the handler is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from core.config import Settings
from store.people import Person
from store.plan_schema import Plan
from store.queues import retry_key

# (to, messages, retry key): one push or multicast for the delivery queue
Delivery = tuple[list[str], list[dict[str, Any]], str]


@dataclass
class Context:
    settings: Settings
    r: redis.Redis
    org: str
    plan: Plan | None
    user_id: str
    event_id: str
    person: Person | None
    # what the bot had asked this person, as it stood when the event came (store/events.py)
    pending: dict[str, Any] | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    display_name: Callable[[], str] = lambda: ""
    # starts LINE's loading animation in this chat (set by the pipeline; one-on-one chats only)
    start_loading: Callable[[], None] = lambda: None
    loading_shown: bool = False
    # the store marked the event handled itself (store/status.py's scripts do, atomically)
    event_marked: bool = False
    replies: list[dict[str, Any]] = field(default_factory=list)
    # queued for delivery after the event is handled
    pushes: list[Delivery] = field(default_factory=list)
    after: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def reply(self, *messages: dict[str, Any]) -> None:
        self.replies.extend(messages)

    def push(self, to: str | list[str], messages: list[dict[str, Any]], purpose: str) -> None:
        """Queue a push; its retry key is fixed by the event and purpose, so a re-run of the
        event (worker killed, redelivery) can never make LINE deliver it twice."""
        recipients = [to] if isinstance(to, str) else list(to)
        self.deliver(recipients, messages, retry_key(self.org, f"{self.event_id}:{purpose}"))

    def deliver(self, to: list[str], messages: list[dict[str, Any]], key: str) -> None:
        """Queue a push whose retry key the caller fixed (by memo version and step, say)."""
        self.pushes.append((list(to), messages, key))

    def show_loading(self) -> None:
        """Before a slow answer: LINE shows the person a loading animation until it comes."""
        if not self.loading_shown:
            self.loading_shown = True
            self.start_loading()

    def enqueue(self, func: str, *args: Any, **kwargs: Any) -> None:
        """Run a job (by its name, e.g. "jobs.compile.finalise") after this event."""
        self.after.append((func, args, kwargs))

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.plan.tz) if self.plan else self.now
