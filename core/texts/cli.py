"""Every sentence the `itabot` command prints (stdout and stderr)."""

from __future__ import annotations

DESCRIPTION = "ระบบรายงานผลมาตรการ ITA ผ่าน LINE"
RICHMENU_HELP = "create the rich menu (รายงาน / ภาพรวม / วิธีใช้) for every user"
ORG_HELP = "organisation id (default: the one POST /callback serves, the first plan loaded)"
REPLACE_HELP = "make this plan's organisation the default one, served by POST /callback"

NO_PLAN = "ยังไม่มีแผนในระบบ: ใช้ itabot plan load FILE ก่อน (no plan loaded)"


def no_plan_of(org: str) -> str:
    return f"ไม่พบแผนของ {org}"


def bad_at(text: str) -> str:
    return f"--at ต้องเป็นวันเวลาแบบ ISO-8601 เช่น 2021-03-30T09:00:00+07:00 (ได้ {text!r})"


# -- itabot plan load
# who a plan revision loaded from a file on the server was made by (the history page shows it)
PLAN_LOADED_BY = "ผู้ดูแลระบบ (คำสั่ง itabot plan load)"
PLAN_REFUSED = "โหลดแผนไม่ได้ ไม่มีการเปลี่ยนแปลงในระบบ:"


def plan_of_another_org(given: str, plan_org: str) -> str:
    return f"--org {given} แต่แผนนี้เป็นของ {plan_org} (org.id): ไม่ได้โหลดอะไร (nothing loaded)"


def plan_loaded(
    name: str, org: str, divisions: int, measures: int, steps: int, counts: dict, scheduled: int
) -> str:
    return (
        f"โหลดแผนของ{name} ({org}) แล้ว: {divisions} หน่วยงาน "
        f"{measures} มาตรการ ขั้นตอนพิจารณา {steps} ขั้น; "
        f"คงสถานะเดิม {counts['kept']} ช่อง, ตัดออก {counts['dropped']} ช่อง; ตั้งเวลางานไว้ {scheduled} รายการ"
    )


# -- itabot invite
NO_JOIN_LINK = "ถาม LINE หา basic ID ของบอตไม่ได้ตอนนี้: พิมพ์เฉพาะรหัส ไม่มีลิงก์เข้าร่วม"


def unknown_invite_target(target: str, choices: str) -> str:
    return f"ไม่รู้จัก “{target}”: ต้องเป็นชื่อหน่วยงาน ตำแหน่งในสายการพิจารณา หรือ admin ({choices})"


def invite_made(target: str, days: float, code: str) -> str:
    return f"รหัสเชิญสำหรับ {target} ใช้ได้ครั้งเดียว ภายใน {days:g} วัน: ส่งข้อความ “ลงทะเบียน {code}” ถึงบอท"


# -- itabot status
def status_counts(org_name: str, counts: dict[str, int]) -> str:
    return f"{org_name}: เสร็จ {counts['done']} · กำลังดำเนินการ {counts['in_progress']} · ยังไม่เริ่ม {counts['not_started']}"


# -- itabot compile
def compile_queued(version: int) -> str:
    return f"สั่งจัดทำบันทึกข้อความ ฉบับที่ {version} แล้ว"


def compile_failed(state: str | None = None) -> str:
    return "\nจัดทำไม่สำเร็จ" + (f" ({state})" if state else "")


def compile_timeout(seconds: float) -> str:
    return f"\nรอเกิน {seconds:g} วินาที: ตรวจว่า worker ทำงานอยู่ (itabot worker)"


def compiling(state: str, waited: float) -> str:
    return f"\r… กำลังจัดทำ ({state}) {waited:4.0f} วินาที"


COMPILED = "\rจัดทำเสร็จแล้ว" + " " * 30

# -- itabot remind
NO_REMINDER_DUE = "ไม่มีรอบแจ้งเตือนที่ถึงกำหนด"


def reminder_round(slot: str, message: str) -> str:
    return f"รอบแจ้งเตือน {slot}: {message}"


# -- itabot demo
DEMO_REPORTER = "ข้อมูลตัวอย่าง"  # the name the demo's seeded statuses are reported under


def demo_not_loaded(current: str) -> str:
    return f"ระบบให้บริการ {current} อยู่แล้ว: ไม่โหลดแผนตัวอย่างทับ"


def demo_loaded(org_name: str, measures: int, seeded: int, deadline: str) -> str:
    return (
        f"แผนตัวอย่าง: {org_name} ({measures} มาตรการ), ตั้งสถานะตัวอย่าง {seeded} ช่อง, "
        f"กำหนดส่ง {deadline}"
    )


# `itabot line check` / `itabot line connect` (bot/line_setup.py). Never put a secret in these.
LINE_CHECK_HELP = "ตรวจช่องทาง LINE: โทเค็น ที่อยู่ webhook (HTTPS) และการเปิดใช้งาน"
LINE_CONNECT_HELP = "ตั้ง webhook เป็น PUBLIC_BASE_URL/callback ทดสอบ webhook ติดตั้งริชเมนู แล้วตรวจซ้ำ"
LINE_UNREACHABLE = (
    "✗ ติดต่อ LINE ที่ {url} ไม่ได้ ({kind}): ตรวจค่า LINE_API_URL และการเชื่อมต่อเครือข่ายของเครื่องนี้"
)
LINE_FAILED = "✗ LINE ตอบกลับด้วยข้อผิดพลาด HTTP {status} ขณะ{action}: {message}"
ACTION_BOT_INFO = "ขอข้อมูลบัญชี"
ACTION_ENDPOINT = "อ่านที่อยู่ webhook"
ACTION_SET_ENDPOINT = "ตั้งที่อยู่ webhook"
ACTION_TEST = "ทดสอบ webhook"
ACTION_RICH_MENU = "ติดตั้งริชเมนู"
TOKEN_INVALID = (
    "✗ โทเค็นของช่องทางใช้ไม่ได้ (LINE ตอบ 401): ตรวจค่า LINE_CHANNEL_ACCESS_TOKEN "
    "กับ Channel access token ใน LINE Developers Console แท็บ Messaging API"
)
BOT_OK = "✓ บัญชี LINE: {name} ({basic_id}) โทเค็นใช้ได้"
WEBHOOK_NOT_SET = "✗ ช่องทางนี้ยังไม่ได้ตั้งที่อยู่ webhook: ใช้คำสั่ง itabot line connect"
WEBHOOK_NOT_HTTPS = (
    "✗ webhook {url} ไม่ใช่ HTTPS: LINE ส่ง webhook ถึงที่อยู่ https:// เท่านั้น "
    "ตั้ง PUBLIC_BASE_URL เป็นที่อยู่ https:// ของระบบ แล้วใช้ itabot line connect"
)
WEBHOOK_HTTP_LOOPBACK = (
    "⚠ คำเตือน: webhook {url} เป็น http บนเครื่องนี้ (loopback) ใช้ได้กับโปรแกรมจำลอง LINE เท่านั้น "
    "LINE จริงรับเฉพาะ HTTPS"
)
WEBHOOK_ELSEWHERE = "✗ webhook ชี้ไปที่ {url} ไม่ใช่ระบบนี้ (ควรเป็น {expected}): ใช้คำสั่ง itabot line connect"
WEBHOOK_OFF = (
    "✗ webhook ถูกปิดอยู่: เปิด “Use webhook” ใน LINE Developers Console แท็บ Messaging API "
    "(API ของ LINE เปิดให้ไม่ได้)"
)
WEBHOOK_OK = "✓ webhook: {url} เปิดใช้งานอยู่"
CHECK_PASSED = "ตรวจแล้ว: ช่องทาง LINE พร้อมใช้งาน"
CHECK_WARNED = "ตรวจแล้ว: ใช้งานได้ มีคำเตือน {count} ข้อ"
CHECK_FAILED = "ตรวจแล้ว: พบปัญหา {count} ข้อ ยังไม่พร้อมใช้งาน"
BASE_NOT_HTTPS = (
    "✗ PUBLIC_BASE_URL ({url}) ไม่ใช่ HTTPS: LINE รับเฉพาะ webhook แบบ HTTPS "
    "ตั้งเครื่องบริการ HTTPS (เช่น Caddy หรือ nginx) ไว้หน้า gunicorn ตาม README หัวข้อ Going live "
    "ไม่มีการเปลี่ยนแปลง"
)
ENDPOINT_SET = "✓ ตั้ง webhook เป็น {url} แล้ว (เดิม: {old})"
ENDPOINT_WAS_UNSET = "ยังไม่ได้ตั้ง"
ENDPOINT_UNCHANGED = "✓ webhook เป็น {url} อยู่แล้ว ไม่เปลี่ยน"
TEST_OK = "✓ ทดสอบ webhook: LINE ส่งถึงระบบได้ (statusCode {status}, reason {reason}, detail {detail})"
TEST_FAILED = (
    "✗ ทดสอบ webhook ไม่ผ่าน (statusCode {status}, reason {reason}, detail {detail}): "
    "ตรวจว่าเว็บของระบบทำงานอยู่และเข้าถึงได้จากอินเทอร์เน็ตที่ {url}"
)
MENU_INSTALLED = "✓ ติดตั้งริชเมนู (รายงาน · ภาพรวม · วิธีใช้) เป็นเมนูของทุกคนแล้ว"
MENU_UNCHANGED = "✓ ริชเมนูเป็นเมนูล่าสุดอยู่แล้ว ไม่เปลี่ยน"
NOTHING_CHANGED = "ไม่มีการเปลี่ยนแปลง: ช่องทางนี้เชื่อมต่อไว้ครบแล้ว"
CHANGED = "เปลี่ยนแปลงแล้ว {count} รายการ"


# -- itabot supervisor link
PROVINCE_PREFIX = "จังหวัด"  # plans write "จังหวัดอุดรธานี"; an operator may type "อุดรธานี"


def province_label(province: str) -> str:
    return f"{PROVINCE_PREFIX}{province}"


def orgs_label(count: int) -> str:
    return f"หน่วยงานที่กำหนด {count} แห่ง"


def no_org_in_province(province: str) -> str:
    return f"ไม่พบหน่วยงานที่แผนระบุจังหวัด “{province}” (no organisation in that province)"


def unknown_orgs(orgs: list[str]) -> str:
    if not orgs:
        return "กรุณาระบุรหัสหน่วยงานอย่างน้อยหนึ่งแห่ง เช่น --orgs naphu,nongkhai (no organisation given)"
    return f"ไม่พบแผนของหน่วยงาน: {', '.join(orgs)} (unknown organisation; nothing made)"


def supervisor_link_made(label: str, orgs: list[str], minutes: int) -> str:
    return (
        f"ลิงก์เข้าสู่ภาพรวมของ{label} ({', '.join(orgs)}) ใช้ได้ครั้งเดียว ภายใน {minutes} นาที: "
        "ส่งให้ผู้กำกับดูแลทางช่องทางที่ปลอดภัย"
    )


# -- itabot org
def org_added(org: str, webhook_url: str) -> str:
    return (
        f"เพิ่มหน่วยงาน {org} แล้ว (เก็บข้อมูลช่องทาง LINE แบบเข้ารหัส)\n"
        f"  webhook ของช่องทาง: {webhook_url}\n"
        f"  ต่อไป: itabot plan load FILE (แผนที่มี org.id: {org})"
    )


def org_refused(reason: str, org: str) -> str:
    """Why an `itabot org` command did nothing: bad_id, unknown or has_channel."""
    return {
        "bad_id": f"รหัสหน่วยงาน “{org}” ใช้ไม่ได้: ใช้ a-z 0-9 และ - เท่านั้น เช่น naphu",
        "unknown": f"ไม่พบหน่วยงาน {org} (no such organisation)",
        "has_channel": f"{org} มีช่องทาง LINE อยู่แล้ว: ใช้ itabot org set-channel {org} "
        "--credentials FILE เพื่อเปลี่ยน",
    }[reason]


# what is wrong in a credentials file: names lines and variables, never a value
CREDENTIAL_PROBLEMS = {
    "bad_line": "บรรทัด {number}: ต้องเป็น NAME=VALUE",
    "unknown_name": "บรรทัด {number}: ไม่รู้จัก {name} (ใช้ LINE_CHANNEL_SECRET และ LINE_CHANNEL_ACCESS_TOKEN)",
    "missing": "ไม่มี {name}",
}
ORG_LIST_EMPTY = "ยังไม่มีหน่วยงานในระบบ"
ORG_LIST_HEADER = "รหัส\tชื่อ\tจังหวัด\tช่องทาง LINE\tค่าเริ่มต้น"
OWN_CHANNEL, ENV_CHANNEL = "ของตนเอง", "จากค่าระบบ (env)"
DEFAULT_MARK = "/callback"


def credentials_refused(source: str, problems: list[str]) -> str:
    return f"อ่านข้อมูลช่องทาง LINE จาก {source} ไม่ได้ ไม่มีการเปลี่ยนแปลง:\n" + "\n".join(
        f"  - {problem}" for problem in problems
    )


def channel_set(org: str) -> str:
    return f"เปลี่ยนข้อมูลช่องทาง LINE ของ {org} แล้ว"


def confirm_remove(org: str, keys: int) -> str:
    return (
        f"จะลบข้อมูลทั้งหมดของ {org} ({keys} คีย์: แผน บุคลากร สถานะ ประวัติ บันทึกข้อความ ช่องทาง LINE) "
        f"อย่างถาวร\nพิมพ์ {org} เพื่อยืนยัน: "
    )


def remove_cancelled(org: str) -> str:
    return f"ยกเลิก: ไม่ได้ลบข้อมูลของ {org}"


def org_removed(org: str, keys: int) -> str:
    return f"ลบข้อมูลของ {org} แล้ว ({keys} คีย์ และงานที่ตั้งเวลาไว้)"


def org_exported(org: str, path: str, files: int) -> str:
    return f"ส่งออกข้อมูลของ {org} แล้ว: {path} ({files} ไฟล์)"
