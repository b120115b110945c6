"""`itabot`: the command line of the product (PRODUCT.md section 4)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot import line_setup
from core.config import load_settings
from core.texts import chat as texts
from core.thai import to_thai_digits


def _redis():
    from store.db import connect

    return connect(load_settings().redis_url)


def _org(r, explicit: str | None = None) -> str:
    from store import plans

    org = explicit or plans.default_org(r)
    if not org:
        sys.exit("ยังไม่มีแผนในระบบ: ใช้ itabot plan load FILE ก่อน (no plan loaded)")
    return org


def _plan(r, org: str):
    from store import plans

    plan = plans.get_plan(r, org)
    if plan is None:
        sys.exit(f"ไม่พบแผนของ {org}")
    return plan


def _parse_at(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        sys.exit(f"--at ต้องเป็นวันเวลาแบบ ISO-8601 เช่น 2021-03-30T09:00:00+07:00 (ได้ {text!r})")
    return moment


def cmd_plan_load(args: argparse.Namespace) -> int:
    from store import plans
    from store.plan_schema import PlanError, load_plan_file

    try:
        plan = load_plan_file(args.file)
    except PlanError as exc:
        print("โหลดแผนไม่ได้ ไม่มีการเปลี่ยนแปลงในระบบ:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    r = _redis()
    try:
        counts = plans.save_plan(r, plan, replace=args.replace)
    except plans.OrgConflict as exc:
        print(
            f"ระบบนี้ให้บริการ {exc.current} อยู่แล้ว แผนนี้เป็นของ {plan.org.id}: "
            "ใช้ --replace หากต้องการแทนที่ (nothing loaded)",
            file=sys.stderr,
        )
        return 2
    from jobs import schedule

    scheduled = schedule.reschedule(load_settings(), r, plan.org.id)
    print(
        f"โหลดแผนของ{plan.org.name} ({plan.org.id}) แล้ว: {len(plan.divisions)} หน่วยงาน "
        f"{len(plan.measures)} มาตรการ ขั้นตอนพิจารณา {len(plan.chain)} ขั้น; "
        f"คงสถานะเดิม {counts['kept']} ช่อง, ตัดออก {counts['dropped']} ช่อง; ตั้งเวลางานไว้ {scheduled} รายการ"
    )
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from store import people

    r = _redis()
    org = _org(r, args.org)
    plan = _plan(r, org)
    target = args.target.strip()
    if target == "admin":
        kind = "admin"
    elif target in plan.divisions:
        kind = "division"
    elif target in [s.position for s in plan.chain]:
        kind = "position"
    else:
        choices = ", ".join([*plan.divisions, *[s.position for s in plan.chain], "admin"])
        print(
            f"ไม่รู้จัก “{target}”: ต้องเป็นชื่อหน่วยงาน ตำแหน่งในสายการพิจารณา หรือ admin ({choices})",
            file=sys.stderr,
        )
        return 2
    code = people.create_invite(r, org, kind, target, ttl=int(args.days * 86400))
    print(code)
    print(
        f"รหัสเชิญสำหรับ {target} ใช้ได้ครั้งเดียว ภายใน {args.days:g} วัน: ส่งข้อความ “ลงทะเบียน {code}” ถึงบอท",
        file=sys.stderr,
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from store import status as status_store

    r = _redis()
    org = _org(r, args.org)
    plan = _plan(r, org)
    matrix = status_store.read_matrix(r, plan)
    if args.json:
        print(json.dumps(matrix.as_json(), ensure_ascii=False))
        return 0
    counts = matrix.counts()
    print(
        f"{plan.org.name}: เสร็จ {counts['done']} · กำลังดำเนินการ {counts['in_progress']} · ยังไม่เริ่ม {counts['not_started']}"
    )
    for measure in plan.measures:
        state = matrix.measure_status(measure.id)
        bar_len = round(matrix.progress(measure.id) * 20)
        print(f"\nข้อ {to_thai_digits(measure.id)} {measure.short_title or measure.title}")
        print(f"  [{'█' * bar_len}{'·' * (20 - bar_len)}] {texts.STATUS_LABEL[state]}")
        for division, value in matrix.division_statuses(measure.id).items():
            print(f"    {texts.STATUS_ICON[value]} {division}: {texts.STATUS_LABEL[value]}")
    return 0


def cmd_compile(args: argparse.Namespace) -> int:
    from core.file_links import file_name, file_url
    from store import versions
    from store.queues import DEFAULT, queue, retry_abandoned

    settings = load_settings()
    r = _redis()
    org = _org(r, args.org)
    from zoneinfo import ZoneInfo

    from store import plans

    zone = plans.timezone_of(r, org)
    if zone is None:
        sys.exit(f"ไม่พบแผนของ {org}")
    moment = _parse_at(args.at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    memo_date = moment.astimezone(ZoneInfo(zone)).date()
    version = versions.allocate(r, org, requested_by="cli", memo_date=memo_date.isoformat())
    job = queue(DEFAULT, settings).enqueue(
        "jobs.compile.compile_version",
        org,
        version,
        moment.isoformat(),
        job_id=f"compile-{org}-{version}",
        job_timeout=300,
        retry=retry_abandoned(),
        result_ttl=3600,
    )
    print(f"สั่งจัดทำบันทึกข้อความ ฉบับที่ {version} แล้ว", file=sys.stderr)
    if args.no_wait:
        print(f"version {version} queued")
        return 0
    started = time.monotonic()
    while True:
        # Blocks until the job's result lands (RQ pushes it to a stream), waking every
        # second to show progress: no polling delay after the memo is ready.
        result = job.latest_result(timeout=1)
        if result is not None:
            if result.type != result.Type.SUCCESSFUL:
                print("\nจัดทำไม่สำเร็จ", file=sys.stderr)
                if result.exc_string:
                    print(result.exc_string.strip().splitlines()[-1], file=sys.stderr)
                return 1
            break
        state = job.get_status(refresh=True)
        if state in ("failed", "stopped", "canceled"):
            print(f"\nจัดทำไม่สำเร็จ ({state})", file=sys.stderr)
            return 1
        waited = time.monotonic() - started
        if waited > args.timeout:
            print(
                f"\nรอเกิน {args.timeout:g} วินาที: ตรวจว่า worker ทำงานอยู่ (itabot worker)",
                file=sys.stderr,
            )
            return 1
        print(f"\r… กำลังจัดทำ ({state}) {waited:4.0f} วินาที", end="", file=sys.stderr, flush=True)
    print("\rจัดทำเสร็จแล้ว" + " " * 30, file=sys.stderr)
    from store.db import connect_binary

    out_dir = Path(args.out) / org / f"v{version}"
    out_dir.mkdir(parents=True, exist_ok=True)
    rb = connect_binary(settings.redis_url)
    print(f"version {version}")
    for kind in ("pdf", "docx", "png"):
        data = versions.read_file(rb, org, version, kind)
        path = out_dir / file_name(org, version, kind)
        if data is not None:
            path.write_bytes(data)
        print(f"{kind}\t{path}\t{file_url(settings, org, version, kind)}")
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    from jobs import remind

    settings = load_settings()
    r = _redis()
    org = _org(r, args.org)
    _plan(r, org)
    moment = _parse_at(args.at)
    result = remind.sweep(settings, org, moment.isoformat(), dry_run=args.dry_run)
    if result.get("slot") is None:
        print(result.get("message", "ไม่มีรอบแจ้งเตือนที่ถึงกำหนด"))
        return 0
    print(f"รอบแจ้งเตือน {result['slot']}: {result['message']}")
    for line in result.get("lines", []):
        print(f"  {line}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from jobs import worker

    return worker.run(burst=args.burst)


def cmd_web(args: argparse.Namespace) -> int:
    from bot.app import create_app

    settings = load_settings()
    create_app(settings).run(host=args.host, port=args.port or settings.port, threaded=True)
    return 0


def cmd_simulator(args: argparse.Namespace) -> int:
    from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET
    from simulator.server import main as simulator_main

    simulator_main(default_secret=DEMO_CHANNEL_SECRET, default_token=DEMO_ACCESS_TOKEN)
    return 0


def cmd_richmenu(args: argparse.Namespace) -> int:
    from line import richmenu

    menu_id = richmenu.install(load_settings())
    print(menu_id)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot import demo

    return demo.prepare(load_settings(), args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="itabot", description="ระบบรายงานผลมาตรการ ITA ผ่าน LINE")
    parser.add_argument("--org", help="organisation id (default: the one loaded)")
    sub = parser.add_subparsers(dest="command", required=True)

    plan = sub.add_parser("plan", help="the plan file").add_subparsers(
        dest="plan_command", required=True
    )
    load = plan.add_parser("load", help="validate and load a plan")
    load.add_argument("file")
    load.add_argument(
        "--replace", action="store_true", help="replace the organisation this deployment serves"
    )
    load.set_defaults(func=cmd_plan_load)

    invite = sub.add_parser("invite", help="print a one-time invite code")
    invite.add_argument("target", help="a division, a chain position, or admin")
    invite.add_argument("--days", type=float, default=7.0, help="valid for (days)")
    invite.set_defaults(func=cmd_invite)

    status = sub.add_parser("status", help="the measures × divisions matrix")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)

    remind = sub.add_parser("remind", help="run the reminder sweep as at a time")
    remind.add_argument("--at")
    remind.add_argument("--dry-run", action="store_true")
    remind.set_defaults(func=cmd_remind)

    comp = sub.add_parser("compile", help="compile a new memo version and start its review chain")
    comp.add_argument("--at")
    comp.add_argument("--no-wait", action="store_true")
    comp.add_argument("--out", default=os.environ.get("ITABOT_MEMO_DIR", "memos"))
    comp.add_argument("--timeout", type=float, default=120.0)
    comp.set_defaults(func=cmd_compile)

    worker = sub.add_parser("worker", help="RQ worker that also runs scheduled work")
    worker.add_argument("--burst", action="store_true")
    worker.set_defaults(func=cmd_worker)

    web = sub.add_parser("web", help="development web server (production: gunicorn, see Procfile)")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int)
    web.set_defaults(func=cmd_web)

    sim = sub.add_parser("simulator", help="the local LINE simulator")
    sim.set_defaults(func=cmd_simulator)

    rich = sub.add_parser(
        "richmenu", help="create the rich menu (รายงาน / ภาพรวม / วิธีใช้) for every user"
    )
    rich.set_defaults(func=cmd_richmenu)

    line_setup.register(sub)  # itabot line check / itabot line connect

    demo = sub.add_parser("demo", help="load the demo plan and statuses (make run does this)")
    demo.add_argument("--statuses", action="store_true", help="also set the seed memo's statuses")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
