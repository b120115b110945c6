"""The plan as an Excel workbook, both ways: one sheet per part of the plan file (organisation,
memo header, divisions, measures, review chain, dates), and back, validated like a plan file
with every problem placed at its sheet, row and column."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.texts import plan as texts
from store.plan_schema import Plan, PlanError, PlanFieldErrors, validate_plan

# (sheet, the plan's field the sheet's keys sit under, the keys in the order written)
KEY_VALUE_SHEETS: list[tuple[str, str | None, list[str]]] = [
    (texts.ORG_SHEET, "org", ["id", "name", "short_name", "district", "province"]),
    (
        texts.MEMO_SHEET,
        "memo",
        [
            *("office", "phone", "ref", "subject", "to", "assessed_year", "ita_score"),
            *("ita_level", "analysis_memo_date", "analysis_memo_item"),
            *("author.name", "author.position", "website_request"),
        ],
    ),
    (
        texts.SCHEDULE_SHEET,
        None,
        ["deadline", "reminders.days_before", "reminders.time", "timezone"],
    ),
]
# (sheet, the plan's list, {field: header}); a field under a list is written comma-separated
TABLE_SHEETS: list[tuple[str, str, dict[str, str]]] = [
    (texts.DIVISIONS_SHEET, "divisions", {"": texts.DIVISION_HEADER}),
    (texts.MEASURES_SHEET, "measures", texts.MEASURE_HEADERS),
    (texts.CHAIN_SHEET, "chain", texts.CHAIN_HEADERS),
]
LIST_FIELDS = {"owners", "reminders.days_before"}
WIDTHS = {"": 36, "id": 6, "title": 48, "short_title": 24, "steps": 60, "owners": 40}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Place = tuple[str, int | None, str | None]  # sheet, row, column ("E “ผู้รับผิดชอบ”")


# -- plan → workbook ---------------------------------------------------------------------------


def _dig(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _cell_text(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row=row, column=column, value=_cell_text(value))
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text that starts with "=" stays text, never a formula
        cell.number_format = "@"  # and Excel keeps "1" or "042-219917" as typed


def _header(sheet: Worksheet, names: list[str], widths: list[int]) -> None:
    for index, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        sheet.cell(row=1, column=index, value=name).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def workbook_bytes(data: dict[str, Any] | None) -> bytes:
    """The workbook of a plan's data (Plan.model_dump(mode="json")); None: an empty template."""
    data = data or {}
    book = Workbook()
    book.remove(book.active)
    for title, root, keys in KEY_VALUE_SHEETS:
        sheet = book.create_sheet(title)
        _header(sheet, list(texts.KEY_VALUE_HEADER), [24, 60, 44])
        for row, name in enumerate(keys, start=2):
            path = f"{root}.{name}" if root else name
            _put(sheet, row, 1, name)
            _put(sheet, row, 2, _dig(data, path))
            _put(sheet, row, 3, texts.FIELD_LABELS[path])
    for title, list_name, headers in TABLE_SHEETS:
        sheet = book.create_sheet(title)
        _header(sheet, list(headers.values()), [WIDTHS.get(f, 30) for f in headers])
        for row, item in enumerate(data.get(list_name) or [], start=2):
            for column, name in enumerate(headers, start=1):
                _put(sheet, row, column, item if not name else item.get(name))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan_workbook(plan: Plan) -> bytes:
    return workbook_bytes(plan.model_dump(mode="json"))


# -- workbook → plan ---------------------------------------------------------------------------


@dataclass
class _Reading:
    data: dict[str, Any] = field(default_factory=dict)
    places: dict[tuple[Any, ...], Place] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _value(value: Any, path: str) -> Any:
    """A cell as the plan file would hold it; None for an empty cell."""
    if isinstance(value, str):
        value = value.strip()
        if path in LIST_FIELDS:
            return [part.strip() for part in value.split(",") if part.strip()]
        return value or None
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, datetime):  # a cell Excel turned into a date
        return value.date().isoformat() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [value] if path in LIST_FIELDS else str(value)


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _column(index: int, name: str) -> str:
    return f"{get_column_letter(index)} “{name}”"


def _rows(sheet: Worksheet) -> list[tuple[int, tuple[Any, ...]]]:
    """(row number as Excel shows it, cells) of every non-empty row below the header."""
    rows = sheet.iter_rows(min_row=2, values_only=True)
    return [
        (number, cells)
        for number, cells in enumerate(rows, start=2)
        if any(c is not None and str(c).strip() for c in cells)
    ]


def _read_key_values(reading: _Reading, sheet: Worksheet, title: str, root: str | None) -> None:
    base = (root,) if root else ()
    reading.places[base] = (title, None, None)
    column = _column(2, texts.KEY_VALUE_HEADER[1])
    for number, cells in _rows(sheet):
        name = str(cells[0] or "").strip()
        if not name:
            continue
        path = (*base, *name.split("."))
        reading.places[path] = (title, number, column)
        value = _value(cells[1] if len(cells) > 1 else None, ".".join(path))
        if value is not None:
            _set(reading.data, path, value)
    if root:
        reading.data.setdefault(root, {})


def _read_table(
    reading: _Reading, sheet: Worksheet, title: str, list_name: str, headers: dict[str, str]
) -> None:
    reading.places[(list_name,)] = (title, None, None)
    found = [str(c or "").strip() for c in next(sheet.iter_rows(max_row=1, values_only=True), ())]
    columns = {}
    for name, header in headers.items():
        if header in found:
            columns[name] = found.index(header)
        elif name in ("", "id", "title", "steps", "owners", "position", "name"):
            reading.problems.append(texts.missing_column(title, header))
    items: list[Any] = []
    for index, (number, cells) in enumerate(_rows(sheet)):
        reading.places[(list_name, index)] = (title, number, None)
        item: dict[str, Any] = {}
        for name, at in columns.items():
            reading.places[(list_name, index, name)] = (
                title,
                number,
                _column(at + 1, headers[name]),
            )
            value = _value(cells[at] if at < len(cells) else None, name)
            if value is not None:
                item[name] = value
        if "" in columns:  # a plain list (divisions): the cell itself
            reading.places[(list_name, index)] = reading.places[(list_name, index, "")]
            items.append(item.get(""))
        else:
            items.append(item)
    reading.data[list_name] = items


def _read(book: Any) -> _Reading:
    reading = _Reading()
    for title, root, _ in KEY_VALUE_SHEETS:
        if title not in book.sheetnames:
            reading.problems.append(texts.missing_sheet(title))
        else:
            _read_key_values(reading, book[title], title, root)
    for title, list_name, headers in TABLE_SHEETS:
        if title not in book.sheetnames:
            reading.problems.append(texts.missing_sheet(title))
        else:
            _read_table(reading, book[title], title, list_name, headers)
    return reading


def _zoned_deadline(data: dict[str, Any]) -> None:
    """A deadline Excel made a date-time has no zone: it is the plan's wall-clock time."""
    deadline = data.get("deadline")
    if isinstance(deadline, datetime) and deadline.tzinfo is None:
        try:
            zone = ZoneInfo(str(data.get("timezone") or "Asia/Bangkok"))
        except (ValueError, KeyError):
            return  # the time zone's own row reports it
        data["deadline"] = deadline.replace(tzinfo=zone).isoformat()
    elif isinstance(deadline, datetime):
        data["deadline"] = deadline.isoformat()


def _place(places: dict[tuple[Any, ...], Place], loc: tuple[Any, ...]) -> Place | None:
    for length in range(len(loc), 0, -1):
        if loc[:length] in places:
            return places[loc[:length]]
    return None


def read_workbook(content: bytes) -> Plan:
    """The plan in an uploaded workbook; PlanError naming sheet, row and column otherwise."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zip, XML and key errors for what is not an .xlsx
        raise PlanError([texts.WORKBOOK_UNREADABLE]) from None
    reading = _read(book)
    book.close()
    if reading.problems:
        raise PlanError(reading.problems)
    _zoned_deadline(reading.data)
    try:
        return validate_plan(reading.data)
    except PlanFieldErrors as exc:
        problems = []
        for loc, message in exc.errors:
            sheet, row, column = _place(reading.places, loc) or (None, None, None)
            dotted = ".".join(str(part) for part in loc)
            problems.append(texts.sheet_problem(sheet, row, column, dotted, message))
        raise PlanError(problems) from None
