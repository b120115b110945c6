"""A LINE client that records instead of sending, and the webhook bodies LINE would send.

RecordingLine has the methods the event pipeline calls on line.client.LineClient (reply,
push, multicast, profile_name, show_loading); pass it to handlers.pipeline.process_body as
`line=` (it is its own factory). It can be told to refuse replies, as LINE does an expired
reply token.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from core.config import Settings
from line.client import LineError

_ids = itertools.count(1)


class RecordingLine:
    def __init__(
        self,
        names: dict[str, str] | None = None,
        refuse_replies: bool = False,
        reply_delay: Callable[[str], float] | None = None,
    ):
        self.names = names or {}
        self.refuse_replies = refuse_replies
        self.reply_delay = reply_delay  # seconds a reply takes, by reply token (LINE's latency)
        self.replies: list[tuple[str, list[dict[str, Any]]]] = []  # (reply token, messages)
        self.pushes: list[tuple[str, list[dict[str, Any]], str]] = []  # (to, messages, key)
        self.multicasts: list[tuple[list[str], list[dict[str, Any]], str]] = []
        self.profiles_asked: list[str] = []
        self.tokens: list[str | None] = []
        self._lock = threading.Lock()  # replies may come from the background reply threads

    def __call__(self, settings: Settings, token: str | None = None) -> RecordingLine:
        self.tokens.append(token)  # the access token the pipeline chose for the event
        return self

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> None:
        if self.reply_delay:
            time.sleep(self.reply_delay(reply_token))
        if self.refuse_replies:
            raise LineError(400, '{"message":"Invalid reply token"}')
        with self._lock:
            self.replies.append((reply_token, messages))

    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> None:
        with self._lock:
            self.pushes.append((to, messages, retry_key))

    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> None:
        with self._lock:
            self.multicasts.append((list(to), messages, retry_key))

    def profile_name(self, user_id: str) -> str:
        self.profiles_asked.append(user_id)
        return self.names.get(user_id, "")

    def show_loading(self, user_id: str, seconds: int = 5) -> None:
        pass

    def messages_to(self, token_prefix: str) -> list[dict[str, Any]]:
        """Every message replied with tokens starting with token_prefix (one user's)."""
        return [m for token, ms in self.replies if token.startswith(token_prefix) for m in ms]

    def last(self) -> dict[str, Any]:
        """The last message replied."""
        assert self.replies, "nothing was replied"
        return self.replies[-1][1][-1]


def event_id() -> str:
    return f"01TESTEVENT{next(_ids):015d}"


def _event(kind: str, user_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1700000000000,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": fields.pop("webhook_event_id", None) or event_id(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": f"{user_id}-{next(_ids)}",
        **fields,
    }


def text_event(user_id: str, text: str, **fields: Any) -> dict[str, Any]:
    message = {"id": str(next(_ids)), "type": "text", "text": text}
    return _event("message", user_id, message=message, **fields)


def postback_event(user_id: str, data: str, **fields: Any) -> dict[str, Any]:
    return _event("postback", user_id, postback={"data": data}, **fields)


def follow_event(user_id: str) -> dict[str, Any]:
    return _event("follow", user_id, follow={"isUnblocked": False})


def body(*events: dict[str, Any]) -> str:
    return json.dumps({"destination": "Ubot", "events": list(events)}, ensure_ascii=False)
