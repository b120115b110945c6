"""Issue 14.1: before any plan is loaded, the first people to add the bot get answers, and
after `itabot plan load` the same chat registers without adding the bot again."""

from __future__ import annotations

import time

import pytest

from core.texts import chat as texts
from simulator.client import SimulatorClient, message_text
from tests.helpers import SEED_PLAN, clean_store, invite, itabot, wait_until


@pytest.fixture
def no_plan(simulator_server, worker, rdb) -> SimulatorClient:
    """A clean world with NO plan loaded (the `sim` fixture loads the seed plan)."""
    clean_store(rdb)
    client = SimulatorClient(simulator_server)
    client.reset()
    assert worker.poll() is None, "the RQ worker died; see memos/test-logs/worker.log"
    # "within a second" is about a running worker: wait until it has started (RQ registers a
    # worker once its imports and the Thai dictionary are loaded)
    wait_until(lambda: rdb.scard("rq:workers") > 0, timeout=60, message="the worker to start")
    return client


def _texts(client: SimulatorClient, user: str) -> list[str]:
    return [message_text(m["message"]) for m in client.messages(user)]


def test_before_any_plan_people_get_answers_then_register(no_plan, rdb):
    client = no_plan
    user = client.create_user("กัญรัตน์ แผนงาน")

    started = time.monotonic()
    assert client.follow(user) == 200
    client.wait_for(user, 1, timeout=1.0)  # the greeting, within a second
    assert time.monotonic() - started <= 1.0
    greeting = _texts(client, user)[0]
    assert greeting == texts.first_greeting()
    assert "ลงทะเบียน" in greeting and "ABCD-2345" in greeting

    # LINE redelivers the follow: nothing more is sent. The text after it is handled after it
    # (one queue, in order), so once its answer is in, the redelivery was handled too.
    follow_id = client.last_event(user)["webhookEventId"]
    assert client.redeliver(follow_id) == 200
    assert client.send_text(user, "สวัสดีครับ จะรายงานผลอย่างไร") == 200
    client.wait_for(user, 2)
    assert _texts(client, user) == [greeting, texts.NOT_SET_UP]

    # a code typed before the plan exists is not tried (and so not used up or counted)
    assert client.send_text(user, "ลงทะเบียน ABCD-2345") == 200
    client.wait_for(user, 3)
    assert _texts(client, user)[2] == texts.REGISTER_NOT_SET_UP
    assert "ยังไม่ได้ตั้งค่า" in texts.NOT_SET_UP and "ผู้ดูแลระบบ" in texts.NOT_SET_UP

    # nothing a plan load could meet: only the events' dedupe marks were written
    written = sorted(rdb.scan_iter("ita:*"))
    assert written and all(":event:" in k for k in written), written
    assert rdb.get("ita:default-org") is None

    # the planning officer loads the plan; the same chat registers, no new follow
    itabot("plan", "load", str(SEED_PLAN))
    code = invite("admin")
    assert client.send_text(user, f"ลงทะเบียน {code}") == 200
    client.wait_for(user, 4)
    assert _texts(client, user)[3].startswith("ลงทะเบียนเรียบร้อยแล้ว")
    assert rdb.hget("ita:{naphu}:people", user) is not None
    assert len(client.messages(user)) == 4


def test_before_any_plan_a_tap_or_a_picture_gets_the_polite_answer(no_plan, rdb):
    client = no_plan
    user = client.create_user("สมชาย กองคลัง")
    assert client.send_postback(user, "st|1|done|forged") == 200
    client.wait_for(user, 1)
    assert client.send_image(user, b"\x89PNG\r\n\x1a\n", "image/png") == 200
    client.wait_for(user, 2)
    assert _texts(client, user) == [texts.NOT_SET_UP, texts.NOT_SET_UP]
    assert not rdb.hgetall("ita:{naphu}:people")
