"""`itabot supervisor link`: a one-time sign-in link (10 minutes) to the read-only overview of
a group of organisations, the group being a province (the plans' org.province) or a list."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from core.config import load_settings
from core.texts import cli as cli_texts

if TYPE_CHECKING:
    import redis


def province_key(name: str) -> str:
    """A province as compared: "จังหวัดอุดรธานี" and "อุดรธานี" are the same one."""
    text = " ".join(name.split())
    if text.startswith(cli_texts.PROVINCE_PREFIX):
        text = text[len(cli_texts.PROVINCE_PREFIX) :]
    return text.strip()


def orgs_in_province(r: redis.Redis, province: str) -> list[str]:
    from store import plans

    wanted = province_key(province)
    found = []
    for org in plans.all_orgs(r):
        plan = plans.get_plan(r, org)
        if plan is not None and wanted and province_key(plan.org.province) == wanted:
            found.append(org)
    return found


def _group(r: redis.Redis, args: argparse.Namespace) -> tuple[list[str], str] | None:
    """The organisations and the label of the group asked for; None (said on stderr) if none."""
    from store import plans

    if args.province is not None:
        orgs = orgs_in_province(r, args.province)
        if not orgs:
            print(cli_texts.no_org_in_province(args.province), file=sys.stderr)
            return None
        return orgs, cli_texts.province_label(province_key(args.province))
    orgs = list(dict.fromkeys(o.strip() for o in args.orgs.split(",") if o.strip()))
    unknown = [o for o in orgs if plans.get_plan(r, o) is None]
    if unknown or not orgs:
        print(cli_texts.unknown_orgs(unknown), file=sys.stderr)
        return None
    return orgs, cli_texts.orgs_label(len(orgs))


def cmd_supervisor_link(args: argparse.Namespace) -> int:
    from store import supervisors
    from store.db import connect

    settings = load_settings()
    r = connect(settings.redis_url)
    group = _group(r, args)
    if group is None:
        return 2
    orgs, label = group
    token = supervisors.create_supervisor_link_token(r, orgs, label)
    print(f"{settings.public_base_url}/supervisor/login/{token}")
    minutes = supervisors.LINK_SECONDS // 60
    print(cli_texts.supervisor_link_made(label, orgs, minutes), file=sys.stderr)
    return 0


def register(
    command: Callable[..., argparse.ArgumentParser], sub: argparse._SubParsersAction
) -> None:
    """Add `supervisor link`; `command(parent, name, func, help)` makes a subcommand that takes
    `--org` like every other (bot/cli.py)."""
    supervisor = command(
        sub, "supervisor", None, "a read-only overview of a group of organisations"
    )
    link = command(
        supervisor.add_subparsers(dest="supervisor_command", required=True),
        "link",
        cmd_supervisor_link,
        "print a one-time sign-in link (10 minutes)",
    )
    group = link.add_mutually_exclusive_group(required=True)
    group.add_argument("--province", help="every organisation whose plan's org.province is this")
    group.add_argument("--orgs", help="organisation ids, comma-separated")
