"""The Redis connection and the key layout.

Every key of one organisation carries the hash tag `{org}`, so the store can move to a
Redis Cluster unchanged: all of one organisation's keys live in one slot and its Lua
scripts and transactions stay legal.
"""

from __future__ import annotations

import functools

import redis

GLOBAL_ORGS = "ita:orgs"  # set of org ids that have a plan
GLOBAL_DEFAULT_ORG = "ita:default-org"  # the org `/callback` (no org in the path) serves
GLOBAL_CHANNELS = "ita:channels"  # set of org ids that have a LINE channel of their own
GLOBAL_ORG_SETS = (GLOBAL_ORGS, GLOBAL_CHANNELS)  # an org removed leaves every one of these


def org_pattern(org_id: str) -> str:
    """The SCAN pattern of every key of one organisation (the braces are no glob syntax)."""
    return "ita:{" + org_id + "}:*"


def key(org_id: str, *parts: str) -> str:
    return "ita:{" + org_id + "}:" + ":".join(parts)


@functools.cache
def _pool(url: str) -> redis.ConnectionPool:
    return redis.ConnectionPool.from_url(
        url,
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=2,
        health_check_interval=30,
    )


@functools.cache
def connect(url: str) -> redis.Redis:
    """A text (str) client, one per URL and process (thread-safe: it draws from a pool)."""
    return redis.Redis(connection_pool=_pool(url))


@functools.cache
def _binary_pool(url: str) -> redis.ConnectionPool:
    return redis.ConnectionPool.from_url(url, socket_timeout=10, socket_connect_timeout=2)


@functools.cache
def connect_binary(url: str) -> redis.Redis:
    """A bytes client, for RQ (which pickles) and for memo files."""
    return redis.Redis(connection_pool=_binary_pool(url))
