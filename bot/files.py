"""Memo files behind signed, expiring links: /files/<org>/<version>/<name>?exp=…&sig=…"""

from __future__ import annotations

from flask import Blueprint, Response, request

from bot.services import services
from core.file_links import FILE_NAME, KIND_OF_SUFFIX
from core.signing import check_signed
from core.texts import web as web_texts
from store import versions

bp = Blueprint("files", __name__)


def _plain(value: str | None, limit: int) -> bool:
    return value is not None and value.isascii() and 0 < len(value) <= limit


@bp.get("/files/<org>/<int:version>/<name>")
def memo_file(org: str, version: int, name: str) -> Response:
    shared = services()
    expires, signature = request.args.get("exp"), request.args.get("sig")
    # Only what a link of ours can hold, short ASCII: compare_digest raises on non-ASCII
    # text and int() on thousands of digits, and either would be a 500, not a refusal.
    if not (
        _plain(expires, 12)
        and _plain(signature, 64)
        and check_signed(shared.settings.signing_key, request.path, expires, signature)
    ):
        return Response(web_texts.FILE_LINK_REFUSED, 403, mimetype="text/plain")
    match = FILE_NAME.match(name)
    if not match or match["org"] != org or int(match["version"]) != version:
        return Response("not found", 404)
    kind = KIND_OF_SUFFIX[match["suffix"]]
    data = versions.read_file(shared.files, org, version, kind)
    if data is None:
        return Response("not found", 404)
    disposition = "inline" if kind != "docx" else "attachment"
    return Response(
        data,
        200,
        mimetype=versions.FILE_KINDS[kind],
        headers={
            "Content-Disposition": f'{disposition}; filename="{name}"',
            "Cache-Control": "private, max-age=3600",
        },
    )
