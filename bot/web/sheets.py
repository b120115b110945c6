"""Statuses and history as CSV (UTF-8 with BOM, so Excel shows Thai) and as .xlsx (openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.web.display import parse_iso
from core.texts import chat as texts
from core.texts import web as web_texts
from store.plan_schema import Plan
from store.status import Matrix

Cell = str | int | float | datetime | None

# A spreadsheet runs a cell that starts like a formula; text typed in LINE must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Cell]]
    widths: list[int]


def _local(value: str | None, plan: Plan) -> datetime | None:
    moment = parse_iso(value)
    # Excel has no time zones: write the plan's wall-clock time, naive.
    return moment.astimezone(plan.tz).replace(tzinfo=None) if moment else None


def status_sheets(plan: Plan, matrix: Matrix) -> list[Sheet]:
    """A matrix like the web page, and one row per measure × owning division."""
    overview = Sheet(
        web_texts.OVERVIEW_SHEET,
        [*web_texts.OVERVIEW_LEAD, *plan.divisions, *web_texts.OVERVIEW_TAIL],
        [],
        [6, 48, *[16] * len(plan.divisions), 24, 14],
    )
    detail = Sheet(
        web_texts.DETAIL_SHEET, list(web_texts.DETAIL_HEADER), [], [6, 48, 18, 26, 26, 36, 22, 22]
    )
    for measure in plan.measures:
        measure_status = texts.STATUS_LABEL[matrix.measure_status(measure.id)]
        row: list[Cell] = [measure.id, measure.title]
        for division in plan.divisions:
            row.append(
                texts.STATUS_LABEL[matrix.cell(measure.id, division).status]
                if division in measure.owners
                else "—"
            )
        row += [measure_status, round(matrix.progress(measure.id) * 100)]
        overview.rows.append(row)
        for division in measure.owners:
            cell = matrix.cell(measure.id, division)
            detail.rows.append(
                [
                    measure.id,
                    measure.title,
                    division,
                    texts.STATUS_LABEL[cell.status],
                    measure_status,
                    cell.note or "",
                    cell.by_name or "",
                    _local(cell.at, plan),
                ]
            )
    return [overview, detail]


def history_sheet(plan: Plan, entries: list[dict[str, Any]]) -> Sheet:
    sheet = Sheet(
        web_texts.HISTORY_SHEET,
        list(web_texts.HISTORY_HEADER),
        [],
        [8, 20, 22, 18, 6, 40, 24, 24, 30, 50, 16],
    )
    for entry in entries:
        measure = plan.measure(entry.get("measure", ""))
        note = entry.get("note")
        sheet.rows.append(
            [
                int(entry.get("id") or 0),
                _local(entry.get("at"), plan),
                entry.get("by_name") or "",
                entry.get("division", ""),
                entry.get("measure", ""),
                measure.title if measure else "",
                texts.STATUS_LABEL.get(entry.get("old", ""), entry.get("old", "")),
                texts.STATUS_LABEL.get(entry.get("new", ""), entry.get("new", "")),
                note if isinstance(note, str) else "",
                entry.get("source") or "",
                web_texts.kind_label(entry.get("kind")),
            ]
        )
    return sheet


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def to_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append(sheet.header)
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in sheet.rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # openpyxl would store it as a formula
                elif isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
