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

from core.texts import memo as memo_texts
from jobs.memo.annex import add_to_docx
from jobs.memo.docx_package import emblem_run, heading_with_emblem, with_body
from jobs.memo.docx_xml import (
    BODY,
    BOX_EMPTY,
    BOX_TICKED,
    CENTER,
    DOTS,
    FONT,
    INDENT_CM,
    LABEL,
    PLAN_WIDTHS_CM,
    RESULT_WIDTHS_CM,
    RIGHT,
    SIGNATURE_LEFT_CM,
    SMALL,
    SYMBOL_FONT,
    TEXT_WIDTH_CM,
    THAI,
    TITLE,
    cell,
    par,
    row,
    rpr_xml,
    run,
    table,
    tw,
)


def _signature(name: str, position: str, date: str | None = None) -> list[str]:
    """The signature block in the right half; kept on one page (each line keeps with the next)."""
    lines = ["", f"{memo_texts.SIGNED}\u00a0{DOTS}", f"({name})", position]
    if date is not None:
        lines.append(memo_texts.SIGNED_DATE.format(date=date or DOTS[:24]))
    return [
        par(line, align=CENTER, left_cm=SIGNATURE_LEFT_CM, keep_next=i < len(lines) - 1)
        for i, line in enumerate(lines)
    ]


def _title(d: dict[str, Any], emblem: str | None) -> str:
    """บันทึกข้อความ centred; with the office's ครุฑ (1.5 cm) at the left margin beside it."""
    if emblem is None:
        return par(runs=[run(d["title"], TITLE, bold=True)], align=CENTER)
    title = run("\t" + d["title"], TITLE, bold=True)
    return heading_with_emblem(emblem, title, tw(TEXT_WIDTH_CM / 2))


def _comment(review: dict[str, str]) -> str:
    """A reviewer's comment on the form's line, after its heading, as in the PDF."""
    text = f"{review['heading']} {review['text']}"
    return par(text, before=12, left_cm=INDENT_CM, first_cm=-INDENT_CM, keep_next=True)


def _body(d: dict[str, Any], emblem: str | None = None) -> list[str]:
    out = _header(d, emblem)
    out.append(_plan_table(d))
    out.append(par(d["ita"], align=THAI, first_cm=INDENT_CM, before=6))
    out.append(
        par(
            runs=[run("\n".join(d["results_heading"]), bold=True)],
            align=CENTER,
            before=6,
            after=3,
            keep_next=True,
        )
    )
    out.append(_results_table(d))
    out.append(par(d["closing"], align=THAI, first_cm=INDENT_CM, before=12, keep_next=True))
    out += _signature(d["author"]["name"], d["author"]["position"])
    for review in d["reviews"]:
        out += _review(review)
    out += _approval(d["approval"])
    return out


def _header(d: dict[str, Any], emblem: str | None) -> list[str]:
    """The title, the form's header fields, เรียน, the intro and the measures heading."""
    return [
        _title(d, emblem),
        par(
            runs=[
                run(memo_texts.OFFICE_LABEL, LABEL, True),
                run(memo_texts.PHONE.format(office=d["office"], phone=d["phone"])),
            ],
            before=6,
        ),
        # ที่ on the left half, วันที่ from the middle, as the printed form
        "<w:p><w:pPr><w:tabs>"
        f'<w:tab w:val="left" w:pos="{tw(TEXT_WIDTH_CM / 2)}"/></w:tabs>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        + run(memo_texts.REF_LABEL, LABEL, True)
        + run(f"  {d['ref']}\t")
        + run(memo_texts.DATE_LABEL, LABEL, True)
        + run(f"  {d['date']}")
        + "</w:p>",
        par(
            runs=[run(memo_texts.SUBJECT_LABEL, LABEL, True), run(f"  {d['subject']}")],
            left_cm=1.25,
            first_cm=-1.25,
        ),
        par(memo_texts.TO_LINE.format(to=d["to"]), before=6),
        par(d["intro"], align=THAI, first_cm=INDENT_CM, before=6),
        par(
            runs=[run(d["measures_heading"], bold=True)],
            align=CENTER,
            before=6,
            after=3,
            keep_next=True,
        ),
    ]


def _plan_table(d: dict[str, Any]) -> str:
    """The measures table: measure, steps, owners, monitoring."""
    w = PLAN_WIDTHS_CM
    rows = [
        row(
            [
                cell(w[i], [h], bold=True, align=CENTER, middle=True)
                for i, h in enumerate(d["plan_headings"])
            ],
            header=True,
        )
    ]
    for r in d["plan_rows"]:
        rows.append(
            row(
                [
                    cell(w[0], [r["measure"]]),
                    cell(w[1], r["steps"]),
                    cell(w[2], [" ".join(r["owners"])]),
                    cell(w[3], [r["monitoring"]]),
                ]
            )
        )
    return table(w, rows)


def _results_table(d: dict[str, Any]) -> str:
    """The results table: two header rows (the status heading over its three columns)."""
    w = RESULT_WIDTHS_CM
    h = d["result_headings"]
    head = dict(bold=True, align=CENTER, middle=True)
    rows = [
        row(
            [
                cell(w[0], [h[0]], vmerge="restart", **head),
                cell(w[1], [h[1]], vmerge="restart", **head),
                cell(sum(w[2:]), [h[2]], span=3, **head),
            ],
            header=True,
        ),
        row(
            [cell(w[0], [], vmerge="continue", **head), cell(w[1], [], vmerge="continue", **head)]
            + [
                cell(w[2 + i], ["".join(lines)], **head)
                for i, lines in enumerate(d["status_headings"])
            ],
            header=True,
        ),
    ]
    for r in d["result_rows"]:
        marks = [
            cell(w[2 + i], ["/", *r["notes"]] if r["column"] == i else ["-"], align=CENTER)
            for i in range(3)
        ]
        rows.append(row([cell(w[0], [r["measure"]]), cell(w[1], r["steps"]), *marks]))
    return table(w, rows)


def _review(review: dict[str, str]) -> list[str]:
    """A reviewer's comment (or two dotted lines to write one on) and signature block."""
    out = []
    if review["text"]:
        out.append(_comment(review))
    else:
        out.append(par(review["heading"] + " \t", before=12, dotted_tab=True, keep_next=True))
        out.append(par("\t", dotted_tab=True, keep_next=True))
    out += _signature(review["name"], review["position"], review["date"])
    return out


def _approval(a: dict[str, str]) -> list[str]:
    """The approval block: the two boxes (one ticked once decided), the reason, the remark."""
    out = []
    tick = {k: BOX_TICKED if a["decision"] == k else BOX_EMPTY for k in ("approve", "reject")}
    runs = [
        run(tick["approve"], font=SYMBOL_FONT),
        run(memo_texts.APPROVE_BOX),
        run(tick["reject"], font=SYMBOL_FONT),
        run(memo_texts.REJECT_BOX + (a["reason"] or "\t")),
    ]
    out.append(par(runs=runs, before=12, dotted_tab=not a["reason"], keep_next=True))
    if not a["reason"]:
        out.append(par("\t", dotted_tab=True, keep_next=True))
    if a["remark"]:
        out.append(par(a["remark"], left_cm=INDENT_CM, keep_next=True))
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
    rpr_default.append(parse_xml(rpr_xml().replace("<w:rPr>", f"<w:rPr {nsdecls('w')}>", 1)))
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
        run("- ")
        + f'<w:r>{rpr_xml()}<w:fldChar w:fldCharType="begin"/></w:r>'
        + f'<w:r>{rpr_xml()}<w:instrText xml:space="preserve"> PAGE \\* THAIARABIC </w:instrText></w:r>'
        + f'<w:r>{rpr_xml()}<w:fldChar w:fldCharType="separate"/></w:r>'
        + run(memo_texts.PAGE_NUMBER_PLACEHOLDER)
        + f'<w:r>{rpr_xml()}<w:fldChar w:fldCharType="end"/></w:r>'
        + run(" -")
    )
    _replace_paragraph(section.header, par(runs=[field], align=CENTER))
    label = f"<w:r>{rpr_xml(SMALL, color='888888')}<w:t>{escape(version_label)}</w:t></w:r>"
    for footer in (section.footer, section.first_page_footer):
        _replace_paragraph(footer, par(runs=[label], align=RIGHT))


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
