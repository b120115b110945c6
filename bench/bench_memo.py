"""Time render_memo: the seed memo and a generated 60-measure x 12-division plan.

    .venv/bin/python bench/bench_memo.py [--runs 5] [--json]

Each case renders `runs` times with a new version number each time (so typst cannot reuse the
previous document whole) after one warm-up render; the table shows the median wall time, the
median of each part (typst, the text layer, the page-1 PNG; the DOCX is built on a thread
beside them), pages and output sizes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.memo import MemoInput, render_memo
from jobs.memo.samples import large_input, seed_input

CASES: dict[str, Callable[[int], MemoInput]] = {
    "seed (6 measures x 5 divisions)": lambda v: seed_input(version=v),
    "generated (60 measures x 12 divisions)": lambda v: large_input(60, 12, version=v),
}


def bench(make: Callable[[int], MemoInput], runs: int) -> dict[str, Any]:
    render_memo(make(0))  # warm-up: fonts, template, typst caches
    walls, typsts = [], []
    parts: dict[str, list[float]] = {}
    rendered = None
    for run in range(1, runs + 1):
        memo = make(run)
        started = time.perf_counter()
        rendered = render_memo(memo)
        walls.append(time.perf_counter() - started)
        typsts.append(rendered.typeset_seconds)
        for name, seconds in rendered.timings.items():
            parts.setdefault(name, []).append(seconds)
    assert rendered is not None
    wall = statistics.median(walls)
    typst_s = statistics.median(typsts)
    return {
        "parts_median_s": {k: round(statistics.median(v), 4) for k, v in parts.items()},
        "runs": runs,
        "median_s": round(wall, 4),
        "min_s": round(min(walls), 4),
        "max_s": round(max(walls), 4),
        "typst_median_s": round(typst_s, 4),
        "typst_share": round(typst_s / wall, 3) if wall else None,
        "pages": rendered.pages,
        "pdf_bytes": len(rendered.pdf),
        "docx_bytes": len(rendered.docx),
        "png_bytes": len(rendered.png),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the memo renderer.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    args = parser.parse_args(argv)
    results = {name: bench(make, args.runs) for name, make in CASES.items()}
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    header = f"{'case':42} {'median s':>9} {'typst s':>8} {'text s':>7} {'png s':>6} {'docx s':>7} {'pages':>6} {'pdf KB':>7} {'png KB':>7}"
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        p = r["parts_median_s"]
        print(
            f"{name:42} {r['median_s']:9.3f} {r['typst_median_s']:8.3f} {p['text_layer']:7.3f} "
            f"{p['png']:6.3f} {p['docx']:7.3f} {r['pages']:6d} {r['pdf_bytes'] / 1024:7.0f} "
            f"{r['png_bytes'] / 1024:7.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
