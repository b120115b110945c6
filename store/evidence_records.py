"""What each evidence file is evidence of: records per measure × division, the batches that
photos and files arrive in, and their history and undo.

A batch is what one question about a measure covers: one file, or a set of images LINE sends
together (imageSet). Its measure is known when it opens (the sender reported one in the last
minutes) or chosen later by a tap; files fetched before then wait in the batch. Each step is
one Lua call, so a tap and a fetch finishing at the same moment never lose a file, and
exactly one of them says that the batch is attached. Attaching appends to the history, as
status changes do (store/status.py's conventions: kind "evidence"), and to the sender's undo
list, one group per batch, so `ยกเลิก` removes the last batch like any other change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import redis

from store import status
from store.db import key

BATCH_SECONDS = 24 * 3600  # a question unanswered for a day is forgotten
RECENT = timedelta(minutes=10)  # "the measure reported in the last few minutes"
RECENT_SCAN = 200  # history entries looked at for it


@dataclass(frozen=True)
class Item:
    id: str
    division: str
    by: str
    by_name: str
    at: str  # ISO 8601, UTC
    file_name: str
    content_type: str
    size: int
    measure: str = ""
    note: str = ""
    thumb: bool = False  # a thumbnail is stored as `<id>.thumb`
    batch: str = ""
    event: str = ""
    source: str = ""
    seq: int = 0  # set when attached: the history entry's id

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Item:
        data = json.loads(raw)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def batch_key(org: str, batch: str) -> str:
    return key(org, "evidence-batch", batch)


def thumb_id(item_id: str) -> str:
    return f"{item_id}.thumb"


# attach(rec, measure, undo key or ''): the record written, a history entry, the undo group.
# KEYS used by every script below: 1 items hash, 2 status hash, 3 history, 4 history seq.
_ATTACH = (
    status.HELD_LUA
    + """
local function attach(rec, measure, undo, depth)
  rec.measure = measure
  local cell = measure .. '|' .. rec.division
  local held = held_status(KEYS[2], cell)
  local seq = redis.call('INCR', KEYS[4])
  rec.seq = seq  -- the order items were attached in: that of the history
  redis.call('HSET', KEYS[1], rec.id, cjson.encode(rec))
  redis.call('RPUSH', KEYS[3], cjson.encode({id=seq, at=rec.at, by=rec.by, by_name=rec.by_name,
    cell=cell, old=held, new=held, note=rec.file_name, source=rec.source, event=rec.event,
    kind='evidence', item=rec.id}))
  if undo == '' then return end
  local head = redis.call('LINDEX', undo, 0)
  local group = head and cjson.decode(head)
  if group and group.batch and group.batch == rec.batch then
    table.insert(group.items, rec.id)
    redis.call('LSET', undo, 0, cjson.encode(group))
  else
    redis.call('LPUSH', undo, cjson.encode({event=rec.event, batch=rec.batch, items={rec.id}}))
    redis.call('LTRIM', undo, 0, depth - 1)
  end
end
-- The batch is complete when every file is in and its measure known; the first to see it
-- so says so (returns the number attached), everyone else gets false.
local function complete(b)
  local total = tonumber(redis.call('HGET', b, 'total') or '1')
  local done = tonumber(redis.call('HGET', b, 'done') or '0')
  if done >= total and redis.call('HEXISTS', b, 'measure') == 1
     and redis.call('HSETNX', b, 'confirmed', '1') == 1 then
    return tonumber(redis.call('HGET', b, 'attached') or '0')
  end
  return false
end
"""
)

# KEYS: 5 batch hash. ARGV: user, division, total, measure or '', ttl.
_OPEN = """
if redis.call('EXISTS', KEYS[5]) == 1 then
  return cjson.encode({new=false, measure=redis.call('HGET', KEYS[5], 'measure') or false})
end
redis.call('HSET', KEYS[5], 'user', ARGV[1], 'division', ARGV[2], 'total', ARGV[3],
  'done', '0', 'attached', '0')
if ARGV[4] ~= '' then redis.call('HSET', KEYS[5], 'measure', ARGV[4]) end
redis.call('EXPIRE', KEYS[5], tonumber(ARGV[5]))
return cjson.encode({new=true, measure=false})
"""

# KEYS: 5 batch hash, 6 staged list, 7 undo list. ARGV: item id, record or '' (it failed),
# undo depth, ttl.
_LAND = (
    _ATTACH
    + """
if redis.call('EXISTS', KEYS[5]) == 0 then return cjson.encode({missing=true}) end
if redis.call('HSETNX', KEYS[5], 'item:' .. ARGV[1], '1') == 0 then
  return cjson.encode({duplicate=true})
end
redis.call('HINCRBY', KEYS[5], 'done', 1)
local measure = redis.call('HGET', KEYS[5], 'measure')
local attached = false
if ARGV[2] ~= '' then
  if measure then
    attach(cjson.decode(ARGV[2]), measure, KEYS[7], tonumber(ARGV[3]))
    redis.call('HINCRBY', KEYS[5], 'attached', 1)
    attached = true
  else
    redis.call('RPUSH', KEYS[6], ARGV[2])
    redis.call('EXPIRE', KEYS[6], tonumber(ARGV[4]))
  end
end
return cjson.encode({attached=attached, measure=measure or false, complete=complete(KEYS[5])})
"""
)

# KEYS: 5 batch hash, 6 staged list, 7 undo list. ARGV: measure, user, undo depth.
_CHOOSE = (
    _ATTACH
    + """
if redis.call('HGET', KEYS[5], 'user') ~= ARGV[2] then return cjson.encode({missing=true}) end
local chosen = redis.call('HGET', KEYS[5], 'measure')
if chosen then return cjson.encode({already=chosen}) end
redis.call('HSET', KEYS[5], 'measure', ARGV[1])
local staged = redis.call('LRANGE', KEYS[6], 0, -1)
redis.call('DEL', KEYS[6])
for _, raw in ipairs(staged) do
  attach(cjson.decode(raw), ARGV[1], KEYS[7], tonumber(ARGV[3]))
end
redis.call('HINCRBY', KEYS[5], 'attached', #staged)
return cjson.encode({attached=#staged, complete=complete(KEYS[5])})
"""
)

# ARGV: record. An admin's upload from the web page: attached at once, no undo group.
_ADD = _ATTACH + "\nlocal rec = cjson.decode(ARGV[1])\nattach(rec, rec.measure, '', 0)\nreturn 1"

# ARGV: item id, at, by, by_name, source. Returns the record removed, or false.
_REMOVE = (
    status.HELD_LUA
    + """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local rec = cjson.decode(raw)
redis.call('HDEL', KEYS[1], ARGV[1])
local cell = rec.measure .. '|' .. rec.division
local held = held_status(KEYS[2], cell)
local seq = redis.call('INCR', KEYS[4])
redis.call('RPUSH', KEYS[3], cjson.encode({id=seq, at=ARGV[2], by=ARGV[3], by_name=ARGV[4],
  cell=cell, old=held, new=held, note=rec.file_name, source=ARGV[5], event='',
  kind='evidence-remove', item=rec.id}))
return raw
"""
)


def _keys(org: str, batch: str | None = None, user_id: str | None = None) -> list[str]:
    keys = [key(org, "evidence"), key(org, "status"), key(org, "history"), key(org, "history-seq")]
    if batch is not None:
        keys += [key(org, "evidence-batch", batch), key(org, "evidence-staged", batch)]
        keys.append(key(org, "undo", user_id) if user_id else "")
    return keys


@dataclass(frozen=True)
class Opened:
    new: bool  # this event opened the batch (it asks the question, if one is asked)
    measure: str | None


def open_batch(
    r: redis.Redis, org: str, batch: str, *, user_id: str, division: str, total: int, measure: str
) -> Opened:
    """Open the batch unless an earlier file of the same set did; `measure` "" = to ask."""
    keys = _keys(org, batch, user_id)[:5]
    args = [user_id, division, str(max(1, total)), measure, str(BATCH_SECONDS)]
    result = json.loads(r.eval(_OPEN, len(keys), *keys, *args))
    return Opened(bool(result["new"]), result.get("measure") or None)


@dataclass(frozen=True)
class Landed:
    missing: bool = False  # no such batch (expired): nothing written
    duplicate: bool = False  # this file landed before (a re-run of its job)
    attached: bool = False
    measure: str | None = None
    complete: int | None = None  # the batch is done and this call is the one to say so: count


def land(r: redis.Redis, org: str, batch: str, item_id: str, item: Item | None) -> Landed:
    """A fetched file (None: one that was refused) reaches its batch: attached if the
    measure is known, else kept until the sender picks one."""
    user = r.hget(batch_key(org, batch), "user") or ""
    keys = _keys(org, batch, user)
    args = [item_id, item.to_json() if item else "", str(status.UNDO_DEPTH), str(BATCH_SECONDS)]
    result = json.loads(r.eval(_LAND, len(keys), *keys, *args))
    return Landed(
        bool(result.get("missing")),
        bool(result.get("duplicate")),
        bool(result.get("attached")),
        result.get("measure") or None,
        _count(result.get("complete")),
    )


@dataclass(frozen=True)
class Chosen:
    missing: bool = False  # no such batch of this user's (expired, or not theirs)
    already: str | None = None  # its measure was chosen before: this one
    attached: int = 0
    complete: int | None = None


def choose(r: redis.Redis, org: str, batch: str, user_id: str, measure: str) -> Chosen:
    """The sender's answer to "which measure?": attach what has arrived, and what follows."""
    keys = _keys(org, batch, user_id)
    result = json.loads(r.eval(_CHOOSE, len(keys), *keys, measure, user_id, str(status.UNDO_DEPTH)))
    return Chosen(
        bool(result.get("missing")),
        result.get("already") or None,
        int(result.get("attached") or 0),
        _count(result.get("complete")),
    )


def _count(value: Any) -> int | None:
    return None if value is False or value is None else int(value)


def add(r: redis.Redis, org: str, item: Item) -> None:
    """Attach an item whose measure is set (an upload from the web page)."""
    keys = _keys(org)
    r.eval(_ADD, len(keys), *keys, item.to_json())


def remove(
    r: redis.Redis, org: str, item_id: str, *, by: str, by_name: str, at: datetime, source: str
) -> Item | None:
    """Take an item off its cell (the history keeps that it was there, and who removed it)."""
    keys = _keys(org)
    stamp = at.isoformat(timespec="seconds")
    raw = r.eval(_REMOVE, len(keys), *keys, item_id, stamp, by, by_name, source[:2000])
    return Item.from_json(raw) if raw else None


def get(r: redis.Redis, org: str, item_id: str) -> Item | None:
    raw = r.hget(key(org, "evidence"), item_id)
    return Item.from_json(raw) if raw else None


def all_items(r: redis.Redis, org: str) -> list[Item]:
    """Every attached item, oldest first."""
    items = [Item.from_json(raw) for raw in r.hvals(key(org, "evidence"))]
    return sorted(items, key=lambda item: item.seq)


def of_cell(r: redis.Redis, org: str, measure: str, division: str) -> list[Item]:
    return [i for i in all_items(r, org) if i.measure == measure and i.division == division]


def counts(r: redis.Redis, org: str) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for item in all_items(r, org):
        found[(item.measure, item.division)] = found.get((item.measure, item.division), 0) + 1
    return found


def recent_measure(r: redis.Redis, org: str, user_id: str, now: datetime) -> str | None:
    """The one measure the person's last change (a report, or evidence) was about, when it was
    in the last few minutes; None when there is none, or it named several."""
    entries = [e for e in status.history(r, org, limit=RECENT_SCAN) if e.get("by") == user_id]
    if not entries or (entries[0].get("kind") or "report") not in ("report", "evidence"):
        return None
    last = entries[0]
    if datetime.fromisoformat(last["at"]) < now - RECENT:
        return None
    measures = {e["measure"] for e in entries if e.get("event") == last.get("event")}
    return measures.pop() if len(measures) == 1 else None
