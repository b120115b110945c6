"""People: one-time invite codes and the roles they grant.

A person is a LINE user id with roles: staff of at most one division, reviewer for chain
positions, admin. Roles live in one hash per organisation; a chain position has one holder
(a new registration for it replaces the old holder, as when a post changes hands).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from store.db import key

INVITE_SECONDS = 7 * 24 * 3600
# Alphabet without look-alikes (0/O, 1/I/L) so a code read off a screen is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_FAILED_CODES = 5
FAILED_CODE_WINDOW = 3600


@dataclass
class Person:
    user_id: str
    name: str = ""
    division: str | None = None
    positions: list[str] = field(default_factory=list)
    admin: bool = False
    joined: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "division": self.division,
                "positions": self.positions,
                "admin": self.admin,
                "joined": self.joined,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, user_id: str, raw: str) -> Person:
        data = json.loads(raw)
        return cls(
            user_id,
            data.get("name", ""),
            data.get("division") or None,
            list(data.get("positions") or []),
            bool(data.get("admin")),
            data.get("joined", ""),
        )


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def create_invite(
    r: redis.Redis,
    org: str,
    kind: str,
    target: str,
    *,
    ttl: int = INVITE_SECONDS,
    created_by: str = "cli",
) -> str:
    """A new one-time code for `kind` ∈ {division, position, admin}; returns it formatted."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = datetime.now(UTC)
    record = {
        "kind": kind,
        "target": target,
        "created": now.isoformat(timespec="seconds"),
        "expires": datetime.fromtimestamp(now.timestamp() + ttl, UTC).isoformat(timespec="seconds"),
        "by": created_by,
    }
    payload = json.dumps(record, ensure_ascii=False)
    pipe = r.pipeline(transaction=True)
    pipe.set(key(org, "invite", code), payload, ex=ttl)
    pipe.hset(key(org, "invites"), code, payload)
    pipe.execute()
    return format_code(code)


def list_invites(r: redis.Redis, org: str) -> list[dict[str, Any]]:
    """Open invites (expired and used ones are pruned from the index as they are seen)."""
    index = r.hgetall(key(org, "invites"))
    if not index:
        return []
    codes = sorted(index)
    pipe = r.pipeline()
    for code in codes:
        pipe.exists(key(org, "invite", code))
    flags = pipe.execute()
    result, dead = [], []
    for code, exists in zip(codes, flags, strict=True):
        if exists:
            result.append({"code": format_code(code), **json.loads(index[code])})
        else:
            dead.append(code)
    if dead:
        r.hdel(key(org, "invites"), *dead)
    return result


def revoke_invite(r: redis.Redis, org: str, code: str) -> bool:
    code = normalise_code(code)
    pipe = r.pipeline(transaction=True)
    pipe.delete(key(org, "invite", code))
    pipe.hdel(key(org, "invites"), code)
    return bool(pipe.execute()[0])


# KEYS: invite key, invite index, people hash, fail counter
# ARGV: user id, code, display name, now, max fails, window
_REDEEM = """
local fails = tonumber(redis.call('GET', KEYS[4]) or '0')
if fails >= tonumber(ARGV[5]) then return cjson.encode({ok=false, reason='locked'}) end
local raw = redis.call('GET', KEYS[1])
if not raw then
  local n = redis.call('INCR', KEYS[4])
  if n == 1 then redis.call('EXPIRE', KEYS[4], tonumber(ARGV[6])) end
  return cjson.encode({ok=false, reason='unknown', fails=n})
end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], ARGV[2])
local invite = cjson.decode(raw)
local person = {name=ARGV[3], division=false, positions={}, admin=false, joined=ARGV[4]}
local current = redis.call('HGET', KEYS[3], ARGV[1])
if current then person = cjson.decode(current) end
if ARGV[3] ~= '' then person.name = ARGV[3] end
local replaced = false
if invite.kind == 'division' then
  person.division = invite.target
elseif invite.kind == 'admin' then
  person.admin = true
elseif invite.kind == 'position' then
  -- one holder per position: take it from whoever held it
  local all = redis.call('HGETALL', KEYS[3])
  for i = 1, #all, 2 do
    if all[i] ~= ARGV[1] then
      local other = cjson.decode(all[i + 1])
      local kept = {}
      local changed = false
      for _, p in ipairs(other.positions or {}) do
        if p == invite.target then changed = true else table.insert(kept, p) end
      end
      if changed then
        other.positions = kept
        if #kept == 0 then other.positions = cjson.decode('[]') end
        redis.call('HSET', KEYS[3], all[i], cjson.encode(other))
        replaced = all[i]
      end
    end
  end
  local has = false
  for _, p in ipairs(person.positions or {}) do if p == invite.target then has = true end end
  if not has then
    if type(person.positions) ~= 'table' then person.positions = {} end
    table.insert(person.positions, invite.target)
  end
end
if person.positions == nil or #person.positions == 0 then person.positions = cjson.decode('[]') end
redis.call('HSET', KEYS[3], ARGV[1], cjson.encode(person))
redis.call('DEL', KEYS[4])
return cjson.encode({ok=true, kind=invite.kind, target=invite.target, replaced=replaced})
"""


@dataclass(frozen=True)
class Redeemed:
    ok: bool
    reason: str = ""  # unknown | locked (too many wrong codes)
    kind: str = ""
    target: str = ""
    replaced: str | None = None  # user id that held the position before
    fails: int = 0


def redeem_invite(
    r: redis.Redis, org: str, user_id: str, code_text: str, display_name: str = ""
) -> Redeemed:
    """Use a code once; wrong codes count towards a lock-out per user (guessing is rate-limited)."""
    code = normalise_code(code_text)
    keys = [
        key(org, "invite", code),
        key(org, "invites"),
        key(org, "people"),
        key(org, "code-fails", user_id),
    ]
    raw = r.eval(
        _REDEEM,
        len(keys),
        *keys,
        user_id,
        code,
        display_name,
        datetime.now(UTC).isoformat(timespec="seconds"),
        str(MAX_FAILED_CODES),
        str(FAILED_CODE_WINDOW),
    )
    result = json.loads(raw)
    if not result["ok"]:
        return Redeemed(False, result["reason"], fails=int(result.get("fails", 0)))
    return Redeemed(True, "", result["kind"], result["target"], result.get("replaced") or None)


def people_key(org: str) -> str:
    return key(org, "people")


def get_person(r: redis.Redis, org: str, user_id: str) -> Person | None:
    raw = r.hget(people_key(org), user_id)
    return Person.from_json(user_id, raw) if raw else None


def all_people(r: redis.Redis, org: str) -> list[Person]:
    return [Person.from_json(uid, raw) for uid, raw in r.hgetall(key(org, "people")).items()]


def holder_of(r: redis.Redis, org: str, position: str) -> Person | None:
    for person in all_people(r, org):
        if position in person.positions:
            return person
    return None


def remove_person(r: redis.Redis, org: str, user_id: str) -> bool:
    return bool(r.hdel(key(org, "people"), user_id))


def admins(r: redis.Redis, org: str) -> list[Person]:
    return [p for p in all_people(r, org) if p.admin]
