"""What a handler gets: who spoke, in which organisation, and where the answer goes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from core.config import Settings
from store.people import Person
from store.plan_schema import Plan


@dataclass
class Context:
    settings: Settings
    r: redis.Redis
    org: str
    plan: Plan | None
    user_id: str
    event_id: str
    person: Person | None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    display_name: Callable[[], str] = lambda: ""
    # starts LINE's loading animation in this chat (set by the pipeline; one-on-one chats only)
    start_loading: Callable[[], None] = lambda: None
    loading_shown: bool = False
    replies: list[dict[str, Any]] = field(default_factory=list)
    # (to, messages, retry key) queued for delivery after the event is handled
    pushes: list[tuple[list[str], list[dict[str, Any]], str]] = field(default_factory=list)
    after: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def reply(self, *messages: dict[str, Any]) -> None:
        self.replies.extend(messages)

    def push(self, to: str | list[str], messages: list[dict[str, Any]], purpose: str) -> None:
        """Queue a push; its retry key is fixed by the event and purpose, so a re-run of the
        event (worker killed, redelivery) can never make LINE deliver it twice."""
        recipients = [to] if isinstance(to, str) else list(to)
        retry_key = str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"itabot:{self.org}:{self.event_id}:{purpose}")
        )
        self.pushes.append((recipients, messages, retry_key))

    def show_loading(self) -> None:
        """Before a slow answer: LINE shows the person a loading animation until it comes."""
        if not self.loading_shown:
            self.loading_shown = True
            self.start_loading()

    def enqueue(self, func: str, *args: Any, **kwargs: Any) -> None:
        """Run a job after this event (e.g. a compile)."""
        self.after.append((func, args, kwargs))

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.plan.tz) if self.plan else self.now
