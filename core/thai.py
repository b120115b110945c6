"""Thai digits and Buddhist-era dates, shared by messages, the memo and the parser."""

from __future__ import annotations

import os
from datetime import date, datetime

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)


def to_thai_digits(text: object) -> str:
    return str(text).translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def thai_date(day: date | datetime, *, digits: bool = True) -> str:
    """'๓๑ มีนาคม ๒๕๖๔' — the form official memos use."""
    text = f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"
    return to_thai_digits(text) if digits else text


def thai_date_short(day: date | datetime, *, digits: bool = True) -> str:
    text = f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {(day.year + 543) % 100:02d}"
    return to_thai_digits(text) if digits else text


def thai_datetime(moment: datetime, *, digits: bool = True) -> str:
    text = f"{thai_date(moment, digits=False)} เวลา {moment:%H.%M} น."
    return to_thai_digits(text) if digits else text
