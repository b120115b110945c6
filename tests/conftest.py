"""The real parts, started once per test session: a Redis database of the tests' own, the bot's
web app over HTTP, an RQ worker process (`itabot worker`), and the LINE simulator the bot
talks to through the official SDK. Each test starts from a clean store and simulator."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet

from tests.helpers import ROOT, SEED_PLAN, clean_store, start_worker

TEST_REDIS_URL = os.environ.get("ITABOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WEB_PORT = _free_port()
SIM_PORT = _free_port()

# Settings are read from the environment: point everything at the test parts before imports.
os.environ.update(
    {
        "REDIS_URL": TEST_REDIS_URL,
        "PORT": str(WEB_PORT),
        "LINE_API_URL": f"http://127.0.0.1:{SIM_PORT}",
        "LINE_DATA_API_URL": f"http://127.0.0.1:{SIM_PORT}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{WEB_PORT}",
        "PYTHAINLP_READ_ONLY": "1",
        "ITABOT_MEMO_DIR": str(ROOT / "memos" / "test"),
        # the web app, the worker and `itabot org` encrypt organisations' channels with it
        "ITABOT_MASTER_KEY": Fernet.generate_key().decode(),
    }
)
os.environ.pop("LINE_CHANNEL_SECRET", None)
os.environ.pop("LINE_CHANNEL_ACCESS_TOKEN", None)

import redis  # noqa: E402

from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET, load_settings  # noqa: E402


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture(scope="session")
def rdb(settings) -> Iterator[redis.Redis]:
    r = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    r.flushdb()
    yield r


@pytest.fixture(scope="session")
def web(settings, rdb) -> Iterator[str]:
    from werkzeug.serving import make_server

    from bot.app import create_app

    server = make_server("127.0.0.1", WEB_PORT, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{WEB_PORT}"
    server.shutdown()


@pytest.fixture(scope="session")
def simulator_server(web) -> Iterator[str]:
    from simulator.server import start_in_thread

    server, base_url = start_in_thread(
        "127.0.0.1", SIM_PORT, DEMO_CHANNEL_SECRET, DEMO_ACCESS_TOKEN, f"{web}/callback"
    )
    yield base_url
    server.shutdown()


@pytest.fixture(scope="session")
def worker(simulator_server) -> Iterator[subprocess.Popen]:
    process = start_worker()
    yield process
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def sim(simulator_server, worker, rdb):
    """A clean world: empty store, the seed plan loaded, simulator reset."""
    from simulator.client import SimulatorClient
    from store import plans
    from store.plan_schema import load_plan_file

    clean_store(rdb)
    client = SimulatorClient(simulator_server)
    client.reset()
    plans.save_plan(rdb, load_plan_file(str(SEED_PLAN)))
    assert worker.poll() is None, "the RQ worker died; see memos/test-logs/worker.log"
    return client


@pytest.fixture
def plan(sim, rdb):
    from store import plans

    return plans.get_plan(rdb, "naphu")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright (tests/browser.py says how it starts)."""
    from pathlib import Path

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: run scripts/ensure-chromium.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
