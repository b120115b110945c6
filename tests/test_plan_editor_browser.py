"""The plan editor in Chromium: an admin adds a measure, changes a title and an owner and
moves the deadline; the next memo shows the changes and the history lists the revisions."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from store import plans, versions
from store.db import connect_binary
from tests.browser import CHROMIUM, assert_phone_page
from tests.helpers import compile_memo, join, login_link
from tests.pdf_text import pdf_lines

ORG = "naphu"
DESKTOP = {"width": 1366, "height": 768}
NEW_TITLE = "ส่งเสริมการเผยแพร่ข้อมูลข่าวสารของหน่วยงานผ่านเว็บไซต์"
ADDED_TITLE = "จัดทำคู่มือการให้บริการประชาชนฉบับปรับปรุง"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run scripts/ensure-chromium.sh"
)


@pytest.fixture
def page(browser):
    with contextlib.closing(browser.new_context(viewport=DESKTOP, locale="th-TH")) as context:
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        yield tab


def memo_lines(settings, number: int) -> list:
    return pdf_lines(versions.read_file(connect_binary(settings.redis_url), ORG, number, "pdf"))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def row_beside(lines: list, start: str) -> list[str]:
    """The lines level with the first line that starts with `start` (its table row's cells)."""
    first = next(line for line in lines if squeezed(line.text).startswith(squeezed(start)))
    return [
        squeezed(line.text)
        for line in lines
        if line.page == first.page and abs(line.y - first.y) < 2 and line is not first
    ]


def save(page) -> None:
    page.locator("#plan-save").click()
    assert page.locator("#plan-note").inner_text() == (
        "บันทึกแผนแล้ว มีผลทันทีกับการรายงาน การแจ้งเตือน และบันทึกข้อความฉบับต่อไป"
    )


def test_admin_edits_the_plan_and_the_next_memo_shows_it(sim, web, page, rdb, settings):
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    page.goto(login_link(sim, admin))
    page.get_by_role("link", name="แผน", exact=True).click()
    assert page.url == f"{web}/admin/{ORG}/plan"
    assert page.locator("h1").inner_text() == "แผนการดำเนินการ"

    # first save: a title changed, a measure added in the blank block at the end
    page.locator('textarea[name="measures.0.title"]').fill(NEW_TITLE)
    added = page.locator("#measure-row-6")
    added.locator('input[name="measures.6.id"]').fill("7")
    added.locator('textarea[name="measures.6.title"]').fill(ADDED_TITLE)
    added.locator('textarea[name="measures.6.steps"]').fill("ปรับปรุงคู่มือและเผยแพร่ทางเว็บไซต์")
    added.get_by_label("กองช่าง").check()
    save(page)

    # second save: measure 3 goes from กองคลัง to กองสาธารณสุข, the deadline moves a month
    owners = page.locator("#measure-row-2")
    owners.get_by_label("กองคลัง").uncheck()
    owners.get_by_label("กองสาธารณสุข").check()
    page.locator('input[name="deadline"]').fill("2021-04-30T16:30:00+07:00")
    save(page)

    plan = plans.get_plan(rdb, ORG)
    assert plan.measures[0].title == NEW_TITLE
    assert plan.measure("7").owners == ["กองช่าง"]
    assert plan.measure("3").owners == ["กองสาธารณสุข"]
    assert plan.deadline.isoformat() == "2021-04-30T16:30:00+07:00"

    # the history lists both revisions, newest first, with who made them
    page.get_by_role("link", name="ประวัติการรายงาน").click()
    rows = page.locator("#plan-revisions tr.plan-revision")
    assert rows.count() == 2
    newest, oldest = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "กัญรัตน์ แผนงาน" in newest and "กัญรัตน์ แผนงาน" in oldest
    assert "แก้ไขมาตรการข้อ ๓: ผู้รับผิดชอบ" in newest
    assert "เปลี่ยนกำหนดส่งเป็น ๓๐ เมษายน ๒๕๖๔" in newest
    assert "แก้ไขมาตรการข้อ ๑: ชื่อมาตรการ" in oldest
    assert f"เพิ่มมาตรการข้อ ๗ {ADDED_TITLE}" in oldest

    # the memo compiled next carries the changes
    lines = memo_lines(settings, compile_memo("2021-04-29T10:00:00+07:00"))
    text = squeezed("".join(line.text for line in lines))
    assert squeezed(NEW_TITLE) in text
    assert squeezed(ADDED_TITLE) in text
    # measure 3's row in the plan table names its new owner in the ผู้รับผิดชอบ cell
    beside = row_beside(lines, "(๓) มีนโยบาย")
    assert "กองสาธารณสุข" in beside and "กองคลัง" not in beside, beside

    # the editor on a phone: no sideways scrolling, every control big enough to tap
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{web}/admin/{ORG}/plan")
    assert_phone_page(page)
