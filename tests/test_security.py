"""Security: people who must not get in, and secrets that must not get out.

What other files already show is not repeated here: forged and replayed review buttons, a
reviewer's wrong-step tap and an old version's button (test_chain), a bad webhook signature
and 413 (test_webhook), code guessing locking out (test_reporting), pages without a
session (test_web_pages).
"""

from __future__ import annotations

import io
import json
import logging
import re
import time

import requests

from core.values import InviteKind
from simulator.client import message_text, postback_buttons
from tests.helpers import ROOT, settle, wait_until

ORG = "naphu"
FORGED = "ไม่ใช่ของท่าน"
NOT_REGISTERED = "ยังไม่ได้ลงทะเบียน"


def join(sim, rdb, name: str, kind: str, target: str) -> str:
    """A user who registers through the webhook with a code made in the store (no CLI: fast)."""
    from store import people

    user = sim.create_user(name)
    assert sim.send_text(user, f"ลงทะเบียน {people.create_invite(rdb, ORG, kind, target)}") == 200
    sim.wait_for(user, 1)
    assert people.get_person(rdb, ORG, user) is not None
    return user


def said(sim, user: str, count: int) -> str:
    return message_text(sim.wait_for(user, count)[-1]["message"])


def cells(rdb) -> dict[str, str]:
    return rdb.hgetall(f"ita:{{{ORG}}}:status")


def carousel_buttons(sim, user: str) -> dict[tuple[str, str], str]:
    """(measure id, status label) -> postback data of the user's report carousel."""
    before = len(sim.messages(user))
    assert sim.send_text(user, "รายงาน") == 200
    carousel = sim.wait_for(user, before + 1)[-1]["message"]
    found = {}
    for bubble in carousel["contents"]["contents"]:
        for label, data in postback_buttons(bubble):
            measure = data.split("|")[1]
            found[(measure, label.replace("✓ ", ""))] = data
    return found


# -- taps the bot did not issue to the tapper ------------------------------------------------


def test_a_status_button_replayed_by_someone_else_changes_nothing(sim, rdb):
    owner = join(sim, rdb, "เจ้าของปุ่ม", InviteKind.DIVISION, "กองคลัง")
    colleague = join(sim, rdb, "เพื่อนร่วมกอง", InviteKind.DIVISION, "กองคลัง")  # same division, even
    buttons = carousel_buttons(sim, owner)
    done_3 = next(
        data for (measure, label), data in buttons.items() if measure == "3" and "เสร็จ" in label
    )
    before = cells(rdb)

    assert sim.send_postback(colleague, done_3) == 200
    assert FORGED in said(sim, colleague, 2)
    stranger = sim.create_user("คนนอก")
    assert sim.send_postback(stranger, done_3) == 200
    assert NOT_REGISTERED in said(sim, stranger, 1)
    settle(rdb)
    assert cells(rdb) == before and rdb.llen(f"ita:{{{ORG}}}:history") == 0

    # the same data from the person it was issued to works
    assert sim.send_postback(owner, done_3) == 200
    assert "บันทึกแล้ว" in said(sim, owner, 3)
    assert json.loads(cells(rdb)["3|กองคลัง"])["by"] == owner


def test_tap_data_for_another_divisions_measure_is_refused(sim, rdb):
    works = join(sim, rdb, "ช่าง", InviteKind.DIVISION, "กองช่าง")  # กองช่าง owns 1, 2 and 5
    own = carousel_buttons(sim, works)
    genuine = (
        own[("1", "เสร็จแล้ว")]
        if ("1", "เสร็จแล้ว") in own
        else next(d for (m, label), d in own.items() if m == "1" and "เสร็จ" in label)
    )
    body, _, signature = genuine.rpartition("|")
    # edited to name measure 3 (กองคลัง's) or several measures: the signature no longer fits
    for forged in (
        genuine.replace("st|1|", "st|3|"),
        genuine.replace("st|1|", "st|1,3|"),
        f"{body}|{signature[:-1]}A",
        f"{body}|ลายเซ็นที่ไม่ใช่ของบอท",
        "st|3|done",
        "st|3|done|" + "A" * 16,
        "rv|1|0|approve",
    ):
        before = len(sim.messages(works))
        assert sim.send_postback(works, forged) == 200
        assert FORGED in said(sim, works, before + 1), forged
    assert cells(rdb) == {}

    # a person moved to กองช่าง keeps buttons signed for them when they were in กองคลัง: the
    # signature fits, the measure is no longer theirs
    mover = join(sim, rdb, "ย้ายกอง", InviteKind.DIVISION, "กองคลัง")
    old_button = next(
        d for (m, label), d in carousel_buttons(sim, mover).items() if m == "3" and "เสร็จ" in label
    )
    from store import people

    assert (
        sim.send_text(
            mover, f"ลงทะเบียน {people.create_invite(rdb, ORG, InviteKind.DIVISION, 'กองช่าง')}"
        )
        == 200
    )
    wait_until(lambda: people.get_person(rdb, ORG, mover).division == "กองช่าง", message="the move")
    before = len(sim.messages(mover))
    assert sim.send_postback(mover, old_button) == 200
    assert "ไม่ใช่มาตรการที่กองช่างรับผิดชอบ" in said(sim, mover, before + 1)
    settle(rdb)
    assert cells(rdb) == {} and rdb.llen(f"ita:{{{ORG}}}:history") == 0


# -- guessing invite codes ---------------------------------------------------------------------


WORKER_LOG = ROOT / "memos" / "test-logs" / "worker.log"  # the session's worker (conftest)


def worker_log_lines(user: str, since: int) -> list[dict]:
    """The worker's records about one user, written after byte offset `since` of its log."""
    with open(WORKER_LOG, "rb") as log:
        log.seek(since)
        text = log.read().decode("utf-8", errors="replace")
    complete = text[: text.rfind("\n") + 1]  # not a line still being written
    return [json.loads(line) for line in complete.splitlines() if user in line]  # JSON, each


def test_invite_code_guessing_is_rate_limited_and_logged(sim, rdb):
    from store import people

    since = WORKER_LOG.stat().st_size
    guesser = sim.create_user("นักเดารหัส")
    for attempt in range(7):
        assert sim.send_text(guesser, f"ลงทะเบียน ABCD-EFG{attempt + 2}") == 200
        sim.wait_for(guesser, attempt + 1)
    texts = [message_text(m["message"]) for m in sim.messages(guesser)]
    assert all("ใช้ไม่ได้" in t for t in texts[:5]) and all("ชั่วคราว" in t for t in texts[5:])
    assert people.get_person(rdb, ORG, guesser) is None
    # the lock-out holds for a while (the counter expires by itself)
    assert 0 < rdb.ttl(f"ita:{{{ORG}}}:code-fails:{guesser}") <= people.FAILED_CODE_WINDOW

    event_ids = [e["event"]["webhookEventId"] for e in sim.events(guesser)]
    wait_until(
        lambda: (
            len([x for x in worker_log_lines(guesser, since) if x["logger"] == "itabot.join"]) == 7
        ),
        message="seven log lines",
    )
    lines = [x for x in worker_log_lines(guesser, since) if x["logger"] == "itabot.join"]
    assert [x["event_id"] for x in lines] == event_ids
    assert all(x["level"] == "warning" and x["org"] == ORG and x["user"] == guesser for x in lines)
    assert [x["details"]["fails"] for x in lines[:5]] == [1, 2, 3, 4, 5]
    assert all("too many wrong codes" in x["msg"] for x in lines[5:])
    # what was guessed is not logged
    assert not any("ABCD" in json.dumps(x, ensure_ascii=False) for x in lines)


# -- memo links --------------------------------------------------------------------------------


def test_memo_links_with_a_changed_signature_or_past_expiry_are_refused(sim, web, rdb, settings):
    from core.file_links import file_path, file_url
    from core.signing import sign, signed_query
    from store import versions
    from store.db import connect_binary

    pdf = b"%PDF-1.7 a memo\n%%EOF"
    versions.store_files(
        connect_binary(settings.redis_url), ORG, 1, {"pdf": pdf, "docx": b"PK docx"}
    )
    versions.store_files(connect_binary(settings.redis_url), ORG, 2, {"pdf": b"%PDF-1.7 another"})
    good = file_url(settings, ORG, 1, "pdf")
    answer = requests.get(good, timeout=10)
    assert answer.status_code == 200 and answer.content == pdf

    path = file_path(ORG, 1, "pdf")
    exp, sig = re.search(r"exp=(\d+)&sig=([\w-]+)", good).groups()
    base = f"{web}{path}"
    flipped = sig[:-1] + ("A" if sig[-1] != "A" else "B")
    past = int(time.time()) - 1
    refused = {
        "changed signature": f"{base}?exp={exp}&sig={flipped}",
        "signature cut short": f"{base}?exp={exp}&sig={sig[:-2]}",
        "expiry pushed later": f"{base}?exp={int(exp) + 3600}&sig={sig}",
        "past expiry, signed": f"{base}?exp={past}&sig={sign(settings.signing_key, f'{path}|{past}')}",
        "past expiry via ttl": f"{base}?{signed_query(settings.signing_key, path, -5)}",
        "another version": f"{web}{file_path(ORG, 2, 'pdf')}?exp={exp}&sig={sig}",
        "another file": f"{web}{file_path(ORG, 1, 'docx')}?exp={exp}&sig={sig}",
        "no signature": f"{base}?exp={exp}",
        "nothing": base,
        "signed with another key": f"{base}?exp={exp}&sig={sign('not-the-key', f'{path}|{exp}')}",
        "a Thai signature": f"{base}?exp={exp}&sig=ลายเซ็น",
        "Thai digits": f"{base}?exp=๙๙๙๙๙๙๙๙๙๙&sig={sig}",
        "a 5,000-digit expiry": f"{base}?exp={'9' * 5000}&sig={sig}",
    }
    for why, url in refused.items():
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 403, why
        assert b"%PDF" not in answer.content, why


# -- admin pages -------------------------------------------------------------------------------


def test_admin_progress_refuses_without_a_session_of_an_admin_or_reviewer(sim, web, rdb, plan):
    from store import sessions

    staff = join(sim, rdb, "เจ้าหน้าที่", InviteKind.DIVISION, "กองคลัง")
    titles = [m.title for m in plan.measures]
    # a session for someone who may not sign in, one that has ended, and a made-up one
    staff_sid = sessions.create_session(rdb, ORG, staff)
    gone_sid = sessions.create_session(rdb, ORG, staff)
    sessions.end_session(rdb, ORG, gone_sid)
    cookie = f"itabot_{ORG}"
    for path in (f"/admin/{ORG}/progress", f"/admin/{ORG}/"):
        for cookies in ({}, {cookie: staff_sid}, {cookie: gone_sid}, {cookie: "x" * 500}):
            answer = requests.get(
                f"{web}{path}", cookies=cookies, timeout=10, allow_redirects=False
            )
            assert answer.status_code in (401, 403, 404), (path, cookies, answer.status_code)
            assert not any(title in answer.text for title in titles)
            assert (
                "Set-Cookie" not in answer.headers
                or cookie not in answer.headers["Set-Cookie"]
                or "Max-Age=0" in answer.headers["Set-Cookie"]
                or "expires=Thu, 01 Jan 1970" in answer.headers["Set-Cookie"]
            )
    # an admin's session without the form's CSRF token (or with a forged one) changes nothing
    admin = join(sim, rdb, "ผู้ดูแล", InviteKind.ADMIN, "admin")
    admin_sid = sessions.create_session(rdb, ORG, admin)
    invites_before = rdb.hlen(f"ita:{{{ORG}}}:invites")
    for token in (None, "", "forged", "ก" * 32, "x" * 5000):
        form = {"target": "กองคลัง"} if token is None else {"target": "กองคลัง", "csrf": token}
        answer = requests.post(
            f"{web}/admin/{ORG}/people/invite",
            data=form,
            cookies={cookie: admin_sid},
            timeout=10,
            allow_redirects=False,
        )
        assert answer.status_code in (400, 403), (token and token[:8], answer.status_code)
    assert rdb.hlen(f"ita:{{{ORG}}}:invites") == invites_before


# -- secrets -----------------------------------------------------------------------------------


def test_secrets_never_reach_logs_or_error_pages(tmp_path):
    """A stack with a secret and a token of its own; LINE refuses the token (401), Redis goes
    away, a job fails, requests are refused: the secret and the token appear nowhere."""
    import secrets as random_secrets

    from core.logs import JsonFormatter
    from tests.own_stack import Stack

    secret = "chsecret-" + random_secrets.token_hex(16)
    token = "chtoken-" + random_secrets.token_hex(24)
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    stack = Stack(
        tmp_path, secret=secret, token=token, sim_token="the-simulator-wants-another-token"
    )
    pages: list[str] = []
    try:
        stack.load_plan()
        stack.start_worker()
        user = stack.sim.create_user("ผู้ใช้")
        assert stack.sim.follow(user) == 200
        assert stack.sim.send_text(user, "ลงทะเบียน ABCD-EFGH") == 200
        event_ids = [e["event"]["webhookEventId"] for e in stack.sim.events(user)]
        wait_until(
            lambda: (
                stack.worker_log()
                if all(e in stack.worker_log() for e in event_ids)
                and "LINE refused a message" in stack.worker_log()
                else None
            ),
            timeout=30,
            message="the worker's records of both events and the refused push",
        )
        # a job that fails: a compile for an organisation without a plan
        from store.queues import DEFAULT, queue

        queue(DEFAULT, stack.settings).enqueue("jobs.compile.compile_version", "ghost", 1)
        wait_until(
            lambda: "no plan loaded for ghost" in stack.worker_log(),
            timeout=30,
            message="the failed job",
        )
        # error pages
        web = stack.web_url
        for method, path, kwargs in [
            (
                "post",
                "/callback",
                {"data": b'{"events": []}', "headers": {"X-Line-Signature": "AAAA"}},
            ),
            ("post", "/callback", {"data": b"x" * (1024 * 1024 + 1)}),
            ("get", "/callback", {}),
            ("get", "/no/such/page", {}),
            ("get", f"/files/{ORG}/1/memo-{ORG}-v1.pdf?exp=1&sig=x", {}),
            ("get", f"/admin/{ORG}/", {}),
            ("get", f"/login/{ORG}/not-a-token", {}),
        ]:
            answer = getattr(requests, method)(f"{web}{path}", timeout=10, **kwargs)
            assert answer.status_code >= 400
            pages.append(answer.text + json.dumps(dict(answer.headers)))
        worker = stack.workers[0]
        worker.terminate()  # (what a worker does when Redis goes away is test_reliability's)
        worker.wait(20)
        stack.redis.shutdown()  # and now the web fails
        from core.file_links import file_url

        for url in (
            f"{web}/healthz",
            file_url(stack.settings, ORG, 1, "pdf"),
            f"{web}/admin/{ORG}/",
        ):
            answer = requests.get(url, timeout=10)
            assert answer.status_code >= 500
            pages.append(answer.text + json.dumps(dict(answer.headers)))
        assert stack.sim.send_text(user, "ข้อ 1 เสร็จแล้ว") == 503
        log = stack.worker_log()
    finally:
        logging.getLogger().removeHandler(handler)
        stack.stop()
    web_log = captured.getvalue()
    assert "Exception on /files/" in web_log  # the web's own error, with its traceback, logged
    for text in (log, web_log, *pages):
        assert secret not in text and token not in text
    # logs are JSON lines; the records of handling an event carry its id
    records = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert records and all(
        isinstance(r, dict) and {"ts", "level", "logger", "msg"} <= set(r) for r in records
    )
    for line in web_log.splitlines():
        json.loads(line)
    refusals = [
        r for r in records if r.get("logger") == "itabot.webhook" and "reply failed" in r["msg"]
    ]
    assert {r["event_id"] for r in refusals} == set(event_ids)
    assert any(
        r.get("logger") == "itabot.join" and r.get("event_id") == event_ids[1] for r in records
    )
