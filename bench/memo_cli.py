"""Memo compile as a person runs it: `itabot compile --at …` wall time less `itabot --help`
timed just before it (process start-up), the median of those differences.

The worker must be running (the compile is an RQ job, run in the worker process). Each run is
a new version. The split comes from the parts themselves: the job's result gives the renderer's
own timings (typesetting, text layer, page-1 PNG, DOCX on its own thread beside them) and the
whole job; the rest of the job is storing the files and publishing the version; RQ's job
timestamps give the wait in the queue; what is left of the net wall time is the CLI's own
work (enqueue, waiting on the result, writing the files out). `bench/bench_memo.py` times the
renderer alone in process beside it.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
from typing import Any

import redis
from rq.job import Job

from bench import procs
from bench.world import World
from jobs.memo.samples import large_plan
from store import plans
from store.plan_schema import Plan

AT = "2021-03-30T10:00:00+07:00"
LARGE_ORG = "bench-large"


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=procs.ROOT, capture_output=True, text=True, timeout=300)
    return time.perf_counter() - started, done


def load_large(world: World) -> Plan:
    base = large_plan(60, 12)
    data = base.model_dump(mode="json")
    data["org"]["id"] = LARGE_ORG
    plan = Plan.model_validate(data)
    current = plans.default_org(world.r)
    plans.save_plan(world.r, plan, replace=True)
    if current:
        world.r.set("ita:default-org", current)
    return plan


def compile_runs(world: World, org: str, runs: int) -> dict[str, Any]:
    rb = redis.Redis.from_url(procs.BENCH_REDIS_URL)
    out: dict[str, list[float]] = {
        k: []
        for k in (
            "wall_s",
            "help_s",
            "typst_s",
            "job_s",
            "queue_s",
            "rq_s",
            "typeset_s",
            "text_layer_s",
            "png_s",
            "docx_s",
            "render_s",
        )
    }
    pages = None
    for _ in range(runs):
        # start-up timed right before each compile: the neighbours' load moves both alike
        out["help_s"].append(_timed(["itabot", "--help"], world.env)[0])
        wall, done = _timed(["itabot", "--org", org, "compile", "--at", AT], world.env)
        if done.returncode != 0:
            raise RuntimeError(f"itabot compile failed: {done.stderr[-2000:]}")
        version = int(re.search(r"^version (\d+)$", done.stdout, re.M).group(1))
        job = Job.fetch(f"compile-{org}-{version}", connection=rb)
        result = job.return_value()
        render = result.get("render") or {}
        out["wall_s"].append(wall)
        out["typst_s"].append(result["typeset_seconds"])
        out["job_s"].append(result["seconds"])
        out["queue_s"].append((job.started_at - job.enqueued_at).total_seconds())
        out["rq_s"].append((job.ended_at - job.enqueued_at).total_seconds())
        for part in ("typeset", "text_layer", "png", "docx"):
            out[f"{part}_s"].append(render.get(part, 0.0))
        out["render_s"].append(render.get("total", 0.0))
        pages = result["pages"]
    return out | {"pages": pages}


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def run(world: World, runs: int = 3) -> dict[str, Any]:
    load_large(world)
    out: dict[str, Any] = {}
    helps: list[float] = []
    for name, org in (("seed", world.seed_org), ("60x12", LARGE_ORG)):
        raw = compile_runs(world, org, runs)
        helps += raw["help_s"]
        wall = statistics.median(raw["wall_s"])
        # each compile less the start-up timed just before it
        nets = [w - h for w, h in zip(raw["wall_s"], raw["help_s"], strict=True)]
        net = statistics.median(nets)
        typst_median = statistics.median(raw["typst_s"])
        job = statistics.median(raw["job_s"])
        render = statistics.median(raw["render_s"])
        queue = statistics.median(raw["queue_s"])
        rq = statistics.median(raw["rq_s"])
        out[name] = {
            "org": org,
            "runs": runs,
            "compile_wall_s": [round(w, 3) for w in raw["wall_s"]],
            "compile_wall_median_s": round(wall, 3),
            "net_s": round(net, 3),
            "net_runs_s": [round(n, 3) for n in nets],
            "job_median_s": round(job, 3),
            "typst_median_s": round(typst_median, 3),
            "typst_share_of_net": round(typst_median / net, 3) if net > 0 else None,
            "pages": raw["pages"],
            # the split (medians of each part, so they need not add up exactly)
            "split_s": {
                "typesetting": _median(raw["typeset_s"]),
                "text_layer": _median(raw["text_layer_s"]),
                "png": _median(raw["png_s"]),
                "docx_beside": _median(raw["docx_s"]),
                "render": round(render, 3),
                "storing": round(job - render, 3),
                "queueing": round(queue, 3),
                "rq_overhead": round(rq - queue - job, 3),
                "cli": round(net - rq, 3),
            },
        }
    out["itabot_help_s"] = [round(h, 3) for h in helps]
    out["itabot_help_median_s"] = round(statistics.median(helps), 3)
    # the renderer alone, in process (bench/bench_memo.py)
    done = subprocess.run(
        [
            sys.executable,
            str(procs.ROOT / "bench" / "bench_memo.py"),
            "--runs",
            str(runs),
            "--json",
        ],
        env=world.env,
        cwd=procs.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out["render_in_process"] = (
        json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-1000:]}
    )
    return out
