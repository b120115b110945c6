"""Plan, people and status reporting by chat, end to end through signed webhooks."""

from __future__ import annotations

import json

from simulator.client import message_text, postback_buttons, quick_replies
from tests.helpers import SEED_PLAN, invite, itabot, join, wait_until


def status_json() -> dict:
    return json.loads(itabot("status", "--json").stdout)


def cell(data: dict, measure: str, division: str) -> str:
    return next(m for m in data["measures"] if m["id"] == measure)["divisions"][division]


def last_text(sim, user: str, count: int) -> str:
    return message_text(sim.wait_for(user, count)[-1]["message"])


def test_status_json_has_exactly_the_contract_shape(sim, plan):
    data = status_json()
    assert [m["id"] for m in data["measures"]] == ["1", "2", "3", "4", "5", "6"]
    for measure, entry in zip(plan.measures, data["measures"], strict=True):
        assert set(entry) == {"id", "status", "divisions"}
        assert list(entry["divisions"]) == measure.owners
        assert entry["status"] == "not_started"
        assert set(entry["divisions"].values()) == {"not_started"}


def test_join_with_code_and_refuse_bad_codes(sim):
    user = join(sim, "สมศรี กองคลัง", "กองคลัง")
    assert "กองคลัง" in last_text(sim, user, 2)
    other = sim.create_user("คนแปลกหน้า")
    code = itabot("invite", "กองช่าง").stdout.splitlines()[0]
    sim.send_text(other, f"register {code}")
    assert "กองช่าง" in last_text(sim, other, 1)
    # the same code again: used
    third = sim.create_user("คนที่สาม")
    sim.send_text(third, f"ลงทะเบียน {code}")
    assert "ใช้ไม่ได้" in last_text(sim, third, 1)
    sim.send_text(third, "ลงทะเบียน ZZZZ-ZZZZ")
    assert "ใช้ไม่ได้" in last_text(sim, third, 2)


def test_code_guessing_is_rate_limited(sim):
    guesser = sim.create_user("นักเดา")
    for attempt in range(5):
        sim.send_text(guesser, f"ลงทะเบียน AAAA-AAA{attempt + 2}")
        sim.wait_for(guesser, attempt + 1)
    code = itabot("invite", "กองช่าง").stdout.splitlines()[0]
    sim.send_text(guesser, f"ลงทะเบียน {code}")
    assert "ชั่วคราว" in last_text(sim, guesser, 6)
    # the right code is not consumed by a locked-out guesser
    honest = sim.create_user("ตัวจริง")
    sim.send_text(honest, f"ลงทะเบียน {code}")
    assert "เรียบร้อย" in last_text(sim, honest, 1)


def test_unregistered_people_change_nothing(sim):
    stranger = sim.create_user("ไม่ได้ลงทะเบียน")
    sim.send_text(stranger, "ข้อ 1 เสร็จแล้ว")
    assert "ยังไม่ได้ลงทะเบียน" in last_text(sim, stranger, 1)
    assert all(m["status"] == "not_started" for m in status_json()["measures"])


def test_report_by_typing_confirm_and_undo(sim):
    user = join(sim, "สมศรี", "กองคลัง")
    sim.send_text(user, "ข้อ ๓ เสร็จแล้วค่ะ ตรวจสอบในเว็บไซต์ของหน่วยงาน")
    reply = sim.wait_for(user, 3)[-1]["message"]
    text = message_text(reply)
    assert "ข้อ ๓" in text and "กองคลัง" in text and "ดำเนินการเสร็จเรียบร้อยแล้ว" in text
    assert "ยกเลิก" in [label for label, _ in quick_replies(reply)]
    data = status_json()
    assert cell(data, "3", "กองคลัง") == "done"
    assert next(m for m in data["measures"] if m["id"] == "3")["status"] == "done"  # sole owner
    sim.send_text(user, "ข้อ 1 กับ 5 กำลังทำ")
    sim.wait_for(user, 4)
    data = status_json()
    assert cell(data, "1", "กองคลัง") == "in_progress" and cell(data, "5", "กองคลัง") == "in_progress"
    assert next(m for m in data["measures"] if m["id"] == "1")["status"] == "in_progress"
    sim.send_text(user, "ยกเลิก")
    assert "ยกเลิก" in last_text(sim, user, 5)
    data = status_json()
    assert cell(data, "1", "กองคลัง") == "not_started" and cell(data, "5", "กองคลัง") == "not_started"
    assert cell(data, "3", "กองคลัง") == "done"


def test_report_by_tapping_the_carousel(sim):
    user = join(sim, "ช่างใหญ่", "กองช่าง")
    sim.send_text(user, "รายงาน")
    carousel = sim.wait_for(user, 3)[-1]["message"]
    assert carousel["type"] == "flex" and carousel["contents"]["type"] == "carousel"
    assert len(carousel["contents"]["contents"]) == 3  # กองช่าง owns measures 1, 2 and 5
    buttons = postback_buttons(carousel)
    data = next(d for label, d in buttons if "เสร็จแล้ว" in label)
    sim.send_postback(user, data)
    assert "เสร็จเรียบร้อยแล้ว" in last_text(sim, user, 4)
    assert cell(status_json(), "1", "กองช่าง") == "done"


def test_a_measure_of_another_division_is_refused_with_the_reason(sim):
    user = join(sim, "ช่างเล็ก", "กองช่าง")
    sim.send_text(user, "ข้อ 3 เสร็จแล้ว")
    text = last_text(sim, user, 3)
    assert "ไม่ใช่มาตรการที่กองช่างรับผิดชอบ" in text
    assert cell(status_json(), "3", "กองคลัง") == "not_started"


def test_unsure_messages_change_nothing_and_ask_back(sim):
    user = join(sim, "ปลัดน้อย", "สำนักปลัด")
    sim.send_text(user, "เสร็จแล้วครับ")  # no measure
    reply = sim.wait_for(user, 3)[-1]["message"]
    options = quick_replies(reply)
    assert len(options) == 5  # สำนักปลัด owns all but ข้อ ๓
    sim.send_text(user, "ข้อ 9 เสร็จแล้ว")  # not a measure
    assert "ไม่มีมาตรการข้อ ๙" in last_text(sim, user, 4)
    sim.send_text(user, "ข้อ 2")  # no status
    reply = sim.wait_for(user, 5)[-1]["message"]
    assert len(quick_replies(reply)) == 3
    assert all(m["status"] == "not_started" for m in status_json()["measures"])
    # answering the ask-back with its quick reply sets the status
    label, action = next((lbl, a) for lbl, a in quick_replies(reply) if "กำลัง" in lbl)
    sim.send_postback(user, action["data"])
    sim.wait_for(user, 6)
    assert cell(status_json(), "2", "สำนักปลัด") == "in_progress"


def test_overview_for_admin_and_refused_to_staff(sim):
    staff = join(sim, "คลังหนึ่ง", "กองคลัง")
    admin = join(sim, "นักวิเคราะห์", "admin")
    sim.send_text(staff, "ข้อ 3 เสร็จ")
    sim.wait_for(staff, 3)
    sim.send_text(admin, "ภาพรวม")
    overview = sim.wait_for(admin, 3)[-1]["message"]
    assert overview["type"] == "flex"
    text = message_text(overview)
    assert "ข้อ ๓" in text and "ดำเนินการเสร็จเรียบร้อยแล้ว" in text
    sim.send_text(staff, "ภาพรวม")
    assert "เฉพาะผู้ดูแลระบบ" in last_text(sim, staff, 4)


def test_concurrent_reports_never_lose_one(sim, rdb):
    users = [join(sim, f"สาธารณสุข{i}", "กองสาธารณสุข") for i in range(3)]
    for measure, user in zip((1, 2, 5), users, strict=True):
        sim.send_text(user, f"ข้อ {measure} เสร็จแล้ว")
    wait_until(lambda: all(len(sim.messages(u)) >= 3 for u in users), message="three confirmations")
    data = status_json()
    assert [cell(data, str(i), "กองสาธารณสุข") for i in (1, 2, 5)] == ["done", "done", "done"]
    from store import status as status_store

    assert len(status_store.history(rdb, "naphu")) == 3


def test_plan_load_keeps_statuses_and_reports_bad_fields_with_lines(sim, tmp_path):
    user = join(sim, "คลังสอง", "กองคลัง")
    sim.send_text(user, "ข้อ 3 เสร็จแล้ว")
    sim.wait_for(user, 3)
    text = SEED_PLAN.read_text(encoding="utf-8")
    changed = tmp_path / "plan.yaml"
    changed.write_text(
        text.replace("short_title: การเผยแพร่ข้อมูลข่าวสาร", "short_title: เผยแพร่ข่าวสาร"),
        encoding="utf-8",
    )
    assert "โหลดแผน" in itabot("plan", "load", str(changed)).stdout
    assert cell(status_json(), "3", "กองคลัง") == "done"
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        text.replace("ita_score: 51.63", "ita_score: ห้าสิบ").replace("  ref:", "  reff:"),
        encoding="utf-8",
    )
    result = itabot("plan", "load", str(broken), check=False)
    assert result.returncode == 2
    assert (
        "memo.ita_score" in result.stderr
        and "memo.reff" in result.stderr
        and "บรรทัด" in result.stderr
    )
    line_of_score = next(i for i, line in enumerate(text.splitlines(), 1) if "ita_score" in line)
    assert f"บรรทัด {line_of_score}" in result.stderr
    assert cell(status_json(), "3", "กองคลัง") == "done"


def test_invite_targets_are_checked(sim):
    assert itabot("invite", "กองไม่มีจริง", check=False).returncode == 2
    for target in ("admin", "กองคลัง", "ปลัด อบต.นาพู่"):
        line = itabot("invite", target).stdout.splitlines()[0]
        assert len(line) == 9 and line[4] == "-"


def test_one_person_may_be_staff_and_admin(sim):
    user = join(sim, "ผู้ช่วยนักวิเคราะห์", "สำนักปลัด")
    sim.send_text(user, f"ลงทะเบียน {invite('admin')}")
    sim.wait_for(user, 3)
    sim.send_text(user, "ข้อ 4 เสร็จแล้ว")
    assert "สำนักปลัด" in last_text(sim, user, 4)
    sim.send_text(user, "ภาพรวม")
    assert sim.wait_for(user, 5)[-1]["message"]["type"] == "flex"
    assert cell(status_json(), "4", "สำนักปลัด") == "done"


def test_rich_menu_is_installed_through_the_sdk(sim):
    menu_id = itabot("richmenu").stdout.strip()
    assert menu_id
    calls = {c["path"]: c["status"] for c in sim.api_calls("/v2/bot/")}
    assert calls.get("/v2/bot/richmenu") == 200
    assert calls.get(f"/v2/bot/richmenu/{menu_id}/content") == 200
    assert calls.get(f"/v2/bot/user/all/richmenu/{menu_id}") == 200
