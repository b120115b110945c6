"""Who hears about a memo version, and when: the review chain's pushes.

Every push's retry key is fixed by (organisation, version, step, purpose), so whatever
re-runs (a killed worker, a double tap, a redelivered event) LINE delivers it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis

from core.config import Settings
from core.texts import chat as texts
from core.values import Decision, PostbackKind
from handlers import postback
from line import memo_messages
from line import messages as m
from store import people, plans, queues, versions
from store.queues import retry_key

log = logging.getLogger("itabot.chain")

# Takes (to, messages, retry key): a handler's ctx.deliver, so the pipeline queues it with the
# event's answer. Without one (a job), the delivery is queued at once.
Send = Callable[[list[str], list[dict[str, Any]], str], None]


def _send(
    settings: Settings,
    org: str,
    to: list[str],
    messages: list[dict],
    purpose: str,
    send: Send | None,
) -> None:
    if not to:
        return
    if send is not None:
        send(to, messages, retry_key(org, purpose))
    else:
        queues.enqueue_delivery(to, messages, retry_key(org, purpose), settings, org=org)


def request_messages(
    settings: Settings, r: redis.Redis, org: str, version: int, step: int, user_id: str
) -> list[dict]:
    plan = plans.get_plan(r, org)
    assert plan is not None
    matrix = versions.frozen_matrix(r, plan, version)
    assert matrix is not None
    record = versions.info(r, org, version)
    memo_date = record.get("memo_date_thai") or record.get("memo_date", "")
    key = settings.signing_key
    approve, reject = (
        postback.encode(key, org, user_id, PostbackKind.REVIEW, str(version), str(step), decision)
        for decision in (Decision.APPROVE, Decision.REJECT)
    )
    return memo_messages.review_request(
        settings, plan, matrix, version, memo_date, step, approve, reject
    )


def request_review(
    settings: Settings,
    r: redis.Redis,
    org: str,
    version: int,
    *,
    nudge_days: int = 0,
    send: Send | None = None,
) -> bool:
    """Send the memo to whoever holds the current step; tell the admins if nobody does."""
    chain = versions.chain(r, org, version)
    if chain is None or chain.state != versions.IN_REVIEW:
        return False
    step = chain.steps[chain.step]
    holder = people.holder_of(r, org, step.position)
    if holder is None:
        admins = [p.user_id for p in people.admins(r, org)]
        _send(
            settings,
            org,
            admins,
            [m.text(texts.nobody_holds(step.position, version))],
            f"v{version}-s{chain.step}-nobody",
            send,
        )
        return False
    messages = request_messages(settings, r, org, version, chain.step, holder.user_id)
    if nudge_days:
        messages = [m.text(texts.review_nudge(version, nudge_days))] + messages[2:]
        purpose = f"v{version}-s{chain.step}-nudge{nudge_days}-{holder.user_id}"
    else:
        purpose = f"v{version}-s{chain.step}-request-{holder.user_id}"
    _send(settings, org, [holder.user_id], messages, purpose, send)
    return True


def announce_returned(
    settings: Settings, r: redis.Redis, org: str, version: int, *, send: Send | None = None
) -> None:
    chain = versions.chain(r, org, version)
    if chain is None:
        return
    step = chain.steps[chain.step]
    text = texts.returned_to_author(version, step.position, step.name, step.comment or "")
    admins = [p.user_id for p in people.admins(r, org)]
    _send(settings, org, admins, [m.text(text)], f"v{version}-returned", send)


def announce_end(settings: Settings, r: redis.Redis, org: str, version: int) -> None:
    """Approved: the final memo to every admin and reviewer. Not approved: tell the author why."""
    plan = plans.get_plan(r, org)
    chain = versions.chain(r, org, version)
    if plan is None or chain is None:
        return
    everyone = people.all_people(r, org)
    admins = [p.user_id for p in everyone if p.admin]
    if chain.state == versions.APPROVED:
        reviewers = [p.user_id for p in everyone if p.positions]
        headline = texts.final_approved(version, plan.org.name)
        messages = [m.text(headline)] + memo_messages.final_links(settings, plan, version, headline)
        recipients = list(dict.fromkeys(admins + reviewers))
        _send(settings, org, recipients, messages, f"v{version}-final", None)
    elif chain.state == versions.REJECTED:
        last = chain.steps[-1]
        headline = texts.final_rejected(version, last.position, last.comment or "")
        messages = [m.text(headline)] + memo_messages.final_links(settings, plan, version, headline)
        _send(settings, org, admins, messages, f"v{version}-rejected", None)
