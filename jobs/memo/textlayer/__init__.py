"""The PDF's text layer, made to read back exactly as typed (issue 13).

typst 0.15 (krilla) writes Thai text as glyph runs with a ToUnicode CMap that maps each glyph
to the text of the first cluster it appeared in, and wraps every cluster whose glyphs do not
spell its text in a `/Span <</ActualText …>> BDC … EMC`. Two things go wrong with Sarabun:

* a raised tone mark (the small ้ of ขั้ / ซึ่ / เพิ่) is drawn as a text object of its own,
  outside its cluster's span, and repeats the whole cluster's text (as ToUnicode or as an
  ActualText of its own): PDFium and poppler read ``ขั้ขั้นตอน`` (typst#7610, #4225; krilla#411);
* readers that ignore ActualText (pdfminer.six, pypdf) find no ToUnicode entry for marks
  that never began a cluster (control characters in the text) and read each base consonant
  as the first cluster it appeared in (``สำ`` for every ส).

`fix_text_layer` rewrites the PDF (pikepdf; the content streams are read with one regular
expression, typst's own runs and frames found first by narrower ones that skip ahead, and only
the runs that change are written anew, the rest of the bytes kept) so that every reader gets
the same, exact text:

1. a stray mark glyph goes back into its cluster's run and ActualText span, at the same place
   on the page: its rise (and its offset, in whole font units) becomes part of the glyph, a
   TrueType composite of it added to the embedded subset, since a run has one baseline;
2. every glyph occurrence gets a character code whose ToUnicode entry is its own share of the
   cluster's text: the glyph's own character(s), from Sarabun's cmap and GSUB (ส, ั, ้; the
   small and narrow marks; ฐ without its tail), and for a glyph read another way a second
   code for the same glyph (CIDToGIDMap). SARA AM is drawn as nikhahit + sara aa: the
   nikhahit reads ำ, that sara aa reads as nothing. A cluster that cannot be split so reads
   whole from its first glyph;
3. typst's ActualText spans stay (they agree with the new ToUnicode); a run outside any span
   that holds a glyph reading as nothing gets a span of its own, because PDFium replaces an
   empty ToUnicode entry by the raw character code;
4. for pdfminer.six's layout analysis (pdfplumber), which splits a line between two glyphs of
   no width that are apart: marks get MARK_WIDTH in /W, taken back by the TJ right after each,
   and a mark typst moves away from the mark before it (over ป ฟ ฝ) is drawn at the text
   position by a composite glyph moved so.

What is drawn stays where it was: the tests compare the rendered pages before and after (at
576 ppi no ink moves by more than a pixel; PDFium places glyph bitmaps on whole pixels, so a
mark drawn by a composite may land one pixel away from where the separate run put it).
Content this module does not understand leaves the PDF as typst wrote it (logged).
"""

from __future__ import annotations

import io

import pikepdf

from jobs.memo.textlayer.glyphs import glyph_texts, split_cluster
from jobs.memo.textlayer.mend import TextLayerStats, _fix_page, _is_stray, _point, log
from jobs.memo.textlayer.pdffonts import _Font, _load_font, _write_font
from jobs.memo.textlayer.shows import _Group, _groups
from jobs.memo.textlayer.stream import _scan

__all__ = ["TextLayerStats", "first_lines", "fix_text_layer", "glyph_texts", "split_cluster"]


def first_lines(pdf_bytes: bytes) -> list[str]:
    """The text of each page's top line of body text, left to right, as typed (each cluster
    once; the header and footer left out; a space where the line jumps to another cell)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    loaded: dict[tuple[int, int], _Font | None] = {}
    out = []
    for page in pdf.pages:
        scanned = _scan(_page_content(page), _page_fonts(page, loaded), every=True)
        if scanned is None:
            out.append("")
            continue
        shows, spans = scanned
        texts: dict[int, list[str]] = {}  # show index -> texts of the clusters it begins
        kept: list[_Group] = []
        for group in _groups(shows, spans):
            if not _is_stray(shows, group, kept):
                kept.append(group)
                texts.setdefault(group.shows[0], []).append(group.text)
        body = [(i, _point(shows[i], 0.0)) for i in texts if not shows[i].artifact]
        if not body:
            out.append("")
            continue
        top = max(y for _, (_, y) in body)
        line = sorted((x, i) for i, (x, y) in body if abs(y - top) <= 0.3 * shows[i].size)
        parts: list[str] = []
        end_x = None
        for x, i in line:
            show = shows[i]
            if end_x is not None and x - end_x > 0.3 * show.size:
                parts.append(" ")
            parts += texts[i]
            end_x = _point(show, show.pen_after(show.slots()[-1]))[0]
        out.append("".join(parts).strip())
    return out


def _page_fonts(
    page: pikepdf.Page, loaded: dict[tuple[int, int], _Font | None]
) -> dict[bytes, _Font | None]:
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    fonts: dict[bytes, _Font | None] = {}
    for name, obj in resources.get("/Font", pikepdf.Dictionary()).items():
        if obj.objgen not in loaded:
            loaded[obj.objgen] = _load_font(obj)
        fonts[name.encode("latin-1")] = loaded[obj.objgen]
    return fonts


def _page_content(page: pikepdf.Page) -> bytes:
    contents = page.obj.Contents
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(c.read_bytes() for c in contents)
    return contents.read_bytes()


def fix_text_layer(pdf_bytes: bytes) -> tuple[bytes, TextLayerStats]:
    """The PDF with a text layer that reads back as typed; see the module docstring.

    A page whose content is not understood leaves the whole PDF as typst wrote it (logged and
    counted in the stats), so a typst upgrade can degrade the text layer but never the page.
    """
    stats = TextLayerStats()
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    loaded: dict[tuple[int, int], _Font | None] = {}
    fixed: list[tuple[pikepdf.Page, bytes]] = []
    for number, page in enumerate(pdf.pages, 1):
        fonts = _page_fonts(page, loaded)
        data = _page_content(page)
        result = _fix_page(data, fonts, stats)
        if result is None:
            stats.skipped_pages.append(number)
        else:
            fixed.append((page, result))
    if stats.skipped_pages:
        # a re-encoded page and one left alone cannot share a font's new ToUnicode
        log.error("memo text layer: pages %s not understood; PDF left as is", stats.skipped_pages)
        return pdf_bytes, stats
    for page, data in fixed:
        page.obj.Contents = pdf.make_stream(data)
    for font in loaded.values():
        if font is not None and font.texts:
            _write_font(pdf, font)
            stats.aliases += sum(
                1
                for code, glyph in font.glyph_of.items()
                if code != glyph or code >= len(font.names)
            )
            stats.raised_glyphs += len(font.raised)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue(), stats
