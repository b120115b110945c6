"""typst in this process: one compiler kept warm (fonts parsed once, typst's caches), its
project folder (the template and the emblem files), the memo typeset with its continuation
words, and what a forked process does instead (a fresh interpreter)."""

from __future__ import annotations

import atexit
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
from importlib import resources
from pathlib import Path
from typing import Any

import typst

from jobs.memo.content import continuation_text
from jobs.memo.fonts import font_files
from jobs.memo.textlayer import first_lines

log = logging.getLogger("jobs.memo.render")

EMBLEM_DOCX_PPI = 600.0  # an SVG emblem goes into the DOCX as a PNG this sharp


class MemoRenderError(RuntimeError):
    """typst failed or warned (a missing font, an unknown family): the memo is not trusted."""


_lock = threading.Lock()  # a typst.Compiler is not safe to share between threads
_compiler: typst.Compiler | None = None
_workspace: Path | None = None  # typst's project root: the template and the emblem files
# The process whose typst runtime is live. typst starts worker threads on first use and they do
# not survive fork(): a forked child (an RQ work horse) of a process that has typeset hangs
# inside typst, so such a child typesets in a fresh interpreter instead (see render_memo).
_typst_pid: int | None = None


def _after_fork_in_child() -> None:
    global _lock, _compiler, _workspace
    _lock = threading.Lock()
    _compiler = None
    _workspace = None  # the parent's; the child makes its own


os.register_at_fork(after_in_child=_after_fork_in_child)


def typst_usable_here() -> bool:
    """False in a forked child of a process that has already run typst."""
    return _typst_pid in (None, os.getpid())


def _root() -> Path:
    """This process's typst project folder: a copy of the templates, and emblem files.

    typst reads images only from files under its root, and the package folder may be
    read-only; a folder per process (removed at exit) holds both.
    """
    global _workspace
    if _workspace is None:
        folder = Path(tempfile.mkdtemp(prefix="itabot-memo-"))
        for template in resources.files("jobs.memo").iterdir():  # memo.typ, annex.typ
            if template.name.endswith(".typ"):
                (folder / template.name).write_bytes(template.read_bytes())
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
    "from jobs.memo.typesetting import _typeset_memo, _emblem_file\n"
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


_svg_pngs: dict[str, bytes] = {}


def svg_as_png(name: str) -> bytes:
    """An SVG emblem of the project folder as a PNG 1.5 cm high (for the DOCX)."""
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
