"""Following the account and joining with a one-time invite code."""

from __future__ import annotations

import logging

from core.texts import chat as texts
from core.values import InviteKind
from handlers import review_notifications
from handlers.context import Context
from line import messages as m
from store import people, versions

log = logging.getLogger("itabot.join")


def follow(ctx: Context) -> None:
    org_name = ctx.plan.org.name if ctx.plan else None
    if ctx.person:
        ctx.reply(m.text(texts.welcome_back(ctx.person.name), [m.qr_message(texts.QR_HELP)]))
        return
    ctx.reply(m.text(texts.greeting(org_name)))


def register(ctx: Context, code_text: str) -> None:
    """ลงทะเบียน <code>: redeem a one-time invite code."""
    display_name = ctx.display_name()
    if not code_text.strip():
        ctx.reply(m.text(texts.REGISTER_NEEDS_CODE))
        return
    result = people.redeem_invite(ctx.r, ctx.org, ctx.user_id, code_text, display_name)
    if not result.ok:
        if result.reason == "locked":
            log.warning(
                "invite code refused: too many wrong codes",
                extra={"user": ctx.user_id, "org": ctx.org},
            )
            ctx.reply(m.text(texts.REGISTER_LOCKED))
        else:
            log.warning(
                "invite code refused: unknown, used or expired",
                extra={"user": ctx.user_id, "org": ctx.org, "details": {"fails": result.fails}},
            )
            ctx.reply(m.text(texts.REGISTER_BAD_CODE))
        return
    log.info(
        "registered",
        extra={"user": ctx.user_id, "org": ctx.org, "details": {result.kind: result.target}},
    )
    org_name = ctx.plan.org.name if ctx.plan else ""
    if result.kind == InviteKind.POSITION:
        # A memo already waiting at this position reaches its new holder now.
        version = versions.current(ctx.r, ctx.org)
        state = versions.chain(ctx.r, ctx.org, version) if version else None
        if (
            state
            and state.state == versions.IN_REVIEW
            and state.steps[state.step].position == result.target
        ):
            review_notifications.request_review(
                ctx.settings, ctx.r, ctx.org, version, send=ctx.deliver
            )
    quick = (
        [m.qr_message(texts.QR_REPORT)]
        if result.kind == InviteKind.DIVISION
        else [m.qr_message(texts.QR_OVERVIEW)]
    )
    ctx.reply(
        m.text(
            texts.registered(result.kind, result.target, org_name),
            quick + [m.qr_message(texts.QR_HELP)],
        )
    )


def help_text(ctx: Context, text: str = "") -> None:
    """วิธีใช้: what this person can do, by role."""
    person = ctx.person
    parts = []
    if person and person.division:
        parts.append(texts.HELP_STAFF)
    if person and (person.positions or person.admin):
        parts.append(texts.HELP_REVIEWER)
    if person and person.admin:
        parts.append(texts.HELP_ADMIN)
    ctx.reply(m.text("\n\n".join(parts) or texts.NOT_REGISTERED))
