"""`make bench`: every figure of issue 8 in one run, written to bench/RESULTS.md and results.json.

    python -m bench.run [--quick]

Parts, each in its own process, as deployed: the web app under gunicorn exactly as the
Procfile's `web` line runs it, the worker as the Procfile's `worker` line (`itabot worker`),
the LINE simulator (bench/sim_server.py), the baseline app (bench/baseline_app.py) under the
same gunicorn line; the load generator (bench/loadgen.py) is this process. Redis is the
bench DB (redis://127.0.0.1:6379/10, flushed at the start; override with
ITABOT_BENCH_REDIS_URL). Every ratio is against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import events, memo_cli, procs, report
from bench import webhook_bench as wb
from bench.redis_cost import Monitor, per_update
from bench.world import SEED_PLAN, World, save_plans, seed_plan
from store import plans

HERE = Path(__file__).resolve().parent
SCALES = (10, 100, 1000)  # organisations loaded
SCALE_RUNS = 3  # rounds of runs over the sizes; the median run of each size is reported
SEED_ORG = "naphu"
STAFF_PER_DIVISION = 40
ADMINS = 4


def machine() -> dict[str, Any]:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as fh:
        mem_kb = int(fh.readline().split()[1])
    versions = {}
    for dist in (
        "flask",
        "werkzeug",
        "gunicorn",
        "rq",
        "redis",
        "hiredis",
        "line-bot-sdk",
        "pydantic",
        "typst",
        "pythainlp",
    ):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    try:
        redis_server = subprocess.run(
            ["redis-cli", "-v"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        redis_server = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": versions,
        "redis_cli": redis_server,
        "procfile_web": procs.procfile("web"),
        "procfile_worker": procs.procfile("worker"),
    }


def cpu_delta(before: dict[str, float], after: dict[str, float], events_: int) -> dict[str, Any]:
    used = {k: round(after[k] - before.get(k, 0.0), 2) for k in after}
    per_event = (
        {k: round(1000 * v / events_, 2) for k, v in used.items() if v > 0.005} if events_ else {}
    )
    return {"cpu_s": used, "cpu_ms_per_event": per_event}


class Bench:
    def __init__(self, quick: bool):
        self.quick = quick
        self.seconds = 5 if quick else 15
        self.open_seconds = 5 if quick else 10
        self.results: dict[str, Any] = {
            "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "quick": quick,
        }
        self.world = World.create()
        self.world.seed_org = SEED_ORG
        self.t0 = time.monotonic()

    def log(self, text: str) -> None:
        print(f"[{time.monotonic() - self.t0:6.1f}s] {text}", flush=True)

    # -- setup ------------------------------------------------------------------------------
    def setup(self) -> None:
        w = self.world
        w.r.flushdb()
        plan = seed_plan()
        plans.save_plan(w.r, plan)
        self.people = events.register(w.r, plan, STAFF_PER_DIVISION, ADMINS, random.Random(1))
        self.log(f"seed plan {SEED_PLAN.name} loaded, {len(self.people)} people registered")
        w.start()
        self.baseline, self.baseline_port = w.start_baseline()
        w.sim_users(self.people)
        self.log(
            f"web :{w.web_port}, baseline :{self.baseline_port}, simulator :{w.sim_port}, worker pid {w.worker.pid}"
        )
        # warm both apps (each gunicorn worker imports and connects on its first requests)
        warm = w.mix(self.people, {}, 99)
        wb.closed(self.baseline_port, warm, 16, 1.0)
        wb.closed(w.web_port, warm, 16, 1.0)
        wb.wait_drained_quiet(w, 60)
        wb.reset_between(w, SEED_ORG)

    # -- webhook throughput: closed loop ----------------------------------------------------
    def throughput(self) -> None:
        w = self.world
        self.log(f"closed loop: baseline, 16 connections, {self.seconds}s")
        c0 = w.cpu()
        base, _ = wb.closed(self.baseline_port, w.mix(self.people, {}, 2), 16, self.seconds)
        c1 = w.cpu()
        baseline = base.summary() | cpu_delta(c0, c1, len(base.ok))
        self.log(
            f"  baseline {baseline['rps_200']} req/s p50 {baseline['p50_ms']} ms p99 {baseline['p99_ms']} ms"
        )
        w.r.delete("bench:baseline")

        # the web tier alone, as the baseline runs: no worker; what it queued is dropped after
        self.log(f"closed loop: real app, 16 connections, {self.seconds}s (worker stopped)")
        w.stop_worker()
        try:
            c0 = w.cpu()
            alone, _ = wb.closed(w.web_port, w.mix(self.people, {}, 12), 16, self.seconds)
            c1 = w.cpu()
            wb.reset_between(w, SEED_ORG)
        finally:
            w.start_worker()
        web_alone = alone.summary() | cpu_delta(c0, c1, len(alone.ok))
        self.log(
            f"  real, web alone {web_alone['rps_200']} req/s p50 {web_alone['p50_ms']} ms p99 {web_alone['p99_ms']} ms"
        )

        tokens = w.sim_tokens(self.people, int(len(base.ok) * 1.1))
        mix = w.mix(self.people, tokens, 3)
        self.log(
            f"closed loop: real app, 16 connections, {self.seconds}s (worker running, as deployed)"
        )
        c0 = w.cpu()
        res, sent = wb.closed(w.web_port, mix, 16, self.seconds)
        c1 = w.cpu()
        real = res.summary() | cpu_delta(c0, c1, len(res.ok))
        self.log(
            f"  real {real['rps_200']} req/s p50 {real['p50_ms']} ms p99 {real['p99_ms']} ms; draining"
        )
        check = wb.end_to_end(w, res, sent, SEED_ORG, 240 if not self.quick else 120, mix)
        at_answer = check.pop("cpu_at_answer")
        check |= {"cpu_to_last_reply": cpu_delta(c0, at_answer, check["answered"])}
        self.log(f"  end to end {check['events_rate_end_to_end']} events/s, ok={check['ok']}")
        self.results["throughput"] = {
            "connections": 16,
            "seconds": self.seconds,
            "baseline": baseline,
            "real_web_alone": web_alone,
            "real": real,
            "ratio_rps_web_alone": round(web_alone["rps_200"] / baseline["rps_200"], 3),
            "ratio_rps": round(real["rps_200"] / baseline["rps_200"], 3),
            "end_to_end": check,
        }
        wb.reset_between(w, SEED_ORG)

    # -- webhook latency: open loop at 200/s --------------------------------------------------
    def open_loop(self, rate: float = 200.0) -> None:
        w = self.world
        n = int(rate * self.open_seconds)
        self.log(f"open loop: baseline, {rate:g} req/s for {self.open_seconds}s")
        base, _ = wb.open_(self.baseline_port, w.mix(self.people, {}, 4), rate, self.open_seconds)
        baseline = base.summary()
        w.r.delete("bench:baseline")
        tokens = w.sim_tokens(self.people, n)
        mix = w.mix(self.people, tokens, 5)
        self.log(f"open loop: real app, {rate:g} req/s for {self.open_seconds}s")
        c0 = w.cpu()
        res, sent = wb.open_(w.web_port, mix, rate, self.open_seconds)
        real = res.summary()
        check = wb.end_to_end(w, res, sent, SEED_ORG, 60, mix)
        at_answer = check.pop("cpu_at_answer")
        check |= {"cpu_to_last_reply": cpu_delta(c0, at_answer, check["answered"])}
        self.log(
            f"  real p99 {real['p99_ms']} ms (baseline {baseline['p99_ms']} ms); "
            f"worst wait {check['worst_user_wait_ms']['max']} ms, ok={check['ok']}"
        )
        self.results["open_loop"] = {
            "rate": rate,
            "seconds": self.open_seconds,
            "baseline": baseline,
            "real": real,
            "ratio_p99": round(real["p99_ms"] / baseline["p99_ms"], 2)
            if baseline["p99_ms"]
            else None,
            "end_to_end": check,
        }
        wb.reset_between(w, SEED_ORG)

    # -- LINE is not on loopback ---------------------------------------------------------------
    def line_latency(self, ms: float = 50.0, count: int = 300) -> None:
        w = self.world
        self.log(f"worker against a LINE {ms:g} ms away: {count} events")
        w.sim_latency(ms)
        try:
            tokens = w.sim_tokens(self.people, count)
            mix = w.mix(self.people, tokens, 6)
            res, sent = wb.closed(w.web_port, mix, 16, 30, count=count)
            check = wb.end_to_end(w, res, sent, SEED_ORG, 120, mix)
            check.pop("cpu_at_answer")
        finally:
            w.sim_latency(0)
        self.log(f"  end to end {check['events_rate_end_to_end']} events/s")
        self.results["line_latency"] = {"latency_ms": ms, "events": count, "end_to_end": check}
        wb.reset_between(w, SEED_ORG)

    # -- cost per update: the running worker's CPU and the Redis commands of web and worker ----
    def cost(self, count: int = 2000, rate: float = 100.0) -> None:
        """Worker CPU and Redis commands per status update as the running processes spend them
        (bench/redis_cost.py): a burst (closed loop, 16 connections) and a paced load."""
        w = self.world
        count = 800 if self.quick else count
        paced_seconds = 5 if self.quick else 10
        staff = [p for p in self.people if p.division]
        updates = {"text": 0.5, "tap": 0.5}
        runs = (
            ("burst", count, lambda mix: wb.closed(w.web_port, mix, 16, 120, count=count)),
            (
                "paced",
                int(rate * paced_seconds),
                lambda mix: wb.open_(w.web_port, mix, rate, paced_seconds),
            ),
        )
        out: dict[str, Any] = {"rate": rate}
        for seed, (name, n, load) in enumerate(runs, start=20):
            self.log(f"cost per update, {name}: {n} status updates")
            mix = w.mix(staff, w.sim_tokens(staff, n, mix=updates), seed, mix=updates)
            with Monitor(procs.BENCH_REDIS_URL, w.groups()) as monitor:
                res, sent = load(mix)
                check = wb.end_to_end(w, res, sent, SEED_ORG, 240, mix, on_answered=monitor.stop)
            check.pop("cpu_at_answer")  # the monitor's window has the CPU
            out[name] = per_update(monitor.counts(), check["answered"]) | {
                "web": res.summary(),
                "end_to_end": check,
            }
            x = out[name]
            self.log(
                f"  worker {x['cpu_ms_per_update']['worker']} ms CPU, "
                f"{x['product_commands_per_update']} commands per update, ok={check['ok']}"
            )
            wb.reset_between(w, SEED_ORG)
        # the web's round trips, counted at its client (a count MONITOR cannot give)
        users = HERE.parent / "memos" / "bench-logs" / "users.json"
        users.parent.mkdir(parents=True, exist_ok=True)
        users.write_text(
            json.dumps([[p.user_id, p.org, p.division, p.own] for p in staff[:50]]),
            encoding="utf-8",
        )
        w.stop_worker()  # the bodies wait in the inbox, counted web-side only
        try:
            out["web_round_trips"] = run_module(
                "bench.redis_work", "--users-json", str(users), "--simulator", w.sim_url, env=w.env
            )["web"]
        finally:
            wb.reset_between(w, SEED_ORG)
            w.start_worker()
        self.results["cost"] = out

    # -- the hottest path, profiled ---------------------------------------------------------------
    def profile(self, count: int = 600) -> None:
        w = self.world
        self.log(f"profile: the worker handling {count} queued events (pyinstrument)")
        w.stop_worker()
        try:
            tokens = w.sim_tokens(self.people, count)
            mix = w.mix(self.people, tokens, 8)
            wb.closed(w.web_port, mix, 16, 30, count=count)
            out = HERE / "profile-worker.txt"
            self.results["profile"] = run_module(
                "bench.profile_worker", "--out", str(out), env=w.env
            ) | {"file": "bench/profile-worker.txt"}
        finally:
            w.start_worker()
        wb.reset_between(w, SEED_ORG)

    # -- memo ---------------------------------------------------------------------------------------
    def memo(self) -> None:
        self.log("memo: itabot compile --at … less itabot --help, median of 5")
        self.results["memo"] = memo_cli.run(self.world, runs=5)
        m = self.results["memo"]
        self.log(f"  seed {m['seed']['net_s']} s, 60x12 {m['60x12']['net_s']} s")

    # -- scale: 10, 100 and 1,000 organisations --------------------------------------------------
    def scale(self, count: int = 1500) -> None:
        """Status updates from 10, 100 and 1,000 organisations. Every organisation is loaded
        first; each run starts a fresh web process and worker that then serve only the run's
        organisations, so what they hold grows with the organisations they serve. The runs go
        round robin over the three sizes, SCALE_RUNS times: on a shared machine the
        neighbours' load drifts over minutes, and three sizes measured one after the other
        would each get a different share of it."""
        w = self.world
        count = 600 if self.quick else count
        rounds = 1 if self.quick else SCALE_RUNS
        self.log("scale: one web process, one worker")
        base = seed_plan()
        out: dict[str, Any] = {"web_processes": 1, "workers": 1, "events": count, "runs": rounds}
        t = time.monotonic()
        every = [f"org-{i:04d}" for i in range(max(SCALES))]
        save_plans(w.r, base, every)
        w.add_channels(every)  # each its own LINE channel: its own secret and token
        staff: dict[str, list[events.Person]] = {}
        rng = random.Random(max(SCALES))
        for org in every:
            staff[org] = events.register_fast(w.r, plans.get_plan(w.r, org), 2, rng)
        out["plan_load_s"] = round(time.monotonic() - t, 2)
        self.log(f"  {len(every)} organisations loaded in {out['plan_load_s']} s")
        runs: dict[int, list[dict[str, Any]]] = {total: [] for total in SCALES}
        for attempt in range(rounds):
            for total in SCALES:
                served = every[:total]
                people_ = [p for org in served for p in staff[org]]
                w.stop_worker()
                w.restart_web(workers=1)
                w.start_worker()
                first = self._first_events(served, people_, total + attempt)
                run = self._scale_run(total, count, people_, attempt) | {"first_event": first}
                runs[total].append(run)
                self.log(
                    f"  {total} orgs, run {attempt + 1}: end to end {run['updates_per_s']} updates/s, worker "
                    f"{run['cost']['cpu_ms_per_update'].get('worker')} ms and "
                    f"{run['cost']['product_commands_per_update']} commands per update, ok={run['end_to_end']['ok']}"
                )
        for total in SCALES:
            ordered = sorted(
                runs[total], key=lambda run: run["cost"]["cpu_ms_per_update"].get("worker") or 0
            )
            chosen = ordered[len(ordered) // 2]  # the median run by worker CPU
            first = chosen.pop("first_event")
            out[str(total)] = {
                "organisations": total,
                **chosen,
                "runs_worker_cpu_ms": [
                    run["cost"]["cpu_ms_per_update"].get("worker") for run in runs[total]
                ],
                "first_event_of_org": first,
            }
        first, last = out[str(SCALES[0])], out[str(SCALES[-1])]
        a, b = first["updates_per_s"], last["updates_per_s"]
        out["ratio_1000_vs_10"] = round(b / a, 3) if a and b else None
        out["web_ratio_1000_vs_10"] = round(last["web"]["rps_200"] / first["web"]["rps_200"], 3)
        cpu_a = first["cost"]["cpu_ms_per_update"].get("worker")
        cpu_b = last["cost"]["cpu_ms_per_update"].get("worker")
        # CPU per update the other way round: the 1,000's within 90% means at most 1/0.9 of it
        out["cpu_ratio_10_vs_1000"] = round(cpu_a / cpu_b, 3) if cpu_a and cpu_b else None
        self.results["scale"] = out
        w.restart_web(workers=None)

    def _first_events(
        self, orgs: list[str], people_: list[events.Person], seed: int
    ) -> dict[str, Any]:
        """One event from each organisation to a fresh worker: it reads each one's plan and
        title index from Redis (its caches are cold), measured apart from the steady state."""
        w = self.world
        first_of_org = list({p.org: p for p in people_ if p.division}.values())
        tokens = w.sim_tokens(first_of_org, len(first_of_org), mix={"text": 1.0})
        warm = w.mix(first_of_org, tokens, seed + 7, mix={"text": 1.0}, in_turn=True)
        c0 = w.cpu()
        res, sent = wb.closed(w.web_port, warm, 16, 120, count=len(first_of_org))
        check = wb.end_to_end(w, res, sent, SEED_ORG, 240, warm, orgs=orgs)
        wb.reset_between(w, *orgs)
        cold = cpu_delta(c0, check.pop("cpu_at_answer"), check["answered"])
        return {
            "events": check["answered"],
            "ok": check["ok"],
            "cpu_ms_per_event": cold["cpu_ms_per_event"],
        }

    def _scale_run(
        self, total: int, count: int, staff: list[events.Person], attempt: int
    ) -> dict[str, Any]:
        """One measured run of the scale section: `count` updates from staff of random orgs."""
        w = self.world
        seed = total + 1 + 1000 * attempt
        picks = random.Random(seed).sample(staff, min(len(staff), count))
        tokens = w.sim_tokens(picks, count, mix={"text": 0.5, "tap": 0.5})
        mix = w.mix(picks, tokens, seed, mix={"text": 0.5, "tap": 0.5})
        c0 = w.cpu()
        with Monitor(procs.BENCH_REDIS_URL, w.groups()) as monitor:
            res, sent = wb.closed(w.web_port, mix, 16, 60, count=count)
            orgs = sorted({req_org(q) for _, q in sent})
            # the window ends at the last answer
            check = wb.end_to_end(
                w, res, sent, SEED_ORG, 240, mix, orgs=orgs, on_answered=monitor.stop
            )
        wb.reset_between(w, *orgs)
        at_answer = check.pop("cpu_at_answer")
        return {
            "orgs_with_events": len(orgs),
            "web": res.summary(),
            "end_to_end": check,
            "updates_per_s": check["events_rate_end_to_end"],
            "cpu_to_last_reply": cpu_delta(c0, at_answer, check["answered"]),
            "cost": per_update(monitor.counts(), check["answered"]),
        }

    def sweep_and_parser(self) -> None:
        """Issue 6's sweep at scale and the parser's per-message cost, each in its own process
        (the sweep bench uses its own Redis database)."""
        for name, module in (("sweep", "bench.bench_sweep"), ("parser", "bench.bench_parse")):
            try:
                self.results[name] = run_module(module, "--json")
                self.log(f"  {name}: {self.results[name]}")
            except RuntimeError as exc:
                self.results[name] = {"error": str(exc).strip().splitlines()[-1:]}

    def run(self) -> int:
        self.results["machine"] = machine()
        try:
            self.setup()
            self.throughput()
            self.open_loop()
            self.line_latency()
            self.cost()
            self.profile()
            self.memo()
            self.scale()
            self.sweep_and_parser()
        finally:
            self.results["wall_s"] = round(time.monotonic() - self.t0, 1)
            self.world.stop()
            (HERE / "results.json").write_text(
                json.dumps(self.results, ensure_ascii=False, indent=2), encoding="utf-8"
            )
        report.write(self.results, HERE / "RESULTS.md")
        self.log(f"done in {self.results['wall_s']}s: bench/RESULTS.md, bench/results.json")
        return 0

    def run_memo(self) -> int:
        """The memo part alone (seed plan loaded, web, worker and simulator started), merged into
        the last full run's results: RESULTS.md says when each was measured."""
        previous = HERE / "results.json"
        results = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else {}
        try:
            w = self.world
            w.r.flushdb()
            plans.save_plan(w.r, seed_plan())
            w.start()
            self.memo()
        finally:
            self.world.stop()
        results["memo"] = self.results["memo"] | {
            "measured": self.results["started"],
            "machine": machine(),
            "alone": True,
        }
        previous.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        if "machine" in results:
            report.write(results, HERE / "RESULTS.md")
        self.log("memo done: bench/RESULTS.md (memo section), bench/results.json")
        return 0

    def run_part(self, part: str) -> int:
        """One part (`cost`, `scale`, `open_loop`) after the usual set-up, merged into the last full run's
        results like the memo part."""
        previous = HERE / "results.json"
        results = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else {}
        try:
            self.setup()
            getattr(self, part)()
        finally:
            self.world.stop()
        results[part] = self.results[part] | {"measured": self.results["started"], "alone": True}
        previous.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        if "machine" in results:
            report.write(results, HERE / "RESULTS.md")
        self.log(f"{part} done: bench/RESULTS.md, bench/results.json")
        return 0


def run_module(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `python -m MODULE ARGS` (a bench part in its own process); its last stdout line is JSON."""
    done = subprocess.run(
        [sys.executable, "-m", *args],
        env=env,
        cwd=procs.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def req_org(req: events.Request) -> str:
    return req.path.rsplit("/", 1)[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="shorter runs (a smoke test, not for RESULTS.md)"
    )
    parser.add_argument(
        "--memo",
        action="store_true",
        help="only the memo compile; its section of RESULTS.md is written anew, the rest kept",
    )
    parser.add_argument(
        "--only",
        choices=("cost", "scale", "open_loop"),
        help="only this part (after the usual set-up); its section is written anew, the rest kept",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    bench = Bench(args.quick)
    if args.memo:
        return bench.run_memo()
    return bench.run_part(args.only) if args.only else bench.run()


if __name__ == "__main__":
    raise SystemExit(main())
