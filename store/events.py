"""Webhook events seen, and short-lived conversation state (what the bot asked a person)."""

from __future__ import annotations

import json
from typing import Any

import redis

from store.db import key

# How long a handled webhook event is remembered; store.status's scripts set the same mark.
EVENT_MARK_SECONDS = 7 * 24 * 3600
PENDING_SECONDS = 30 * 60


def mark_key(org: str, event_id: str) -> str:
    return key(org, "event", event_id)


def event_done(r: redis.Redis, org: str, event_id: str) -> bool:
    return bool(r.exists(mark_key(org, event_id)))


def mark_event(r: redis.Redis, org: str, event_id: str) -> bool:
    """Mark an event handled; False when it already was (LINE redelivered it)."""
    return bool(r.set(mark_key(org, event_id), "1", nx=True, ex=EVENT_MARK_SECONDS))


def pending_key(org: str, user_id: str) -> str:
    return key(org, "pending", user_id)


def parse_pending(raw: str | None) -> dict[str, Any] | None:
    return json.loads(raw) if raw else None


def set_pending(
    r: redis.Redis, org: str, user_id: str, state: dict[str, Any], ttl: int = PENDING_SECONDS
) -> None:
    r.set(pending_key(org, user_id), json.dumps(state, ensure_ascii=False), ex=ttl)


def get_pending(r: redis.Redis, org: str, user_id: str) -> dict[str, Any] | None:
    return parse_pending(r.get(pending_key(org, user_id)))


def clear_pending(r: redis.Redis, org: str, user_id: str) -> None:
    r.delete(pending_key(org, user_id))
