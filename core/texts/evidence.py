"""Every sentence about evidence (photos and files): in the chat, on the web pages, in the
ITA evidence export and from `itabot evidence`."""

from __future__ import annotations

from core.thai import to_thai_digits

MB = 1024 * 1024
ACCEPTED = "ไฟล์ PDF รูปภาพ JPG หรือ PNG และไฟล์ Word หรือ Excel (DOCX, XLSX)"


def megabytes(size: int) -> str:
    value = size / MB
    if value >= 10 or value == int(value):
        return to_thai_digits(f"{value:.0f}")
    return to_thai_digits(f"{value:.1f}" if value >= 1 else f"{value:.2f}")


# -- the chat -----------------------------------------------------------------------------


def refused_type(file_name: str) -> str:
    what = f"ไฟล์ “{file_name}”" if file_name else "ไฟล์นี้"
    return f"ขออภัยครับ ระบบรับหลักฐานเป็น{ACCEPTED} เท่านั้น {what}จึงไม่ได้บันทึก"


def too_big(file_name: str, limit: int) -> str:
    what = f"ไฟล์ “{file_name}”" if file_name else "ไฟล์นี้"
    return (
        f"ขออภัยครับ {what}มีขนาดเกิน {megabytes(limit)} MB ซึ่งเป็นขนาดสูงสุดที่ระบบรับ "
        "จึงไม่ได้บันทึก กรุณาย่อขนาดไฟล์ หรือส่งเป็นลิงก์แทน"
    )


def quota_full(quota: int) -> str:
    return (
        f"ขออภัยครับ พื้นที่เก็บหลักฐานของหน่วยงานเต็มแล้ว ({megabytes(quota)} MB) "
        "ระบบจึงไม่ได้บันทึกไฟล์นี้ กรุณาแจ้งผู้ดูแลระบบให้ลบหลักฐานที่ไม่ใช้แล้ว หรือขยายพื้นที่"
    )


CONTENT_GONE = "ขออภัยครับ ระบบดึงไฟล์จาก LINE ไม่ได้ (ไฟล์อาจหมดอายุแล้ว) กรุณาส่งใหม่อีกครั้ง"
NOT_STAFF = (
    "ขออภัยครับ หลักฐานรับจากเจ้าหน้าที่ผู้รายงานของหน่วยงานเท่านั้น "
    "ท่านยังไม่ได้ลงทะเบียนเป็นผู้รายงานของหน่วยงานใด ระบบจึงไม่ได้บันทึก"
)
ONLY_FILES = f"ขออภัยครับ ระบบรับข้อความตัวอักษร และหลักฐานเป็น{ACCEPTED} กรุณาพิมพ์หรือแตะปุ่ม"


def ask_measure(count: int) -> str:
    what = f"หลักฐาน {to_thai_digits(count)} รายการ" if count > 1 else "หลักฐาน"
    return f"ได้รับ{what}แล้วครับ เป็นหลักฐานของมาตรการข้อใด แตะเลือกข้อด้านล่าง"


def attached(count: int, ref: str, title: str, division: str) -> str:
    what = f"หลักฐาน {to_thai_digits(count)} รายการ" if count > 1 else "หลักฐาน"
    return f"แนบ{what}กับ {ref} {title} ของ{division} แล้วครับ\nหากไม่ถูกต้อง แตะ “ยกเลิก” ได้ครับ"


def will_attach(ref: str, title: str) -> str:
    return f"รับทราบครับ ระบบกำลังรับไฟล์ และจะแนบกับ {ref} {title} แล้วแจ้งให้ทราบอีกครั้ง"


def already_chosen(ref: str) -> str:
    return f"หลักฐานชุดนี้แนบกับ {ref} ไว้แล้วครับ"


NOTHING_ATTACHED = "ไม่มีไฟล์ในชุดนี้ที่บันทึกได้ครับ"
STALE_QUESTION = "คำถามนี้หมดอายุแล้วครับ กรุณาส่งหลักฐานใหม่อีกครั้ง"


def evidence_undone(lines: list[tuple[str, str]]) -> str:
    """lines: (measure ref, file name)."""
    body = "\n".join(f"• {ref}: {name}" for ref, name in lines)
    return f"ยกเลิกหลักฐานที่แนบล่าสุดแล้วครับ\n{body}"


# -- the web pages ------------------------------------------------------------------------

KIND_LABEL = {
    "evidence": "แนบหลักฐาน",
    "evidence-undo": "ยกเลิกหลักฐาน",
    "evidence-remove": "ลบหลักฐาน",
}
DONE_NOTES = {
    "removed": "ลบหลักฐานแล้ว (ยังคงบันทึกไว้ในประวัติ)",
    "remove-missing": "ไม่พบหลักฐานนี้ อาจถูกลบไปแล้ว",
    "uploaded": "เพิ่มหลักฐานแล้ว",
    "bad-file": f"เพิ่มไม่ได้: ระบบรับ{ACCEPTED} เท่านั้น",
    "too-big": "เพิ่มไม่ได้: ไฟล์มีขนาดเกินที่ระบบรับ",
    "quota-full": "เพิ่มไม่ได้: พื้นที่เก็บหลักฐานของหน่วยงานเต็มแล้ว",
    "no-file": "กรุณาเลือกไฟล์ก่อน",
}
REFUSED_NOTES = ("remove-missing", "bad-file", "too-big", "quota-full", "no-file")
REMOVED_FROM_WEB = "ลบจากหน้าเว็บ"
UPLOADED_FROM_WEB = "เพิ่มจากหน้าเว็บ"


def count_label(count: int) -> str:
    return f"หลักฐาน {to_thai_digits(count)}"


def usage(used: int, quota: int) -> str:
    return f"ใช้พื้นที่เก็บหลักฐาน {megabytes(used)} จาก {megabytes(quota)} MB"


# -- the ITA evidence export ---------------------------------------------------------------

INDEX_HEADER = ("มาตรการ", "หน่วยงาน", "ผู้ส่ง", "วันที่", "หมายเหตุหรือลิงก์", "ชื่อไฟล์")
INDEX_TITLE = "หลักฐานการดำเนินการตามมาตรการ ITA"
INDEX_EMPTY = "ยังไม่มีหลักฐาน"
FOLDER_PREFIX = "ข้อ"


def index_heading(org_name: str, count: int) -> str:
    return f"{org_name} · หลักฐาน {to_thai_digits(count)} รายการ"


# -- itabot evidence ------------------------------------------------------------------------


def exported(count: int, path: str) -> str:
    return f"ส่งออกหลักฐาน {count} รายการไปยัง {path}"


def quota_set(org: str, quota: int, used: int) -> str:
    return f"{org}: พื้นที่เก็บหลักฐาน {megabytes(quota)} MB (ใช้แล้ว {megabytes(used)} MB)"


# -- the history's "source" of an item ------------------------------------------------------
SOURCE_PHOTO = "รูปภาพที่ส่งใน LINE"


def source_file(file_name: str) -> str:
    return f"ไฟล์ “{file_name}” ที่ส่งใน LINE"


# -- the memo's annex (jobs/memo/annex.py) ---------------------------------------------------
ANNEX_HEADING = "ภาคผนวก หลักฐานการดำเนินการ"
ANNEX_EMPTY = "ยังไม่มีหลักฐาน"


def annex_sender(division: str, name: str) -> str:
    return f"{division} · ส่งโดย {name}" if name else division
