"""Render the seed memo to docs/: memo-seed.pdf and memo-seed-page-N.png (every page, 110 ppi).

.venv/bin/python scripts/render_memo_docs.py [--out docs]

The page images are drawn by PDFium from the memo's own PDF, as the page-1 image for LINE is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.memo.render import page_png, render_memo
from jobs.memo.samples import seed_input

PPI = 110.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    rendered = render_memo(seed_input(version=1))
    (args.out / "memo-seed.pdf").write_bytes(rendered.pdf)
    for old in args.out.glob("memo-seed-page-*.png"):
        old.unlink()
    for number in range(rendered.pages):
        png = page_png(rendered.pdf, number, ppi=PPI)
        (args.out / f"memo-seed-page-{number + 1}.png").write_bytes(png)
    print(
        f"{args.out}/memo-seed.pdf: {rendered.pages} pages, continuation words "
        f"{rendered.continuation}, {rendered.timings}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
