"""Render the ITA progress memo (บันทึกข้อความ) to PDF, DOCX and a page-1 PNG for LINE."""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import typst

from jobs.memo.content import StepRecord, build_document
from jobs.memo.docx import build_docx
from jobs.memo.fonts import font_files
from store.plan_schema import Plan

__all__ = [
    "MemoInput",
    "MemoRenderError",
    "RenderedMemo",
    "StepRecord",
    "render_memo",
    "typeset",
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
    typeset_seconds: float  # time spent inside typst (pdf + png)


class MemoRenderError(RuntimeError):
    """typst failed or warned (a missing font, an unknown family): the memo is not trusted."""


_lock = threading.Lock()  # a typst.Compiler is not safe to share between threads
_compiler: typst.Compiler | None = None
# The process whose typst runtime is live. typst starts worker threads on first use and they do
# not survive fork(): a forked child (an RQ work horse) of a process that has typeset hangs
# inside typst, so such a child typesets in a fresh interpreter instead (see render_memo).
_typst_pid: int | None = None


def _after_fork_in_child() -> None:
    global _lock, _compiler
    _lock = threading.Lock()
    _compiler = None


os.register_at_fork(after_in_child=_after_fork_in_child)


def typst_usable_here() -> bool:
    """False in a forked child of a process that has already run typst."""
    return _typst_pid in (None, os.getpid())


def _get_compiler() -> typst.Compiler:
    """One compiler per process: it keeps the parsed fonts and typst's layout cache warm."""
    global _compiler, _typst_pid
    if not typst_usable_here():
        raise MemoRenderError("typst was started before this process forked; typeset elsewhere")
    _typst_pid = os.getpid()
    if _compiler is None:
        # A path, not bytes: typst-py 0.15 loses an in-memory main file after the first compile.
        template = Path(str(resources.files("jobs.memo").joinpath("memo.typ")))
        # Only Sarabun: no system fonts (a server differs from a laptop) and no typst-embedded
        # fonts, so nothing can silently fall back to a Latin font.
        fonts = typst.Fonts(
            include_system_fonts=False,
            include_embedded_fonts=False,
            font_paths=[str(font_files()[0].parent)],
        )
        _compiler = typst.Compiler(
            str(template), root=str(template.parent), font_paths=fonts, ignore_system_fonts=True
        )
    return _compiler


def _check(warnings: list[typst.TypstWarning]) -> None:
    if warnings:
        details = "; ".join(f"{w.message} {w.diagnostic}".strip() for w in warnings)
        raise MemoRenderError(f"typst warned: {details}")


def typeset(
    document: dict[str, Any], fmt: str = "pdf", ppi: float | None = None, cut: int | None = None
) -> bytes | list[bytes]:
    """Compile the memo template with `document` (see content.build_document).

    PDF gives bytes; PNG gives one bytes per page. `cut` typesets only the flow items before it
    (see memo.typ). Any typst warning raises MemoRenderError.
    """
    inputs = {"memo": json.dumps(document, ensure_ascii=False)}
    if cut is not None:
        inputs["cut"] = str(cut)
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


def _layout(compiler: typst.Compiler) -> tuple[int, int | None]:
    """(page count, cut) of the document just compiled.

    Page 1 of a prefix of the flow is page 1 of the whole memo as long as the prefix reaches
    past the first item that starts on page 2 (two past it: a sticky heading decides its page
    by the item after it). Rasterising only that prefix saves ~30 ms a page.
    """
    layout = json.loads(compiler.query("<layout>", field="value", one=True))
    later = [k for k, page in layout["flow"] if page > 1]
    return int(layout["pages"]), (min(later) + 2 if later else None)


def _build_docx_into(document: dict[str, Any], result: dict[str, Any]) -> None:
    try:
        result["docx"] = build_docx(document)
    except BaseException as exc:  # re-raised in the calling thread
        result["error"] = exc


def _typeset_memo(document: dict[str, Any]) -> tuple[bytes, bytes, int, float]:
    """(pdf, page-1 png, pages, seconds in typst) of the memo `document`."""
    inputs = {"memo": json.dumps(document, ensure_ascii=False)}
    with _lock:
        compiler = _get_compiler()
        started = time.perf_counter()
        pdf = _compile(compiler, "pdf", None, inputs)
        pages, cut = _layout(compiler)
        if cut is not None:
            inputs["cut"] = str(cut)
        png = _compile(compiler, "png", PNG_PPI, inputs)
        seconds = time.perf_counter() - started
    assert isinstance(pdf, bytes)
    return pdf, (png[0] if isinstance(png, list) else png), pages, seconds


_CHILD = (
    "import json, pickle, sys\n"
    "from jobs.memo.render import _typeset_memo\n"
    "sys.stdout.buffer.write(pickle.dumps(_typeset_memo(json.load(sys.stdin))))\n"
)


def _typeset_in_fresh_process(document: dict[str, Any]) -> tuple[bytes, bytes, int, float]:
    """_typeset_memo in a new interpreter (a subprocess, not multiprocessing's spawn, which
    re-imports the parent's __main__ and so depends on how the worker was started)."""
    log.warning("memo: typst was used before this process forked; typesetting in a new process")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=json.dumps(document, ensure_ascii=False).encode(),
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise MemoRenderError(f"typesetting process failed: {tail[0]}")
    return pickle.loads(proc.stdout)  # our own child's output


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


def render_memo(memo: MemoInput) -> RenderedMemo:
    """PDF, DOCX and page-1 PNG of one memo version.

    Raises ValueError for an inconsistent input and MemoRenderError when typst fails or warns.
    """
    document = document_of(memo)
    # typst releases the GIL, so the DOCX (pure Python) is built meanwhile on another core.
    # A thread per call, not a pool: a pool's threads would not survive RQ's fork either.
    docx_result: dict[str, Any] = {}
    docx_thread = threading.Thread(
        target=_build_docx_into, args=(document, docx_result), name="memo-docx", daemon=True
    )
    docx_thread.start()
    if typst_usable_here():
        pdf, png, pages, typeset_seconds = _typeset_memo(document)
    else:
        pdf, png, pages, typeset_seconds = _typeset_in_fresh_process(document)
    docx_thread.join()
    if "error" in docx_result:
        raise docx_result["error"]
    return RenderedMemo(
        pdf=pdf,
        docx=docx_result["docx"],
        png=png,
        pages=pages,
        typeset_seconds=typeset_seconds,
    )
