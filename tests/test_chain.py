"""The review chain in LINE, walked through the simulator with signed webhooks."""

from __future__ import annotations

import re
import threading

import requests

from simulator.client import message_text, postback_buttons
from tests.helpers import (
    SEED_PLAN,
    buttons,
    compile_memo,
    itabot,
    join,
    review_request,
    settle,
    setup_chain,
    tap_and_comment,
    wait_until,
)
from tests.pdf_text import pdf_lines


def test_whole_chain_with_send_back_recompile_and_approval(sim, rdb, plan):
    admin, reviewers = setup_chain(sim, rdb, plan)
    assert compile_memo() == 1
    first = review_request(sim, reviewers[0], 1)
    kinds = [m["message"]["type"] for m in sim.messages(reviewers[0])[2:]]
    assert kinds == ["text", "image", "flex"]
    text = message_text(first)
    assert "ฉบับที่ ๑" in text and "เห็นชอบ" in text and "ไม่เห็นชอบ" in text
    pdf_link = next(a for a in re.findall(r"https?://\S+", str(first)) if ".pdf" in a).rstrip(
        "'\",}"
    )
    assert requests.get(pdf_link, timeout=10).content.startswith(b"%PDF")

    # step 1 passes it on with a comment
    reply = tap_and_comment(sim, reviewers[0], buttons(first)["เห็นชอบ"], "เห็นควรเสนอรองปลัด", 5)
    assert "รองปลัด" in reply
    second = review_request(sim, reviewers[1], 1)
    # step 2 sends it back: a reason is required
    sim.send_postback(reviewers[1], buttons(second)["ไม่เห็นชอบ"])
    sim.wait_for(reviewers[1], 6)
    sim.send_text(reviewers[1], "ไม่มีความเห็น")
    assert "ต้องมีเหตุผล" in message_text(sim.wait_for(reviewers[1], 7)[-1]["message"])
    sim.send_text(reviewers[1], "ข้อ ๒ ขอให้แนบหลักฐานเพิ่มเติม")
    sim.wait_for(reviewers[1], 8)
    returned = wait_until(
        lambda: [m for m in sim.messages(admin) if "ส่งกลับ" in message_text(m["message"])],
        message="the author hears the memo came back",
    )
    words = message_text(returned[0]["message"])
    assert "รองปลัด อบต.นาพู่" in words and "ขอให้แนบหลักฐานเพิ่มเติม" in words

    # a recompile starts a new version and a new chain; old buttons only say they are superseded
    assert compile_memo("2021-03-31T10:00:00+07:00") == 2
    first_v2 = review_request(sim, reviewers[0], 2)
    assert "ฉบับที่ ๒" in message_text(first_v2)
    before = len(sim.messages(reviewers[0]))
    sim.send_postback(reviewers[0], buttons(first)["เห็นชอบ"])
    assert "แทนที่" in message_text(sim.wait_for(reviewers[0], before + 1)[-1]["message"])

    comments = ["เห็นควรเสนอ", "ตรวจแล้วถูกต้อง", "เห็นควรอนุมัติ", "อนุมัติให้เผยแพร่บนเว็บไซต์"]
    request = first_v2
    for index, user in enumerate(reviewers):
        if index:
            request = review_request(sim, user, 2)
        label = "อนุมัติ" if index == 3 else "เห็นชอบ"
        tap_and_comment(
            sim, user, buttons(request)[label], comments[index], len(sim.messages(user))
        )

    # the final memo reaches the author and every reviewer, carrying every comment and name
    def final_for(user):
        return [
            m
            for m in sim.messages(user)
            if "ได้รับอนุมัติแล้ว" in message_text(m["message"]) and m["message"]["type"] == "flex"
        ]

    for user in [admin, *reviewers]:
        wait_until(lambda u=user: final_for(u), timeout=30, message="the final memo")
    final = final_for(admin)[0]["message"]
    link = next(a for a in re.findall(r"https?://[^'\"\s]+", str(final)) if ".pdf" in a)
    text = re.sub(
        r"\s+", "", "".join(line.text for line in pdf_lines(requests.get(link, timeout=10).content))
    )
    for comment in comments:
        assert comment.replace(" ", "") in text
    for step in plan.chain:
        assert step.name.replace(" ", "") in text.replace(" ", "") or step.name.split()[-1] in text
    from store import versions

    assert versions.info(rdb, "naphu", 2).get("final") == "1"
    assert versions.chain(rdb, "naphu", 1).state == "returned"


def test_refusals_forged_wrong_person_and_status(sim, rdb, plan):
    admin, reviewers = setup_chain(sim, rdb, plan)
    compile_memo()
    first = review_request(sim, reviewers[0], 1)
    approve = buttons(first)["เห็นชอบ"]
    # another reviewer replays the first reviewer's button: not issued to them
    sim.send_postback(reviewers[2], approve)
    assert "ไม่ใช่ของท่าน" in message_text(sim.wait_for(reviewers[2], 3)[-1]["message"])
    # a forged body
    sim.send_postback(reviewers[0], "rv|1|0|approve|AAAAAAAAAAAAAAAA")
    assert "ไม่ใช่ของท่าน" in message_text(sim.wait_for(reviewers[0], 6)[-1]["message"])
    # an unregistered user
    stranger = sim.create_user("คนนอก")
    sim.send_postback(stranger, approve)
    assert "ยังไม่ได้ลงทะเบียน" in message_text(sim.wait_for(stranger, 1)[-1]["message"])
    # a staff member cannot see the chain's status; the admin can
    sim.send_text(admin, "สถานะบันทึก")
    status = message_text(sim.wait_for(admin, 3)[-1]["message"])
    assert "หัวหน้าสำนักปลัด" in status and "ฉบับที่ ๑" in status
    from store import versions

    assert versions.chain(rdb, "naphu", 1).step == 0
    assert all(len(d) <= 300 for _, d in postback_buttons(first))


def test_racing_taps_move_the_chain_once(sim, rdb, plan):
    admin, reviewers = setup_chain(sim, rdb, plan)
    compile_memo()
    approve = buttons(review_request(sim, reviewers[0], 1))["เห็นชอบ"]
    threads = [
        threading.Thread(target=sim.send_postback, args=(reviewers[0], approve)) for _ in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sim.wait_for(reviewers[0], 15)
    sim.send_text(reviewers[0], "ไม่มีความเห็น")
    sim.send_text(reviewers[0], "ไม่มีความเห็น")
    review_request(sim, reviewers[1], 1)
    settle(rdb)  # every tap handled, every push pushed
    requests_to_second = [m for m in sim.messages(reviewers[1]) if m["message"]["type"] == "flex"]
    assert len(requests_to_second) == 1
    from store import versions

    chain = versions.chain(rdb, "naphu", 1)
    assert chain.step == 1 and chain.steps[0].decision == "approve"
    assert rdb.llen("ita:{naphu}:memo:1:log") == 1


def test_comment_typed_before_the_tap_and_status_for_reviewers(sim, rdb, plan):
    admin, reviewers = setup_chain(sim, rdb, plan)
    compile_memo()
    first = review_request(sim, reviewers[0], 1)
    count = len(sim.messages(reviewers[0]))
    sim.send_text(reviewers[0], "ตรวจสอบแล้ว เห็นควรเสนอต่อ")
    assert "รับความเห็น" in message_text(sim.wait_for(reviewers[0], count + 1)[-1]["message"])
    sim.send_postback(reviewers[0], buttons(first)["เห็นชอบ"])
    assert "รองปลัด" in message_text(sim.wait_for(reviewers[0], count + 2)[-1]["message"])
    from store import versions

    chain = versions.chain(rdb, "naphu", 1)
    assert chain.step == 1 and chain.steps[0].comment == "ตรวจสอบแล้ว เห็นควรเสนอต่อ"
    sim.send_text(reviewers[1], "สถานะบันทึก")
    status = message_text(sim.wait_for(reviewers[1], 6)[-1]["message"])
    assert "ตรวจสอบแล้ว เห็นควรเสนอต่อ" in status and "รองปลัด อบต.นาพู่" in status


def test_a_reviewer_holding_the_memo_over_a_day_is_nudged_once_per_day(sim, rdb, plan):
    from datetime import datetime, timedelta

    from jobs.remind import nudge_reviewers
    from store import versions

    admin, reviewers = setup_chain(sim, rdb, plan)
    compile_memo()
    review_request(sim, reviewers[0], 1)
    since = datetime.fromisoformat(versions.chain(rdb, "naphu", 1).since)
    assert nudge_reviewers("naphu", (since + timedelta(hours=3)).isoformat()) is False
    assert nudge_reviewers("naphu", (since + timedelta(hours=25)).isoformat()) is True
    assert nudge_reviewers("naphu", (since + timedelta(hours=25, minutes=5)).isoformat()) is True

    def nudges():
        return [
            m
            for m in sim.messages(reviewers[0])
            if "รอการพิจารณาของท่านมาแล้ว" in message_text(m["message"])
        ]

    wait_until(nudges, message="the nudge")
    settle(rdb)
    assert len(nudges()) == 1  # the same day's nudge twice is delivered once
    assert "๑ วัน" in message_text(nudges()[0]["message"])


def test_the_deadline_compiles_by_itself(sim, rdb, tmp_path):
    from datetime import UTC, datetime, timedelta

    import yaml

    from store import versions

    join(sim, "หัวหน้า", "หัวหน้าสำนักปลัด")
    data = yaml.safe_load(SEED_PLAN.read_text(encoding="utf-8"))
    data["deadline"] = (datetime.now(UTC) + timedelta(seconds=4)).isoformat(timespec="seconds")
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    itabot("plan", "load", str(path))
    wait_until(lambda: versions.current(rdb, "naphu"), timeout=40, message="the deadline compile")
    assert versions.info(rdb, "naphu", 1)["requested_by"] == "schedule"
