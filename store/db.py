"""The Redis connection and the key layout.

Every key of one organisation carries the hash tag `{org}`, so the store can move to a
Redis Cluster unchanged: all of one organisation's keys live in one slot and its Lua
scripts and transactions stay legal. The GLOBAL_* keys (and the supervisors' keys) sit in
slots of their own, so no Lua script or MULTI/WATCH may touch one of them together with an
organisation's keys: each module writes them in a separate step and says what it keeps.

With REDIS_CLUSTER=1 the store's clients (`store_client`, `files_client`) are
`RedisCluster`s; RQ's (`rq_client`) is always a plain Redis at RQ_REDIS_URL.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import redis
from redis.cluster import ClusterPipeline, RedisCluster
from redis.exceptions import RedisClusterException

if TYPE_CHECKING:
    from core.config import Settings

GLOBAL_ORGS = "ita:orgs"  # set of org ids that have a plan
GLOBAL_DEFAULT_ORG = "ita:default-org"  # the org `/callback` (no org in the path) serves
GLOBAL_CHANNELS = "ita:channels"  # set of org ids that have a LINE channel of their own
GLOBAL_ORG_SETS = (GLOBAL_ORGS, GLOBAL_CHANNELS)  # an org removed leaves every one of these


def org_pattern(org_id: str) -> str:
    """The SCAN pattern of every key of one organisation (the braces are no glob syntax)."""
    return "ita:{" + org_id + "}:*"


def is_cluster(r: redis.Redis | RedisCluster) -> bool:
    return isinstance(r, RedisCluster)


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


# What redis-py's RedisClusterException says when the cluster, not the command, is at fault.
_OUTAGE = ("cannot be connected", "slots are not covered", "has no redis_connection")


@contextlib.contextmanager
def _as_connection_error() -> Iterator[None]:
    """redis-py says "no node of the cluster answers" with RedisClusterException, which is no
    RedisError: as a redis.ConnectionError it reaches the handlers a plain Redis's outage
    reaches (the webhook's and /healthz's 503, the pages' error page, the worker's retry)."""
    try:
        yield
    except RedisClusterException as exc:
        if not any(sign in str(exc) for sign in _OUTAGE):
            raise  # a mistake of ours (keys of two slots in one command), not an outage
        raise redis.ConnectionError(str(exc)) from exc


class _StorePipeline(ClusterPipeline):
    def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        with _as_connection_error():
            return super().execute_command(*args, **kwargs)

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        with _as_connection_error():
            return super().execute(raise_on_error)

    def watch(self, *names: Any) -> Any:
        with _as_connection_error():
            return super().watch(*names)


class StoreCluster(RedisCluster):
    """A RedisCluster whose outages are redis.ConnectionErrors, pipelines included."""

    def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        with _as_connection_error():
            return super().execute_command(*args, **kwargs)

    def pipeline(self, transaction: Any = None, shard_hint: Any = None) -> ClusterPipeline:
        pipe = super().pipeline(transaction, shard_hint)
        # RedisCluster.pipeline builds its ClusterPipeline by name, with a dozen private
        # arguments: re-class the one it built rather than copy that construction.
        pipe.__class__ = _StorePipeline
        return pipe


@functools.cache
def connect_cluster(url: str, binary: bool = False) -> RedisCluster:
    """A client of the Redis Cluster that `url` names one node of (it finds the others);
    one per URL and process, thread-safe like the plain clients. It reads the cluster's
    layout when made: made while no node answers, it raises redis.ConnectionError (and is
    not cached, so the next call tries again)."""
    with _as_connection_error():
        return StoreCluster.from_url(
            url,
            decode_responses=not binary,
            socket_timeout=10 if binary else 5,
            socket_connect_timeout=2,
        )


_scripts: dict[str, Any] = {}


def run_script(r: Any, source: str, keys: list[Any], args: list[Any]) -> Any:
    """Run a Lua script by its SHA (EVALSHA): the source travels once per server, not once per
    call; redis-py loads it again when a server does not know it (restarted, flushed)."""
    script = _scripts.get(source)
    if script is None:
        script = _scripts[source] = r.register_script(source)
    return script(keys=keys, args=args, client=r)


def store_client(settings: Settings) -> redis.Redis:
    """The text client of the store: the cluster with REDIS_CLUSTER=1, else REDIS_URL."""
    if settings.redis_cluster:
        return connect_cluster(settings.redis_url)  # type: ignore[return-value]
    return connect(settings.redis_url)


def files_client(settings: Settings) -> redis.Redis:
    """The bytes client of the store (memo files), on the same Redis as `store_client`."""
    if settings.redis_cluster:
        return connect_cluster(settings.redis_url, binary=True)  # type: ignore[return-value]
    return connect_binary(settings.redis_url)


def rq_client(settings: Settings) -> redis.Redis:
    """The bytes client RQ pickles jobs into: always a plain Redis (RQ_REDIS_URL)."""
    return connect_binary(settings.rq_redis_url)
