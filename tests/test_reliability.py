"""Reliability: Redis restarting, a worker killed, LINE failing, many people at once.

The Redis-restart and worker-kill tests run a stack of their own (tests/own_stack.py: a
redis-server on a free port with AOF, the web app in a thread, a worker process and a LINE
simulator), so they can shut Redis down and kill workers without touching the session's Redis
or its worker.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from core.thai import to_thai_digits
from core.values import InviteKind
from simulator.client import message_text, postback_buttons
from tests.helpers import settle, start_worker, wait_until
from tests.own_stack import Stack, kill_tree

ORG = "naphu"


@pytest.fixture
def stack(tmp_path) -> Iterator[Stack]:
    own = Stack(tmp_path)
    try:
        yield own
    finally:
        own.stop()


def statuses(r: redis.Redis) -> dict[str, str]:
    return {cell: json.loads(raw)["s"] for cell, raw in r.hgetall(f"ita:{{{ORG}}}:status").items()}


def history(r: redis.Redis) -> list[dict]:
    return [json.loads(raw) for raw in r.lrange(f"ita:{{{ORG}}}:history", 0, -1)]


# -- Redis restart -----------------------------------------------------------------------------

DIVISIONS = ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองสาธารณสุข", "กองสวัสดิการสังคม"]
CHAIN = ["หัวหน้าสำนักปลัด", "รองปลัด อบต.นาพู่", "ปลัด อบต.นาพู่", "นายกองค์การบริหารส่วนตำบลนาพู่"]
WORDS = {"in_progress": "กำลังดำเนินการ", "done": "เสร็จแล้ว"}


def test_redis_restart_mid_stream_loses_nothing_and_doubles_nothing(stack):
    from store import people, plans, versions

    stack.load_plan()
    stack.start_worker()
    plan = plans.get_plan(stack.r, ORG)
    staff = {d: stack.join(f"เจ้าหน้าที่{d}", InviteKind.DIVISION, d) for d in DIVISIONS}
    reviewers = [stack.join(f"ผู้พิจารณา{i}", InviteKind.POSITION, p) for i, p in enumerate(CHAIN)]
    # a version in review, its first step passed on: chain state worth keeping
    version = stack.compile()
    wait_until(
        lambda: versions.info(stack.r, ORG, version).get("status") == "ready",
        timeout=60,
        message="version 1 built",
    )
    request = wait_until(
        lambda: [m for m in stack.sim.messages(reviewers[0]) if postback_buttons(m["message"])],
        timeout=30,
        message="the first reviewer's request",
    )[-1]["message"]
    approve = dict(postback_buttons(request))["เห็นชอบ"]
    stack.sim.send_postback(reviewers[0], approve)
    stack.sim.wait_for(reviewers[0], 5)
    stack.sim.send_text(reviewers[0], "เห็นควรเสนอ")
    wait_until(
        lambda: versions.chain(stack.r, ORG, version).step == 1, message="the chain moved on"
    )
    wait_until(
        lambda: [m for m in stack.sim.messages(reviewers[1]) if postback_buttons(m["message"])],
        timeout=30,
        message="the second reviewer's request",
    )

    scheduled_before = sorted(stack.r.zrange("rq:scheduled:default", 0, -1))
    chain_before = stack.r.get(f"ita:{{{ORG}}}:memo:{version}:chain")
    people_before = stack.r.hgetall(f"ita:{{{ORG}}}:people")
    files_before = {
        k: len(versions.read_file(redis.Redis.from_url(stack.redis.url), ORG, version, k) or b"")
        for k in ("pdf", "docx", "png")
    }
    assert scheduled_before and all(files_before.values())

    newcomer = stack.sim.create_user("มาใหม่")
    newcomer_code = people.create_invite(stack.r, ORG, InviteKind.DIVISION, "กองช่าง")
    # the stream: every staff member reports each measure in progress, then done
    stream = [
        (d, m.id, s) for s in ("in_progress", "done") for m in plan.measures for d in m.owners
    ]
    # (event id, division, measure, status), in the order the webhook took them (200)
    accepted: list[tuple[str, str, str, str]] = []
    failed: list[tuple[str, str, str, str]] = []
    down_checks: dict[str, int] = {}
    shutdown_at, restart_at = len(stream) // 3, len(stream) // 3 + 6
    for index, (division, measure, state) in enumerate(stream):
        user = staff[division]
        if index == shutdown_at:
            # Redis goes away while the worker is in the middle of an event: someone registers,
            # LINE is slow with their profile, and the invite is not redeemed yet.
            stack.sim.set_fault(0, path_prefix="/v2/bot/profile", mode="timeout", delay=3)
            assert stack.sim.send_text(newcomer, f"ลงทะเบียน {newcomer_code}") == 200
            time.sleep(1.0)
            stack.redis.shutdown()
            down_since = time.monotonic()
            down_checks["healthz"] = requests.get(
                f"{stack.web_url}/healthz", timeout=10
            ).status_code
        if index == restart_at:
            time.sleep(max(0.0, 4.0 - (time.monotonic() - down_since)))  # LINE answered meanwhile
            stack.redis.start()
            down_checks["healthz_after"] = requests.get(
                f"{stack.web_url}/healthz", timeout=10
            ).status_code
        answer = stack.sim.send_text(user, f"ข้อ {measure} {WORDS[state]}")
        entry = (stack.sim.last_event(user)["webhookEventId"], division, measure, state)
        (accepted if answer == 200 else failed).append(entry)
        time.sleep(0.05)
    assert down_checks == {"healthz": 503, "healthz_after": 200}
    assert len(failed) == restart_at - shutdown_at, (
        "the webhook must answer non-200 while Redis is down"
    )

    # LINE redelivers what failed; the bot stores it now
    for entry in failed:
        assert stack.sim.redeliver(entry[0]) == 200
        accepted.append(entry)

    def settled() -> bool:
        seen = {h["event"] for h in history(stack.r)}
        return all(e[0] in seen for e in accepted)

    def worker_died() -> bool:
        return any(w.poll() is not None for w in stack.workers)

    wait_until(
        lambda: settled() or worker_died(), timeout=60, message="every accepted event applied"
    )
    assert not worker_died(), "the worker died with Redis:\n" + stack.worker_log()[-3000:]
    # the event Redis went away under was run again: the newcomer joined, once, and heard so once
    wait_until(
        lambda: people.get_person(stack.r, ORG, newcomer),
        timeout=30,
        message="the newcomer's registration",
    )
    assert people.get_person(stack.r, ORG, newcomer).division == "กองช่าง"
    assert stack.r.hlen(f"ita:{{{ORG}}}:invites") == 0
    wait_until(lambda: stack.sim.messages(newcomer), message="the newcomer's welcome")
    settle(stack.r, timeout=60)  # every event's job has run: anything applied twice has been
    entries = history(stack.r)
    by_event = Counter(h["event"] for h in entries if h["kind"] == "report")
    assert sorted(by_event) == sorted(e[0] for e in accepted), (
        "an event lost or one never sent applied"
    )
    assert set(by_event.values()) == {1}, "an event applied twice"
    expected: dict[str, str] = {}
    for _, division, measure, state in accepted:
        expected[f"{measure}|{division}"] = state
    assert statuses(stack.r) == expected
    # history chains cell by cell into the final state
    last: dict[str, str] = {}
    for h in entries:
        assert h["old"] == last.get(h["cell"], "not_started"), h
        last[h["cell"]] = h["new"]
    assert last == expected
    # everyone heard back once per event
    assert len(stack.sim.messages(newcomer)) == 1
    for division, user in staff.items():
        mine = [e for e in accepted if e[1] == division]
        confirmations = [
            m for m in stack.sim.messages(user) if "บันทึกแล้ว" in message_text(m["message"])
        ]
        assert len(confirmations) == len(mine), division
    # what was there before the restart is all still there
    assert sorted(stack.r.zrange("rq:scheduled:default", 0, -1)) == scheduled_before
    assert stack.r.get(f"ita:{{{ORG}}}:memo:{version}:chain") == chain_before
    people_after = stack.r.hgetall(f"ita:{{{ORG}}}:people")
    assert people_after.pop(newcomer) and people_after == people_before
    assert versions.numbers(stack.r, ORG) == [version]
    assert versions.info(stack.r, ORG, version)["status"] == "ready"
    assert {
        k: len(versions.read_file(redis.Redis.from_url(stack.redis.url), ORG, version, k) or b"")
        for k in ("pdf", "docx", "png")
    } == files_before
    # the worker lived through it, and what it wrote about it is JSON records
    assert all(w.poll() is None for w in stack.workers), stack.worker_log()
    for line in stack.worker_log().splitlines():
        assert isinstance(json.loads(line), dict), line


# -- a worker killed ---------------------------------------------------------------------------


def test_worker_killed_mid_compile_a_fresh_worker_finishes_it_once(stack):
    from rq.job import Job

    from jobs.memo.samples import large_plan
    from store import versions

    stack.load_plan(large_plan(measures=240, divisions=12))  # a memo of ~140 pages: seconds to set
    first = stack.start_worker("first")
    reviewer = stack.join("ผู้พิจารณา", InviteKind.POSITION, CHAIN[0])
    version = stack.compile()
    rb = redis.Redis.from_url(stack.redis.url)
    job_id = f"compile-{ORG}-{version}"
    wait_until(
        lambda: Job.fetch(job_id, connection=rb).get_status() == "started",
        timeout=30,
        message="the compile started",
    )
    time.sleep(1.0)  # typesetting now
    killed = kill_tree(first)  # the worker, its scheduler and its work horse, if it forked one
    wait_until(
        lambda: all(
            not Path(f"/proc/{pid}").exists()
            or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
            for pid in killed
        ),
        timeout=5,
        message="the killed processes gone",
    )
    record = versions.info(stack.r, ORG, version)
    assert record["status"] == "compiling", "the kill came too late: make the plan bigger"
    assert versions.chain(stack.r, ORG, version) is None and versions.current(stack.r, ORG) is None

    started = time.monotonic()
    stack.start_worker("second")
    wait_until(
        lambda: versions.info(stack.r, ORG, version).get("status") == "ready",
        timeout=90,
        message="a fresh worker to finish the killed compile",
    )
    request = wait_until(
        lambda: [m for m in stack.sim.messages(reviewer) if postback_buttons(m["message"])],
        timeout=90 - (time.monotonic() - started),
        message="the first reviewer's request",
    )
    assert time.monotonic() - started < 90
    settle(stack.r, timeout=60)  # the compile and the pushes it queued have all run
    received = stack.sim.messages(reviewer)
    assert len(request) == 1 and [m["message"]["type"] for m in received[1:]] == [
        "text",
        "image",
        "flex",
    ]
    assert Job.fetch(job_id, connection=rb).get_status() == "finished"
    # one version, whole: every file there and the PDF complete
    assert versions.numbers(stack.r, ORG) == [version] and versions.current(stack.r, ORG) == version
    pdf = versions.read_file(rb, ORG, version, "pdf")
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert versions.read_file(rb, ORG, version, "docx").startswith(b"PK")
    assert versions.read_file(rb, ORG, version, "png").startswith(b"\x89PNG")
    assert int(versions.info(stack.r, ORG, version)["pages"]) > 50
    assert versions.chain(stack.r, ORG, version).state == "in_review"


def test_worker_killed_mid_burst_a_fresh_worker_applies_each_event_once(stack):
    """The inbox keeps a batch until it is handled (store/event_queues.py): a worker killed while
    it drains a burst leaves the rest to RQ's retry, run by the next worker; every event is
    applied once, in each person's order, and nobody is answered twice."""
    from store import event_queues, plans

    stack.load_plan()
    first = stack.start_worker("first")
    plan = plans.get_plan(stack.r, ORG)
    staff = {d: stack.join(f"เจ้าหน้าที่{d}", InviteKind.DIVISION, d) for d in DIVISIONS}
    kill_tree(first)
    cells = [(d, m.id) for m in plan.measures for d in m.owners]
    rounds = max(2, 300 // len(cells))  # a few hundred events: seconds of work for one worker
    stream = [
        (d, measure, ("in_progress", "done")[n % 2]) for n in range(rounds) for d, measure in cells
    ]
    before = {user: len(stack.sim.messages(user)) for user in staff.values()}
    for division, measure, state in stream:  # all queued while no worker runs
        assert stack.sim.send_text(staff[division], f"ข้อ {measure} {WORDS[state]}") == 200
    rq = redis.Redis.from_url(stack.redis.url)
    assert event_queues.waiting(rq) == len(stream)

    second = stack.start_worker("second")
    wait_until(lambda: len(history(stack.r)) >= 20, timeout=60, message="the burst under way")
    kill_tree(second)
    left = event_queues.waiting(rq)
    assert 0 < left < len(stream), "the kill came too late: make the burst longer"

    stack.start_worker("third")  # RQ's abandoned-job handling gives the drain job its retry
    wait_until(
        lambda: len(history(stack.r)) >= len(stream) and event_queues.waiting(rq) == 0,
        timeout=120,
        message="a fresh worker to finish the burst",
    )
    settle(stack.r, timeout=60)
    applied = history(stack.r)
    assert len(applied) == len(stream)  # none lost, none twice
    assert len({entry["event"] for entry in applied}) == len(stream)
    for division in DIVISIONS:  # each person's events in the order they were sent
        sent = [(m, WORDS[s]) for d, m, s in stream if d == division]
        got = [
            (e["cell"].split("|")[0], WORDS[e["new"]])
            for e in applied
            if e["by"] == staff[division]
        ]
        assert got == sent
    assert set(statuses(stack.r).values()) == {stream[-1][2]}
    for division, user in staff.items():  # answered at most once per event (a reply in flight
        # when the worker died is the known loss: its event was marked, the status kept)
        answers = len(stack.sim.messages(user)) - before[user]
        assert answers <= sum(1 for d, _, _ in stream if d == division)


# -- LINE failing ------------------------------------------------------------------------------


def test_line_failing_during_the_chains_pushes_delivers_each_once(sim, rdb, plan):
    from store import versions
    from tests.helpers import buttons, compile_memo, review_request, setup_chain, tap_and_comment

    _admin, reviewers = setup_chain(sim, rdb, plan)
    version = compile_memo()
    first = review_request(sim, reviewers[0], version)
    push = "/v2/bot/message/push"
    # the push to the second reviewer: 429 (not delivered), then 500 after delivering it
    sim.set_fault(429, count=1, path_prefix=push)
    sim.set_fault(500, count=1, path_prefix=push, mode="accept_then_fail")
    tap_and_comment(
        sim, reviewers[0], buttons(first)["เห็นชอบ"], "เห็นควรเสนอ", len(sim.messages(reviewers[0]))
    )
    second = review_request(sim, reviewers[1], version)
    # the push to the third: delivered, but LINE answers after the bot stopped waiting (10 s)
    sim.set_fault(0, count=1, path_prefix=push, mode="timeout", delay=10.5)
    tap_and_comment(
        sim, reviewers[1], buttons(second)["เห็นชอบ"], None, len(sim.messages(reviewers[1]))
    )
    review_request(sim, reviewers[2], version)
    wait_until(
        lambda: any(c["status"] == 409 for c in sim.api_calls(push)[-2:]),
        timeout=30,
        message="the retry after the timeout",
    )
    # every delivery ran to its end, retries waiting out their back-off included
    settle(rdb, timeout=90, queues=("delivery",), later=True)

    for index, user in enumerate(reviewers[:3]):
        requests_for_v1 = [
            m
            for m in sim.messages(user)
            if postback_buttons(m["message"])
            and f"ฉบับที่ {to_thai_digits(version)}" in message_text(m["message"])
        ]
        assert len(requests_for_v1) == 1, (
            f"reviewer {index} got the request {len(requests_for_v1)} times"
        )
    calls = sim.api_calls(push)
    by_key: dict[str, list] = {}
    for call in calls:
        by_key.setdefault(call["retry_key"], []).append((call["status"], call["fault"]))
    outcomes = sorted(by_key.values(), key=len)
    assert [(429, "reject"), (500, "accept_then_fail"), (409, None)] in outcomes
    assert any(o[0] == (200, "timeout") and o[1:] == [(409, None)] for o in outcomes), outcomes
    assert versions.chain(rdb, ORG, version).step == 2


# -- many at once ------------------------------------------------------------------------------


def test_twenty_people_updating_the_same_measures_at_once(sim, rdb):
    """20 staff (4 per division) report on measures 1, 2 and 5 — owned by every division — at
    once, through the webhook, handled by three workers in parallel."""
    import random

    from store import people

    extra = [start_worker(f"extra-{i}") for i in range(2)]
    try:
        users = []
        for i in range(20):
            division = DIVISIONS[i % 5]
            user = sim.create_user(f"คนที่{i}")
            users.append((user, division))
        for user, division in users:
            assert (
                sim.send_text(
                    user,
                    f"ลงทะเบียน {people.create_invite(rdb, ORG, InviteKind.DIVISION, division)}",
                )
                == 200
            )
        wait_until(
            lambda: all(people.get_person(rdb, ORG, u) for u, _ in users),
            timeout=30,
            message="20 joined",
        )
        for user, _ in users:
            sim.wait_for(user, 1)
        phrases = [
            "ข้อ {a} กำลังดำเนินการ",
            "ข้อ {a} เสร็จแล้ว",
            "ข้อ {a} กับ {b} เสร็จแล้ว",
            "ข้อ {a} ยังไม่ได้เริ่ม",
            "ข้อ {a} และ {b} อยู่ระหว่างดำเนินการ",
        ]
        rng = random.Random(9)
        scripts = {
            u: [
                rng.choice(phrases).format(a=a, b=b)
                for a, b in (rng.sample(["1", "2", "5"], 2) for _ in range(5))
            ]
            for u, _ in users
        }
        answers: list[int] = []
        barrier = threading.Barrier(len(users))

        def person(user: str) -> None:
            barrier.wait()
            for text in scripts[user]:
                answers.append(sim.send_text(user, text))

        threads = [threading.Thread(target=person, args=(u,)) for u, _ in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [200] * 100
        for user, _ in users:
            sim.wait_for(user, 6, timeout=60)
        assert all(w.poll() is None for w in extra)
    finally:
        for process in extra:
            process.terminate()
        for process in extra:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                kill_tree(process)

    entries = history(rdb)
    sent = {e["event"]["webhookEventId"]: e["userId"] for u, _ in users for e in sim.events(u)}
    division_of = dict(users)
    # every entry comes from one of the events, for the sender's own division, a real change
    for h in entries:
        assert h["event"] in sent and h["cell"].endswith("|" + division_of[sent[h["event"]]])
        assert h["old"] != h["new"], f"a change that changed nothing: {h}"
    # each event applied at once: its entries are consecutive, one per cell
    by_event: dict[str, list[int]] = {}
    for h in entries:
        by_event.setdefault(h["event"], []).append(h["id"])
    for ids in by_event.values():
        assert ids == list(range(ids[0], ids[0] + len(ids)))
    # in history order the changes chain cell by cell into the final state: a serial order
    last: dict[str, str] = {}
    for h in sorted(entries, key=lambda h: h["id"]):
        assert h["old"] == last.get(h["cell"], "not_started"), h
        last[h["cell"]] = h["new"]
    assert statuses(rdb) == last
    # and every confirmation the bot sent is a change in history
    for user, _ in users:
        confirmed = [m for m in sim.messages(user) if "บันทึกแล้ว" in message_text(m["message"])]
        mine = {e for e, u in sent.items() if u == user}
        assert len(confirmed) == len(mine & set(by_event))


def test_two_reports_of_the_same_thing_at_once_make_one_change(sim, rdb):
    """The race the test above can hit, made certain: both read "not started", both write "done".
    The store decides atomically, so the second is "already so" and history shows one change."""
    from store import status as status_store

    change = [status_store.Change("1", "กองคลัง", "done")]
    first = status_store.apply_changes(
        rdb,
        ORG,
        change,
        user_id="Ua",
        user_name="ก",
        source="ข้อ 1 เสร็จ",
        event_id="e1",
        skip_same=True,
    )
    second = status_store.apply_changes(
        rdb,
        ORG,
        change,
        user_id="Ub",
        user_name="ข",
        source="ข้อ 1 เสร็จ",
        event_id="e2",
        skip_same=True,
    )
    assert (
        first.applied and first.same == [] and second.applied and second.same == [("1", "กองคลัง")]
    )
    assert [h["event"] for h in history(rdb)] == ["e1"]
    assert json.loads(rdb.hget(f"ita:{{{ORG}}}:status", "1|กองคลัง"))["by"] == "Ua"
    # a note is news even when the status is not; the same note again is not
    noted = [status_store.Change("1", "กองคลัง", "done", "ตรวจสอบในเว็บไซต์")]
    assert (
        status_store.apply_changes(
            rdb, ORG, noted, user_id="Ub", user_name="ข", source="…", event_id="e3", skip_same=True
        ).same
        == []
    )
    assert status_store.apply_changes(
        rdb, ORG, noted, user_id="Ua", user_name="ก", source="…", event_id="e4", skip_same=True
    ).same == [("1", "กองคลัง")]
    # a cell never written holds "not started" already
    fresh = [status_store.Change("3", "กองคลัง", "not_started")]
    assert status_store.apply_changes(
        rdb, ORG, fresh, user_id="Ua", user_name="ก", source="…", event_id="e5", skip_same=True
    ).same == [("3", "กองคลัง")]
    assert [h["event"] for h in history(rdb)] == ["e1", "e3"]
    assert rdb.llen(f"ita:{{{ORG}}}:undo:Ub") == 1  # nothing to undo for "already so"
