"""Sign-in for the web page: one-time login tokens (from LINE) and browser sessions."""

from __future__ import annotations

import json
import secrets

import redis

from store.db import key

SESSION_SECONDS = 8 * 3600


def create_login_token(r: redis.Redis, org: str, user_id: str, ttl: int) -> str:
    token = secrets.token_urlsafe(24)
    r.set(key(org, "login", token), user_id, ex=ttl)
    return token


def use_login_token(r: redis.Redis, org: str, token: str) -> str | None:
    """The user id the token was made for; the token works once."""
    if not token or len(token) > 64:
        return None
    return r.getdel(key(org, "login", token))


def create_session(r: redis.Redis, org: str, user_id: str, ttl: int = SESSION_SECONDS) -> str:
    sid = secrets.token_urlsafe(32)
    r.set(key(org, "session", sid), json.dumps({"user": user_id}), ex=ttl)
    return sid


def get_session(r: redis.Redis, org: str, sid: str) -> str | None:
    if not sid or len(sid) > 100:
        return None
    raw = r.get(key(org, "session", sid))
    return json.loads(raw)["user"] if raw else None


def end_session(r: redis.Redis, org: str, sid: str) -> None:
    r.delete(key(org, "session", sid))
