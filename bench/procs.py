"""The parts under test, each in its own process: gunicorn as the Procfile runs it, the worker
as the Procfile runs it, and the LINE simulator. Ports are free ones; Redis is the bench DB."""

from __future__ import annotations

import base64
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BENCH_REDIS_URL = os.environ.get("ITABOT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
LOG_DIR = ROOT / "memos" / "bench-logs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile(name: str, path: Path = ROOT / "Procfile") -> str:
    """The command line of one Procfile process."""
    for line in path.read_text(encoding="utf-8").splitlines():
        head, sep, command = line.partition(":")
        if sep and head.strip() == name:
            return command.strip()
    raise KeyError(f"no {name!r} in {path}")


# The bench's own master key: the scale section gives each organisation a LINE channel of its
# own, stored encrypted as `itabot org channel` stores it (web and worker need the key then).
BENCH_MASTER_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"itabot bench").digest()).decode()


def base_env(web_port: int, sim_port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "LINE_CHANNEL_SECRET",
        "LINE_CHANNEL_ACCESS_TOKEN",
        "WEB_CONCURRENCY",
        "ITABOT_SIGNING_KEY",
    ):
        env.pop(name, None)
    env.update(
        {
            "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
            "REDIS_URL": BENCH_REDIS_URL,
            "PORT": str(web_port),
            "LINE_API_URL": f"http://127.0.0.1:{sim_port}",
            "LINE_DATA_API_URL": f"http://127.0.0.1:{sim_port}",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
            "PYTHAINLP_READ_ONLY": "1",
            "ITABOT_MEMO_DIR": str(ROOT / "memos" / "bench"),
            "PYTHONUNBUFFERED": "1",
            "ITABOT_MASTER_KEY": BENCH_MASTER_KEY,
        }
    )
    env.update(extra)
    return env


class Proc:
    """A process group of ours; stopped by its own id."""

    def __init__(self, name: str, command: str, env: dict[str, str]):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.command = command
        self.log_path = LOG_DIR / f"{name}.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.popen = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 10.0) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()


def wait_http(url: str, proc: Proc, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited; see {proc.log_path}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{proc.name} did not answer {url} within {timeout:g}s; see {proc.log_path}")


def start_web(
    name: str, app: str, port: int, env: dict[str, str], workers: int | None = None
) -> Proc:
    """gunicorn exactly as the Procfile's `web` line, serving `app` (the Procfile's or the baseline)."""
    command = procfile("web")
    if app != "bot.wsgi:app":
        command = command.replace('"bot.wsgi:app"', f'"{app}"')
    env = dict(env, PORT=str(port))
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    proc = Proc(name, command, env)
    wait_http(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def start_worker(env: dict[str, str], name: str = "worker") -> Proc:
    return Proc(name, procfile("worker"), env)


def start_simulator(port: int, webhook_url: str, env: dict[str, str]) -> Proc:
    env = dict(env, SIMULATOR_PORT=str(port), BOT_WEBHOOK_URL=webhook_url)
    proc = Proc("simulator", f"{sys.executable} -m bench.sim_server", env)
    wait_http(f"http://127.0.0.1:{port}/sim/api/config", proc)
    return proc


def _clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def cpu_seconds_of_group(pgid: int) -> float:
    """User + system CPU seconds of every live process in a process group (children that
    exited and were waited for count in their parent's cutime/cstime, included too)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[0] is state (field 3); pgrp is field 5, utime 14, stime 15, cutime 16, cstime 17
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / _clock_ticks()


def cpu_seconds_of_pid(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _clock_ticks()
