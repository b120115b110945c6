"""Time the Thai report parser over the test table's messages (after the one-off warm-up).

python -m bench.bench_parse [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from bot.demo import demo_plan_text
from handlers.parse import MeasureRef, parse_report
from store.plan_schema import parse_plan
from tests.test_parse_table import CASES

MESSAGES = [case.values[0] for case in CASES]  # the test table's realistic messages


def run(repeat: int = 20) -> dict:
    plan = parse_plan(demo_plan_text(), "demo")
    refs = [MeasureRef(m.id, m.title, m.short_title) for m in plan.measures]
    own = [m.id for m in plan.measures]
    started = time.perf_counter()
    parse_report(MESSAGES[0], refs, own)
    warm_up = time.perf_counter() - started
    samples = []
    for _ in range(repeat):
        for text in MESSAGES:
            t0 = time.perf_counter()
            parse_report(text, refs, own)
            samples.append(time.perf_counter() - t0)
    samples.sort()
    return {
        "messages": len(MESSAGES),
        "warm_up_seconds": round(warm_up, 3),
        "median_us": round(statistics.median(samples) * 1e6, 1),
        "p99_us": round(samples[int(len(samples) * 0.99)] * 1e6, 1),
        "max_us": round(samples[-1] * 1e6, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run()
    print(
        json.dumps(result) if args.json else "\n".join(f"{k:>16}: {v}" for k, v in result.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
