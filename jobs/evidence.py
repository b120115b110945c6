"""The evidence fetch job, "jobs.evidence.fetch": queued by handlers/evidence.py as soon as a
photo or file arrives, because LINE keeps content only for a limited time.

It downloads the content through the official SDK (MessagingApiBlob, on LINE_DATA_API_URL),
refuses what is too big or of another type than it says, reduces photos and drops their
EXIF data (jobs/evidence_files.py), stores the file within the organisation's quota
(store/evidence.py), lands it in its batch (store/evidence_records.py) and, when the batch is
complete, pushes the confirmation that names the measure. Every push has a retry key fixed by
the file or the batch, so a re-run of the job never says anything twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from core.config import Settings, load_settings
from core.file_types import JPEG, file_name_for
from core.texts import evidence as texts
from handlers.evidence import confirmation
from jobs import evidence_files
from line import messages as m
from line.client import LineClient, LineError
from store import channels, people, plans, queues
from store import evidence_records as records
from store.db import connect
from store.evidence import EvidenceStore, QuotaFull, blob_store, quota
from store.plan_schema import Plan

log = logging.getLogger("itabot.evidence")


def _line(settings: Settings, r: Any, org: str) -> LineClient:
    """The one place this job makes its LINE client: on the organisation's own channel."""
    return LineClient(settings, channels.token_for(settings, r, org))


def fetch(org: str, user_id: str, batch: str, message_id: str, file_name: str) -> str:
    settings = load_settings()
    r = connect(settings.redis_url)
    plan, person = plans.get_plan(r, org), people.get_person(r, org, user_id)
    if plan is None or person is None or not person.division:
        return "sender gone"
    try:
        data, _declared = _line(settings, r, org).content(message_id)
    except LineError as exc:
        if exc.retryable:
            raise
        log.warning("evidence content not fetched", extra={"status": exc.status, "org": org})
        return _refuse(settings, plan, batch, message_id, user_id, texts.CONTENT_GONE)
    if len(data) > settings.evidence_max_bytes:
        refusal = texts.too_big(file_name, settings.evidence_max_bytes)
        return _refuse(settings, plan, batch, message_id, user_id, refusal)
    try:
        prepared = evidence_files.prepare(data, keep_exif=plan.evidence.keep_exif)
    except evidence_files.Refused:
        refusal = texts.refused_type(file_name)
        return _refuse(settings, plan, batch, message_id, user_id, refusal)
    try:
        item = keep(
            settings,
            org,
            message_id,
            prepared,
            division=person.division,
            by=(user_id, person.name),
            file_name=file_name,
            batch=batch,
            source=texts.source_file(file_name) if file_name else texts.SOURCE_PHOTO,
        )
    except QuotaFull as full:
        refusal = texts.quota_full(full.quota)
        return _refuse(settings, plan, batch, message_id, user_id, refusal)
    landed = records.land(r, org, batch, message_id, item)
    if landed.missing:  # the batch expired: nothing is waiting for the file any more
        _delete(blob_store(settings), org, message_id)
        return "dropped"
    if landed.duplicate:  # this job ran before (its worker was lost after landing)
        return "landed before"
    _confirm(settings, plan, batch, user_id, person.division, landed)
    return "attached" if landed.attached else "waiting for the measure"


def keep(
    settings: Settings,
    org: str,
    item_id: str,
    prepared: evidence_files.Prepared,
    *,
    division: str,
    by: tuple[str, str],
    file_name: str,
    source: str,
    batch: str = "",
    note: str = "",
    measure: str = "",
) -> records.Item:
    """Store the file and its thumbnail, both within the quota or neither (QuotaFull), and
    describe it; `by` is (user id, name). Attaching it is the caller's (land, or add)."""
    blobs, limit = blob_store(settings), quota(settings, org)
    blobs.put(org, item_id, prepared.data, prepared.content_type, quota=limit)
    if prepared.thumb is not None:
        try:
            blobs.put(org, records.thumb_id(item_id), prepared.thumb, JPEG, quota=limit)
        except QuotaFull:
            blobs.delete(org, item_id)
            raise
    return records.Item(
        id=item_id,
        division=division,
        by=by[0],
        by_name=by[1],
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        file_name=file_name_for(file_name, item_id, prepared.content_type),
        content_type=prepared.content_type,
        size=len(prepared.data),
        measure=measure,
        note=note[:500],
        thumb=prepared.thumb is not None,
        batch=batch,
        event=batch,
        source=source,
    )


def _delete(blobs: EvidenceStore, org: str, item_id: str) -> None:
    blobs.delete(org, item_id)
    blobs.delete(org, records.thumb_id(item_id))


def _push(settings: Settings, org: str, user_id: str, text: dict, purpose: str) -> None:
    key = queues.retry_key(org, purpose)
    queues.enqueue_delivery([user_id], [text], key, settings, org=org)


def _refuse(
    settings: Settings, plan: Plan, batch: str, message_id: str, user_id: str, refusal: str
) -> str:
    org = plan.org.id
    _push(settings, org, user_id, m.text(refusal), f"evidence:{message_id}:refused")
    landed = records.land(connect(settings.redis_url), org, batch, message_id, None)
    division = connect(settings.redis_url).hget(records.batch_key(org, batch), "division")
    _confirm(settings, plan, batch, user_id, division or "", landed)
    return "refused"


def _confirm(
    settings: Settings,
    plan: Plan,
    batch: str,
    user_id: str,
    division: str,
    landed: records.Landed,
) -> None:
    """Say the batch is attached, when this file completed it and anything was attached."""
    if landed.complete and landed.measure:
        message = confirmation(plan, landed.measure, division, landed.complete)
        _push(settings, plan.org.id, user_id, message, f"evidence:{batch}:attached")
