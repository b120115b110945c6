"""Webhook runs: closed-loop throughput and open-loop latency, for the real app and the baseline,
and the end-to-end check of what the real app's events became."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench import events, loadgen
from bench.world import World, clear_org, clear_rq, cli_status, verify, wait_drained

HOST = "127.0.0.1"


def closed(
    port: int, mix: events.Mix, connections: int, seconds: float, count: int | None = None
) -> tuple[loadgen.RunResult, list]:
    """As many requests as the server answers in `seconds` (or `count` of them, if sooner)."""
    made = 0

    def make() -> tuple[bytes, events.Request] | None:
        nonlocal made
        if count is not None and made >= count:
            return None
        made += 1
        req = mix.next()
        return loadgen.build_request(HOST, port, req.path, req.body, req.signature), req

    result = loadgen.closed_loop(HOST, port, make, connections, seconds)
    sent = [(s.scheduled, s.tag) for s in result.samples if s.status == 200]
    return result, sent


def open_(
    port: int, mix: events.Mix, rate: float, seconds: float
) -> tuple[loadgen.RunResult, list]:
    items = []
    for _ in range(int(rate * seconds)):
        req = mix.next()
        items.append((loadgen.build_request(HOST, port, req.path, req.body, req.signature), req))
    result = loadgen.open_loop(HOST, port, items, rate)
    sent = [(s.scheduled, s.tag) for s in result.samples if s.status == 200]
    return result, sent


def end_to_end(
    world: World,
    result: loadgen.RunResult,
    sent: list,
    org: str,
    drain_timeout: float,
    mix: events.Mix,
    orgs: list[str] | None = None,
    on_answered: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Wait for the worker to finish, then check every event and count the answers;
    `on_answered` is called once the answers are in, before the checks, and the parts' CPU
    seconds at that moment are the check's "cpu_at_answer" (the checks are the bench's work)."""
    drained = wait_drained(world.r, drain_timeout)
    calls = collect_answers(world, sum(1 for _, q in sent if q.kind != "redelivery"))
    if on_answered is not None:
        on_answered()
    cpu_at_answer = world.cpu()
    if orgs is None:
        orgs = [org]
        status = {org: cli_status(world.env, org)}
    else:
        status = None
    check = verify(world, sent, calls, orgs, result.ended, status)
    first = result.started
    last = check.pop("last_answer")
    answered = check["answered"]
    check["drained_within_s"] = None if drained is None else round(drained, 2)
    check["drain_timeout_s"] = drain_timeout
    check["events_rate_end_to_end"] = round(answered / (last - first), 1) if last > first else None
    check["replies_to_unissued_tokens"] = mix.unissued
    check["cpu_at_answer"] = cpu_at_answer
    check["ok"] = (
        drained is not None
        and check["unanswered"] == 0
        and check["cells_applied_twice"] == 0
        and check["claimed_but_not_in_history"] == 0
        and check["in_history_but_not_claimed"] == 0
        and check["redeliveries_answered_again"] == 0
        and check["history_from_unknown_events"] == 0
        and check["status_cells_not_matching_history"] == 0
        and check["failed_jobs"] == 0
    )
    return check


def reset_between(world: World, *orgs: str) -> None:
    for org in orgs:
        clear_org(world.r, org)
    clear_rq(world.r)
    world.r.delete("bench:baseline")
    world.sim_reset()


def wait_drained_quiet(world: World, timeout: float) -> None:
    wait_drained(world.r, timeout)
    time.sleep(0.3)


def collect_answers(world: World, expected: int, quiet: float = 3.0, limit: float = 60.0) -> list:
    """The simulator's calls once `expected` answers arrived (replies leave the worker from its
    reply threads after the job is done), or when none came for `quiet` seconds."""
    calls: list = []
    started = last_change = time.monotonic()
    while time.monotonic() - started < limit:
        fresh = world.sim_calls(since=calls[-1]["seq"] if calls else 0)
        if fresh:
            calls += fresh
            last_change = time.monotonic()
        answers = sum(
            1 for c in calls if c["path"] in ("/v2/bot/message/reply", "/v2/bot/message/push")
        )
        if answers >= expected and time.monotonic() - last_change > 0.3:
            break
        if time.monotonic() - last_change > quiet:
            break
        time.sleep(0.1)
    return calls
