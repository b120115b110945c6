"""Screenshots of the planning officer's web pages for docs/ (`make docs` runs this).

Starts what it needs on a scratch Redis database (14) and free ports — the bot's web app and
the LINE simulator in threads, an RQ worker process — fills demo data (people, reports spread
over the last days, two memo versions with review decisions), signs in through a one-time link
like the admin would from LINE, and saves docs/screenshot-{progress,history,memo,people}.png
at 1366×768 with Debian's Chromium driven by Playwright; then the same pages as LINE's in-app
browser on a phone shows them (390 px wide, touch, LINE's user agent), whole pages, as
docs/screenshot-phone-*.png (and the menu opened, the sign-in page).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REDIS_URL = os.environ.get("ITABOT_SCREENSHOT_REDIS_URL", "redis://127.0.0.1:6379/14")
VIEWPORT = {"width": 1366, "height": 768}
# LINE's in-app browser on an iPhone (the same context as tests/test_web_mobile.py)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Safari Line/14.3.0"
    ),
}
ORG = "naphu"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WEB_PORT, SIM_PORT = _free_port(), _free_port()
os.environ.update(
    {
        "REDIS_URL": REDIS_URL,
        "PORT": str(WEB_PORT),
        "LINE_API_URL": f"http://127.0.0.1:{SIM_PORT}",
        "LINE_DATA_API_URL": f"http://127.0.0.1:{SIM_PORT}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{WEB_PORT}",
        "PYTHAINLP_READ_ONLY": "1",
        "ITABOT_MEMO_DIR": tempfile.mkdtemp(prefix="itabot-shots-"),
    }
)
os.environ.pop("LINE_CHANNEL_SECRET", None)
os.environ.pop("LINE_CHANNEL_ACCESS_TOKEN", None)
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bot.demo import demo_plan  # noqa: E402
from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET, load_settings  # noqa: E402
from store import people, plans, sessions, versions  # noqa: E402
from store import status as status_store  # noqa: E402
from store.plan_schema import Plan  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

STAFF = {
    "สำนักปลัด": "นางสาวพิมพ์ชนก ศรีสุข",
    "กองคลัง": "นายสมชาย ใจดี",
    "กองช่าง": "นายวีระพงษ์ บุญมา",
    "กองสาธารณสุข": "นางสาวอรอุมา แก้วกัลยา",
    "กองสวัสดิการสังคม": "นางสมศรี ทองคำ",
}
ADMIN = "นางสาวกัญรัตน์ สิมมาหลวง"

# (days ago, hour, division, measure, status, note, what they typed in LINE)
REPORTS = [
    (9, 9.5, "สำนักปลัด", "4", "in_progress", None, "ข้อ ๔ กำลังดำเนินการ"),
    (8, 10.2, "กองคลัง", "3", "in_progress", None, "มาตรการที่ 3 อยู่ระหว่างดำเนินการ"),
    (7, 14.1, "สำนักปลัด", "1", "in_progress", None, "ข้อ 1 กับ 2 กำลังทำ"),
    (7, 14.1, "สำนักปลัด", "2", "in_progress", None, "ข้อ 1 กับ 2 กำลังทำ"),
    (6, 11.0, "กองช่าง", "1", "in_progress", None, "ข้อ 1 อยู่ระหว่างดำเนินการ"),
    (
        5,
        9.3,
        "สำนักปลัด",
        "4",
        "done",
        "ตรวจสอบในเว็บไซต์ของหน่วยงาน",
        "ข้อ ๔ เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน",
    ),
    (
        5,
        15.4,
        "กองคลัง",
        "3",
        "done",
        "ตรวจสอบในเว็บไซต์ของหน่วยงาน",
        "ข้อ 3 เสร็จแล้ว ตรวจสอบในเว็บไซต์ของหน่วยงาน",
    ),
    (
        4,
        10.0,
        "สำนักปลัด",
        "6",
        "done",
        "ตรวจสอบในเว็บไซต์ของหน่วยงาน",
        "[แตะปุ่ม] ข้อ ๖ ดำเนินการเสร็จเรียบร้อยแล้ว",
    ),
    (4, 13.2, "กองสาธารณสุข", "1", "done", None, "ข้อ 1 เสร็จแล้ว"),
    (3, 9.1, "กองคลัง", "1", "in_progress", None, "[แตะปุ่ม] ข้อ ๑ อยู่ระหว่างดำเนินการ"),
    (3, 9.2, "กองคลัง", "5", "in_progress", None, "ข้อ 5 กำลังทำ"),
    (2, 16.0, "กองสาธารณสุข", "2", "in_progress", None, "ข้อ 2 กำลังดำเนินการครับ"),
    (
        1,
        10.5,
        "สำนักปลัด",
        "5",
        "done",
        "สรุปผลในรายงานประจำเดือน",
        "ข้อ 5 เสร็จแล้ว สรุปผลในรายงานประจำเดือน",
    ),
    (
        0,
        9.0,
        "กองช่าง",
        "1",
        "done",
        "ประชาสัมพันธ์ทางเพจ Facebook ของ อบต.",
        "ข้อ 1 เสร็จแล้ว ประชาสัมพันธ์ทางเพจ Facebook ของ อบต.",
    ),
]


def _clean(r: redis.Redis) -> None:
    for pattern in ("ita:*", "rq:*"):
        batch = list(r.scan_iter(pattern, count=1000))
        for start in range(0, len(batch), 500):
            r.delete(*batch[start : start + 500])


def _join(r: redis.Redis, user_id: str, name: str, kind: str, target: str) -> None:
    code = people.create_invite(r, ORG, kind, target)
    assert people.redeem_invite(r, ORG, user_id, code, name).ok


def fill(r: redis.Redis, plan: Plan) -> tuple[str, dict[str, str]]:
    admin = "U" + "a" * 32
    _join(r, admin, ADMIN, "admin", "admin")
    staff: dict[str, str] = {}
    for index, (division, name) in enumerate(STAFF.items()):
        if division == "กองสวัสดิการสังคม":
            continue  # one division without anyone registered yet: the page says so
        staff[division] = f"U{index:032x}"
        _join(r, staff[division], name, "division", division)
    reviewers = {}
    for index, step in enumerate(plan.chain[:3]):
        reviewers[step.position] = f"U{index + 100:032x}"
        _join(r, reviewers[step.position], step.name, "position", step.position)
    people.create_invite(r, ORG, "position", plan.chain[-1].position, created_by=admin)
    now = datetime.now(plan.tz).replace(minute=0, second=0, microsecond=0)
    for days, hour, division, measure, state, note, text in REPORTS:
        at = now.replace(hour=int(hour), minute=int(hour % 1 * 60)) - timedelta(days=days)
        user = staff.get(division, admin)
        name = STAFF[division] if division in staff else ADMIN
        status_store.apply_changes(
            r,
            ORG,
            [status_store.Change(measure, division, state, note)],
            user_id=user,
            user_name=name,
            source=text,
            event_id=None,
            at=at.astimezone(UTC),
        )
    return admin, reviewers


def compile_version(env: dict[str, str]) -> int:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "compile"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"itabot compile failed:\n{result.stderr}")
    return int(result.stdout.split("version", 1)[1].split()[0])


def main() -> int:
    from werkzeug.serving import make_server

    from bot.app import create_app
    from simulator.server import start_in_thread

    settings = load_settings()
    r = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    _clean(r)
    plan = demo_plan()  # due in two weeks, as `make run` loads it: a count-down, not 'overdue'
    plans.save_plan(r, plan, replace=True)

    web = make_server("127.0.0.1", WEB_PORT, create_app(settings), threaded=True)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    sim, _ = start_in_thread(
        "127.0.0.1",
        SIM_PORT,
        DEMO_CHANNEL_SECRET,
        DEMO_ACCESS_TOKEN,
        f"http://127.0.0.1:{WEB_PORT}/callback",
    )
    env = dict(os.environ)
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        admin, reviewers = fill(r, plan)
        positions = [s.position for s in plan.chain]
        first = compile_version(env)
        versions.act(
            r,
            ORG,
            first,
            0,
            "reject",
            "ขอให้ตรวจสอบผลการดำเนินการข้อ ๕ ของกองคลังอีกครั้ง",
            user_id=reviewers[positions[0]],
            now=datetime.now(UTC) - timedelta(hours=20),
        )
        second = compile_version(env)
        versions.act(
            r,
            ORG,
            second,
            0,
            "approve",
            "ตรวจสอบแล้ว เห็นควรเสนอรองปลัดพิจารณา",
            user_id=reviewers[positions[0]],
            now=datetime.now(UTC) - timedelta(hours=2),
        )
        versions.act(
            r,
            ORG,
            second,
            1,
            "approve",
            None,
            user_id=reviewers[positions[1]],
            now=datetime.now(UTC),
        )
        shoot(r, admin, second)
        shoot_phone(r, admin, second)
        shoot_chat(r)
    finally:
        worker.terminate()
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
        web.shutdown()
        sim.shutdown()
        _clean(r)
    return 0


def shoot(r: redis.Redis, admin: str, version: int) -> None:
    from playwright.sync_api import sync_playwright

    DOCS.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{WEB_PORT}"
    token = sessions.create_login_token(r, ORG, admin, 600)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=th-TH"])
        page = browser.new_page(viewport=VIEWPORT, locale="th-TH", device_scale_factor=1)
        page.goto(f"{base}/login/{ORG}/{token}")
        shots = {
            "progress": f"{base}/admin/{ORG}/",
            "history": f"{base}/admin/{ORG}/history",
            "memo": f"{base}/admin/{ORG}/memo/{version}",
            "people": f"{base}/admin/{ORG}/people",
        }
        for name, url in shots.items():
            page.goto(url)
            if name == "people":  # show a code just made, as the admin sees it after the form
                page.select_option("#invite-form select", "division:กองสวัสดิการสังคม")
                with page.expect_navigation():
                    page.click("#invite-form button[type=submit]")
            page.wait_for_load_state("networkidle")
            page.evaluate("document.fonts.ready")
            path = DOCS / f"screenshot-{name}.png"
            page.screenshot(path=str(path))
            print(path.relative_to(ROOT))
        browser.close()


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")


def shoot_phone(r: redis.Redis, admin: str, version: int) -> None:
    """Whole pages at phone width, as the admin sees them after tapping the link in LINE."""
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{WEB_PORT}"

    def save(page, name: str, *, full_page: bool = True) -> None:
        _settle(page)
        path = DOCS / f"screenshot-phone-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        print(path.relative_to(ROOT))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=th-TH"])
        context = browser.new_context(**PHONE, locale="th-TH")
        page = context.new_page()
        page.goto(f"{base}/")
        save(page, "signin", full_page=False)
        page.goto(f"{base}/login/{ORG}/{sessions.create_login_token(r, ORG, admin, 600)}")
        save(page, "progress")
        page.locator(".menu-button").tap()
        save(page, "menu", full_page=False)
        shots = {
            "history": f"{base}/admin/{ORG}/history",
            "memo": f"{base}/admin/{ORG}/memo",
            "memo-version": f"{base}/admin/{ORG}/memo/{version}",
            "people": f"{base}/admin/{ORG}/people",
        }
        for name, url in shots.items():
            page.goto(url)
            if name == "people":
                page.select_option("#invite-form select", "division:กองสวัสดิการสังคม")
                with page.expect_navigation():
                    page.locator("#invite-form button[type=submit]").tap()
            save(page, name)
        browser.close()


def shoot_chat(r: redis.Redis) -> None:
    """The LINE simulator as a division clerk sees it: a typed report, the carousel, a tap."""
    from playwright.sync_api import sync_playwright

    from simulator.client import SimulatorClient, postback_buttons

    sim = SimulatorClient(f"http://127.0.0.1:{SIM_PORT}")
    clerk = sim.create_user("นางสาวสมใจ กองสวัสดิการ")
    sim.follow(clerk)
    sim.wait_for(clerk, 1)
    code = people.create_invite(r, ORG, "division", "กองสวัสดิการสังคม")
    sim.send_text(clerk, f"ลงทะเบียน {code}")
    sim.wait_for(clerk, 2)
    sim.send_text(clerk, "ข้อ ๑ กับ 5 กำลังทำค่ะ")
    sim.wait_for(clerk, 3)
    sim.send_text(clerk, "รายงาน")
    carousel = sim.wait_for(clerk, 4)[-1]
    done = next(d for label, d in postback_buttons(carousel) if "เสร็จ" in label)
    sim.send_postback(clerk, done, display_text="ข้อ ๑ ดำเนินการเสร็จเรียบร้อยแล้ว")  # as the button says
    sim.wait_for(clerk, 5)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=th-TH"])
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="th-TH")
        page.goto(f"http://127.0.0.1:{SIM_PORT}/")
        page.evaluate(f"localStorage.setItem('sim.userId', '{clerk}')")
        page.goto(f"http://127.0.0.1:{SIM_PORT}/")
        page.wait_for_timeout(2500)
        page.evaluate("document.fonts.ready")
        path = DOCS / "screenshot-simulator-chat.png"
        page.screenshot(path=str(path))
        print(path.relative_to(ROOT))
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
