"""`itabot org …`: the organisations one deployment serves, each with its own LINE channel
(add, list, set-channel, remove, export). Registered by bot/cli.py.

Channel credentials come from a file (or standard input), never from the command line,
which other users of the machine can read in the process list.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from core.config import load_settings
from core.texts import cli as cli_texts
from core.values import is_org_id

SECRET_NAME, TOKEN_NAME = "LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"
PROBLEMS = cli_texts.CREDENTIAL_PROBLEMS


class CredentialsError(ValueError):
    """The credentials file is not as `org add` wants it; the problems name lines, not values."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def parse_credentials(text: str) -> tuple[str, str]:
    """(secret, token) from `LINE_CHANNEL_SECRET=…` and `LINE_CHANNEL_ACCESS_TOKEN=…` lines;
    blank lines and `#` comments are allowed."""
    found: dict[str, str] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name, value = name.strip(), value.strip().strip("'\"")
        if not sep or not value:
            problems.append(PROBLEMS["bad_line"].format(number=number))
        elif name not in (SECRET_NAME, TOKEN_NAME):
            problems.append(PROBLEMS["unknown_name"].format(number=number, name=name[:60]))
        else:
            found[name] = value
    missing = [name for name in (SECRET_NAME, TOKEN_NAME) if name not in found]
    problems += [PROBLEMS["missing"].format(name=name) for name in missing]
    if problems:
        raise CredentialsError(problems)
    return found[SECRET_NAME], found[TOKEN_NAME]


def _read_credentials(source: str) -> tuple[str, str]:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        return parse_credentials(text)
    except CredentialsError as exc:
        sys.exit(cli_texts.credentials_refused(source, exc.problems))


def _store():
    from store.db import connect

    settings = load_settings()
    return settings, connect(settings.redis_url)


def _known(r, org: str) -> None:
    """Exit unless the organisation exists (it has a plan or a channel)."""
    from store import orgs

    if not is_org_id(org) or not orgs.exists(r, org):
        sys.exit(cli_texts.org_refused("unknown", org))


def cmd_add(args: argparse.Namespace) -> int:
    from store import channels, orgs

    if not is_org_id(args.id):
        sys.exit(cli_texts.org_refused("bad_id", args.id))
    settings, r = _store()
    if channels.has_channel(r, args.id):
        sys.exit(cli_texts.org_refused("has_channel", args.id))
    secret, token = _read_credentials(args.credentials)
    channels.save_channel(r, args.id, secret, token, settings.master_key)
    if args.name:
        orgs.set_name(r, args.id, args.name)
    print(cli_texts.org_added(args.id, f"{settings.public_base_url}/callback/{args.id}"))
    return 0


def cmd_set_channel(args: argparse.Namespace) -> int:
    from store import channels

    settings, r = _store()
    _known(r, args.id)
    secret, token = _read_credentials(args.credentials)
    channels.save_channel(r, args.id, secret, token, settings.master_key)
    print(cli_texts.channel_set(args.id))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from store import orgs

    _, r = _store()
    rows = orgs.summaries(r)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print(cli_texts.ORG_LIST_EMPTY)
        return 0
    print(cli_texts.ORG_LIST_HEADER)
    for row in rows:
        channel = cli_texts.OWN_CHANNEL if row["has_channel"] else cli_texts.ENV_CHANNEL
        mark = cli_texts.DEFAULT_MARK if row["default"] else ""
        print("\t".join([row["id"], row["name"] or "-", row["province"] or "-", channel, mark]))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from store import orgs

    settings, r = _store()
    _known(r, args.id)
    if not args.yes:
        print(
            cli_texts.confirm_remove(args.id, len(orgs.keys_of(r, args.id))),
            end="",
            file=sys.stderr,
            flush=True,
        )
        if sys.stdin.readline().strip() != args.id:
            print(cli_texts.remove_cancelled(args.id), file=sys.stderr)
            return 1
    removed = orgs.remove(settings, r, args.id)
    print(cli_texts.org_removed(args.id, removed))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from store import orgs
    from store.db import connect_binary

    settings, r = _store()
    _known(r, args.id)
    files = orgs.export_files(r, connect_binary(settings.redis_url), args.id)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{args.id}/{name}", data)
    print(cli_texts.org_exported(args.id, str(out), len(files)))
    return 0


Command = Callable[..., argparse.ArgumentParser]


def register(command: Command, sub: argparse._SubParsersAction) -> None:
    """Add `org` and its subcommands; `command(parent, name, func, help)` makes a subcommand
    that takes `--org` like every other (bot/cli.py)."""
    org = command(sub, "org", None, "organisations and their own LINE channels")
    org_sub = org.add_subparsers(dest="org_command", required=True)
    add = command(org_sub, "add", cmd_add, "register an organisation with its LINE channel")
    add.add_argument("id", help="organisation id, the plan's org.id (a-z 0-9 -)")
    add.add_argument(
        "--credentials", required=True, help="FILE with LINE_CHANNEL_* lines, - = stdin"
    )
    add.add_argument("--name", help="its name until its plan is loaded")
    lst = command(org_sub, "list", cmd_list, "the organisations (never their credentials)")
    lst.add_argument("--json", action="store_true")
    rotate = command(org_sub, "set-channel", cmd_set_channel, "replace its channel credentials")
    rotate.add_argument("id")
    rotate.add_argument("--credentials", required=True, help="FILE, - = stdin")
    remove = command(org_sub, "remove", cmd_remove, "delete every key of an organisation")
    remove.add_argument("id")
    remove.add_argument("--yes", action="store_true", help="do not ask for the id to confirm")
    export = command(org_sub, "export", cmd_export, "write one archive of an organisation")
    export.add_argument("id")
    export.add_argument("-o", "--output", required=True, help="FILE.zip")
