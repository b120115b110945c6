"""`itabot evidence`: the ITA evidence export (`export [--org ID] -o FILE.zip`) and the
organisation's evidence quota (`quota [MB | --default]`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.config import MB
from core.texts import evidence as texts


def cmd_export(args: argparse.Namespace) -> int:
    from bot.cli import _open, _plan
    from jobs import evidence_export

    settings, r, org = _open(args)
    data, count = evidence_export.build(settings, r, _plan(r, org))
    Path(args.output).write_bytes(data)
    print(texts.exported(count, args.output))
    return 0


def cmd_quota(args: argparse.Namespace) -> int:
    from bot.cli import _open
    from store import evidence

    settings, _r, org = _open(args)
    if args.default:
        evidence.set_quota(settings, org, None)
    elif args.megabytes is not None:
        if args.megabytes < 0:
            sys.exit("MB >= 0")
        evidence.set_quota(settings, org, int(args.megabytes * MB))
    used = evidence.blob_store(settings).usage(org)
    print(texts.quota_set(org, evidence.quota(settings, org), used))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `evidence` to the `itabot` command line."""
    evidence = sub.add_parser("evidence", help="evidence sent from the phone")
    commands = evidence.add_subparsers(dest="evidence_command", required=True)
    export = commands.add_parser("export", help="the ITA evidence ZIP (index.csv at its top)")
    export.add_argument("-o", "--output", required=True, help="FILE.zip")
    export.set_defaults(func=cmd_export)
    quota = commands.add_parser("quota", help="show or set the organisation's evidence quota")
    quota.add_argument("megabytes", nargs="?", type=float, help="new quota in MB")
    quota.add_argument("--default", action="store_true", help="back to ITABOT_EVIDENCE_QUOTA_MB")
    quota.set_defaults(func=cmd_quota)
    for parser in (export, quota):
        parser.add_argument("--org", default=argparse.SUPPRESS, help="organisation id")
