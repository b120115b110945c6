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

import atexit
import gc
import io
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import typst

from jobs.memo.content import StepRecord, build_document, continuation_text
from jobs.memo.docx import build_docx
from jobs.memo.fonts import font_files
from jobs.memo.textlayer import TextLayerStats, first_lines, fix_text_layer, glyph_texts
from store.plan import Plan

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
EMBLEM_DOCX_PPI = 600.0  # an SVG emblem goes into the DOCX as a PNG this sharp


@dataclass(frozen=True)
class MemoInput:
    plan: Plan
    memo_date: date  # the memo's date (วันที่), local date
    version: int
    measure_status: dict[str, str]  # measure id -> derived status (store.statuses)
    notes: dict[str, list[str]]  # measure id -> evidence notes (deduplicated, in order)
    chain: list[StepRecord]  # one per plan.chain step, same order
    final: bool = False  # approved by the last step


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


class MemoRenderError(RuntimeError):
    """typst failed or warned (a missing font, an unknown family): the memo is not trusted."""


_lock = threading.Lock()  # a typst.Compiler is not safe to share between threads
_compiler: typst.Compiler | None = None
_workspace: Path | None = None  # typst's project root: the template and the emblem files
# The process whose typst runtime is live. typst starts worker threads on first use and they do
# not survive fork(): a forked child (an RQ work horse) of a process that has typeset hangs
# inside typst, so such a child typesets in a fresh interpreter instead (see render_memo).
_typst_pid: int | None = None
_pdfium_lock = threading.Lock()  # PDFium is not thread-safe


def _after_fork_in_child() -> None:
    global _lock, _compiler, _workspace, _pdfium_lock
    _lock = threading.Lock()
    _pdfium_lock = threading.Lock()
    _compiler = None
    _workspace = None  # the parent's; the child makes its own


os.register_at_fork(after_in_child=_after_fork_in_child)


def typst_usable_here() -> bool:
    """False in a forked child of a process that has already run typst."""
    return _typst_pid in (None, os.getpid())


def _root() -> Path:
    """This process's typst project folder: a copy of the template, and emblem files.

    typst reads images only from files under its root, and the package folder may be
    read-only; a folder per process (removed at exit) holds both.
    """
    global _workspace
    if _workspace is None:
        folder = Path(tempfile.mkdtemp(prefix="itabot-memo-"))
        template = resources.files("jobs.memo").joinpath("memo.typ")
        (folder / "memo.typ").write_bytes(template.read_bytes())
        atexit.register(_remove_root, folder, os.getpid())
        _workspace = folder
    return _workspace


def _remove_root(folder: Path, owner: int) -> None:
    """At exit, by the process that made it (a forked child inherits the exit handler)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _emblem_file(document: dict[str, Any], content: bytes | None) -> None:
    """Write the plan's emblem where typst reads it (once per content: the name is a hash)."""
    emblem = document.get("emblem")
    if emblem is None or content is None:
        return
    path = _root() / emblem["file"]
    if not path.exists():
        partial = path.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(path)


def _get_compiler() -> typst.Compiler:
    """One compiler per process: it keeps the parsed fonts and typst's layout cache warm."""
    global _compiler, _typst_pid
    if not typst_usable_here():
        raise MemoRenderError("typst was started before this process forked; typeset elsewhere")
    _typst_pid = os.getpid()
    if _compiler is None:
        root = _root()
        # Only Sarabun: no system fonts (a server differs from a laptop) and no typst-embedded
        # fonts, so nothing can silently fall back to a Latin font. A path, not bytes: typst-py
        # 0.15 loses an in-memory main file after the first compile.
        fonts = typst.Fonts(
            include_system_fonts=False,
            include_embedded_fonts=False,
            font_paths=[str(font_files()[0].parent)],
        )
        _compiler = typst.Compiler(
            str(root / "memo.typ"), root=str(root), font_paths=fonts, ignore_system_fonts=True
        )
    return _compiler


def _check(warnings: list[typst.TypstWarning]) -> None:
    if warnings:
        details = "; ".join(f"{w.message} {w.diagnostic}".strip() for w in warnings)
        raise MemoRenderError(f"typst warned: {details}")


def typeset(
    document: dict[str, Any], fmt: str = "pdf", ppi: float | None = None
) -> bytes | list[bytes]:
    """typst's own output for `document` (see content.build_document), one pass: PDF bytes,
    or one PNG per page. The memo itself comes from render_memo. Warnings raise."""
    inputs = {"memo": json.dumps(document, ensure_ascii=False)}
    with _lock:
        return _compile(_get_compiler(), fmt, ppi, inputs)


def _compile(
    compiler: typst.Compiler, fmt: str, ppi: float | None, inputs: dict[str, str]
) -> bytes | list[bytes]:
    try:
        out, warnings = compiler.compile_with_warnings(format=fmt, ppi=ppi, sys_inputs=inputs)
    except typst.TypstError as exc:
        raise MemoRenderError(f"typst failed: {exc.message} {exc.diagnostic}") from exc
    _check(warnings)
    if out is None:
        raise MemoRenderError("typst returned nothing")
    return out


def _layout(compiler: typst.Compiler) -> dict[str, Any]:
    """Page count and the page of every flow item of the document just compiled."""
    return json.loads(compiler.query("<layout>", field="value", one=True))


def _typeset_memo(document: dict[str, Any]) -> tuple[bytes, int, list[str], float]:
    """(pdf as typst wrote it, pages, continuation word per page, seconds in typst).

    typst finds the continuation words itself (memo.typ); where a paragraph runs from one page
    onto the next it cannot, and the words are read from the top line of those pages in the
    PDF (textlayer.first_lines) and handed to a second pass, which the footers cannot move.
    """
    inputs = {"memo": json.dumps(document, ensure_ascii=False)}
    with _lock:
        compiler = _get_compiler()
        started = time.perf_counter()
        pdf = _compile(compiler, "pdf", None, inputs)
        layout = _layout(compiler)
        seconds = time.perf_counter() - started
        words: list[str | None] = layout["words"]
        if None in words:
            tops = first_lines(pdf)  # type: ignore[arg-type]
            given = [
                continuation_text(tops[page]) if word is None else ""
                for page, word in enumerate(words, 1)
            ]
            inputs["words"] = json.dumps(given, ensure_ascii=False)
            started = time.perf_counter()
            pdf = _compile(compiler, "pdf", None, inputs)
            again = _layout(compiler)
            seconds += time.perf_counter() - started
            if again["flow"] != layout["flow"] or again["pages"] != layout["pages"]:
                raise MemoRenderError("the continuation words moved the memo's body")
            words = again["words"]
    assert isinstance(pdf, bytes)
    return pdf, int(layout["pages"]), [w or "" for w in words], seconds


_CHILD = (
    "import json, pickle, sys\n"
    "from jobs.memo.render import _typeset_memo, _emblem_file\n"
    "document, emblem = pickle.load(sys.stdin.buffer)\n"
    "_emblem_file(document, emblem)\n"
    "sys.stdout.buffer.write(pickle.dumps(_typeset_memo(document)))\n"
)


def _typeset_in_fresh_process(
    document: dict[str, Any], emblem: bytes | None
) -> tuple[bytes, int, list[str], float]:
    """_typeset_memo in a new interpreter (a subprocess, not multiprocessing's spawn, which
    re-imports the parent's __main__ and so depends on how the worker was started)."""
    log.warning("memo: typst was used before this process forked; typesetting in a new process")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=pickle.dumps((document, emblem)),
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise MemoRenderError(f"typesetting process failed: {tail[0]}")
    return pickle.loads(proc.stdout)  # our own child's output


def page_png(pdf: bytes, page: int = 0, ppi: float = PNG_PPI, color: bool = False) -> bytes:
    """One page of `pdf` as PNG, drawn by PDFium (Chrome's PDF engine)."""
    import pypdfium2 as pdfium

    with _pdfium_lock:
        document = pdfium.PdfDocument(pdf)
        try:
            bitmap = document[page].render(scale=ppi / 72, grayscale=not color)
            image = bitmap.to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    # zlib level 1: a third of the time of the default for a few percent more bytes
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


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
    return _svg_as_png(emblem["file"])


_svg_pngs: dict[str, bytes] = {}


def _svg_as_png(name: str) -> bytes:
    found = _svg_pngs.get(name)
    if found is None:
        source = (
            "#set page(width: auto, height: auto, margin: 0pt, fill: none)\n"
            f'#image("/{name}", height: 1.5cm)\n'
        )
        try:
            with _lock:  # one typst at a time in a process
                found = typst.compile(
                    source.encode(),
                    root=str(_root()),
                    format="png",
                    ppi=EMBLEM_DOCX_PPI,
                    ignore_system_fonts=True,
                )
        except typst.TypstError as exc:
            raise MemoRenderError(f"the emblem could not be drawn: {exc.message}") from exc
        if isinstance(found, list):
            found = found[0]
        _svg_pngs[name] = found
    return found


def document_of(memo: MemoInput) -> dict[str, Any]:
    """The document model both outputs are made from."""
    return build_document(
        memo.plan,
        memo.memo_date,
        memo.version,
        memo.measure_status,
        memo.notes,
        memo.chain,
        memo.final,
    )


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
