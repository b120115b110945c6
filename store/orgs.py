"""The organisations a deployment serves: which exist, what `itabot org list` shows of each,
what `itabot org export` archives of one, and deleting every trace of one (`org remove`).

An organisation exists once it has a plan (store/plans.py) or a channel of its own
(store/channels.py); its keys all match `ita:{ID}:*` (store/db.py).
"""

from __future__ import annotations

import json
from typing import Any

import redis
import yaml

from core.config import Settings
from store import channels, people, plans, queues, versions
from store import status as status_store
from store.db import (
    GLOBAL_CHANNELS,
    GLOBAL_DEFAULT_ORG,
    GLOBAL_ORG_SETS,
    GLOBAL_ORGS,
    key,
    org_pattern,
)

DELETE_BATCH = 500


def exists(r: redis.Redis, org: str) -> bool:
    """The organisation has a plan or a channel: a webhook to its path is not a 404."""
    with r.pipeline(transaction=False) as pipe:
        pipe.sismember(GLOBAL_ORGS, org)
        pipe.sismember(GLOBAL_CHANNELS, org)
        return any(pipe.execute())


def all_ids(r: redis.Redis) -> list[str]:
    return sorted(r.sunion(GLOBAL_ORGS, GLOBAL_CHANNELS))


def set_name(r: redis.Redis, org: str, name: str) -> None:
    """The name `org add --name` gives an organisation before its plan names it."""
    r.hset(key(org, "profile"), "name", name)


def summary(r: redis.Redis, org: str, default: str | None) -> dict[str, Any]:
    """What `org list` shows of an organisation (never its credentials)."""
    plan = plans.get_plan(r, org)
    return {
        "id": org,
        "name": plan.org.name if plan else r.hget(key(org, "profile"), "name"),
        "province": plan.org.province if plan else None,
        "has_plan": plan is not None,
        "has_channel": channels.has_channel(r, org),
        "default": org == default,
    }


def summaries(r: redis.Redis) -> list[dict[str, Any]]:
    default = plans.default_org(r)
    return [summary(r, org, default) for org in all_ids(r)]


def keys_of(r: redis.Redis, org: str) -> list[str]:
    return list(r.scan_iter(org_pattern(org), count=1000))


def remove(settings: Settings, r: redis.Redis, org: str) -> int:
    """Delete every key of the organisation, its place in the global sets (and as the
    default) and its scheduled RQ jobs; returns the number of its keys deleted."""
    queues.cancel_scheduled(settings, r, org)  # reads the org's list of job ids: first
    found = keys_of(r, org)
    for start in range(0, len(found), DELETE_BATCH):
        r.delete(*found[start : start + DELETE_BATCH])
    for name in GLOBAL_ORG_SETS:
        r.srem(name, org)
    # `/callback` then serves no one until a plan is loaded again (it becomes the default)
    with r.pipeline(transaction=True) as pipe:
        pipe.watch(GLOBAL_DEFAULT_ORG)
        if pipe.get(GLOBAL_DEFAULT_ORG) == org:
            pipe.multi()
            pipe.delete(GLOBAL_DEFAULT_ORG)
            pipe.execute()
    return len(found)


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _version_files(r: redis.Redis, rb: redis.Redis, org: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for number in versions.numbers(r, org):
        folder = f"versions/v{number}/"
        chain = versions.chain(r, org, number)
        files[folder + "version.json"] = _dump(
            {
                "number": number,
                "record": versions.info(r, org, number),
                "chain": json.loads(chain.to_json()) if chain else None,
                "log": [
                    json.loads(raw) for raw in r.lrange(key(org, "memo", str(number), "log"), 0, -1)
                ],
            }
        )
        for kind in versions.FILE_KINDS:
            data = versions.read_file(rb, org, number, kind)
            if data is not None:
                files[f"{folder}memo-v{number}.{kind}"] = data
    return files


def export_files(r: redis.Redis, rb: redis.Redis, org: str) -> dict[str, bytes]:
    """The archive of one organisation, path → bytes: its plan (YAML and JSON), people,
    invites, statuses, history, versions with their files. Never its channel credentials."""
    plan = plans.get_plan(r, org)
    files: dict[str, bytes] = {"organisation.json": _dump(summary(r, org, plans.default_org(r)))}
    if plan is not None:
        data = plan.model_dump(mode="json")
        files["plan.yaml"] = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
        files["plan.json"] = _dump(data)
        files["status.json"] = _dump(status_store.read_matrix(r, plan).as_json())
    files["people.json"] = _dump(
        [{"user_id": p.user_id, **json.loads(p.to_json())} for p in people.all_people(r, org)]
    )
    files["history.json"] = _dump(status_store.history(r, org))
    files.update(_version_files(r, rb, org))
    return files
