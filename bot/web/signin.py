"""Signing in and out: the landing page, the one-time link from LINE, and logout."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, url_for

from bot.services import services
from bot.web import auth
from bot.web.page import ORG_PATTERN, PageContext, message, signed_in
from core.texts import web as web_texts

bp = Blueprint("signin", __name__)


@bp.get("/")
def landing() -> Any:
    return message(200, web_texts.LANDING_TITLE, web_texts.LANDING_BODY)


@bp.route("/login/<org>/<token>", methods=["GET", "HEAD"])
def login(org: str, token: str) -> Any:
    if request.method == "HEAD":
        # Link checkers and previews probe with HEAD; only a real GET may use the token.
        return Response("", 200)
    if not ORG_PATTERN.fullmatch(org):
        return message(403, web_texts.BAD_LINK_TITLE, web_texts.BAD_LINK_BODY)
    shared = services()
    sid, refused = auth.sign_in(shared.redis, org, token)
    if sid is None:
        if refused == "not-allowed":
            return message(403, web_texts.NOT_ALLOWED_TITLE, web_texts.NOT_ALLOWED_BODY)
        return message(403, web_texts.BAD_LINK_TITLE, web_texts.BAD_LINK_BODY)
    response = redirect(url_for("web.progress.page", org=org), 303)
    auth.set_session_cookie(response, request, shared.settings, org, sid)
    return response


@bp.post("/admin/<org>/logout")
@signed_in(any_role_post=True)
def logout(ctx: PageContext) -> Any:
    auth.sign_out(services().redis, ctx.viewer)
    body, status = message(200, web_texts.LOGGED_OUT_TITLE, web_texts.LOGGED_OUT_BODY)
    response = Response(body, status)
    auth.clear_session_cookie(response, ctx.org)
    return response
