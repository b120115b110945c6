"""WordprocessingML building blocks for the memo's DOCX (jobs/memo/docx.py): the fonts and
sizes, and runs, paragraphs, cells, rows and tables written as XML text."""

from __future__ import annotations

from xml.sax.saxutils import escape

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


def tw(cm: float) -> int:
    return round(cm * TWIPS_PER_CM)


def rpr_xml(
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


def run(text: str, size: float = BODY, bold: bool = False, font: str = FONT) -> str:
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
    return f"<w:r>{rpr_xml(size, bold, font)}{''.join(parts)}</w:r>"


def par(
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
    body = "".join(runs) if runs is not None else (run(text) if text else "")
    ppr = "<w:pPr>" + ("<w:keepNext/>" if keep_next else "")
    if dotted_tab:  # the form's dotted line: a right tab with a dot leader at the margin
        ppr += f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{tw(TEXT_WIDTH_CM)}"/></w:tabs>'
    ppr += f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" w:line="240" w:lineRule="auto"/>'
    if left_cm or first_cm:
        first = f'w:firstLine="{tw(first_cm)}"' if first_cm >= 0 else f'w:hanging="{tw(-first_cm)}"'
        ppr += f'<w:ind w:left="{tw(left_cm)}" {first}/>'
    if align:
        ppr += f'<w:jc w:val="{align}"/>'
    ppr += "</w:pPr>"
    return f"<w:p>{ppr}{body}</w:p>"


def cell(
    width_cm: float,
    lines: list[str],
    *,
    bold: bool = False,
    align: str = LEFT,
    middle: bool = False,
    span: int = 1,
    vmerge: str | None = None,
) -> str:
    tcpr = f'<w:tcPr><w:tcW w:w="{tw(width_cm)}" w:type="dxa"/>'
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
        par(runs=[run(line, bold=bold)] if line else [], align=align) for line in lines or [""]
    )
    return f"<w:tc>{tcpr}{pars}</w:tc>"


def row(cells: list[str], header: bool = False) -> str:
    # w:tblHeader repeats the row at the top of every page the table runs onto
    trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"


def table(widths: tuple[float, ...], rows: list[str]) -> str:
    grid = "".join(f'<w:gridCol w:w="{tw(w)}"/>' for w in widths)
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{tw(sum(widths))}" w:type="dxa"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
