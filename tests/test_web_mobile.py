"""Issue 19: the admin pages as LINE's in-app browser shows them on a phone (Debian's Chromium,
390 × 844, touch, LINE's user agent), and a demo whose deadline lies ahead.

Every page: the layout is exactly as wide as the screen (no sideways scrolling), no element
reaches past its right edge (unless inside a box that scrolls sideways by design), the menu
folds, and everything one taps is at least 44 × 44 px. The wide-screen tests are in
test_web_browser.py and test_web_pages.py and run unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, assert_fits, assert_phone_page
from tests.helpers import SEED_PLAN, itabot, join, login_link, report, signed_in, wait_until

ORG = "naphu"
LINE_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Safari Line/14.3.0"
)
SHORT = {"not_started": "ยังไม่เริ่ม", "in_progress": "กำลังดำเนินการ", "done": "เสร็จแล้ว"}
LONG_NOTE = "https://www.naphu.go.th/ita/2564/o12/procurement-transparency-report-final-version.pdf"

browser_test = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run scripts/ensure-chromium.sh"
)


def phone_page(browser, width: int = 390, height: int = 844):
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=True,
        has_touch=True,
        user_agent=LINE_IPHONE,
        device_scale_factor=2,
        locale="th-TH",
        accept_downloads=True,
    )
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    return tab


@pytest.fixture
def phone(browser) -> Iterator:
    tab = phone_page(browser)
    yield tab
    tab.context.close()


def open_menu(page) -> None:
    tabs = page.locator("nav.tabs a.tab")
    assert not tabs.first.is_visible(), "the tabs fold into the menu on a phone"
    button = page.locator("label.menu-button")
    assert button.is_visible()
    button.tap()
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        assert tab.is_visible()
    assert_tabs_whole(page)
    assert page.get_by_role("button", name="ออกจากระบบ").is_visible()


def assert_tabs_whole(page) -> None:
    """Each tab's words stay on one line (not "ความ / คืบ / หน้า")."""
    lines = page.evaluate(
        """() => [...document.querySelectorAll('nav.tabs a.tab')].map(a => {
             const range = document.createRange(); range.selectNodeContents(a);
             return [a.innerText.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
           })"""
    )
    assert lines and all(count == 1 for _, count in lines), lines


# -- the pages -------------------------------------------------------------------------------


@browser_test
def test_progress_on_a_phone_cards_menu_and_history(sim, web, phone, plan):
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    treasury = join(sim, "สมชาย กองคลัง", "กองคลัง")
    works = join(sim, "วีระ กองช่าง", "กองช่าง")
    report(sim, treasury, f"ข้อ 3 เสร็จแล้ว {LONG_NOTE}")
    report(sim, treasury, "ข้อ 1 กำลังทำ")
    report(sim, works, "ข้อ 1 เสร็จแล้ว ประชาสัมพันธ์ทางเพจ Facebook ของ อบต.")

    phone.goto(login_link(sim, admin))
    assert phone.url == f"{web}/admin/{ORG}/"
    assert_phone_page(phone)

    # the summary cards stack: one column, one under the other
    cards = phone.locator(".summary .stat")
    boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
    assert len(boxes) == 5
    assert len({round(b["x"]) for b in boxes}) == 1
    assert all(b["y"] >= a["y"] + a["height"] - 1 for a, b in zip(boxes, boxes[1:], strict=False))

    # the matrix: one card per measure, every owner's status readable as a chip named by the
    # division; the columns of divisions that do not own a measure are not shown
    assert not phone.locator("#matrix thead").is_visible()
    expected = {("3", "กองคลัง"): "done", ("1", "กองคลัง"): "in_progress", ("1", "กองช่าง"): "done"}
    for measure in plan.measures:
        card = phone.locator(f"#measure-{measure.id}")
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        text = card.inner_text()
        assert (measure.short_title or measure.title) in text
        for division in plan.divisions:
            chip = card.locator(f'td[data-division="{division}"]')
            if division not in measure.owners:
                assert not chip.is_visible()
                continue
            status = expected.get((measure.id, division), "not_started")
            assert chip.is_visible()
            assert chip.get_attribute("data-status") == status
            assert SHORT[status] in chip.inner_text()
            label = chip.evaluate("el => getComputedStyle(el, '::before').content")
            assert label == f'"{division}"', label
            size = chip.locator(".pill").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
            assert size >= 12, "readable without zooming"
    matrix_text = phone.locator("#matrix").inner_text()
    for label in SHORT.values():
        assert label in matrix_text
    assert LONG_NOTE in phone.locator('#measure-3 td[data-division="กองคลัง"]').inner_text()
    assert phone.locator("#measure-1 td.col-status").inner_text().startswith("กำลังดำเนินการ")

    # exports download from the phone: plain links, the server says "attachment"
    for name, suffix in (("CSV", ".csv"), ("Excel (.xlsx)", ".xlsx")):
        link = phone.get_by_role("link", name=name)
        assert link.get_attribute("target") is None and link.get_attribute("download") is None
        with phone.expect_download() as caught:
            link.tap()
        assert caught.value.suggested_filename.endswith(suffix)

    # the menu opens, fits, and leads to the history
    open_menu(phone)
    assert_phone_page(phone)
    phone.get_by_role("link", name="ประวัติการรายงาน").tap()
    phone.wait_for_url("**/history")
    assert not phone.locator("nav.tabs a.tab").first.is_visible(), "closed again on a new page"
    assert_phone_page(phone)
    rows = phone.locator("tr.history-row")
    assert rows.count() == 3
    oldest = rows.nth(2).inner_text()  # newest first
    assert "สมชาย กองคลัง" in oldest and LONG_NOTE in oldest
    assert rows.first.bounding_box()["width"] <= 390

    # the filters work from the phone, full width
    select = phone.locator("select[name=division]")
    assert select.bounding_box()["width"] > 300
    select.select_option("กองช่าง")
    phone.get_by_role("button", name="กรอง").tap()
    phone.wait_for_url("**/history?*")
    assert phone.locator("tr.history-row").count() == 1
    assert_phone_page(phone)
    with phone.expect_download() as caught:
        phone.get_by_role("link", name="CSV").tap()
    assert caught.value.suggested_filename.endswith(".csv")


@browser_test
@pytest.mark.parametrize("width", [360, 414])
def test_progress_fits_small_and_large_phones(sim, web, browser, plan, width):
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    treasury = join(sim, "สมชาย กองคลัง", "กองคลัง")
    report(sim, treasury, f"ข้อ 5 กำลังทำ {LONG_NOTE}")
    page = phone_page(browser, width=width, height=800)
    try:
        page.goto(login_link(sim, admin))
        assert_phone_page(page, width)
        assert (
            SHORT["in_progress"]
            in page.locator('#measure-5 td[data-division="กองคลัง"]').inner_text()
        )
        for measure in plan.measures:
            box = page.locator(f"#measure-{measure.id}").bounding_box()
            assert box["x"] + box["width"] <= width
        open_menu(page)
        assert_phone_page(page, width)
    finally:
        page.context.close()


@browser_test
def test_a_wide_matrix_scrolls_in_its_own_box_on_a_tablet(sim, web, browser, rdb):
    """Ten divisions: on a tablet (820 px) the table scrolls inside its box with the measure
    column kept in view, the page itself does not; on a phone it is still one card each."""
    from store import plans
    from store.plan_schema import Plan

    seed = plans.get_plan(rdb, ORG)
    more = ["กองการศึกษา", "กองส่งเสริมการเกษตร", "กองการเจ้าหน้าที่", "กองยุทธศาสตร์และงบประมาณ"]
    more += ["กองพัสดุและทรัพย์สิน"]
    data = seed.model_dump(mode="json")
    data["divisions"] += more
    data["measures"][0]["owners"] += more
    plans.save_plan(rdb, Plan.model_validate(data))
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")

    tablet = phone_page(browser, width=820, height=1180)
    try:
        tablet.goto(login_link(sim, admin))
        assert_fits(tablet, 820)  # what is wider is inside the box that scrolls
        assert tablet.locator("#matrix thead").is_visible()
        assert tablet.locator("nav.tabs a.tab").first.is_visible(), "no menu button here"
        assert_tabs_whole(tablet)
        box = tablet.locator(".panel-matrix .table-wrap")
        assert box.evaluate("el => el.scrollWidth > el.clientWidth"), "the table is wider here"
        measure = tablet.locator("#measure-1 th.col-measure")
        first = tablet.locator('#measure-1 td[data-division="สำนักปลัด"]')
        left, first_left = measure.bounding_box()["x"], first.bounding_box()["x"]
        box.evaluate("el => { el.scrollLeft = 400; }")
        tablet.wait_for_function(
            "() => document.querySelector('.panel-matrix .table-wrap').scrollLeft > 0"
        )
        assert abs(measure.bounding_box()["x"] - left) < 1, "the measure column stays in view"
        assert first.bounding_box()["x"] < first_left - 100
    finally:
        tablet.context.close()

    page = phone_page(browser)
    try:
        page.goto(login_link(sim, admin))
        assert_phone_page(page)
        chips = page.locator("#measure-1 td.cell")
        assert chips.count() == 10
        for index in range(10):
            assert chips.nth(index).is_visible()
    finally:
        page.context.close()


@browser_test
def test_memo_versions_and_files_on_a_phone(sim, web, phone):
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    treasury = join(sim, "สมชาย กองคลัง", "กองคลัง")
    report(sim, treasury, "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน")
    out = itabot("compile", "--at", "2021-03-30T10:00:00+07:00").stdout
    version = int(re.search(r"version (\d+)", out).group(1))

    phone.goto(login_link(sim, admin))
    open_menu(phone)
    phone.get_by_role("link", name="บันทึกข้อความ").tap()
    phone.wait_for_url("**/memo")
    assert_phone_page(phone)
    card = phone.locator(f"#version-{version}")
    assert "อยู่ระหว่างการพิจารณา" in card.inner_text()
    card.get_by_role("link", name="เปิดฉบับนี้").tap()
    phone.wait_for_url(f"**/memo/{version}")
    wait_until(
        lambda: phone.evaluate("document.getElementById('page-image').naturalWidth") > 0,
        message="the page image to load",
    )
    assert_phone_page(phone)
    assert phone.locator(".timeline .step").count() == 4

    # the file links are plain links LINE's browser follows: no new window, no download trick
    for selector in ("#open-pdf", "#open-docx", "a.preview-link"):
        link = phone.locator(selector)
        assert link.get_attribute("target") is None, selector
        assert link.get_attribute("download") is None, selector
    pdf = phone.request.get(phone.locator("#open-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline")  # opens in the browser
    with phone.expect_download() as caught:
        phone.locator("#open-docx").tap()
    assert caught.value.suggested_filename == f"memo-{ORG}-v{version}.docx"
    assert Path(caught.value.path()).read_bytes().startswith(b"PK")

    # back through the crumbs
    phone.locator(".crumbs a").tap()
    phone.wait_for_url("**/memo")


@browser_test
def test_people_on_a_phone_invite_from_the_form(sim, web, phone):
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    join(sim, "สมชาย กองคลัง", "กองคลัง")
    join(sim, "สราวุทธิ์ แสงสุวรรณ", "หัวหน้าสำนักปลัด")
    phone.goto(login_link(sim, admin))
    open_menu(phone)
    phone.get_by_role("link", name="ผู้ใช้งาน").tap()
    phone.wait_for_url("**/people")
    assert_phone_page(phone)
    people = phone.locator("#people").inner_text()
    assert "สมชาย กองคลัง" in people and "เจ้าหน้าที่กองคลัง" in people
    joined = phone.locator("#people td[data-label]").first
    assert joined.evaluate("el => getComputedStyle(el, '::before').content") == '"ลงทะเบียนเมื่อ "'
    phone.select_option("#invite-form select", "division:กองสาธารณสุข")
    phone.locator("#invite-form button[type=submit]").tap()
    phone.wait_for_url("**/people?*")
    code = phone.locator("#new-code-value").inner_text().strip()
    assert code and code in phone.locator("#invite-list").inner_text()
    assert_phone_page(phone)


@browser_test
def test_reviewer_pages_on_a_phone(sim, web, phone):
    reviewer = join(sim, "สราวุทธิ์ แสงสุวรรณ", "หัวหน้าสำนักปลัด")
    phone.goto(login_link(sim, reviewer))
    assert_phone_page(phone)
    open_menu(phone)
    assert "ดูอย่างเดียว" in phone.locator(".who").inner_text()
    assert_phone_page(phone)
    for path in ("history", "memo", "people"):
        phone.goto(f"{web}/admin/{ORG}/{path}")
        assert_phone_page(phone)
    assert phone.locator("#invite-form").count() == 0


@browser_test
def test_sign_in_and_error_pages_on_a_phone(sim, web, phone):
    assert phone.goto(f"{web}/").status == 200
    assert "เข้าสู่ระบบ" in phone.locator("h1").inner_text()
    assert_phone_page(phone)
    assert phone.goto(f"{web}/admin/{ORG}/").status == 401
    assert_phone_page(phone)
    assert phone.goto(f"{web}/login/{ORG}/made-up-token").status == 403
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in phone.locator("h1").inner_text()
    assert_phone_page(phone)

    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    phone.goto(login_link(sim, admin))
    assert phone.goto(f"{web}/admin/{ORG}/memo/99").status == 404
    assert_phone_page(phone)
    phone.get_by_role("link", name="กลับไปหน้าความคืบหน้า").tap()
    phone.wait_for_url(f"{web}/admin/{ORG}/")
    open_menu(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="ออกจากระบบ").tap()
    assert "ออกจากระบบแล้ว" in phone.locator("h1").inner_text()
    assert_phone_page(phone)


# -- the demo --------------------------------------------------------------------------------


def test_demo_is_due_two_weeks_from_today(sim, web, rdb):
    from jobs.schedule import reminder_slots
    from store import plans
    from store import status as status_store
    from store.db import key
    from store.plan_schema import load_plan_file

    before = datetime.now(UTC)
    itabot("demo", "--statuses")
    plan = plans.get_plan(rdb, ORG)
    due = plan.local_deadline()
    today = before.astimezone(plan.tz).date()
    assert due.date() in (today + timedelta(days=14), today + timedelta(days=15))  # midnight
    assert (due.hour, due.minute) == (16, 30) and due.utcoffset() == timedelta(hours=7)
    # every reminder of the schedule (7, 3 and 1 days before, 09:00) still lies ahead
    slots = reminder_slots(plan)
    assert len(slots) == 3 and all(slot > before for slot in slots)
    scheduled = rdb.smembers(key(ORG, "scheduled-jobs"))
    assert sum("-remind-" in job for job in scheduled) == 3
    assert sum("-compile-" in job for job in scheduled) == 1
    # the memo's own dates stay those of the seed, earlier than the deadline
    assert plan.memo.analysis_memo_date < due.date()
    # only the deadline moved: the rest is the seed's plan, whose file keeps its 2021 dates
    seed = load_plan_file(str(SEED_PLAN))
    assert plan.model_dump(exclude={"deadline"}) == seed.model_dump(exclude={"deadline"})
    assert seed.deadline.year == 2021
    assert status_store.read_matrix(rdb, plan).cells, "the seed's statuses were set"

    # the progress page counts down instead of "เลยกำหนดส่งมาแล้ว ๒๐๗๒ วัน"
    http, _ = signed_in(sim, web)
    page = http.get(f"{web}/admin/{ORG}/", timeout=30).text
    assert re.search(r"เหลืออีก [๐-๙]+ วันถึงกำหนดส่ง", page), "a count-down"
    assert "เลยกำหนดส่งมาแล้ว" not in page

    # running the demo again (make run after a restart) keeps the deadline it scheduled for
    itabot("demo", "--statuses")
    assert plans.get_plan(rdb, ORG).deadline == plan.deadline
