"""Organisations with LINE channels of their own on one deployment: credentials encrypted at
rest, webhooks verified with the organisation's own secret, replies and pushes sent with its
own token, secrets never in logs, and no start without ITABOT_MASTER_KEY once any are stored.

The second organisation is the seed plan under another id (tests/helpers.py:add_org), with a
simulator channel of its own; the seed organisation keeps the environment's channel."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import json
import logging
import os
import subprocess
import sys

import pytest
import requests
from cryptography.fernet import Fernet

from core import crypto
from core.config import DEMO_CHANNEL_SECRET, load_settings
from core.logs import JsonFormatter
from simulator.client import message_text
from store import channels
from tests.helpers import (
    ROOT,
    TEST_LOGS,
    add_org,
    itabot,
    join,
    join_org,
    last_word,
    settle,
    wait_until,
)

EVENTS_QUEUE = "rq:queue:events"


def _sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _encodings(value: str) -> list[bytes]:
    """The value and the usual ways of hiding it in plain sight."""
    raw = value.encode()
    return [
        raw,
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw),
        base64.b64encode(raw).rstrip(b"="),
        binascii.hexlify(raw),
    ]


def _raw_values(rdb) -> bytes:
    """Every value of every key of the store, raw (the bytes Redis holds)."""
    import redis

    rb = redis.Redis.from_url(load_settings().redis_url)
    found = []
    for name in rb.scan_iter("ita:*"):
        kind = rb.type(name)
        if kind == b"string":
            found.append(rb.get(name))
        elif kind == b"hash":
            found += [k + b"=" + v for k, v in rb.hgetall(name).items()]
        elif kind == b"set":
            found += list(rb.smembers(name))
        elif kind == b"list":
            found += rb.lrange(name, 0, -1)
        elif kind == b"zset":
            found += [m for m, _ in rb.zrange(name, 0, -1, withscores=True)]
        found.append(name)
    return b"\n".join(found)


def _store_snapshot(rdb) -> tuple[set[str], int]:
    return set(rdb.scan_iter("ita:*")), rdb.llen(EVENTS_QUEUE)


def _text_body(user: str = "U" + "0" * 32) -> bytes:
    event = {
        "type": "message",
        "mode": "active",
        "timestamp": 1700000000000,
        "source": {"type": "user", "userId": user},
        "webhookEventId": "01CHANNELTEST0000000000000",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": "r" * 32,
        "message": {"id": "1", "type": "text", "text": "ข้อ 1 เสร็จแล้ว"},
    }
    return json.dumps({"destination": "Ubot", "events": [event]}).encode()


@pytest.fixture
def second(sim, web, tmp_path):
    return add_org(sim, web, tmp_path)


def test_credentials_are_encrypted_at_rest(second, rdb):
    raw = _raw_values(rdb)
    assert b"channel" in raw  # the stored channel is among what was read
    for value in (second["secret"], second["token"]):
        for hidden in _encodings(value):
            assert hidden not in raw
    settings = load_settings()
    found = channels.channel(rdb, second["org"], settings.master_key)
    assert (found.secret, found.token) == (second["secret"], second["token"])
    assert second["secret"] not in repr(found) and second["token"] not in repr(found)
    with pytest.raises(crypto.DecryptError):
        channels.channel(rdb, second["org"], Fernet.generate_key().decode())
    assert channels.orgs_with_channels(rdb) == [second["org"]]
    assert channels.has_channel(rdb, second["org"]) and not channels.has_channel(rdb, "naphu")


def test_an_unknown_org_is_404_before_its_body_is_read(sim, web, rdb):
    before = _store_snapshot(rdb)
    for body in (_text_body(), b"\xff\xfe not even utf-8", b"{" * 10):
        for secret in (DEMO_CHANNEL_SECRET, "anything"):
            answer = requests.post(
                f"{web}/callback/ghost",
                data=body,
                headers={"X-Line-Signature": _sign(secret, body)},
                timeout=10,
            )
            assert answer.status_code == 404
    for path in ("/callback/Naphu", "/callback/a%7Bb%7D", "/callback/-x"):
        assert requests.post(web + path, data=b"{}", timeout=10).status_code == 404
    assert _store_snapshot(rdb) == before


def test_a_body_signed_with_another_orgs_secret_is_refused(second, sim, web, rdb):
    default = sim.channels()[0]["id"]
    before = _store_snapshot(rdb)
    body = _text_body()
    refused = [
        # the default org's (environment) secret, to the second org's path
        sim.send_raw(body, None, sign=True, channel=default, url=f"{web}/callback/nongbua"),
        # the second org's secret, to the default org's paths
        sim.send_raw(body, None, sign=True, channel=second["channel"], url=f"{web}/callback"),
        sim.send_raw(body, None, sign=True, channel=second["channel"], url=f"{web}/callback/naphu"),
    ]
    assert refused == [400, 400, 400]
    assert _store_snapshot(rdb) == before
    # each with its own: processed
    signed = sim.send_raw(body, None, sign=True, channel=second["channel"])
    assert signed == 200
    settle(rdb)
    assert rdb.exists("ita:{nongbua}:event:01CHANNELTEST0000000000000")
    assert not rdb.exists("ita:{naphu}:event:01CHANNELTEST0000000000000")


def test_replies_and_pushes_of_an_org_use_its_own_token(second, sim, web, rdb):
    org, channel = second["org"], second["channel"]
    admin = join_org(sim, "แอดมินหนองบัว", "admin", org, channel)
    staff = join_org(sim, "คลังหนองบัว", "กองคลัง", org, channel)
    reviewer = join_org(sim, "หัวหน้าหนองบัว", "หัวหน้าสำนักปลัด", org, channel)
    assert "บันทึก" in message_text(last_word(sim, staff, "ข้อ 3 เสร็จแล้ว")[-1]["message"])
    default_user = join(sim, "คลังนาพู่", "กองคลัง")

    # pushes: a reminder sweep and a compile's review request, both with `--org` after the name
    out = itabot("remind", "--org", org, "--at", "2021-03-24T09:00:00+07:00").stdout
    assert "ส่งถึง" in out
    compiled = itabot("compile", "--org", org, "--at", "2021-03-30T10:00:00+07:00").stdout
    assert "version 1" in compiled and f"/files/{org}/1/" in compiled
    wait_until(
        lambda: any(m["message"]["type"] == "flex" for m in sim.messages(reviewer)),
        timeout=60,
        message="the review request to the second org's reviewer",
    )
    settle(rdb)
    calls = sim.api_calls(channel=channel)
    pushed = [c for c in calls if c["path"].startswith("/v2/bot/message/")]
    kinds = {c["path"].rsplit("/", 1)[-1] for c in pushed}
    assert {"reply", "push"} <= kinds, kinds
    assert all(c["token"] == second["token"] and c["status"] == 200 for c in pushed)
    # nothing of the second org went through the default channel, nor anything with its token
    others = [c for c in sim.api_calls() if c.get("channel") != channel]
    for call in others:
        text = json.dumps(call.get("body"), ensure_ascii=False)
        assert not any(user in text for user in (admin, staff, reviewer)), call["path"]
    assert all(c.get("token") != second["token"] for c in others)
    assert [m for m in sim.messages(default_user) if "หนองบัว" in message_text(m["message"])] == []


def test_secrets_never_reach_logs_nor_org_list(second, sim, web, rdb):
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    log_file = TEST_LOGS / "worker.log"
    start = log_file.stat().st_size if log_file.exists() else 0
    try:
        user = join_org(sim, "หนองบัว", "กองคลัง", second["org"], second["channel"])
        last_word(sim, user, "ข้อ 2 กำลังทำ")
        # a refused token: the push fails and the worker logs LINE's refusal
        sim.update_channel(second["channel"], token="the-simulator-now-wants-another")
        sim.send_text(user, "ข้อ 1 เสร็จแล้ว")
        wait_until(
            lambda: "LINE refused a message" in log_file.read_bytes()[start:].decode(),
            timeout=30,
            message="the worker's record of the refused push",
        )
        # a log record that carries the decrypted values is scrubbed
        logging.getLogger("itabot.test").warning(
            "leak %s %s", *channels.channel_for(load_settings(), rdb, second["org"])
        )
    finally:
        logging.getLogger().removeHandler(handler)
    worker_log = log_file.read_bytes()[start:].decode("utf-8", errors="replace")
    web_log = captured.getvalue()
    assert "leak *** ***" in web_log
    listed = itabot("org", "list").stdout + itabot("org", "list", "--json").stdout
    for text in (worker_log, web_log, listed):
        assert second["secret"] not in text and second["token"] not in text


def test_rotating_a_channel_takes_effect_at_once(second, sim, web, rdb, tmp_path):
    user = join_org(sim, "หนองบัว", "กองคลัง", second["org"], second["channel"])
    new_secret, new_token = "rotated-secret-" + "1" * 20, "rotated-token-" + "2" * 30
    credentials = tmp_path / "new.credentials"
    credentials.write_text(
        f"LINE_CHANNEL_SECRET={new_secret}\nLINE_CHANNEL_ACCESS_TOKEN={new_token}\n"
    )
    out = itabot("org", "set-channel", second["org"], "--credentials", str(credentials))
    assert new_secret not in out.stdout + out.stderr
    assert sim.send_text(user, "ช่วยเหลือ") == 400  # LINE still signs with the old secret
    sim.update_channel(second["channel"], secret=new_secret, token=new_token)
    answer = last_word(sim, user, "ข้อ 4 เสร็จแล้ว")[-1]
    assert "บันทึก" in message_text(answer["message"])
    replies = sim.api_calls("/v2/bot/message/reply", channel=second["channel"])
    assert replies[-1]["token"] == new_token


# -- refusing to start -------------------------------------------------------------------------

CREATE_APP = "from bot.app import create_app; create_app(); print('app created')"


def _start(
    args: list[str], cwd, master_key: str | None, stdin: str = ""
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ITABOT_MASTER_KEY"}
    if master_key is not None:
        env["ITABOT_MASTER_KEY"] = master_key
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_web_and_worker_refuse_to_start_without_the_master_key(second, tmp_path):
    for key in (None, "", "not-a-fernet-key", Fernet.generate_key().decode()):
        worker = _start(["-m", "bot.cli", "worker", "--burst"], tmp_path, key)
        assert worker.returncode == 2, worker.stdout + worker.stderr
        assert "ITABOT_MASTER_KEY" in worker.stderr and "Traceback" not in worker.stderr
        web = _start(["-c", CREATE_APP], tmp_path, key)
        assert web.returncode != 0 and "app created" not in web.stdout
        assert "ConfigError" in web.stderr and "ITABOT_MASTER_KEY" in web.stderr
        for text in (worker.stderr, web.stderr):
            assert second["secret"] not in text and second["token"] not in text
    started = _start(["-c", CREATE_APP], tmp_path, os.environ["ITABOT_MASTER_KEY"])
    assert "app created" in started.stdout, started.stderr


def test_without_stored_credentials_no_master_key_is_needed(sim, tmp_path):
    assert "app created" in _start(["-c", CREATE_APP], tmp_path, None).stdout
    credentials = "LINE_CHANNEL_SECRET=secret-of-x-123\nLINE_CHANNEL_ACCESS_TOKEN=token-of-x-456\n"
    add = ["-m", "bot.cli", "org", "add", "x", "--credentials", "-"]
    refused = _start(add, ROOT, None, stdin=credentials)
    assert refused.returncode == 2 and "ITABOT_MASTER_KEY" in refused.stderr
    assert "secret-of-x-123" not in refused.stderr
