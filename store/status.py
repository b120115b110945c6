"""Status per measure × division, the append-only history, and undo.

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

from core.values import DONE, IN_PROGRESS, NOT_STARTED, STATUSES, derive
from store.db import key
from store.events import EVENT_MARK_SECONDS
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

# KEYS: status hash, history list, history seq, undo list, event mark (or "" for none)
# ARGV: event_mark_ttl, undo_depth, group_json, then per cell: field, cell_json
# With group.skip_same, a cell that already holds the status (and the note, when one is given)
# is left alone and listed in `same`: decided here, atomically, so two people reporting the
# same thing at once get what a serial order gives (one change, one "already so"), never a
# history entry that changes nothing.
# Returns: JSON {"applied": bool, "old": {field: cell_json|false}, "same": [field, ...]}
_APPLY = """
if KEYS[5] ~= '' then
  if redis.call('SET', KEYS[5], '1', 'NX', 'EX', tonumber(ARGV[1])) == false then
    return cjson.encode({applied=false})
  end
end
local group = cjson.decode(ARGV[3])
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
if KEYS[4] ~= '' and group.kind == 'report' and #changes > 0 then
  redis.call('LPUSH', KEYS[4], cjson.encode({event=group.event, changes=changes}))
  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[2]) - 1)
end
if #same == 0 then same = cjson.decode('[]') end
return cjson.encode({applied=true, old=old, same=same})
"""

# Undo the user's last change group where the cells still hold what the user set; a group of
# evidence (store/evidence_records.py) takes its items off their cells (returned in `removed`,
# so that the caller deletes their files).
# KEYS: status hash, history list, history seq, undo list, event mark (or ""), evidence hash
# ARGV: event_mark_ttl, at, source, event
_UNDO = (
    HELD_LUA
    + """
if KEYS[5] ~= '' then
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


@dataclass(frozen=True)
class Cell:
    measure: str
    division: str
    status: str = NOT_STARTED
    note: str | None = None
    by: str | None = None
    by_name: str | None = None
    at: str | None = None


@dataclass
class Matrix:
    """The statuses of one plan: every (measure, division) cell, defaults filled in."""

    plan: Plan
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, measure: str, division: str) -> Cell:
        return self.cells.get((measure, division)) or Cell(measure, division)

    def measure_status(self, measure_id: str) -> str:
        measure = self.plan.measure(measure_id)
        assert measure is not None
        return derive(self.cell(measure_id, d).status for d in measure.owners)

    def division_statuses(self, measure_id: str) -> dict[str, str]:
        measure = self.plan.measure(measure_id)
        assert measure is not None
        return {d: self.cell(measure_id, d).status for d in measure.owners}

    def notes(self, measure_id: str) -> list[str]:
        measure = self.plan.measure(measure_id)
        assert measure is not None
        seen: list[str] = []
        for division in measure.owners:
            note = self.cell(measure_id, division).note
            if note and note not in seen:
                seen.append(note)
        return seen

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for measure in self.plan.measures:
            counts[self.measure_status(measure.id)] += 1
        return counts

    def progress(self, measure_id: str) -> float:
        """Share of owners done, in-progress counting half: the bar in overviews."""
        statuses = list(self.division_statuses(measure_id).values())
        score = sum(1.0 if s == DONE else 0.5 if s == IN_PROGRESS else 0.0 for s in statuses)
        return score / len(statuses) if statuses else 0.0

    def unfinished_of(self, division: str) -> list[str]:
        return [
            m.id
            for m in self.plan.measures_of(division)
            if self.cell(m.id, division).status != DONE
        ]

    def progress_by_division(self) -> tuple[list[str], list[tuple[str, list[str]]]]:
        """(divisions with every measure done, [(division, its unfinished measure ids)]), in
        plan order; a division that owns no measure is in neither."""
        done, behind = [], []
        for division in self.plan.divisions:
            if not self.plan.measures_of(division):
                continue
            unfinished = self.unfinished_of(division)
            if unfinished:
                behind.append((division, unfinished))
            else:
                done.append(division)
        return done, behind

    def snapshot(self) -> dict[str, Any]:
        """What a memo version was built from: as_json plus each cell's evidence note."""
        data = self.as_json()
        for entry in data["measures"]:
            notes = {d: self.cell(entry["id"], d).note for d in entry["divisions"]}
            entry["notes"] = {d: n for d, n in notes.items() if n}
        return data

    @classmethod
    def from_snapshot(cls, plan: Plan, data: dict[str, Any]) -> Matrix:
        matrix = cls(plan)
        for entry in data.get("measures", []):
            notes = entry.get("notes") or {}
            for division, state in entry["divisions"].items():
                matrix.cells[(entry["id"], division)] = Cell(
                    entry["id"], division, state, notes.get(division)
                )
        return matrix

    def as_json(self) -> dict[str, Any]:
        return {
            "measures": [
                {
                    "id": m.id,
                    "status": self.measure_status(m.id),
                    "divisions": self.division_statuses(m.id),
                }
                for m in self.plan.measures
            ]
        }


def _field(measure: str, division: str) -> str:
    return f"{measure}|{division}"


def read_matrix(r: redis.Redis, plan: Plan) -> Matrix:
    return matrix_from_hash(plan, r.hgetall(key(plan.org.id, "status")))


def matrix_from_hash(plan: Plan, raw: dict[str, str]) -> Matrix:
    """The matrix from the org's status hash as read (so a caller can pipeline the read)."""
    matrix = Matrix(plan)
    for field_name, value in raw.items():
        measure, _, division = field_name.partition("|")
        data = json.loads(value)
        matrix.cells[(measure, division)] = Cell(
            measure,
            division,
            data["s"],
            data.get("note"),
            data.get("by"),
            data.get("by_name"),
            data.get("at"),
        )
    return matrix


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
    keys = [
        key(org, "status"),
        key(org, "history"),
        key(org, "history-seq"),
        key(org, "undo", user_id) if kind == "report" else "",
        key(org, "event", event_id) if event_id else "",
    ]
    result = json.loads(r.eval(_APPLY, len(keys), *keys, *args))
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
    keys = [
        key(org, "status"),
        key(org, "history"),
        key(org, "history-seq"),
        key(org, "undo", user_id),
        key(org, "event", event_id) if event_id else "",
        key(org, "evidence"),
    ]
    result = json.loads(
        r.eval(
            _UNDO, len(keys), *keys, str(EVENT_MARK_SECONDS), stamp, source[:2000], event_id or ""
        )
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
