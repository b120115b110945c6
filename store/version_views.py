"""Memo versions read together with their review chains, in one round trip (the web's
version list and version page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from store.db import key
from store.versions import Chain


@dataclass(frozen=True)
class VersionView:
    number: int
    info: dict[str, str]
    chain: Chain | None


def versions_with_chains(r: redis.Redis, org: str) -> list[VersionView]:
    """Every memo version with its record and chain, newest first (one pipeline, not 2N calls)."""
    numbers = [int(n) for n in r.lrange(key(org, "memo-list"), 0, -1)]
    if not numbers:
        return []
    pipe = r.pipeline(transaction=False)
    for number in numbers:
        pipe.hgetall(key(org, "memo", str(number)))
        pipe.get(key(org, "memo", str(number), "chain"))
    replies: list[Any] = pipe.execute()
    result = []
    for index, number in enumerate(numbers):
        info, raw_chain = replies[2 * index], replies[2 * index + 1]
        result.append(
            VersionView(number, info or {}, Chain.from_json(raw_chain) if raw_chain else None)
        )
    result.sort(key=lambda v: v.number, reverse=True)
    return result


def version_view(r: redis.Redis, org: str, number: int) -> VersionView | None:
    pipe = r.pipeline(transaction=False)
    pipe.hgetall(key(org, "memo", str(number)))
    pipe.get(key(org, "memo", str(number), "chain"))
    info, raw_chain = pipe.execute()
    if not info:
        return None
    return VersionView(number, info, Chain.from_json(raw_chain) if raw_chain else None)
