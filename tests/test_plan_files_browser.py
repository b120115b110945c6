"""In Chromium on a phone: the plan's files page fits and takes an upload through its form
(a workbook from the page's own download, one cell edited), and the people page shows each
new invite's QR and join link."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.browser import CHROMIUM, assert_phone_page, new_tab
from tests.helpers import join, login_link

ORG = "naphu"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run scripts/ensure-chromium.sh"
)


@pytest.fixture
def phone(browser):
    tab = new_tab(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield tab
    tab.context.close()


def test_upload_an_edited_workbook_from_a_phone(sim, web, rdb, phone, tmp_path):
    from store import plans

    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    phone.goto(login_link(sim, admin))
    phone.goto(f"{web}/admin/{ORG}/plan/files")
    assert_phone_page(phone)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="แผนปัจจุบัน (Excel)").tap()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    book["สายการพิจารณา"]["B2"] = "จ.อ.ชื่อใหม่ ในสายการพิจารณา"
    edited = tmp_path / "plan.xlsx"
    book.save(edited)
    phone.set_input_files("#plan-upload input[type=file]", str(edited))
    phone.locator("#plan-upload button[type=submit]").tap()
    phone.wait_for_url("**/plan/files?*")
    assert "โหลดแผนใหม่แล้ว" in phone.locator("#plan-note").inner_text()
    assert plans.get_plan(rdb, ORG).chain[0].name == "จ.อ.ชื่อใหม่ ในสายการพิจารณา"
    assert_phone_page(phone)

    phone.goto(f"{web}/admin/{ORG}/people")
    phone.select_option("#invite-form select", "position:หัวหน้าสำนักปลัด")
    phone.locator("#invite-form button[type=submit]").tap()
    phone.wait_for_url("**/people?*")
    code = phone.locator("#new-code-value").inner_text().strip()
    qr = phone.locator(f"#new-code .join-link[data-code='{code}'] img.join-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    href = phone.locator("#new-code .join-href").get_attribute("href")
    assert href.startswith("https://line.me/R/oaMessage/@") and href.endswith(f"%20{code}")
    assert_phone_page(phone)
