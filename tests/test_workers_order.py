"""More than one worker: a person's events applied in the order sent, and one organisation's
burst not holding up another's (store/event_queues.py: per-organisation shard inboxes, each
drained in order by one job at a time, the shards' queues served round robin)."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator

import pytest

from core.values import DONE, IN_PROGRESS
from simulator.client import message_text
from simulator.webhook import new_user_id, unfollow_event, webhook_body
from store import plans
from store import status as status_store
from store.event_queues import enqueue_body, inbox_key, shard_of
from store.queues import retry_abandoned
from tests.helpers import add_org, join, join_org, settle, start_worker, wait_until

REPORTS = 24


@pytest.fixture
def second_worker(worker) -> Iterator[subprocess.Popen]:
    process = start_worker("worker-2")
    yield process
    process.terminate()  # a warm shutdown, as systemd stops it; killed if it hangs
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)
    process.kill()


def _wait_two_workers(rdb) -> None:
    wait_until(
        lambda: sum(rdb.hget(w, "state") == "idle" for w in rdb.smembers("rq:workers")) >= 2,
        timeout=60,
        message="two idle workers",
    )


def test_one_persons_quick_reports_are_applied_in_send_order(sim, rdb, second_worker):
    _wait_two_workers(rdb)
    user = join(sim, "สมศรี", "สำนักปลัด")
    sent = [DONE if i % 2 == 0 else IN_PROGRESS for i in range(REPORTS)]
    words = {DONE: "เสร็จแล้ว", IN_PROGRESS: "กำลังทำ"}
    before = len(sim.messages(user))
    for status in sent:  # as fast as the webhook answers: both workers take jobs meanwhile
        assert sim.send_text(user, f"ข้อ 1 {words[status]}") == 200
    sim.wait_for(user, before + REPORTS, timeout=60)
    settle(rdb)
    applied = [
        e["new"]
        for e in reversed(status_store.history(rdb, "naphu"))
        if e["measure"] == "1" and e["division"] == "สำนักปลัด"
    ]
    assert applied == sent
    matrix = status_store.read_matrix(rdb, plans.get_plan(rdb, "naphu"))
    assert matrix.cell("1", "สำนักปลัด").status == sent[-1]


def _other_org(tmp_path, sim, web) -> dict[str, str]:
    for name in ("nongbua", "nongbua2", "nongbua3", "nongbua4"):
        if shard_of(name) != shard_of("naphu"):
            return add_org(sim, web, tmp_path, org=name)
    raise AssertionError("no organisation id on another shard")


def test_b_answered_within_2s_behind_a_backlog_of_2000(
    sim, rdb, web, settings, tmp_path, second_worker
):
    from store.db import connect_binary

    other = _other_org(tmp_path, sim, web)
    staff = join_org(sim, "ผู้ใช้หนองบัว", "กองคลัง", other["org"], other["channel"])
    _wait_two_workers(rdb)
    rq = connect_binary(settings.redis_url)
    # 2,000 events of organisation A (naphu), queued as the webhook queues them: each a
    # person's unfollow, which goes the whole pipeline (dedupe, context, dispatch, mark); made
    # first and then queued as fast as can be, so that the two workers find a backlog
    bodies = [webhook_body("Ubot", [unfollow_event(new_user_id())]).decode() for _ in range(2000)]
    retry = retry_abandoned()
    for body in bodies:
        enqueue_body(rq, "naphu", body, retry)
    backlog = rq.llen(inbox_key(shard_of("naphu")))
    assert backlog > 1000, f"A's backlog was only {backlog} when B wrote"
    before = len(sim.messages(staff))
    started = time.monotonic()
    assert sim.send_text(staff, "ภาพรวม") == 200
    answer = sim.wait_for(staff, before + 1, timeout=30)[-1]
    waited = time.monotonic() - started
    assert message_text(answer["message"])
    assert waited < 2.0, f"B answered after {waited:.2f} s behind A's backlog"
    settle(rdb, timeout=240)
