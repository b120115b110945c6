"""The code's shape, read statically (nothing of the product runs): every Thai sentence in a
texts module, modules and functions of a readable size, and the layer contracts kept."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import ROOT

PRODUCT_PACKAGES = ("core", "store", "line", "handlers", "jobs", "bot", "simulator")
THAI = re.compile(r"[\u0e00-\u0e7f]")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def product_modules() -> Iterator[Path]:
    for package in PRODUCT_PACKAGES:
        yield from sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def may_hold_thai(path: Path) -> bool:
    """The texts catalogues, and the parser's own vocabulary (modules named parse*)."""
    return "texts" in relative(path) or path.name.startswith("parse")


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the constants that are docstrings (of the module, a class or a function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def thai_literals(path: Path) -> list[int]:
    """The lines of `path` with a Thai string literal that is no docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstrings(tree)
    lines = {
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and THAI.search(node.value)
    }
    return sorted(lines)


def test_no_thai_string_literal_outside_the_texts_modules_and_the_parser() -> None:
    found = [
        f"{relative(path)}:{line}"
        for path in product_modules()
        if not may_hold_thai(path)
        for line in thai_literals(path)
    ]
    assert not found, (
        f"{len(found)} lines with Thai literals outside the texts modules (move the sentences "
        "to core/texts/):\n" + "\n".join(found)
    )


def test_no_module_over_400_lines() -> None:
    # the typst template is not Python: rglob("*.py") leaves it out
    long = [
        f"{relative(path)} ({lines} lines)"
        for path in product_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_no_function_over_60_lines() -> None:
    long = []
    for path in product_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{relative(path)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


def test_the_layer_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
