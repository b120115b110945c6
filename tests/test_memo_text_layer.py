"""The memo's text layer as readers get it: PDFium (Chrome, Edge), poppler (pdftotext, Linux
viewers), pdfminer.six (pdfplumber) and pypdf, each run for real on the PDF.

typst 0.15 with Sarabun writes a raised tone mark as a text object of its own that repeats its
cluster (typst#7610, #4225; krilla#411): PDFium and poppler read "ขั้นตอน" as "ขั้ขั้นตอน", and
readers that ignore ActualText find control characters. jobs/memo/textlayer mends it; these
tests read the text back with the four readers and compare it with the text typed.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
import typst
from pdfminer.converter import PDFPageAggregator
from pdfminer.high_level import extract_text
from pdfminer.layout import LTChar
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from PIL import Image, ImageChops, ImageFilter

from jobs.memo import RenderedMemo, render_memo
from jobs.memo.fonts import font_files
from jobs.memo.render import document_of
from jobs.memo.samples import approved_chain, large_input, seed_input
from jobs.memo.textlayer import (
    _page_content,
    _page_fonts,
    fix_text_layer,
    glyph_texts,
    mend,
    split_cluster,
)
from jobs.memo.textlayer.shows import _matrix
from jobs.memo.textlayer.stream import _scan
from jobs.memo.typesetting import _typeset_memo

# A4 in points, and the memo's margins (top 2.5 cm, bottom 2 cm): the body lies between
PAGE_W, PAGE_H = 595.28, 841.89
BODY_TOP, BODY_BOTTOM = PAGE_H - 2.5 * 72 / 2.54, 2.0 * 72 / 2.54

# Every kind of Thai cluster the memo meets: upper vowel + tone (the raised marks), SARA AM
# with and without a tone, marks over tall consonants, consonants without their tails, ฤๅ, ๆ,
# digits and Latin text; the issue's own sample first.
THAI_SAMPLE = (
    "ขั้นตอน ซึ่ง เพิ่ม ที่ นั้น ทั้ง สำนักปลัด จ.อ.สราวุทธิ์ แสงสุวรรณ ดีขึ้น ดียิ่งขึ้น ทั้งนี้ "
    "ชั้น ปั้น ฝั่ง ฟื้น ลื่น ตื่น ปี่ ปิ่น ป้ำ ค่ำ น้ำ ช้ำ จ๊ะ โต๊ะ ก๋วยเตี๋ยว เจ้าหน้าที่ ผู้ใหญ่ ญาติ "
    "ฐาน ฎีกา ปฏิบัติ กฤษฎีกา ฤๅษี ธุรกิจ ภูมิ ทุ่ง กู้ ญี่ปุ่น อื่น ๆ กำกับ ติดตาม ข้อมูลข่าวสาร "
    "การประเมินคุณธรรมและความโปร่งใส (Integrity and Transparency Assessment : ITA) "
    "๓๑ มีนาคม ๒๕๖๔ ๕๑.๖๓ อด ๗๖๘๐๑/๕๒ โทร. ๐๔๒-๒๑๙๙๑๗ ฉบับที่ ๓ · ร่าง"
)


def squash(text: str) -> str:
    """Whitespace removed: Thai line breaks fall anywhere between words."""
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- the readers
def pdfium_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def pdfium_body(pdf: bytes) -> list[str]:
    """Each page's text between the margins (the page number and footer left out)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            page.get_textpage().get_text_bounded(0, BODY_BOTTOM, PAGE_W, BODY_TOP)
            for page in document
        ]
    finally:
        document.close()


def pdftotext(pdf: bytes, *options: str) -> str:
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", *options, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8")


def poppler_text(pdf: bytes) -> str:
    return pdftotext(pdf)


def poppler_body(pdf: bytes) -> list[str]:
    """pdftotext's text of each page between the margins (-x -y -W -H crop, in points)."""
    top = round(PAGE_H - BODY_TOP)
    height = round(BODY_TOP - BODY_BOTTOM)
    crop = ("-x", "0", "-y", str(top), "-W", str(round(PAGE_W)), "-H", str(height))
    return pdftotext(pdf, *crop).split("\f")[:-1]


def pdfminer_chars(pdf: bytes) -> str:
    """The characters pdfminer.six reads, in content order (no layout analysis)."""
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    out = []
    for page in PDFPage.get_pages(io.BytesIO(pdf)):
        interpreter.process_page(page)
        out += [o.get_text() for o in device.get_result() if isinstance(o, LTChar)]
    return "".join(out)


def pdfminer_pages(pdf: bytes) -> list[str]:
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    out = []
    for page in PDFPage.get_pages(io.BytesIO(pdf)):
        interpreter.process_page(page)
        out.append("".join(o.get_text() for o in device.get_result() if isinstance(o, LTChar)))
    return out


def pdfminer_layout(pdf: bytes) -> str:
    """pdfminer.six's (and pdfplumber's) text: its layout analysis, default parameters."""
    return extract_text(io.BytesIO(pdf))


def pypdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def pypdf_text(pdf: bytes) -> str:
    return "\n".join(pypdf_pages(pdf))


READERS: dict[str, Callable[[bytes], str]] = {
    "pdfium": pdfium_text,
    "pdftotext": poppler_text,
    "pdfminer": pdfminer_chars,
    "pypdf": pypdf_text,
}


def no_garbage(text: str) -> None:
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Co", "Cn") and c not in "\n\r\t\f"]
    assert not bad, [hex(ord(c)) for c in bad[:10]]
    assert "\ufffd" not in text and "(cid:" not in text


# --------------------------------------------------------------------------- a Thai sample
@cache
def sample_pdfs() -> tuple[bytes, bytes]:
    """(as typst writes it, as the memo ships it) for THAI_SAMPLE in both weights and sizes."""
    source = (
        '#set page(width: 16cm, height: auto, margin: 1cm)\n#set text(font: "Sarabun", lang: "th")\n'
        "#let sample = sys.inputs.sample\n"
        "#for size in (10.67pt, 13.33pt, 19.33pt) [\n"
        "  #text(size: size, sample) \\\n"
        '  #text(size: size, weight: "bold", sample) \\\n'
        "]\n"
    )
    raw = typst.compile(
        source.encode(),
        font_paths=[str(font_files()[0].parent)],
        ignore_system_fonts=True,
        sys_inputs={"sample": THAI_SAMPLE},
    )
    fixed, stats = fix_text_layer(raw)
    assert stats.strays_moved > 0 and stats.strays_left == 0 and not stats.skipped_pages
    return raw, fixed


def test_typst_alone_doubles_clusters():
    """The bug is there to mend (if this fails, typst fixed #7610: see jobs/memo/textlayer)."""
    raw, _ = sample_pdfs()
    text = squash(pdfium_text(raw))
    assert "ขั้ขั้นตอน" in text and squash(THAI_SAMPLE) * 6 != text
    assert "\x02" in pypdf_text(raw) or "(cid:" in pdfminer_layout(raw)


@pytest.mark.parametrize("reader", list(READERS))
def test_sample_reads_back_exactly(reader: str):
    _, fixed = sample_pdfs()
    text = READERS[reader](fixed)
    no_garbage(text)
    assert squash(text) == squash(THAI_SAMPLE) * 6


def test_sample_pdfminer_layout_keeps_words_whole():
    """pdfplumber's way (pdfminer.six's layout analysis) reads whole lines, none split."""
    _, fixed = sample_pdfs()
    text = pdfminer_layout(fixed)
    no_garbage(text)
    assert squash(text) == squash(THAI_SAMPLE) * 6
    assert not re.search(r"\n\s*[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", text), (
        "a line begins with a mark"
    )


def _render(pdf: bytes, ppi: float) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [p.render(scale=ppi / 72, grayscale=True).to_pil().convert("L") for p in document]
    finally:
        document.close()


def assert_same_page(before: bytes, after: bytes) -> None:
    """The printed page did not change: every dark pixel has a dark pixel at most one pixel
    away in the other image, at 144 ppi (the PNG for LINE) and at 576 ppi (an eighth of a
    point); at 576 ppi at most 0.01 % of the ink differs at all. PDFium places each glyph's
    bitmap on whole pixels, so a mark drawn from its cluster's run (a composite glyph, moved in
    font units) may land a pixel away from where the run before put it; nothing else moves."""
    for ppi in (144, 576):
        for a, b in zip(_render(before, ppi), _render(after, ppi), strict=True):
            dark_a, dark_b = (im.point(lambda v: 255 if v < 128 else 0) for im in (a, b))
            near_a, near_b = (im.filter(ImageFilter.MaxFilter(3)) for im in (dark_a, dark_b))
            assert ImageChops.subtract(dark_a, near_b).getbbox() is None, ppi
            assert ImageChops.subtract(dark_b, near_a).getbbox() is None, ppi
            if ppi == 576:
                changed = sum(ImageChops.difference(a, b).histogram()[64:])
                assert changed <= dark_a.histogram()[255] / 10_000, changed


def test_sample_page_unchanged():
    assert_same_page(*sample_pdfs())


def test_split_of_a_cluster():
    """Each glyph reads as its own character; SARA AM (nikhahit + sara aa) reads once."""
    assert split_cluster([("ส",), ("\u0e4d",), ("\u0e32",)], "สำ") == ["ส", "ำ", ""]
    # น้ำ: Sarabun's nikhahit + mai tho ligature, then sara aa
    lig = glyph_texts()["uni0E4D0E49"]
    assert split_cluster([("น",), lig, ("\u0e32",)], "น้ำ") == ["น", "้ำ", ""]
    assert split_cluster([("ข",), ("\u0e31",), ("\u0e49",)], "ขั้") == ["ข", "ั", "้"]
    assert split_cluster([("ข",), ("\u0e31",)], "ขั้") is None  # a glyph short: read whole instead
    # glyphs that only shaping draws read as their characters
    texts = glyph_texts()
    assert texts["uni0E49.small"][0] == "\u0e49"
    assert texts["yoYingthai.less"][0] == "ญ"
    assert texts["thoThanthai.less"][0] == "ฐ"


def test_a_pdf_not_understood_is_left_alone():
    """Content this module does not know (here: a ' operator) leaves the PDF as it was."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 10 10 Td (hello) ' ET")
    out = io.BytesIO()
    pdf.save(out)
    fixed, stats = fix_text_layer(out.getvalue())
    assert fixed == out.getvalue() and stats.skipped_pages == [1]


def _shows_read(data: bytes, fonts: dict, every: bool, fast: bool) -> object:
    scanned = _scan(data, fonts, every, fast=fast)
    if scanned is None:
        return None
    shows, spans = scanned
    return spans, [
        (
            s.start,
            s.end,
            id(s.font),
            s.size,
            [e if isinstance(e, float) else e.glyph for e in s.entries],
            s.span,
            s.ctm,
            _matrix(s.tm),
            s.fill,
            s.mode,
            s.regular,
            s.artifact,
            s.cut,
        )
        for s in shows
    ]


# typst's bytes written other ways a PDF may: the shortcuts step aside, the tokens read on
MUTATIONS = [
    (b" Tr/", b"\nTr /"),
    (b"\nET\nQ\n", b" ET Q "),
    (b"BT ", b"BT\n"),
    (b" Tm[", b"  Tm ["),
    (b"BDC\nq ", b"BDC q\n"),
    (b">>>BDC ", b"> >>BDC\n"),
    (b"\nEMC", b" EMC"),
    (b"]TJ", b"] TJ"),
    (b" cm/c0 CS", b" cm /c0 CS"),
    (b"\nS\nQ", b" S Q"),
    (b" w 4 M", b" w 4 M [] 0 d"),
    (b"\nEMC\nET", b"\nEMC ET"),
]


def test_shortcuts_read_as_the_tokens_do():
    """The scanner's shortcuts for typst's runs and frames give the shows that reading every
    token with the one regular expression gives, on typst's PDFs and on their bytes written
    otherwise (every show: without `every`, the spans that need nothing are held back, which
    test_text_layer_same_without_shortcuts covers)."""
    raw, _ = sample_pdfs()
    seed_raw = _typeset_memo(memo("seed")[0])[0]
    for pdf_bytes in (raw, seed_raw):
        pdf = pikepdf.open(io.BytesIO(pdf_bytes))
        loaded: dict = {}
        for page in pdf.pages:
            data, fonts = _page_content(page), _page_fonts(page, loaded)
            for old, new in [(b"", b""), *MUTATIONS]:
                mutated = data.replace(old, new) if old else data
                fast = _shows_read(mutated, fonts, True, fast=True)
                assert fast == _shows_read(mutated, fonts, True, fast=False), old
                assert fast is not None


def _rewritten(pdf_bytes: bytes, old: bytes, new: bytes) -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    for page in pdf.pages:
        page.obj.Contents = pdf.make_stream(_page_content(page).replace(old, new))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_text_layer_same_without_shortcuts(monkeypatch: pytest.MonkeyPatch):
    """The mended PDF is byte for byte the one made reading every token and keeping every
    show (the file ID aside), for typst's PDFs and their bytes written otherwise."""
    raw, _ = sample_pdfs()
    seed_raw = _typeset_memo(memo("seed")[0])[0]
    pdfs = [raw, seed_raw, *(_rewritten(raw, old, new) for old, new in MUTATIONS)]
    fast = [fix_text_layer(pdf) for pdf in pdfs]
    monkeypatch.setattr(mend, "_scan", functools.partial(_scan, fast=False))
    slow = [fix_text_layer(pdf) for pdf in pdfs]
    no_id = re.compile(rb"/ID \[<[0-9a-f]*><[0-9a-f]*>\]")
    assert [(no_id.sub(b"", pdf), stats) for pdf, stats in fast] == [
        (no_id.sub(b"", pdf), stats) for pdf, stats in slow
    ]
    assert all(not stats.skipped_pages and stats.strays_moved for _, stats in fast)


# --------------------------------------------------------------------------- the memo
@cache
def memo(kind: str) -> tuple[dict, RenderedMemo]:
    if kind == "seed":
        memo_input = seed_input(version=3)
    elif kind == "approved":
        plan = seed_input().plan
        chain = approved_chain(plan, datetime(2021, 3, 31, 2, 0, tzinfo=UTC))
        memo_input = seed_input(version=2, chain=chain, final=True)
    else:
        memo_input = large_input(60, 12)
    return document_of(memo_input), render_memo(memo_input)


def printed_strings(document: dict) -> list[str]:
    """Every string of the document model the memo prints in its body (not its bookkeeping,
    not the version label of the footers)."""
    skip = {"flow", "meta", "emblem", "decision", "column", "version_label"}

    def walk(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in skip:
                    yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    return [s for s in walk(document) if squash(s)]


def body_pages(pages: list[str], document: dict) -> list[str]:
    """The pages' body text, squashed, without the table headers a table repeats at the top
    of every page it runs onto."""
    headers = [
        squash("".join(document["plan_headings"])),
        squash(
            "".join(document["result_headings"])
            + "".join("".join(lines) for lines in document["status_headings"])
        ),
    ]
    out = []
    for number, page in enumerate(pages):
        text = squash(page)
        if number > 0:
            for header in headers:
                if text.startswith(header):
                    text = text[len(header) :]
        out.append(text)
    return out


def missing_strings(strings: list[str], pages: list[str]) -> list[str]:
    """The strings not read back exactly: whole in the body text, or, for a table cell that a
    page break cuts, its first part ending one page and the rest on the next."""
    flow = "".join(pages)
    missing = []
    for s in strings:
        q = squash(s)
        if q in flow:
            continue
        cut = any(
            q[:i] in pages[k] and q[i:] in pages[k + 1]
            for k in range(len(pages) - 1)
            for i in range(1, len(q))
            if pages[k].find(q[:i]) >= 0
        )
        if not cut:
            missing.append(s)
    return missing


def without_furniture(pages: list[str], rendered: RenderedMemo, version_label: str) -> list[str]:
    """Pages read in content order less the page number before the body ("- ๒ -") and the
    footer after it (continuation word, version)."""
    out = []
    for number, page in enumerate(pages, 1):
        text = squash(page)
        head = squash(f"- {'๐๑๒๓๔๕๖๗๘๙'[number] if number < 10 else ''} -")
        if number > 1 and text.startswith(head):
            text = text[len(head) :]
        foot = squash(rendered.continuation[number - 1] + version_label)
        assert text.endswith(foot), (number, text[-60:])
        out.append(text[: len(text) - len(foot)])
    return out


BODY_READERS = {
    "pdfium": lambda pdf, rendered, label: pdfium_body(pdf),
    "pdftotext": lambda pdf, rendered, label: poppler_body(pdf),
    "pdfminer": lambda pdf, rendered, label: without_furniture(
        pdfminer_pages(pdf), rendered, label
    ),
    "pypdf": lambda pdf, rendered, label: without_furniture(pypdf_pages(pdf), rendered, label),
}


@pytest.mark.parametrize("kind", ["seed", "approved", "large"])
@pytest.mark.parametrize("reader", list(BODY_READERS))
def test_memo_reads_as_typed(kind: str, reader: str):
    """Every word of the memo (header, both tables, score paragraph, names, positions,
    comments, decisions, dates) reads back exactly as the document has it."""
    document, rendered = memo(kind)
    if kind == "large" and reader in ("pdfminer", "pypdf"):
        pytest.skip("31 pages: PDFium and poppler read it; the seed memos cover these two")
    pages = BODY_READERS[reader](rendered.pdf, rendered, document["version_label"])
    assert len(pages) == rendered.pages
    pages = body_pages(pages, document)
    text = "".join(pages)
    no_garbage(text)
    missing = missing_strings(printed_strings(document), pages)
    assert not missing, missing[:5]
    # nothing read twice: no cluster doubled against the source
    for s in printed_strings(document):
        first = re.match(r".[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+", squash(s))
        if first:
            assert first.group() + squash(s) not in text, s
    # the footer of every page carries the version
    whole = READERS[reader](rendered.pdf)
    assert squash(whole).count(squash(document["version_label"])) == rendered.pages


@pytest.mark.parametrize("kind", ["seed", "approved"])
def test_memo_readers_agree(kind: str):
    """PDFium and poppler read ActualText, pdfminer.six and pypdf the ToUnicode map alone, and
    each orders a line its own way: all read the very same characters, none lost, none twice."""
    _, rendered = memo(kind)
    texts = {name: squash(read(rendered.pdf)) for name, read in READERS.items()}
    # pdfplumber's layout analysis orders table cells its own way, and keeps clusters whole
    layout = pdfminer_layout(rendered.pdf)
    texts["pdfminer layout"] = squash(layout)
    assert not re.search(r"\n\s*[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", layout)
    for name, text in texts.items():
        no_garbage(text)
        assert sorted(text) == sorted(texts["pdfium"]), name


def test_memo_page_unchanged_by_the_text_layer():
    document, rendered = memo("seed")
    raw, *_ = _typeset_memo(document)
    assert_same_page(raw, rendered.pdf)
    assert rendered.text_layer.strays_moved > 0 and rendered.text_layer.strays_left == 0
