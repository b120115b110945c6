"""The planning officer's web pages over plain HTTP — sign-in, roles, pages, exports."""

from __future__ import annotations

import csv
import io
import re
import time

import openpyxl
import pytest
import requests

from core.values import InviteKind
from simulator.client import message_text
from tests.helpers import join, login_link, report, signed_in, uris_of, wait_until

ORG = "naphu"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def cell_status(html: str, measure: str, division: str) -> str:
    row = re.search(rf'<tr id="measure-{measure}".*?</tr>', html, re.S)
    assert row, f"no row for measure {measure}"
    cell = re.search(
        rf'<td class="cell"[^>]*data-division="{division}" data-status="(\w+)"[^>]*>\s*<span class="pill[^"]*">([^<]+)<',
        row.group(0),
    )
    assert cell, f"no cell for {division} in measure {measure}"
    return cell.group(2)


# -- signing in --------------------------------------------------------------------------------


def test_login_link_works_once_and_sets_a_safe_cookie(sim, web):
    user = join(sim, "กัญรัตน์ แผนงาน", "admin")
    link = login_link(sim, user)
    assert link.startswith(f"{web}/login/{ORG}/")
    first = requests.get(link, allow_redirects=False, timeout=30)
    assert first.status_code == 303
    assert first.headers["Location"].endswith(f"/admin/{ORG}/")
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    assert f"Path=/admin/{ORG}" in cookie
    assert "Secure" not in cookie  # served over plain http here; https adds it (next test)
    again = requests.get(link, timeout=30)
    assert again.status_code == 403
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in again.text
    assert "เข้าสู่ระบบ" in again.text


def test_cookie_is_secure_behind_https(sim, web, rdb):
    from store import sessions

    user = join(sim, "กัญรัตน์ แผนงาน", "admin")
    token = sessions.create_login_token(rdb, ORG, user, ttl=60)
    response = requests.get(
        f"{web}/login/{ORG}/{token}",
        headers={"X-Forwarded-Proto": "https"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]


def test_head_request_does_not_use_the_link(sim, web):
    user = join(sim, "กัญรัตน์ แผนงาน", "admin")
    link = login_link(sim, user)
    assert requests.head(link, timeout=30).status_code == 200
    assert requests.get(link, timeout=30).url == f"{web}/admin/{ORG}/"


def test_expired_link_is_refused(sim, web, rdb):
    from store import sessions

    user = join(sim, "กัญรัตน์ แผนงาน", "admin")
    token = sessions.create_login_token(rdb, ORG, user, ttl=1)
    time.sleep(1.6)
    response = requests.get(f"{web}/login/{ORG}/{token}", timeout=30)
    assert response.status_code == 403
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in response.text
    assert requests.get(f"{web}/login/{ORG}/made-up-token", timeout=30).status_code == 403


def test_link_of_a_person_no_longer_allowed_is_refused(sim, web, rdb):
    from store import people, sessions

    user = join(sim, "อดีตผู้ดูแล", "admin")
    token = sessions.create_login_token(rdb, ORG, user, ttl=60)
    people.remove_person(rdb, ORG, user)
    response = requests.get(f"{web}/login/{ORG}/{token}", timeout=30)
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์" in response.text


def test_staff_and_strangers_get_no_link(sim):
    staff = join(sim, "สมชาย กองคลัง", "กองคลัง")
    stranger = sim.create_user("คนแปลกหน้า")
    for user, before, words in ((staff, 2, "เฉพาะผู้ดูแลระบบ"), (stranger, 0, "ยังไม่ได้ลงทะเบียน")):
        sim.send_text(user, "เข้าสู่ระบบ")
        reply = sim.wait_for(user, before + 1)[-1]["message"]
        assert uris_of(reply) == []
        assert "ขออภัย" in message_text(reply) and words in message_text(reply)


def test_pages_refuse_without_a_session(sim, web):
    paths = [
        "/",
        "history",
        "memo",
        "memo/1",
        "people",
        "export/status.csv",
        "export/status.xlsx",
        "export/history.csv",
        "export/history.xlsx",
    ]
    for path in paths:
        url = f"{web}/admin/{ORG}/" + ("" if path == "/" else path)
        plain = requests.get(url, timeout=30)
        assert plain.status_code == 401, url
        assert "กรุณาเข้าสู่ระบบ" in plain.text
        forged = requests.get(url, cookies={f"itabot_{ORG}": "forged-session-id"}, timeout=30)
        assert forged.status_code == 401, url
    for path in ("people/invite", "people/revoke", "people/remove", "logout"):
        assert (
            requests.post(
                f"{web}/admin/{ORG}/{path}", data={"target": "admin"}, timeout=30
            ).status_code
            == 401
        )
    landing = requests.get(f"{web}/", timeout=30)
    assert landing.status_code == 200 and "เข้าสู่ระบบ" in landing.text


def test_session_of_one_org_opens_nothing_else(sim, web):
    http, _ = signed_in(sim, web)
    assert http.get(f"{web}/admin/otherorg/", timeout=30).status_code == 404
    assert http.get(f"{web}/admin/NOT_AN_ORG/", timeout=30).status_code == 404


# -- roles -------------------------------------------------------------------------------------


def test_reviewer_reads_but_cannot_change(sim, web, rdb):
    from store import people

    staff = join(sim, "สมชาย กองคลัง", "กองคลัง")
    http, reviewer = signed_in(sim, web, "สราวุทธิ์ หัวหน้าสำนักปลัด", "หัวหน้าสำนักปลัด")
    for path in ("", "history", "memo", "people", "export/status.csv", "export/history.xlsx"):
        assert http.get(f"{web}/admin/{ORG}/{path}", timeout=30).status_code == 200, path
    page = http.get(f"{web}/admin/{ORG}/people", timeout=30).text
    assert "ดูอย่างเดียว" in page
    assert "invite-form" not in page and "นำออก" not in page and "ยกเลิกรหัส" not in page
    csrf = csrf_of(page)  # the logout form's: a valid token does not make a reviewer an admin
    code = people.create_invite(rdb, ORG, InviteKind.DIVISION, "กองช่าง")
    attempts = {
        "people/invite": {"target": "admin"},
        "people/revoke": {"code": code},
        "people/remove": {"user": staff},
    }
    for path, form in attempts.items():
        response = http.post(f"{web}/admin/{ORG}/{path}", data={**form, "csrf": csrf}, timeout=30)
        assert response.status_code == 403, path
        assert "ดูข้อมูลได้อย่างเดียว" in response.text
    assert [i["code"] for i in people.list_invites(rdb, ORG)] == [code]
    assert people.get_person(rdb, ORG, staff) is not None
    # and can sign out
    response = http.post(f"{web}/admin/{ORG}/logout", data={"csrf": csrf}, timeout=30)
    assert response.status_code == 200 and "ออกจากระบบแล้ว" in response.text
    assert http.get(f"{web}/admin/{ORG}/", timeout=30).status_code == 401
    assert people.get_person(rdb, ORG, reviewer).positions == ["หัวหน้าสำนักปลัด"]


def test_admin_invites_revokes_and_removes(sim, web, rdb):
    from store import people

    staff = join(sim, "สมชาย กองคลัง", "กองคลัง")
    http, admin = signed_in(sim, web)
    page = http.get(f"{web}/admin/{ORG}/people", timeout=30).text
    assert "สมชาย กองคลัง" in page and "เจ้าหน้าที่กองคลัง" in page
    csrf = csrf_of(page)

    # without the CSRF token nothing happens
    refused = http.post(
        f"{web}/admin/{ORG}/people/invite", data={"target": "division:กองช่าง"}, timeout=30
    )
    assert refused.status_code == 403
    assert people.list_invites(rdb, ORG) == []

    made = http.post(
        f"{web}/admin/{ORG}/people/invite",
        data={"target": "division:กองช่าง", "csrf": csrf},
        timeout=30,
    )
    assert made.status_code == 200
    invites = people.list_invites(rdb, ORG)
    assert [(i["kind"], i["target"]) for i in invites] == [("division", "กองช่าง")]
    code = invites[0]["code"]
    assert code in made.text and "เจ้าหน้าที่กองช่าง" in made.text

    # the code works in LINE
    newcomer = sim.create_user("วีระ กองช่าง")
    sim.send_text(newcomer, f"ลงทะเบียน {code}")
    assert "กองช่าง" in message_text(sim.wait_for(newcomer, 1)[-1]["message"])

    position = http.post(
        f"{web}/admin/{ORG}/people/invite",
        data={"target": "position:ปลัด อบต.นาพู่", "csrf": csrf},
        timeout=30,
    )
    assert position.status_code == 200
    admin_invite = http.post(
        f"{web}/admin/{ORG}/people/invite", data={"target": "admin", "csrf": csrf}, timeout=30
    )
    assert admin_invite.status_code == 200
    bad = http.post(
        f"{web}/admin/{ORG}/people/invite",
        data={"target": "division:กองที่ไม่มี", "csrf": csrf},
        timeout=30,
    )
    assert "กรุณาเลือก" in bad.text
    kinds = sorted((i["kind"], i["target"]) for i in people.list_invites(rdb, ORG))
    assert kinds == [("admin", "admin"), ("position", "ปลัด อบต.นาพู่")]

    for invite in people.list_invites(rdb, ORG):
        revoked = http.post(
            f"{web}/admin/{ORG}/people/revoke",
            data={"code": invite["code"], "csrf": csrf},
            timeout=30,
        )
        assert "ยกเลิกรหัสเชิญแล้ว" in revoked.text
    assert people.list_invites(rdb, ORG) == []

    removed = http.post(
        f"{web}/admin/{ORG}/people/remove", data={"user": staff, "csrf": csrf}, timeout=30
    )
    assert "นำผู้ใช้ออกจากระบบแล้ว" in removed.text
    assert people.get_person(rdb, ORG, staff) is None
    myself = http.post(
        f"{web}/admin/{ORG}/people/remove", data={"user": admin, "csrf": csrf}, timeout=30
    )
    assert "ไม่สามารถนำบัญชีของตนเองออกได้" in myself.text
    assert people.get_person(rdb, ORG, admin) is not None


def test_removed_admin_loses_the_open_session(sim, web):
    first, _ = signed_in(sim, web, "ผู้ดูแลคนแรก")
    second, second_user = signed_in(sim, web, "ผู้ดูแลคนที่สอง")
    csrf = csrf_of(first.get(f"{web}/admin/{ORG}/people", timeout=30).text)
    first.post(
        f"{web}/admin/{ORG}/people/remove", data={"user": second_user, "csrf": csrf}, timeout=30
    )
    assert second.get(f"{web}/admin/{ORG}/", timeout=30).status_code == 401


# -- what the pages show -----------------------------------------------------------------------


def test_progress_page_shows_the_matrix_and_who_is_behind(sim, web, plan):
    treasury = join(sim, "สมชาย กองคลัง", "กองคลัง")
    report(sim, treasury, "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน")
    report(sim, treasury, "ข้อ 1 กำลังทำ")
    http, _ = signed_in(sim, web)
    html = http.get(f"{web}/admin/{ORG}/", timeout=30).text
    header = re.search(r"<thead>.*?</thead>", html, re.S).group(0)
    positions = [header.index(f">{d}<") for d in plan.divisions]
    assert positions == sorted(positions), "division columns in the plan's order"
    for measure in plan.measures:
        assert f"ข้อ {'๐๑๒๓๔๕๖๗๘๙'[int(measure.id)]}" in html
        assert (measure.short_title or measure.title) in html
    assert cell_status(html, "3", "กองคลัง") == "เสร็จแล้ว"
    assert cell_status(html, "1", "กองคลัง") == "กำลังดำเนินการ"
    assert cell_status(html, "1", "กองช่าง") == "ยังไม่เริ่ม"
    assert "ตรวจสอบในเว็บไซต์ของหน่วยงาน" in html
    # derived status: measure 3 (one owner) done; measure 1 in progress
    row3 = re.search(r'<tr id="measure-3".*?</tr>', html, re.S).group(0)
    assert 'class="col-status" data-status="done"' in row3 and 'value="100"' in row3
    row1 = re.search(r'<tr id="measure-1".*?</tr>', html, re.S).group(0)
    assert 'class="col-status" data-status="in_progress"' in row1
    assert re.search(r'id="count-done">๑<', html)
    assert "เลยกำหนดส่งมาแล้ว" in html or "เหลืออีก" in html or "ครบกำหนดส่งวันนี้" in html
    pending = html[html.index('id="pending"') :]
    assert "สมชาย กองคลัง" in pending  # staff of a division with unfinished measures
    assert "ยังไม่มีเจ้าหน้าที่ลงทะเบียน" in pending  # divisions nobody reports for
    assert "Cache-Control" in http.get(f"{web}/admin/{ORG}/", timeout=30).headers


def test_history_page_filters_and_shows_the_message(sim, web, plan):
    treasury = join(sim, "สมชาย กองคลัง", "กองคลัง")
    works = join(sim, "วีระ กองช่าง", "กองช่าง")
    report(sim, treasury, "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน")
    report(sim, works, "ข้อ 5 อยู่ระหว่างดำเนินการ")
    report(sim, works, "ข้อ 1 เสร็จแล้ว")
    http, _ = signed_in(sim, web)
    html = http.get(f"{web}/admin/{ORG}/history", timeout=30).text
    rows = re.findall(r'<tr class="history-row" data-division="([^"]+)" data-id="(\d+)"', html)
    assert [int(i) for _, i in rows] == sorted(
        (int(i) for _, i in rows), reverse=True
    )  # newest first
    assert len(rows) == 3
    assert "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน" in html  # the message it came from
    by_division = http.get(
        f"{web}/admin/{ORG}/history", params={"division": "กองช่าง"}, timeout=30
    ).text
    assert {
        d
        for d, _ in re.findall(
            r'class="history-row" data-division="([^"]+)" data-id="(\d+)"', by_division
        )
    } == {"กองช่าง"}
    assert "ข้อ 5 อยู่ระหว่างดำเนินการ" in by_division and "ตรวจสอบในเว็บไซต์" not in by_division
    by_measure = http.get(f"{web}/admin/{ORG}/history", params={"measure": "3"}, timeout=30).text
    assert len(re.findall(r'class="history-row"', by_measure)) == 1
    by_person = http.get(f"{web}/admin/{ORG}/history", params={"person": works}, timeout=30).text
    assert len(re.findall(r'class="history-row"', by_person)) == 2
    future = http.get(f"{web}/admin/{ORG}/history", params={"since": "2999-01-01"}, timeout=30).text
    assert "ไม่พบรายการตามตัวกรองนี้" in future
    today_only = http.get(
        f"{web}/admin/{ORG}/history",
        params={"since": "2000-01-01", "until": "2999-12-31"},
        timeout=30,
    ).text
    assert len(re.findall(r'class="history-row"', today_only)) == 3
    junk = http.get(
        f"{web}/admin/{ORG}/history",
        params={"division": "<script>", "since": "not-a-date"},
        timeout=30,
    )
    assert junk.status_code == 200 and "<script>" not in junk.text


def test_memo_page_without_versions_and_missing_version(sim, web):
    http, _ = signed_in(sim, web)
    assert "ยังไม่มีบันทึกข้อความ" in http.get(f"{web}/admin/{ORG}/memo", timeout=30).text
    assert http.get(f"{web}/admin/{ORG}/memo/99", timeout=30).status_code == 404


def test_memo_page_shows_versions_and_chain(sim, web, rdb, plan):
    """A version record and chain as the compile job leaves them (the renderer is not needed)."""
    from datetime import UTC, datetime

    from store import versions

    number = versions.allocate(rdb, ORG, requested_by="test", memo_date="2021-03-30")
    versions.publish(
        rdb,
        ORG,
        number,
        snapshot={"measures": []},
        pages=3,
        chain_steps=[(s.position, s.name) for s in plan.chain],
        now=datetime.now(UTC),
    )
    versions.act(
        rdb, ORG, number, 0, "approve", "เห็นควรเสนอรองปลัด", user_id="Ux", now=datetime.now(UTC)
    )
    versions.act(rdb, ORG, number, 1, "reject", "ขอแก้ไขข้อ ๕", user_id="Uy", now=datetime.now(UTC))
    http, _ = signed_in(sim, web)
    listing = http.get(f"{web}/admin/{ORG}/memo", timeout=30).text
    assert "ฉบับที่ ๑" in listing and "ถูกส่งกลับเพื่อแก้ไข" in listing
    detail = http.get(f"{web}/admin/{ORG}/memo/{number}", timeout=30).text
    for step in plan.chain:
        assert step.position in detail and step.name in detail
    assert "เห็นควรเสนอรองปลัด" in detail and "ขอแก้ไขข้อ ๕" in detail
    assert "เห็นชอบ" in detail and "ไม่เห็นชอบ" in detail
    assert "๓๐ มีนาคม ๒๕๖๔" in detail
    links = re.findall(r'href="([^"]+/files/naphu/\d+/[^"]+)"', detail)
    assert any(".pdf?" in link for link in links) and any(".docx?" in link for link in links)
    assert re.search(r'<img id="page-image" src="[^"]+-page1\.png\?exp=\d+&amp;sig=', detail)


# -- exports -----------------------------------------------------------------------------------


def _csv_rows(response: requests.Response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads Thai"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response: requests.Response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_exports_read_back_with_thai_intact(sim, web, rdb, plan):
    from store import status as status_store

    treasury = join(sim, "สมชาย กองคลัง", "กองคลัง")
    report(sim, treasury, "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน")
    report(sim, treasury, "ข้อ 1 กำลังทำ")
    # Text typed in LINE that a spreadsheet would run as a formula must stay text.
    status_store.apply_changes(
        rdb,
        ORG,
        [status_store.Change("5", "กองคลัง", "in_progress")],
        user_id=treasury,
        user_name="สมชาย กองคลัง",
        source='=HYPERLINK("http://x","คลิก")',
        event_id=None,
    )
    http, _ = signed_in(sim, web)

    rows = _csv_rows(http.get(f"{web}/admin/{ORG}/export/status.csv", timeout=30))
    assert rows[0][:4] == ["ข้อ", "มาตรการ", "หน่วยงาน", "สถานะของหน่วยงาน"]
    assert len(rows) - 1 == len(plan.cells())
    by_cell = {(row[0], row[2]): row for row in rows[1:]}
    assert by_cell[("3", "กองคลัง")][3] == "ดำเนินการเสร็จเรียบร้อยแล้ว"
    assert by_cell[("3", "กองคลัง")][5] == "ตรวจสอบในเว็บไซต์ของหน่วยงาน"
    assert by_cell[("3", "กองคลัง")][6] == "สมชาย กองคลัง"
    assert by_cell[("1", "กองคลัง")][3] == "อยู่ระหว่างดำเนินการ"
    assert by_cell[("1", "กองช่าง")][3] == "ยังไม่ดำเนินการ"
    assert by_cell[("1", "กองช่าง")][1] == plan.measure("1").title

    book = _xlsx(http.get(f"{web}/admin/{ORG}/export/status.xlsx", timeout=30))
    overview = book["ภาพรวม"]
    header = [c.value for c in overview[1]]
    assert header[2 : 2 + len(plan.divisions)] == plan.divisions
    row3 = next(r for r in overview.iter_rows(min_row=2, values_only=True) if r[0] == "3")
    assert row3[header.index("กองคลัง")] == "ดำเนินการเสร็จเรียบร้อยแล้ว"
    assert row3[header.index("สถานะของมาตรการ")] == "ดำเนินการเสร็จเรียบร้อยแล้ว"
    assert row3[header.index("กองช่าง")] == "—"
    assert book["รายหน่วยงาน"].max_row - 1 == len(plan.cells())

    history = _csv_rows(http.get(f"{web}/admin/{ORG}/export/history.csv", timeout=30))
    assert history[0][1].startswith("เวลา") and "ข้อความต้นทาง" in history[0]
    source_col = history[0].index("ข้อความต้นทาง")
    sources = [row[source_col] for row in history[1:]]
    assert sources[0] == '\'=HYPERLINK("http://x","คลิก")'  # newest first; formula defused
    assert "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน" in sources
    filtered = _csv_rows(
        http.get(f"{web}/admin/{ORG}/export/history.csv", params={"measure": "3"}, timeout=30)
    )
    assert len(filtered) == 2

    book = _xlsx(http.get(f"{web}/admin/{ORG}/export/history.xlsx", timeout=30))
    sheet = book["ประวัติการรายงาน"]
    header = [c.value for c in sheet[1]]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 3
    texts = [row[header.index("ข้อความต้นทาง")] for row in values]
    assert (
        texts[0] == '=HYPERLINK("http://x","คลิก")'
        and sheet.cell(2, header.index("ข้อความต้นทาง") + 1).data_type == "s"
    )
    assert "ข้อ 1 กำลังทำ" in texts
    assert {row[header.index("ผู้รายงาน")] for row in values} == {"สมชาย กองคลัง"}
    assert values[-1][header.index("สถานะใหม่")] == "ดำเนินการเสร็จเรียบร้อยแล้ว"

    assert http.get(f"{web}/admin/{ORG}/export/other.csv", timeout=30).status_code == 404


@pytest.mark.parametrize("path", ["/admin/naphu/", "/"])
def test_pages_send_protective_headers(sim, web, path):
    http, _ = signed_in(sim, web)
    response = http.get(f"{web}{path}", timeout=30)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_status_change_shows_after_reload(sim, web):
    http, _ = signed_in(sim, web)
    assert cell_status(http.get(f"{web}/admin/{ORG}/", timeout=30).text, "2", "กองช่าง") == "ยังไม่เริ่ม"
    works = join(sim, "วีระ กองช่าง", "กองช่าง")
    report(sim, works, "ข้อ ๒ อยู่ระหว่างดำเนินการ")
    wait_until(
        lambda: (
            cell_status(http.get(f"{web}/admin/{ORG}/", timeout=30).text, "2", "กองช่าง")
            == "กำลังดำเนินการ"
        ),
        message="the change on the page",
    )
