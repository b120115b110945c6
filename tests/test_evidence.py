"""Evidence from the phone, end to end: a staff member sends photos and files in the LINE
simulator, the worker fetches them through the SDK's content API, the store keeps them with
the measure (issue 17's "Must show")."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from simulator.client import message_text, quick_replies
from store import evidence, evidence_records
from tests import sample_files
from tests.helpers import itabot, join, last_word, report, settle, wait_until

ORG = "naphu"
DIVISION = "กองคลัง"  # owns measure 3 alone; measures 1, 2, 3 and 5 in all


@pytest.fixture
def staff(sim, rdb):
    # The worker may still be starting (the first test of a run): these tests time its answers.
    wait_until(lambda: rdb.scard("rq:workers"), timeout=90, message="the worker to start")
    return join(sim, "สมศรี การเงิน", DIVISION)


def items(rdb) -> list[evidence_records.Item]:
    return evidence_records.all_items(rdb, ORG)


def usage(settings) -> int:
    return evidence.blob_store(settings).usage(ORG)


def downloads(sim) -> list[dict]:
    """The bot's calls to the content API."""
    return [c for c in sim.api_calls("/v2/bot/message/") if c["path"].endswith("/content")]


def answer(sim, user: str, count_before: int) -> str:
    """The bot's next message after count_before, as text."""
    return message_text(sim.wait_for(user, count_before + 1)[count_before]["message"])


def test_an_image_right_after_a_report_is_attached_to_that_measure_without_a_question(
    sim, rdb, staff
):
    report(sim, staff, "ข้อ 3 เสร็จแล้ว")
    before = len(sim.messages(staff))
    assert sim.send_image(staff, sample_files.jpeg()) == 200
    said = answer(sim, staff, before)
    assert "แนบหลักฐานกับ ข้อ ๓" in said, said
    [item] = items(rdb)
    assert (item.measure, item.division, item.content_type) == ("3", DIVISION, "image/jpeg")
    settle(rdb)
    assert len(sim.messages(staff)) == before + 1  # no question, one confirmation


def test_an_image_without_a_recent_report_is_asked_about_and_the_answer_attaches_it(
    sim, rdb, staff
):
    before = len(sim.messages(staff))
    assert sim.send_image(staff, sample_files.jpeg()) == 200
    question = sim.wait_for(staff, before + 1)[before]["message"]
    choices = dict(quick_replies(question))
    # the division's measures: 1, 2, 3 and 5
    assert [label.split()[1] for label in choices] == ["๑", "๒", "๓", "๕"], choices
    settle(rdb)
    assert items(rdb) == []  # fetched and kept, but attached to nothing yet
    action = next(a for label, a in choices.items() if label.startswith("ข้อ ๕"))
    sim.send_postback(staff, action["data"], display_text=action.get("displayText"))
    said = answer(sim, staff, before + 1)
    assert "แนบหลักฐานกับ ข้อ ๕" in said, said
    [item] = items(rdb)
    assert item.measure == "5"


def test_a_pdf_is_accepted(sim, rdb, staff):
    report(sim, staff, "ข้อ 3 อยู่ระหว่างดำเนินการ")
    before = len(sim.messages(staff))
    assert sim.send_file(staff, sample_files.pdf(), "คำสั่ง.pdf", "application/pdf") == 200
    assert "แนบหลักฐานกับ ข้อ ๓" in answer(sim, staff, before)
    [item] = items(rdb)
    assert (item.file_name, item.content_type) == ("คำสั่ง.pdf", "application/pdf")


def test_an_exe_is_refused(sim, rdb, staff, settings):
    report(sim, staff, "ข้อ 3 เสร็จแล้ว")
    before = len(sim.messages(staff))
    assert sim.send_file(staff, sample_files.exe(), "setup.exe") == 200
    assert "PDF" in answer(sim, staff, before)
    settle(rdb)
    assert items(rdb) == [] and usage(settings) == 0
    # named .pdf, still an exe: refused once its bytes are read
    assert sim.send_file(staff, sample_files.exe(), "แอบอ้าง.pdf") == 200
    assert "PDF" in answer(sim, staff, before + 1)
    settle(rdb)
    assert items(rdb) == [] and usage(settings) == 0


def test_an_oversized_file_is_refused(sim, rdb, staff, settings):
    report(sim, staff, "ข้อ 3 เสร็จแล้ว")
    before = len(sim.messages(staff))
    big = b"%PDF-1.4\n" + b"0" * settings.evidence_max_bytes
    assert sim.send_file(staff, big, "ใหญ่มาก.pdf", "application/pdf") == 200
    assert "ขนาดเกิน" in answer(sim, staff, before)
    settle(rdb)
    assert items(rdb) == [] and usage(settings) == 0
    assert not downloads(sim)  # never even downloaded


def test_a_strangers_image_changes_nothing(sim, rdb, settings):
    stranger = sim.create_user("คนแปลกหน้า")
    assert sim.send_image(stranger, sample_files.jpeg()) == 200
    assert "ยังไม่ได้ลงทะเบียน" in answer(sim, stranger, 0)
    last_word(sim, stranger)
    settle(rdb)
    assert items(rdb) == [] and usage(settings) == 0
    assert not downloads(sim)
    assert not list(rdb.scan_iter("ita:{naphu}:evidence*"))


def test_undo_removes_the_last_attachment(sim, rdb, staff, settings):
    report(sim, staff, "ข้อ 3 เสร็จแล้ว")
    before = len(sim.messages(staff))
    sim.send_image(staff, sample_files.jpeg(color=(1, 2, 3)))
    sim.wait_for(staff, before + 1)
    sim.send_image(staff, sample_files.jpeg(color=(4, 5, 6)))
    sim.wait_for(staff, before + 2)
    first, second = items(rdb)
    assert sim.send_text(staff, "ยกเลิก") == 200
    assert "ยกเลิกหลักฐาน" in answer(sim, staff, before + 2)
    assert [i.id for i in items(rdb)] == [first.id]
    assert evidence.blob_store(settings).get(ORG, second.id) is None
    kinds = [e.get("kind") for e in evidence_records.status.history(rdb, ORG, limit=1)]
    assert kinds == ["evidence-undo"]
    # each photo was a batch of its own: the next ยกเลิก removes the one before
    assert "ยกเลิกหลักฐาน" in last_word(sim, staff, "ยกเลิก")[-1]["message"]["text"]
    assert items(rdb) == []


def test_a_set_of_four_images_gets_one_question(sim, rdb, staff):
    before = len(sim.messages(staff))
    statuses = sim.send_images(staff, [sample_files.jpeg(color=(i, i, i)) for i in range(4)])
    assert statuses == [200] * 4
    settle(rdb)
    received = last_word(sim, staff)
    asked = [m for m in received[before:-1] if quick_replies(m["message"])]
    assert len(asked) == 1 and len(received) == before + 2, [
        message_text(m["message"]) for m in received[before:]
    ]
    action = next(a for label, a in quick_replies(asked[0]["message"]) if label.startswith("ข้อ ๒"))
    count = len(received)
    sim.send_postback(staff, action["data"])
    said = answer(sim, staff, count)
    assert "หลักฐาน ๔ รายการ" in said and "ข้อ ๒" in said, said
    assert [i.measure for i in items(rdb)] == ["2"] * 4
    assert len({i.batch for i in items(rdb)}) == 1


def test_exif_gps_is_stripped(sim, rdb, staff, settings):
    photo = sample_files.jpeg(3200, 2400, gps=True)
    assert sample_files.gps_of(photo)  # the photo has a position
    report(sim, staff, "ข้อ 3 เสร็จแล้ว")
    before = len(sim.messages(staff))
    sim.send_image(staff, photo)
    sim.wait_for(staff, before + 1)
    [item] = items(rdb)
    stored, content_type = evidence.blob_store(settings).get(ORG, item.id)
    assert content_type == "image/jpeg"
    assert sample_files.gps_of(stored) == {}
    assert b"Exif" not in stored[:4096]
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) == 1600


def test_once_the_quota_is_reached_evidence_gets_a_clear_answer_and_nothing_is_stored(
    sim, rdb, staff, settings
):
    itabot("evidence", "quota", "--org", ORG, "0.2")  # 200 KB
    report(sim, staff, "ข้อ 3 เสร็จแล้ว")
    before = len(sim.messages(staff))
    sim.send_image(staff, sample_files.jpeg(100, 100, noise=True))
    assert "แนบหลักฐาน" in answer(sim, staff, before)
    used = usage(settings)
    assert 0 < used < 200 * 1024
    sim.send_image(staff, sample_files.jpeg(1000, 800, noise=True))  # would pass the quota
    said = answer(sim, staff, before + 1)
    assert "พื้นที่เก็บหลักฐานของหน่วยงานเต็มแล้ว" in said, said
    settle(rdb)
    assert len(items(rdb)) == 1 and usage(settings) == used
    evidence.set_quota(settings, ORG, used)  # now full: refused as soon as it arrives
    sim.send_file(staff, sample_files.pdf(), "เพิ่ม.pdf", "application/pdf")
    said = answer(sim, staff, before + 2)
    assert "พื้นที่เก็บหลักฐานของหน่วยงานเต็มแล้ว" in said, said
    settle(rdb)
    assert len(items(rdb)) == 1 and usage(settings) == used
    assert len(sim.messages(staff)) == before + 3


def test_the_simulators_image_sets_and_files_are_webhooks_as_lines_schema_has_them(sim):
    from simulator.schema import webhook_validator

    user = sim.create_user("ผู้ทดสอบ")
    sim.send_images(user, [sample_files.jpeg(), sample_files.png()], "image/jpeg")
    sim.send_file(user, sample_files.pdf(), "คำสั่ง.pdf", "application/pdf")
    sent = sim.events(user)
    assert [e["event"]["message"]["type"] for e in sent] == ["image", "image", "file"]
    sets = [e["event"]["message"]["imageSet"] for e in sent[:2]]
    assert sets[0]["id"] == sets[1]["id"] and [s["index"] for s in sets] == [1, 2]
    assert sent[2]["event"]["message"]["fileSize"] == len(sample_files.pdf())
    for event in sent:
        body = {"destination": "U" + "0" * 32, "events": [event["event"]]}
        assert webhook_validator().validate("CallbackRequest", body) == []
