"""`itabot`: the command line of the product (docs/PRODUCT.md section 4)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import cli_evidence, cli_org, cli_supervisor, line_setup
from core.config import ConfigError, load_settings
from core.texts import cli as cli_texts
from core.values import InviteKind

if TYPE_CHECKING:  # the commands import what they use, so `itabot --help` starts fast
    import redis
    from rq.job import Job

    from core.config import Settings
    from store.plan_schema import Plan


def _redis() -> redis.Redis:
    from store.db import store_client

    return store_client(load_settings())


def _org(r: redis.Redis, explicit: str | None = None) -> str:
    from store import plans

    org = explicit or plans.default_org(r)
    if not org:
        sys.exit(cli_texts.NO_PLAN)
    return org


def _open(args: argparse.Namespace) -> tuple[Settings, redis.Redis, str]:
    """The settings, the store and the organisation a command is about (`--org` or the one
    `POST /callback` serves); exits when no plan is loaded."""
    settings = load_settings()
    r = _redis()
    return settings, r, _org(r, args.org)


def _plan(r: redis.Redis, org: str) -> Plan:
    from store import plans

    plan = plans.get_plan(r, org)
    if plan is None:
        sys.exit(cli_texts.no_plan_of(org))
    return plan


def _parse_at(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        sys.exit(cli_texts.bad_at(text))
    return moment


def cmd_plan_load(args: argparse.Namespace) -> int:
    from bot.web import plan_changes
    from jobs import schedule
    from store import plan_revisions, plans
    from store.plan_schema import PlanError, load_plan_file

    try:
        plan = load_plan_file(args.file)
    except PlanError as exc:
        print(cli_texts.PLAN_REFUSED, file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    if args.org and args.org != plan.org.id:
        print(cli_texts.plan_of_another_org(args.org, plan.org.id), file=sys.stderr)
        return 2
    r = _redis()
    before = plans.get_plan(r, plan.org.id)
    counts, scheduled = schedule.apply_plan(load_settings(), r, plan, replace=args.replace)
    # a revision as the plan editor and an upload record one: the history page lists it
    summary = plan_changes.summary(before, plan)
    if summary:
        plan_revisions.record(r, plan.org.id, "cli", cli_texts.PLAN_LOADED_BY, summary)
    print(
        cli_texts.plan_loaded(
            plan.org.name,
            plan.org.id,
            len(plan.divisions),
            len(plan.measures),
            len(plan.chain),
            counts,
            scheduled,
        )
    )
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from line import join_links
    from store import people

    settings, r, org = _open(args)
    plan = _plan(r, org)
    target = args.target.strip()
    kind = plan.invite_kind(target)
    if kind is None:
        choices = ", ".join([*plan.divisions, *[s.position for s in plan.chain], InviteKind.ADMIN])
        print(cli_texts.unknown_invite_target(target, choices), file=sys.stderr)
        return 2
    code = people.create_invite(r, org, kind, target, ttl=int(args.days * 86400))
    print(code)
    basic_id = join_links.basic_id(settings, r, org, fresh=True)
    if basic_id:  # LINE unreachable: the code alone, which is what scripts read
        print(join_links.join_link(basic_id, code))
    else:
        print(cli_texts.NO_JOIN_LINK, file=sys.stderr)
    print(cli_texts.invite_made(target, args.days, code), file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from core.texts import chat as texts
    from store import status as status_store

    _, r, org = _open(args)
    plan = _plan(r, org)
    matrix = status_store.read_matrix(r, plan)
    if args.json:
        print(json.dumps(matrix.as_json(), ensure_ascii=False))
        return 0
    print(cli_texts.status_counts(plan.org.name, matrix.counts()))
    for measure in plan.measures:
        state = matrix.measure_status(measure.id)
        bar_len = round(matrix.progress(measure.id) * 20)
        print(f"\n{texts.measure_ref(measure.id)} {measure.short_title or measure.title}")
        print(f"  [{'█' * bar_len}{'·' * (20 - bar_len)}] {texts.STATUS_LABEL[state]}")
        for division, value in matrix.division_statuses(measure.id).items():
            print(f"    {texts.STATUS_ICON[value]} {division}: {texts.STATUS_LABEL[value]}")
    return 0


def _memo_moment(r: redis.Redis, org: str, at: str | None) -> tuple[datetime, date]:
    """`--at` (default now; without a zone, in the plan's) and the memo's date: that day in
    the plan's time zone."""
    from store import plans

    zone = plans.timezone_of(r, org)
    if zone is None:
        sys.exit(cli_texts.no_plan_of(org))
    moment = _parse_at(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment, moment.astimezone(ZoneInfo(zone)).date()


def _wait_for(job: Job, timeout: float) -> bool:
    """Wait for the compile job, showing progress on stderr; False when it failed or hung."""
    started = time.monotonic()
    while True:
        # Blocks until the job's result lands (RQ pushes it to a stream), waking every
        # second to show progress: no polling delay after the memo is ready.
        result = job.latest_result(timeout=1)
        if result is not None:
            if result.type == result.Type.SUCCESSFUL:
                print(cli_texts.COMPILED, file=sys.stderr)
                return True
            print(cli_texts.compile_failed(), file=sys.stderr)
            if result.exc_string:
                print(result.exc_string.strip().splitlines()[-1], file=sys.stderr)
            return False
        state = job.get_status(refresh=True)
        if state in ("failed", "stopped", "canceled"):
            print(cli_texts.compile_failed(state), file=sys.stderr)
            return False
        waited = time.monotonic() - started
        if waited > timeout:
            print(cli_texts.compile_timeout(timeout), file=sys.stderr)
            return False
        print(cli_texts.compiling(state, waited), end="", file=sys.stderr, flush=True)


class _FileWriter:
    """Writes a version's files out once they are stored: made while the worker compiles (the
    imports, the connection, the folder), so that after the job only the reads are left."""

    KINDS = ("pdf", "docx", "png")

    def __init__(self, settings: Settings, org: str, version: int, out: str) -> None:
        from core.file_links import file_name, file_url
        from store.db import files_client

        self.settings, self.org, self.version = settings, org, version
        self.out_dir = Path(out) / org / f"v{version}"
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.paths = {k: self.out_dir / file_name(org, version, k) for k in self.KINDS}
        self.urls = {k: file_url(settings, org, version, k) for k in self.KINDS}
        self.rb = files_client(settings)
        self.rb.ping()  # connected now, not after the job

    def write(self) -> None:
        """Save the version's files under OUT/org/vN and print each with its signed link."""
        from store import versions

        with self.rb.pipeline(transaction=False) as pipe:  # one round trip for the three
            for kind in self.KINDS:
                versions.read_file(pipe, self.org, self.version, kind)
            files = dict(zip(self.KINDS, pipe.execute(), strict=True))
        print(f"version {self.version}")
        for kind in self.KINDS:
            if files[kind] is not None:
                self.paths[kind].write_bytes(files[kind])
            print(f"{kind}\t{self.paths[kind]}\t{self.urls[kind]}")


def cmd_compile(args: argparse.Namespace) -> int:
    from store import versions
    from store.queues import DEFAULT, queue, retry_abandoned

    settings, r, org = _open(args)
    moment, memo_date = _memo_moment(r, org, args.at)
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
    print(cli_texts.compile_queued(version), file=sys.stderr)
    if args.no_wait:
        print(f"version {version} queued")
        return 0
    writer = _FileWriter(settings, org, version, args.out)
    if not _wait_for(job, args.timeout):
        return 1
    writer.write()
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    from jobs import remind

    settings, r, org = _open(args)
    _plan(r, org)
    moment = _parse_at(args.at)
    result = remind.sweep(settings, org, moment.isoformat(), dry_run=args.dry_run)
    if result.get("slot") is None:
        print(result.get("message", cli_texts.NO_REMINDER_DUE))
        return 0
    print(cli_texts.reminder_round(result["slot"], result["message"]))
    for line in result.get("lines", []):
        print(f"  {line}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from core import logs
    from store import channels

    logs.setup()
    settings = load_settings()
    settings.check_production()  # the worker's own checks; the web's are in create_app
    channels.check_master_key(settings, _redis())
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
    from store import channels, plans

    settings, r = load_settings(), _redis()
    org = args.org or plans.default_org(r)  # no plan yet: the environment's channel
    menu_id = richmenu.install(settings, channels.token_for(settings, r, org))
    print(menu_id)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot import demo

    return demo.prepare(load_settings(), args)


def _command_maker(common: argparse.ArgumentParser):
    """make(parent, name, func, help): a subcommand that takes `--org ID` after its name."""

    def make(parent, name: str, func, help: str) -> argparse.ArgumentParser:
        command = parent.add_parser(name, help=help, parents=[common])
        if func is not None:
            command.set_defaults(func=func)
        return command

    return make


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="itabot", description=cli_texts.DESCRIPTION)
    # `--org` before the subcommand still works; after its name, it is the subcommand's own.
    # SUPPRESS: a subcommand without `--org` leaves the value given before it (or None).
    parser.add_argument("--org", help=cli_texts.ORG_HELP)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--org", default=argparse.SUPPRESS, help=cli_texts.ORG_HELP)
    command = _command_maker(common)
    sub = parser.add_subparsers(dest="command", required=True)

    plan = command(sub, "plan", None, "the plan file")
    load = command(
        plan.add_subparsers(dest="plan_command", required=True),
        "load",
        cmd_plan_load,
        "validate and load a plan",
    )
    load.add_argument("file")
    load.add_argument("--replace", action="store_true", help=cli_texts.REPLACE_HELP)

    invite = command(sub, "invite", cmd_invite, "print a one-time invite code")
    invite.add_argument("target", help="a division, a chain position, or admin")
    invite.add_argument("--days", type=float, default=7.0, help="valid for (days)")

    status = command(sub, "status", cmd_status, "the measures × divisions matrix")
    status.add_argument("--json", action="store_true")

    remind = command(sub, "remind", cmd_remind, "run the reminder sweep as at a time")
    remind.add_argument("--at")
    remind.add_argument("--dry-run", action="store_true")

    comp = command(
        sub, "compile", cmd_compile, "compile a new memo version and start its review chain"
    )
    comp.add_argument("--at")
    comp.add_argument("--no-wait", action="store_true")
    comp.add_argument("--out", default=os.environ.get("ITABOT_MEMO_DIR", "memos"))
    comp.add_argument("--timeout", type=float, default=120.0)

    worker = command(sub, "worker", cmd_worker, "RQ worker that also runs scheduled work")
    worker.add_argument("--burst", action="store_true")

    web = command(
        sub, "web", cmd_web, "development web server (production: gunicorn, see Procfile)"
    )
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int)

    command(sub, "simulator", cmd_simulator, "the local LINE simulator")
    command(sub, "richmenu", cmd_richmenu, cli_texts.RICHMENU_HELP)
    line_setup.register(sub)  # itabot line check / itabot line connect
    demo = command(sub, "demo", cmd_demo, "load the demo plan and statuses (make run does this)")
    demo.add_argument("--statuses", action="store_true", help="also set the seed memo's statuses")
    cli_org.register(command, sub)
    cli_supervisor.register(command, sub)
    cli_evidence.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:  # a refusal to start, naming the variable to set
        print(f"itabot {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
