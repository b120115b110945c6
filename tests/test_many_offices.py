"""Two organisations with two LINE channels on one deployment: each one's staff report, its
memo is compiled and approved, and nothing of one reaches the other (webhook paths, secrets,
tokens, pages, exports, file links, postbacks, invite codes). The first organisation is the
seed plan's on the simulator's default channel and the environment's credentials (the
single-channel set-up); the second is registered with `itabot org add` and its own channel."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
import requests

from core.config import DEMO_ACCESS_TOKEN
from core.texts import chat as chat_texts
from simulator import webhook
from simulator.client import message_text, postback_buttons
from tests.helpers import (
    SEED_PLAN,
    buttons,
    compile_memo,
    invite,
    itabot,
    join,
    last_word,
    login_link,
    report,
    review_request,
    settle,
    signed_in,
    tap_and_comment,
    wait_until,
)
from tests.pdf_text import pdf_lines

ORG_A = "naphu"
ORG_B = "napho"
NAME_B = "องค์การบริหารส่วนตำบลนาโพธิ์"
SECRET_B = "5f1e0c9a7b3d4e2f8a6c1b0d9e7f3a2c"  # LINE's secrets are 32 hex digits
TOKEN_B = "napho+Access/Token=" + "x" * 40
CREDENTIALS_B = (
    "# the napho channel, from LINE's console\n"
    f"LINE_CHANNEL_SECRET={SECRET_B}\n\n"
    f"LINE_CHANNEL_ACCESS_TOKEN={TOKEN_B}\n"
)
AT = "2021-03-30T10:00:00+07:00"


@dataclass
class Office:
    org: str
    channel: str | None  # the simulator's channel id; None: its default channel
    name: str
    place: str  # the name of the place, as every text of this office says it
    chain: list[str] = field(default_factory=list)  # the plan's chain positions, in order

    def join(self, sim, name: str, target: str) -> str:
        return join(sim, name, target, self.org, self.channel)

    def status(self) -> dict[tuple[str, str], str]:
        """(measure, division) → status, from `itabot status --org ORG --json`."""
        out = json.loads(itabot("status", "--org", self.org, "--json").stdout)
        return {(m["id"], d): s for m in out["measures"] for d, s in m["divisions"].items()}


def second_plan() -> str:
    """The seed plan made another organisation's: another id, name, district and province."""
    text = SEED_PLAN.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  id: naphu$", f"  id: {ORG_B}", text, count=1)
    for old, new in (
        ("นาพู่", "นาโพธิ์"),
        ("อำเภอเพ็ญ", "อำเภอบ้านฝาง"),
        ("จังหวัดอุดรธานี", "จังหวัดขอนแก่น"),
    ):
        text = text.replace(old, new)
    return text


@pytest.fixture
def offices(sim, web, rdb, plan, tmp_path) -> tuple[Office, Office]:
    """The seed organisation as it is, and a second one with its own channel, as an operator
    adds it: `itabot org add` with the credentials on stdin, then `itabot plan load`."""
    from store import plans

    plan_file = tmp_path / f"{ORG_B}.yaml"
    plan_file.write_text(second_plan(), encoding="utf-8")
    itabot("org", "add", ORG_B, "--credentials", "-", stdin=CREDENTIALS_B)
    itabot("plan", "load", str(plan_file))
    plan_b = plans.get_plan(rdb, ORG_B)
    assert plan_b is not None and plan_b.org.name == NAME_B
    assert plans.default_org(rdb) == ORG_A  # the first plan loaded stays the default
    channel = sim.create_channel(SECRET_B, TOKEN_B, f"{web}/callback/{ORG_B}", name="อบต.นาโพธิ์")
    return (
        Office(ORG_A, None, plan.org.name, "นาพู่", [s.position for s in plan.chain]),
        Office(ORG_B, channel, NAME_B, "นาโพธิ์", [s.position for s in plan_b.chain]),
    )


def staff_and_chain(sim, office: Office) -> tuple[str, str, list[str]]:
    """An admin, a กองคลัง staff member and one reviewer per chain step, all joined."""
    admin = office.join(sim, f"แอดมิน {office.org}", "admin")
    staff = office.join(sim, f"คลัง {office.org}", "กองคลัง")
    reviewers = [office.join(sim, f"ผู้ตรวจ {i} {office.org}", p) for i, p in enumerate(office.chain)]
    return admin, staff, reviewers


def final_pdf_text(sim, admin: str) -> str:
    """The text of the approved memo's PDF pushed to the author, spaces removed."""

    def final() -> list[dict]:
        return [
            m["message"]
            for m in sim.messages(admin)
            if m["message"]["type"] == "flex" and "ได้รับอนุมัติแล้ว" in message_text(m["message"])
        ]

    message = wait_until(final, timeout=60, message="the final memo")[0]
    link = next(a for a in re.findall(r"https?://[^'\"\s]+", str(message)) if ".pdf" in a)
    pdf = requests.get(link, timeout=30).content
    return re.sub(r"\s+", "", "".join(line.text for line in pdf_lines(pdf)))


# -- the whole year of two offices at once ---------------------------------------------------


def test_two_offices_report_compile_and_approve_each_on_its_own_channel(sim, rdb, offices):
    a, b = offices
    people = {office.org: staff_and_chain(sim, office) for office in offices}
    report(sim, people[ORG_A][1], "ข้อ ๓ เสร็จแล้ว ตรวจสอบในเว็บไซต์")
    report(sim, people[ORG_B][1], "ข้อ ๒ อยู่ระหว่างดำเนินการ")
    assert (a.status()[("3", "กองคลัง")], a.status()[("2", "กองคลัง")]) == ("done", "not_started")
    assert (b.status()[("3", "กองคลัง")], b.status()[("2", "กองคลัง")]) == (
        "not_started",
        "in_progress",
    )

    assert compile_memo(AT) == 1
    out = itabot("compile", "--org", ORG_B, "--at", AT).stdout
    assert int(re.search(r"version (\d+)", out).group(1)) == 1
    # Both chains are walked at once, step by step, each reviewer in their own chat.
    for step in range(len(a.chain)):
        for office in offices:
            user = people[office.org][2][step]
            label = "อนุมัติ" if step == len(office.chain) - 1 else "เห็นชอบ"
            request = review_request(sim, user, 1)
            other = b.place if office is a else a.place
            assert office.place in message_text(request) and other not in message_text(request)
            tap_and_comment(sim, user, buttons(request)[label], None, len(sim.messages(user)))

    text_a, text_b = final_pdf_text(sim, people[ORG_A][0]), final_pdf_text(sim, people[ORG_B][0])
    assert "นาพู่" in text_a and "นาโพธิ์" not in text_a
    assert "นาโพธิ์" in text_b and "นาพู่" not in text_b
    from store import versions

    assert versions.info(rdb, ORG_A, 1).get("final") == "1"
    assert versions.info(rdb, ORG_B, 1).get("final") == "1"
    settle(rdb)
    assert_each_channel_used_its_own_token(sim, people)


def assert_each_channel_used_its_own_token(sim, people: dict[str, tuple]) -> None:
    """Every Messaging API call for B carried B's token and addressed only B's users; the
    default channel's carried the environment's token; no call carried an unknown token."""
    users = {org: {admin, staff, *reviewers} for org, (admin, staff, reviewers) in people.items()}
    calls = sim.api_calls()
    assert calls and all(c["channel"] is not None for c in calls), "a call with an unknown token"
    by_channel: dict[str, set[str]] = {}
    for call in calls:
        expected = DEMO_ACCESS_TOKEN if call["channel"] == "default" else TOKEN_B
        assert call["token"] == expected, call["path"]
        body = call["body"] if isinstance(call["body"], dict) else {}
        to = body.get("to")
        by_channel.setdefault(call["channel"], set()).update(
            [to] if isinstance(to, str) else to or []
        )
    channel_b = next(c["id"] for c in sim.channels() if c["id"] != "default")
    assert by_channel[channel_b] <= users[ORG_B] and by_channel[channel_b]
    assert by_channel["default"] <= users[ORG_A]
    for org, members in users.items():
        for user in members:
            assert {m["channel"] for m in sim.messages(user)} == {
                channel_b if org == ORG_B else "default"
            }


# -- nothing crosses over ----------------------------------------------------------------------


def test_a_webhook_signed_for_one_office_is_refused_at_the_others_path(sim, web, rdb, offices):
    a, b = offices
    newcomer = sim.create_user("ผู้มาใหม่ นาโพธิ์", channel=b.channel)
    code_b = invite("กองคลัง", ORG_B)
    event = webhook.text_event(newcomer, f"ลงทะเบียน {code_b}", webhook.new_reply_token())
    body = webhook.webhook_body("U" + "0" * 32, [event])
    # A's secret (the environment's) on B's path, and B's secret on A's paths: 400.
    assert sim.send_raw(body, None, sign=True, url=f"{web}/callback/{ORG_B}") == 400
    assert sim.send_raw(body, None, sign=True, channel=b.channel, url=f"{web}/callback") == 400
    assert (
        sim.send_raw(body, None, sign=True, channel=b.channel, url=f"{web}/callback/{ORG_A}") == 400
    )
    # An organisation that does not exist: 404, whatever the body.
    unknown = requests.post(f"{web}/callback/nosuch", data=b"not json", timeout=10)
    assert unknown.status_code == 404
    settle(rdb)
    from store import people

    assert people.get_person(rdb, ORG_B, newcomer) is None
    assert sim.messages(newcomer) == []
    # The same body signed with B's secret at B's path is B's: the code works.
    assert sim.send_raw(body, None, sign=True, channel=b.channel) == 200
    settle(rdb)
    assert people.get_person(rdb, ORG_B, newcomer) is not None


def test_an_invite_code_of_one_office_registers_nobody_at_the_other(sim, rdb, offices):
    from store import people

    a, b = offices
    code_a, code_b = invite("กองคลัง", ORG_A), invite("กองคลัง", ORG_B)
    in_b = sim.create_user("คนของนาโพธิ์", channel=b.channel)
    in_a = sim.create_user("คนของนาพู่")
    for user, code in ((in_b, code_a), (in_a, code_b)):
        answer = message_text(last_word(sim, user, f"ลงทะเบียน {code}")[-1]["message"])
        assert chat_texts.REGISTER_BAD_CODE in answer, answer
    assert (
        people.get_person(rdb, ORG_B, in_b) is None and people.get_person(rdb, ORG_A, in_b) is None
    )
    assert (
        people.get_person(rdb, ORG_A, in_a) is None and people.get_person(rdb, ORG_B, in_a) is None
    )
    # A member of A, following B too under the same user id, cannot use A's code there.
    member_a = join(sim, "สมาชิก นาพู่", "กองคลัง")
    second_chat = sim.create_user("สมาชิก นาพู่", channel=b.channel, same_person_as=member_a)
    answer = message_text(last_word(sim, second_chat, f"ลงทะเบียน {code_a}")[-1]["message"])
    assert chat_texts.REGISTER_BAD_CODE in answer, answer
    assert people.get_person(rdb, ORG_B, member_a) is None
    # Each code still works in its own office: refusing it elsewhere did not use it up.
    for user, code, org in ((in_a, code_a, ORG_A), (in_b, code_b, ORG_B)):
        last_word(sim, user, f"ลงทะเบียน {code}")
        assert people.get_person(rdb, org, user) is not None


def test_a_button_from_one_offices_chat_is_refused_in_the_others(sim, rdb, offices):
    a, b = offices
    staff_a = a.join(sim, "คลัง นาพู่", "กองคลัง")
    other_b = b.join(sim, "คลัง นาโพธิ์", "กองคลัง")
    # staff of both offices, one LINE user id in both chats
    same_b = join(sim, "คลัง นาพู่", "กองคลัง", ORG_B, b.channel, same_person_as=staff_a)
    from store import people

    assert people.get_person(rdb, ORG_B, sim.line_user_id(same_b)) is not None
    carousel = last_word(sim, staff_a, "รายงาน")[-1]["message"]
    taps = [data for _, data in postback_buttons(carousel)]
    assert taps, message_text(carousel)
    before = b.status()
    for user in (other_b, same_b):
        for data in taps[:3]:
            count = len(sim.messages(user))
            assert sim.send_postback(user, data) == 200
            answer = message_text(sim.wait_for(user, count + 1)[-1]["message"])
            assert chat_texts.FORGED_BUTTON in answer, answer
    settle(rdb)
    assert b.status() == before
    from store import status

    assert status.history(rdb, ORG_B) == []
    # The same button (measure 1 in progress) in its own chat works.
    assert sim.send_postback(staff_a, taps[1]) == 200
    settle(rdb)
    assert len(status.history(rdb, ORG_A)) == 1


def test_an_admin_of_one_office_sees_nothing_of_the_other(sim, web, rdb, offices):
    a, b = offices
    http_a, admin_a = signed_in(sim, web, "แอดมิน นาพู่")
    http_b, _ = signed_in(sim, web, "แอดมิน นาโพธิ์", org=ORG_B, channel=b.channel)
    staff_b = b.join(sim, "มานี นาโพธิ์", "กองคลัง")
    report(sim, staff_b, "ข้อ ๒ อยู่ระหว่างดำเนินการ")
    own = http_b.get(f"{web}/admin/{ORG_B}/history", timeout=30)
    assert own.status_code == 200 and "มานี นาโพธิ์" in own.text

    sid_a = http_a.cookies.get(f"itabot_{ORG_A}")
    assert sid_a
    # A's session cookie, sent as is and as if it were B's, opens none of B's pages or exports.
    forged = requests.Session()
    forged.cookies.set(f"itabot_{ORG_B}", sid_a, path=f"/admin/{ORG_B}")
    forged.cookies.set(f"itabot_{ORG_A}", sid_a, path=f"/admin/{ORG_B}")
    paths = ["/", "/history", "/people", "/memo", "/export/status.csv", "/export/history.xlsx"]
    for http in (http_a, forged):
        for path in paths:
            answer = http.get(f"{web}/admin/{ORG_B}{path}", timeout=30)
            assert answer.status_code in (401, 403, 404), (path, answer.status_code)
            assert "นาโพธิ์" not in answer.text and "มานี" not in answer.text, path
        refused = http.post(
            f"{web}/admin/{ORG_B}/people/invite", data={"target": "admin:admin"}, timeout=30
        )
        assert refused.status_code in (401, 403, 404)
    # A's own exports hold nothing of B's.
    history_a = http_a.get(f"{web}/admin/{ORG_A}/export/history.csv", timeout=30)
    assert history_a.status_code == 200 and "มานี" not in history_a.text
    # A's one-time sign-in link, pointed at B, is refused.
    link = login_link(sim, admin_a).replace(f"/login/{ORG_A}/", f"/login/{ORG_B}/")
    assert requests.get(link, timeout=30).status_code == 403


def test_a_file_link_of_one_office_opens_nothing_of_the_other(sim, web, settings, offices):
    from core.file_links import file_url
    from store import versions
    from store.db import connect_binary

    files = connect_binary(settings.redis_url)
    versions.store_files(files, ORG_A, 1, {"pdf": b"%PDF-1.7 naphu\n%%EOF"})
    versions.store_files(files, ORG_B, 1, {"pdf": b"%PDF-1.7 napho\n%%EOF"})
    link_a = file_url(settings, ORG_A, 1, "pdf")
    assert requests.get(link_a, timeout=10).content.endswith(b"naphu\n%%EOF")
    for edited in (
        link_a.replace(f"/files/{ORG_A}/1/memo-{ORG_A}-", f"/files/{ORG_B}/1/memo-{ORG_B}-"),
        link_a.replace(f"/files/{ORG_A}/", f"/files/{ORG_B}/"),
    ):
        answer = requests.get(edited, timeout=10)
        assert answer.status_code == 403, edited
        assert b"napho" not in answer.content
    link_b = file_url(settings, ORG_B, 1, "pdf")
    assert requests.get(link_b, timeout=10).content.endswith(b"napho\n%%EOF")


# -- the single-channel contract ---------------------------------------------------------------


def test_callback_without_org_still_serves_the_default_office_with_the_env_credentials(
    sim, web, rdb, offices
):
    from store import people

    assert sim.config()["webhookUrl"] == f"{web}/callback"
    user = join(sim, "คลัง นาพู่", "กองคลัง")  # the default channel, POST /callback
    assert people.get_person(rdb, ORG_A, user) is not None
    assert people.get_person(rdb, ORG_B, user) is None
    report(sim, user, "ข้อ ๕ กำลังทำ")
    assert offices[0].status()[("5", "กองคลัง")] == "in_progress"
    assert offices[1].status()[("5", "กองคลัง")] == "not_started"
    settle(rdb)
    assert {m["channel"] for m in sim.messages(user)} == {"default"}
    calls = sim.api_calls(channel="default")
    assert calls and {c["token"] for c in calls} == {DEMO_ACCESS_TOKEN}
    # `itabot status` without --org is the default office's.
    plain = json.loads(itabot("status", "--json").stdout)
    assert next(m for m in plain["measures"] if m["id"] == "5")["divisions"]["กองคลัง"] == (
        "in_progress"
    )
