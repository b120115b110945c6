"""The printable invite sheet: an A4 PDF with one block per invite (its division, the QR of
its join link, the code and when it expires), six to a page, typeset with typst and Sarabun."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import fontpkg
import typst

from core.texts import web as web_texts

PER_PAGE = 6  # two columns of three: a QR big enough to scan from across a table

SOURCE = """
#set page(paper: "a4", margin: (x: 14mm, y: 10mm))
#set text(font: "Sarabun", lang: "th", size: 11pt, top-edge: "ascender", bottom-edge: "descender")
#set par(leading: 0.9em)
#let data = json(bytes(sys.inputs.data))
#let card(b) = rect(width: 100%, stroke: 0.6pt + luma(160), radius: 3mm, inset: 3mm,
  align(center, stack(spacing: 2.2mm,
    text(size: 14pt, weight: "bold", b.name),
    image(bytes(b.qr), format: "svg", width: 36mm),
    text(size: 15pt, weight: "bold", b.code),
    text(size: 9pt, b.howto),
    text(size: 9pt, fill: luma(90), b.expires),
  )))
#for (index, page) in data.pages.enumerate() {
  if index > 0 { pagebreak() }
  align(center, text(size: 13pt, weight: "bold", data.title))
  v(2mm)
  grid(columns: (1fr, 1fr), column-gutter: 6mm, row-gutter: 5mm, ..page.map(card))
}
"""


@dataclass(frozen=True)
class Card:
    name: str  # the division (or position) the code is for
    code: str
    link: str  # the join link the QR holds; the code alone when there is no link
    qr: str  # the QR as an SVG document
    expires: str  # already worded: "ใช้ได้ถึง …"


def render(title: str, cards: list[Card]) -> bytes:
    """The sheet's PDF; typst's warnings (a missing font) fail it rather than print boxes."""
    pages = [
        [
            {**asdict(card), "howto": web_texts.INVITE_CARD_HOWTO.format(code=card.code)}
            for card in chunk
        ]
        for chunk in (cards[i : i + PER_PAGE] for i in range(0, len(cards), PER_PAGE))
    ]
    inputs = {"data": json.dumps({"title": title, "pages": pages}, ensure_ascii=False)}
    font_dir = str(fontpkg.path("Sarabun", weight=400).parent)
    compiler = typst.Compiler(SOURCE.encode(), font_paths=[font_dir], ignore_system_fonts=True)
    pdf, warnings = compiler.compile_with_warnings(format="pdf", sys_inputs=inputs)
    if warnings:
        raise RuntimeError(f"typst warned: {warnings}")
    return pdf
