"""Reminder slots on the plan's schedule, sent once, delivered once through failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import yaml

from simulator.client import message_text
from tests.helpers import SEED_PLAN, itabot, join, settle, wait_until

D7 = "2021-03-24T09:00:00+07:00"
D3 = "2021-03-28T09:30:00+07:00"
D1 = "2021-03-30T12:00:00+07:00"


def _reminders(sim, user: str) -> list[str]:
    return [
        message_text(m["message"])
        for m in sim.messages(user)
        if "ยังไม่เสร็จ" in message_text(m["message"])
    ]


def _world(sim):
    treasury = [join(sim, f"คลัง{i}", "กองคลัง") for i in range(2)]
    works = join(sim, "ช่าง", "กองช่าง")
    admin = join(sim, "แอดมิน", "admin")
    for measure in (1, 2, 5):  # กองช่าง finishes everything it owns
        sim.send_text(works, f"ข้อ {measure} เสร็จแล้ว")
    wait_until(lambda: len(sim.messages(works)) >= 5, message="กองช่าง's confirmations")
    return treasury, works, admin


def test_sweeps_pick_exactly_the_right_people_and_measures_once(sim, rdb):
    treasury, works, admin = _world(sim)
    dry = itabot("remind", "--at", D7, "--dry-run").stdout
    assert "กองคลัง" in dry and "กองช่าง:" not in dry
    settle(rdb)
    assert _reminders(sim, treasury[0]) == []
    calls_before = len(sim.api_calls("/v2/bot/message/multicast"))

    assert "ส่งถึง" in itabot("remind", "--at", D7).stdout
    for user in treasury:
        wait_until(lambda u=user: _reminders(sim, u), message="กองคลัง's reminder")
    text = _reminders(sim, treasury[0])[0]
    for measure in ("ข้อ ๑", "ข้อ ๒", "ข้อ ๓", "ข้อ ๕"):
        assert measure in text
    assert "ข้อ ๔" not in text and "ข้อ ๖" not in text
    assert "เหลืออีก ๗ วัน" in text
    assert "จัดซื้อจัดจ้าง" in text  # each measure named with its title
    # identical messages to both กองคลัง staff went in one multicast
    multicasts = sim.api_calls("/v2/bot/message/multicast")[calls_before:]
    assert any(
        len(json.loads(c["body"])["to"]) == 2
        if isinstance(c["body"], str)
        else len(c["body"]["to"]) == 2
        for c in multicasts
    )
    wait_until(
        lambda: [m for m in sim.messages(admin) if "สรุป" in message_text(m["message"])],
        message="the admin summary",
    )
    assert _reminders(sim, works) == []

    # the same slot again sends nothing
    assert "ไม่ส่งซ้ำ" in itabot("remind", "--at", D7).stdout
    settle(rdb)
    assert len(_reminders(sim, treasury[0])) == 1

    # D-3, after กองคลัง finished ข้อ 3: exactly the rest
    sim.send_text(treasury[0], "ข้อ 3 เสร็จแล้ว")
    wait_until(
        lambda: any(
            "บันทึกแล้ว" in message_text(m["message"]) and "ข้อ ๓" in message_text(m["message"])
            for m in sim.messages(treasury[0])
        ),
        message="the report",
    )
    itabot("remind", "--at", D3)
    wait_until(lambda: len(_reminders(sim, treasury[1])) == 2, message="the D-3 reminder")
    latest = _reminders(sim, treasury[1])[-1]
    assert "ข้อ ๓" not in latest and "ข้อ ๑" in latest and "เหลืออีก ๓ วัน" in latest

    itabot("remind", "--at", D1)
    wait_until(lambda: len(_reminders(sim, treasury[1])) == 3, message="the D-1 reminder")
    assert "เหลืออีก ๑ วัน" in _reminders(sim, treasury[1])[-1]
    # after the deadline nothing is sent
    assert "เลยกำหนด" in itabot("remind", "--at", "2021-04-01T09:00:00+07:00").stdout


def test_failures_from_line_end_with_every_reminder_delivered_once(sim, rdb):
    treasury, works, admin = _world(sim)
    sim.set_fault(500, count=2, path_prefix="/v2/bot/message/multicast", mode="accept_then_fail")
    sim.set_fault(429, count=2, path_prefix="/v2/bot/message/push")
    itabot("remind", "--at", D7)
    for user in treasury:
        wait_until(
            lambda u=user: _reminders(sim, u), timeout=60, message="the reminder despite failures"
        )
    wait_until(
        lambda: [m for m in sim.messages(admin) if "สรุป" in message_text(m["message"])],
        timeout=60,
        message="the admin summary despite 429s",
    )
    # every delivery ran to its end, retries waiting out their back-off included
    settle(rdb, timeout=90, queues=("delivery",), later=True)
    for user in treasury:
        assert len(_reminders(sim, user)) == 1
    statuses = [c["status"] for c in sim.api_calls("/v2/bot/message/multicast")]
    assert (
        500 in statuses and 409 in statuses
    )  # LINE accepted, answered 500; the retry was a duplicate
    assert [c["status"] for c in sim.api_calls("/v2/bot/message/push")].count(429) == 2


def test_plan_load_schedules_each_slot_once_and_a_missed_slot_is_sent(sim, rdb, tmp_path):
    treasury = join(sim, "คลังพร้อม", "กองคลัง")
    plan = yaml.safe_load(SEED_PLAN.read_text(encoding="utf-8"))
    bangkok_now = datetime.now(UTC) + timedelta(hours=7)
    # the D-1 slot at 00:00 today was missed (everything was "down"); the deadline is tomorrow
    deadline = (bangkok_now + timedelta(days=1)).replace(hour=23, minute=0, second=0, microsecond=0)
    plan["deadline"] = deadline.strftime("%Y-%m-%dT%H:%M:%S+07:00")
    plan["reminders"] = {"days_before": [3, 1], "time": "00:00"}
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    itabot("plan", "load", str(path))
    itabot("plan", "load", str(path))  # twice: nothing scheduled twice
    from rq.registry import ScheduledJobRegistry

    from store.queues import DEFAULT, queue

    registry = ScheduledJobRegistry(queue=queue(DEFAULT))
    ids = registry.get_job_ids()
    assert len(ids) == len(set(ids))
    wait_until(
        lambda: _reminders(sim, treasury), timeout=30, message="the missed slot sent on start"
    )
    settle(rdb)  # slots due now have all run; later ones wait in the schedule
    assert len(_reminders(sim, treasury)) == 1
    assert "เหลืออีก ๑ วัน" in _reminders(sim, treasury)[0]
