"""The people page: everyone registered and the open invite codes; an admin invites, revokes
an invite and removes a person (CSRF-checked POSTs that come back to the page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, redirect, request, url_for

from bot.services import services
from bot.web import people_view
from bot.web.page import PageContext, render, signed_in
from core.texts import web as web_texts
from core.values import InviteKind
from store import people

# ?done=… notes that report a refusal rather than a change
REFUSED = ("revoke-missing", "remove-missing", "remove-self", "bad-target")

bp = Blueprint("people", __name__)


@bp.get("/admin/<org>/people")
@signed_in()
def page(ctx: PageContext) -> Any:
    """Everyone with their roles, who holds each chain position, and (to admins) open invites."""
    r = services().redis
    everyone = people.all_people(r, ctx.org)
    invites = people.list_invites(r, ctx.org) if ctx.viewer.is_admin else []
    holders = {p: person.name for person in everyone for p in person.positions}
    staff_count = {d: sum(1 for p in everyone if p.division == d) for d in ctx.plan.divisions}
    done = request.args.get("done", "")
    return render(
        ctx,
        "people.html",
        "people",
        rows=people_view.people_rows(everyone, ctx.plan, ctx.viewer.user_id),
        invites=people_view.invite_rows(invites, ctx.plan, everyone),
        holders=holders,
        staff_count=staff_count,
        created=request.args.get("created", "")[:12],
        created_for=request.args.get("for", "")[:200],
        note=web_texts.DONE_NOTES.get(done, ""),
        note_bad=done in REFUSED,
    )


def _back(org: str, **params: str) -> Any:
    return redirect(
        url_for("web.people.page", org=org) + ("?" + urlencode(params) if params else ""), 303
    )


@bp.post("/admin/<org>/people/invite")
@signed_in(admin_only=True)
def invite(ctx: PageContext) -> Any:
    # The form's value is "kind:target"; an admin invite has no target of its own.
    kind, _, target = request.form.get("target", "").partition(":")
    if kind == InviteKind.ADMIN and not target:
        target = InviteKind.ADMIN
    if not kind or ctx.plan.invite_kind(target) != kind:
        return _back(ctx.org, done="bad-target")
    code = people.create_invite(
        services().redis, ctx.org, kind, target, created_by=ctx.viewer.user_id
    )
    return _back(ctx.org, created=code, **{"for": web_texts.invite_created_for(kind, target)})


@bp.post("/admin/<org>/people/revoke")
@signed_in(admin_only=True)
def revoke(ctx: PageContext) -> Any:
    ok = people.revoke_invite(services().redis, ctx.org, request.form.get("code", "")[:20])
    return _back(ctx.org, done="revoked" if ok else "revoke-missing")


@bp.post("/admin/<org>/people/remove")
@signed_in(admin_only=True)
def remove(ctx: PageContext) -> Any:
    user_id = request.form.get("user", "")[:64]
    if user_id == ctx.viewer.user_id:
        return _back(ctx.org, done="remove-self")
    ok = people.remove_person(services().redis, ctx.org, user_id)
    return _back(ctx.org, done="removed" if ok else "remove-missing")
