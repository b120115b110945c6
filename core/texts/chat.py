"""Every sentence the bot says to people, in polite official Thai, in one place.

Functions take plain values and return text; message layout lives in line/messages.py.
"""

from __future__ import annotations

from core.thai import to_thai_digits
from core.values import DONE, IN_PROGRESS, NOT_STARTED

STATUS_LABEL = {
    NOT_STARTED: "ยังไม่ดำเนินการ",
    IN_PROGRESS: "อยู่ระหว่างดำเนินการ",
    DONE: "ดำเนินการเสร็จเรียบร้อยแล้ว",
}
STATUS_SHORT = {NOT_STARTED: "ยังไม่เริ่ม", IN_PROGRESS: "กำลังดำเนินการ", DONE: "เสร็จแล้ว"}
# Unicode 6.0 or older (2010): every LINE client draws them (the 2019 coloured circles 🟡🟢
# and shapes like ◐ show as boxes on older phones and in some fonts)
STATUS_ICON = {NOT_STARTED: "⚪", IN_PROGRESS: "🔶", DONE: "✅"}

# Commands people type; English where it costs nothing.
CMD_REGISTER = ("ลงทะเบียน", "register")
CMD_UNDO = ("ยกเลิก", "undo")
CMD_REPORT = ("รายงาน", "สถานะ", "report", "status")
CMD_OVERVIEW = ("ภาพรวม", "overview")
CMD_LOGIN = ("เข้าสู่ระบบ", "login")
CMD_MEMO_STATUS = ("สถานะบันทึก",)
CMD_HELP = ("วิธีใช้", "ช่วยเหลือ", "help", "เมนู")

QR_UNDO = "ยกเลิก"
QR_REPORT = "รายงาน"
QR_OVERVIEW = "ภาพรวม"
QR_HELP = "วิธีใช้"
QR_NO_COMMENT = "ไม่มีความเห็น"
QR_CANCEL_COMMENT = "ยกเลิกการลงความเห็น"


def measure_ref(measure_id: str) -> str:
    return f"ข้อ {to_thai_digits(measure_id)}"


def greeting(org_name: str | None) -> str:
    where = f" ของ{org_name}" if org_name else ""
    return (
        f"สวัสดีครับ ยินดีต้อนรับสู่ระบบรายงานผลมาตรการส่งเสริมคุณธรรมและความโปร่งใส (ITA){where}\n"
        "หากได้รับรหัสเชิญจากเจ้าหน้าที่วิเคราะห์นโยบายและแผนแล้ว "
        "กรุณาพิมพ์ “ลงทะเบียน ตามด้วยรหัส” เช่น ลงทะเบียน ABCD-2345"
    )


HELP_STAFF = (
    "วิธีรายงานผล\n"
    "• พิมพ์ “รายงาน” เพื่อเลือกสถานะของแต่ละมาตรการด้วยปุ่ม\n"
    "• หรือพิมพ์ข้อความ เช่น “ข้อ ๒ อยู่ระหว่างดำเนินการ” หรือ “ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์”\n"
    "• พิมพ์ “ยกเลิก” เพื่อย้อนการรายงานครั้งล่าสุดของท่าน"
)
HELP_REVIEWER = "พิมพ์ “ภาพรวม” เพื่อดูความคืบหน้าทุกมาตรการ หรือ “สถานะบันทึก” เพื่อดูว่าบันทึกข้อความอยู่ขั้นตอนใด"
HELP_ADMIN = "พิมพ์ “เข้าสู่ระบบ” เพื่อรับลิงก์เข้าหน้าติดตามความคืบหน้าบนเว็บ"

NOT_REGISTERED = (
    "ขออภัยครับ ท่านยังไม่ได้ลงทะเบียนในระบบ จึงยังรายงานหรือแก้ไขข้อมูลไม่ได้\n"
    "กรุณาขอรหัสเชิญจากเจ้าหน้าที่วิเคราะห์นโยบายและแผน แล้วพิมพ์ “ลงทะเบียน ตามด้วยรหัส”"
)
REGISTER_NEEDS_CODE = "กรุณาพิมพ์รหัสเชิญต่อท้ายด้วยครับ เช่น ลงทะเบียน ABCD-2345"
REGISTER_BAD_CODE = (
    "ขออภัยครับ รหัสนี้ใช้ไม่ได้ (อาจพิมพ์ผิด ถูกใช้ไปแล้ว หรือหมดอายุ) "
    "กรุณาตรวจสอบอีกครั้ง หรือขอรหัสใหม่จากเจ้าหน้าที่วิเคราะห์นโยบายและแผน"
)
REGISTER_LOCKED = (
    "ขออภัยครับ มีการพิมพ์รหัสไม่ถูกต้องหลายครั้งเกินไป ระบบจึงงดรับรหัสจากบัญชีนี้ชั่วคราว ๑ ชั่วโมง "
    "กรุณาติดต่อเจ้าหน้าที่วิเคราะห์นโยบายและแผน"
)


def registered(kind: str, target: str, org_name: str) -> str:
    if kind == "division":
        return (
            f"ลงทะเบียนเรียบร้อยแล้วครับ ท่านเป็นผู้รายงานผลของ{target} {org_name}\n"
            "พิมพ์ “รายงาน” เพื่อเริ่มรายงานสถานะมาตรการที่หน่วยงานของท่านรับผิดชอบ"
        )
    if kind == "position":
        return (
            f"ลงทะเบียนเรียบร้อยแล้วครับ ท่านอยู่ในสายการพิจารณาบันทึกข้อความในตำแหน่ง{target}\n"
            "เมื่อบันทึกข้อความมาถึงท่าน ระบบจะแจ้งพร้อมปุ่มให้ความเห็น"
        )
    return f"ลงทะเบียนเรียบร้อยแล้วครับ ท่านเป็นผู้ดูแลระบบของ{org_name}\n{HELP_ADMIN}"


NOT_STAFF = "ขออภัยครับ ท่านยังไม่ได้ลงทะเบียนเป็นผู้รายงานของหน่วยงานใด จึงรายงานสถานะมาตรการไม่ได้"
NO_MEASURES = "หน่วยงานของท่านไม่มีมาตรการที่ต้องรายงานในแผนนี้ครับ"
ONLY_ADMIN_REVIEWER = "ขออภัยครับ ภาพรวมเปิดให้เฉพาะผู้ดูแลระบบและผู้พิจารณาบันทึกข้อความ"


def carousel_alt(division: str) -> str:
    return f"มาตรการที่{division}รับผิดชอบ แตะปุ่มเพื่อรายงานสถานะ"


def confirm_change(lines: list[tuple[str, str, str]], division: str, note: str | None) -> str:
    """lines: (measure id, short title, new status)."""
    if len(lines) == 1:
        mid, title, status = lines[0]
        text = f"บันทึกแล้วครับ: {measure_ref(mid)} {title} ของ{division} — {STATUS_LABEL[status]}"
    else:
        body = "\n".join(
            f"• {measure_ref(mid)} {title} — {STATUS_LABEL[s]}" for mid, title, s in lines
        )
        text = f"บันทึกแล้วครับ ({division})\n{body}"
    if note:
        text += f"\n{evidence(note)}"
    return text + "\nหากไม่ถูกต้อง แตะ “ยกเลิก” ได้ครับ"


def evidence(note: str) -> str:
    return f"หลักฐาน: {note}"


def unchanged(mid: str, title: str, status: str) -> str:
    return f"{measure_ref(mid)} {title} มีสถานะ “{STATUS_LABEL[status]}” อยู่แล้วครับ"


def not_owned(ids: list[str], division: str) -> str:
    refs = ", ".join(measure_ref(i) for i in ids)
    return f"ขออภัยครับ {refs} ไม่ใช่มาตรการที่{division}รับผิดชอบ จึงไม่ได้บันทึก"


def undone(lines: list[tuple[str, str, str]], skipped: int) -> str:
    body = "\n".join(
        f"• {measure_ref(mid)} {title} กลับเป็น “{STATUS_LABEL[s]}”" for mid, title, s in lines
    )
    text = f"ยกเลิกการรายงานครั้งล่าสุดแล้วครับ\n{body}" if lines else "ไม่มีรายการที่ยกเลิกได้ครับ"
    if skipped:
        text += f"\n({to_thai_digits(skipped)} รายการไม่ได้ย้อนกลับ เพราะมีผู้รายงานใหม่หลังจากนั้นแล้ว)"
    return text


NOTHING_TO_UNDO = "ไม่มีการรายงานของท่านที่ยกเลิกได้ครับ"
ASK_MEASURE = "ท่านต้องการรายงานมาตรการข้อใดครับ แตะเลือกข้อด้านล่าง หรือพิมพ์ เช่น “ข้อ ๒ เสร็จแล้ว”"
ASK_STATUS = "ขอทราบสถานะของ{refs} ครับ แตะเลือกด้านล่าง"
ASK_CONFLICT = "ข้อความระบุสถานะของ{refs} ไม่ตรงกัน ระบบจึงยังไม่บันทึก กรุณาเลือกสถานะอีกครั้งครับ"
ASK_AMBIGUOUS = "ข้อความตรงกับหลายมาตรการ ท่านหมายถึงข้อใดครับ"


def ask_unknown(numbers: list[str], count: int) -> str:
    refs = ", ".join(to_thai_digits(n) for n in numbers)
    return (
        f"แผนนี้ไม่มีมาตรการข้อ {refs} ครับ (มีข้อ ๑ ถึง {to_thai_digits(count)}) "
        "ระบบยังไม่ได้บันทึก กรุณาเลือกข้อที่ต้องการ"
    )


NOT_UNDERSTOOD = (
    "ขออภัยครับ ระบบยังไม่เข้าใจข้อความนี้ จึงยังไม่ได้บันทึกอะไร\n"
    "ลองพิมพ์ เช่น “ข้อ ๒ อยู่ระหว่างดำเนินการ” หรือแตะ “รายงาน” เพื่อเลือกด้วยปุ่ม"
)
STALE_BUTTON = "ปุ่มนี้หมดอายุแล้วครับ กรุณาพิมพ์ “รายงาน” เพื่อเปิดรายการล่าสุด"
FORGED_BUTTON = "ขออภัยครับ ปุ่มนี้ไม่ใช่ของท่าน ระบบจึงไม่ได้ดำเนินการ"


def overview_alt(org: str, done: int, progress: int, not_started: int) -> str:
    return (
        f"ภาพรวม {org}: เสร็จ {to_thai_digits(done)} กำลังดำเนินการ {to_thai_digits(progress)} "
        f"ยังไม่เริ่ม {to_thai_digits(not_started)}"
    )


def days_left(days: int) -> str:
    if days > 0:
        return f"เหลืออีก {to_thai_digits(days)} วันถึงกำหนดส่ง"
    if days == 0:
        return "ครบกำหนดส่งวันนี้"
    return f"เลยกำหนดส่งมาแล้ว {to_thai_digits(-days)} วัน"


LOGIN_REFUSED = "ขออภัยครับ หน้าเว็บติดตามความคืบหน้าเปิดให้เฉพาะผู้ดูแลระบบและผู้พิจารณาบันทึกข้อความ"
LOGIN_TEXT = "แตะปุ่มด้านล่างเพื่อเข้าสู่หน้าติดตามความคืบหน้า ลิงก์ใช้ได้ครั้งเดียวภายใน {minutes} นาที"
LOGIN_BUTTON = "เปิดหน้าติดตาม"

# -- the memo and its review chain ---------------------------------------------------------
APPROVE = {False: "เห็นชอบ", True: "อนุมัติ"}  # key: is the last step
REJECT = {False: "ไม่เห็นชอบ", True: "ไม่อนุมัติ"}
OPEN_PDF = "เปิดบันทึกข้อความ (PDF)"
OPEN_DOCX = "ดาวน์โหลดไฟล์ Word"


def version_label(version: int) -> str:
    return f"ฉบับที่ {to_thai_digits(version)}"


def review_request(org: str, version: int, position: str, memo_date: str) -> str:
    return (
        f"บันทึกข้อความรายงานผลมาตรการ ITA ของ{org} {version_label(version)} ลงวันที่ {memo_date} "
        f"มาถึงท่านในฐานะ{position} เพื่อโปรดพิจารณาครับ"
    )


def ask_comment(decision_label: str, required: bool) -> str:
    if required:
        return f"ท่านเลือก “{decision_label}” กรุณาพิมพ์เหตุผลสั้น ๆ เพื่อแจ้งผู้จัดทำบันทึกครับ"
    return f"ท่านเลือก “{decision_label}” ต้องการเพิ่มความเห็นหรือไม่ครับ พิมพ์ความเห็น หรือแตะ “ไม่มีความเห็น”"


REASON_REQUIRED = "การส่งกลับต้องมีเหตุผลครับ กรุณาพิมพ์เหตุผล หรือแตะ “ยกเลิกการลงความเห็น”"
COMMENT_CANCELLED = "ยกเลิกการลงความเห็นแล้วครับ บันทึกข้อความยังอยู่ที่ท่าน"
DRAFT_SAVED = "รับความเห็นของท่านไว้แล้วครับ แตะ “{approve}” หรือ “{reject}” ในข้อความบันทึกเพื่อยืนยัน"
NOT_YOUR_STEP = "ขออภัยครับ ขณะนี้ไม่ใช่ขั้นตอนของท่าน ระบบจึงไม่ได้ดำเนินการ"
SUPERSEDED = "บันทึกข้อความฉบับนี้ถูกแทนที่ด้วยฉบับใหม่แล้วครับ ปุ่มนี้จึงใช้ไม่ได้"
CHAIN_CLOSED = "บันทึกข้อความฉบับนี้ได้รับการพิจารณาเสร็จสิ้นแล้วครับ"
NO_MEMO = "ยังไม่มีบันทึกข้อความที่อยู่ระหว่างการพิจารณาครับ"


def acted(decision_label: str, next_position: str | None) -> str:
    if next_position:
        return f"บันทึก “{decision_label}” เรียบร้อยแล้วครับ ระบบส่งบันทึกต่อให้{next_position}แล้ว"
    return f"บันทึก “{decision_label}” เรียบร้อยแล้วครับ"


def returned_to_author(version: int, position: str, name: str, reason: str) -> str:
    return (
        f"บันทึกข้อความ {version_label(version)} ถูกส่งกลับโดย{position} ({name})\n"
        f"เหตุผล: {reason}\n"
        "เมื่อแก้ไขแล้ว กรุณาสั่งจัดทำบันทึกใหม่ ระบบจะเริ่มเสนอตามลำดับใหม่อีกครั้ง"
    )


def final_approved(version: int, org: str) -> str:
    return f"บันทึกข้อความรายงานผลมาตรการ ITA ของ{org} {version_label(version)} ได้รับอนุมัติแล้วครับ"


def final_rejected(version: int, position: str, reason: str) -> str:
    return f"บันทึกข้อความ {version_label(version)} ไม่ได้รับอนุมัติจาก{position}\nเหตุผล: {reason}"


def nobody_holds(position: str, version: int) -> str:
    return (
        f"บันทึกข้อความ {version_label(version)} รอการพิจารณาของ{position} "
        "แต่ยังไม่มีผู้ลงทะเบียนในตำแหน่งนี้ กรุณาออกรหัสเชิญให้ผู้ดำรงตำแหน่ง"
    )


def review_waiting(position: str, since: str) -> str:
    return f"บันทึกข้อความอยู่ระหว่างการพิจารณาของ{position} ตั้งแต่ {since}"


def review_nudge(version: int, days: int) -> str:
    return (
        f"เรียนเพื่อโปรดพิจารณาครับ บันทึกข้อความ {version_label(version)} รอการพิจารณาของท่านมาแล้ว "
        f"{to_thai_digits(days)} วัน"
    )


# -- the event handlers' sentences (handlers/)
OVERVIEW_TITLE = "ภาพรวมความคืบหน้ามาตรการ ITA"


def welcome_back(name: str) -> str:
    return f"ยินดีต้อนรับกลับครับ คุณ{name}".strip()


def progress_note(percent: int) -> str:
    """The evidence note of a report that gives a percentage ("ข้อ ๓ ทำไปแล้ว 60%")."""
    return f"ความคืบหน้า {percent}%"


def tapped(refs: str, status: str) -> str:
    """The history's record of what a status button said."""
    return f"[แตะปุ่ม] {refs} {STATUS_LABEL[status]}"


# A memo version's review chain, by state (store.versions): the chat's สถานะบันทึก and the web.
CHAIN_STATE = {
    "in_review": "อยู่ระหว่างการพิจารณา",
    "returned": "ถูกส่งกลับเพื่อแก้ไข",
    "approved": "อนุมัติแล้ว",
    "rejected": "ไม่อนุมัติ",
    "superseded": "ถูกแทนที่ด้วยฉบับใหม่",
}


def memo_step_decided(
    passed: bool, position: str, decision_label: str, when: str, comment: str | None
) -> str:
    """A step of สถานะบันทึก that has decided: passed on (or approved), or sent back."""
    mark = "✅" if passed else "↩️"
    return f"{mark} {position}: {decision_label} {when}" + (f" — {comment}" if comment else "")


def memo_step_waiting(position: str, since: str) -> str:
    return f"⏳ {review_waiting(position, since)}"


def memo_step_ahead(position: str) -> str:
    return f"▫️ {position}"


def memo_chain_state(state: str) -> str:
    return f"สถานะ: {CHAIN_STATE[state]}"


# -- reminders, review notifications and LINE message builders (jobs/, line/)

REMIND_NO_PLAN = "ไม่มีแผน"
REMIND_PAST_DEADLINE = "เลยกำหนดส่งแล้ว ไม่มีการแจ้งเตือน"
REMIND_NOT_YET = "ยังไม่ถึงรอบแจ้งเตือนแรก"
REMIND_ALREADY_SENT = "รอบนี้ส่งไปแล้ว ไม่ส่งซ้ำ"


def reminder(division: str, days: int, lines: list[tuple[str, str, str]]) -> str:
    """To a division's staff; lines: (measure id, title, status) of what is unfinished."""
    body = [f"เรียนผู้รายงานผลของ{division}", f"มาตรการ ITA ที่ยังไม่เสร็จ ({days_left(days)}):"]
    body += [f"• {measure_ref(mid)} {title} — {STATUS_LABEL[s]}" for mid, title, s in lines]
    body.append("กรุณารายงานความคืบหน้าโดยแตะ “รายงาน” ครับ")
    return "\n".join(body)


def reminder_summary(days: int, done: list[str], behind: list[str]) -> str:
    """To the admins: which divisions are done and which are behind."""
    return (
        f"สรุปก่อนกำหนดส่ง ({days_left(days)}): "
        f"เสร็จครบ {', '.join(done) or '-'} · ยังค้าง {', '.join(behind) or '-'}"
    )


# what a sweep reports (`itabot remind`, the job's result)
def remind_nobody(division: str, unfinished: int) -> str:
    return f"{division}: ยังไม่มีผู้ลงทะเบียน (ค้าง {unfinished} ข้อ)"


def remind_division(division: str, staff: int, unfinished: list[str]) -> str:
    return f"{division}: {staff} คน, ค้าง {', '.join(unfinished)}"


def remind_admins(admins: int) -> str:
    return f"ผู้ดูแล: {admins} คน (สรุป)"


def remind_dry_run(recipients: int) -> str:
    return f"(ทดลอง) จะส่งถึง {recipients} คน"


def remind_sent(recipients: int, calls: int) -> str:
    return f"ส่งถึง {recipients} คน ({calls} ครั้ง)"


# LINE message builders (line/)
CURRENT_STATUS = "สถานะปัจจุบัน"
MEMO_HEADING = "บันทึกข้อความ รายงานผลมาตรการ ITA"
RICH_MENU_BAR = "เมนู ITA"


def memo_dated(version: int, memo_date: str) -> str:
    return f"{version_label(version)} · ลงวันที่ {memo_date}"


def counts_line(done: int, progress: int, not_started: int) -> str:
    return (
        f"เสร็จ {to_thai_digits(done)} · กำลังดำเนินการ {to_thai_digits(progress)}"
        f" · ยังไม่เริ่ม {to_thai_digits(not_started)}"
    )


# Before any plan is loaded (handlers/first_contact.py) ------------------------------------
SETUP_NOTE = (
    "ขณะนี้ระบบกำลังอยู่ระหว่างการตั้งค่า หากยังไม่ได้รับรหัสเชิญ "
    "กรุณาติดต่อเจ้าหน้าที่วิเคราะห์นโยบายและแผนหรือผู้ดูแลระบบของหน่วยงาน"
)
NOT_SET_UP = (
    "ขออภัยครับ ระบบรายงานผลมาตรการ ITA ของหน่วยงานยังไม่ได้ตั้งค่าให้พร้อมใช้งาน จึงยังดำเนินการตามข้อความนี้ไม่ได้\n"
    "กรุณาสอบถามเจ้าหน้าที่วิเคราะห์นโยบายและแผนหรือผู้ดูแลระบบของหน่วยงาน "
    "เมื่อระบบพร้อมแล้ว ท่านพิมพ์ “ลงทะเบียน ตามด้วยรหัสเชิญ” ในห้องแชตนี้ได้ทันที ไม่ต้องเพิ่มเพื่อนใหม่"
)
REGISTER_NOT_SET_UP = (
    "ขออภัยครับ ระบบยังไม่ได้ตั้งค่าให้พร้อมรับการลงทะเบียน รหัสเชิญของท่านยังไม่ถูกใช้และยังใช้ได้ตามเดิม\n"
    "กรุณาสอบถามเจ้าหน้าที่วิเคราะห์นโยบายและแผนหรือผู้ดูแลระบบของหน่วยงาน "
    "แล้วพิมพ์ “ลงทะเบียน ตามด้วยรหัส” อีกครั้งเมื่อได้รับแจ้งว่าระบบพร้อมใช้งาน"
)


def first_greeting() -> str:
    return f"{greeting(None)}\n{SETUP_NOTE}"
