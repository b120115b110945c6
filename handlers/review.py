"""The review chain in LINE: a reviewer taps เห็นชอบ / ไม่เห็นชอบ (last step: อนุมัติ / ไม่อนุมัติ),
adds a comment (optional to pass on, required to send back), and the memo moves on."""

from __future__ import annotations

import logging
from datetime import datetime

from core.texts import chat as texts
from core.thai import thai_datetime
from core.values import Decision
from handlers import review_notifications
from handlers.context import Context
from line import messages as m
from store import events, versions
from store.queues import retry_abandoned

log = logging.getLogger("itabot.review")

DECISIONS = tuple(Decision)


def _label(decision: str, last: bool) -> str:
    return texts.APPROVE[last] if decision == Decision.APPROVE else texts.REJECT[last]


def _check(ctx: Context, version: int, step: int) -> tuple[versions.Chain | None, str | None]:
    """The chain when this person may act on this version's step now, else the refusal text."""
    chain = versions.chain(ctx.r, ctx.org, version)
    current = versions.current(ctx.r, ctx.org)
    if chain is None:
        return None, texts.STALE_BUTTON
    if chain.state == versions.SUPERSEDED or (current is not None and current != version):
        return None, texts.SUPERSEDED
    if chain.state != versions.IN_REVIEW:
        return None, texts.CHAIN_CLOSED
    position = chain.steps[step].position if 0 <= step < len(chain.steps) else None
    if chain.step != step or ctx.person is None or position not in ctx.person.positions:
        return None, texts.NOT_YOUR_STEP
    return chain, None


def tap(ctx: Context, parts: list[str]) -> None:
    """Postback rv|version|step|decision: a reviewer's button on a memo version."""
    if (
        len(parts) != 4
        or not parts[1].isdigit()
        or not parts[2].isdigit()
        or parts[3] not in DECISIONS
    ):
        ctx.reply(m.text(texts.STALE_BUTTON))
        return
    version, step, decision = int(parts[1]), int(parts[2]), Decision(parts[3])
    chain, refusal = _check(ctx, version, step)
    if chain is None:
        log.info(
            "review tap refused",
            extra={"user": ctx.user_id, "details": {"version": version, "step": step}},
        )
        ctx.reply(m.text(refusal or texts.NOT_YOUR_STEP))
        return
    last = step == len(chain.steps) - 1
    pending = events.get_pending(ctx.r, ctx.org, ctx.user_id)
    if (
        pending
        and pending.get("kind") == "review-draft"
        and pending.get("version") == version
        and pending.get("step") == step
    ):
        _act(ctx, version, step, decision, pending.get("comment"))
        return
    events.set_pending(
        ctx.r,
        ctx.org,
        ctx.user_id,
        {"kind": "review-comment", "version": version, "step": step, "decision": decision},
    )
    required = decision == Decision.REJECT
    quick = [] if required else [m.qr_message(texts.QR_NO_COMMENT)]
    quick.append(m.qr_message(texts.QR_CANCEL_COMMENT))
    ctx.reply(m.text(texts.ask_comment(_label(decision, last), required), quick))


def comment_text(ctx: Context, pending: dict, text: str) -> None:
    """The text a reviewer typed after tapping: the comment on their decision."""
    decision = pending.get("decision")
    if text in (texts.QR_CANCEL_COMMENT, *texts.CMD_UNDO):
        events.clear_pending(ctx.r, ctx.org, ctx.user_id)
        ctx.reply(m.text(texts.COMMENT_CANCELLED))
        return
    comment: str | None = text[:1000]
    if text == texts.QR_NO_COMMENT:
        if decision == Decision.REJECT:
            ctx.reply(m.text(texts.REASON_REQUIRED, [m.qr_message(texts.QR_CANCEL_COMMENT)]))
            return
        comment = None
    _act(ctx, int(pending["version"]), int(pending["step"]), str(decision), comment)


def _act(ctx: Context, version: int, step: int, decision: str, comment: str | None) -> None:
    chain, refusal = _check(ctx, version, step)
    if chain is None:
        events.clear_pending(ctx.r, ctx.org, ctx.user_id)
        ctx.reply(m.text(refusal or texts.NOT_YOUR_STEP))
        return
    result = versions.act(
        ctx.r, ctx.org, version, step, decision, comment, user_id=ctx.user_id, now=ctx.now
    )
    events.clear_pending(ctx.r, ctx.org, ctx.user_id)
    if not result.ok or result.chain is None:
        ctx.reply(
            m.text(
                texts.SUPERSEDED
                if result.reason == "superseded"
                else texts.CHAIN_CLOSED
                if result.reason == "closed"
                else texts.NOT_YOUR_STEP
            )
        )
        return
    state = result.chain
    last = step == len(state.steps) - 1
    label = _label(decision, last)
    log.info(
        "review step recorded",
        extra={
            "user": ctx.user_id,
            "details": {"version": version, "step": step, "decision": decision},
        },
    )
    if state.state == versions.IN_REVIEW:
        next_position = state.steps[state.step].position
        ctx.reply(m.text(texts.acted(label, next_position)))
        review_notifications.request_review(ctx.settings, ctx.r, ctx.org, version, send=ctx.deliver)
    elif state.state == versions.RETURNED:
        ctx.reply(m.text(texts.acted(label, None)))
        review_notifications.announce_returned(
            ctx.settings, ctx.r, ctx.org, version, send=ctx.deliver
        )
    else:  # approved or not approved at the last step: the final files carry every decision
        ctx.reply(m.text(texts.acted(label, None)))
        ctx.enqueue(
            "jobs.compile.finalise",
            ctx.org,
            version,
            job_id=f"finalise-{ctx.org}-{version}",
            retry=retry_abandoned(),
        )


def draft_comment(ctx: Context, text: str) -> None:
    """A reviewer may type the comment first and tap after."""
    version = versions.current(ctx.r, ctx.org)
    chain = versions.chain(ctx.r, ctx.org, version) if version else None
    if (
        not chain
        or chain.state != versions.IN_REVIEW
        or ctx.person is None
        or chain.steps[chain.step].position not in ctx.person.positions
    ):
        ctx.reply(m.text(texts.HELP_REVIEWER))
        return
    events.set_pending(
        ctx.r,
        ctx.org,
        ctx.user_id,
        {"kind": "review-draft", "version": version, "step": chain.step, "comment": text[:1000]},
    )
    last = chain.is_last_step
    ctx.reply(
        m.text(texts.DRAFT_SAVED.format(approve=texts.APPROVE[last], reject=texts.REJECT[last]))
    )


def memo_status(ctx: Context, text: str = "") -> None:
    """สถานะบันทึก: where the current memo version stands in its review chain."""
    person = ctx.person
    if person is None or not (person.admin or person.positions):
        ctx.reply(m.text(texts.ONLY_ADMIN_REVIEWER))
        return
    version = versions.current(ctx.r, ctx.org)
    chain = versions.chain(ctx.r, ctx.org, version) if version else None
    if not version or chain is None:
        ctx.reply(m.text(texts.NO_MEMO))
        return
    lines = [f"{texts.version_label(version)}"]
    for index, step in enumerate(chain.steps):
        if step.decision:
            when = (
                thai_datetime(datetime.fromisoformat(step.at).astimezone(ctx.plan.tz))
                if step.at
                else ""
            )
            label = _label(step.decision, index == len(chain.steps) - 1)
            lines.append(
                texts.memo_step_decided(
                    step.decision == Decision.APPROVE, step.position, label, when, step.comment
                )
            )
        elif chain.state == versions.IN_REVIEW and index == chain.step:
            since = thai_datetime(datetime.fromisoformat(chain.since).astimezone(ctx.plan.tz))
            lines.append(texts.memo_step_waiting(step.position, since))
        else:
            lines.append(texts.memo_step_ahead(step.position))
    if chain.state != versions.IN_REVIEW and chain.state in texts.CHAIN_STATE:
        lines.append(texts.memo_chain_state(chain.state))
    ctx.reply(m.text("\n".join(lines)))
