"""Evidence from the phone: an image or a file a staff member sends is kept as evidence of
one of their division's measures.

The measure is the one they reported in the last few minutes, if there is exactly one;
otherwise the bot asks once per batch (one file, or a set of images sent together) with quick
replies of the division's measures, and the tap attaches. The file itself is fetched at once
by the job "jobs.evidence.fetch" (LINE keeps content only for a while), which confirms.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from core.file_types import accepted_name
from core.texts import chat as chat_texts
from core.texts import evidence as texts
from core.values import PostbackKind
from handlers import postback
from handlers.context import Context
from line import messages as m
from store import evidence as evidence_store
from store import evidence_records as records
from store import queues
from store.plan_schema import Plan

MAX_SET = 20  # LINE sends at most 20 images at once
FETCH_JOB = "jobs.evidence.fetch"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _staff(ctx: Context) -> str | None:
    """The sender's division; otherwise refuse, as status reports are refused."""
    if ctx.plan is None:
        ctx.reply(m.text(chat_texts.NO_PLAN))
    elif ctx.person is None:
        ctx.reply(m.text(chat_texts.NOT_REGISTERED))
    elif not ctx.person.division:
        ctx.reply(m.text(texts.NOT_STAFF))
    else:
        return ctx.person.division
    return None


def _message_id(message: dict[str, Any]) -> str | None:
    value = message.get("id")
    return value if isinstance(value, str) and _SAFE_ID.fullmatch(value) else None


def _batch_of(message_id: str, image_set: Any) -> tuple[str, int]:
    """(batch id, number of files in it): a set of images is one batch."""
    if isinstance(image_set, dict) and isinstance(image_set.get("id"), str):
        total = image_set.get("total")
        if isinstance(total, int) and 1 < total <= MAX_SET:
            set_id = image_set["id"]
            if not _SAFE_ID.fullmatch(set_id):
                set_id = hashlib.sha256(set_id.encode()).hexdigest()[:32]
            return f"s{set_id}", total
    return f"m{message_id}", 1


def on_image(ctx: Context, message: dict[str, Any]) -> None:
    division, message_id = _staff(ctx), _message_id(message)
    if division and message_id:
        batch, total = _batch_of(message_id, message.get("imageSet"))
        _receive(ctx, division, message_id, batch, total, "")


def on_file(ctx: Context, message: dict[str, Any]) -> None:
    division, message_id = _staff(ctx), _message_id(message)
    if not (division and message_id):
        return
    name = str(message.get("fileName") or "")[:200]
    size = message.get("fileSize")
    if not accepted_name(name):
        ctx.reply(m.text(texts.refused_type(name)))
    elif isinstance(size, int) and size > ctx.settings.evidence_max_bytes:
        ctx.reply(m.text(texts.too_big(name, ctx.settings.evidence_max_bytes)))
    else:
        _receive(ctx, division, message_id, f"m{message_id}", 1, name)


def _receive(
    ctx: Context, division: str, message_id: str, batch: str, total: int, file_name: str
) -> None:
    if evidence_store.is_full(ctx.settings, ctx.org):
        quota = evidence_store.quota(ctx.settings, ctx.org)
        ctx.reply(m.text(texts.quota_full(quota)))
        return
    measure = records.recent_measure(ctx.r, ctx.org, ctx.user_id, ctx.now) or ""
    opened = records.open_batch(
        ctx.r, ctx.org, batch, user_id=ctx.user_id, division=division, total=total, measure=measure
    )
    if opened.new and not measure:
        ctx.reply(m.text(texts.ask_measure(total), _measure_choices(ctx, division, batch)))
    ctx.enqueue(
        FETCH_JOB,
        ctx.org,
        ctx.user_id,
        batch,
        message_id,
        file_name,
        job_id=f"evidence-{ctx.org}-{message_id}",  # the same file is fetched once
        retry=queues.retry_abandoned(),
    )


def _measure_choices(ctx: Context, division: str, batch: str) -> list[dict[str, Any]]:
    plan = ctx.plan
    assert plan is not None
    return [
        m.qr_postback(
            f"{chat_texts.measure_ref(x.id)} {x.short_title or x.title}",
            postback.encode(
                ctx.settings.signing_key, ctx.org, ctx.user_id, PostbackKind.EVIDENCE, batch, x.id
            ),
            chat_texts.measure_ref(x.id),
        )
        for x in plan.measures_of(division)[:13]
    ]


def confirmation(plan: Plan, measure_id: str, division: str, count: int) -> dict[str, Any]:
    """The message that says a batch is attached (from the tap, or from the fetch job)."""
    if count == 0:
        return m.text(texts.NOTHING_ATTACHED)
    measure = plan.measure(measure_id)
    title = (measure.short_title or measure.title) if measure else ""
    ref = chat_texts.measure_ref(measure_id)
    return m.text(
        texts.attached(count, ref, title, division),
        [m.qr_message(chat_texts.QR_UNDO), m.qr_message(chat_texts.QR_REPORT)],
    )


def tap(ctx: Context, parts: list[str]) -> None:
    """Postback ev|batch|measure: the answer to "which measure is this evidence of?"."""
    division = _staff(ctx)
    if not division:
        return
    assert ctx.plan is not None
    measure = ctx.plan.measure(parts[2]) if len(parts) == 3 else None
    if measure is None or division not in measure.owners:
        ctx.reply(m.text(chat_texts.STALE_BUTTON))
        return
    chosen = records.choose(ctx.r, ctx.org, parts[1], ctx.user_id, measure.id)
    if chosen.missing:
        ctx.reply(m.text(texts.STALE_QUESTION))
    elif chosen.already:
        ctx.reply(m.text(texts.already_chosen(chat_texts.measure_ref(chosen.already))))
    elif chosen.complete is not None:
        ctx.reply(confirmation(ctx.plan, measure.id, division, chosen.complete))
    else:  # files of the batch are still being fetched: the job confirms
        ref = chat_texts.measure_ref(measure.id)
        ctx.reply(m.text(texts.will_attach(ref, measure.short_title or measure.title)))


def undone(ctx: Context, removed: list[str]) -> str:
    """`ยกเลิก` took these evidence records off their cells: delete their files, say which."""
    blobs = evidence_store.blob_store(ctx.settings)
    lines = []
    for raw in removed:
        item = records.Item.from_json(raw)
        blobs.delete(ctx.org, item.id)
        blobs.delete(ctx.org, records.thumb_id(item.id))
        lines.append((chat_texts.measure_ref(item.measure), item.file_name))
    return texts.evidence_undone(lines)
