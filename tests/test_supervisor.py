"""Issue 15, the supervisor's overview over HTTP and the command line: `itabot supervisor link`
selects the group (a province, with or without "จังหวัด", or a list), the link works once and
expires, the overview's figures, sorting and exports, and the session reads the group's pages
read-only and nothing outside the group. The page in Chromium: test_supervisor_browser.py."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
import requests

from core.texts import web as web_texts
from core.values import Decision
from store import supervisors
from store.group_overview import NOT_COMPILED, group_overview
from tests.helpers import compile_memo, itabot, wait_until
from tests.supervisor_group import ALL, BANKHOK, NAPHU, NONGPHAI, UDON, decide, make_group

ROWS = re.compile(r'<tr data-org="([a-z0-9-]+)"')


def link(*args: str) -> str:
    """`itabot supervisor link ARGS`: the link, alone on the first line of stdout."""
    out = itabot("supervisor", "link", *args)
    first, *rest = out.stdout.splitlines()
    assert rest == [], out.stdout
    assert out.stderr.strip(), "the explanation goes to stderr"
    return first


def open_link(url: str) -> requests.Session:
    http = requests.Session()
    response = http.get(url, timeout=30)
    assert response.status_code == 200, response.text
    assert response.url.endswith("/supervisor/")
    return http


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


@pytest.fixture
def group(sim, rdb):
    make_group(rdb)
    return rdb


def test_the_read_model_per_organisation(sim, rdb):
    make_group(rdb, compile_naphu=False)
    before = {s.org: s for s in group_overview(rdb, ["naphu"])}
    assert before["naphu"].memo_state == NOT_COMPILED and before["naphu"].memo_version is None

    decide(rdb, "naphu", compile_memo(), [Decision.APPROVE], "2021-03-30T11:00:00+07:00")
    summaries = group_overview(rdb, ["bankhok", "nowhere", "naphu", "nongphai"])
    assert [s.org for s in summaries] == ["bankhok", "naphu", "nongphai"]  # no plan: left out
    for summary, expected in zip(summaries, (BANKHOK, NAPHU, NONGPHAI), strict=True):
        assert (summary.cells_done, summary.cells_total) == expected.cells
        assert round(summary.done_share * 100) == expected.done_percent
        assert summary.not_started == expected.not_started
        assert summary.memo_state == expected.memo_state
    assert summaries[1].memo_position == "รองปลัด อบต.นาพู่" and summaries[1].memo_step == 1
    assert summaries[0].memo_position is None


def test_province_and_orgs_select_the_group(group, web):
    for province in ("อุดรธานี", "จังหวัดอุดรธานี", " จังหวัด อุดรธานี "):
        url = link("--province", province)
        assert url.startswith(f"{web}/supervisor/login/")
        page = open_link(url).get(f"{web}/supervisor/", timeout=30).text
        assert sorted(ROWS.findall(page)) == sorted(e.org for e in UDON), province
        assert BANKHOK.name not in page and "bankhok" not in page

    page = open_link(link("--orgs", "nongphai,bankhok")).get(f"{web}/supervisor/").text
    assert sorted(ROWS.findall(page)) == ["bankhok", "nongphai"]
    assert NAPHU.name not in page and "naphu" not in page

    page = open_link(link("--province", "ขอนแก่น")).get(f"{web}/supervisor/").text
    assert ROWS.findall(page) == ["bankhok"]

    # nothing to show: refused, and no link printed
    for args in (("--province", "เชียงใหม่"), ("--orgs", "naphu,nowhere"), ("--orgs", ",")):
        out = itabot("supervisor", "link", *args, check=False)
        assert out.returncode == 2 and out.stdout == "", args
        assert out.stderr.strip()
    assert itabot("supervisor", "link", check=False).returncode == 2  # a group is required


def test_the_link_works_once_and_expires(group, web, rdb):
    url = link("--province", "อุดรธานี")
    ttl = rdb.ttl(supervisors.login_key(token_of(url)))
    assert 590 <= ttl <= 600, ttl  # ten minutes

    assert requests.head(url, timeout=30).status_code == 200  # a link preview does not spend it
    http = open_link(url)
    again = requests.get(url, timeout=30)
    assert again.status_code == 403 and "itabot-supervisor" not in again.headers.get(
        "Set-Cookie", ""
    )
    assert http.get(f"{web}/supervisor/", timeout=30).status_code == 200  # the first one stays in

    # expiry: the stored token's time runs out (not ten minutes of sleep)
    token = supervisors.create_supervisor_link_token(rdb, ["naphu"], "อุดรธานี")
    rdb.pexpire(supervisors.login_key(token), 1)
    wait_until(lambda: not rdb.exists(supervisors.login_key(token)), message="the token to expire")
    late = requests.get(f"{web}/supervisor/login/{token}", timeout=30)
    assert late.status_code == 403 and web_texts.BAD_LINK_TITLE in late.text

    # a short-lived token works within its time
    token = supervisors.create_supervisor_link_token(rdb, ["naphu"], "อุดรธานี", ttl=5)
    assert 0 < rdb.ttl(supervisors.login_key(token)) <= 5
    open_link(f"{web}/supervisor/login/{token}")

    assert requests.get(f"{web}/supervisor/login/nonsense", timeout=30).status_code == 403
    assert requests.get(f"{web}/supervisor/", timeout=30).status_code == 401


def test_the_group_reads_its_pages_read_only_and_nothing_else(group, web):
    http = open_link(link("--province", "อุดรธานี"))
    overview = http.get(f"{web}/supervisor/", timeout=30).text
    assert 'href="/admin/naphu/"' in overview and 'href="/admin/nongphai/"' in overview

    for path in ("/", "/history", "/memo", "/memo/1", "/export/status.csv", "/people"):
        response = http.get(f"{web}/admin/naphu{path}", timeout=30)
        assert response.status_code == 200, (path, response.text[:300])
    progress = http.get(f"{web}/admin/naphu/", timeout=30).text
    assert NAPHU.name in progress and web_texts.SUPERVISOR_ROLE in progress
    forms = re.findall(r'<form method="post" action="([^"]+)"', progress)
    assert forms == ["/supervisor/logout"], forms
    csrf = re.search(r'name="csrf" value="([^"]+)"', progress).group(1)

    # no writes: every POST refused, even with the session's own form token
    for path in ("/people/invite", "/people/remove", "/logout"):
        response = http.post(
            f"{web}/admin/naphu{path}", data={"csrf": csrf, "target": "admin:"}, timeout=30
        )
        assert response.status_code == 403, path

    # outside the group: refused, and nothing of the organisation on the answer
    for path in ("/", "/history", "/memo", "/export/status.csv", "/export/history.xlsx"):
        response = http.get(f"{web}/admin/bankhok{path}", timeout=30)
        assert response.status_code == 403, path
        assert BANKHOK.name not in response.text and "บ้านโคก" not in response.text
    assert http.get(f"{web}/admin/nowhere/", timeout=30).status_code == 404

    # logout ends the session: the overview and the group's pages alike
    response = http.post(f"{web}/supervisor/logout", data={"csrf": "forged"}, timeout=30)
    assert response.status_code == 403
    assert http.post(f"{web}/supervisor/logout", data={"csrf": csrf}, timeout=30).status_code == 200
    assert http.get(f"{web}/supervisor/", timeout=30).status_code == 401
    assert http.get(f"{web}/admin/naphu/", timeout=30).status_code == 401


def exported(http: requests.Session, web: str, fmt: str, query: str) -> list[list]:
    response = http.get(f"{web}/supervisor/export.{fmt}?{query}", timeout=30)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


SORTS = [
    ("", ["naphu", "bankhok", "nongphai"]),  # by name: นาพู่ < บ้านโคก < หนองไผ่
    ("sort=name&dir=desc", ["nongphai", "bankhok", "naphu"]),
    ("sort=done&dir=desc", ["nongphai", "bankhok", "naphu"]),
    ("sort=deadline&dir=asc", ["nongphai", "naphu", "bankhok"]),
    ("sort=not_started&dir=desc", ["bankhok", "naphu", "nongphai"]),
    ("sort=memo&dir=asc", ["bankhok", "naphu", "nongphai"]),
    ("sort=last_report&dir=desc", ["nongphai", "naphu", "bankhok"]),
    ("sort=bogus&dir=sideways", ["naphu", "bankhok", "nongphai"]),
]


def test_sorting_and_the_exports_rows(group, web):
    http = open_link(link("--orgs", "naphu,nongphai,bankhok"))
    expected = {e.org: e for e in ALL}
    for query, order in SORTS:
        page = http.get(f"{web}/supervisor/?{query}", timeout=30).text
        assert ROWS.findall(page) == order, query
        for fmt in ("csv", "xlsx"):
            header, *rows = exported(http, web, fmt, query)
            assert header == web_texts.SUPERVISOR_EXPORT_HEADER
            assert [row[0] for row in rows] == order, (query, fmt)
            for row in rows:
                e = expected[row[0]]
                assert [row[1], row[3], *map(int, row[5:9]), row[10]] == [
                    e.name,
                    e.province,
                    *e.cells,
                    e.done_percent,
                    len(e.not_started),
                    e.memo_label,
                ], (fmt, row)
                assert (row[9] or "") == ", ".join(e.not_started)
