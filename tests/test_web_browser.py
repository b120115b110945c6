"""The web pages in a real browser: Debian's Chromium, headless, driven by Playwright (no download)."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import openpyxl
import pytest

from simulator.client import message_text
from tests.browser import CHROMIUM
from tests.helpers import itabot, join, login_link, report, wait_until

ORG = "naphu"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run scripts/ensure-chromium.sh"
)


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="th-TH"
    )
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def cell(page, measure: str, division: str):
    return page.locator(f'#measure-{measure} td[data-division="{division}"]')


def test_admin_watches_progress_filters_history_and_exports(sim, web, page):
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    works = join(sim, "วีระ กองช่าง", "กองช่าง")
    treasury = join(sim, "สมชาย กองคลัง", "กองคลัง")
    report(sim, treasury, "ข้อ 3 กำลังทำ")

    # sign in through the link from LINE
    page.goto(login_link(sim, admin))
    assert page.url == f"{web}/admin/{ORG}/"
    assert page.locator("h1").inner_text() == "ความคืบหน้าการดำเนินการตามมาตรการ"
    headers = page.locator("#matrix thead th").all_inner_texts()
    assert headers[1:6] == ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองสาธารณสุข", "กองสวัสดิการสังคม"]
    assert cell(page, "1", "กองช่าง").locator(".pill").inner_text().strip() == "ยังไม่เริ่ม"

    # a change made in LINE shows on the page
    report(sim, works, "ข้อ 1 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน")

    def shows_done() -> bool:
        page.reload()
        return "เสร็จแล้ว" in cell(page, "1", "กองช่าง").inner_text()

    wait_until(shows_done, message="the status change on the progress page")
    assert cell(page, "1", "กองช่าง").get_attribute("data-status") == "done"
    assert "ตรวจสอบในเว็บไซต์ของหน่วยงาน" in cell(page, "1", "กองช่าง").inner_text()
    assert page.locator("#measure-1 td.col-status").get_attribute("data-status") == "in_progress"

    # status exports from the progress page
    with page.expect_download() as caught:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(Path(caught.value.path()).read_bytes().decode("utf-8-sig"))))
    assert caught.value.suggested_filename.endswith(".csv")
    assert any(r[0] == "1" and r[2] == "กองช่าง" and r[3] == "ดำเนินการเสร็จเรียบร้อยแล้ว" for r in rows)
    with page.expect_download() as caught:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert caught.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(caught.value.path()).read_bytes()))
    overview = book["ภาพรวม"]
    header = [c.value for c in overview[1]]
    row1 = next(r for r in overview.iter_rows(min_row=2, values_only=True) if r[0] == "1")
    assert row1[header.index("กองช่าง")] == "ดำเนินการเสร็จเรียบร้อยแล้ว"
    assert row1[header.index("สถานะของมาตรการ")] == "อยู่ระหว่างดำเนินการ"

    # history, filtered by division through the form
    page.get_by_role("link", name="ประวัติการรายงาน").click()
    assert page.locator("tr.history-row").count() == 2
    page.select_option("select[name=division]", "กองช่าง")
    page.get_by_role("button", name="กรอง").click()
    page.wait_for_url("**/history?*")
    rows_shown = page.locator("tr.history-row")
    assert rows_shown.count() == 1
    assert "ข้อ 1 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน" in rows_shown.first.inner_text()
    assert "วีระ กองช่าง" in rows_shown.first.inner_text()
    assert "พบ ๑ รายการ จากทั้งหมด ๒ รายการ" in page.locator("#result-count").inner_text()

    # exports of the filtered history
    with page.expect_download() as caught:
        page.get_by_role("link", name="CSV").click()
    history = list(
        csv.reader(io.StringIO(Path(caught.value.path()).read_bytes().decode("utf-8-sig")))
    )
    assert len(history) == 2
    assert "ข้อ 1 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน" in history[1]
    with page.expect_download() as caught:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(caught.value.path()).read_bytes()))[
        "ประวัติการรายงาน"
    ]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 1 and "กองช่าง" in values[0] and "วีระ กองช่าง" in values[0]

    # filtering by person and measure from the same form
    page.goto(f"{web}/admin/{ORG}/history")
    page.select_option("select[name=person]", label="สมชาย กองคลัง")
    page.get_by_role("button", name="กรอง").click()
    page.wait_for_url("**/history?*")
    assert page.locator("tr.history-row").count() == 1
    assert "ข้อ 3 กำลังทำ" in page.locator("tr.history-row").first.inner_text()

    # the people page makes an invite code that works in LINE
    page.get_by_role("link", name="ผู้ใช้งาน").click()
    page.select_option("#invite-form select", "division:กองสาธารณสุข")
    page.locator("#invite-form button[type=submit]").click()
    code = page.locator("#new-code-value").inner_text().strip()
    newcomer = sim.create_user("อรอุมา สาธารณสุข")
    sim.send_text(newcomer, f"ลงทะเบียน {code}")
    assert "กองสาธารณสุข" in message_text(sim.wait_for(newcomer, 1)[-1]["message"])

    # sign out: the pages are closed again
    page.get_by_role("button", name="ออกจากระบบ").click()
    assert "ออกจากระบบแล้ว" in page.locator("h1").inner_text()
    response = page.goto(f"{web}/admin/{ORG}/")
    assert response.status == 401


def test_open_a_memo_version(sim, web, page):
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    treasury = join(sim, "สมชาย กองคลัง", "กองคลัง")
    report(sim, treasury, "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน")
    result = itabot("compile", "--at", "2021-03-30T10:00:00+07:00")
    version = int(result.stdout.split("version", 1)[1].split()[0])

    page.goto(login_link(sim, admin))
    page.get_by_role("link", name="บันทึกข้อความ").click()
    card = page.locator(f"#version-{version}")
    assert "อยู่ระหว่างการพิจารณา" in card.inner_text()
    card.get_by_role("link", name="เปิดฉบับนี้").click()
    page.wait_for_url(f"**/memo/{version}")
    assert "ลงวันที่ ๓๐ มีนาคม ๒๕๖๔" in page.locator(".sub").inner_text()
    timeline = page.locator(".timeline .step")
    assert timeline.count() == 4
    assert (
        "หัวหน้าสำนักปลัด" in timeline.first.inner_text() and "รอพิจารณา" in timeline.first.inner_text()
    )

    # the page image is loaded (a signed link), and the PDF and DOCX links open
    image = page.locator("#page-image")
    wait_until(
        lambda: page.evaluate("document.getElementById('page-image').naturalWidth") > 0,
        message="the page image to load",
    )
    assert "/files/naphu/" in image.get_attribute("src")
    pdf = page.request.get(page.locator("#open-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    docx = page.request.get(page.locator("#open-docx").get_attribute("href"))
    assert docx.status == 200 and docx.body().startswith(b"PK")


def test_refused_without_session_or_with_a_spent_or_expired_link(sim, web, rdb, page):
    from store import sessions

    response = page.goto(f"{web}/admin/{ORG}/")
    assert response.status == 401
    assert "กรุณาเข้าสู่ระบบ" in page.locator("h1").inner_text()
    assert page.goto(f"{web}/admin/{ORG}/export/status.xlsx").status == 401

    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    token = sessions.create_login_token(rdb, ORG, admin, ttl=1)
    time.sleep(1.6)
    response = page.goto(f"{web}/login/{ORG}/{token}")
    assert response.status == 403
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in page.locator("h1").inner_text()
    assert page.goto(f"{web}/admin/{ORG}/").status == 401

    link = login_link(sim, admin)
    assert page.goto(link).status == 200
    other = page.context.browser.new_context()
    try:
        second = other.new_page()
        assert second.goto(link).status == 403  # a link works once
    finally:
        other.close()


def test_reviewer_sees_pages_without_forms(sim, web, page):
    reviewer = join(sim, "สราวุทธิ์ แสงสุวรรณ", "หัวหน้าสำนักปลัด")
    page.goto(login_link(sim, reviewer))
    assert "ดูอย่างเดียว" in page.locator(".who").inner_text()
    page.get_by_role("link", name="ผู้ใช้งาน").click()
    assert page.locator("#invite-form").count() == 0
    assert page.get_by_role("button", name="นำออก").count() == 0
    assert "สราวุทธิ์ แสงสุวรรณ" in page.locator("#people").inner_text()
