"""The memo's optional annex "ภาคผนวก หลักฐานการดำเนินการ" (plan: `evidence: {memo_annex:
true}`): each measure's evidence with a small thumbnail for photos, the sender, the date, and
the note or link.

Kept apart from the memo's body: `annex_of` builds the annex's part of the document model
(JSON-able, the thumbnails as lists of byte values, which typst turns back into bytes), the
typst template draws it with annex.typ, and `add_to_docx` appends it to the DOCX. The hooks
are one line each: compile.memo_input, render.document_of, docx.build_docx and memo.typ.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from PIL import Image

from core.config import load_settings
from core.file_types import DOCX, PDF, XLSX
from core.texts import evidence as texts
from core.thai import thai_date, to_thai_digits
from jobs.memo.content import clean, thai_number
from store import evidence_records as records
from store.db import connect
from store.evidence import blob_store
from store.plan_schema import Plan

THUMB_PX = 240  # the annex's thumbnails: about 3 cm wide on the page
KIND = {PDF: "PDF", DOCX: "Word", XLSX: "Excel"}


def _small(jpeg: bytes) -> list[int]:
    with Image.open(io.BytesIO(jpeg)) as image:
        image.thumbnail((THUMB_PX, THUMB_PX))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=70)
    return list(out.getvalue())


def _entry(plan: Plan, item: records.Item, thumb: bytes | None) -> dict[str, Any]:
    moment = datetime.fromisoformat(item.at).astimezone(plan.tz)
    note = item.note.strip()
    return {
        "name": clean(item.file_name),
        "by": clean(texts.annex_sender(item.division, item.by_name)),
        "date": f"{thai_date(moment.date())} {to_thai_digits(f'{moment:%H.%M}')}",
        "note": clean(note),
        "link": note if note.startswith(("http://", "https://")) else "",
        "kind": KIND.get(item.content_type, ""),
        "thumb": _small(thumb) if thumb else None,
    }


def annex_of(plan: Plan) -> dict[str, Any] | None:
    """The annex's document model, or None when the plan does not ask for one."""
    if not plan.evidence.memo_annex:
        return None
    settings = load_settings()
    items = records.all_items(connect(settings.redis_url), plan.org.id)
    blobs = blob_store(settings)
    measures = []
    for measure in plan.measures:
        entries = []
        for item in (i for i in items if i.measure == measure.id):
            stored = blobs.get(plan.org.id, records.thumb_id(item.id)) if item.thumb else None
            entries.append(_entry(plan, item, stored[0] if stored else None))
        label = f"({thai_number(measure.id)}) {clean(measure.title)}"
        measures.append({"label": label, "items": entries})
    return {"heading": texts.ANNEX_HEADING, "empty": texts.ANNEX_EMPTY, "measures": measures}


def add_to_docx(package: bytes, annex: dict[str, Any]) -> bytes:
    """The DOCX with the annex appended on a page of its own."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    doc = Document(io.BytesIO(package))
    heading = doc.add_paragraph()
    heading.add_run().add_break(WD_BREAK.PAGE)
    _thai_run(heading, annex["heading"], bold=True)
    for measure in annex["measures"]:
        _thai_run(doc.add_paragraph(), measure["label"], bold=True)
        if not measure["items"]:
            _thai_run(doc.add_paragraph(), annex["empty"])
        for entry in measure["items"]:
            if entry["thumb"]:
                doc.add_picture(io.BytesIO(bytes(entry["thumb"])), width=Cm(3))
            line = doc.add_paragraph()
            for text in (entry["name"], entry["by"], entry["date"], entry["note"]):
                if text:
                    _thai_run(line, text)
                    line.add_run().add_break()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _thai_run(paragraph: Any, text: str, *, bold: bool = False) -> None:
    """A run in the memo's font at 16 pt, its Thai (complex-script) slots set too, in the
    order the schema wants (b bCs … sz szCs … lang)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from jobs.memo.docx import FONT

    run = paragraph.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(16)
    props = run._element.get_or_add_rPr()
    fonts = props.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if bold:
        props.find(qn("w:b")).addnext(props.makeelement(qn("w:bCs"), {}))
    props.find(qn("w:sz")).addnext(props.makeelement(qn("w:szCs"), {qn("w:val"): "32"}))
    props.append(props.makeelement(qn("w:lang"), {qn("w:bidi"): "th-TH"}))
