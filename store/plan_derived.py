"""What is worked out from an organisation's plan once and kept beside it in Redis, so that
every worker process (and every restart) reads it instead of working it out again: the
parser's title index (handlers/titles.py) takes ~20 ms of CPU to build per plan, which a
deployment of 1,000 organisations paid once per organisation and process.

Each value is stored with the digest of what it was made from; a value whose digest is not the
one asked for (the plan changed) is not returned.
"""

from __future__ import annotations

import redis

from store.db import key

KEEP_SECONDS = 90 * 24 * 3600  # an organisation silent for a season builds it again


def _key(org: str, name: str) -> str:
    return key(org, "derived", name)


def get(r: redis.Redis, org: str, name: str, digest: str) -> str | None:
    raw = r.get(_key(org, name))
    if not raw:
        return None
    stored_digest, _, value = raw.partition("\n")
    return value if stored_digest == digest else None


def put(r: redis.Redis, org: str, name: str, digest: str, value: str) -> None:
    r.set(_key(org, name), f"{digest}\n{value}", ex=KEEP_SECONDS)
