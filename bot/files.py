"""Memo files behind signed, expiring links: /files/<org>/<version>/<name>?exp=…&sig=…"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.config import Settings
from core.file_links import FILE_NAME, KIND_OF_SUFFIX
from core.signing import check_signed
from store import versions
from store.db import connect_binary

if TYPE_CHECKING:  # Flask is imported only by the web process; the CLI builds links without it
    from flask import Flask, Response


def _plain(value: str | None, limit: int) -> bool:
    return value is not None and value.isascii() and 0 < len(value) <= limit


def register(app: Flask, settings: Settings) -> None:
    from flask import Response, request

    rb = connect_binary(settings.redis_url)

    @app.get("/files/<org>/<int:version>/<name>")
    def memo_file(org: str, version: int, name: str) -> Response:
        path = request.path
        expires, signature = request.args.get("exp"), request.args.get("sig")
        # Only what a link of ours can hold, short ASCII: compare_digest raises on non-ASCII
        # text and int() on thousands of digits, and either would be a 500, not a refusal.
        if not (
            _plain(expires, 12)
            and _plain(signature, 64)
            and check_signed(settings.signing_key, path, expires, signature)
        ):
            return Response(
                "ลิงก์ไม่ถูกต้องหรือหมดอายุแล้ว (link invalid or expired)", 403, mimetype="text/plain"
            )
        match = FILE_NAME.match(name)
        if not match or match["org"] != org or int(match["version"]) != version:
            return Response("not found", 404)
        kind = KIND_OF_SUFFIX[match["suffix"]]
        data = versions.read_file(rb, org, version, kind)
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
