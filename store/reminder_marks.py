"""Which reminder slots were sent: one mark per organisation and slot, so a slot is sent once."""

from __future__ import annotations

from datetime import datetime

import redis

from store.db import key


def _mark_key(org: str, slot: str) -> str:
    return key(org, "slot-sent", slot)


def slot_sent(r: redis.Redis, org: str, slot: str) -> bool:
    return bool(r.exists(_mark_key(org, slot)))


def mark_slot_sent(r: redis.Redis, org: str, slot: str, at: datetime) -> None:
    """Mark the slot sent (after its deliveries are queued); the value says when."""
    r.set(_mark_key(org, slot), at.isoformat(timespec="seconds"))
