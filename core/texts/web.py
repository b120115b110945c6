"""Thai words of the web pages that are not in templates (labels computed in Python), of the
memo file links and of the status and history exports."""

from __future__ import annotations

from core.texts import chat as chat_texts
from core.values import Decision, InviteKind

APP_TITLE = "ระบบติดตามมาตรการ ITA"

NAV = (
    ("progress", "ความคืบหน้า"),
    ("history", "ประวัติการรายงาน"),
    ("memo", "บันทึกข้อความ"),
    ("people", "ผู้ใช้งาน"),
)
MENU = "เมนู"  # the button that opens NAV on a phone

ROLE_ADMIN = "ผู้ดูแลระบบ"
UNKNOWN_NAME = "(ไม่ทราบชื่อ)"
MEASURE_GONE = "(มาตรการที่ไม่อยู่ในแผนแล้ว)"
BY_CLI = "คำสั่ง itabot"  # who made an invite with `itabot invite`


def staff_of(division: str) -> str:
    return f"เจ้าหน้าที่{division}"


def reviewer_of(position: str) -> str:
    return f"ผู้พิจารณา: {position}"


def invite_for(kind: str, target: str) -> str:
    """Whom an open invite is for, in the people page's list."""
    if kind == InviteKind.DIVISION:
        return staff_of(target)
    if kind == InviteKind.POSITION:
        return reviewer_of(target)
    return ROLE_ADMIN if kind == InviteKind.ADMIN else kind


def invite_created_for(kind: str, target: str) -> str:
    """Whom the invite just created is for, in the note above its code."""
    if kind == InviteKind.DIVISION:
        return staff_of(target)
    if kind == InviteKind.POSITION:
        return f"ผู้พิจารณาในตำแหน่ง{target}"
    return ROLE_ADMIN


def clock(hhmm: str) -> str:
    return f"{hhmm} น."


def deadline(day: str, hhmm: str) -> str:
    return f"{day} เวลา {clock(hhmm)}"


KIND_LABEL = {
    "report": "รายงาน",
    "undo": "ยกเลิกการรายงาน",
    "seed": "ข้อมูลตั้งต้น",
}


def kind_label(kind: str | None) -> str:
    """What made a history entry; an entry without a kind is a report."""
    return KIND_LABEL.get(kind or "report", kind or "")


VERSION_STATUS = {
    "compiling": "กำลังจัดทำ",
    "ready": "จัดทำเสร็จแล้ว",
    "failed": "จัดทำไม่สำเร็จ",
}

CHAIN_STATE = chat_texts.CHAIN_STATE  # the same labels as the chat's สถานะบันทึก


def decision_label(decision: str | None, last_step: bool) -> str:
    if decision == Decision.APPROVE:
        return "อนุมัติ" if last_step else "เห็นชอบ"
    if decision == Decision.REJECT:
        return "ไม่อนุมัติ" if last_step else "ไม่เห็นชอบ (ส่งกลับ)"
    return ""


# Pages shown without a session (titles and bodies).
LANDING_TITLE = "เข้าสู่ระบบจาก LINE"
LANDING_BODY = (
    "หน้าเว็บนี้สำหรับเจ้าหน้าที่วิเคราะห์นโยบายและแผนและผู้พิจารณาบันทึกข้อความ "
    "กรุณาพิมพ์ “เข้าสู่ระบบ” ในแชต LINE ของระบบ แล้วแตะปุ่มในข้อความตอบกลับ "
    "ลิงก์ใช้ได้ครั้งเดียวและมีอายุจำกัด"
)
NO_SESSION_TITLE = "กรุณาเข้าสู่ระบบ"
NO_SESSION_BODY = "ยังไม่ได้เข้าสู่ระบบ หรือการเข้าสู่ระบบหมดอายุแล้ว กรุณาพิมพ์ “เข้าสู่ระบบ” ในแชต LINE เพื่อรับลิงก์ใหม่"
BAD_LINK_TITLE = "ลิงก์นี้ใช้ไม่ได้แล้ว"
BAD_LINK_BODY = (
    "ขออภัย ลิงก์เข้าสู่ระบบใช้ได้ครั้งเดียวและมีอายุจำกัด ลิงก์นี้อาจถูกใช้ไปแล้วหรือหมดอายุ "
    "กรุณาพิมพ์ “เข้าสู่ระบบ” ในแชต LINE อีกครั้งเพื่อรับลิงก์ใหม่"
)
NOT_ALLOWED_TITLE = "ไม่มีสิทธิ์เข้าถึง"
NOT_ALLOWED_BODY = (
    "ขออภัย หน้านี้เปิดให้เฉพาะผู้ดูแลระบบและผู้พิจารณาบันทึกข้อความ "
    "หากเห็นว่าเป็นความผิดพลาด กรุณาติดต่อเจ้าหน้าที่วิเคราะห์นโยบายและแผน"
)
READ_ONLY_BODY = "ขออภัย บัญชีของท่านดูข้อมูลได้อย่างเดียว การแก้ไขทำได้เฉพาะผู้ดูแลระบบ"
BAD_FORM_TITLE = "แบบฟอร์มหมดอายุ"
BAD_FORM_BODY = "แบบฟอร์มนี้หมดอายุหรือไม่ถูกต้อง กรุณากลับไปที่หน้าเดิม โหลดหน้าใหม่ แล้วลองอีกครั้ง"
NOT_FOUND_TITLE = "ไม่พบหน้าที่ต้องการ"
NOT_FOUND_BODY = "ไม่พบข้อมูลที่ต้องการ อาจพิมพ์ที่อยู่ผิด หรือข้อมูลถูกลบไปแล้ว"
LOGGED_OUT_TITLE = "ออกจากระบบแล้ว"
LOGGED_OUT_BODY = "ออกจากระบบเรียบร้อยแล้ว หากต้องการเข้าใช้อีกครั้ง กรุณาพิมพ์ “เข้าสู่ระบบ” ในแชต LINE"

# Flash notes on the people page (?done=…).
DONE_NOTES = {
    "revoked": "ยกเลิกรหัสเชิญแล้ว",
    "revoke-missing": "รหัสนี้ถูกใช้ หมดอายุ หรือถูกยกเลิกไปก่อนแล้ว",
    "removed": "นำผู้ใช้ออกจากระบบแล้ว",
    "remove-missing": "ไม่พบผู้ใช้นี้ในระบบแล้ว",
    "remove-self": "ไม่สามารถนำบัญชีของตนเองออกได้ เพื่อป้องกันไม่ให้ไม่มีผู้ดูแลระบบเหลืออยู่",
    "bad-target": "กรุณาเลือกหน่วยงาน ตำแหน่ง หรือผู้ดูแลระบบให้ถูกต้อง",
}
STORAGE_DOWN_TITLE = "ระบบขัดข้องชั่วคราว"
STORAGE_DOWN_BODY = "ขออภัย ขณะนี้อ่านข้อมูลไม่ได้ กรุณาลองใหม่อีกครั้งในอีกสักครู่"

# A memo file link that is forged, altered or past its time (plain text, not a page).
FILE_LINK_REFUSED = "ลิงก์ไม่ถูกต้องหรือหมดอายุแล้ว (link invalid or expired)"

# -- exports (bot/web/sheets.py): sheet titles and column headers
OVERVIEW_SHEET = "ภาพรวม"
OVERVIEW_LEAD = ["ข้อ", "มาตรการ"]  # then one column per division
OVERVIEW_TAIL = ["สถานะของมาตรการ", "ความคืบหน้า (%)"]
DETAIL_SHEET = "รายหน่วยงาน"
DETAIL_HEADER = [
    "ข้อ",
    "มาตรการ",
    "หน่วยงาน",
    "สถานะของหน่วยงาน",
    "สถานะของมาตรการ",
    "หลักฐาน/หมายเหตุ",
    "รายงานโดย",
    "รายงานเมื่อ (เวลาประเทศไทย)",
]
HISTORY_SHEET = "ประวัติการรายงาน"
HISTORY_HEADER = [
    "ลำดับ",
    "เวลา (เวลาประเทศไทย)",
    "ผู้รายงาน",
    "หน่วยงาน",
    "ข้อ",
    "มาตรการ",
    "สถานะเดิม",
    "สถานะใหม่",
    "หลักฐาน/หมายเหตุ",
    "ข้อความต้นทาง",
    "ประเภท",
]

# -- the supervisor's overview of a group of organisations (bot/web/supervisor.py)
SUPERVISOR_ROLE = "ผู้กำกับดูแล · ดูอย่างเดียว"
SUPERVISOR_OUTSIDE = "ขออภัย หน่วยงานนี้ไม่อยู่ในกลุ่มที่ท่านได้รับสิทธิ์ดูข้อมูล"
SUPERVISOR_NO_SESSION_BODY = (
    "ยังไม่ได้เข้าสู่ระบบ หรือการเข้าสู่ระบบหมดอายุแล้ว กรุณาขอลิงก์เข้าสู่ระบบใหม่จากผู้ดูแลระบบของหน่วยงานกำกับดูแล"
)
SUPERVISOR_BAD_LINK_BODY = (
    "ขออภัย ลิงก์เข้าสู่ระบบใช้ได้ครั้งเดียวภายใน ๑๐ นาที ลิงก์นี้อาจถูกใช้ไปแล้วหรือหมดอายุ "
    "กรุณาขอลิงก์ใหม่จากผู้ดูแลระบบของหน่วยงานกำกับดูแล"
)
SUPERVISOR_LOGGED_OUT_BODY = "ออกจากระบบเรียบร้อยแล้ว หากต้องการดูภาพรวมอีกครั้ง กรุณาขอลิงก์เข้าสู่ระบบใหม่"
SUPERVISOR_PAGE = {
    "title": "ภาพรวมหน่วยงานในความดูแล",
    "heading": "ภาพรวมการดำเนินการตามมาตรการ ITA",
    "count": "หน่วยงาน",
    "export": "ส่งออกตาราง",
    "empty": "ไม่พบแผนของหน่วยงานในกลุ่มนี้",
    "logout": "ออกจากระบบ",
    "back": "กลับหน้าภาพรวม",
    "open": "เปิดหน้าความคืบหน้า",
    "caption": "หน่วยงานในกลุ่ม เรียงตามหัวตารางที่เลือก",
    "sorted_asc": "เรียงจากน้อยไปมาก",
    "sorted_desc": "เรียงจากมากไปน้อย",
    "sort": "เรียง",
    "no_report": "ยังไม่มีการรายงาน",
    "none_left": "ไม่มี",
    "of_cells": "ช่อง",
    "note": (
        "ร้อยละของช่องมาตรการ × หน่วยงานที่รายงานว่าดำเนินการเสร็จเรียบร้อยแล้ว · "
        "แตะชื่อหน่วยงานเพื่อดูความคืบหน้า (ดูอย่างเดียว)"
    ),
}
# the overview's columns (key → header), as the page and the exports show them
SUPERVISOR_COLUMNS = {
    "name": "หน่วยงาน",
    "deadline": "กำหนดส่ง",
    "done": "รายงานเสร็จ",
    "not_started": "มาตรการที่ยังไม่เริ่ม",
    "memo": "บันทึกข้อความ",
    "last_report": "รายงานล่าสุด",
}
SUPERVISOR_SHEET = "ภาพรวมหน่วยงาน"
SUPERVISOR_EXPORT_HEADER = [
    "รหัสหน่วยงาน",
    "หน่วยงาน",
    "อำเภอ",
    "จังหวัด",
    "กำหนดส่ง (เวลาประเทศไทย)",
    "ช่องที่เสร็จ",
    "ช่องทั้งหมด",
    "รายงานเสร็จ (%)",
    "มาตรการที่ยังไม่เริ่ม (จำนวน)",
    "มาตรการที่ยังไม่เริ่ม (ข้อ)",
    "บันทึกข้อความ",
    "ฉบับที่",
    "รายงานล่าสุด (เวลาประเทศไทย)",
]
MEMO_NOT_COMPILED = "ยังไม่ได้จัดทำ"


def memo_with(position: str) -> str:
    """A memo in review, held by the chain step of this position."""
    return f"รอการพิจารณาของ{position}"


def memo_state_label(state: str, position: str | None) -> str:
    """Where an organisation's current memo stands, in the supervisor's overview."""
    if state == "in_review" and position:
        return memo_with(position)
    return CHAIN_STATE.get(state, MEMO_NOT_COMPILED)
