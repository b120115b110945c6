"""What the Messaging API says about an organisation's bot (its basic ID, for join links),
cached per organisation so a page of invites asks LINE once a day, not once a view."""

from __future__ import annotations

import redis

from store.db import key

BASIC_ID_SECONDS = 86400  # a channel's basic ID changes only if the operator swaps channels
FAILURE_SECONDS = 60  # after LINE failed to answer: pages show codes alone for a minute


def cached_basic_id(r: redis.Redis, org: str) -> str | None:
    """The cached basic ID; "" while a recent failure is remembered; None: ask LINE."""
    return r.get(key(org, "bot-basic-id"))


def remember_basic_id(r: redis.Redis, org: str, basic_id: str, ttl: int = BASIC_ID_SECONDS) -> None:
    r.set(key(org, "bot-basic-id"), basic_id, ex=ttl)


def forget_basic_id(r: redis.Redis, org: str) -> None:
    """After the organisation's channel changes (`itabot org set-channel`)."""
    r.delete(key(org, "bot-basic-id"))
