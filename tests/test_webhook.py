"""The webhook, health, signatures, redelivery and the greeting, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal

import requests

from core.config import DEMO_CHANNEL_SECRET
from simulator.client import message_text
from store import event_queues
from tests.helpers import last_word, settle, wait_until


def _sign(body: bytes) -> str:
    return base64.b64encode(
        hmac.new(DEMO_CHANNEL_SECRET.encode(), body, hashlib.sha256).digest()
    ).decode()


def _queued_jobs(rdb) -> int:
    return sum(rdb.llen(k) for k in rdb.scan_iter("rq:queue:*"))


def test_healthz_answers_when_redis_does(web):
    assert requests.get(f"{web}/healthz", timeout=5).status_code == 200


def test_follow_gets_a_thai_greeting_that_says_how_to_join(sim):
    user = sim.create_user("สมชาย")
    assert sim.follow(user) == 200
    received = sim.wait_for(user, 1)
    text = message_text(received[0]["message"])
    assert "ลงทะเบียน" in text and "รหัส" in text
    assert received[0]["via"] == "reply"
    # the bot's request was checked against LINE's schema by the simulator and accepted
    calls = sim.api_calls("/v2/bot/message/reply")
    assert calls and all(c["status"] == 200 for c in calls)


def test_bad_or_missing_signature_is_refused_and_nothing_is_stored(sim, web, rdb):
    user = sim.create_user("ผู้ไม่หวังดี")
    body = json.dumps(
        {
            "destination": "U0",
            "events": [
                {
                    "type": "message",
                    "mode": "active",
                    "timestamp": 1,
                    "source": {"type": "user", "userId": user},
                    "webhookEventId": "01FAKEFAKEFAKEFAKEFAKEFAKE",
                    "replyToken": "x",
                    "deliveryContext": {"isRedelivery": False},
                    "message": {"type": "text", "id": "1", "text": "ข้อ 1 เสร็จแล้ว"},
                }
            ],
        }
    ).encode()
    before = _queued_jobs(rdb)
    for headers in (
        {"X-Line-Signature": "bm90IGEgc2lnbmF0dXJl"},
        {},
        {"X-Line-Signature": _sign(body + b" ")},
    ):
        answer = requests.post(
            f"{web}/callback",
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            timeout=5,
        )
        assert answer.status_code == 400
    assert sim.send_raw(body, "AAAA") == 400
    assert _queued_jobs(rdb) == before
    settle(rdb)
    assert sim.messages(user) == []
    assert not list(rdb.scan_iter("ita:{naphu}:event:*"))


def test_redelivered_event_is_handled_once(sim, rdb):
    user = sim.create_user("สมหญิง")
    assert sim.follow(user) == 200
    sim.wait_for(user, 1)
    event_id = sim.last_event(user)["webhookEventId"]
    assert sim.redeliver(event_id) == 200
    settle(rdb)  # the redelivered event's job has run
    received = last_word(sim, user)  # and any answer it owed came before this one
    assert len(received) == 2


def test_body_over_one_mebibyte_gets_413(web):
    body = b"{" + b" " * (1024 * 1024 + 10) + b"}"
    answer = requests.post(
        f"{web}/callback", data=body, headers={"X-Line-Signature": _sign(body)}, timeout=10
    )
    assert answer.status_code == 413


def test_webhook_acknowledges_before_the_work_is_done(sim, web, rdb, worker):
    """The answer to LINE does not wait for handling: with the worker frozen, the webhook still
    answers 200 and the event waits in Redis; the greeting follows once the worker runs."""
    user = sim.create_user("เร็ว")
    os.killpg(worker.pid, signal.SIGSTOP)
    try:
        assert sim.follow(user) == 200
        # answered, and the body waits in its organisation's inbox (store/event_queues.py): a
        # stopped worker may have read it (a drain job already running), but it leaves the inbox
        # only once handled
        assert event_queues.waiting(rdb) == 1
        assert sim.messages(user) == []
    finally:
        os.killpg(worker.pid, signal.SIGCONT)
    wait_until(lambda: sim.messages(user), message="the greeting, once the worker runs")
