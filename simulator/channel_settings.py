"""The channel's own settings, as LINE's Messaging API has them: the bot's info, the webhook
endpoint (get, set, LINE's webhook test) and, for the chat page, the Thai font.

* `GET /v2/bot/info`, `GET|PUT /v2/bot/channel/webhook/endpoint` and
  `POST /v2/bot/channel/webhook/test` answer as LINE does (messaging-api.yml). The webhook
  test really POSTs a signed webhook with no events to the URL (LINE's "Verify" button does
  the same) and reports what came back: success, timestamp, statusCode, reason, detail.
* Each answers for the channel whose access token the call carried (simulator/line_api.py
  routes by token). The endpoint is the URL the simulator sends that channel's webhooks to
  (`Channel.webhook_url`); "" means not set. LINE accepts only HTTPS there; the simulator also accepts plain http to
  a loopback host, so a local bot can be connected.
* `/sim/api/channel[?channel=ID]` (GET, POST) lets tests and the page read and change what
  LINE's console would for a channel (default: the one the simulator started with): the
  endpoint as is (any URL, http included), "Use webhook" on or off, the name.
* `/sim/api/loading` lists the loading-animation calls the bot made.
* `/sim/font/sarabun-<weight>.ttf` serves Sarabun from the PyPI package fontpkg-sarabun, so
  the chat page shows Thai on a machine without Thai fonts.

Authentication, fault injection and the call log come from the app's hooks (simulator/app.py),
which cover every `/v2/` path, these included.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Blueprint, Response, jsonify, request, send_file

from simulator import texts, webhook
from simulator.context import current_channel, current_state
from simulator.schema import check_request, error_body, messaging_validator, parse_json
from simulator.state import DEFAULT_CHANNEL

FONT_WEIGHTS = (400, 600, 700)
TEST_TIMEOUT = (3.0, 10.0)
LOADING_PATH = "/v2/bot/chat/loading/start"

blueprint = Blueprint("line_channel", __name__)


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"message": message}), status


def _json_body(schema_name: str, optional: bool = False) -> tuple[Any, Any]:
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}, None
    try:
        body = parse_json(raw)
    except ValueError as exc:
        return None, _error(400, str(exc))
    details = check_request(messaging_validator(), schema_name, body)
    if details:
        return None, (jsonify(error_body(details)), 400)
    return body, None


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def acceptable_endpoint(url: str) -> bool:
    """LINE takes HTTPS URLs only; the simulator also takes http to a loopback host."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))


def basic_id(destination: str) -> str:
    """A LINE-like basic id ("@" + 3 digits + 4 letters), stable for one channel."""
    digest = hashlib.sha256(destination.encode()).hexdigest()
    digits = str(int(digest[:8], 16) % 1000).zfill(3)
    letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in digest[8:12])
    return f"@{digits}{letters}"


# Messaging API ------------------------------------------------------------------------------


@blueprint.get("/v2/bot/info")
def bot_info() -> Any:
    channel = current_channel()
    return jsonify(
        {
            "userId": channel.destination,
            "basicId": basic_id(channel.destination),
            "displayName": channel.name or texts.BOT_DISPLAY_NAME,
            "chatMode": "bot",
            "markAsReadMode": "auto",
        }
    )


@blueprint.get("/v2/bot/channel/webhook/endpoint")
def get_endpoint() -> Any:
    channel = current_channel()
    return jsonify({"endpoint": channel.webhook_url, "active": channel.active})


@blueprint.put("/v2/bot/channel/webhook/endpoint")
def set_endpoint() -> Any:
    body, err = _json_body("SetWebhookEndpointRequest")
    if err:
        return err
    endpoint = body["endpoint"]
    if not acceptable_endpoint(endpoint):
        return _error(400, "Invalid webhook endpoint URL")
    current_channel().webhook_url = endpoint
    return jsonify({})


@blueprint.post("/v2/bot/channel/webhook/test")
def test_endpoint() -> Any:
    body, err = _json_body("TestWebhookEndpointRequest", optional=True)
    if err:
        return err
    channel = current_channel()
    url = body.get("endpoint") or channel.webhook_url
    if not url:
        return _error(400, "The webhook URL is not set")
    if not acceptable_endpoint(url):
        return _error(400, "Invalid webhook endpoint URL")
    return jsonify(run_webhook_test(url, channel.secret, channel.destination))


def run_webhook_test(url: str, channel_secret: str, destination: str) -> dict[str, Any]:
    """POST a signed webhook with no events, as LINE's test does, and describe the answer."""
    body = webhook.webhook_body(destination, [])
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": webhook.USER_AGENT,
        "X-Line-Signature": webhook.sign(channel_secret, body),
    }
    moment = datetime.now(UTC)
    try:
        answer = requests.post(url, data=body, headers=headers, timeout=TEST_TIMEOUT)
    except requests.Timeout:
        status, reason, detail = 0, "REQUEST_TIMEOUT", "The request timed out"
    except requests.RequestException as exc:
        status, reason, detail = 0, "COULD_NOT_CONNECT", type(exc).__name__
    else:
        status = answer.status_code
        ok = 200 <= status < 300
        reason, detail = ("OK" if ok else "ERROR_STATUS_CODE"), str(status)
    return {
        "success": 200 <= status < 300,
        "timestamp": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "statusCode": status,
        "reason": reason,
        "detail": detail,
    }


# Control API (tests, the page) --------------------------------------------------------------


def _console_channel() -> Any:
    """The channel a control call is about: ?channel=ID, else the one started with."""
    state = current_state()
    wanted = request.args.get("channel") or DEFAULT_CHANNEL
    with state.lock:
        return state.channels.get(wanted)


def _channel_public(channel: Any) -> dict[str, Any]:
    return {
        "endpoint": channel.webhook_url,
        "active": channel.active,
        "displayName": channel.name or texts.BOT_DISPLAY_NAME,
    }


@blueprint.get("/sim/api/channel")
def sim_channel() -> Any:
    channel = _console_channel()
    if channel is None:
        return _error(404, "no such channel")
    return jsonify(_channel_public(channel))


@blueprint.post("/sim/api/channel")
def sim_set_channel() -> Any:
    payload = request.get_json(silent=True) or {}
    channel = _console_channel()
    if channel is None:
        return _error(404, "no such channel")
    if "endpoint" in payload:
        channel.webhook_url = str(payload["endpoint"] or "")
    if "active" in payload:
        channel.active = bool(payload["active"])
    if payload.get("displayName"):
        channel.name = str(payload["displayName"])[:20]
    return jsonify(_channel_public(channel))


@blueprint.get("/sim/api/loading")
def sim_loading() -> Any:
    """The loading-animation calls the bot made (oldest first), with their status."""
    state = current_state()
    with state.lock:
        calls = [c for c in state.calls if c["path"] == LOADING_PATH]
    return jsonify({"calls": calls, "now": time.time()})


@blueprint.get("/sim/font/sarabun-<int:weight>.ttf")
def font(weight: int) -> Any:
    if weight not in FONT_WEIGHTS:
        return _error(404, "Not found")
    import fontpkg

    return send_file(
        fontpkg.path("Sarabun", weight=weight), mimetype="font/ttf", max_age=30 * 24 * 3600
    )
