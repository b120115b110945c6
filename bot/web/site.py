"""The admin site's own blueprint ("web"): its templates, static files and font, the
security headers of every page, and the page shown when Redis cannot be read. The page
areas (sign-in, progress, history, memo, people, exports) are blueprints nested in it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis
from flask import Blueprint, Response, request, send_file

from bot.services import services
from bot.web.page import message
from core.texts import web as web_texts
from core.thai import to_thai_digits

FONT_WEIGHTS = (400, 600)
STATIC_DIR = Path(__file__).parent / "static"

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/web-static",
)


def _asset_version() -> str:
    """Changes when a static file changes, so browsers never keep a stale stylesheet."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.glob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


ASSET_VERSION = _asset_version()


@bp.app_template_filter("thai_digits")
def thai_digits_filter(value: Any) -> str:
    return to_thai_digits(value)


@bp.app_context_processor
def inject() -> dict[str, Any]:
    return {
        "asset_version": ASSET_VERSION,
        "nav": web_texts.NAV,
        "app_title": web_texts.APP_TITLE,
        "menu_label": web_texts.MENU,
        "supervisor_texts": web_texts.SUPERVISOR_PAGE,
        "supervisor_role": web_texts.SUPERVISOR_ROLE,
    }


@bp.after_request
def security_headers(response: Response) -> Response:
    files_origin = "{0.scheme}://{0.netloc}".format(urlsplit(services().settings.public_base_url))
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


@bp.errorhandler(redis.RedisError)
def storage_down(_error: Exception) -> Any:
    return message(503, web_texts.STORAGE_DOWN_TITLE, web_texts.STORAGE_DOWN_BODY)


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
