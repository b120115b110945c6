"""The memo as DOCX, for the author to edit in Word: the same content as the PDF.

Font: "TH SarabunPSK" at the official sizes (body 16 pt, header labels 20 pt, title 29 pt).
Thai government PCs have it (the standard font since 2010), so Word there shows the memo as
the regulation wants; the PDF uses Sarabun, its free twin, scaled to match. Word takes the
font of Thai text from the complex-script slot (w:cs) and its size from w:szCs, so every slot
is set, and the default template's minorBidi / ar-SA defaults are replaced.

python-docx builds the skeleton (styles, page, header and footer, the emblem's image part);
the body is written as WordprocessingML text and parsed once, because python-docx's
per-property API takes ~0.2 s for the seed memo and ~0.9 s for a 60-measure one.

Page numbers "- ๒ -" from page 2: a PAGE field in Thai digits (the first page's own header is
empty). Continuation words (คำต่อหน้า, as the PDF has them) are left out: Word lays the pages
out itself and has no field for the next page's first word, so a fixed word would go wrong at
the author's first edit; the PDF, which goes up the chain, has them.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from jobs.memo.annex import add_to_docx
from jobs.memo.docx_package import emblem_run, heading_with_emblem, with_body

FONT = "TH SarabunPSK"
# TH SarabunPSK has no ballot boxes; name a font every Windows has (LibreOffice maps it to
# DejaVu) so the boxes never turn into tofu.
SYMBOL_FONT = "Segoe UI Symbol"
BOX_EMPTY, BOX_TICKED = "☐", "☑"

BODY, LABEL, TITLE, SMALL = 16, 20, 29, 12  # points, as the regulation gives them
TWIPS_PER_CM = 1440 / 2.54
TEXT_WIDTH_CM = 16.0  # A4 21 cm - 3 cm left - 2 cm right
INDENT_CM = 2.5
SIGNATURE_LEFT_CM = 7.5
# the PDF's columns (memo.typ): the steps widest, the owners one run of names
PLAN_WIDTHS_CM = (3.8, 6.0, 3.3, 2.9)
RESULT_WIDTHS_CM = (3.9, 5.9, 1.9, 1.9, 2.4)

LEFT, CENTER, RIGHT, THAI = "left", "center", "right", "thaiDistribute"
DOTS = "." * 30  # fits the signature column even where Word lacks TH SarabunPSK


def _tw(cm: float) -> int:
    return round(cm * TWIPS_PER_CM)


def _rpr_xml(
    size: float = BODY, bold: bool = False, font: str = FONT, color: str | None = None
) -> str:
    """w:rPr with children in schema order (rFonts, b, bCs, color, sz, szCs, lang)."""
    half = round(size * 2)
    return (
        f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + (f'<w:color w:val="{color}"/>' if color else "")
        + f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        + '<w:lang w:val="th-TH" w:eastAsia="th-TH" w:bidi="th-TH"/></w:rPr>'
    )


def _run(text: str, size: float = BODY, bold: bool = False, font: str = FONT) -> str:
    """A run; new lines become w:br and tabs w:tab."""
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if chunk:
                parts.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    return f"<w:r>{_rpr_xml(size, bold, font)}{''.join(parts)}</w:r>"


def _par(
    text: str = "",
    *,
    runs: list[str] | None = None,
    align: str | None = None,
    before: float = 0,
    after: float = 0,
    left_cm: float = 0,
    first_cm: float = 0,
    dotted_tab: bool = False,
    keep_next: bool = False,
) -> str:
    """A paragraph of `text` in the body face, or of ready-made `runs` (see _run)."""
    body = "".join(runs) if runs is not None else (_run(text) if text else "")
    ppr = "<w:pPr>" + ("<w:keepNext/>" if keep_next else "")
    if dotted_tab:  # the form's dotted line: a right tab with a dot leader at the margin
        ppr += (
            f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{_tw(TEXT_WIDTH_CM)}"/></w:tabs>'
        )
    ppr += f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" w:line="240" w:lineRule="auto"/>'
    if left_cm or first_cm:
        first = (
            f'w:firstLine="{_tw(first_cm)}"' if first_cm >= 0 else f'w:hanging="{_tw(-first_cm)}"'
        )
        ppr += f'<w:ind w:left="{_tw(left_cm)}" {first}/>'
    if align:
        ppr += f'<w:jc w:val="{align}"/>'
    ppr += "</w:pPr>"
    return f"<w:p>{ppr}{body}</w:p>"


def _cell(
    width_cm: float,
    lines: list[str],
    *,
    bold: bool = False,
    align: str = LEFT,
    middle: bool = False,
    span: int = 1,
    vmerge: str | None = None,
) -> str:
    tcpr = f'<w:tcPr><w:tcW w:w="{_tw(width_cm)}" w:type="dxa"/>'
    if span > 1:
        tcpr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        tcpr += "<w:vMerge/>"
    if middle:
        tcpr += '<w:vAlign w:val="center"/>'
    tcpr += "</w:tcPr>"
    pars = "".join(
        _par(runs=[_run(line, bold=bold)] if line else [], align=align) for line in lines or [""]
    )
    return f"<w:tc>{tcpr}{pars}</w:tc>"


def _row(cells: list[str], header: bool = False) -> str:
    # w:tblHeader repeats the row at the top of every page the table runs onto
    trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"


def _table(widths: tuple[float, ...], rows: list[str]) -> str:
    grid = "".join(f'<w:gridCol w:w="{_tw(w)}"/>' for w in widths)
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{_tw(sum(widths))}" w:type="dxa"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _signature(name: str, position: str, date: str | None = None) -> list[str]:
    """The signature block in the right half; kept on one page (each line keeps with the next)."""
    lines = ["", f"(ลงชื่อ)\u00a0{DOTS}", f"({name})", position]
    if date is not None:
        lines.append(f"วันที่ {date or DOTS[:24]}")
    return [
        _par(line, align=CENTER, left_cm=SIGNATURE_LEFT_CM, keep_next=i < len(lines) - 1)
        for i, line in enumerate(lines)
    ]


def _title(d: dict[str, Any], emblem: str | None) -> str:
    """บันทึกข้อความ centred; with the office's ครุฑ (1.5 cm) at the left margin beside it."""
    if emblem is None:
        return _par(runs=[_run(d["title"], TITLE, bold=True)], align=CENTER)
    title = _run("\t" + d["title"], TITLE, bold=True)
    return heading_with_emblem(emblem, title, _tw(TEXT_WIDTH_CM / 2))


def _comment(review: dict[str, str]) -> str:
    """A reviewer's comment on the form's line, after its heading, as in the PDF."""
    text = f"{review['heading']} {review['text']}"
    return _par(text, before=12, left_cm=INDENT_CM, first_cm=-INDENT_CM, keep_next=True)


def _body(d: dict[str, Any], emblem: str | None = None) -> list[str]:
    out = [
        _title(d, emblem),
        _par(
            runs=[_run("ส่วนราชการ", LABEL, True), _run(f"  {d['office']}  โทร. {d['phone']}")],
            before=6,
        ),
        # ที่ on the left half, วันที่ from the middle, as the printed form
        "<w:p><w:pPr><w:tabs>"
        f'<w:tab w:val="left" w:pos="{_tw(TEXT_WIDTH_CM / 2)}"/></w:tabs>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        + _run("ที่", LABEL, True)
        + _run(f"  {d['ref']}\t")
        + _run("วันที่", LABEL, True)
        + _run(f"  {d['date']}")
        + "</w:p>",
        _par(
            runs=[_run("เรื่อง", LABEL, True), _run(f"  {d['subject']}")],
            left_cm=1.25,
            first_cm=-1.25,
        ),
        _par(f"เรียน  {d['to']}", before=6),
        _par(d["intro"], align=THAI, first_cm=INDENT_CM, before=6),
        _par(
            runs=[_run(d["measures_heading"], bold=True)],
            align=CENTER,
            before=6,
            after=3,
            keep_next=True,
        ),
    ]

    w = PLAN_WIDTHS_CM
    rows = [
        _row(
            [
                _cell(w[i], [h], bold=True, align=CENTER, middle=True)
                for i, h in enumerate(d["plan_headings"])
            ],
            header=True,
        )
    ]
    for r in d["plan_rows"]:
        rows.append(
            _row(
                [
                    _cell(w[0], [r["measure"]]),
                    _cell(w[1], r["steps"]),
                    _cell(w[2], [" ".join(r["owners"])]),
                    _cell(w[3], [r["monitoring"]]),
                ]
            )
        )
    out.append(_table(w, rows))

    out.append(_par(d["ita"], align=THAI, first_cm=INDENT_CM, before=6))
    out.append(
        _par(
            runs=[_run("\n".join(d["results_heading"]), bold=True)],
            align=CENTER,
            before=6,
            after=3,
            keep_next=True,
        )
    )
    w = RESULT_WIDTHS_CM
    h = d["result_headings"]
    head = dict(bold=True, align=CENTER, middle=True)
    rows = [
        _row(
            [
                _cell(w[0], [h[0]], vmerge="restart", **head),
                _cell(w[1], [h[1]], vmerge="restart", **head),
                _cell(sum(w[2:]), [h[2]], span=3, **head),
            ],
            header=True,
        ),
        _row(
            [_cell(w[0], [], vmerge="continue", **head), _cell(w[1], [], vmerge="continue", **head)]
            + [
                _cell(w[2 + i], ["".join(lines)], **head)
                for i, lines in enumerate(d["status_headings"])
            ],
            header=True,
        ),
    ]
    for r in d["result_rows"]:
        marks = [
            _cell(w[2 + i], ["/", *r["notes"]] if r["column"] == i else ["-"], align=CENTER)
            for i in range(3)
        ]
        rows.append(_row([_cell(w[0], [r["measure"]]), _cell(w[1], r["steps"]), *marks]))
    out.append(_table(w, rows))

    out.append(_par(d["closing"], align=THAI, first_cm=INDENT_CM, before=12, keep_next=True))
    out += _signature(d["author"]["name"], d["author"]["position"])

    for review in d["reviews"]:
        if review["text"]:
            out.append(_comment(review))
        else:
            out.append(_par(review["heading"] + " \t", before=12, dotted_tab=True, keep_next=True))
            out.append(_par("\t", dotted_tab=True, keep_next=True))
        out += _signature(review["name"], review["position"], review["date"])

    a = d["approval"]
    tick = {k: BOX_TICKED if a["decision"] == k else BOX_EMPTY for k in ("approve", "reject")}
    runs = [
        _run(tick["approve"], font=SYMBOL_FONT),
        _run(" อนุมัติ      "),
        _run(tick["reject"], font=SYMBOL_FONT),
        _run(" ไม่อนุมัติ เนื่องจาก " + (a["reason"] or "\t")),
    ]
    out.append(_par(runs=runs, before=12, dotted_tab=not a["reason"], keep_next=True))
    if not a["reason"]:
        out.append(_par("\t", dotted_tab=True, keep_next=True))
    if a["remark"]:
        out.append(_par(a["remark"], left_cm=INDENT_CM, keep_next=True))
    out += _signature(a["name"], a["position"], a["date"])
    return out


def _defaults(doc: Any) -> None:
    """TH SarabunPSK 16 pt, Thai language and single spacing as the defaults of every style."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    old = rpr_default.find(qn("w:rPr"))
    if old is not None:
        rpr_default.remove(old)
    rpr_default.append(parse_xml(_rpr_xml().replace("<w:rPr>", f"<w:rPr {nsdecls('w')}>", 1)))
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for slot in ("w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    # theme fonts win over named ones in Word: strip every *Theme attribute left anywhere
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:bidi"), "th-TH")
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = OxmlElement("w:themeFontLang")
        settings.append(theme_lang)
    theme_lang.set(qn("w:val"), "en-US")
    theme_lang.set(qn("w:bidi"), "th-TH")


def _page(doc: Any, version_label: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    section.header_distance, section.footer_distance = Cm(1.25), Cm(1)
    # "- ๒ -" centred on top of pages 2+; Thai digits from the field switch (Word) and the
    # section's number format (LibreOffice reads this one)
    section.different_first_page_header_footer = True
    sect = section._sectPr
    pg = parse_xml(f'<w:pgNumType {nsdecls("w")} w:fmt="thaiNumbers"/>')
    anchor = sect.find(qn("w:cols"))
    anchor.addprevious(pg) if anchor is not None else sect.append(pg)

    field = (
        _run("- ")
        + f'<w:r>{_rpr_xml()}<w:fldChar w:fldCharType="begin"/></w:r>'
        + f'<w:r>{_rpr_xml()}<w:instrText xml:space="preserve"> PAGE \\* THAIARABIC </w:instrText></w:r>'
        + f'<w:r>{_rpr_xml()}<w:fldChar w:fldCharType="separate"/></w:r>'
        + _run("๒")
        + f'<w:r>{_rpr_xml()}<w:fldChar w:fldCharType="end"/></w:r>'
        + _run(" -")
    )
    _replace_paragraph(section.header, _par(runs=[field], align=CENTER))
    label = f"<w:r>{_rpr_xml(SMALL, color='888888')}<w:t>{escape(version_label)}</w:t></w:r>"
    for footer in (section.footer, section.first_page_footer):
        _replace_paragraph(footer, _par(runs=[label], align=RIGHT))


def _replace_paragraph(part: Any, xml: str) -> None:
    element = part._element
    for p in element.findall(qn("w:p")):
        element.remove(p)
    element.append(_parse(xml)[0])


def _parse(xml: str) -> list[Any]:
    """Parse a run of body-level elements (paragraphs)."""
    return list(parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>"))


def build_docx(document: dict[str, Any], emblem_png: bytes | None = None) -> bytes:
    """DOCX bytes of the memo `document` (see content.build_document); `emblem_png` is the
    office's ครุฑ as PNG when the plan names one."""
    d = document
    doc = Document()
    _defaults(doc)
    _page(doc, d["version_label"])
    doc.core_properties.title = d["meta"]["title"]
    doc.core_properties.author = d["meta"]["author"]
    doc.core_properties.language = "th-TH"
    emblem = emblem_run(doc, emblem_png) if emblem_png else None
    skeleton = io.BytesIO()
    doc.save(skeleton)
    package = with_body(skeleton.getvalue(), "".join(_body(d, emblem)))
    return add_to_docx(package, d["annex"]) if d.get("annex") else package  # evidence annex
