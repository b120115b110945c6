"""The plan as files over HTTP: an Excel workbook and YAML downloaded, edited and uploaded
back (the plan changes, statuses of surviving measures stay), a bad row refused with its
sheet, row and column named and nothing changed, and reviewers only reading."""

from __future__ import annotations

import io
import re

import openpyxl

from tests.helpers import signed_in

ORG = "naphu"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csrf(http, web: str) -> str:
    page = http.get(f"{web}/admin/{ORG}/plan/files", timeout=30)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _upload(http, web: str, name: str, content: bytes, kind: str = XLSX):
    return http.post(
        f"{web}/admin/{ORG}/plan/files",
        data={"csrf": _csrf(http, web)},
        files={"file": (name, content, kind)},
        timeout=60,
    )


def _workbook(http, web: str, name: str = "plan.xlsx") -> openpyxl.Workbook:
    response = http.get(f"{web}/admin/{ORG}/plan/files/{name}", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(XLSX)
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _statuses(rdb, plan) -> dict:
    from store import plans
    from store import status as status_store

    return status_store.read_matrix(rdb, plans.get_plan(rdb, ORG)).as_json()


def test_xlsx_round_trip_changes_the_plan_and_keeps_statuses(sim, web, rdb, plan):
    from bot.demo import demo_statuses, seed_statuses
    from store import plans

    seed_statuses(rdb, plan, demo_statuses())
    before = _statuses(rdb, plan)
    http, _ = signed_in(sim, web)
    book = _workbook(http, web)
    sheet = book["มาตรการ"]
    assert [c.value for c in sheet[1]][:2] == ["ข้อ", "ชื่อมาตรการ"]
    assert sheet["A3"].value == "2"
    sheet["B3"] = "ชื่อมาตรการที่แก้ใน Excel"
    response = _upload(http, web, "plan.xlsx", _saved(book))
    assert response.status_code == 200 and "โหลดแผนใหม่แล้ว" in response.text, response.text
    changed = plans.get_plan(rdb, ORG)
    assert changed.measure("2").title == "ชื่อมาตรการที่แก้ใน Excel"
    assert changed.model_dump(exclude={"measures"}) == plan.model_dump(exclude={"measures"})
    assert _statuses(rdb, plan) == before  # every measure survived: every status kept
    from store import plan_revisions

    revision = plan_revisions.revisions(rdb, plan.org.id)[0]  # an upload is a revision too
    assert revision.summary == ["แก้ไขมาตรการข้อ ๒: ชื่อมาตรการ"], revision


def test_bad_row_is_refused_with_sheet_row_and_column_and_nothing_changes(sim, web, rdb, plan):
    from store import plans
    from store.db import key

    http, _ = signed_in(sim, web)
    book = _workbook(http, web)
    book["มาตรการ"]["E4"] = "กองคลัง, กองที่ไม่มีในแผน"
    book["มาตรการ"]["B3"] = "ชื่อที่ไม่ควรถูกบันทึก"
    revision = rdb.get(key(ORG, "plan-rev"))
    response = _upload(http, web, "plan.xlsx", _saved(book))
    assert response.status_code == 422
    problem = re.search(r"<li>([^<]*กองที่ไม่มีในแผน[^<]*)</li>", response.text).group(1)
    assert "แผ่นงาน “มาตรการ”" in problem and "แถว 4" in problem
    assert "คอลัมน์ E “ผู้รับผิดชอบ" in problem
    assert rdb.get(key(ORG, "plan-rev")) == revision
    assert plans.get_plan(rdb, ORG) == plan


def test_yaml_round_trip(sim, web, rdb, plan):
    from store import plans

    http, _ = signed_in(sim, web)
    response = http.get(f"{web}/admin/{ORG}/plan/files/plan.yaml", timeout=30)
    assert response.status_code == 200
    text = response.text
    assert plan.measure("3").title in text
    edited = text.replace(plan.measure("3").title, "มาตรการที่สามแก้ใน YAML")
    response = _upload(http, web, "plan.yaml", edited.encode(), "application/yaml")
    assert response.status_code == 200 and "โหลดแผนใหม่แล้ว" in response.text, response.text
    assert plans.get_plan(rdb, ORG).measure("3").title == "มาตรการที่สามแก้ใน YAML"
    # a bad YAML names its line, and nothing changes
    response = _upload(
        http, web, "plan.yaml", edited.replace("ita_level: E", "ita_level: Z").encode()
    )
    assert response.status_code == 422 and "บรรทัด" in response.text and "ita_level" in response.text
    assert plans.get_plan(rdb, ORG).memo.ita_level == "E"
    # another organisation's plan is not loaded over this one
    response = _upload(http, web, "plan.yaml", edited.replace("id: naphu", "id: other").encode())
    assert response.status_code == 422 and "“other”" in response.text
    assert plans.get_plan(rdb, "other") is None


def test_template_and_example_load_as_this_organisation(sim, web, rdb, plan):
    from store import plans

    http, _ = signed_in(sim, web)
    template = _workbook(http, web, "template.xlsx")
    assert template.sheetnames == [
        "องค์กร", "หัวบันทึก", "กำหนดเวลา", "หน่วยงาน", "มาตรการ", "สายการพิจารณา"
    ]  # fmt: skip
    assert template["องค์กร"]["B2"].value == ORG and template["มาตรการ"].max_row == 1
    response = _upload(http, web, "template.xlsx", _saved(template))
    assert response.status_code == 422 and "แผ่นงาน “องค์กร” แถว 3 คอลัมน์ B" in response.text
    example = _workbook(http, web, "example.xlsx")
    example["องค์กร"]["B3"] = "องค์การบริหารส่วนตำบลตัวอย่าง"
    assert _upload(http, web, "example.xlsx", _saved(example)).status_code == 200
    assert plans.get_plan(rdb, ORG).org.name == "องค์การบริหารส่วนตำบลตัวอย่าง"


def test_reviewer_downloads_but_cannot_upload(sim, web, rdb, plan):
    from store.db import key

    http, _ = signed_in(sim, web, "สราวุทธิ์", "หัวหน้าสำนักปลัด")
    book = _workbook(http, web)
    page = http.get(f"{web}/admin/{ORG}/plan/files", timeout=30).text
    assert 'enctype="multipart/form-data"' not in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # the logout form's
    revision = rdb.get(key(ORG, "plan-rev"))
    response = http.post(
        f"{web}/admin/{ORG}/plan/files",
        data={"csrf": csrf},
        files={"file": ("plan.xlsx", _saved(book), XLSX)},
        timeout=30,
    )
    assert response.status_code == 403
    assert rdb.get(key(ORG, "plan-rev")) == revision


def test_upload_without_csrf_or_too_big_is_refused(sim, web, rdb, plan):
    http, _ = signed_in(sim, web)
    response = http.post(
        f"{web}/admin/{ORG}/plan/files", files={"file": ("p.xlsx", b"x", XLSX)}, timeout=30
    )
    assert response.status_code == 403
    response = _upload(http, web, "plan.xlsx", b"\0" * (600 * 1024))
    assert response.status_code == 422 and "ใหญ่เกินไป" in response.text
    response = _upload(http, web, "plan.xlsx", b"not a workbook")
    assert response.status_code == 422 and "อ่านไฟล์ Excel ไม่ได้" in response.text
