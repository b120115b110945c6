"""Evidence on the web: a measure × division cell's page (thumbnails, who sent each item and
when), its files behind the session check, an admin's removal (kept in the history) and
upload from the browser, and the ITA evidence ZIP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, redirect, request, url_for

from bot.services import services
from bot.web import evidence_view
from bot.web.page import PageContext, not_found, render, signed_in
from core.file_types import PDF
from core.texts import evidence as texts
from jobs import evidence_export, evidence_files
from jobs.evidence import keep
from store import evidence as evidence_store
from store import evidence_records as records
from store import status as status_store

bp = Blueprint("evidence", __name__)

UPLOAD_OVERHEAD = 256 * 1024  # the form's other fields and multipart framing


@bp.before_request
def allow_uploads() -> None:
    # The app takes at most 1 MiB a request (webhooks); an upload may be a whole file. Set
    # before the page guard reads the form for its CSRF field.
    if request.endpoint == "web.evidence.upload":
        request.max_content_length = services().settings.evidence_max_bytes + UPLOAD_OVERHEAD


def _owned(ctx: PageContext, measure: str, division: str) -> bool:
    found = ctx.plan.measure(measure)
    return found is not None and division in found.owners


@bp.get("/admin/<org>/evidence/<measure>/<division>")
@signed_in()
def cell(ctx: PageContext, measure: str, division: str) -> Any:
    if not _owned(ctx, measure, division):
        return not_found(ctx.org)
    shared = services()
    matrix = status_store.read_matrix(shared.redis, ctx.plan)
    done = request.args.get("done", "")
    view = evidence_view.cell_view(
        ctx.plan,
        matrix.cell(measure, division),
        records.of_cell(shared.redis, ctx.org, measure, division),
    )
    return render(
        ctx,
        "evidence.html",
        "progress",
        view=view,
        usage=texts.usage(
            evidence_store.blob_store(shared.settings).usage(ctx.org),
            evidence_store.quota(shared.settings, ctx.org),
        ),
        note=texts.DONE_NOTES.get(done, ""),
        note_bad=done in texts.REFUSED_NOTES,
    )


@bp.get("/admin/<org>/evidence/file/<item_id>")
@signed_in()
def file(ctx: PageContext, item_id: str) -> Any:
    """An item's file (`?thumb=1`: its thumbnail), to a signed-in viewer of its organisation."""
    item = records.get(services().redis, ctx.org, item_id[:80])
    thumb = request.args.get("thumb") == "1"
    stored = None
    if item is not None:
        wanted = records.thumb_id(item.id) if thumb else item.id
        stored = evidence_store.blob_store(services().settings).get(ctx.org, wanted)
    if item is None or stored is None:
        return not_found(ctx.org)
    data, content_type = stored
    shown = thumb or item.is_image or content_type == PDF
    disposition = "inline" if shown else "attachment"
    return Response(
        data,
        200,
        content_type=content_type,
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(item.file_name)}"},
    )


def _back(ctx: PageContext, measure: str, division: str, done: str) -> Any:
    page = url_for("web.evidence.cell", org=ctx.org, measure=measure, division=division)
    return redirect(f"{page}?{urlencode({'done': done})}", 303)


@bp.post("/admin/<org>/evidence/<measure>/<division>/remove")
@signed_in(admin_only=True)
def remove(ctx: PageContext, measure: str, division: str) -> Any:
    if not _owned(ctx, measure, division):
        return not_found(ctx.org)
    shared = services()
    item_id = request.form.get("item", "")[:80]
    removed = records.remove(
        shared.redis,
        ctx.org,
        item_id,
        by=ctx.viewer.user_id,
        by_name=ctx.viewer.person.name,
        at=datetime.now(UTC),
        source=texts.REMOVED_FROM_WEB,
    )
    if removed is None:
        return _back(ctx, measure, division, "remove-missing")
    blobs = evidence_store.blob_store(shared.settings)
    blobs.delete(ctx.org, removed.id)
    blobs.delete(ctx.org, records.thumb_id(removed.id))
    return _back(ctx, measure, division, "removed")


@bp.post("/admin/<org>/evidence/<measure>/<division>/upload")
@signed_in(admin_only=True)
def upload(ctx: PageContext, measure: str, division: str) -> Any:
    if not _owned(ctx, measure, division):
        return not_found(ctx.org)
    settings = services().settings
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _back(ctx, measure, division, "no-file")
    data = sent.read(settings.evidence_max_bytes + 1)
    if len(data) > settings.evidence_max_bytes:
        return _back(ctx, measure, division, "too-big")
    try:
        prepared = evidence_files.prepare(data, keep_exif=ctx.plan.evidence.keep_exif)
        item = keep(
            settings,
            ctx.org,
            "w" + uuid.uuid4().hex,
            prepared,
            division=division,
            by=(ctx.viewer.user_id, ctx.viewer.person.name),
            file_name=sent.filename,
            source=texts.UPLOADED_FROM_WEB,
            note=request.form.get("note", "").strip(),
            measure=measure,
        )
    except evidence_files.Refused:
        return _back(ctx, measure, division, "bad-file")
    except evidence_store.QuotaFull:
        return _back(ctx, measure, division, "quota-full")
    records.add(services().redis, ctx.org, item)
    return _back(ctx, measure, division, "uploaded")


@bp.get("/admin/<org>/export/evidence.zip")
@signed_in()
def export(ctx: PageContext) -> Any:
    shared = services()
    data, _count = evidence_export.build(shared.settings, shared.redis, ctx.plan)
    stamp = datetime.now(ctx.plan.tz).strftime("%Y%m%d-%H%M")
    return Response(
        data,
        200,
        content_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="ita-{ctx.org}-evidence-{stamp}.zip"'
        },
    )
