"""How stored values print on the pages and in exports: times in the plan's zone, percents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core.texts import web as web_texts
from core.thai import THAI_MONTHS_SHORT, to_thai_digits


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def short_datetime(value: str | datetime | None, tz: ZoneInfo) -> str:
    """Day, short month, two-digit Buddhist year and clock time, in Thai digits, in the
    plan's time zone; '' when unknown."""
    moment = parse_iso(value) if isinstance(value, str) or value is None else value
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    month = THAI_MONTHS_SHORT[local.month - 1]
    clock = web_texts.clock(f"{local:%H.%M}")
    return to_thai_digits(f"{local.day} {month} {(local.year + 543) % 100:02d} {clock}")


def percent(value: float) -> int:
    return round(value * 100)
