"""What the event pipeline reads before it handles an event, in one round trip: whether the
event was handled before, the plan's revision, the sender, what the bot had asked the sender,
and the channel's token.

Five small reads one after another were a third of the worker's Redis client time per event
(bench/RESULTS.md, "Cost per update"); they are all keys of the organisation's slot, so one
pipeline carries them on a plain Redis and on a cluster alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from core.config import Settings
from store import channels, events, people, plans
from store.people import Person
from store.plan_schema import Plan


@dataclass(frozen=True)
class EventStart:
    done: bool  # handled before (LINE redelivered it): nothing else was read
    plan: Plan | None = None
    person: Person | None = None
    token: str = ""
    pending: dict[str, Any] | None = None


def read(settings: Settings, r: redis.Redis, org: str, event_id: str, user_id: str) -> EventStart:
    with r.pipeline(transaction=False) as pipe:
        pipe.exists(events.mark_key(org, event_id))
        pipe.get(plans.revision_key(org))
        pipe.hget(people.people_key(org), user_id)
        pipe.hmget(channels.channel_key(org), *channels.FIELDS)
        pipe.get(events.pending_key(org, user_id))
        done, revision, person, stored, pending = pipe.execute()
    if done:
        return EventStart(True)
    return EventStart(
        False,
        plan=plans.plan_at(r, org, revision),
        person=Person.from_json(user_id, person) if person else None,
        token=channels.token_from(settings, stored),
        pending=events.parse_pending(pending),
    )
