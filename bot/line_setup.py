"""`itabot line check` and `itabot line connect`: the channel, through LINE's own Messaging API.

check: the bot's info (GET /v2/bot/info: the token works) and the webhook endpoint
(GET /v2/bot/channel/webhook/endpoint): set, HTTPS (plain http only to a loopback host, with a
warning: that is the local simulator), pointing at PUBLIC_BASE_URL/callback (or
/callback/<org>), switched on. Exit 1 on any problem.

connect: set the endpoint (PUT) unless it already is the right one, run LINE's webhook test
(POST /v2/bot/channel/webhook/test, LINE calls our /callback), install the rich menu unless
it already is the current one, and end with the check. A second run changes nothing and says
so. Secrets never reach the output: only URLs, names and LINE's status fields are printed.
"""

from __future__ import annotations

import argparse
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import redis

from core.config import Settings, load_settings
from core.texts import cli as texts

if TYPE_CHECKING:  # the LINE client is imported by the commands that call LINE, not by `itabot`
    from line.client import LineClient


class Stop(Exception):
    """LINE cannot be asked (unreachable, bad token): the message says why."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    problems: int = 0
    warnings: int = 0
    changes: int = 0

    def ok(self, text: str) -> None:
        self.lines.append(text)

    def warn(self, text: str) -> None:
        self.lines.append(text)
        self.warnings += 1

    def fail(self, text: str) -> None:
        self.lines.append(text)
        self.problems += 1


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback  # 127.0.0.0/8, ::1
    except ValueError:
        return False


def _norm(url: str) -> str:
    return url.strip().rstrip("/")


def expected_urls(settings: Settings, org: str | None, served: str | None = None) -> list[str]:
    """The webhook URLs this deployment serves, the one to set first: /callback/<org> when an
    organisation is named, else /callback; /callback/<served> (the default one) counts too."""
    base = _norm(settings.public_base_url)
    urls = [f"{base}/callback/{org}"] if org else []
    urls.append(f"{base}/callback")
    if served and served != org:
        urls.append(f"{base}/callback/{served}")
    return urls


def _ask(settings: Settings, action: str, fn: Callable[[], Any]) -> Any:
    """One Messaging API call; a failure that ends the run becomes Stop (its message)."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - LineError, the SDK's ApiException, urllib3's errors
        status = getattr(exc, "status", None)
        if not isinstance(status, int) or not status:
            kind = type(exc).__name__
            raise Stop(
                texts.LINE_UNREACHABLE.format(url=settings.line_api_url, kind=kind)
            ) from None
        if status == 401:
            raise Stop(texts.TOKEN_INVALID) from None
        from line.client import LineError

        body = exc.body if isinstance(exc, LineError) else str(getattr(exc, "body", "") or "")
        message = _message(body)
        raise Stop(
            texts.LINE_FAILED.format(status=status, action=action, message=message)
        ) from None


def _message(body: str) -> str:
    """LINE's error `message` (bodies are JSON); never the request, so never a token."""
    import json

    try:
        return str(json.loads(body).get("message", ""))[:200]
    except (ValueError, AttributeError):
        return body[:200]


def check_endpoint(report: Report, url: str, active: bool, expected: list[str]) -> None:
    if not url:
        report.fail(texts.WEBHOOK_NOT_SET)
        return
    parts = urlsplit(url)
    problems_before = report.problems
    if parts.scheme != "https":
        if parts.scheme == "http" and is_loopback(parts.hostname):
            report.warn(texts.WEBHOOK_HTTP_LOOPBACK.format(url=url))
        else:
            report.fail(texts.WEBHOOK_NOT_HTTPS.format(url=url))
    if _norm(url) not in expected:
        report.fail(texts.WEBHOOK_ELSEWHERE.format(url=url, expected=expected[0]))
    if not active:
        report.fail(texts.WEBHOOK_OFF)
    if report.problems == problems_before:
        report.ok(texts.WEBHOOK_OK.format(url=url))


def run_check(settings: Settings, client: LineClient, org: str | None, report: Report) -> None:
    info = _ask(settings, texts.ACTION_BOT_INFO, client.bot_info)
    report.ok(texts.BOT_OK.format(name=info.get("displayName", ""), basic_id=info.get("basicId")))
    url, active = _ask(settings, texts.ACTION_ENDPOINT, client.webhook_endpoint)
    check_endpoint(report, url, active, expected_urls(settings, org, _served_org()))


def run_connect(settings: Settings, client: LineClient, org: str | None, report: Report) -> None:
    target = expected_urls(settings, org)[0]
    parts = urlsplit(target)
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname)):
        raise Stop(texts.BASE_NOT_HTTPS.format(url=settings.public_base_url))
    current, _active = _ask(settings, texts.ACTION_ENDPOINT, client.webhook_endpoint)
    if _norm(current) == target:
        report.ok(texts.ENDPOINT_UNCHANGED.format(url=target))
    else:
        _ask(settings, texts.ACTION_SET_ENDPOINT, lambda: client.set_webhook_endpoint(target))
        report.ok(texts.ENDPOINT_SET.format(url=target, old=current or texts.ENDPOINT_WAS_UNSET))
        report.changes += 1
    result = _ask(settings, texts.ACTION_TEST, client.test_webhook)
    fields = {
        "status": result.get("statusCode"),
        "reason": result.get("reason", ""),
        "detail": result.get("detail", ""),
    }
    if result.get("success"):
        report.ok(texts.TEST_OK.format(**fields))
    else:
        report.fail(texts.TEST_FAILED.format(url=target, **fields))
    from line import richmenu

    _menu_id, changed = _ask(
        settings, texts.ACTION_RICH_MENU, lambda: richmenu.ensure(settings, client.token)
    )
    report.ok(texts.MENU_INSTALLED if changed else texts.MENU_UNCHANGED)
    report.changes += int(changed)
    report.ok(
        texts.CHANGED.format(count=report.changes) if report.changes else texts.NOTHING_CHANGED
    )


def _summary(report: Report) -> str:
    if report.problems:
        return texts.CHECK_FAILED.format(count=report.problems)
    if report.warnings:
        return texts.CHECK_WARNED.format(count=report.warnings)
    return texts.CHECK_PASSED


def _served_org() -> str | None:
    """The organisation `POST /callback` serves (the first plan loaded), if Redis says."""
    try:
        from store import plans
        from store.db import store_client

        return plans.default_org(store_client(load_settings()))
    except redis.RedisError:  # without Redis, /callback alone is expected
        return None


def _client(settings: Settings, org: str | None) -> LineClient:
    """The channel of `org` (its own credentials, else the environment's)."""
    from line.client import LineClient
    from store import channels
    from store.db import store_client

    try:
        r = store_client(settings)
        return LineClient(settings, channels.token_for(settings, r, org or _served_org()))
    except redis.RedisError:  # the environment's channel can still be checked
        return LineClient(settings)


def _run(args: argparse.Namespace, steps: list[Callable[..., None]]) -> int:
    settings = load_settings()
    org = getattr(args, "org", None)
    client = _client(settings, org)
    report = Report()
    try:
        for step in steps:
            step(settings, client, org, report)
    except Stop as stop:
        report.fail(str(stop))
    for line in report.lines:
        print(line)
    print(_summary(report))
    return 1 if report.problems else 0


def cmd_check(args: argparse.Namespace) -> int:
    return _run(args, [run_check])


def cmd_connect(args: argparse.Namespace) -> int:
    return _run(args, [run_connect, run_check])


def register(sub: Any) -> None:
    """Add `line check` and `line connect` to the `itabot` parser's subcommands."""
    line = sub.add_parser("line", help="the LINE channel: check it, or connect it to this system")
    commands = line.add_subparsers(dest="line_command", required=True)
    for name, func, help_text in (
        ("check", cmd_check, texts.LINE_CHECK_HELP),
        ("connect", cmd_connect, texts.LINE_CONNECT_HELP),
    ):
        command = commands.add_parser(name, help=help_text)
        # SUPPRESS: without --org here, the top-level `itabot --org ID` still counts
        command.add_argument("--org", default=argparse.SUPPRESS, help="organisation id")
        command.set_defaults(func=func)
