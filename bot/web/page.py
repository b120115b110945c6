"""What every admin page shares: the organisation and session checks, the CSRF check of
forms, and rendering a page or a one-message page."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, render_template, request

from bot.services import services
from bot.web import auth
from core.texts import web as web_texts
from store import plans
from store.plan_schema import Plan

ORG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class PageContext:
    org: str
    plan: Plan
    viewer: auth.Viewer


def message(status: int, title: str, body: str, *, org: str | None = None) -> tuple[str, int]:
    return render_template("message.html", title=title, body=body, org=org), status


def not_found(org: str | None = None) -> tuple[str, int]:
    return message(404, web_texts.NOT_FOUND_TITLE, web_texts.NOT_FOUND_BODY, org=org)


def _no_session(org: str) -> Response:
    if auth.supervisor_session(services().redis, request) is not None:
        # a supervisor outside their group: refused, and nothing of the organisation shown
        body, status = message(403, web_texts.NOT_ALLOWED_TITLE, web_texts.SUPERVISOR_OUTSIDE)
        return Response(body, status)
    body, status = message(401, web_texts.NO_SESSION_TITLE, web_texts.NO_SESSION_BODY)
    response = Response(body, status)
    if request.cookies.get(auth.cookie_name(org)):
        auth.clear_session_cookie(response, org)
    return response


def _refusal(viewer: auth.Viewer, admin_only: bool, any_role_post: bool) -> Any:
    """Why this viewer may not make this request, as the page to answer; None if they may."""
    settings = services().settings
    if request.method == "POST":
        if viewer.supervisor or not (viewer.is_admin or any_role_post):
            return message(
                403, web_texts.NOT_ALLOWED_TITLE, web_texts.READ_ONLY_BODY, org=viewer.org
            )
        if not auth.csrf_ok(settings, viewer, request.form.get("csrf")):
            return message(403, web_texts.BAD_FORM_TITLE, web_texts.BAD_FORM_BODY, org=viewer.org)
    elif admin_only and not viewer.is_admin:
        return message(403, web_texts.NOT_ALLOWED_TITLE, web_texts.READ_ONLY_BODY, org=viewer.org)
    return None


def signed_in(
    *, admin_only: bool = False, any_role_post: bool = False
) -> Callable[[Callable[..., Any]], Any]:
    """Load the plan and the viewer; refuse without a session, and writes from reviewers and
    supervisors."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(org: str, **kwargs: Any) -> Any:
            if not ORG_PATTERN.fullmatch(org):
                return not_found()
            shared = services()
            plan = plans.get_plan(shared.redis, org)
            if plan is None:
                return not_found()
            viewer = auth.current_viewer(shared.redis, shared.settings, request, org)
            if viewer is None:
                return _no_session(org)
            refusal = _refusal(viewer, admin_only, any_role_post)
            if refusal is not None:
                return refusal
            return view(PageContext(org, plan, viewer), **kwargs)

        return wrapper

    return decorate


def render(ctx: PageContext, template: str, active: str, **values: Any) -> str:
    return render_template(
        template, org=ctx.org, plan=ctx.plan, viewer=ctx.viewer, active=active, **values
    )
