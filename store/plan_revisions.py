"""Plan revisions: who changed an organisation's plan from the web editor, when, and a short
summary of what changed, newest first (the plan itself is in store/plans.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from store.db import key

# Kept per organisation; a year of plan edits is far fewer.
KEEP = 500


@dataclass(frozen=True)
class Revision:
    at: datetime
    by: str  # LINE user id of the admin
    by_name: str
    summary: list[str]


def record(
    r: redis.Redis,
    org: str,
    by: str,
    by_name: str,
    summary: list[str],
    at: datetime | None = None,
) -> Revision:
    """Append one revision (the plan was saved just before)."""
    revision = Revision(at or datetime.now(UTC), by, by_name, list(summary))
    payload = json.dumps(
        {"at": revision.at.isoformat(), "by": by, "by_name": by_name, "summary": revision.summary},
        ensure_ascii=False,
    )
    pipe = r.pipeline(transaction=True)
    pipe.lpush(key(org, "plan-revisions"), payload)
    pipe.ltrim(key(org, "plan-revisions"), 0, KEEP - 1)
    pipe.execute()
    return revision


def revisions(r: redis.Redis, org: str, limit: int = KEEP) -> list[Revision]:
    """The organisation's plan revisions, newest first."""
    found = []
    for raw in r.lrange(key(org, "plan-revisions"), 0, limit - 1):
        data = json.loads(raw)
        found.append(
            Revision(
                datetime.fromisoformat(data["at"]),
                data.get("by", ""),
                data.get("by_name", ""),
                list(data.get("summary", [])),
            )
        )
    return found
