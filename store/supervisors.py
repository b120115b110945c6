"""Supervisors' sign-in: one-time link tokens for a group of organisations, and the browser
sessions they turn into, each scoped to that group.

A supervisor (a provincial or district office) belongs to no organisation, so these keys are
global, outside every `{org}` hash tag: removing an organisation leaves them, and a session
whose group names a removed organisation simply no longer finds its plan. The group is fixed
when the link is made: a plan loaded later into the same province is not in an older link.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import redis

LINK_SECONDS = 600  # the link from `itabot supervisor link` works once, within 10 minutes
SESSION_SECONDS = 8 * 3600
_LOGIN = "ita:supervisor-login:"
_SESSION = "ita:supervisor-session:"


@dataclass(frozen=True)
class Scope:
    """What a supervisor may read: these organisations, under this label."""

    orgs: tuple[str, ...]
    label: str

    def to_json(self) -> str:
        return json.dumps({"orgs": list(self.orgs), "label": self.label}, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Scope:
        data = json.loads(raw)
        return cls(tuple(data["orgs"]), data.get("label", ""))


def login_key(token: str) -> str:
    return _LOGIN + token


def create_supervisor_link_token(
    r: redis.Redis, orgs: list[str], label: str, ttl: int = LINK_SECONDS
) -> str:
    """A one-time token for a link that signs in to the overview of `orgs`."""
    if not orgs:
        raise ValueError("a supervisor's group needs at least one organisation")
    token = secrets.token_urlsafe(24)
    r.set(login_key(token), Scope(tuple(dict.fromkeys(orgs)), label).to_json(), ex=ttl)
    return token


def use_supervisor_link_token(r: redis.Redis, token: str) -> Scope | None:
    """The group the token was made for; the token works once (GETDEL, so two browsers
    opening one link at the same moment cannot both get in)."""
    if not token or len(token) > 64:
        return None
    raw = r.getdel(login_key(token))
    return Scope.from_json(raw) if raw else None


def create_supervisor_session(r: redis.Redis, scope: Scope, ttl: int = SESSION_SECONDS) -> str:
    sid = secrets.token_urlsafe(32)
    r.set(_SESSION + sid, scope.to_json(), ex=ttl)
    return sid


def get_supervisor_session(r: redis.Redis, sid: str) -> Scope | None:
    if not sid or len(sid) > 100:
        return None
    raw = r.get(_SESSION + sid)
    return Scope.from_json(raw) if raw else None


def end_supervisor_session(r: redis.Redis, sid: str) -> None:
    r.delete(_SESSION + sid)
