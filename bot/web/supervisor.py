"""The supervisor's overview: the one-time link in, one row per organisation of the group
(sortable by links, so it works without JavaScript), its CSV/Excel export, and logout.

Each row links to that organisation's progress page, which the same session reads as a
read-only viewer (bot/web/auth.py current_viewer); nothing outside the group is shown."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from bot.services import services
from bot.web import auth, sheets, supervisor_view
from bot.web.exports import XLSX_TYPE
from bot.web.page import message, not_found
from core.texts import web as web_texts
from store.group_overview import group_overview
from store.supervisors import Scope

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")


def _no_session() -> Response:
    body, status = message(401, web_texts.NO_SESSION_TITLE, web_texts.SUPERVISOR_NO_SESSION_BODY)
    response = Response(body, status)
    if request.cookies.get(auth.SUPERVISOR_COOKIE):
        auth.clear_supervisor_cookie(response)
    return response


def _rows(scope: Scope) -> tuple[list[supervisor_view.OverviewRow], str, str]:
    summaries = group_overview(services().redis, list(scope.orgs))
    return supervisor_view.sorted_rows(summaries, request.args.get("sort"), request.args.get("dir"))


@bp.route("/login/<token>", methods=["GET", "HEAD"])
def login(token: str) -> Any:
    if request.method == "HEAD":
        # Link checkers and previews probe with HEAD; only a real GET may use the token.
        return Response("", 200)
    shared = services()
    sid = auth.supervisor_sign_in(shared.redis, token)
    if sid is None:
        return message(403, web_texts.BAD_LINK_TITLE, web_texts.SUPERVISOR_BAD_LINK_BODY)
    response = redirect(url_for("web.supervisor.overview"), 303)
    auth.set_supervisor_cookie(response, request, shared.settings, sid)
    return response


def _signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Give the view the session's id and group; refuse without a session."""

    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        scoped = auth.supervisor_session(services().redis, request)
        if scoped is None:
            return _no_session()
        return view(*scoped, **kwargs)

    return wrapper


@bp.get("/")
@_signed_in
def overview(sid: str, scope: Scope) -> Any:
    shared = services()
    rows, column, direction = _rows(scope)
    return render_template(
        "supervisor.html",
        scope=scope,
        rows=rows,
        sort=column,
        direction=direction,
        columns=web_texts.SUPERVISOR_COLUMNS,
        t=web_texts.SUPERVISOR_PAGE,
        csrf=auth.supervisor_csrf(shared.settings, sid),
        role=web_texts.SUPERVISOR_ROLE,
    )


@bp.get("/export.<fmt>")
@_signed_in
def export(sid: str, scope: Scope, fmt: str) -> Any:
    if fmt not in ("csv", "xlsx"):
        return not_found()
    rows, _, _ = _rows(scope)
    sheet = supervisor_view.overview_sheet(rows)
    if fmt == "csv":
        data, content_type = sheets.to_csv(sheet), "text/csv; charset=utf-8"
    else:
        data, content_type = sheets.to_xlsx([sheet]), XLSX_TYPE
    name = f"ita-overview-{datetime.now(UTC):%Y%m%d-%H%M}.{fmt}"
    return Response(
        data,
        200,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/logout")
@_signed_in
def logout(sid: str, scope: Scope) -> Any:
    shared = services()
    expected = auth.supervisor_csrf(shared.settings, sid)
    if not auth.same_token(expected, request.form.get("csrf")):
        return message(403, web_texts.BAD_FORM_TITLE, web_texts.BAD_FORM_BODY)
    auth.supervisor_sign_out(shared.redis, sid)
    body, status = message(200, web_texts.LOGGED_OUT_TITLE, web_texts.SUPERVISOR_LOGGED_OUT_BODY)
    response = Response(body, status)
    auth.clear_supervisor_cookie(response)
    return response
