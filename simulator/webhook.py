"""Webhook events as LINE sends them: ids, bodies, signatures and the POST itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from typing import Any

import requests

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
WEBHOOK_TIMEOUT = (3.0, 30.0)  # connect, read (seconds)
USER_AGENT = "LineBotWebhook/2.0"


def new_user_id() -> str:
    """A LINE-like user id: "U" + 32 lowercase hex digits."""
    return "U" + secrets.token_hex(16)


def bot_user_id(channel_secret: str) -> str:
    """The bot's own user id (webhook `destination`), stable for one channel secret."""
    return "U" + hashlib.sha256(("bot:" + channel_secret).encode()).hexdigest()[:32]


def new_event_id(now_ms: int | None = None) -> str:
    """A ULID (26 Crockford base32 chars: 48-bit ms time + 80 random bits), as LINE uses."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_message_id() -> str:
    """LINE message ids are decimal strings of about 18 digits."""
    return str(secrets.randbelow(9 * 10**17) + 10**17)


def new_reply_token() -> str:
    return secrets.token_hex(16)


def new_quote_token() -> str:
    return secrets.token_urlsafe(64)


def now_ms() -> int:
    return int(time.time() * 1000)


def sign(channel_secret: str, body: bytes) -> str:
    """`X-Line-Signature`: base64 HMAC-SHA256 of the exact body bytes."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _event(kind: str, user_id: str, reply_token: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": now_ms(),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": new_event_id(),
        "deliveryContext": {"isRedelivery": False},
    }
    if reply_token is not None:
        event["replyToken"] = reply_token
    return event


def text_event(user_id: str, text: str, reply_token: str) -> dict[str, Any]:
    event = _event("message", user_id, reply_token)
    event["message"] = {
        "id": new_message_id(),
        "type": "text",
        "text": text,
        "quoteToken": new_quote_token(),
    }
    return event


def image_event(
    user_id: str, message_id: str, reply_token: str, image_set: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An image message; `image_set` ({id, index, total}) when it is one of several sent at
    once, as LINE marks them."""
    event = _event("message", user_id, reply_token)
    event["message"] = {
        "id": message_id,
        "type": "image",
        "contentProvider": {"type": "line"},
        "quoteToken": new_quote_token(),
    }
    if image_set:
        event["message"]["imageSet"] = dict(image_set)
    return event


def file_event(
    user_id: str, message_id: str, file_name: str, file_size: int, reply_token: str
) -> dict[str, Any]:
    """A file message (LINE's FileMessageContent: fileName and fileSize, no quote token)."""
    event = _event("message", user_id, reply_token)
    event["message"] = {
        "id": message_id,
        "type": "file",
        "fileName": file_name,
        "fileSize": file_size,
    }
    return event


def new_image_set_id() -> str:
    return secrets.token_hex(16).upper()


def postback_event(
    user_id: str, data: str, reply_token: str, params: dict[str, str] | None = None
) -> dict[str, Any]:
    event = _event("postback", user_id, reply_token)
    event["postback"] = {"data": data}
    if params:
        event["postback"]["params"] = dict(params)
    return event


def follow_event(user_id: str, reply_token: str, is_unblocked: bool = False) -> dict[str, Any]:
    event = _event("follow", user_id, reply_token)
    event["follow"] = {"isUnblocked": is_unblocked}
    return event


def unfollow_event(user_id: str) -> dict[str, Any]:
    return _event("unfollow", user_id, None)


def webhook_body(destination: str, events: list[dict[str, Any]]) -> bytes:
    """Compact UTF-8 JSON, non-ASCII left as is (so signatures cover real multibyte text)."""
    payload = {"destination": destination, "events": events}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def post(url: str, body: bytes, signature: str | None) -> tuple[int, str]:
    """POST a webhook; returns (HTTP status, response text). Status 0: no connection."""
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    try:
        response = requests.post(url, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT)
    except requests.RequestException as exc:
        return 0, f"{type(exc).__name__}: {exc}"
    return response.status_code, response.text[:2000]
