"""The organisations' own LINE channels: secret and access token, stored Fernet-encrypted
with ITABOT_MASTER_KEY, and which channel a request or a message of an organisation uses.

An organisation without a stored channel uses the environment's (LINE_CHANNEL_SECRET and
LINE_CHANNEL_ACCESS_TOKEN): the single-channel set-up, where `POST /callback` serves the
default organisation, works exactly as before. Every decrypted value is registered with
core.logs so it is scrubbed from any log record that might carry it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from core import crypto, logs
from core.config import ConfigError, Settings
from store.db import GLOBAL_CHANNELS, GLOBAL_ORGS, key

log = logging.getLogger("itabot.channels")

SECRET_FIELD = "secret"
TOKEN_FIELD = "token"


@dataclass(frozen=True)
class Channel:
    secret: str
    token: str

    def __repr__(self) -> str:  # never show the values, e.g. in a traceback's locals
        return "Channel(secret=***, token=***)"


def channel_key(org: str) -> str:
    return key(org, "channel")


FIELDS = (SECRET_FIELD, TOKEN_FIELD)  # what channel_key holds, as `token_from` reads it


def _require_key(master_key: str | None) -> str:
    if not master_key:
        raise ConfigError(
            f"{crypto.MASTER_KEY_VARIABLE} is not set: it is needed to store or read "
            "organisations' channel credentials"
        )
    crypto.check_key(master_key)
    return master_key


def save_channel(r: redis.Redis, org: str, secret: str, token: str, key: str | None) -> None:
    """Store (or replace, on rotation) the organisation's channel, encrypted with `key`."""
    master = _require_key(key)
    logs.register_secret(secret)
    logs.register_secret(token)
    # Not a MULTI: the org's key and the global set lie in two cluster slots. The hash goes
    # first, and it is what readers of the credentials read.
    pipe = r.pipeline(transaction=False)
    pipe.hset(
        channel_key(org),
        mapping={
            SECRET_FIELD: crypto.encrypt(master, secret),
            TOKEN_FIELD: crypto.encrypt(master, token),
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    pipe.sadd(GLOBAL_CHANNELS, org)
    pipe.execute()


def channel(r: redis.Redis, org: str, key: str | None) -> Channel | None:
    """The organisation's stored channel, decrypted; None when it has none. Raises
    ConfigError without a master key (never falls back to the environment's channel)."""
    stored = r.hmget(channel_key(org), SECRET_FIELD, TOKEN_FIELD)
    return _open(stored, key)


def _open(stored: list[str | None], key: str | None) -> Channel | None:
    secret, token = stored
    if not secret or not token:
        return None
    return _decrypted(secret, token, _require_key(key))


@functools.lru_cache(maxsize=1024)  # the channels in recent use: decrypted once, not per event
def _decrypted(secret: str, token: str, master: str) -> Channel:
    found = Channel(crypto.decrypt(master, secret), crypto.decrypt(master, token))
    logs.register_secret(found.secret)
    logs.register_secret(found.token)
    return found


def token_from(settings: Settings, stored: list[str | None]) -> str:
    """The access token (as token_for) from the FIELDS of channel_key, read by the caller."""
    found = _open(stored, settings.master_key)
    return found.token if found is not None else settings.access_token


def webhook_secret(settings: Settings, r: redis.Redis, org: str | None) -> str | None:
    """The secret that signs the organisation's webhooks (as channel_for), in one round trip;
    None when no such organisation exists (neither a plan nor a channel). `org` None: the
    deployment before any plan is loaded, verified with the environment's secret."""
    if org is None:
        return settings.channel_secret
    with r.pipeline(transaction=False) as pipe:
        pipe.hmget(channel_key(org), SECRET_FIELD, TOKEN_FIELD)
        pipe.sismember(GLOBAL_ORGS, org)
        stored, planned = pipe.execute()
    found = _open(stored, settings.master_key)
    if found is not None:
        return found.secret
    return settings.channel_secret if planned else None


def has_channel(r: redis.Redis, org: str) -> bool:
    return bool(r.sismember(GLOBAL_CHANNELS, org))


def orgs_with_channels(r: redis.Redis) -> list[str]:
    return sorted(r.smembers(GLOBAL_CHANNELS))


def channel_for(settings: Settings, r: redis.Redis, org: str | None) -> tuple[str, str]:
    """(secret, token) of the channel that serves `org`: its stored one, else the
    environment's (no organisation, or one without a channel of its own)."""
    found = channel(r, org, settings.master_key) if org else None
    if found is None:
        return settings.channel_secret, settings.access_token
    return found.secret, found.token


def token_for(settings: Settings, r: redis.Redis, org: str | None) -> str:
    """The access token for the organisation's outgoing calls (replies, pushes, menus)."""
    return (
        token_from(settings, r.hmget(channel_key(org), *FIELDS)) if org else settings.access_token
    )


def check_master_key(settings: Settings, r: redis.Redis) -> None:
    """Refuse to serve (ConfigError naming ITABOT_MASTER_KEY) when credentials are stored
    and the key is unset, not a Fernet key, or not the key they were stored with.

    Called by the web app and `itabot worker` before they start. With Redis unreachable the
    check is skipped (the web answers 503 on /healthz meanwhile); reading a stored channel
    later still refuses without the key."""
    if settings.master_key:
        crypto.check_key(settings.master_key)
    try:
        orgs = orgs_with_channels(r)
        sample = r.hmget(channel_key(orgs[0]), SECRET_FIELD, TOKEN_FIELD) if orgs else None
    except redis.RedisError as exc:
        log.warning("stored channels not checked, Redis unavailable: %s", exc)
        return
    if not orgs:
        return
    if not settings.master_key:
        raise ConfigError(
            f"{crypto.MASTER_KEY_VARIABLE} is not set, but {len(orgs)} organisation(s) have "
            f"channel credentials stored encrypted with it: set {crypto.MASTER_KEY_VARIABLE}"
        )
    try:
        _open(sample, settings.master_key)
    except crypto.DecryptError:
        raise ConfigError(
            f"{crypto.MASTER_KEY_VARIABLE} does not open the stored channel credentials of "
            f"{orgs[0]}: set the key they were stored with"
        ) from None


def delete_channel(r: redis.Redis, org: str) -> None:
    pipe = r.pipeline(transaction=False)  # two slots: the org's key and the global set
    pipe.delete(channel_key(org))
    pipe.srem(GLOBAL_CHANNELS, org)
    pipe.execute()
