"""The planning officer's web pages (PRODUCT.md 3.8, issue 7).

Routes:
  GET  /                                   how to sign in (from LINE)
  GET  /login/<org>/<token>                one-time link from `เข้าสู่ระบบ` → session cookie → progress
  GET  /admin/<org>/                       progress: measures × divisions, counts, who is behind
  GET  /admin/<org>/history                every change, newest first, filters in GET parameters
  GET  /admin/<org>/memo[/<n>]             memo versions, their review chains, page image, files
  GET  /admin/<org>/people                 people, open invite codes
  POST /admin/<org>/people/invite|revoke|remove   admin only, CSRF-checked
  GET  /admin/<org>/export/<status|history>.<csv|xlsx>
  POST /admin/<org>/logout
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import redis
from flask import Blueprint, Flask, Response, redirect, render_template, request, send_file, url_for

from bot.web import auth, exports
from bot.web import view_models as model
from core.config import Settings
from core.file_links import file_url
from core.texts import web as web_texts
from core.thai import to_thai_digits
from store import people, plans, versions
from store import status as status_store
from store import version_views as web_queries
from store.db import connect
from store.plan_schema import Plan

ORG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
HISTORY_PAGE_SIZE = 100
PAGE_FILE_LINK_SECONDS = (
    3600  # signed memo links printed in a page; the page is reloaded for new ones
)
FONT_WEIGHTS = (400, 600)
STATIC_DIR = Path(__file__).parent / "static"


@dataclass(frozen=True)
class PageContext:
    org: str
    plan: Plan
    viewer: auth.Viewer


def _asset_version() -> str:
    """Changes when a static file changes, so browsers never keep a stale stylesheet."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.glob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def register(app: Flask, settings: Settings) -> None:
    r = connect(settings.redis_url)
    bp = Blueprint(
        "web",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/web-static",
    )
    asset_version = _asset_version()
    files_origin = "{0.scheme}://{0.netloc}".format(urlsplit(settings.public_base_url))

    @bp.app_template_filter("thai_digits")
    def thai_digits_filter(value: Any) -> str:
        return to_thai_digits(value)

    @bp.app_context_processor
    def inject() -> dict[str, Any]:
        return {
            "asset_version": asset_version,
            "nav": web_texts.NAV,
            "menu_label": web_texts.MENU,
            "app_title": web_texts.APP_TITLE,
        }

    @bp.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; img-src 'self' {files_origin} data:; style-src 'self'; script-src 'self'; "
            "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # The sign-in link carries its token in the path: never hand it on.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.endpoint not in ("web.static", "web.font"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def message(status: int, title: str, body: str, *, org: str | None = None) -> tuple[str, int]:
        return render_template("message.html", title=title, body=body, org=org), status

    def page(
        *, admin_only: bool = False, any_role_post: bool = False
    ) -> Callable[[Callable[..., Any]], Any]:
        """Load the plan and the viewer; refuse without a session, and writes from reviewers."""

        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def wrapper(org: str, **kwargs: Any) -> Any:
                if not ORG_PATTERN.fullmatch(org):
                    return message(404, web_texts.NOT_FOUND_TITLE, web_texts.NOT_FOUND_BODY)
                plan = plans.get_plan(r, org)
                if plan is None:
                    return message(404, web_texts.NOT_FOUND_TITLE, web_texts.NOT_FOUND_BODY)
                viewer = auth.current_viewer(r, settings, request, org)
                if viewer is None:
                    body, status = message(
                        401, web_texts.NO_SESSION_TITLE, web_texts.NO_SESSION_BODY
                    )
                    response = Response(body, status)
                    if request.cookies.get(auth.cookie_name(org)):
                        auth.clear_session_cookie(response, org)
                    return response
                if request.method == "POST":
                    if not (viewer.is_admin or any_role_post):
                        return message(
                            403, web_texts.NOT_ALLOWED_TITLE, web_texts.READ_ONLY_BODY, org=org
                        )
                    if not auth.csrf_ok(settings, viewer, request.form.get("csrf")):
                        return message(
                            403, web_texts.BAD_FORM_TITLE, web_texts.BAD_FORM_BODY, org=org
                        )
                elif admin_only and not viewer.is_admin:
                    return message(
                        403, web_texts.NOT_ALLOWED_TITLE, web_texts.READ_ONLY_BODY, org=org
                    )
                return view(PageContext(org, plan, viewer), **kwargs)

            return wrapper

        return decorate

    def render(ctx: PageContext, template: str, active: str, **values: Any) -> str:
        return render_template(
            template,
            org=ctx.org,
            plan=ctx.plan,
            viewer=ctx.viewer,
            active=active,
            **values,
        )

    # -- no session needed -------------------------------------------------------------------

    @bp.get("/")
    def landing() -> Any:
        return message(200, web_texts.LANDING_TITLE, web_texts.LANDING_BODY)

    @bp.get("/web-font/sarabun-<int:weight>.ttf")
    def font(weight: int) -> Any:
        # Sarabun ships with the package (fontpkg-sarabun, used by the memo too): Thai looks the
        # same on every desk, whatever fonts the computer has.
        if weight not in FONT_WEIGHTS:
            return Response("not found", 404)
        import fontpkg

        return send_file(
            fontpkg.path("Sarabun", weight=weight), mimetype="font/ttf", max_age=30 * 24 * 3600
        )

    @bp.route("/login/<org>/<token>", methods=["GET", "HEAD"])
    def login(org: str, token: str) -> Any:
        if request.method == "HEAD":
            # Link checkers and previews probe with HEAD; only a real GET may use the token.
            return Response("", 200)
        if not ORG_PATTERN.fullmatch(org):
            return message(403, web_texts.BAD_LINK_TITLE, web_texts.BAD_LINK_BODY)
        sid, refused = auth.sign_in(r, org, token)
        if sid is None:
            if refused == "not-allowed":
                return message(403, web_texts.NOT_ALLOWED_TITLE, web_texts.NOT_ALLOWED_BODY)
            return message(403, web_texts.BAD_LINK_TITLE, web_texts.BAD_LINK_BODY)
        response = redirect(url_for("web.progress", org=org), 303)
        auth.set_session_cookie(response, request, settings, org, sid)
        return response

    # -- pages -------------------------------------------------------------------------------

    @bp.get("/admin/<org>")
    def admin_root(org: str) -> Any:
        return redirect(url_for("web.progress", org=org), 308)

    @bp.get("/admin/<org>/")
    @page()
    def progress(ctx: PageContext) -> Any:
        matrix = status_store.read_matrix(r, ctx.plan)
        view = model.progress_view(
            ctx.plan, matrix, people.all_people(r, ctx.org), datetime.now(UTC)
        )
        return render(ctx, "progress.html", "progress", view=view, refresh=True)

    @bp.get("/admin/<org>/history")
    @page()
    def history(ctx: PageContext) -> Any:
        everyone = people.all_people(r, ctx.org)
        entries = status_store.history(r, ctx.org)
        flt = model.history_filter(request.args, ctx.plan)
        found = model.filter_history(entries, flt, ctx.plan.tz)
        pages = max(1, math.ceil(len(found) / HISTORY_PAGE_SIZE))
        try:
            number = min(max(1, int(request.args.get("page", "1"))), pages)
        except ValueError:
            number = 1
        shown = found[(number - 1) * HISTORY_PAGE_SIZE : number * HISTORY_PAGE_SIZE]
        query = flt.query()

        def page_link(n: int) -> str:
            return url_for("web.history", org=ctx.org) + "?" + urlencode({**query, "page": n})

        return render(
            ctx,
            "history.html",
            "history",
            rows=model.history_rows(shown, ctx.plan),
            flt=flt,
            total=len(entries),
            found=len(found),
            page=number,
            pages=pages,
            prev_link=page_link(number - 1) if number > 1 else None,
            next_link=page_link(number + 1) if number < pages else None,
            people_options=model.history_people(entries, everyone),
            export_query=("?" + urlencode(query)) if query else "",
        )

    @bp.get("/admin/<org>/memo")
    @page()
    def memo(ctx: PageContext) -> Any:
        current = versions.current(r, ctx.org)
        cards = [
            model.version_card(v, ctx.plan, current)
            for v in web_queries.versions_with_chains(r, ctx.org)
        ]
        return render(ctx, "memo.html", "memo", cards=cards)

    @bp.get("/admin/<org>/memo/<int:number>")
    @page()
    def memo_version(ctx: PageContext, number: int) -> Any:
        view = web_queries.version_view(r, ctx.org, number)
        if view is None:
            return message(404, web_texts.NOT_FOUND_TITLE, web_texts.NOT_FOUND_BODY, org=ctx.org)
        card = model.version_card(view, ctx.plan, versions.current(r, ctx.org))
        links = {}
        if card.status == "ready":
            links = {
                kind: file_url(settings, ctx.org, number, kind, ttl=PAGE_FILE_LINK_SECONDS)
                for kind in ("png", "pdf", "docx")
            }
        return render(ctx, "memo_version.html", "memo", card=card, links=links)

    @bp.get("/admin/<org>/people")
    @page()
    def people_page(ctx: PageContext) -> Any:
        everyone = people.all_people(r, ctx.org)
        invites = people.list_invites(r, ctx.org) if ctx.viewer.is_admin else []
        holders = {p: person.name for person in everyone for p in person.positions}
        staff_count = {d: sum(1 for p in everyone if p.division == d) for d in ctx.plan.divisions}
        done = request.args.get("done", "")
        return render(
            ctx,
            "people.html",
            "people",
            rows=model.people_rows(everyone, ctx.plan, ctx.viewer.user_id),
            invites=model.invite_rows(invites, ctx.plan, everyone),
            holders=holders,
            staff_count=staff_count,
            created=request.args.get("created", "")[:12],
            created_for=request.args.get("for", "")[:200],
            note=web_texts.DONE_NOTES.get(done, ""),
            note_bad=done in ("revoke-missing", "remove-missing", "remove-self", "bad-target"),
        )

    def back_to_people(org: str, **params: str) -> Any:
        return redirect(
            url_for("web.people_page", org=org) + ("?" + urlencode(params) if params else ""), 303
        )

    @bp.post("/admin/<org>/people/invite")
    @page(admin_only=True)
    def invite(ctx: PageContext) -> Any:
        kind, _, target = request.form.get("target", "").partition(":")
        if kind == "division" and target in ctx.plan.divisions:
            label = f"เจ้าหน้าที่{target}"
        elif kind == "position" and target in [s.position for s in ctx.plan.chain]:
            label = f"ผู้พิจารณาในตำแหน่ง{target}"
        elif kind == "admin" and not target:
            target, label = "admin", web_texts.ROLE_ADMIN
        else:
            return back_to_people(ctx.org, done="bad-target")
        code = people.create_invite(r, ctx.org, kind, target, created_by=ctx.viewer.user_id)
        return back_to_people(ctx.org, created=code, **{"for": label})

    @bp.post("/admin/<org>/people/revoke")
    @page(admin_only=True)
    def revoke(ctx: PageContext) -> Any:
        ok = people.revoke_invite(r, ctx.org, request.form.get("code", "")[:20])
        return back_to_people(ctx.org, done="revoked" if ok else "revoke-missing")

    @bp.post("/admin/<org>/people/remove")
    @page(admin_only=True)
    def remove(ctx: PageContext) -> Any:
        user_id = request.form.get("user", "")[:64]
        if user_id == ctx.viewer.user_id:
            return back_to_people(ctx.org, done="remove-self")
        ok = people.remove_person(r, ctx.org, user_id)
        return back_to_people(ctx.org, done="removed" if ok else "remove-missing")

    @bp.post("/admin/<org>/logout")
    @page(any_role_post=True)
    def logout(ctx: PageContext) -> Any:
        auth.sign_out(r, ctx.viewer)
        body, status = message(200, web_texts.LOGGED_OUT_TITLE, web_texts.LOGGED_OUT_BODY)
        response = Response(body, status)
        auth.clear_session_cookie(response, ctx.org)
        return response

    # -- exports -----------------------------------------------------------------------------

    @bp.get("/admin/<org>/export/<what>.<fmt>")
    @page()
    def export(ctx: PageContext, what: str, fmt: str) -> Any:
        if what not in ("status", "history") or fmt not in ("csv", "xlsx"):
            return message(404, web_texts.NOT_FOUND_TITLE, web_texts.NOT_FOUND_BODY, org=ctx.org)
        if what == "status":
            sheets = exports.status_sheets(ctx.plan, status_store.read_matrix(r, ctx.plan))
            csv_sheet = sheets[1]  # one row per measure × division: what a CSV reader can filter
        else:
            entries = status_store.history(r, ctx.org)
            flt = model.history_filter(request.args, ctx.plan)
            sheets = [
                exports.history_sheet(ctx.plan, model.filter_history(entries, flt, ctx.plan.tz))
            ]
            csv_sheet = sheets[0]
        stamp = datetime.now(ctx.plan.tz).strftime("%Y%m%d-%H%M")
        name = f"ita-{ctx.org}-{what}-{stamp}.{fmt}"
        if fmt == "csv":
            data, content_type = exports.to_csv(csv_sheet), "text/csv; charset=utf-8"
        else:
            data = exports.to_xlsx(sheets)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(
            data,
            200,
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @bp.errorhandler(redis.RedisError)
    def storage_down(_error: Exception) -> Any:
        return message(503, "ระบบขัดข้องชั่วคราว", "ขออภัย ขณะนี้อ่านข้อมูลไม่ได้ กรุณาลองใหม่อีกครั้งในอีกสักครู่")

    app.register_blueprint(bp)
