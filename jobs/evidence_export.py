"""The ITA evidence export: one ZIP per organisation, a folder per measure holding its files,
and at the top an index as `index.csv` (with a header row) and `index.html` (readable offline:
no script, no outside resource, links and thumbnails relative to the files beside it).

Built by the web page's button and by `itabot evidence export`."""

from __future__ import annotations

import csv
import html
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

import redis

from core.config import Settings
from core.texts import chat as chat_texts
from core.texts import evidence as texts
from core.thai import to_thai_digits
from store import evidence_records as records
from store import status as status_store
from store.evidence import blob_store
from store.plan_schema import Plan


@dataclass(frozen=True)
class Row:
    measure: str  # ข้อ ๓ and the title
    division: str
    sender: str
    date: str
    note: str
    path: str  # inside the ZIP
    item: records.Item


def _safe(part: str) -> str:
    return "".join("-" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in part).strip()


def rows(r: redis.Redis, plan: Plan) -> list[Row]:
    """Every item, in plan order of measures, each with its place in the ZIP."""
    matrix = status_store.read_matrix(r, plan)
    items = records.all_items(r, plan.org.id)
    found = []
    for measure in plan.measures:
        folder = f"{texts.FOLDER_PREFIX}-{measure.id}"
        own = [i for i in items if i.measure == measure.id]
        for number, item in enumerate(own, start=1):
            moment = datetime.fromisoformat(item.at).astimezone(plan.tz)
            note = item.note or matrix.cell(measure.id, item.division).note or ""
            name = _safe(f"{number:02d}-{item.division}-{item.file_name}")
            found.append(
                Row(
                    f"{chat_texts.measure_ref(measure.id)} {measure.short_title or measure.title}",
                    item.division,
                    item.by_name,
                    f"{moment:%Y-%m-%d %H:%M}",
                    note,
                    f"{folder}/{name}",
                    item,
                )
            )
    return found


def index_csv(found: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(texts.INDEX_HEADER)
    for row in found:
        writer.writerow([row.measure, row.division, row.sender, row.date, row.note, row.path])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads it as UTF-8


_STYLE = (
    "body{font-family:sans-serif;margin:1rem;max-width:60rem}table{border-collapse:collapse;"
    "width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}img{max-width:8rem;max-height:8rem}"
)


def _cell(row: Row) -> str:
    link = html.escape(row.path, quote=True)
    picture = f'<img src="{link}" alt="">' if row.item.is_image else ""
    return f'<a href="{link}">{picture}{html.escape(row.item.file_name)}</a>'


def index_html(plan: Plan, found: list[Row]) -> bytes:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in texts.INDEX_HEADER)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(v)}</td>"
            for v in (row.measure, row.division, row.sender, to_thai_digits(row.date), row.note)
        )
        + f"<td>{_cell(row)}</td></tr>"
        for row in found
    )
    table = f"<table><tr>{head}</tr>{body}</table>" if found else f"<p>{texts.INDEX_EMPTY}</p>"
    page = (
        '<!doctype html><html lang="th"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(texts.INDEX_TITLE)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(texts.INDEX_TITLE)}</h1>"
        f"<p>{html.escape(texts.index_heading(plan.org.name, len(found)))}</p>{table}</body></html>"
    )
    return page.encode("utf-8")


def build(settings: Settings, r: redis.Redis, plan: Plan) -> tuple[bytes, int]:
    """The ZIP's bytes and the number of items in it."""
    found = rows(r, plan)
    blobs = blob_store(settings)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.csv", index_csv(found))
        archive.writestr("index.html", index_html(plan, found))
        for row in found:
            stored = blobs.get(plan.org.id, row.item.id)
            if stored is not None:
                archive.writestr(row.path, stored[0])
    return out.getvalue(), len(found)
