"""Plans in Redis: load, replace, read (cached per process)."""

from __future__ import annotations

import json
import threading
import uuid
from typing import TYPE_CHECKING

import redis

from store.db import GLOBAL_DEFAULT_ORG, GLOBAL_ORGS, key

if TYPE_CHECKING:  # parsed plans need pydantic; the plan's plain fields (timezone) do not
    from store.plan_schema import Plan

_cache: dict[str, tuple[str, Plan]] = {}  # org -> (revision, plan)
_cache_lock = threading.Lock()


def save_plan(r: redis.Redis, plan: Plan, *, replace: bool = False) -> dict[str, int]:
    """Store the plan of its `org.id` (a new id makes a new organisation); keep statuses of
    cells that still exist, drop the rest. The first organisation with a plan becomes the
    default one (what `POST /callback` serves); `replace` makes this one the default.

    Returns counts of kept and dropped status cells.
    """
    org = plan.org.id
    payload = plan.model_dump_json()
    cells = {f"{m}|{d}" for m, d in plan.cells()}
    status_key = key(org, "status")
    existing = r.hkeys(status_key)
    stale = [field for field in existing if field not in cells]
    pipe = r.pipeline(transaction=True)
    pipe.set(key(org, "plan"), payload)
    # a fresh random revision (not a counter): a store wiped and reloaded never repeats one
    pipe.set(key(org, "plan-rev"), uuid.uuid4().hex)
    if stale:
        pipe.hdel(status_key, *stale)
    pipe.execute()
    # The global keys live in slots of their own (a Redis Cluster refuses them in the MULTI
    # above), so they follow it: the plan itself is written atomically, and an organisation is
    # listed only once its plan exists; a crash in between leaves a plan that loading again
    # lists. SET NX makes the first organisation the default even when two load at once.
    r.sadd(GLOBAL_ORGS, org)
    r.set(GLOBAL_DEFAULT_ORG, org, nx=not replace)
    with _cache_lock:
        _cache.pop(org, None)
    return {"kept": len(existing) - len(stale), "dropped": len(stale)}


def default_org(r: redis.Redis) -> str | None:
    return r.get(GLOBAL_DEFAULT_ORG)


def get_plan(r: redis.Redis, org: str) -> Plan | None:
    """The org's plan, parsed once per process per revision.

    Each call asks Redis for the plan's revision (one small GET) so a newly loaded plan is
    seen at once by every process, forked work horses included.
    """
    return plan_at(r, org, r.get(revision_key(org)))


def revision_key(org: str) -> str:
    return key(org, "plan-rev")


def plan_at(r: redis.Redis, org: str, revision: str | None) -> Plan | None:
    """The org's plan of this revision (just read from `revision_key`): from the process's
    cache, or read and parsed once."""
    if revision is None:
        return None
    with _cache_lock:
        cached = _cache.get(org)
    if cached and cached[0] == revision:
        return cached[1]
    raw = r.get(key(org, "plan"))
    if raw is None:
        return None
    from store.plan_schema import Plan

    plan = Plan.model_validate(json.loads(raw))
    with _cache_lock:
        _cache[org] = (revision, plan)
    return plan


def timezone_of(r: redis.Redis, org: str) -> str | None:
    """The plan's time zone, read without parsing the whole plan."""
    raw = r.get(key(org, "plan"))
    return json.loads(raw).get("timezone") if raw else None


def all_orgs(r: redis.Redis) -> list[str]:
    return sorted(r.smembers(GLOBAL_ORGS))


def revision_of(r: redis.Redis, org: str) -> str | None:
    """The saved plan's revision token: a form made from an older plan can tell it is stale."""
    return r.get(key(org, "plan-rev"))
