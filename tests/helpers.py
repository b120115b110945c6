"""Helpers for the tests: the seed plan's files, waiting for a condition, the `itabot` command,
a worker process, simulated LINE users joining the seed plan, walking the review chain, and
signing in to the web pages.

Fixtures live in conftest.py; what test modules share lives here (and in pdf_text.py and
own_stack.py), never in another test module."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests

from simulator.client import message_text, postback_buttons

ROOT = Path(__file__).resolve().parent.parent
SEED_PLAN = ROOT / "bot" / "demo_data" / "naphu-2564.yaml"
SEED_STATUSES = ROOT / "bot" / "demo_data" / "naphu-2564-statuses.yaml"
TEST_LOGS = ROOT / "memos" / "test-logs"

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T],
    timeout: float = 15.0,
    interval: float = 0.05,
    message: str = "condition",
) -> T:
    """The predicate's first truthy value, polled until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {message}")


RQ_QUEUES = (  # store/queues.py's, by name: the events shards, then delivery and default
    *(f"events-{index:02d}" for index in range(32)),
    "events",
    "delivery",
    "default",
)


def unfinished_jobs(r: Any, queues: tuple[str, ...] = RQ_QUEUES, later: bool = False) -> list[str]:
    """RQ jobs not run to the end yet: queued (a job a worker has taken off its queue but not yet
    started still says so in its hash), running, or scheduled for a time already past (with
    `later`, for any time: a retry waiting out its back-off)."""
    pending = []
    for name in r.scan_iter("rq:job:*"):
        if r.type(name) not in ("hash", b"hash"):
            continue
        status, origin = (
            v.decode() if isinstance(v, bytes) else v for v in r.hmget(name, "status", "origin")
        )
        if origin in queues and status in ("queued", "started", "deferred"):
            pending.append(name)
    for queue in queues:
        pending += r.zrangebyscore(
            f"rq:scheduled:{queue}", "-inf", "+inf" if later else time.time()
        )
        if r.llen(f"itabot:inbox:{queue}"):  # webhook bodies not drained yet (store/event_queues)
            pending.append(f"itabot:inbox:{queue}")
    return pending


def settle(
    r: Any, timeout: float = 30.0, queues: tuple[str, ...] = RQ_QUEUES, later: bool = False
) -> None:
    """Wait until the worker has run every job queued so far, and whatever those queued: after
    this, what was going to be pushed or stored has been, so a test can assert nothing more was."""
    wait_until(
        lambda: not unfinished_jobs(r, queues, later),
        timeout=timeout,
        message=f"the worker to finish the jobs on {', '.join(queues)}",
    )


def last_word(sim, user: str, text: str = "สวัสดี") -> list[dict]:
    """Everything `user` has received, up to the bot's answer to one more message: replies to one
    person go out in the order of their events, so an answer still owed to an earlier event
    would have come before it. The list includes that answer (the last item)."""
    before = len(sim.messages(user))
    assert sim.send_text(user, text) == 200
    return sim.wait_for(user, before + 1)


def start_worker(log_name: str = "worker") -> subprocess.Popen:
    """`itabot worker` with this process's environment, its output in memos/test-logs/."""
    TEST_LOGS.mkdir(parents=True, exist_ok=True)
    log = open(TEST_LOGS / f"{log_name}.log", "ab")  # lives as long as the process
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: tests may kill the whole tree
    )


def itabot(*args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`itabot ARGS…` run as a command, as an operator would (`stdin`: what it reads there)."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=180,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"itabot {' '.join(args)} failed ({result.returncode}):\n{result.stderr}"
        )
    return result


def invite(target: str, org: str = "naphu") -> str:
    """A fresh code, made in-process (the `itabot invite` command has tests of its own)."""
    from core.config import load_settings
    from store import people, plans
    from store.db import store_client

    r = store_client(load_settings())  # the Redis Cluster's under REDIS_CLUSTER=1
    plan = plans.get_plan(r, org)
    assert plan is not None
    kind = plan.invite_kind(target)
    assert kind is not None, f"{target!r} is no division, chain position or admin of {org}"
    return people.create_invite(r, org, kind, target)


def join(
    sim,
    name: str,
    target: str,
    org: str = "naphu",
    channel: str | None = None,
    same_person_as: str | None = None,
) -> str:
    """A new LINE user who follows the bot and registers with a fresh code for `target` (of
    `org`, through the simulator's `channel`: None is the default one). With `same_person_as`
    (a chat with another channel) it is that person, under the same LINE user id."""
    user = sim.create_user(name, channel=channel, same_person_as=same_person_as)
    assert sim.follow(user) == 200
    sim.wait_for(user, 1)
    code = invite(target, org)
    assert sim.send_text(user, f"ลงทะเบียน {code}") == 200
    sim.wait_for(user, 2)
    return user


# -- the review chain ------------------------------------------------------------------------

REVIEWERS = [
    ("หัวหน้าสำนักปลัด", "จ.อ.สราวุทธิ์"),
    ("รองปลัด อบต.นาพู่", "ขวัญภา"),
    ("ปลัด อบต.นาพู่", "ยุภาพร"),
    ("นายกองค์การบริหารส่วนตำบลนาพู่", "อำนาจ"),
]


def setup_chain(sim, rdb, plan) -> tuple[str, list[str]]:
    """The demo statuses, an admin and one reviewer per chain step, all joined."""
    from bot.demo import demo_statuses, seed_statuses

    seed_statuses(rdb, plan, demo_statuses())
    admin = join(sim, "กัญรัตน์", "admin")
    reviewers = [join(sim, name, position) for position, name in REVIEWERS]
    return admin, reviewers


def compile_memo(at: str = "2021-03-30T10:00:00+07:00") -> int:
    """`itabot compile --at AT`, waited for; the version it made."""
    out = itabot("compile", "--at", at).stdout
    return int(re.search(r"version (\d+)", out).group(1))


def buttons(message: dict) -> dict[str, str]:
    """A message's postback buttons, label → data."""
    return {label: data for label, data in postback_buttons(message)}


def review_request(sim, user: str, version: int) -> dict:
    """The flex summary of the review request for `version` that `user` received."""
    from core.thai import to_thai_digits

    label = f"ฉบับที่ {to_thai_digits(version)}"

    def found():
        return [
            m["message"]
            for m in sim.messages(user)
            if m["message"]["type"] == "flex"
            and postback_buttons(m["message"])
            and label in message_text(m["message"])
        ]

    return wait_until(found, timeout=30, message=f"the review request for version {version}")[-1]


def tap_and_comment(sim, user: str, data: str, comment: str | None, count_before: int) -> str:
    """Tap a review button, answer the bot's question for a comment; the bot's last answer."""
    sim.send_postback(user, data)
    ask = sim.wait_for(user, count_before + 1)[-1]["message"]
    assert "ความเห็น" in message_text(ask) or "เหตุผล" in message_text(ask)
    sim.send_text(user, comment if comment is not None else "ไม่มีความเห็น")
    return message_text(sim.wait_for(user, count_before + 2)[-1]["message"])


# -- the web pages --------------------------------------------------------------------------


def uris_of(node: Any) -> list[str]:
    """Every URI action in a message, however deep."""
    if isinstance(node, dict):
        found = [node["uri"]] if node.get("type") == "uri" and "uri" in node else []
        return found + [u for value in node.values() for u in uris_of(value)]
    if isinstance(node, list):
        return [u for item in node for u in uris_of(item)]
    return []


def login_link(sim, user: str) -> str:
    """Send เข้าสู่ระบบ as the user and take the URI of the bot's answer."""
    before = len(sim.messages(user))
    assert sim.send_text(user, "เข้าสู่ระบบ") == 200
    reply = sim.wait_for(user, before + 1)[-1]["message"]
    uris = uris_of(reply)
    assert len(uris) == 1, message_text(reply)
    return uris[0]


def report(sim, user: str, text: str) -> None:
    """A staff report typed in chat, and the bot's saying it was saved."""
    before = len(sim.messages(user))
    assert sim.send_text(user, text) == 200
    reply = message_text(sim.wait_for(user, before + 1)[-1]["message"])
    assert "บันทึกแล้ว" in reply, reply


def signed_in(
    sim,
    web: str,
    name: str = "กัญรัตน์ แผนงาน",
    target: str = "admin",
    org: str = "naphu",
    channel: str | None = None,
) -> tuple[requests.Session, str]:
    user = join(sim, name, target, org, channel)
    http = requests.Session()
    response = http.get(login_link(sim, user), timeout=30)
    assert response.status_code == 200, response.text
    assert response.url == f"{web}/admin/{org}/"
    return http, user


def clean_store(r: Any) -> None:
    """Delete every key of the product and of RQ in the tests' database."""
    for pattern in (
        "ita:*",
        "rq:queue:*",
        "rq:scheduled:*",
        "rq:job:*",
        "rq:finished:*",
        "rq:failed:*",
        "rq:deferred:*",
        "rq:canceled:*",
        "rq:results:*",
        "itabot:*",
    ):
        batch = list(r.scan_iter(pattern, count=1000))
        for start in range(0, len(batch), 500):
            r.delete(*batch[start : start + 500])


# -- a second organisation with a LINE channel of its own --------------------------------------

SECOND_ORG = "nongbua"


def plan_of(org: str, directory: Path, deadline: str | None = None) -> Path:
    """The seed plan as another organisation's (its id, and นาพู่ → หนองบัว in every name),
    written to directory/ORG.yaml; `deadline` (ISO) replaces the seed's."""
    text = SEED_PLAN.read_text(encoding="utf-8")
    text = text.replace("id: naphu", f"id: {org}").replace("นาพู่", "หนองบัว")
    if deadline:
        text = re.sub(r"(?m)^deadline: .*$", f"deadline: {deadline}", text)
    path = directory / f"{org}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def add_org(sim, web: str, directory: Path, org: str = SECOND_ORG, **plan: Any) -> dict[str, str]:
    """`itabot org add ORG` with a fresh secret and token, its plan loaded (no --replace), and
    a simulator channel of the same credentials whose webhooks go to /callback/ORG. Returns
    org, secret, token, channel (the simulator's id) and plan (the file)."""
    import secrets as random

    secret, token = f"sec-{org}-{random.token_hex(16)}", f"tok-{org}-{random.token_hex(24)}"
    credentials = directory / f"{org}.credentials"
    credentials.write_text(
        f"# {org}\nLINE_CHANNEL_SECRET={secret}\n\nLINE_CHANNEL_ACCESS_TOKEN={token}\n",
        encoding="utf-8",
    )
    itabot("org", "add", org, "--credentials", str(credentials))
    path = plan_of(org, directory, **plan)
    itabot("plan", "load", str(path))
    channel = sim.create_channel(secret, token, f"{web}/callback/{org}", name=org)
    return {"org": org, "secret": secret, "token": token, "channel": channel, "plan": str(path)}


def join_org(sim, name: str, target: str, org: str, channel: str) -> str:
    """join, as a friend of `channel` registering with a code of `org`."""
    return join(sim, name, target, org, channel)
