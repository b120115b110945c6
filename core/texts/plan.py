"""What is wrong with a plan file, in Thai an admin can act on (the CLI and the web upload
show these lines)."""

from __future__ import annotations

# pydantic's error type → what it means for a field of the plan
FIELD_WORDS = {
    "missing": "ขาดช่องที่ต้องมี",
    "extra_forbidden": "ไม่รู้จักช่องนี้ (สะกดผิดหรือเกินมา)",
    "string_too_short": "ต้องไม่เว้นว่าง",
    "too_short": "ต้องมีอย่างน้อยหนึ่งรายการ",
    "string_pattern_mismatch": "รูปแบบไม่ถูกต้อง",
    "int_parsing": "ต้องเป็นตัวเลขจำนวนเต็ม",
    "float_parsing": "ต้องเป็นตัวเลข",
    "date_from_datetime_parsing": "ต้องเป็นวันที่แบบ ปปปป-ดด-วว (ค.ศ.)",
    "date_parsing": "ต้องเป็นวันที่แบบ ปปปป-ดด-วว (ค.ศ.)",
    "datetime_from_date_parsing": "ต้องเป็นวันเวลาแบบ 2021-03-31T16:30:00+07:00",
    "datetime_parsing": "ต้องเป็นวันเวลาแบบ 2021-03-31T16:30:00+07:00",
    "list_type": "ต้องเป็นรายการ [ ... ]",
    "string_type": "ต้องเป็นข้อความ",
    "dict_type": "ต้องเป็นกลุ่มช่อง (mapping)",
    "model_type": "ต้องเป็นกลุ่มช่อง (mapping)",
    "greater_than_equal": "ค่าน้อยเกินไป",
    "less_than_equal": "ค่ามากเกินไป",
}

# a field's value
DAYS_OUT_OF_RANGE = "จำนวนวันต้องอยู่ระหว่าง ๐ ถึง ๓๖๖"
BAD_TIME = "เวลาต้องเขียนแบบ ชช:นน เช่น 09:00"
DEADLINE_WITHOUT_ZONE = "ต้องระบุเขตเวลา เช่น 2021-03-31T16:30:00+07:00"


def unknown_timezone(value: str) -> str:
    return f"ไม่รู้จักเขตเวลา “{value}”"


# names that must be distinct
def owner_twice(owner: str) -> str:
    return f"หน่วยงาน “{owner}” ซ้ำในรายการผู้รับผิดชอบ"


def measure_id_twice(measure_id: str) -> str:
    return f"เลขมาตรการ {measure_id} ซ้ำกัน"


def owner_not_a_division(owner: str) -> str:
    return f"“{owner}” ไม่อยู่ในรายชื่อหน่วยงาน (divisions)"


DIVISIONS_TWICE = "มีชื่อหน่วยงานซ้ำกัน"
ADMIN_AS_DIVISION = "ใช้ชื่อ admin เป็นชื่อหน่วยงานไม่ได้"
POSITION_TWICE = "ตำแหน่งในสายการเสนอซ้ำกัน"
POSITION_CLASH = "ตำแหน่งต้องไม่ซ้ำกับชื่อหน่วยงานหรือคำว่า admin"


# the file as a whole, and where in it a problem is
WHOLE_FILE = "(ทั้งไฟล์)"
NOT_A_MAPPING = "ไฟล์แผนต้องเป็นกลุ่มช่อง org, memo, divisions, measures, chain, deadline"
NOT_UTF8 = "ไฟล์ต้องเป็น UTF-8"


def where(line: int | None) -> str:
    """The place a problem is at: its line, or the file as a whole."""
    return f"บรรทัด {line}" if line else "ไฟล์"


def field_problem(source: str, line: int | None, field: str, message: str) -> str:
    return f"{source}: {where(line)}: ช่อง {field}: {message}"


def unreadable_yaml(source: str, line: int | None, problem: object) -> str:
    return f"{source}: {where(line)}: อ่าน YAML ไม่ได้ ({problem})"


def cannot_open(path: str, reason: str | None) -> str:
    return f"{path}: เปิดไฟล์ไม่ได้ ({reason})"


# memo.emblem, the office's ครุฑ (store/emblem.py)
def emblem_too_big(name: str, megabytes: int) -> str:
    return f"ไฟล์ภาพครุฑ “{name}” ใหญ่เกิน {megabytes} MB"


def emblem_cannot_open(name: str, reason: str) -> str:
    return f"เปิดไฟล์ภาพครุฑ “{name}” ไม่ได้ ({reason})"


def emblem_broken_png(name: str) -> str:
    return f"ไฟล์ภาพครุฑ “{name}” เป็น PNG ที่เสีย"


def emblem_not_an_image(name: str) -> str:
    return f"ไฟล์ภาพครุฑ “{name}” ต้องเป็นภาพ PNG หรือ SVG"


EMBLEM_BAD_DATA = "ข้อมูลภาพครุฑเสีย (base64)"
EMBLEM_WRONG_KIND = "ข้อมูลภาพครุฑไม่ตรงกับชนิดไฟล์"
