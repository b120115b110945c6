"""bench/RESULTS.md from the results of one `make bench` run (bench/results.json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FEW_SECONDS = 5.0  # "no staff member waits more than a few seconds"


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:,.1f} ms"


def _yes(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def _cpu_line(cpu: dict[str, Any]) -> str:
    per = cpu.get("cpu_ms_per_event", {})
    order = ["web", "baseline", "worker", "simulator", "redis", "load_generator"]
    return ", ".join(f"{k} {per[k]:.2f}" for k in order if per.get(k, 0) >= 0.01)


# The baseline app's CPU per request (verify + LPUSH + 200: the same work in every run) in the
# run of record of 2026-11-26 16:21, the last full run before the cost-per-event work. The ratio
# of this run's to it says how much slower the shared machine is now than then.
REFERENCE_BASELINE_CPU_MS = 0.88


def machine_factor(r: dict[str, Any]) -> float | None:
    """This run's baseline CPU per request over the reference run's (>1: a slower machine)."""
    base = ((r.get("throughput") or {}).get("baseline") or {}).get("cpu_ms_per_event") or {}
    return base["baseline"] / REFERENCE_BASELINE_CPU_MS if base.get("baseline") else None


def bars(r: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    out = []
    t = r.get("throughput")
    if t:
        alone = t.get("ratio_rps_web_alone")
        if alone is not None:
            out.append(
                (
                    "webhook throughput ≥ 50% of the baseline (web tier alone, as the baseline runs)",
                    f"{100 * alone:.0f}%",
                    alone >= 0.5,
                )
            )
        out.append(
            (
                "webhook throughput ≥ 50% of the baseline (as deployed: the worker busy on the same 2 cores)",
                f"{100 * t['ratio_rps']:.0f}%",
                t["ratio_rps"] >= 0.5,
            )
        )
    o = r.get("open_loop")
    if o:
        out.append(
            (
                "p99 < 50 ms, open loop at 200 req/s",
                _ms(o["real"]["p99_ms"]),
                o["real"]["p99_ms"] is not None and o["real"]["p99_ms"] < 50,
            )
        )
        e = o["end_to_end"]
        after = e["last_answer_after_load_s"]
        out.append(
            (
                "every event applied within 60 s after the load, none lost, none twice",
                f"last answer {after} s after the load; checks {'pass' if e['ok'] else 'FAIL'}",
                bool(e["ok"]) and after is not None and after <= 60,
            )
        )
        worst = e["worst_user_wait_ms"]["max"]
        out.append(
            (
                f"no staff member waits more than a few ({FEW_SECONDS:g}) s at 200 req/s",
                f"longest wait {_ms(worst)}",
                worst is not None and worst <= FEW_SECONDS * 1000,
            )
        )
    c = r.get("cost")
    if c:
        burst = c["burst"]
        cpu = burst["cpu_ms_per_update"]["worker"]
        cmds = burst["product_commands_per_update"]
        out.append(("worker CPU ≤ 3 ms per status update (a burst)", f"{cpu:g} ms", cpu <= 3))
        factor = machine_factor(r)
        if factor:
            scaled = cpu / factor
            out.append(
                (
                    "the same, scaled to the machine of the 2026-11-26 run (CPU ÷ the baseline's slow-down)",
                    f"{scaled:.2f} ms ({cpu:g} ÷ {factor:.2f})",
                    scaled <= 3,
                )
            )
        out.append(
            (
                "≤ 20 Redis commands per status update, web + worker (a burst)",
                f"{cmds:g}",
                cmds <= 20,
            )
        )
        web_rt = (c.get("web_round_trips") or {}).get("round_trips_median")
        if web_rt is not None:
            out.append(
                ("≤ 2 Redis round trips per update (web process)", f"{web_rt:g}", web_rt <= 2)
            )
    m = r.get("memo")
    if m:
        out.append(
            ("memo, seed plan, under 0.5 s", f"{m['seed']['net_s']} s", m["seed"]["net_s"] < 0.5)
        )
    s = r.get("scale")
    if s and s.get("ratio_1000_vs_10"):
        out.append(
            (
                "scale flat from 10 to 1,000 organisations (≥ 90%)",
                f"{100 * s['ratio_1000_vs_10']:.0f}%",
                s["ratio_1000_vs_10"] >= 0.9,
            )
        )
    if s and s.get("cpu_ratio_10_vs_1000"):
        out.append(
            (
                "worker CPU per update at 1,000 organisations within 90% of 10 (10's ÷ 1,000's ≥ 90%)",
                f"{100 * s['cpu_ratio_10_vs_1000']:.0f}%",
                s["cpu_ratio_10_vs_1000"] >= 0.9,
            )
        )
    if "wall_s" in r:
        out.append(("`make bench` under 10 minutes", f"{r['wall_s']:.0f} s", r["wall_s"] < 600))
    return out


def write(r: dict[str, Any], path: Path) -> None:
    path.write_text(render(r), encoding="utf-8")


def render(r: dict[str, Any]) -> str:  # one page, top to bottom
    m = r["machine"]
    lines: list[str] = []
    add = lines.append
    add("# Benchmarks (issue 8)")
    add("")
    add(
        f"Written by `make bench` (`python -m bench.run`) on {r['started']}; the whole run took {r.get('wall_s', 0):.0f} s."
        + (" **Quick mode: short runs, not the figures of record.**" if r.get("quick") else "")
    )
    add(
        "Every ratio is against a baseline measured in the same run, on the same machine, so it holds on a noisy one;"
    )
    add("the absolute figures move with the neighbours. Raw numbers: `bench/results.json`.")
    add("")
    add("## Machine and versions")
    add("")
    add(
        f"- {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']}, Python {m['python']}, {m['redis_cli']} (server 7.0 from Debian)"
    )
    add(
        "- "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
        + "; not installed: "
        + (", ".join(k for k, v in m["packages"].items() if not v) or "–")
    )
    add(
        f"- web: `{m['procfile_web']}` (Procfile, run as is; the baseline is the same line serving `bench.baseline_app:app`)"
    )
    add(
        f"- worker: `{m['procfile_worker']}`; simulator: `python -m bench.sim_server` (the product's LINE simulator plus bench routes)"
    )
    add(
        "- everything on this one machine: web, baseline, worker, simulator, Redis and the load generator share the 2 cores"
    )
    add("")
    add("## Bars")
    add("")
    add("| bar | measured | |")
    add("|---|---|---|")
    for name, value, ok in bars(r):
        add(f"| {name} | {value} | {_yes(ok)} |")
    add("")

    t = r.get("throughput")
    if t:
        b, q, e = t["baseline"], t["real"], t["end_to_end"]
        add(f"## Webhook throughput: closed loop, {t['connections']} connections, {t['seconds']} s")
        add("")
        add("| | requests answered 200/s | p50 | p99 | max | CPU ms per request |")
        add("|---|---|---|---|---|---|")
        add(
            f"| baseline (verify + LPUSH + 200) | {b['rps_200']:,.0f} | {_ms(b['p50_ms'])} | {_ms(b['p99_ms'])} | {_ms(b['max_ms'])} | {_cpu_line(b)} |"
        )
        a = t.get("real_web_alone")
        if a:
            add(
                f"| real app, worker stopped (web tier alone) | {a['rps_200']:,.0f} | {_ms(a['p50_ms'])} | {_ms(a['p99_ms'])} | {_ms(a['max_ms'])} | {_cpu_line(a)} |"
            )
            add(
                f"| **ratio, web tier alone** | **{100 * t['ratio_rps_web_alone']:.0f}%** | | | | |"
            )
        add(
            f"| real app, worker running (as deployed) | {q['rps_200']:,.0f} | {_ms(q['p50_ms'])} | {_ms(q['p99_ms'])} | {_ms(q['max_ms'])} | {_cpu_line(q)} |"
        )
        add(f"| **ratio, as deployed** | **{100 * t['ratio_rps']:.0f}%** | | | | |")
        add("")
        add(
            f"Non-200 answers: baseline {b['requests'] - b['ok_200']}, real {q['requests'] - q['ok_200']}. "
        )
        add(
            f"End to end (every event of the run applied and answered, counted from the first request to the last reply): "
            f"**{e['events_rate_end_to_end']} events/s**; {e['answered']} events answered, last reply "
            f"{e['last_answer_after_load_s']} s after the load ended. CPU per event to the last reply (ms): {_cpu_line(e['cpu_to_last_reply'])}."
        )
        add("")
        add(_check_table(e))
        add("")

    o = r.get("open_loop")
    if o:
        b, q, e = o["baseline"], o["real"], o["end_to_end"]
        add(
            f"## Open loop: {o['rate']:g} requests/s for {o['seconds']} s, latency from each request's scheduled time"
        )
        add("")
        add("| | answered 200 | p50 | p90 | p99 | max |")
        add("|---|---|---|---|---|---|")
        add(
            f"| baseline | {b['ok_200']}/{b['requests']} | {_ms(b['p50_ms'])} | {_ms(b['p90_ms'])} | {_ms(b['p99_ms'])} | {_ms(b['max_ms'])} |"
        )
        add(
            f"| real app | {q['ok_200']}/{q['requests']} | {_ms(q['p50_ms'])} | {_ms(q['p90_ms'])} | {_ms(q['p99_ms'])} | {_ms(q['max_ms'])} |"
        )
        add("")
        add(
            f"p99 ratio real/baseline: {o['ratio_p99']}. Confirmation delay (request due → the bot's reply at the simulator): "
            f"p50 {_ms(e['confirmation_delay_ms']['p50'])}, p99 {_ms(e['confirmation_delay_ms']['p99'])}, max {_ms(e['confirmation_delay_ms']['max'])}; "
            f"per staff member, the longest wait: median {_ms(e['worst_user_wait_ms']['p50'])}, max {_ms(e['worst_user_wait_ms']['max'])}. "
            f"End to end {e['events_rate_end_to_end']} events/s; CPU per event (ms): {_cpu_line(e['cpu_to_last_reply'])}."
        )
        add("")
        add(_check_table(e))
        add("")

    lat = r.get("line_latency")
    if lat:
        e = lat["end_to_end"]
        add(f"## The worker against a LINE {lat['latency_ms']:g} ms away")
        add("")
        add(
            f"The simulator answers every Messaging API call {lat['latency_ms']:g} ms late (a round trip to LINE's servers; "
            f"loopback hides it). {lat['events']} events: **{e['events_rate_end_to_end']} events/s** end to end, checks "
            f"{'pass' if e['ok'] else 'FAIL'}; longest wait {_ms(e['worst_user_wait_ms']['max'])}. Replies leave from the "
            f"worker's reply threads, so LINE's round trip overlaps the next events' work (one reply at a time, "
            f"as before the change, this was ~15 events/s)."
        )
        add("")

    c = r.get("cost")
    if c:
        add("## Cost per status update: the running worker's CPU and Redis commands")
        add("")
        when = (
            f" Measured on {c['measured']} by `python -m bench.run --only cost`."
            if c.get("alone")
            else ""
        )
        add(
            "Status updates (typed reports and button taps, half each) through the running web "
            "(gunicorn, Procfile) and worker (`itabot worker`), every one answered at the "
            "simulator. CPU: the worker's process group (its reply threads and RQ's scheduler "
            "included), from /proc, from the first request to the last answer, idle moments "
            "included. Commands: every command Redis ran for a process, from `redis-cli "
            "monitor`, told apart by the client's socket (bench/redis_cost.py); a Lua script "
            "is one command from the client, the commands it runs inside Redis are counted "
            'apart ("inside scripts").' + when
        )
        add("")
        add(
            "| load | updates | worker CPU per update | web commands | worker commands | web + worker | inside scripts | end to end | checks |"
        )
        add("|---|---|---|---|---|---|---|---|---|")
        for name, label in (
            ("burst", "burst, 16 connections closed loop"),
            ("paced", f"paced, {c['rate']:g} req/s"),
        ):
            x = c.get(name)
            if not x:
                continue
            per = x["commands_per_update"]
            e = x["end_to_end"]
            add(
                f"| {label} | {x['updates']:,} | **{x['cpu_ms_per_update']['worker']:g} ms** | {per.get('web', 0):g} | {per.get('worker', 0):g} | **{x['product_commands_per_update']:g}** | {x['lua_commands_per_update']:g} | {e['events_rate_end_to_end']} updates/s | {'pass' if e['ok'] else 'FAIL'} |"
            )
        add("")
        if c.get("paced"):
            add(
                "Paced, the worker keeps up and its shard's inbox runs dry between two bodies: the "
                "drain job then waits up to 50 ms for the next one (while no other queue holds a "
                "job) instead of ending, so one RQ job still carries many events; the script that "
                "checks the other queues is one command, its LLENs are most of the paced run's "
                "commands inside scripts."
            )
            add("")
        burst = c.get("burst")
        if burst:
            n = burst["updates"]
            for part in ("worker", "web"):
                counted = list(burst[f"{part}_commands"].items())[:12]
                top = ", ".join(f"{k} {v / n:.2f}" for k, v in counted)
                add(f"Burst, {part} commands per update: {top}.")
                add("")
        factor = machine_factor(r)
        if factor:
            add(
                f"The machine: the baseline app's fixed work took {factor * REFERENCE_BASELINE_CPU_MS:.2f} ms of CPU per "
                f"request in this run and {REFERENCE_BASELINE_CPU_MS} ms in the run of record of 2026-11-26, the "
                f"last before the cost-per-event work (then: worker 6.85 ms per event to the last reply, 49.3 "
                f"commands a job plus 6 in the web): this run's machine is "
                f"{f'{factor:.2f}× as slow' if factor >= 1 else f'{1 / factor:.2f}× as fast'}, and the "
                f"burst's worker CPU scaled to that machine is {burst['cpu_ms_per_update']['worker'] / factor:.2f} ms "
                "per update."
                if burst
                else ""
            )
            add("")
        rt = c.get("web_round_trips")
        if rt:
            add(
                f"The web process, counted at its client (bench/redis_work.py): {rt['round_trips_median']:g} round trips per update "
                f"(max {rt['round_trips_max']}), {rt['commands_median']:g} commands: "
                f"`{' | '.join(' '.join(x) for x in rt['example'])}`."
            )
            add("")

    m_ = r.get("memo")
    if m_:
        add("## Memo compile")
        add("")
        when = (
            f" Measured on {m_['measured']} by `python -m bench.run --memo` (the memo part alone;"
            " the other sections are from the full run above)."
            if m_.get("alone")
            else ""
        )
        add(
            f"`itabot compile --at …` wall time less `itabot --help` timed just before it (process start-up, median {m_['itabot_help_median_s']} s), median of {m_['seed']['runs']} (seed, the net of each run: {', '.join(str(n) for n in m_['seed'].get('net_runs_s', []))} s). "
            "The compile is an RQ job run in the worker process, where typst, its fonts and the "
            "text layer's glyph tables stay loaded (the worker warms them at start)." + when
        )
        add("")
        add(
            "| plan | pages | compile wall (median) | net of start-up | in the job | in typst | typst share of net |"
        )
        add("|---|---|---|---|---|---|---|")
        for key in ("seed", "60x12"):
            x = m_[key]
            add(
                f"| {key} | {x['pages']} | {x['compile_wall_median_s']} s | **{x['net_s']} s** | {x['job_median_s']} s | {x['typst_median_s']} s | {100 * (x['typst_share_of_net'] or 0):.0f}% |"
            )
        if all("split_s" in m_[key] for key in ("seed", "60x12")):
            add("")
            add(
                "Where the net time goes (medians of each part, seconds). Typesetting: typst, "
                "the continuation words included (a second pass only when a paragraph breaks "
                "across pages). Text layer: jobs/memo/textlayer. PNG: PDFium draws page 1 of "
                "the final PDF. DOCX: built on its own thread while typst runs, so beside the "
                "others, not after them. Storing: the rest of the job (files and version into "
                "Redis, the review request). Queueing: enqueued to started. RQ: the worker's "
                "bookkeeping around the job. CLI: the rest of the net wall time (allocating the "
                "version, enqueueing, waiting on the result, writing the files out)."
            )
            add("")
            add(
                "| plan | typesetting | text layer | PNG | (DOCX, beside) | storing | queueing | RQ | CLI | net |"
            )
            add("|---|---|---|---|---|---|---|---|---|---|")
            for key in ("seed", "60x12"):
                x = m_[key]
                sp = x["split_s"]
                add(
                    f"| {key} | {sp['typesetting']} | {sp['text_layer']} | {sp['png']} | ({sp['docx_beside']}) | "
                    f"{sp['storing']} | {sp['queueing']} | {sp['rq_overhead']} | {sp['cli']} | **{x['net_s']}** |"
                )
        rin = m_.get("render_in_process") or {}
        if "error" not in rin and rin:
            add("")
            add(
                "The renderer alone, in process (`bench/bench_memo.py`): "
                + "; ".join(
                    f"{name}: {v['median_s']} s, typst {v['typst_median_s']} s ({100 * v['typst_share']:.0f}%)"
                    for name, v in rin.items()
                )
            )
        add("")

    s = r.get("scale")
    if s:
        add(
            f"## Scale: {s['events']} status updates, one web process (gunicorn, 4 threads), one worker"
        )
        add("")
        add(
            "| organisations served | orgs with events | web req/s | updates/s end to end | worker CPU per update | Redis commands per update (web + worker) | checks |"
        )
        add("|---|---|---|---|---|---|---|")
        for key in ("10", "100", "1000"):
            x = s.get(key)
            if not x:
                continue
            cost = x.get("cost") or {}
            cpu = (cost.get("cpu_ms_per_update") or {}).get("worker")
            cmds = cost.get("product_commands_per_update")
            add(
                f"| {x['organisations']:,} | {x['orgs_with_events']} | {x['web']['rps_200']:,.0f} | **{x['updates_per_s']}** | "
                f"{'–' if cpu is None else f'{cpu:g} ms'} | {'–' if cmds is None else f'{cmds:g}'} | {'pass' if x['end_to_end']['ok'] else 'FAIL'} |"
            )
        add("")
        add(
            f"1,000 vs 10 organisations: end to end {100 * (s['ratio_1000_vs_10'] or 0):.0f}%, web {100 * s['web_ratio_1000_vs_10']:.0f}%"
            + (
                f", worker CPU per update {100 * s['cpu_ratio_10_vs_1000']:.0f}% (10's ÷ 1,000's)"
                if s.get("cpu_ratio_10_vs_1000")
                else ""
            )
            + ". Each organisation has its own plan (titles differ per org), people and LINE channel "
            "(its own secret, which the web checks each webhook with, and its own access token, "
            "which every reply carries: stored encrypted as `itabot org channel` stores them, the "
            "simulator serving all the channels); events go to `/callback/<org>`. "
            + (
                f"Each row is the median of {s['runs']} runs by worker CPU (the runs' worker CPU per update, ms: "
                + "; ".join(
                    f"{key}: {', '.join(f'{v:g}' for v in s[key]['runs_worker_cpu_ms'])}"
                    for key in ("10", "100", "1000")
                    if s.get(key, {}).get("runs_worker_cpu_ms")
                )
                + "). "
                if s.get("runs", 1) > 1
                else ""
            )
            + "All 1,000 organisations are loaded in Redis; each run starts a fresh web process and "
            "worker that serve only the run's organisations (what they hold grows with those), "
            "and measures the steady state: every one of its organisations sent one event first, "
            "so the worker had read each plan and title index once. The runs go round robin over "
            "the three sizes, so the neighbours' load, which drifts over minutes on this shared "
            "machine, falls on the three alike."
        )
        firsts = [
            (key, s[key]["first_event_of_org"])
            for key in ("10", "100", "1000")
            if s.get(key, {}).get("first_event_of_org")
        ]
        if firsts:
            add("")
            add(
                "The first event of an organisation in a worker process (its plan, and the title "
                "index kept beside it since plan load, read from Redis): worker CPU per event "
                + ", ".join(
                    f"{f['cpu_ms_per_event'].get('worker', 0):g} ms (a fresh worker, the {f['events']:,} organisations of the {int(key):,} run)"
                    for key, f in firsts
                )
                + "."
            )
        add("")

    p = r.get("profile")
    if p:
        add("## Profile of the hottest path")
        add("")
        add(
            f"The worker handling {p.get('bodies', p.get('jobs'))} queued events in burst mode under pyinstrument: {p.get('bodies_per_s', p.get('jobs_per_s'))} events/s "
            f"(profiler on). Full tree: `{p['file']}`."
        )
        add("")
        tree = Path(__file__).resolve().parent / "profile-worker.txt"
        if tree.exists():
            text = [ln for ln in tree.read_text(encoding="utf-8").splitlines() if ln.strip()]
            start = next((i for i, ln in enumerate(text) if "ItabotWorker.work" in ln), 0)
            add("```")
            lines.extend(text[start : start + 45])
            add("```")
        add("")
    sweep = r.get("sweep")
    if sweep and "error" not in sweep:
        add("## Reminder sweep at scale (issue 6)")
        add("")
        add(
            f"{sweep['staff']:,} staff across {sweep['organisations']} organisations' plans, the D-7 slot: "
            f"{sweep['recipients']:,} recipients of {sweep['distinct_messages']:,} distinct messages "
            f"(one per organisation and division still behind, and each admin's summary) went out in "
            f"**{sweep['api_calls']:,} LINE API calls against a lower bound of {sweep['lower_bound_calls']:,}** "
            f"(⌈recipients/500⌉ per distinct message; ratio {sweep['ratio_to_lower_bound']}). "
            f"The sweep took {sweep['sweep_seconds']} s ({sweep['recipients_per_second']:,} recipients/s, "
            f"reading plans, statuses and people and queueing every delivery); a second sweep of the "
            f"same slot sent {sweep['second_sweep_recipients']}."
        )
        add("")
    parser = r.get("parser")
    if parser and "error" not in parser:
        add("## Thai report parser")
        add("")
        add(
            f"Over the {parser['messages']} messages of the test table: median {parser['median_us']} µs, "
            f"p99 {parser['p99_us']} µs per message once warm; the first message of a plan in a process "
            f"costs {parser['warm_up_seconds']} s (PyThaiNLP's dictionary and the title index), paid once "
            "per worker since jobs run in the worker process."
        )
        add("")
    add(NOTES)
    return "\n".join(lines) + "\n"


def _check_table(e: dict[str, Any]) -> str:
    rows = [
        ("requests answered 200", e["requests_200"]),
        ("first deliveries / redeliveries", f"{e['events_first_delivery']} / {e['redeliveries']}"),
        (
            "answered (by reply; by push after a failed reply)",
            f"{e['answered']} ({e['answered_by_push_after_failed_reply']} by push)",
        ),
        ("unanswered", e["unanswered"]),
        (
            'status events: applied / already so ("อยู่แล้ว")',
            f"{e['status_applied']} / {e['status_unchanged_already']}",
        ),
        (
            "confirmed but not in the history / in the history but not confirmed",
            f"{e['claimed_but_not_in_history']} / {e['in_history_but_not_claimed']}",
        ),
        ("cells applied twice by one event", e["cells_applied_twice"]),
        ("redeliveries answered again", e["redeliveries_answered_again"]),
        ("history entries of events never sent", e["history_from_unknown_events"]),
        (
            f"cells where the matrix ({e['status_read_by']}) ≠ the history's last value",
            e["status_cells_not_matching_history"],
        ),
        ("failed RQ jobs", e["failed_jobs"]),
        (
            "queues drained after the load within",
            f"{e['drained_within_s']} s (limit {e['drain_timeout_s']} s)",
        ),
    ]
    out = ["| check | |", "|---|---|"]
    out += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(out)


NOTES = """## How it is measured

- **Event mix** (bench/events.py), the seed plan (org `naphu`, 6 measures × 5 divisions), 200 staff (40 per
  division) and 4 admins registered through `store.people` invites: 45% status by text (Thai and Arabic digits,
  two measures at once, negations, an evidence link), 35% status by tap (postback data signed for that user, as
  the bot issues it), 10% ภาพรวม from an admin, 10% redeliveries of an earlier event (same `webhookEventId`,
  `isRedelivery: true`). Bodies are built and signed like the simulator's.
- **Replies are real.** The load generator posts signed webhooks to the bot directly (the simulator's own sender
  makes one blocking POST per event and cannot keep 16 connections busy), but every event carries a reply token
  that the simulator issued for that user (`/bench/tokens`). So the worker's reply goes through line-bot-sdk to the
  simulator, is checked against LINE's OpenAPI schema, and uses up the token exactly as on LINE; a reply to a token
  the simulator never issued would fail and the bot would push instead — the bench counts those (zero when the
  token pool suffices). Confirmation time = the simulator's receipt of the reply − the request's due time.
- **Checks per run**: each first delivery answered exactly once; each redelivery not answered again; each status
  event either confirmed (“บันทึกแล้วครับ”) with its cells in the history, or answered “…อยู่แล้วครับ” with none;
  no event's cell in the history twice; no history entry from an event never sent; `itabot status --json` equals
  the history replayed; no failed RQ job; the queues drained.
- **Closed loop**: 16 keep-alive connections each send the next request when the answer arrives. **Open loop**:
  requests are due at a fixed rate and sent on time on any idle connection (a new one if all are busy); latency
  counts from the due time, so a stall cannot hide (no coordinated omission).
- **CPU per event** is read from /proc for each process group (web, worker with its work horses, simulator,
  Redis, this load generator) around each run.

## What was changed, and why (the profile's findings)

Each step measured with this harness on this machine (development runs, 2026-11-26); the tables above are
this run's figures with all of them in place.

1. **The worker forked a work horse per webhook event** (RQ's default `Worker`), and every horse started cold:
   the parser's title index loads PyThaiNLP's dictionary (~1.7 s) on first use, and the plan cache, the LINE
   SDK client with its HTTP connection and the Redis connections were rebuilt per event. End to end: **1.1
   events/s** (100 events took 90 s; at 20 req/s the web's p99 was 630 ms because the horses ate the CPU).
   → `jobs/worker.py`: `ItabotWorker` runs the jobs of the `events` and `delivery` queues in the worker
   process (RQ's SimpleWorker path: same registries, timeouts, failure handling); memo compiles and the other
   `default` jobs still get a forked work horse (heavy, rare, and a typesetter crash must not take the worker
   down; `test_worker_killed_mid_compile…` kills that horse). `preload()` also loads the Thai dictionary once.
   → ~60 events/s.
2. **RQ's per-job bookkeeping was ~26 of the worker's ~33 Redis round trips per event**: the worker heartbeat
   as two separate commands sent three times per job, the state written IDLE twice in a row, and
   `result_ttl=0`, which makes RQ delete the job at once through nine more round trips (status reads,
   execution clean-up). → `ItabotWorker.heartbeat` pipelines HSET+EXPIRE and skips idle heartbeats less than
   1 s apart (the key lives 480 s); `set_state` does not rewrite IDLE; `bot/app.py` enqueues with
   `result_ttl=30` (the finished job's hash expires by itself). → ~16 round trips per event (6 of them the
   event's own), worker CPU per event 8.0 → 6.9 ms.
3. **The web made two round trips per webhook** (RQ registers the queue in a MULTI of its own before the
   job's). → `bot/app.py` enqueues inside one pipeline: one MULTI/EXEC, one round trip, 6 commands.
4. **The worker then spent most of each event waiting for LINE to take the reply** (the profile's largest
   item: `LineClient.reply` → socket `recv_into`), one reply at a time: ~60 events/s against the local
   simulator and **15 events/s with LINE 50 ms away**. → `jobs/webhook.py`: in `itabot worker` the reply (and
   its push fallback when it fails, with the same retry key as before) goes to a pool of 8 threads, at most
   64 in flight, one person's replies kept in order; the worker waits for the replies in flight before it
   forks a work horse and before it stops. Redeliveries, dedup and the history are untouched (the checks
   above). → ~105–120 events/s end to end against the simulator, ~95 with LINE 50 ms away.

Behaviour is otherwise unchanged: the same jobs on the same queues, the same dedup (the Lua script's event
mark), the same replies; `tests/test_foundation.py` and `tests/test_reporting.py` pass.

## The memo (issue 13)

- **Text layer.** typst 0.15 writes a raised Thai tone mark as a text object of its own that repeats its
  cluster (typst#7610, #4225; krilla#411): PDFium and poppler read "ขั้ขั้นตอน". `jobs/memo/textlayer`
  puts the mark back into its cluster's run (a composite glyph carries its offset), gives every glyph its
  own ToUnicode entry and lets pdfminer.six keep clusters on a line; pikepdf writes it. Measured in the
  split as "text layer".
- **Continuation words** come from typst's own introspection in the same compile (markers at the edges of
  every flow item); a second typst pass happens only when a paragraph breaks across pages.
- **Page 1 PNG** is drawn by PDFium from the memo's PDF, on its own thread while the text layer is mended
  (before: typst typeset the first page a second time, ~0.1 s). The DOCX is built on a thread while typst
  runs.
- **In the worker** (`jobs.memo.warm_up`, called by `preload()`): the compiler and fonts, typst's caches for
  the template, the glyph tables and PDFium are loaded at start, then `gc.freeze()` keeps the ~0.5 M
  long-lived objects (mostly the Thai dictionary) out of every later garbage collection.
- **What is left.** typst and the text layer take about the same (~0.07 s each for the seed memo on a quiet
  core, in process; roughly double on this shared box); the text layer is pure Python over ~4,000 glyph
  runs (half of them left untouched unparsed), so a larger plan costs in proportion (60 × 12: ~0.7 s).
  `itabot compile`'s own start-up (redis-py imports `redis.asyncio`, hence `asyncio`) is most of what the
  CLI adds around the job.
- **Spread.** On this shared 2-core machine (other engineers' tests beside it, load average 2.5–4.5) five
  `bench.run --memo` runs of the seed gave a net 0.444, 0.452, 0.557, 0.562 and 0.493 s: the bar is met
  only narrowly here; the renderer alone, in process, on a quiet core takes ~0.155 s.

## What stands in the way of the bars not met

- **No staff member waiting more than a few seconds at 200 req/s, on this machine.** Per event the pipeline
  costs about: web 1.5–2 ms of CPU, worker 5.5 ms (about half of it RQ's own bookkeeping, then redis-py and
  line-bot-sdk), the LINE simulator 4–5 ms (Flask dev server + OpenAPI validation of every reply: LINE's
  share, which production does not pay), Redis ~0.6 ms, the load generator ~0.4 ms: ~13 ms on 2 cores, so
  this box cannot keep up with 200 events/s and a 10 s burst leaves a backlog that drains a few seconds after
  it (see the open-loop section: every event is applied once and answered, the longest wait is the backlog).
  In production LINE's share is not on our cores; a second worker process (`honcho start -c worker=2`, RQ
  shares the queue; not measured here, and one person's events could then be handled side by side) adds
  capacity where there are cores for it. Cheaper per event, for whoever owns the files:
  `bot/line_client.py` turns each message dict into SDK models (`ReplyMessageRequest.from_dict`) that the SDK
  turns back into a dict (`sanitize_for_serialization`), ~2 ms per reply; `ApiClient.call_api` takes a dict
  body. redis-py's pure-Python parser: adding `hiredis` (`redis[hiredis]` in pyproject.toml) measured ~10%
  less worker CPU. `handlers`/`store`: an event reads the event mark, person, pending state and matrix in four
  round trips (one pipeline would do) and `jobs.webhook.process_event` marks the event again after the Lua
  script has marked it.
- **Scale from 10 to 1,000 organisations is not flat.** `handlers.parse._title_index` is an
  `lru_cache(maxsize=16)` keyed by the plan's titles: with more than 16 organisations sending, it is rebuilt on
  most text events (8 ms each, measured: 0.13 ms when cached), and the worker's rate roughly halves. A
  cache of ~1,000 plans (or one keyed by org and plan revision) fixes it; the web tier is flat (its cost per
  webhook does not depend on the organisation).
- **Redis round trips in the worker** (the bar is about the web process, which makes 1): RQ's bookkeeping is
  ~10 of the ~16 per event; the event's own 6 could be 2.
"""


if __name__ == "__main__":
    data = json.loads(
        Path(
            sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "results.json"
        ).read_text()
    )
    write(data, Path(__file__).parent / "RESULTS.md")
