"""Evidence files (photos, PDFs, Word and Excel files): one storage interface, bounded by a
per-organisation quota.

Callers (the fetch job, the web pages, the export, the memo annex) reach the bytes only
through `blob_store(settings)`, an EvidenceStore: put / get / delete / usage. Here Redis holds
them (web and worker stay stateless; the `{org}` tag keeps an organisation's files in its own
cluster slot). A large deployment adds a class with the same four methods for an
S3-compatible object store and returns it from `blob_store` (by a setting): callers do not
change. Its quota would stay a Redis counter like this one's: reserve with the same check,
upload, give the bytes back if the upload fails.

What each file is evidence of (measure, division, sender, note) is kept apart, in
store/evidence_records.py.
"""

from __future__ import annotations

from typing import Protocol

import redis

from core.config import Settings
from store.db import connect, connect_binary, key


class QuotaFull(Exception):
    """Storing the file would take the organisation past its quota; nothing was stored."""

    def __init__(self, used: int, quota: int):
        super().__init__(f"evidence quota full: {used} of {quota} bytes used")
        self.used, self.quota = used, quota


class EvidenceStore(Protocol):
    def put(self, org: str, item_id: str, data: bytes, content_type: str, *, quota: int) -> int:
        """Store the file unless that passes `quota` bytes (then raise QuotaFull); returns
        the organisation's usage after. The same item put again is stored and counted once."""
        ...

    def get(self, org: str, item_id: str) -> tuple[bytes, str] | None:
        """(bytes, content type), or None when there is no such file."""
        ...

    def delete(self, org: str, item_id: str) -> int:
        """Remove the file; returns the bytes given back to the quota (0: there was none)."""
        ...

    def usage(self, org: str) -> int:
        """Bytes the organisation's files take."""
        ...


# KEYS: the file's hash, the organisation's usage counter; ARGV: data, content type, quota.
# Returns {stored (0/1), usage}. The check and the write are one step: two files sent at once
# can never both slip under the quota.
_PUT = """
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if redis.call('EXISTS', KEYS[1]) == 1 then return {1, used} end
if used + #ARGV[1] > tonumber(ARGV[3]) then return {0, used} end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'type', ARGV[2])
return {1, redis.call('INCRBY', KEYS[2], #ARGV[1])}
"""

# KEYS: the file's hash, the usage counter. Returns the bytes freed.
_DELETE = """
local size = redis.call('HSTRLEN', KEYS[1], 'data')
if size == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('DECRBY', KEYS[2], size)
return size
"""


class RedisEvidenceStore:
    """Files as Redis hashes {data, type}, through a bytes client."""

    def __init__(self, r: redis.Redis):
        self._r = r

    @staticmethod
    def _keys(org: str, item_id: str) -> list[str]:
        return [key(org, "evidence-file", item_id), key(org, "evidence-bytes")]

    def put(self, org: str, item_id: str, data: bytes, content_type: str, *, quota: int) -> int:
        stored, used = self._r.eval(
            _PUT, 2, *self._keys(org, item_id), data, content_type, str(quota)
        )
        if not stored:
            raise QuotaFull(int(used), quota)
        return int(used)

    def get(self, org: str, item_id: str) -> tuple[bytes, str] | None:
        data, content_type = self._r.hmget(key(org, "evidence-file", item_id), "data", "type")
        if data is None:
            return None
        return bytes(data), (content_type or b"application/octet-stream").decode()

    def delete(self, org: str, item_id: str) -> int:
        return int(self._r.eval(_DELETE, 2, *self._keys(org, item_id)))

    def usage(self, org: str) -> int:
        return int(self._r.get(key(org, "evidence-bytes")) or 0)


def blob_store(settings: Settings) -> EvidenceStore:
    """The store this deployment keeps evidence files in."""
    return RedisEvidenceStore(connect_binary(settings.redis_url))


# -- the quota: the setting (ITABOT_EVIDENCE_QUOTA_MB), or the organisation's own -----------


def quota(settings: Settings, org: str) -> int:
    """Bytes of evidence the organisation may keep."""
    own = connect(settings.redis_url).get(key(org, "evidence-quota"))
    return int(own) if own else settings.evidence_quota_bytes


def set_quota(settings: Settings, org: str, size: int | None) -> None:
    """Give the organisation a quota of its own (None: back to the setting)."""
    r = connect(settings.redis_url)
    if size is None:
        r.delete(key(org, "evidence-quota"))
    else:
        r.set(key(org, "evidence-quota"), str(max(0, int(size))))


def is_full(settings: Settings, org: str) -> bool:
    return blob_store(settings).usage(org) >= quota(settings, org)
