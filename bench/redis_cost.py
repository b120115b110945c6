"""What the running processes cost per update: worker CPU, and Redis commands as the server
saw them, told apart by process.

`redis-cli monitor` (in C, into a file) records every command the bench's Redis runs while the
load goes through; each line names the client's address, which is matched to the process owning
that socket (the web's gunicorn processes, the worker and its scheduler, the simulator) by
psutil. Commands a Lua script runs inside Redis are recorded as "lua" and counted apart: the
script is one command from the client, one round trip. CPU is the worker's process group, from
/proc, over the same window: the reply threads and RQ's scheduler included.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psutil

from bench import procs

# 1700000000.123456 [10 127.0.0.1:54321] "EVALSHA" "…" …   or   … [10 lua] "HGET" …
_LINE = re.compile(rb'^\d+\.\d+ \[(\d+) ([^\]]+)\] "([^"]+)"')


def _ports_of_group(pgid: int) -> set[int]:
    """The local TCP ports of every process in a process group (its Redis connections)."""
    ports = set()
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) != pgid:
                continue
            ports.update(c.laddr.port for c in proc.net_connections(kind="tcp") if c.laddr)
        except (psutil.Error, OSError):
            continue
    return ports


class Monitor:
    """`with Monitor(url, {"web": pgid, "worker": pgid, …}) as m:` … `m.counts()`."""

    def __init__(self, redis_url: str, groups: dict[str, int]):
        parsed = urlparse(redis_url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 6379
        self.db = int((parsed.path or "/0").strip("/") or 0)
        self.groups = groups
        self._file = tempfile.NamedTemporaryFile(prefix="itabot-monitor-", suffix=".log")
        self._proc: subprocess.Popen | None = None
        self._ports: dict[int, str] = {}

    def _map_ports(self) -> None:
        for name, pgid in self.groups.items():
            for port in _ports_of_group(pgid):
                self._ports.setdefault(port, name)

    def __enter__(self) -> Monitor:
        self._map_ports()
        self._proc = subprocess.Popen(
            ["redis-cli", "-h", self.host, "-p", str(self.port), "monitor"],
            stdout=self._file,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.3)  # redis-cli connected and MONITOR started
        self.cpu0 = {n: procs.cpu_seconds_of_group(g) for n, g in self.groups.items()}
        self.t0 = time.monotonic()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        """End the window (at the last answer: the checks that follow are the bench's work, and
        the worker idling through them would be charged to the updates)."""
        if self._proc is None:
            return
        self.seconds = time.monotonic() - self.t0
        self.cpu1 = {n: procs.cpu_seconds_of_group(g) for n, g in self.groups.items()}
        self._map_ports()  # connections opened during the run
        time.sleep(0.3)  # the last lines flushed
        assert self._proc is not None
        self._proc.terminate()
        self._proc.wait(10)
        self._proc = None

    def counts(self) -> dict[str, Any]:
        """Commands per process (client-issued), the commands scripts ran inside Redis, and the
        CPU seconds of each process group, over the window."""
        by_process: dict[str, Counter] = {}
        lua: Counter = Counter()
        path = Path(self._file.name)
        with path.open("rb") as fh:
            for line in fh:
                match = _LINE.match(line)
                if not match or int(match.group(1)) != self.db:
                    continue
                client, command = match.group(2), match.group(3).decode().upper()
                if client == b"lua":
                    lua[command] += 1
                    continue
                port = int(client.rsplit(b":", 1)[-1]) if b":" in client else -1
                name = self._ports.get(port, "other")
                by_process.setdefault(name, Counter())[command] += 1
        self._file.close()
        return {
            "seconds": round(self.seconds, 2),
            "commands": {name: dict(c.most_common()) for name, c in by_process.items()},
            "lua_commands": dict(lua.most_common()),
            "cpu_s": {n: round(self.cpu1[n] - self.cpu0[n], 3) for n in self.groups},
        }


def per_update(counts: dict[str, Any], updates: int) -> dict[str, Any]:
    """The window's counts divided by the updates it carried."""
    totals = {name: sum(c.values()) for name, c in counts["commands"].items()}
    lua = sum(counts["lua_commands"].values())
    return {
        "updates": updates,
        "commands_per_update": {n: round(v / updates, 2) for n, v in sorted(totals.items())},
        "product_commands_per_update": round(
            (totals.get("web", 0) + totals.get("worker", 0)) / updates, 2
        ),
        "lua_commands_per_update": round(lua / updates, 2),
        "cpu_ms_per_update": {n: round(1000 * v / updates, 2) for n, v in counts["cpu_s"].items()},
        "worker_commands": counts["commands"].get("worker", {}),
        "web_commands": counts["commands"].get("web", {}),
    }
