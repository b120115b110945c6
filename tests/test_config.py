"""Configuration fails closed: unset LINE addresses mean the real platform, where the web app
and the worker refuse the demo channel's secret and token and warn of a derived signing key.

The refusals are checked on real process starts (`itabot worker`, `itabot web`, the app
factory gunicorn imports), in an empty working directory so no `.env` is read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET, load_settings

REAL_SECRET = "0123456789abcdef0123456789abcdef"
REAL_TOKEN = "a-channel-access-token-of-a-real-channel"
LINE_VARIABLES = (
    "LINE_API_URL",
    "LINE_DATA_API_URL",
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
    "ITABOT_SIGNING_KEY",
)
CREATE_APP = "from bot.app import create_app; create_app(); print('app created')"


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in LINE_VARIABLES}
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unset_line_addresses_mean_the_real_platform(monkeypatch):
    for name in ("LINE_API_URL", "LINE_DATA_API_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.line_api_url is None and settings.line_data_api_url is None
    assert settings.on_real_platform


def test_the_real_hosts_named_explicitly_are_the_real_platform(monkeypatch):
    # A host set in the SDK's Configuration would send content downloads to api.line.me.
    monkeypatch.setenv("LINE_API_URL", "https://api.line.me/")
    monkeypatch.setenv("LINE_DATA_API_URL", "https://api-data.line.me")
    settings = load_settings()
    assert settings.line_api_url is None and settings.line_data_api_url is None


def test_a_simulator_address_is_kept(monkeypatch):
    monkeypatch.setenv("LINE_API_URL", "http://127.0.0.1:8001/")
    monkeypatch.setenv("LINE_DATA_API_URL", "http://127.0.0.1:8001")
    settings = load_settings()
    assert settings.line_api_url == "http://127.0.0.1:8001"
    assert settings.line_data_api_url == "http://127.0.0.1:8001"
    assert not settings.on_real_platform
    settings.check_production()  # the demo channel is fine with a simulator


def test_worker_refuses_the_demo_secret_on_the_real_platform(tmp_path):
    done = _run(["-m", "bot.cli", "worker", "--burst"], tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "LINE_CHANNEL_SECRET" in done.stderr
    assert DEMO_CHANNEL_SECRET not in done.stderr  # names the variable, never prints a secret


def test_worker_refuses_the_demo_token_on_the_real_platform(tmp_path):
    done = _run(
        ["-m", "bot.cli", "worker", "--burst"],
        tmp_path,
        LINE_API_URL="https://api.line.me",
        LINE_CHANNEL_SECRET=REAL_SECRET,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "LINE_CHANNEL_ACCESS_TOKEN" in done.stderr
    assert DEMO_ACCESS_TOKEN not in done.stderr


@pytest.mark.parametrize("missing", ["LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"])
def test_web_refuses_the_demo_channel_on_the_real_platform(tmp_path, missing):
    given = {"LINE_CHANNEL_SECRET": REAL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": REAL_TOKEN}
    given.pop(missing)
    done = _run(["-c", CREATE_APP], tmp_path, **given)
    assert done.returncode != 0 and "app created" not in done.stdout
    assert "ConfigError" in done.stderr and missing in done.stderr


def test_itabot_web_refuses_with_a_message(tmp_path):
    done = _run(["-m", "bot.cli", "web", "--port", "1"], tmp_path)
    assert done.returncode == 2
    assert "LINE_CHANNEL_SECRET" in done.stderr and "Traceback" not in done.stderr


def test_a_derived_signing_key_is_a_warning_in_production(tmp_path):
    channel = {"LINE_CHANNEL_SECRET": REAL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": REAL_TOKEN}
    derived = _run(["-c", CREATE_APP], tmp_path, **channel)
    assert "app created" in derived.stdout, derived.stderr
    assert "ITABOT_SIGNING_KEY" in derived.stderr
    own = _run(["-c", CREATE_APP], tmp_path, ITABOT_SIGNING_KEY="its-own-key", **channel)
    assert "app created" in own.stdout, own.stderr
    assert "ITABOT_SIGNING_KEY" not in own.stderr


def test_the_demo_starts_against_the_simulator(tmp_path):
    done = _run(["-c", CREATE_APP], tmp_path, LINE_API_URL="http://127.0.0.1:8001")
    assert "app created" in done.stdout, done.stderr
    assert "ITABOT_SIGNING_KEY" not in done.stderr  # the demo's derived key is no warning
