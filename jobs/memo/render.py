"""Render the ITA progress memo (บันทึกข้อความ) to PDF, DOCX and a page-1 PNG for LINE.

One memo, with the typst compiler and its fonts kept warm in the process (the worker):

1. typst typesets the PDF, with the continuation words (คำต่อหน้า, "/ผลการ...") in the
   footers found by typst's own introspection (memo.typ); only when a paragraph runs from one
   page onto the next are they read back from the PDF (textlayer.first_lines) and typst sets
   the memo once more with them (footers sit in the margin: the body cannot move, checked);
2. PDFium draws page 1 of that PDF for LINE (no second typesetting for the image) on one
   thread while the text layer is made exact on this one (textlayer.fix_text_layer, which
   moves nothing that is drawn).

The DOCX (python-docx) is built from the same document model on a third thread meanwhile.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jobs.memo.content import StepRecord, build_document
from jobs.memo.docx import build_docx
from jobs.memo.textlayer import TextLayerStats, fix_text_layer, glyph_texts
from jobs.memo.typesetting import (
    MemoRenderError,
    _emblem_file,
    _typeset_in_fresh_process,
    _typeset_memo,
    svg_as_png,
    typeset,
    typst_usable_here,
)
from store.plan_schema import Plan

__all__ = [
    "MemoInput",
    "MemoRenderError",
    "RenderedMemo",
    "StepRecord",
    "render_memo",
    "typeset",
    "warm_up",
]

log = logging.getLogger(__name__)

# 144 ppi gives an A4 page 1191 px wide: sharp on a phone, well under LINE's 1 MB preview wish.
PNG_PPI = 144.0


@dataclass(frozen=True)
class MemoInput:
    plan: Plan
    memo_date: date  # the memo's date (วันที่), local date
    version: int
    measure_status: dict[str, str]  # measure id -> derived status (core.values)
    notes: dict[str, list[str]]  # measure id -> evidence notes (deduplicated, in order)
    chain: list[StepRecord]  # one per plan.chain step, same order
    final: bool = False  # approved by the last step
    annex: dict[str, Any] | None = None  # the evidence annex (jobs/memo/annex.py), if asked


@dataclass(frozen=True)
class RenderedMemo:
    pdf: bytes
    docx: bytes
    png: bytes  # page 1, for a LINE image message
    pages: int
    typeset_seconds: float  # time spent inside typst (both passes when there are two)
    continuation: list[str] = field(default_factory=list)  # per page: "/word..." or ""
    text_layer: TextLayerStats = field(default_factory=TextLayerStats)
    # seconds: typeset, text_layer, png, docx (on its own thread, beside the others), total
    timings: dict[str, float] = field(default_factory=dict)


def page_png(pdf: bytes, page: int = 0, ppi: float = PNG_PPI, color: bool = False) -> bytes:
    """One page of `pdf` as PNG, drawn by PDFium (Chrome's PDF engine)."""
    import pypdfium2 as pdfium

    with _pdfium_lock:
        document = pdfium.PdfDocument(pdf)
        try:
            # RGB, not PDFium's BGR: PNG's order
            bitmap = document[page].render(scale=ppi / 72, grayscale=not color, rev_byteorder=color)
            channels = {"L": 1, "RGB": 3}.get(bitmap.mode)
            if channels is None:  # not a layout _png_rows knows: Pillow's encoder
                image = bitmap.to_pil()
            else:
                rows = _png_rows(
                    bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, channels
                )
        finally:
            document.close()
    if channels is None:
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=1)
        return out.getvalue()
    return _png(rows, bitmap.width, bitmap.height, channels)


def _png_rows(buffer: Any, width: int, height: int, stride: int, channels: int) -> bytes:
    """The bitmap's rows as PNG's filtered image data, each row with filter 0 (None)."""
    pixels = memoryview(buffer).cast("B")
    row = width * channels
    return b"".join(b"\0" + pixels[y * stride : y * stride + row] for y in range(height))


def _png(rows: bytes, width: int, height: int, channels: int) -> bytes:
    """An 8-bit grey (1 channel) or RGB (3) PNG of `rows` (_png_rows). No filter and zlib
    level 1: a page is mostly white, so this is as small as Pillow's PNG at level 1 (which
    tries every filter on every row) in half the time, and zlib runs without the GIL, beside
    the text layer."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0 if channels == 1 else 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


_pdfium_lock = threading.Lock()  # PDFium is not thread-safe


def _after_fork_in_child() -> None:
    global _pdfium_lock
    _pdfium_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _emblem_png(document: dict[str, Any], content: bytes | None) -> bytes | None:
    """The emblem as PNG for the DOCX (Word needs a bitmap beside an SVG; PNG stays as is)."""
    emblem = document.get("emblem")
    if emblem is None or content is None:
        return None
    if emblem["format"] == "png":
        return content
    if not typst_usable_here():
        log.warning("memo: DOCX without its SVG emblem (typst cannot run in a forked process)")
        return None
    return svg_as_png(emblem["file"])


def document_of(memo: MemoInput) -> dict[str, Any]:
    """The document model both outputs are made from."""
    document = build_document(
        memo.plan,
        memo.memo_date,
        memo.version,
        memo.measure_status,
        memo.notes,
        memo.chain,
        memo.final,
    )
    if memo.annex:
        document["annex"] = memo.annex
    return document


def _emblem_content(memo: MemoInput) -> bytes | None:
    emblem = memo.plan.memo.emblem
    return emblem.content if emblem is not None else None


def render_memo(memo: MemoInput) -> RenderedMemo:
    """PDF, DOCX and page-1 PNG of one memo version.

    Raises ValueError for an inconsistent input and MemoRenderError when typst fails or warns.
    """
    started = time.perf_counter()
    document = document_of(memo)
    emblem = _emblem_content(memo)
    fresh = typst_usable_here()
    _emblem_file(document, emblem)
    # typst releases the GIL, so the DOCX (pure Python) is built meanwhile on another core.
    # A thread per call, not a pool: a pool's threads would not survive RQ's fork either.
    docx_result: dict[str, Any] = {}
    docx_thread = threading.Thread(
        target=_build_docx_into,
        args=(document, emblem, docx_result),
        name="memo-docx",
        daemon=True,
    )
    docx_thread.start()
    if fresh:
        pdf, pages, words, typeset_seconds = _typeset_memo(document)
    else:
        pdf, pages, words, typeset_seconds = _typeset_in_fresh_process(document, emblem)
    # Page 1 for LINE is drawn from typst's PDF on another thread (PDFium and the PNG encoder
    # run without the GIL) while the text layer, Python, is mended: the text layer draws
    # nothing new, so the image is the final page's.
    png_result: dict[str, Any] = {}
    png_thread = threading.Thread(
        target=_page_png_into,
        args=(pdf, document.get("emblem") is not None, png_result),
        name="memo-png",
        daemon=True,
    )
    png_thread.start()
    fixing = time.perf_counter()
    pdf, stats = fix_text_layer(pdf)
    fixed = time.perf_counter()
    png_thread.join()
    docx_thread.join()
    for result in (png_result, docx_result):
        if "error" in result:
            raise result["error"]
    timings = {
        "typeset": typeset_seconds,
        "text_layer": fixed - fixing,
        "png": png_result["seconds"],
        "docx": docx_result["seconds"],
        "total": time.perf_counter() - started,
    }
    return RenderedMemo(
        pdf=pdf,
        docx=docx_result["docx"],
        png=png_result["png"],
        pages=pages,
        typeset_seconds=typeset_seconds,
        continuation=words,
        text_layer=stats,
        timings={k: round(v, 4) for k, v in timings.items()},
    )


def _page_png_into(pdf: bytes, color: bool, result: dict[str, Any]) -> None:
    started = time.perf_counter()
    try:
        result["png"] = page_png(pdf, color=color)
    except BaseException as exc:  # re-raised in the calling thread
        result["error"] = exc
    result["seconds"] = time.perf_counter() - started


def _build_docx_into(
    document: dict[str, Any], emblem: bytes | None, result: dict[str, Any]
) -> None:
    started = time.perf_counter()
    try:
        result["docx"] = build_docx(document, emblem_png=_emblem_png(document, emblem))
    except BaseException as exc:  # re-raised in the calling thread
        result["error"] = exc
    result["seconds"] = time.perf_counter() - started


def warm_up() -> None:
    """Load what a memo needs once, before the first one is asked for (the worker calls this
    last in its preload): the compiler and its fonts, typst's caches for the template, the
    glyph tables of the text layer, PDFium and the Thai dictionary of the continuation words;
    then freeze the garbage collector's view of all that (gc.freeze)."""
    from jobs.memo.samples import seed_input

    started = time.perf_counter()
    glyph_texts()
    render_memo(seed_input(version=1))
    # What is loaded by now lives as long as the process (modules, the Thai dictionary's half a
    # million objects, the glyph tables): kept out of every later garbage collection, which a
    # memo's many small objects would otherwise trigger over all of it.
    gc.collect()
    gc.freeze()
    log.info("memo renderer warm", extra={"details": {"seconds": time.perf_counter() - started}})
