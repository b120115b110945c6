"""Status per measure × division in Redis, the append-only history, and undo (the matrix
read from it is store/matrix.py).

One status update (a chat message may name several measures) is one Lua script call: it
checks that the webhook event has not been applied already, writes the cells, appends the
history and pushes an undo record, atomically. Concurrent updates therefore never lose
one, a redelivered event is never applied twice, and the web/worker process pays one
round trip per update.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from core.values import NOT_STARTED, STATUSES
from store.db import key, run_script
from store.events import EVENT_MARK_SECONDS
from store.matrix import Matrix, matrix_from_hash
from store.plan_schema import Plan

UNDO_DEPTH = 20

# held_status(status hash, cell): the status a cell holds (history entries that change no
# status, such as evidence attached, record it as both old and new).
HELD_LUA = """
local function held_status(hash, cell)
  local raw = redis.call('HGET', hash, cell)
  if raw then return cjson.decode(raw).s end
  return 'not_started'
end
"""

# KEYS: status hash, history list, history seq, undo list, event mark. All five are always real
# keys of the organisation (one hash slot, as a Redis Cluster requires of a script's keys):
# the undo list is used only for kind "report", the event mark only when group.event is set.
# ARGV: event_mark_ttl, undo_depth, group_json, then per cell: field, cell_json
# With group.skip_same, a cell that already holds the status (and the note, when one is given)
# is left alone and listed in `same`: decided here, atomically, so two people reporting the
# same thing at once get what a serial order gives (one change, one "already so"), never a
# history entry that changes nothing.
# Returns: JSON {"applied": bool, "old": {field: cell_json|false}, "same": [field, ...]}
_APPLY = """
local group = cjson.decode(ARGV[3])
if group.event ~= '' then
  if redis.call('SET', KEYS[5], '1', 'NX', 'EX', tonumber(ARGV[1])) == false then
    return cjson.encode({applied=false})
  end
end
local old = {}
local changes = {}
local same = {}
for i = 4, #ARGV, 2 do
  local f = ARGV[i]
  local prev = redis.call('HGET', KEYS[1], f)
  local entry = cjson.decode(ARGV[i + 1])
  local previous = false
  if prev then previous = cjson.decode(prev) end
  local held = (previous and previous.s) or 'not_started'
  local held_note = (previous and previous.note) or nil
  if group.skip_same and held == entry.s and (entry.note == nil or entry.note == held_note) then
    table.insert(same, f)
  else
    redis.call('HSET', KEYS[1], f, ARGV[i + 1])
    old[f] = prev
    local seq = redis.call('INCR', KEYS[3])
    local h = {id=seq, at=entry.at, by=entry.by, by_name=entry.by_name, cell=f,
               old=held, new=entry.s, note=entry.note,
               source=group.source, event=group.event, kind=group.kind}
    redis.call('RPUSH', KEYS[2], cjson.encode(h))
    table.insert(changes, {cell=f, prev=prev or false, new=ARGV[i + 1]})
  end
end
if group.kind == 'report' and #changes > 0 then
  redis.call('LPUSH', KEYS[4], cjson.encode({event=group.event, changes=changes}))
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[2]) - 1)
end
if #same == 0 then same = cjson.decode('[]') end
return cjson.encode({applied=true, old=old, same=same})
"""

# Undo the user's last change group where the cells still hold what the user set; a group of
# evidence (store/evidence_records.py) takes its items off their cells (returned in `removed`,
# so that the caller deletes their files).
# KEYS: status hash, history list, history seq, undo list, event mark (used when event is
# set), evidence hash: all the organisation's own (one hash slot)
# ARGV: event_mark_ttl, at, source, event
_UNDO = (
    HELD_LUA
    + """
if ARGV[4] ~= '' then
  if redis.call('SET', KEYS[5], '1', 'NX', 'EX', tonumber(ARGV[1])) == false then
    return cjson.encode({applied=false, duplicate=true})
  end
end
local raw = redis.call('LPOP', KEYS[4])
if not raw then return cjson.encode({applied=false}) end
local group = cjson.decode(raw)
local restored = {}
local skipped = {}
for _, c in ipairs(group.changes or {}) do
  local now = redis.call('HGET', KEYS[1], c.cell)
  if now == c.new then
    local cur = cjson.decode(c.new)
    local target = 'not_started'
    if c.prev then
      redis.call('HSET', KEYS[1], c.cell, c.prev)
      target = cjson.decode(c.prev).s
    else
      redis.call('HDEL', KEYS[1], c.cell)
    end
    local seq = redis.call('INCR', KEYS[3])
    redis.call('RPUSH', KEYS[2], cjson.encode({id=seq, at=ARGV[2], by=cur.by, by_name=cur.by_name,
      cell=c.cell, old=cur.s, new=target, source=ARGV[3], event=ARGV[4], kind='undo'}))
    table.insert(restored, {cell=c.cell, status=target})
  else
    table.insert(skipped, c.cell)
  end
end
local removed = {}
for _, id in ipairs(group.items or {}) do
  local raw = redis.call('HGET', KEYS[6], id)
  if raw then
    local rec = cjson.decode(raw)
    local cell = rec.measure .. '|' .. rec.division
    local held = held_status(KEYS[1], cell)
    redis.call('HDEL', KEYS[6], id)
    local seq = redis.call('INCR', KEYS[3])
    redis.call('RPUSH', KEYS[2], cjson.encode({id=seq, at=ARGV[2], by=rec.by, by_name=rec.by_name,
      cell=cell, old=held, new=held, note=rec.file_name, source=ARGV[3], event=ARGV[4],
      kind='evidence-undo', item=id}))
    table.insert(removed, raw)
  end
end
return cjson.encode({applied=true, restored=restored, skipped=skipped, removed=removed})
"""
)


def _field(measure: str, division: str) -> str:
    return f"{measure}|{division}"


def read_matrix(r: redis.Redis, plan: Plan) -> Matrix:
    return matrix_from_hash(plan, r.hgetall(key(plan.org.id, "status")))


@dataclass(frozen=True)
class Change:
    measure: str
    division: str
    status: str
    note: str | None = None


@dataclass(frozen=True)
class ApplyResult:
    applied: bool  # False: the event was applied before (redelivery)
    old: dict[tuple[str, str], str]  # previous status per cell
    same: list[tuple[str, str]] = field(default_factory=list)  # cells left alone (skip_same)


def _script_keys(org: str, user_id: str, event_id: str | None) -> list[str]:
    """KEYS 1–5 of the apply and undo scripts: all the organisation's own (one hash slot)."""
    return [
        key(org, "status"),
        key(org, "history"),
        key(org, "history-seq"),
        key(org, "undo", user_id),
        key(org, "event", event_id or ""),
    ]


def apply_changes(
    r: redis.Redis,
    org: str,
    changes: list[Change],
    *,
    user_id: str,
    user_name: str | None,
    source: str,
    event_id: str | None,
    at: datetime | None = None,
    kind: str = "report",
    skip_same: bool = False,
) -> ApplyResult:
    """Write the cells, history and undo record at once; skip an event applied before.

    With skip_same, cells that already hold the change are left alone (see _APPLY)."""
    for change in changes:
        if change.status not in STATUSES:
            raise ValueError(f"unknown status {change.status!r}")
    stamp = (at or datetime.now(UTC)).isoformat(timespec="seconds")
    args: list[str] = [
        str(EVENT_MARK_SECONDS),
        str(UNDO_DEPTH),
        json.dumps(
            {
                "source": source[:2000],
                "event": event_id or "",
                "kind": kind,
                "skip_same": skip_same,
            },
            ensure_ascii=False,
        ),
    ]
    for change in changes:
        cell = {"s": change.status, "by": user_id, "by_name": user_name or "", "at": stamp}
        if change.note:
            cell["note"] = change.note[:500]
        args += [_field(change.measure, change.division), json.dumps(cell, ensure_ascii=False)]
    keys = _script_keys(org, user_id, event_id)
    result = json.loads(run_script(r, _APPLY, keys, args))
    if not result["applied"]:
        return ApplyResult(False, {})
    old: dict[tuple[str, str], str] = {}
    raw_old = result.get("old") or {}
    if isinstance(raw_old, dict):
        for field_name, value in raw_old.items():
            measure, _, division = field_name.partition("|")
            old[(measure, division)] = json.loads(value)["s"] if value else NOT_STARTED
    same = [tuple(f.partition("|")[::2]) for f in result.get("same") or []]
    for change in changes:
        if (change.measure, change.division) not in same:
            old.setdefault((change.measure, change.division), NOT_STARTED)
    return ApplyResult(True, old, same)


@dataclass(frozen=True)
class UndoResult:
    applied: bool
    duplicate: bool = False
    restored: list[tuple[str, str, str]] = field(default_factory=list)  # measure, division, status
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # evidence records (JSON) taken off


def undo_last(
    r: redis.Redis,
    org: str,
    user_id: str,
    *,
    source: str,
    event_id: str | None,
    at: datetime | None = None,
) -> UndoResult:
    stamp = (at or datetime.now(UTC)).isoformat(timespec="seconds")
    keys = [*_script_keys(org, user_id, event_id), key(org, "evidence")]
    result = json.loads(
        run_script(r, _UNDO, keys, [str(EVENT_MARK_SECONDS), stamp, source[:2000], event_id or ""])
    )
    if not result.get("applied"):
        return UndoResult(False, bool(result.get("duplicate")))

    def split(cell: str) -> tuple[str, str]:
        measure, _, division = cell.partition("|")
        return measure, division

    restored = [(*split(item["cell"]), item["status"]) for item in result.get("restored") or []]
    skipped = [split(cell) for cell in result.get("skipped") or []]
    return UndoResult(True, False, restored, skipped, list(result.get("removed") or []))


def history(r: redis.Redis, org: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Every change, newest first."""
    start = -limit if limit else 0
    entries = [json.loads(raw) for raw in r.lrange(key(org, "history"), start, -1)]
    for entry in entries:
        entry["measure"], _, entry["division"] = entry.pop("cell").partition("|")
        if entry.get("note") in (None, [], {}):
            entry["note"] = None
    entries.reverse()
    return entries


def reported_cells(r: redis.Redis, org: str) -> set[str]:
    """The "measure|division" cells that have a status (what a plan change may drop)."""
    return set(r.hkeys(key(org, "status")))
