"""Reminder sweeps, the deadline compile, and nudges to reviewers who hold the memo.

A slot is sent once: the deliveries of a sweep are fixed by (slot, division) — the same
recipients, messages and retry keys whenever the sweep runs — and the slot is marked sent
only after they are all queued. A second sweep finds the mark and sends nothing; a sweep
killed halfway runs again and LINE drops what it had already accepted (same retry keys).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from core.config import Settings, load_settings
from core.texts import chat as texts
from handlers import review_notifications as chain_jobs
from jobs.schedule import reminder_slots, schedule_next_nudge, slot_id
from line import messages as m
from store import people, plans, queues, reminder_marks, versions
from store import status as status_store
from store.db import connect
from store.people import Person
from store.plan_schema import Plan
from store.status import Matrix

log = logging.getLogger("itabot.remind")

# A deadline compile missed while everything was down still runs when it comes back, unless
# the deadline is long gone (a plan of a past year loaded for reference compiles on request).
DEADLINE_GRACE = timedelta(days=1)


Delivery = tuple[list[str], list[dict], str]  # (to, messages, purpose of the retry key)


def _reminders(
    plan: Plan, matrix: Matrix, everyone: list[Person], slot: datetime, sid: str
) -> tuple[list[Delivery], list[str]]:
    """A reminder to the staff of each division that is behind, and the admins' summary."""
    days = plan.days_left(slot)
    done, behind = matrix.progress_by_division()
    deliveries: list[Delivery] = []
    lines: list[str] = []
    for division, unfinished in behind:
        staff = [p.user_id for p in everyone if p.division == division]
        if not staff:
            lines.append(texts.remind_nobody(division, len(unfinished)))
            continue
        body = texts.reminder(
            division,
            days,
            [
                (mid, plan.measure(mid).title, matrix.cell(mid, division).status)
                for mid in unfinished
            ],
        )
        message = m.text(body, [m.qr_message(texts.QR_REPORT)])
        deliveries.append((staff, [message], f"remind-{sid}-{division}"))
        lines.append(texts.remind_division(division, len(staff), unfinished))
    admins = [p.user_id for p in everyone if p.admin]
    if admins:
        summary = texts.reminder_summary(days, done, [division for division, _ in behind])
        deliveries.append((admins, [m.text(summary)], f"remind-{sid}-admin-summary"))
        lines.append(texts.remind_admins(len(admins)))
    return deliveries, lines


def plan_sweep(settings: Settings, org: str, at: datetime) -> dict:
    """What the sweep as at `at` would send: {slot, deliveries: [(to, messages, purpose)], lines}."""
    r = connect(settings.redis_url)
    plan = plans.get_plan(r, org)
    if plan is None:
        return {"slot": None, "message": texts.REMIND_NO_PLAN}
    if at.tzinfo is None:
        at = at.replace(tzinfo=plan.tz)
    if at >= plan.deadline:
        return {"slot": None, "message": texts.REMIND_PAST_DEADLINE}
    due = [s for s in reminder_slots(plan) if s <= at]
    if not due:
        return {"slot": None, "message": texts.REMIND_NOT_YET}
    slot = due[-1]
    sid = slot_id(slot)
    matrix = status_store.read_matrix(r, plan)
    deliveries, lines = _reminders(plan, matrix, people.all_people(r, org), slot, sid)
    return {"slot": sid, "slot_time": slot.isoformat(), "deliveries": deliveries, "lines": lines}


def sweep(settings: Settings, org: str, at_iso: str, *, dry_run: bool = False) -> dict:
    at = datetime.fromisoformat(at_iso)
    planned = plan_sweep(settings, org, at)
    if planned.get("slot") is None:
        return planned
    r = connect(settings.redis_url)
    recipients = sum(len(to) for to, _, _ in planned["deliveries"])
    if reminder_marks.slot_sent(r, org, planned["slot"]):
        return {**planned, "message": texts.REMIND_ALREADY_SENT, "sent": 0, "lines": []}
    if dry_run:
        return {**planned, "message": texts.remind_dry_run(recipients), "sent": 0}
    calls = queues.enqueue_deliveries(
        [
            (to, messages, chain_jobs.retry_key(org, purpose))
            for to, messages, purpose in planned["deliveries"]
        ],
        settings,
        org=org,
    )
    reminder_marks.mark_slot_sent(r, org, planned["slot"], datetime.now(UTC))
    log.info(
        "reminder slot sent",
        extra={
            "org": org,
            "details": {"slot": planned["slot"], "recipients": recipients, "calls": calls},
        },
    )
    return {
        **planned,
        "message": texts.remind_sent(recipients, calls),
        "sent": recipients,
        "calls": calls,
    }


def sweep_job(org: str, slot_iso: str) -> dict:
    """A scheduled slot. Run late (workers were down), it sweeps as at now: the latest slot
    due then, so several missed slots make one reminder, and none after the deadline."""
    at = max(datetime.fromisoformat(slot_iso), datetime.now(UTC))
    result = sweep(load_settings(), org, at.isoformat())
    result.pop("deliveries", None)
    return result


def deadline_compile(org: str, deadline_iso: str) -> int | None:
    """At the deadline the memo is compiled by itself, once per deadline."""
    settings = load_settings()
    r = connect(settings.redis_url)
    plan = plans.get_plan(r, org)
    if plan is None or plan.deadline != datetime.fromisoformat(deadline_iso):
        return None  # the plan changed since this was scheduled
    if datetime.now(UTC) - plan.deadline > DEADLINE_GRACE:
        log.info("deadline long past: no automatic compile", extra={"org": org})
        return None
    memo_date = plan.local_deadline().date().isoformat()
    number, fresh = versions.allocate_once(
        r, org, f"deadline-{slot_id(plan.deadline)}", requested_by="schedule", memo_date=memo_date
    )
    if versions.info(r, org, number).get("status") != versions.READY:
        from jobs.compile import compile_version

        compile_version(org, number, plan.deadline.isoformat())
    return number


def nudge_reviewers(org: str, tick_iso: str) -> bool:
    """Daily: a reviewer who has held the current version for over a day hears again."""
    settings = load_settings()
    r = connect(settings.redis_url)
    tick = datetime.fromisoformat(tick_iso)
    schedule_next_nudge(settings, r, org, tick)
    version = versions.current(r, org)
    chain = versions.chain(r, org, version) if version else None
    if not chain or chain.state != versions.IN_REVIEW:
        return False
    held = tick - datetime.fromisoformat(chain.since)
    if held.total_seconds() < 24 * 3600:
        return False
    return chain_jobs.request_review(settings, r, org, version, nudge_days=held.days)
