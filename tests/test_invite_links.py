"""Invites where people are: the join link holds the bot's basic ID (the simulator's
/v2/bot/info) and `ลงทะเบียน CODE` percent-encoded, its QR on the people page decodes to it
(zxing-cpp), the printable sheet is an A4 PDF of one QR per division, six to a page, and
`itabot invite` prints the code, then the link."""

from __future__ import annotations

import base64
import io
import re
from urllib.parse import quote, unquote

import pypdf
import requests
import zxingcpp
from PIL import Image

from tests.helpers import itabot, signed_in
from tests.pdf_text import pdf_lines

ORG = "naphu"
CODE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")


def _basic_id(simulator_server: str) -> str:
    from core.config import DEMO_ACCESS_TOKEN

    info = requests.get(
        f"{simulator_server}/v2/bot/info",
        headers={"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}"},
        timeout=10,
    ).json()
    assert info["basicId"].startswith("@")
    return info["basicId"]


def _expected_link(basic_id: str, code: str) -> str:
    link = f"https://line.me/R/oaMessage/{basic_id}/?{quote('ลงทะเบียน ' + code)}"
    assert "%E0%B8%A5%E0%B8%87" in link and link.endswith(f"%20{code}")  # ล ง … space, UTF-8
    return link


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _decode_qr(data_uri: str) -> list[str]:
    png = base64.b64decode(data_uri.split(",", 1)[1])
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_people_page_shows_join_link_and_qr_of_a_new_code(sim, web, simulator_server):
    http, _ = signed_in(sim, web)
    page = http.get(f"{web}/admin/{ORG}/people", timeout=30).text
    response = http.post(
        f"{web}/admin/{ORG}/people/invite",
        data={"csrf": _csrf(page), "target": "division:กองคลัง"},
        timeout=30,
    )
    assert response.status_code == 200
    code = re.search(r'id="new-code-value">([^<]+)<', response.text).group(1)
    link = _expected_link(_basic_id(simulator_server), code)
    block = re.search(r'<div class="join-link" data-code="' + code + r'">(.*?)</div>\s*</div>',
                      response.text, re.S).group(1)  # fmt: skip
    assert f'href="{link}"' in block
    qr = re.search(r'src="(data:image/png;base64,[^"]+)"', block).group(1)
    assert _decode_qr(qr) == [link]
    assert unquote(link.split("?", 1)[1]) == f"ลงทะเบียน {code}"


def _sheet(http, web: str) -> bytes:
    page = http.get(f"{web}/admin/{ORG}/people", timeout=30).text
    response = http.post(f"{web}/admin/{ORG}/invites/sheet", data={"csrf": _csrf(page)}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    return response.content


def _texts(pdf: bytes) -> set[str]:
    return {line.text.strip() for line in pdf_lines(pdf)}


def test_printable_sheet_has_one_qr_per_division(sim, web, rdb, plan):
    from store import people

    http, _ = signed_in(sim, web)
    pdf = _sheet(http, web)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1  # 5 divisions
    texts = _texts(pdf)
    assert set(plan.divisions) <= texts
    codes = {
        i["code"]: i["target"] for i in people.list_invites(rdb, ORG) if i["kind"] == "division"
    }
    assert sorted(codes.values()) == sorted(plan.divisions)
    # pypdf reads Latin text plainly (pdf_lines, which honours typst's ActualText, is for Thai)
    latin = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert all(code in latin for code in codes), latin
    assert _sheet(http, web) and len(people.list_invites(rdb, ORG)) == len(codes)  # same codes


def test_printable_sheet_of_twelve_divisions_takes_two_or_three_pages(sim, web, rdb, plan):
    from store import plans
    from store.plan_schema import Plan

    divisions = [f"กองงาน {n}" for n in range(1, 13)]
    data = plan.model_dump(mode="json")
    data["divisions"] = divisions
    for measure in data["measures"]:
        measure["owners"] = divisions[:2]
    plans.save_plan(rdb, Plan.model_validate(data))
    http, _ = signed_in(sim, web)
    pdf = _sheet(http, web)
    assert 2 <= len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 3
    assert set(divisions) <= _texts(pdf)


def test_reviewer_cannot_print_invites(sim, web, rdb, plan):
    from store import people

    http, _ = signed_in(sim, web, "สราวุทธิ์", "หัวหน้าสำนักปลัด")
    page = http.get(f"{web}/admin/{ORG}/people", timeout=30).text
    assert "join-link" not in page
    response = http.post(f"{web}/admin/{ORG}/invites/sheet", data={"csrf": _csrf(page)}, timeout=30)
    assert response.status_code == 403
    assert people.list_invites(rdb, ORG) == []


def test_cli_invite_prints_code_then_join_link(sim, simulator_server, rdb):
    from store import people

    lines = itabot("invite", "กองคลัง").stdout.splitlines()
    assert CODE.match(lines[0]), lines
    assert lines[1] == _expected_link(_basic_id(simulator_server), lines[0])
    assert [i["code"] for i in people.list_invites(rdb, ORG)] == [lines[0]]


def test_join_link_of_an_organisation_with_its_own_channel(sim, web, simulator_server, tmp_path):
    from tests.helpers import add_org

    other = add_org(sim, web, tmp_path)
    lines = itabot("invite", "--org", other["org"], "กองคลัง").stdout.splitlines()
    info = requests.get(
        f"{simulator_server}/v2/bot/info",
        headers={"Authorization": f"Bearer {other['token']}"},
        timeout=10,
    ).json()
    assert info["basicId"] != _basic_id(simulator_server)
    assert lines[1] == _expected_link(info["basicId"], lines[0])


def test_codes_without_links_while_line_cannot_tell_the_basic_id(sim, web, rdb):
    from store.db import key

    http, _ = signed_in(sim, web)
    rdb.set(key(ORG, "bot-basic-id"), "", ex=60)  # as after LINE failed to answer
    page = http.get(f"{web}/admin/{ORG}/people", timeout=30).text
    response = http.post(
        f"{web}/admin/{ORG}/people/invite",
        data={"csrf": _csrf(page), "target": "admin"},
        timeout=30,
    )
    code = re.search(r'id="new-code-value">([^<]+)<', response.text).group(1)
    assert CODE.match(code) and 'class="join-link"' not in response.text
    assert _sheet(http, web)  # the printable sheet still prints, its QR holding the code
