"""Evidence on the admin pages, in the ITA evidence export and in the memo: the progress
page's counts, a cell's page in Chromium (thumbnails, sender, time; remove and upload through
its forms), the ZIP whose index lists every item and whose every file opens, and the memo's
annex when the plan asks for it."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from PIL import Image
from pypdf import PdfReader

from store import evidence_records
from tests import sample_files
from tests.browser import launched
from tests.helpers import (
    SEED_PLAN,
    compile_memo,
    itabot,
    join,
    login_link,
    report,
    signed_in,
    wait_until,
)
from tests.pdf_text import pdf_lines

ORG = "naphu"
DIVISION = "กองคลัง"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with launched() as chromium:
        yield chromium


def staff_with_evidence(sim, rdb, files: list[tuple[str, bytes, str]]) -> str:
    """A กองคลัง staff member who reported measure 3 and sent these (name, data, type);
    name "" for a photo. Returns the user once everything is attached."""
    wait_until(lambda: rdb.scard("rq:workers"), timeout=90, message="the worker to start")
    user = join(sim, "สมศรี การเงิน", DIVISION)
    report(sim, user, "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์")
    for name, data, content_type in files:
        before = len(sim.messages(user))
        if name:
            sim.send_file(user, data, name, content_type)
        else:
            sim.send_image(user, data, content_type)
        sim.wait_for(user, before + 1)
    assert len(evidence_records.all_items(rdb, ORG)) == len(files)
    return user


def test_the_cell_page_in_chromium_shows_thumbnails(sim, rdb, web, browser):
    photos = [
        ("", sample_files.jpeg(color=(200, 0, 0)), "image/jpeg"),
        ("", sample_files.png(), "image/png"),
    ]
    staff_with_evidence(sim, rdb, [*photos, ("คำสั่ง.pdf", sample_files.pdf(), "application/pdf")])
    admin = join(sim, "กัญรัตน์ แผนงาน", "admin")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the remove button asks first
    try:
        page.goto(login_link(sim, admin))
        cell = page.locator(f'#measure-3 td[data-division="{DIVISION}"] a.cell-evidence')
        assert cell.inner_text() == "หลักฐาน ๓"
        cell.click()
        page.wait_for_selector(".evidence-item")
        assert page.locator(".evidence-item").count() == 3
        images = page.locator(".evidence-thumb img")
        assert images.count() == 2
        for index in range(2):
            images.nth(index).scroll_into_view_if_needed()
            wait_until(
                lambda i=index: images.nth(i).evaluate(
                    "img => img.complete && img.naturalWidth > 0"
                ),
                message="the thumbnail to load",
            )
        assert page.locator(".evidence-kind").inner_text() == "PDF"
        meta = page.locator(".evidence-meta").first.inner_text()
        assert "สมศรี การเงิน" in meta and "น." in meta, meta  # sender and time
        assert page.evaluate("document.documentElement.scrollWidth") == 390

        # remove the PDF (kept in the history), then upload a photo from the browser
        pdf_item = page.locator(".evidence-item", has=page.locator(".evidence-kind"))
        pdf_item.get_by_role("button", name="ลบ").click()
        page.wait_for_selector(".flash")
        assert page.locator(".evidence-item").count() == 2
        page.set_input_files(
            "input[name=file]",
            files=[
                {
                    "name": "บอร์ด.jpg",
                    "mimeType": "image/jpeg",
                    "buffer": sample_files.jpeg(2400, 1800, gps=True),
                }
            ],
        )
        page.fill("input[name=note]", "https://www.naphu.go.th/ita")
        page.get_by_role("button", name="เพิ่มหลักฐาน").click()
        page.wait_for_selector(".flash")
        assert page.locator(".evidence-item").count() == 3
        assert page.evaluate("document.documentElement.scrollWidth") == 390
    finally:
        context.close()
    kinds = [e.get("kind") for e in evidence_records.status.history(rdb, ORG, limit=2)]
    assert kinds == ["evidence", "evidence-remove"]
    uploaded = [i for i in evidence_records.all_items(rdb, ORG) if i.file_name == "บอร์ด.jpg"]
    assert uploaded and uploaded[0].note == "https://www.naphu.go.th/ita"


def test_a_reviewer_sees_but_cannot_remove_and_strangers_get_no_files(sim, rdb, web):
    staff_with_evidence(sim, rdb, [("", sample_files.jpeg(), "image/jpeg")])
    [item] = evidence_records.all_items(rdb, ORG)
    http, _admin = signed_in(sim, web, "ขวัญภา", "รองปลัด อบต.นาพู่")
    file_url = f"{web}/admin/{ORG}/evidence/file/{item.id}"
    assert http.get(file_url, timeout=30).headers["Content-Type"] == "image/jpeg"
    page = http.get(f"{web}/admin/{ORG}/evidence/3/{DIVISION}", timeout=30)
    assert page.status_code == 200 and "ลบ</button>" not in page.text
    import requests

    assert requests.get(file_url, timeout=30, allow_redirects=False).status_code == 401
    refused = http.post(
        f"{web}/admin/{ORG}/evidence/3/{DIVISION}/remove", data={"item": item.id}, timeout=30
    )
    assert refused.status_code == 403
    assert len(evidence_records.all_items(rdb, ORG)) == 1


def opens(name: str, data: bytes) -> None:
    """Open the file as its kind says; raises if it does not."""
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix in ("jpg", "png"):
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    elif suffix == "pdf":
        assert len(PdfReader(io.BytesIO(data)).pages) >= 1
    elif suffix in ("docx", "xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
    else:
        raise AssertionError(f"unexpected file {name}")


def test_the_zip_index_lists_every_item_and_every_file_in_it_opens(sim, rdb, web, tmp_path):
    files = [
        ("", sample_files.jpeg(), "image/jpeg"),
        ("", sample_files.png(), "image/png"),
        ("คำสั่ง.pdf", sample_files.pdf(), "application/pdf"),
        ("รายงาน.docx", sample_files.docx(), "application/octet-stream"),
        ("ตาราง.xlsx", sample_files.xlsx(), "application/octet-stream"),
    ]
    staff_with_evidence(sim, rdb, files)
    http, _ = signed_in(sim, web)
    # an admin's upload bigger than the 1 MiB the app takes from webhooks
    page = f"{web}/admin/{ORG}/evidence/3/{DIVISION}"
    csrf = re.search(r'name="csrf" value="([^"]+)"', http.get(page, timeout=30).text).group(1)
    big = sample_files.jpeg(1200, 1000, noise=True)
    assert len(big) > 1024 * 1024
    uploaded = http.post(
        f"{page}/upload",
        data={"csrf": csrf, "note": ""},
        files={"file": ("ป้าย.jpg", big, "image/jpeg")},
        timeout=60,
    )
    assert uploaded.status_code == 200 and "เพิ่มหลักฐานแล้ว" in uploaded.text
    target = tmp_path / "evidence.zip"
    out = itabot("evidence", "export", "--org", ORG, "-o", str(target)).stdout
    assert "6" in out
    downloaded = http.get(f"{web}/admin/{ORG}/export/evidence.zip", timeout=60)
    assert downloaded.headers["Content-Type"] == "application/zip"
    for data in (target.read_bytes(), downloaded.content):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            assert names[:2] == ["index.csv", "index.html"]
            rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
            assert rows[0] == ["มาตรการ", "หน่วยงาน", "ผู้ส่ง", "วันที่", "หมายเหตุหรือลิงก์", "ชื่อไฟล์"]
            listed = [row[5] for row in rows[1:]]
            assert sorted(listed) == sorted(names[2:]) and len(listed) == 6
            assert all(row[0].startswith("ข้อ ๓") and row[1] == DIVISION for row in rows[1:])
            assert {row[4] for row in rows[1:]} == {"ตรวจสอบในเว็บไซต์"}, rows
            assert all(name.startswith("ข้อ-3/") for name in listed)
            index = archive.read("index.html").decode("utf-8")
            for name in listed:
                opens(name, archive.read(name))
                assert name.split("/", 1)[1] in index or name in index


def memo_files(rb, version: int) -> tuple[bytes, str, bytes]:
    """A version's PDF, the PDF's text, and its DOCX."""
    from store import versions

    pdf = versions.read_file(rb, ORG, version, "pdf")
    docx = versions.read_file(rb, ORG, version, "docx")
    return pdf, "\n".join(line.text for line in pdf_lines(pdf)), docx


def test_the_annex_is_in_the_memo_when_the_plan_asks_for_it_and_not_otherwise(
    sim, rdb, settings, tmp_path
):
    from store.db import connect_binary

    files = [
        ("", sample_files.jpeg(), "image/jpeg"),
        ("คำสั่ง.pdf", sample_files.pdf(), "application/pdf"),
    ]
    staff_with_evidence(sim, rdb, files)
    rb = connect_binary(settings.redis_url)
    _pdf, text, docx = memo_files(rb, compile_memo())
    assert "ภาคผนวก" not in text and "คำสั่ง.pdf" not in text
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert "ภาคผนวก" not in archive.read("word/document.xml").decode("utf-8")

    with_annex = tmp_path / "plan.yaml"
    with_annex.write_text(
        SEED_PLAN.read_text(encoding="utf-8") + "\nevidence:\n  memo_annex: true\n",
        encoding="utf-8",
    )
    itabot("plan", "load", str(with_annex))
    pdf, text, docx = memo_files(rb, compile_memo())
    assert "ภาคผนวก หลักฐานการดำเนินการ" in text
    annex = "".join(text[text.index("ภาคผนวก หลักฐานการดำเนินการ") :].split())
    assert "คำสั่ง.pdf" in annex and "กองคลัง·ส่งโดยสมศรีการเงิน" in annex, annex
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages) >= 1  # the thumbnail
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        assert "ภาคผนวก หลักฐานการดำเนินการ" in body and "คำสั่ง.pdf" in body
        assert any(name.startswith("word/media/") for name in archive.namelist())
