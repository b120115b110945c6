"""The plan editor: the organisation, memo header, divisions, measures, review chain,
deadline and reminders as one form. Saving validates as `itabot plan load` does, shows what
removals drop before it saves, then saves and reschedules as a plan load does, and records a
revision (who, when, what changed). Reviewers and supervisors read it; only admins post."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for

from bot.services import services
from bot.web import plan_changes, plan_form
from bot.web.display import short_datetime
from bot.web.page import PageContext, render, signed_in
from core.texts import plan_editor as texts
from jobs import schedule
from store import plan_revisions, plans
from store import status as status_store

bp = Blueprint("plan", __name__)

NOTES = {"saved": texts.SAVED, "same": texts.NO_CHANGE}
SHOWN_REVISIONS = 20
# the posted fields that are not part of the plan (not carried into the confirmation)
NOT_PLAN_FIELDS = ("csrf", "confirm")


def revision_rows(ctx: PageContext, limit: int = SHOWN_REVISIONS) -> list[dict[str, Any]]:
    """The latest plan revisions as the pages list them (the history page uses these too)."""
    return [
        {"at": short_datetime(rev.at, ctx.plan.tz), "by": rev.by_name, "summary": rev.summary}
        for rev in plan_revisions.revisions(services().redis, ctx.org, limit)
    ]


def _editor(ctx: PageContext, draft: dict[str, Any], status: int = 200, **values: Any) -> Any:
    page = render(
        ctx,
        "plan.html",
        "plan",
        draft=draft,
        labels=texts.FIELD_LABELS,
        base=plans.revision_of(services().redis, ctx.org) or "",
        revisions=revision_rows(ctx),
        errors=values.pop("errors", {}),
        **values,
    )
    return page, status


@bp.get("/admin/<org>/plan")
@signed_in()
def page(ctx: PageContext) -> Any:
    """The plan as a form (read-only to reviewers and supervisors) and its latest revisions."""
    return _editor(ctx, plan_form.draft_of(ctx.plan), note=NOTES.get(request.args.get("done", "")))


@bp.post("/admin/<org>/plan")
@signed_in(admin_only=True)
def save(ctx: PageContext) -> Any:
    r = services().redis
    if request.form.get("base") != plans.revision_of(r, ctx.org):
        return _editor(
            ctx, plan_form.draft_of(ctx.plan), 409, problems=[texts.PLAN_CHANGED_MEANWHILE]
        )
    posted = plan_form.read(request.form, ctx.org)
    if posted.plan is None:
        draft = plan_form.draft_of_posted(posted)
        return _editor(ctx, draft, 422, errors=posted.errors, problems=posted.problems)
    new = posted.plan
    summary = plan_changes.summary(ctx.plan, new)
    if not summary:
        return redirect(url_for("web.plan.page", org=ctx.org, done="same"), 303)
    drops = plan_changes.drops(ctx.plan, new, status_store.reported_cells(r, ctx.org))
    if drops.any and not request.form.get("confirm"):
        carried = [(k, v) for k, v in request.form.items(multi=True) if k not in NOT_PLAN_FIELDS]
        return render(
            ctx, "plan_confirm.html", "plan", drops=drops, summary=summary, carried=carried
        )
    schedule.apply_plan(services().settings, r, new)
    plan_revisions.record(r, ctx.org, ctx.viewer.user_id, ctx.viewer.person.name, summary)
    return redirect(url_for("web.plan.page", org=ctx.org, done="saved"), 303)
