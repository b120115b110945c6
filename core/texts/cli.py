"""Every sentence the `itabot` command prints (stdout and stderr)."""

from __future__ import annotations

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
