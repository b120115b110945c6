"""What a cell's evidence page shows: the cell (measure, division, status) and its items, as
plain data."""

from __future__ import annotations

from dataclasses import dataclass

from bot.web.display import short_datetime
from core.file_types import DOCX, PDF, XLSX
from core.texts import chat as chat_texts
from core.texts import evidence as texts
from store.evidence_records import Item
from store.plan_schema import Plan
from store.status import Cell

KIND = {PDF: "PDF", DOCX: "Word", XLSX: "Excel"}


@dataclass(frozen=True)
class ItemView:
    id: str
    file_name: str
    by_name: str
    at: str
    note: str
    is_image: bool
    has_thumb: bool
    kind: str
    size: str


@dataclass(frozen=True)
class CellEvidenceView:
    measure: str
    ref: str
    title: str
    division: str
    status: str
    status_label: str
    note: str
    items: list[ItemView]


def item_view(plan: Plan, item: Item) -> ItemView:
    return ItemView(
        item.id,
        item.file_name,
        item.by_name,
        short_datetime(item.at, plan.tz),
        item.note,
        item.is_image,
        item.thumb,
        KIND.get(item.content_type, item.content_type.split("/")[-1].upper()),
        texts.megabytes(item.size),
    )


def cell_view(plan: Plan, cell: Cell, items: list[Item]) -> CellEvidenceView:
    measure = plan.measure(cell.measure)
    assert measure is not None
    return CellEvidenceView(
        measure.id,
        chat_texts.measure_ref(measure.id),
        measure.short_title or measure.title,
        cell.division,
        cell.status,
        chat_texts.STATUS_LABEL[cell.status],
        cell.note or "",
        [item_view(plan, item) for item in reversed(items)],  # newest first
    )
