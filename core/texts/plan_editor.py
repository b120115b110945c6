"""Thai words of the web plan editor computed in Python: field labels next to errors, the
summary of a plan revision, and the notes after saving (the pages' fixed words are in
templates plan*.html)."""

from __future__ import annotations

from core.thai import to_thai_digits

# a form field (without its row number) → its label in Thai
FIELD_LABELS = {
    "org.name": "ชื่อหน่วยงาน",
    "org.short_name": "ชื่อย่อ",
    "org.district": "อำเภอ",
    "org.province": "จังหวัด",
    "memo.office": "ส่วนราชการ",
    "memo.phone": "โทรศัพท์",
    "memo.ref": "ที่",
    "memo.subject": "เรื่อง",
    "memo.to": "เรียน",
    "memo.assessed_year": "ปีงบประมาณที่ประเมิน (พ.ศ.)",
    "memo.ita_score": "คะแนน ITA",
    "memo.ita_level": "ระดับ ITA",
    "memo.analysis_memo_date": "วันที่บันทึกวิเคราะห์ผล",
    "memo.analysis_memo_item": "ข้อของบันทึกวิเคราะห์ผล",
    "memo.website_request": "ขอเผยแพร่บนเว็บไซต์",
    "memo.author.name": "ชื่อผู้จัดทำ",
    "memo.author.position": "ตำแหน่งผู้จัดทำ",
    "divisions": "หน่วยงาน",
    "divisions.": "ชื่อหน่วยงาน",
    "measures": "มาตรการ",
    "measures.id": "เลขข้อ",
    "measures.title": "ชื่อมาตรการ",
    "measures.short_title": "ชื่อย่อมาตรการ",
    "measures.steps": "ขั้นตอนหรือวิธีการ",
    "measures.owners": "ผู้รับผิดชอบ",
    "measures.monitoring": "การกำกับติดตาม",
    "chain": "สายการเสนอ",
    "chain.position": "ตำแหน่ง",
    "chain.name": "ชื่อ",
    "deadline": "กำหนดส่ง",
    "reminders.days_before": "แจ้งเตือนก่อนกำหนด (วัน)",
    "reminders.time": "เวลาแจ้งเตือน",
    "timezone": "เขตเวลา",
}
ROW_OF = {"divisions": "หน่วยงานลำดับที่", "measures": "มาตรการลำดับที่", "chain": "ลำดับการเสนอที่"}


def field_label(section: str, row: int | None, label: str) -> str:
    """'มาตรการลำดับที่ ๓ · ผู้รับผิดชอบ' for a row's field, else the field's label alone."""
    if row is None:
        return label
    return f"{ROW_OF[section]} {to_thai_digits(row + 1)} · {label}"


def problem(label: str, message: str) -> str:
    return f"ช่อง {label}: {message}"


PLAN_CHANGED_MEANWHILE = (
    "แผนถูกแก้ไขโดยผู้อื่นระหว่างที่ท่านแก้ไข ยังไม่ได้บันทึกสิ่งใด กรุณาตรวจดูแผนล่าสุดด้านล่าง แล้วแก้ไขอีกครั้ง"
)
SAVED = "บันทึกแผนแล้ว มีผลทันทีกับการรายงาน การแจ้งเตือน และบันทึกข้อความฉบับต่อไป"
NO_CHANGE = "ไม่มีสิ่งใดเปลี่ยนแปลง จึงไม่ได้บันทึกฉบับแก้ไขใหม่"

# the summary of a revision, one line per change
ORG_CHANGED = "แก้ไขข้อมูลหน่วยงาน"
MEMO_CHANGED = "แก้ไขหัวบันทึกข้อความ"
CHAIN_CHANGED = "แก้ไขสายการเสนอ"
REMINDERS_CHANGED = "เปลี่ยนกำหนดการแจ้งเตือน"
MEASURES_REORDERED = "เปลี่ยนลำดับมาตรการ"
DIVISIONS_REORDERED = "เปลี่ยนลำดับหน่วยงาน"


# one line of a revision's summary, by what changed; ids come in Thai digits
CHANGE_LINES = {
    "fields": "{0}: {1}",  # a part of the plan and the labels of its changed fields
    "division_added": "เพิ่มหน่วยงาน {0}",
    "division_removed": "ลบหน่วยงาน {0}",
    "measure_added": "เพิ่มมาตรการข้อ {0} {1}",
    "measure_removed": "ลบมาตรการข้อ {0} {1}",
    "measure_changed": "แก้ไขมาตรการข้อ {0}: {1}",
    "deadline_moved": "เปลี่ยนกำหนดส่งเป็น {0}",
    "timezone_changed": "เปลี่ยนเขตเวลาเป็น {0}",
}


def change_line(kind: str, *parts: str | list[str]) -> str:
    """A summary line of CHANGE_LINES; a list of labels is written comma-separated."""
    return CHANGE_LINES[kind].format(*(", ".join(p) if isinstance(p, list) else p for p in parts))


def reminders_now(days: list[int], hhmm: str) -> str:
    listed = ", ".join(to_thai_digits(d) for d in days)
    return f"{REMINDERS_CHANGED}: {listed} วันก่อนกำหนด เวลา {to_thai_digits(hhmm)} น."


def cell_dropped(measure_id: str, division: str) -> str:
    return f"ข้อ {to_thai_digits(measure_id)} · {division}"


def plan_first_loaded(measures: int, divisions: int) -> str:
    """The revision line of a plan loaded where there was none (`itabot plan load`)."""
    return f"โหลดแผนเข้าระบบครั้งแรก: มาตรการ {to_thai_digits(measures)} ข้อ {to_thai_digits(divisions)} หน่วยงาน"
