"""Issue 14.2-14.4: `itabot line check` / `itabot line connect` against the simulator's own
copy of LINE's channel operations, the loading animation, and the process units for a server.

Each channel test runs its own simulator (so the shared one keeps its webhook) whose webhook
endpoint starts unset; the bot under test is the session's real web app."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET
from core.texts import cli as texts
from simulator.schema import check_request, messaging_validator
from tests.helpers import ROOT
from tests.simulator_fixtures import RunningSimulator, running_simulator

WRONG_TOKEN = "wrong-token-" + "x" * 20


@pytest.fixture
def channel(web) -> Iterator[RunningSimulator]:
    with running_simulator(webhook_url="") as sim:
        yield sim


@pytest.fixture
def line_env(channel, monkeypatch):
    """The CLI's settings point at this test's simulator."""
    monkeypatch.setenv("LINE_API_URL", channel.base_url)
    monkeypatch.setenv("LINE_DATA_API_URL", channel.base_url)
    return monkeypatch


def set_channel(sim: RunningSimulator, **fields) -> dict:
    answer = requests.post(f"{sim.base_url}/sim/api/channel", json=fields, timeout=10)
    answer.raise_for_status()
    return answer.json()


def run_line(capsys, *args: str) -> tuple[int, str]:
    from bot.cli import main

    code = main(["line", *args])
    out = capsys.readouterr()
    text = out.out + out.err
    for secret in (DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET, WRONG_TOKEN):
        assert secret not in text  # never a secret in the output
    return code, text


# check ----------------------------------------------------------------------------------------


def test_check_passes_on_a_connected_channel(channel, line_env, web, capsys):
    set_channel(channel, endpoint=f"{web}/callback", active=True)
    code, out = run_line(capsys, "check")
    assert code == 0, out
    assert texts.WEBHOOK_OK.format(url=f"{web}/callback") in out
    # plain http is accepted only because the bot is on a loopback address, and said so
    assert texts.WEBHOOK_HTTP_LOOPBACK.format(url=f"{web}/callback") in out
    assert "ITA Bot (จำลอง)" in out
    # the per-organisation form of the webhook is this system too
    set_channel(channel, endpoint=f"{web}/callback/naphu")
    code, out = run_line(capsys, "check", "--org", "naphu")
    assert code == 0, out


def test_check_passes_quietly_on_https(channel, line_env, capsys):
    line_env.setenv("PUBLIC_BASE_URL", "https://ita.naphu.go.th")
    set_channel(channel, endpoint="https://ita.naphu.go.th/callback", active=True)
    code, out = run_line(capsys, "check")
    assert code == 0, out
    assert out.strip().endswith(texts.CHECK_PASSED)
    assert "⚠" not in out


@pytest.mark.parametrize(
    "case",
    ["wrong token", "no webhook", "http", "elsewhere", "switched off"],
)
def test_check_names_each_problem(case, channel, line_env, web, capsys):
    good = f"{web}/callback"
    set_channel(channel, endpoint=good, active=True)
    if case == "wrong token":
        line_env.setenv("LINE_CHANNEL_ACCESS_TOKEN", WRONG_TOKEN)
        expected = texts.TOKEN_INVALID
    elif case == "no webhook":
        set_channel(channel, endpoint="")
        expected = texts.WEBHOOK_NOT_SET
    elif case == "http":
        line_env.setenv("PUBLIC_BASE_URL", "http://ita.naphu.go.th")
        set_channel(channel, endpoint="http://ita.naphu.go.th/callback")
        expected = texts.WEBHOOK_NOT_HTTPS.format(url="http://ita.naphu.go.th/callback")
    elif case == "elsewhere":
        set_channel(channel, endpoint="https://other-bot.example.com/callback")
        expected = texts.WEBHOOK_ELSEWHERE.format(
            url="https://other-bot.example.com/callback", expected=good
        )
    else:
        set_channel(channel, active=False)
        expected = texts.WEBHOOK_OFF
    code, out = run_line(capsys, "check")
    assert code == 1, out
    assert expected in out
    assert texts.CHECK_FAILED.format(count=1) in out  # that problem and no other


def test_check_as_a_command(channel, web):
    """The real command line, in its own process, with a wrong token: exit 1, no token shown."""
    env = dict(os.environ, LINE_API_URL=channel.base_url, LINE_CHANNEL_ACCESS_TOKEN=WRONG_TOKEN)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "line", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert texts.TOKEN_INVALID in result.stdout
    assert WRONG_TOKEN not in result.stdout + result.stderr


# connect --------------------------------------------------------------------------------------


def test_connect_sets_tests_installs_and_a_second_run_changes_nothing(
    channel, line_env, web, capsys
):
    code, out = run_line(capsys, "connect")
    assert code == 0, out
    endpoint = requests.get(f"{channel.base_url}/sim/api/channel", timeout=10).json()
    assert endpoint["endpoint"] == f"{web}/callback"
    assert texts.ENDPOINT_SET.format(url=f"{web}/callback", old=texts.ENDPOINT_WAS_UNSET) in out
    # LINE's webhook test reached the bot (its 200 came back) and was reported
    tests = channel.client.api_calls("/v2/bot/channel/webhook/test")
    assert [c["response"]["statusCode"] for c in tests] == [200]
    assert tests[0]["response"]["success"] is True
    assert texts.TEST_OK.format(status=200, reason="OK", detail="200") in out
    menu = requests.get(f"{channel.base_url}/sim/api/richmenu", timeout=10).json()
    assert menu["richMenu"] and menu["image"]
    assert [a["action"]["text"] for a in menu["richMenu"]["areas"]] == [
        "รายงาน",
        "ภาพรวม",
        "วิธีใช้",
    ]
    assert texts.MENU_INSTALLED in out and texts.WEBHOOK_OK.format(url=f"{web}/callback") in out

    calls_before = len(channel.client.api_calls())
    code, out = run_line(capsys, "connect")
    assert code == 0, out
    assert texts.NOTHING_CHANGED in out
    assert texts.ENDPOINT_UNCHANGED.format(url=f"{web}/callback") in out
    assert texts.MENU_UNCHANGED in out
    again = channel.client.api_calls()[calls_before:]
    # the second run only read and ran the webhook test (which changes nothing)
    changing = [
        (c["method"], c["path"])
        for c in again
        if c["method"] != "GET" and c["path"] != "/v2/bot/channel/webhook/test"
    ]
    assert changing == []
    assert len(requests.get(f"{channel.base_url}/v2/bot/richmenu/list", headers=_auth(), timeout=10).json()["richmenus"]) == 1  # fmt: skip


def test_connect_reports_a_webhook_test_that_fails(channel, line_env, capsys):
    line_env.setenv("PUBLIC_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    code, out = run_line(capsys, "connect")
    assert code == 1
    assert "COULD_NOT_CONNECT" in out and "✗ ทดสอบ webhook ไม่ผ่าน" in out


def test_connect_refuses_plain_http_to_another_host(channel, line_env, capsys):
    line_env.setenv("PUBLIC_BASE_URL", "http://ita.naphu.go.th")
    code, out = run_line(capsys, "connect")
    assert code == 1
    assert texts.BASE_NOT_HTTPS.format(url="http://ita.naphu.go.th") in out
    assert not [c for c in channel.client.api_calls() if c["method"] == "PUT"]


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}"}


# the simulator's channel operations, as LINE's OpenAPI file has them ---------------------------


def test_simulator_channel_operations_follow_lines_schema(web):
    from tests.simulator_fixtures import EchoBot

    bot = EchoBot(mode="silent").start()
    try:
        with running_simulator(webhook_url="") as sim:
            base, validator = sim.base_url, messaging_validator()
            info = requests.get(f"{base}/v2/bot/info", headers=_auth(), timeout=10)
            assert check_request(validator, "BotInfoResponse", info.json()) == []
            assert requests.get(f"{base}/v2/bot/info", timeout=10).status_code == 401
            put = requests.put(
                f"{base}/v2/bot/channel/webhook/endpoint", json={}, headers=_auth(), timeout=10
            )
            assert put.status_code == 400 and put.json()["details"]
            for refused in ("http://bot.example.com/callback", "ftp://x"):
                answer = requests.put(
                    f"{base}/v2/bot/channel/webhook/endpoint",
                    json={"endpoint": refused},
                    headers=_auth(),
                    timeout=10,
                )
                assert answer.status_code == 400
            no_url = requests.post(f"{base}/v2/bot/channel/webhook/test", headers=_auth())
            assert no_url.status_code == 400
            api = _sdk(base)
            from linebot.v3.messaging import SetWebhookEndpointRequest, TestWebhookEndpointRequest

            api.set_webhook_endpoint(SetWebhookEndpointRequest(endpoint=bot.url))
            got = requests.get(
                f"{base}/v2/bot/channel/webhook/endpoint", headers=_auth(), timeout=10
            ).json()
            assert check_request(validator, "GetWebhookEndpointResponse", got) == []
            assert got == {"endpoint": bot.url, "active": True}
            result = api.test_webhook_endpoint()
            assert (result.success, result.status_code, result.reason) == (True, 200, "OK")
            # the test really POSTed a webhook that the SDK's parser verified: no events
            assert len(bot.bodies) == 1 and b'"events":[]' in bot.bodies[0]
            failing = api.test_webhook_endpoint(
                TestWebhookEndpointRequest(endpoint=f"{web}/no-such-path")
            )
            assert (failing.success, failing.status_code, failing.reason, failing.detail) == (
                False,
                404,
                "ERROR_STATUS_CODE",
                "404",
            )
            raw = requests.post(
                f"{base}/v2/bot/channel/webhook/test", headers=_auth(), timeout=10
            ).json()
            assert check_request(validator, "TestWebhookEndpointResponse", raw) == []
    finally:
        bot.stop()


def _sdk(base_url: str):
    from tests.simulator_fixtures import messaging_api

    return messaging_api(base_url)


# the loading animation ------------------------------------------------------------------------


# Symbols from Unicode 6.0 (2010) or older, which every LINE client draws; Thai, Latin and
# digits aside. Newer ones (the 2019 coloured circles 🟡🟢) or rare shapes (◐) show as boxes.
RENDERED_EVERYWHERE = set("⚪🔶✅✓•·–—…“”‘’↩️▫")


def _symbols(message: dict) -> set[str]:
    import json

    text = json.dumps(message, ensure_ascii=False)
    return {ch for ch in text if ord(ch) > 0x7F and not 0x0E00 <= ord(ch) <= 0x0E7F}


def _loading_calls(sim) -> list[dict]:
    return sim.api_calls("/v2/bot/chat/loading/start")


def _valid_loading(call: dict, user: str) -> None:
    assert call["status"] == 202
    assert check_request(messaging_validator(), "ShowLoadingAnimationRequest", call["body"]) == []
    assert call["body"]["chatId"] == user
    assert call["body"]["loadingSeconds"] % 5 == 0


def test_loading_animation_before_the_overview_and_the_carousel(sim):
    from tests.helpers import join

    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    staff = join(sim, "สมชาย กองคลัง", "กองคลัง")
    assert _loading_calls(sim) == []  # not for a greeting or a registration
    for user, text in ((admin, "ภาพรวม"), (staff, "รายงาน")):
        count = len(sim.messages(user))
        assert sim.send_text(user, text) == 200
        received = sim.wait_for(user, count + 1)
        loading = [c for c in _loading_calls(sim) if c["body"]["chatId"] == user]
        assert len(loading) == 1
        _valid_loading(loading[0], user)
        assert received[-1]["message"]["type"] == "flex"
        assert _symbols(received[-1]["message"]) <= RENDERED_EVERYWHERE
        reply = [c for c in sim.api_calls("/v2/bot/message/reply") if c["seq"] > loading[0]["seq"]]
        assert reply, "the loading call came before the answer"


def test_no_loading_animation_outside_one_on_one_chats(sim, rdb):
    """LINE shows it only in one-on-one chats: an overview asked in a group gets none."""
    import json

    from simulator import webhook
    from tests.helpers import join

    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    event = webhook.text_event(admin, "ภาพรวม", "not-a-real-reply-token")
    event["source"] = {"type": "group", "groupId": "C" + "0" * 32, "userId": admin}
    body = json.dumps({"destination": "U" + "1" * 32, "events": [event]}).encode()
    assert sim.send_raw(body, None, sign=True) == 200
    sim.wait_for(admin, 3)  # the overview, pushed (the reply token was not LINE's)
    assert _loading_calls(sim) == []


# process management ---------------------------------------------------------------------------


def test_honcho_exports_systemd_units_for_web_and_worker(tmp_path: Path):
    honcho = Path(sys.executable).with_name("honcho")
    result = subprocess.run(
        # as README's "Going live" has it
        [str(honcho), "-f", str(ROOT / "Procfile"), "export", "-a", "itabot", "-u", "itabot", "-p", "8000", "systemd", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    units = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert {"itabot.target", "itabot-web-1.service", "itabot-worker-1.service"} <= set(units)
    web_exec = [line for line in units["itabot-web-1.service"].splitlines() if "ExecStart" in line]
    worker_exec = [
        line for line in units["itabot-worker-1.service"].splitlines() if "ExecStart" in line
    ]
    assert "gunicorn" in web_exec[0] and "bot.wsgi:app" in web_exec[0] and "$" in web_exec[0]
    assert "itabot worker" in worker_exec[0]
    assert "Restart=always" in units["itabot-worker-1.service"]
    assert "Environment=PORT=8000" in units["itabot-web-1.service"]
    assert "User=itabot" in units["itabot-web-1.service"]
    assert "itabot-web.target" in units["itabot.target"]
    assert "itabot-worker.target" in units["itabot.target"]


# the worker's terminal output ------------------------------------------------------------------


def test_worker_output_is_one_line_per_job(rdb, settings, caplog):
    """RQ's own lines, from a real (non-forking) RQ worker on a queue of this test's own."""
    import logging
    import uuid

    from rq import Queue, SimpleWorker

    from jobs import worker_logs
    from store.db import connect_binary

    worker_logs.install()
    connection = connect_binary(settings.redis_url)
    queue = Queue(f"itabot-logs-{uuid.uuid4().hex[:8]}", connection=connection)
    queue.enqueue("jobs.worker_logs.short_call", "jobs.webhook.process_body('naphu', '{}')")
    caplog.set_level(logging.DEBUG)  # to see what moved to debug level
    worker = SimpleWorker([queue], connection=connection)
    worker.work(burst=True, logging_level="INFO")
    worker.clean_registries()  # what the worker does every MAINTENANCE_EVERY seconds
    records = [r for r in caplog.records if r.name.startswith("rq.worker")]
    info = [r.getMessage() for r in records if r.levelno >= logging.INFO]
    jobs = [line for line in info if "jobs.worker_logs.short_call" in line]
    assert len(jobs) == 1, info
    assert jobs[0].startswith("jobs.worker_logs.short_call(\"jobs.webhook.process_body('naphu'")
    assert " done in " in jobs[0] and jobs[0].endswith(" s")
    housekeeping = [r for r in records if "cleaning registries" in r.getMessage()]
    assert housekeeping and all(r.levelno == logging.DEBUG for r in housekeeping)
    assert not [line for line in info if "kept for" in line or "Job OK" in line]
    assert worker_logs.short_call("jobs.webhook.process_body('naphu', '{\"events\": []}')") == (
        "jobs.webhook.process_body('naphu', …)"
    )
    queue.delete(delete_jobs=True)
