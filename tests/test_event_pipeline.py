"""The fast layer: handlers and the event pipeline, with a real Redis and a recording LINE.

Webhook bodies go straight into handlers.pipeline.process_body in this process (no web app,
no worker, no simulator); what the bot says is read from tests.recording_line.RecordingLine
and what it stored from Redis. The end-to-end tests (test_reporting, test_chain, …) check
the same paths through the real parts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from rq.job import Job

from core.texts import chat as texts
from core.values import DONE, IN_PROGRESS, NOT_STARTED, InviteKind, PostbackKind
from handlers import dispatch, pipeline, postback, replies
from store import people, plans, queues
from store import status as status_store
from store.db import connect_binary
from store.plan_schema import load_plan_file
from tests.recording_line import RecordingLine, body, follow_event, postback_event, text_event

ORG = "naphu"
SEED_PLAN = Path(__file__).resolve().parent.parent / "examples" / "naphu-2564.yaml"
STAFF = "U" + "5" * 32
OTHER_STAFF = "U" + "6" * 32
STRANGER = "U" + "0" * 32
DIVISION = "กองคลัง"  # owns measure 3 alone


class World:
    def __init__(self, settings: Any, r: redis.Redis):
        self.settings, self.r = settings, r
        self.line = RecordingLine(names={STAFF: "สมศรี", OTHER_STAFF: "สมชาย"})

    def send(self, *events: dict[str, Any]) -> int:
        return pipeline.process_body(ORG, body(*events), settings=self.settings, line=self.line)

    def join(self, user_id: str, target: str = DIVISION) -> None:
        plan = plans.get_plan(self.r, ORG)
        assert plan is not None
        code = people.create_invite(self.r, ORG, plan.invite_kind(target), target)
        assert self.send(text_event(user_id, f"ลงทะเบียน {code}")) == 1

    def status(self, measure: str, division: str = DIVISION) -> str:
        plan = plans.get_plan(self.r, ORG)
        assert plan is not None
        return status_store.read_matrix(self.r, plan).cell(measure, division).status

    def title(self, measure: str) -> str:
        found = plans.get_plan(self.r, ORG).measure(measure)
        return found.short_title or found.title


def _clear(r: redis.Redis) -> None:
    keys = list(r.scan_iter("ita:*", count=1000))
    for start in range(0, len(keys), 500):
        r.delete(*keys[start : start + 500])


@pytest.fixture
def world(settings, rdb) -> Iterator[World]:
    _clear(rdb)
    plans.save_plan(rdb, load_plan_file(str(SEED_PLAN)))
    yield World(settings, rdb)
    replies.stop_background_replies()


def test_follow_greets_and_a_code_registers(world):
    plan = plans.get_plan(world.r, ORG)
    assert world.send(follow_event(STAFF)) == 1
    assert world.line.last()["text"] == texts.greeting(plan.org.name)

    world.send(text_event(STAFF, "ลงทะเบียน WRNG-2345"))
    assert world.line.last()["text"] == texts.REGISTER_BAD_CODE
    assert people.get_person(world.r, ORG, STAFF) is None

    world.join(STAFF)
    person = people.get_person(world.r, ORG, STAFF)
    assert person is not None and person.division == DIVISION and person.name == "สมศรี"
    assert world.line.last()["text"] == texts.registered(
        InviteKind.DIVISION, DIVISION, plan.org.name
    )
    quick = [item["action"]["text"] for item in world.line.last()["quickReply"]["items"]]
    assert quick == [texts.QR_REPORT, texts.QR_HELP]


def test_a_typed_report_is_confirmed_and_undone(world):
    world.join(STAFF)
    world.send(text_event(STAFF, "ข้อ 3 เสร็จแล้ว"))
    assert world.status("3") == DONE
    confirmation = world.line.last()
    assert confirmation["text"] == texts.confirm_change(
        [("3", world.title("3"), DONE)], DIVISION, None
    )
    quick = [item["action"]["text"] for item in confirmation["quickReply"]["items"]]
    assert quick == [texts.QR_UNDO, texts.QR_REPORT]
    assert status_store.history(world.r, ORG)[0]["source"] == "ข้อ 3 เสร็จแล้ว"

    world.send(text_event(STAFF, texts.QR_UNDO))
    assert world.status("3") == NOT_STARTED
    assert world.line.last()["text"] == texts.undone([("3", world.title("3"), NOT_STARTED)], 0)


def test_a_report_without_a_status_asks_back_and_the_tap_sets_it(world):
    world.join(STAFF)
    world.send(text_event(STAFF, "ข้อ 3"))
    question = world.line.last()
    assert question["text"] == texts.ASK_STATUS.format(refs=texts.measure_ref("3"))
    assert world.status("3") == NOT_STARTED
    actions = [item["action"] for item in question["quickReply"]["items"]]
    assert [a["type"] for a in actions] == ["postback"] * 3
    tap = next(a for a in actions if a["displayText"].endswith(texts.STATUS_LABEL[IN_PROGRESS]))

    world.send(postback_event(STAFF, tap["data"]))
    assert world.status("3") == IN_PROGRESS
    lines = [("3", world.title("3"), IN_PROGRESS)]
    assert world.line.last()["text"] == texts.confirm_change(lines, DIVISION, None)
    refs = texts.measure_ref("3")
    assert status_store.history(world.r, ORG)[0]["source"] == texts.tapped(refs, IN_PROGRESS)


def test_a_button_of_someone_else_or_forged_is_refused(world):
    world.join(STAFF)
    world.join(OTHER_STAFF)
    key = world.settings.signing_key
    theirs = postback.encode(key, ORG, OTHER_STAFF, PostbackKind.STATUS, "3", DONE)
    world.send(postback_event(STAFF, theirs))
    assert world.line.last()["text"] == texts.FORGED_BUTTON
    world.send(postback_event(STAFF, "st|3|done|AAAAAAAAAAAAAAAA"))
    assert world.line.last()["text"] == texts.FORGED_BUTTON
    assert world.status("3") == NOT_STARTED

    # signed for this user, but of no kind the bot issues (an old release's button)
    world.send(postback_event(STAFF, postback.encode(key, ORG, STAFF, "zz", "3")))
    assert world.line.last()["text"] == texts.STALE_BUTTON
    assert status_store.history(world.r, ORG) == []


def test_a_redelivered_event_is_handled_once(world):
    world.join(STAFF)
    event = text_event(STAFF, "ข้อ 3 เสร็จแล้ว")
    assert world.send(event) == 1
    replied = len(world.line.replies)
    again = dict(event, replyToken="another-token", deliveryContext={"isRedelivery": True})
    assert world.send(again) == 0
    assert len(world.line.replies) == replied
    assert len(status_store.history(world.r, ORG)) == 1


def test_a_text_before_any_plan_is_answered_politely(world):
    _clear(world.r)
    assert world.send(text_event(STRANGER, "ข้อ 3 เสร็จแล้ว")) == 1
    assert world.line.last()["text"] == texts.NOT_SET_UP
    assert world.send(text_event(STRANGER, "รายงาน")) == 1
    assert world.line.last()["text"] == texts.NOT_SET_UP
    assert not world.r.exists("ita:{naphu}:people", "ita:{naphu}:plan")  # nothing to trip over


def test_a_refused_reply_is_pushed_with_a_retry_key_fixed_by_the_event(world):
    world.line.refuse_replies = True
    event = text_event(STRANGER, "รายงาน")
    assert world.send(event) == 1
    retry_key = queues.retry_key(ORG, f"{event['webhookEventId']}:reply-0")
    job = Job.fetch(f"deliver-{retry_key}", connection=connect_binary(world.settings.redis_url))
    assert job.func_name == "jobs.deliver.send"
    to, messages, key = job.args
    assert to == [STRANGER] and key == retry_key
    assert [m["text"] for m in messages] == [texts.NOT_REGISTERED]


def test_background_replies_keep_each_persons_order(world):
    world.join(STAFF)
    world.join(OTHER_STAFF)
    # the first reply to each person is slow: a later one must still wait for it
    first: set[str] = set()
    lock = threading.Lock()

    def delay(token: str) -> float:
        user = token.split("-")[0]
        with lock:
            slow = user not in first
            first.add(user)
        return 0.2 if slow else 0.0

    world.line.reply_delay = delay
    start = len(world.line.replies)
    replies.start_background_replies()
    sent = []
    for n in range(6):
        for user in (STAFF, OTHER_STAFF):
            event = text_event(user, texts.CMD_HELP[0] if n % 2 else "ข้อ 3 เสร็จแล้ว")
            sent.append(event["replyToken"])
            assert world.send(event) == 1
    assert replies.flush_replies(10)
    got = [token for token, _ in world.line.replies[start:]]
    for user in (STAFF, OTHER_STAFF):
        assert [t for t in got if t.startswith(user)] == [t for t in sent if t.startswith(user)]


def test_the_registry_routes_every_postback_kind_and_command():
    assert set(dispatch.POSTBACKS) == set(PostbackKind)
    registered = {c.words for c in dispatch.OPEN_COMMANDS + dispatch.COMMANDS}
    commands = {getattr(texts, name) for name in dir(texts) if name.startswith("CMD_")}
    assert registered == commands


def test_the_title_index_is_built_at_plan_load_and_read_by_a_fresh_process(world, monkeypatch):
    """jobs.schedule.apply_plan keeps the parser's title index beside the plan (handlers/titles.py);
    a worker that never built it reads it from there instead of building it (~20 ms a plan)."""
    from handlers import parse_titles, titles
    from jobs import schedule

    plan = plans.get_plan(world.r, ORG)
    schedule.apply_plan(world.settings, world.r, plan)
    digest = parse_titles.titles_digest(tuple(titles.refs(plan)))
    assert world.r.get(f"ita:{{{ORG}}}:derived:title-index").startswith(digest + "\n")
    monkeypatch.setattr(parse_titles, "_INDEXES", parse_titles.OrderedDict())  # a fresh process
    monkeypatch.setattr(parse_titles, "_build", lambda _: pytest.fail("built again"))
    world.join(STAFF)
    assert world.send(text_event(STAFF, "จัดซื้อจัดจ้าง เสร็จแล้ว")) == 1
    assert world.status("3") == DONE
