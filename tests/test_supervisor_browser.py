"""Issue 15, the supervisor's overview in Chromium: three organisations in different states,
the group's rows with their figures, sorting by the column headers, the CSV and Excel files
holding the rows the page shows, a row opening that organisation's progress page read-only,
nothing of an organisation outside the group, and the page at 390 px (no sideways scroll)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from core.texts import web as web_texts
from tests.browser import CHROMIUM, assert_phone_page
from tests.helpers import itabot
from tests.supervisor_group import ALL, BANKHOK, NAPHU, UDON, make_group

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run scripts/ensure-chromium.sh"
)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Safari Line/14.3.0"
)


def new_tab(browser, **options):
    context = browser.new_context(accept_downloads=True, locale="th-TH", **options)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    return tab


def supervisor_link(*args: str) -> str:
    return itabot("supervisor", "link", *args).stdout.splitlines()[0]


def shown_orgs(page) -> list[str]:
    return page.locator("#overview tbody tr").evaluate_all("rows => rows.map(r => r.dataset.org)")


def cell_text(page, org: str, col: str) -> str:
    return page.locator(f'#overview tr[data-org="{org}"] [data-col="{col}"]').inner_text()


def assert_row(page, e) -> None:
    assert e.name in cell_text(page, e.org, "name")
    assert cell_text(page, e.org, "deadline") == e.deadline
    done = cell_text(page, e.org, "done")
    cells = f"{e.cells[0]}/{e.cells[1]}".translate(THAI_DIGITS)
    assert f"{e.done_percent}%".translate(THAI_DIGITS) in done and cells in done, done
    not_started = cell_text(page, e.org, "not_started")
    if e.not_started:
        assert not_started.startswith(str(len(e.not_started)).translate(THAI_DIGITS))
        for measure in e.not_started:
            assert f"ข้อ {measure}".translate(THAI_DIGITS) in not_started
    else:
        assert not_started == web_texts.SUPERVISOR_PAGE["none_left"]
    assert cell_text(page, e.org, "memo") == e.memo_label
    assert cell_text(page, e.org, "last_report") == e.last_report


def download_rows(page, link_id: str) -> list[list]:
    with page.expect_download() as caught:
        page.click(f"#{link_id}")
    data = Path(caught.value.path()).read_bytes()
    if link_id == "export-csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_overview_of_three_organisations(sim, web, rdb, browser):
    make_group(rdb)
    page = new_tab(browser, viewport={"width": 1366, "height": 768})
    page.goto(supervisor_link("--orgs", "naphu,nongphai,bankhok"))
    assert page.url == f"{web}/supervisor/"
    assert page.locator("h1").inner_text() == web_texts.SUPERVISOR_PAGE["heading"]
    assert shown_orgs(page) == ["naphu", "bankhok", "nongphai"]  # by name, the default
    for expected in ALL:
        assert_row(page, expected)

    # sorting: a header link sorts ascending, the same link again descending
    page.click('#overview th[data-col="done"] a')
    assert "sort=done" in page.url and "dir=asc" in page.url
    assert shown_orgs(page) == ["naphu", "bankhok", "nongphai"]
    assert page.locator('#overview th[data-col="done"]').get_attribute("aria-sort") == "ascending"
    page.click('#overview th[data-col="done"] a')
    assert shown_orgs(page) == ["nongphai", "bankhok", "naphu"]
    assert page.locator('#overview th[data-col="done"]').get_attribute("aria-sort") == "descending"
    page.click('#overview th[data-col="memo"] a')
    assert shown_orgs(page) == ["bankhok", "naphu", "nongphai"]  # sent back, in review, approved

    # the exports hold the rows as the page shows them, in the page's order
    order = shown_orgs(page)
    for link_id in ("export-csv", "export-xlsx"):
        rows = download_rows(page, link_id)
        assert [row[0] for row in rows] == order, link_id
        by_org = {e.org: e for e in ALL}
        for row in rows:
            e = by_org[row[0]]
            assert row[1] == e.name and row[10] == e.memo_label, row
            assert int(row[7]) == e.done_percent and int(row[8]) == len(e.not_started), row

    # a row opens that organisation's progress page, read-only
    page.click('#overview tr[data-org="naphu"] a.org-link')
    assert page.url == f"{web}/admin/naphu/"
    assert NAPHU.name in page.locator(".brand-org").inner_text()
    assert page.locator("#matrix tbody tr").count() == 6
    assert web_texts.SUPERVISOR_ROLE in page.locator(".who").inner_text()
    actions = page.locator("form[method=post]").evaluate_all("fs => fs.map(f => f.action)")
    assert actions == [f"{web}/supervisor/logout"]
    refused = page.request.post(f"{web}/admin/naphu/people/invite", form={"target": "admin:"})
    assert refused.status == 403
    page.goto(f"{web}/admin/naphu/people")
    assert page.locator("form[method=post]").count() == 1  # only logout: no invite or remove
    page.click("#supervisor-back")
    assert page.url == f"{web}/supervisor/"
    page.context.close()


def test_a_province_shows_only_its_own_and_fits_a_phone(sim, web, rdb, browser):
    make_group(rdb, compile_naphu=False)
    page = new_tab(
        browser,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_UA,
        device_scale_factor=2,
    )
    page.goto(supervisor_link("--province", "อุดรธานี"))
    assert page.url == f"{web}/supervisor/"
    assert sorted(shown_orgs(page)) == sorted(e.org for e in UDON)
    content = page.content()
    assert BANKHOK.name not in content and BANKHOK.org not in content
    assert_phone_page(page)

    # on a phone each organisation is a block of labelled lines, sortable by the form
    assert not page.locator("#overview thead").is_visible()
    assert web_texts.SUPERVISOR_COLUMNS["memo"] in page.locator(
        '#overview tr[data-org="naphu"] [data-col="memo"]'
    ).evaluate("td => getComputedStyle(td, '::before').content")
    page.select_option(".sort-form select[name=sort]", "done")
    page.select_option(".sort-form select[name=dir]", "desc")
    page.click(".sort-form button")
    assert shown_orgs(page) == ["nongphai", "naphu"]
    assert_phone_page(page)

    page.tap('#overview tr[data-org="nongphai"] a.org-link')
    page.wait_for_url(f"{web}/admin/nongphai/")
    assert_phone_page(page)

    # outside the group: refused, and nothing of it on the page
    response = page.goto(f"{web}/admin/bankhok/")
    assert response.status == 403
    assert BANKHOK.name not in page.content() and "บ้านโคก" not in page.content()
    page.context.close()
