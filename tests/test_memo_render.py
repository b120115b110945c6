"""The memo renderer: text, marks and layout of the PDF, the DOCX and the page-1 PNG.

The PDF is read back with tests/pdf_text.py (`pdf_lines`: each line's text, page and position,
so table marks can be checked by column); how real readers (PDFium, poppler, pdfminer.six,
pypdf) read the text is tests/test_memo_text_layer.py's part."""

from __future__ import annotations

import io
import multiprocessing
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import docx
import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

import jobs.memo
from jobs.memo import MemoInput, MemoRenderError, RenderedMemo, StepRecord, render_memo
from jobs.memo.content import build_document, clean, document_strings
from jobs.memo.fonts import covered
from jobs.memo.render import document_of
from jobs.memo.samples import approved_chain, large_input, seed_input
from store.plan_schema import Plan
from tests.pdf_text import Line, pdf_lines
from tests.test_memo_text_layer import (
    BODY_BOTTOM,
    BODY_TOP,
    PAGE_H,
    PAGE_W,
    body_pages,
    missing_strings,
    pdfium_body,
)

BANGKOK = timezone(timedelta(hours=7))


def squash(text: str) -> str:
    """Whitespace removed: Thai line breaks fall anywhere between words."""
    return re.sub(r"\s+", "", text)


def page_texts(lines: list[Line]) -> dict[int, str]:
    pages: dict[int, str] = {}
    for line in lines:
        pages[line.page] = pages.get(line.page, "") + line.text
    return {p: squash(t) for p, t in pages.items()}


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:  # merged cells repeat
                    seen.add(id(cell._tc))
                    parts.append(cell.text)
    return "\n".join(parts)


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def seed() -> tuple[MemoInput, RenderedMemo]:
    memo = seed_input(version=3)
    return memo, render_memo(memo)


@pytest.fixture(scope="module")
def seed_lines(seed: tuple[MemoInput, RenderedMemo]) -> list[Line]:
    return pdf_lines(seed[1].pdf)


def expected_header(plan: Plan) -> list[str]:
    return [
        "บันทึกข้อความ",
        "ส่วนราชการ",
        plan.memo.office,
        "โทร.๐๔๒-๒๑๙๙๑๗",
        "ที่อด๗๖๘๐๑/๕๒",
        "วันที่๓๐มีนาคม๒๕๖๔",
        "เรื่อง" + plan.memo.subject,
        "เรียน" + plan.memo.to,
    ]


def expected_body(plan: Plan) -> list[str]:
    items = [
        "ลงวันที่๓๐มกราคม๒๕๖๔",
        "ประจำปีงบประมาณพ.ศ.๒๕๖๓ขององค์การบริหารส่วนตำบลนาพู่อำเภอเพ็ญจังหวัดอุดรธานี",
        "มีค่าคะแนนเท่ากับ๕๑.๖๓อยู่ในระดับE",
        "จึงเรียนมาเพื่อโปรดทราบ",
        "เว็บไซต์",
        "(นางสาวกัญรัตน์สิมมาหลวง)",
        "ผู้ช่วยนักวิเคราะห์นโยบายและแผน",
        "มาตรการ",
        "ขั้นตอนหรือวิธีการ",
        "ผู้รับผิดชอบ",
        "การกำกับติดตาม",
        "สถานะการดำเนินการ",
        "ยังไม่ดำเนินการ",
        "อยู่ระหว่างดำเนินการ",
        "ดำเนินการเสร็จเรียบร้อยแล้ว",
        "(ตรวจสอบในเว็บไซต์ของหน่วยงาน)",
    ]
    thai_digits = "๐๑๒๓๔๕๖๗๘๙"
    for measure in plan.measures:
        number = "".join(thai_digits[int(d)] for d in measure.id)
        items.append(f"({number}){measure.title}")
        for owner in measure.owners:
            items.append(owner)
    for step in plan.chain[:-1]:
        items.append(f"ความคิดเห็นของ{step.position}")
    for step in plan.chain:
        items += [f"({step.name})", step.position]
    return [squash(i) for i in items]


# --------------------------------------------------------------------------- seed memo
def test_seed_pdf_has_every_field(seed: tuple[MemoInput, RenderedMemo], seed_lines: list[Line]):
    memo, rendered = seed
    text = squash("".join(line.text for line in seed_lines))
    for item in expected_header(memo.plan) + expected_body(memo.plan):
        assert squash(item) in text, item
    # the nayok's block is the approval, not a comment
    assert f"ความคิดเห็นของ{squash(memo.plan.chain[-1].position)}" not in text
    assert "อนุมัติ" in text and "ไม่อนุมัติเนื่องจาก" in text
    assert "ฉบับที่๓·ร่าง" in text
    assert not re.search(r"[0-9]", text), re.findall(r".{10}[0-9].{10}", text)
    # the organisation is named one way throughout
    assert "นาโพธิ์" not in text


@pytest.mark.parametrize("color", [False, True])
def test_page_png_is_pdfiums_bitmap(seed: tuple[MemoInput, RenderedMemo], color: bool):
    """page_png writes its own PNG (no filter, zlib level 1): it decodes to PDFium's pixels."""
    from PIL import Image

    from jobs.memo.render import PNG_PPI, page_png

    _, rendered = seed
    png = page_png(rendered.pdf, color=color)
    document = pdfium.PdfDocument(rendered.pdf)
    expected = document[0].render(scale=PNG_PPI / 72, grayscale=not color).to_pil()
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.mode == ("RGB" if color else "L") and image.size == expected.size
    assert image.tobytes() == expected.convert(image.mode).tobytes()


def test_seed_pdf_pages_png(seed: tuple[MemoInput, RenderedMemo], seed_lines: list[Line]):
    _, rendered = seed
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    assert rendered.pages == len(reader.pages) > 1
    mediabox = reader.pages[0].mediabox
    assert (round(float(mediabox.width)), round(float(mediabox.height))) == (595, 842)  # A4
    pages = page_texts(seed_lines)
    for number in range(2, rendered.pages + 1):
        thai = "๐๑๒๓๔๕๖๗๘๙"[number]
        assert f"-{thai}-" in pages[number]
    assert "-๑-" not in pages[1]
    png = rendered.png
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert 1000 <= width <= 1240 and height > width
    assert len(png) < 1_000_000
    assert rendered.typeset_seconds > 0
    # nothing typeset outside the A4 page
    for line in seed_lines:
        assert 0 < line.x < 595 and 0 < line.y < 842


def test_seed_result_marks_by_column(seed: tuple[MemoInput, RenderedMemo], seed_lines: list[Line]):
    """Each results row has "/" in its status column and "-" in the other two."""
    memo, _ = seed
    heading = next(
        i for i, line in enumerate(seed_lines) if line.text.startswith("ผลการดำเนินการตามมาตรการ")
    )
    lines = seed_lines[heading:]
    marks = [line for line in lines if line.text.strip() in ("/", "-")]
    # the three status columns, left to right, from the results table's own marks
    xs = sorted({round(line.x) for line in marks})
    columns = [xs[0]]
    for x in xs[1:]:
        if x - columns[-1] > 20:
            columns.append(x)
    assert len(columns) == 3
    order = ("not_started", "in_progress", "done")
    thai_digits = "๐๑๒๓๔๕๖๗๘๙"
    for measure in memo.plan.measures:
        label = f"({thai_digits[int(measure.id)]})"
        row = next(line for line in lines if line.text.startswith(label))
        row_marks = sorted(
            (line for line in marks if line.page == row.page and abs(line.y - row.y) < 3),
            key=lambda line: line.x,
        )
        got = [line.text.strip() for line in row_marks]
        want = ["-", "-", "-"]
        want[order.index(memo.measure_status[measure.id])] = "/"
        assert got == want, (measure.id, got)
    # evidence notes sit under the "/" of the done rows
    notes = [line for line in lines if line.text.startswith("(ตรวจสอบ")]
    assert len(notes) == 3
    assert all(line.x > columns[1] + 20 for line in notes)


def test_seed_docx(seed: tuple[MemoInput, RenderedMemo]):
    memo, rendered = seed
    text = squash(docx_text(rendered.docx))
    for item in expected_header(memo.plan) + expected_body(memo.plan):
        assert squash(item) in text, item
    assert not re.search(r"[0-9]", text)
    document = docx.Document(io.BytesIO(rendered.docx))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 3.0 and round(section.right_margin.cm, 1) == 2.0
    plan_table, results_table = document.tables
    assert [c.text for c in plan_table.rows[0].cells] == [
        "มาตรการ",
        "ขั้นตอนหรือวิธีการ",
        "ผู้รับผิดชอบ",
        "การกำกับติดตาม",
    ]
    for table, header_rows in ((plan_table, 1), (results_table, 2)):
        for i, row in enumerate(table.rows):
            flagged = row._tr.xpath("./w:trPr/w:tblHeader")
            assert bool(flagged) == (i < header_rows)
    order = ("not_started", "in_progress", "done")
    for row, measure in zip(results_table.rows[2:], memo.plan.measures, strict=True):
        marks = [cell.text.split("\n")[0] for cell in row.cells[2:]]
        want = ["-", "-", "-"]
        want[order.index(memo.measure_status[measure.id])] = "/"
        assert marks == want
    xml = document.element.xml + document.styles.element.xml
    assert 'w:cs="TH SarabunPSK"' in xml and 'w:bidi="th-TH"' in xml
    assert "ar-SA" not in xml and "minorBidi" not in xml
    assert "w:szCs" in xml


# --------------------------------------------------------------------------- review chain
def test_full_chain_approved():
    plan = seed_input().plan
    chain = approved_chain(plan, datetime(2021, 3, 31, 2, 0, tzinfo=UTC))  # 09:00 Bangkok
    memo = seed_input(version=2, chain=chain, final=True)
    rendered = render_memo(memo)
    lines = pdf_lines(rendered.pdf)
    text = squash("".join(line.text for line in lines))
    for record in chain[:-1]:
        if record.comment:
            assert squash(f"เห็นชอบ {record.comment}") in text
        assert squash(f"({record.name})") in text
    assert "เห็นชอบ" in text
    assert text.count("วันที่๓๑มีนาคม๒๕๖๔") == len(chain)
    assert squash(chain[-1].comment or "") in text
    assert "ฉบับที่๒" in text and "ร่าง" not in text
    assert not re.search(r"[0-9]", text)
    ticked = _ticked(lines)
    assert ticked == {"อนุมัติ": True, "ไม่อนุมัติ": False}

    body = docx_text(rendered.docx)
    assert "☑ อนุมัติ" in body and "☐ ไม่อนุมัติ" in body
    for record in chain:
        assert record.name in body
    assert body.count("วันที่ ๓๑ มีนาคม ๒๕๖๔") == len(chain)


def _ticked(lines: list[Line]) -> dict[str, bool]:
    """Whether the drawn box just left of อนุมัติ / ไม่อนุมัติ holds the "/" tick."""
    out = {}
    for word in ("อนุมัติ", "ไม่อนุมัติ"):
        label = next(line for line in lines if line.text.strip().startswith(word))
        out[word] = any(
            line.text.strip() == "/"
            and line.page == label.page
            and abs(line.y - label.y) < 4
            and 0 < label.x - line.x < 20
            for line in lines
        )
    return out


def test_rejections():
    plan = seed_input().plan
    when = datetime(2021, 3, 31, 10, 0, tzinfo=BANGKOK)
    steps = plan.chain
    # the second reviewer sends it back: the chain stops there
    chain = [
        StepRecord(steps[0].position, steps[0].name, "เห็นควรเสนอ", when, "approve"),
        StepRecord(steps[1].position, steps[1].name, "ให้แก้ไขข้อ 3 ให้ครบถ้วน", when, "reject"),
        StepRecord(steps[2].position, steps[2].name),
        StepRecord(steps[3].position, steps[3].name),
    ]
    rendered = render_memo(seed_input(version=4, chain=chain))
    lines = pdf_lines(rendered.pdf)
    text = squash("".join(line.text for line in lines))
    assert "ไม่เห็นชอบให้แก้ไขข้อ๓ให้ครบถ้วน" in text
    assert "ฉบับที่๔·ร่าง" in text
    assert _ticked(lines) == {"อนุมัติ": False, "ไม่อนุมัติ": False}
    assert "ไม่เห็นชอบ ให้แก้ไขข้อ\u00a0๓ ให้ครบถ้วน" in docx_text(rendered.docx)

    # the nayok refuses: the reason follows เนื่องจาก
    chain = [StepRecord(s.position, s.name, None, when, "approve") for s in steps[:-1]]
    chain.append(StepRecord(steps[-1].position, steps[-1].name, "ผลยังไม่ครบทุกข้อ", when, "reject"))
    rendered = render_memo(seed_input(version=5, chain=chain))
    lines = pdf_lines(rendered.pdf)
    text = squash("".join(line.text for line in lines))
    assert "ไม่อนุมัติเนื่องจากผลยังไม่ครบทุกข้อ" in text
    assert _ticked(lines) == {"อนุมัติ": False, "ไม่อนุมัติ": True}
    assert "ร่าง" not in text  # every step has acted
    body = docx_text(rendered.docx)
    assert "☐ อนุมัติ" in body and "☑ ไม่อนุมัติ เนื่องจาก ผลยังไม่ครบทุกข้อ" in body


# --------------------------------------------------------------------------- robustness
def test_user_text_is_never_markup():
    """Text from LINE users reaches typst as JSON data: markup characters print as typed."""
    plan = seed_input().plan
    nasty = '#set page(width: 1cm) $x^2$ *ตัวหนา* _ขีด_ [a] \\ <lab> @ref // ไม่ใช่ความเห็น "คำพูด"'
    chain = [StepRecord(s.position, s.name) for s in plan.chain]
    chain[0] = StepRecord(
        chain[0].position,
        chain[0].name,
        f"- ขึ้นต้นด้วยขีด\n= หัวข้อ\n{nasty} 👍🏽 https://naphu.go.th/ita/2564",
        datetime(2021, 3, 31, 9, 0, tzinfo=BANGKOK),
        "approve",
    )
    memo = seed_input(chain=chain)
    notes = {"1": ["ดูที่ https://naphu.go.th/ita/2564?id=1 ข้อ 2"]}
    memo = MemoInput(memo.plan, memo.memo_date, 1, memo.measure_status, notes, chain)
    rendered = render_memo(memo)
    text = squash("".join(line.text for line in pdf_lines(rendered.pdf)))
    assert squash("- ขึ้นต้นด้วยขีด") in text and squash("= หัวข้อ") in text
    assert squash(clean(nasty)) in text  # digits become Thai, markup stays literal
    assert "👍" not in text  # the font cannot draw emoji: dropped, not a tofu box
    assert "https://naphu.go.th/ita/2564" in text  # links keep Arabic digits
    # the note's row may break across pages: read it as PDFium does, page by page
    pages = body_pages(pdfium_body(rendered.pdf), document_of(memo))
    assert not missing_strings(["(ดูที่ https://naphu.go.th/ita/2564?id=1 ข้อ ๒)"], pages)


def test_clean():
    assert clean("ข้อ 12 ณ 31 มีนาคม 2564") == "ข้อ\u00a0๑๒ ณ ๓๑ มีนาคม ๒๕๖๔"  # ๑๒ stays by ข้อ
    assert clean("  สอง  ช่อง\tแท็บ\r\nบรรทัด ") == "สอง ช่อง แท็บ\nบรรทัด"
    assert clean("อื่น ๆ") == "อื่น\u00a0ๆ"
    assert clean("www.example.com/2564 ปี 2564") == "www.example.com/2564 ปี ๒๕๖๔"
    assert clean(None) == ""


def test_bad_input_is_refused():
    memo = seed_input()
    with pytest.raises(ValueError):
        render_memo(
            MemoInput(memo.plan, memo.memo_date, 1, memo.measure_status, {}, memo.chain[:-1])
        )
    with pytest.raises(ValueError):
        render_memo(MemoInput(memo.plan, memo.memo_date, 1, {"1": "finished"}, {}, memo.chain))
    bad = [StepRecord(s.position, s.name, decision="maybe") for s in memo.plan.chain]
    with pytest.raises(ValueError):
        build_document(memo.plan, memo.memo_date, 1, {}, {}, bad, False)
    assert issubclass(MemoRenderError, RuntimeError)


# --------------------------------------------------------------------------- big plan
def test_large_plan_repeats_table_headers():
    memo = large_input(measures=60, divisions=12)
    rendered = render_memo(memo)
    assert rendered.pages > 4
    lines = pdf_lines(rendered.pdf)
    pages = page_texts(lines)
    assert len(pages) == rendered.pages
    label = re.compile(r"^\([๐-๙]+\)")
    table_pages = sorted({line.page for line in lines if label.match(line.text)})
    first, last = table_pages[0], table_pages[-1]
    for number in range(first, last + 1):
        assert "ขั้นตอนหรือวิธีการ" in pages[number], number
    # the results table's second header row repeats too
    results_start = min(p for p, t in pages.items() if "สถานะการดำเนินการ" in t)
    for number in range(results_start, last + 1):
        assert "ยังไม่ดำเนินการ" in pages[number], number
    text = "".join(pages.values())
    assert "(๖๐)" in text
    assert not re.search(r"[0-9]", text)
    for division in memo.plan.divisions:
        assert squash(clean(division)) in text


# --------------------------------------------------------------------------- processes
def _render_in_child(queue: Any) -> None:
    rendered = render_memo(seed_input(version=9))
    queue.put((rendered.pages, rendered.pdf[:5], len(rendered.docx)))


def test_forked_worker_does_not_hang(seed: tuple[MemoInput, RenderedMemo]):
    """RQ forks a work horse per job; typst's threads do not survive fork(), so a child of a
    process that has typeset (here: this one, via the fixture) must typeset elsewhere."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_render_in_child, args=(queue,))
    child.start()
    child.join(120)
    if child.is_alive():
        child.kill()
        pytest.fail("render_memo hung in a forked child")
    assert child.exitcode == 0
    pages, head, docx_size = queue.get(timeout=5)
    assert pages == seed[1].pages and head == b"%PDF-" and docx_size > 0


def test_every_character_has_a_glyph(seed: tuple[MemoInput, RenderedMemo]):
    """typst draws a missing glyph as an empty box without a warning: check coverage here,
    for the template's own words and for everything the document model carries."""
    template = (Path(jobs.memo.__file__).parent / "memo.typ").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", template)  # comments are not typeset
    literal = {c for c in code if ord(c) > 0x7F}
    memo = seed[0]
    document = build_document(
        memo.plan, memo.memo_date, 3, memo.measure_status, memo.notes, memo.chain, False
    )
    used = literal | {c for s in document_strings(document) for c in s} - {"\n"}
    missing = sorted(c for c in used if ord(c) not in covered())
    assert not missing, missing


# --------------------------------------------------------------------------- pages
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


def thai_number(n: int) -> str:
    return "".join(THAI_DIGITS[int(d)] for d in str(n))


@dataclass
class PageText:
    head: str  # the top margin
    top_line: str  # the body's top line, left to right
    foot: str  # the bottom margin
    foot_right: float  # right edge of the footer's first line (the continuation word)


def read_pages(pdf: bytes) -> list[PageText]:
    """What PDFium (Chrome's viewer) reads in the margins and on the top line of each page,
    from its own character boxes."""
    document = pdfium.PdfDocument(pdf)
    out = []
    try:
        for page in document:
            text = page.get_textpage()
            boxes = [text.get_charbox(i, loose=True) for i in range(text.count_chars())]
            body = [b for b in boxes if b[1] > BODY_BOTTOM and b[3] < BODY_TOP + 3 and b[2] > b[0]]
            top = max(b[3] for b in body)
            foot_boxes = [b for b in boxes if b[3] < BODY_BOTTOM and b[2] > b[0]]
            highest = max((b[3] for b in foot_boxes), default=0)
            first_foot_line = [b for b in foot_boxes if b[3] > highest - 4]
            out.append(
                PageText(
                    head=text.get_text_bounded(0, BODY_TOP + 6, PAGE_W, PAGE_H),
                    top_line=text.get_text_bounded(0, top - 14, PAGE_W, top + 1),
                    foot=text.get_text_bounded(0, 0, PAGE_W, BODY_BOTTOM),
                    foot_right=max((b[2] for b in first_foot_line), default=0),
                )
            )
    finally:
        document.close()
    return out


def check_pages(rendered: RenderedMemo) -> list[str]:
    """Page numbers from page 2 on ("- ๒ -", centred at the top); on every page but the last
    the continuation word, bottom right: "/" + the first word of the next page + "...".
    Returns the continuation words read."""
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import subword_tokenize, word_tokenize

    pages = read_pages(rendered.pdf)
    assert len(pages) == rendered.pages
    words = []
    for number, page in enumerate(pages, 1):
        if number == 1:
            assert squash(page.head) == ""
        else:
            assert squash(page.head) == f"-{thai_number(number)}-", page.head
        match = re.match(r"\s*(/\S+\.\.\.)\s", page.foot)
        if number == rendered.pages:
            assert match is None, page.foot
            words.append("")
            continue
        assert match, (number, page.foot)
        word = match.group(1)[1:-3]
        words.append(match.group(1))
        # bottom right: its right edge on the right margin (2 cm)
        assert abs(page.foot_right - (PAGE_W - 2 * 72 / 2.54)) < 3, page.foot_right
        # the next page begins with it: its top line, punctuation alone (a ticked box) skipped
        nxt = pages[number].top_line
        chunks = [c for c in nxt.split() if any(ch.isalnum() for ch in c)]
        assert squash(" ".join(chunks)).startswith(squash(word)), (number, word, nxt)
        # a whole word: it ends between two character clusters, and the dictionary knows it
        tcc = subword_tokenize(chunks[0], engine="tcc")
        ends = {sum(len(t) for t in tcc[:i]) for i in range(1, len(tcc) + 1)}
        assert len(word) in ends, (word, tcc)
        if re.search(r"[ก-ฮ]", word):
            known = thai_words()
            assert all(t in known for t in word_tokenize(word, engine="newmm")), word
    assert words == rendered.continuation
    return words


def test_seed_is_four_pages_like_the_paper(seed: tuple[MemoInput, RenderedMemo]):
    _, rendered = seed
    assert rendered.pages == 4
    words = check_pages(rendered)
    assert words[-1] == "" and all(words[:-1])


def test_approved_memo_pages():
    plan = seed_input().plan
    chain = approved_chain(plan, datetime(2021, 3, 31, 2, 0, tzinfo=UTC))
    rendered = render_memo(seed_input(version=2, chain=chain, final=True))
    assert rendered.pages == 4
    check_pages(rendered)


def test_large_plan_pages():
    rendered = render_memo(large_input(measures=60, divisions=12))
    check_pages(rendered)


def test_paragraph_across_pages_second_pass():
    """A paragraph running from one page onto the next: typst cannot tell its continuation
    word, so the top line is read from the PDF and the memo set once more with it."""
    import dataclasses

    memo = seed_input(version=7)
    memo_part = memo.plan.memo.model_copy(update={"analysis_memo_item": "๖ " + "และข้อ ๗ " * 140})
    plan = memo.plan.model_copy(update={"memo": memo_part})
    memo = dataclasses.replace(memo, plan=plan)
    rendered = render_memo(memo)
    words = check_pages(rendered)
    # a page begins mid-paragraph: its word is none of those the flow items begin with
    known = {item["word"] for item in document_of(memo)["flow"].values()}
    assert any(w and w[1:-3] not in known for w in words), words


def test_docx_page_numbers_and_continuation(seed: tuple[MemoInput, RenderedMemo]):
    """The DOCX numbers its pages from the second with a PAGE field in Thai digits; Word lays
    the pages out itself, so it carries no continuation words (docx.py says why)."""
    _, rendered = seed
    document = docx.Document(io.BytesIO(rendered.docx))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header._element.xml
    assert (
        "PAGE" in header and "THAIARABIC" in header and 'w:fmt="thaiNumbers"' in section._sectPr.xml
    )
    assert squash("".join(p.text for p in section.first_page_header.paragraphs)) == ""
    assert not any(w in docx_text(rendered.docx) for w in rendered.continuation if w)


# --------------------------------------------------------------------------- the emblem
def emblem_png() -> bytes:
    """A stand-in emblem (the product ships none): a red disc over a red chevron."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 280), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 0, 170, 100), fill=(180, 20, 20, 255))
    draw.polygon(
        [(120, 90), (0, 170), (50, 280), (120, 210), (190, 280), (240, 170)],
        fill=(180, 20, 20, 255),
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


EMBLEM_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="24" height="28" viewBox="0 0 24 28">'
    b'<circle cx="12" cy="5" r="5" fill="#b41414"/>'
    b'<path d="M12 9 L0 17 L5 28 L12 21 L19 28 L24 17 Z" fill="#b41414"/></svg>'
)


def plan_with_emblem(tmp_path: Path, name: str, content: bytes) -> Path:
    (tmp_path / name).write_bytes(content)
    text = (Path(__file__).resolve().parent.parent / "examples" / "naphu-2564.yaml").read_text(
        encoding="utf-8"
    )
    text = text.replace("  author:", f"  emblem: {name}\n  author:", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_emblem_is_read_with_the_plan_and_stored(tmp_path: Path, rdb):
    from store import plans
    from store.plan_schema import load_plan_file

    png = emblem_png()
    plan = load_plan_file(str(plan_with_emblem(tmp_path, "garuda.png", png)))
    assert plan.memo.emblem is not None
    assert plan.memo.emblem.format == "png" and plan.memo.emblem.content == png
    # stored with the plan: another process reads the image from Redis
    plans.save_plan(rdb, plan, replace=True)
    plans._cache.clear()
    again = plans.get_plan(rdb, plan.org.id)
    assert again is not None and again.memo.emblem == plan.memo.emblem
    svg = load_plan_file(str(plan_with_emblem(tmp_path, "garuda.svg", EMBLEM_SVG)))
    assert svg.memo.emblem.format == "svg" and svg.memo.emblem.content == EMBLEM_SVG


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("big.png", b"\x89PNG\r\n\x1a\n" + bytes(1_000_001), "ใหญ่เกิน 1 MB"),
        ("garuda.jpg", b"\xff\xd8\xff\xe0" + bytes(200), "ต้องเป็นภาพ PNG หรือ SVG"),
        ("broken.png", None, "PNG ที่เสีย"),
        (
            "bad.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>",
            "ต้องเป็นภาพ PNG หรือ SVG",
        ),
        ("missing.png", b"", "เปิดไฟล์ภาพครุฑ"),
    ],
)
def test_a_bad_emblem_is_refused(tmp_path: Path, name: str, content: bytes | None, words: str):
    from store.plan_schema import PlanError, load_plan_file

    if content is None:
        content = emblem_png()[:80]  # cut short: the header says PNG, the data is gone
    path = plan_with_emblem(tmp_path, name, content)
    if name == "missing.png":
        (tmp_path / name).unlink()
    with pytest.raises(PlanError) as caught:
        load_plan_file(str(path))
    (problem,) = caught.value.problems
    assert "ช่อง memo.emblem" in problem and "บรรทัด" in problem and words in problem, problem


def emblem_bounds(pdf: bytes, page: int) -> tuple[float, float, float, float] | None:
    """The box of what is drawn in the top left corner of a page, beside the heading (images
    and paths, table rules left out), or None."""
    document = pdfium.PdfDocument(pdf)
    try:
        kinds = [pdfium_raw.FPDF_PAGEOBJ_IMAGE, pdfium_raw.FPDF_PAGEOBJ_PATH]
        boxes = [
            (x0, y0, x1, y1)
            for x0, y0, x1, y1 in (o.get_bounds() for o in document[page].get_objects(filter=kinds))
            # not a table rule (a line: thin in one direction)
            if x0 < 5 * 72 / 2.54 and y0 > BODY_TOP - 2.5 * 72 / 2.54 and min(x1 - x0, y1 - y0) > 2
        ]
    finally:
        document.close()
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_emblem_in_pdf_docx_and_png(tmp_path: Path, kind: str):
    import dataclasses

    from store.plan_schema import load_plan_file

    content = emblem_png() if kind == "png" else EMBLEM_SVG
    plan = load_plan_file(str(plan_with_emblem(tmp_path, f"garuda.{kind}", content)))
    memo = dataclasses.replace(seed_input(version=5), plan=plan)
    rendered = render_memo(memo)
    assert rendered.pages == 4
    # PDF: an image (PNG) or its drawing (SVG: typst draws it as paths) 1.5 cm high at the
    # top left of page 1, and nowhere else
    left, bottom, right, top = emblem_bounds(rendered.pdf, 0)
    assert abs((top - bottom) - 1.5 * 72 / 2.54) < 0.5
    assert abs(left - 3 * 72 / 2.54) < 1 and abs(top - BODY_TOP) < 1
    assert all(emblem_bounds(rendered.pdf, n) is None for n in range(1, rendered.pages))
    # the heading stands beside it
    assert squash(read_pages(rendered.pdf)[0].top_line).startswith("บันทึกข้อความ")
    # PNG for LINE: in colour, the emblem's red at the top left
    from PIL import Image

    image = Image.open(io.BytesIO(rendered.png)).convert("RGB")
    scale = image.width / PAGE_W
    x = round((left + right) / 2 * scale)
    y = round((PAGE_H - (top + bottom) / 2) * scale)
    red, green, blue = image.getpixel((x, y))
    assert red > 150 and green < 80 and blue < 80, (red, green, blue)
    # DOCX: the picture, 1.5 cm high, in the heading's paragraph
    word = docx.Document(io.BytesIO(rendered.docx))
    (shape,) = word.inline_shapes
    assert abs(shape.height.cm - 1.5) < 0.01
    first = word.paragraphs[0]
    assert "บันทึกข้อความ" in first.text and first._p.xpath(".//w:drawing")
    assert any(part.partname.endswith(".png") for part in word.part.package.iter_parts())


def test_no_emblem_no_picture(seed: tuple[MemoInput, RenderedMemo]):
    _, rendered = seed
    assert emblem_bounds(rendered.pdf, 0) is None
    assert not docx.Document(io.BytesIO(rendered.docx)).inline_shapes
