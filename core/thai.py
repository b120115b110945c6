"""Thai digits and Buddhist-era dates: the one converter messages, the memo, the plan and
the parser use."""

from __future__ import annotations

import os
from datetime import date, datetime

from core.texts.dates import DATE_AT_TIME, THAI_MONTHS, THAI_MONTHS_SHORT

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

__all__ = [
    "THAI_DIGITS",
    "THAI_MONTHS",
    "THAI_MONTHS_SHORT",
    "thai_date",
    "thai_datetime",
    "to_arabic_digits",
    "to_thai_digits",
]

BUDDHIST_ERA_OFFSET = 543
THAI_DIGITS = "".join(chr(0x0E50 + n) for n in range(10))  # ๐ … ๙ (U+0E50 … U+0E59)
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")


def to_thai_digits(text: object) -> str:
    return str(text).translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def thai_date(day: date | datetime, *, digits: bool = True) -> str:
    """'๓๑ มีนาคม ๒๕๖๔' — the form official memos use."""
    text = f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + BUDDHIST_ERA_OFFSET}"
    return to_thai_digits(text) if digits else text


def thai_datetime(moment: datetime, *, digits: bool = True) -> str:
    text = DATE_AT_TIME.format(date=thai_date(moment, digits=False), time=f"{moment:%H.%M}")
    return to_thai_digits(text) if digits else text
