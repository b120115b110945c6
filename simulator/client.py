"""Python client of the simulator's `/sim/api` for tests, plus helpers to read messages."""

from __future__ import annotations

import time
from typing import Any

import requests

_TIMEOUT = 60.0  # a webhook round trip through the bot may take a while under load


class SimulatorClient:
    """Plays LINE users against a running simulator (see `simulator.server`)."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self._http = requests.Session()

    # plumbing ------------------------------------------------------------------------------
    def _url(self, path: str) -> str:
        return f"{self.base_url}/sim/api{path}"

    def _get(self, path: str, **params: Any) -> Any:
        response = self._http.get(self._url(path), params=params, timeout=_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def _post(self, path: str, payload: Any = None) -> Any:
        response = self._http.post(self._url(path), json=payload, timeout=_TIMEOUT)
        response.raise_for_status()
        return response.json()

    # channels ------------------------------------------------------------------------------
    def create_channel(
        self,
        secret: str,
        token: str,
        webhook_url: str,
        name: str = "",
        channel_id: str | None = None,
    ) -> str:
        """A LINE channel beside the default one; returns its id. The bot's calls carrying
        `token` are this channel's; its users' webhooks are signed with `secret` and POSTed
        to `webhook_url`."""
        payload: dict[str, Any] = {
            "secret": secret,
            "token": token,
            "webhook_url": webhook_url,
            "name": name,
        }
        if channel_id:
            payload["id"] = channel_id
        return self._post("/channels", payload)["id"]

    def update_channel(self, channel_id: str, **fields: str) -> dict[str, Any]:
        """Change a channel's secret, token, webhook_url or name."""
        return self._post(f"/channels/{channel_id}", fields)

    def channels(self) -> list[dict[str, Any]]:
        """Every channel (id, name, webhookUrl, destination), the default one first."""
        return self._get("/channels")["channels"]

    # users ---------------------------------------------------------------------------------
    def create_user(
        self, name: str, channel: str | None = None, same_person_as: str | None = None
    ) -> str:
        """A new LINE user, a friend-to-be of `channel` (None: the default channel); returns
        its id ("U" + 32 hex), the handle of its chat in every other call.

        With `same_person_as` (another chat's handle) it is that person's chat with this
        channel: LINE gives one person the same user id in every channel of one provider, so
        the bot sees the same id; the handle returned is then the chat's own."""
        payload: dict[str, Any] = {"name": name}
        if channel:
            payload["channel"] = channel
        if same_person_as:
            payload["lineUserId"] = self.line_user_id(same_person_as)
        return self._post("/users", payload)["userId"]

    def line_user_id(self, user: str) -> str:
        """The user id the bot sees for this chat."""
        return self._get(f"/users/{user}")["lineUserId"]

    def users(self, channel: str | None = None) -> list[dict[str, Any]]:
        params = {"channel": channel} if channel else {}
        return self._get("/users", **params)["users"]

    # webhooks (each returns the bot's HTTP status, 0 if it could not be reached) -------
    def follow(self, user_id: str) -> int:
        return self._post(f"/users/{user_id}/follow")["status"]

    def unfollow(self, user_id: str) -> int:
        return self._post(f"/users/{user_id}/unfollow")["status"]

    def send_text(self, user_id: str, text: str) -> int:
        return self._post(f"/users/{user_id}/text", {"text": text})["status"]

    def send_postback(
        self,
        user_id: str,
        data: str,
        params: dict[str, str] | None = None,
        display_text: str | None = None,
    ) -> int:
        payload: dict[str, Any] = {"data": data}
        if params:
            payload["params"] = params
        if display_text:
            payload["displayText"] = display_text
        return self._post(f"/users/{user_id}/postback", payload)["status"]

    def send_image(self, user_id: str, data: bytes, content_type: str = "image/jpeg") -> int:
        """An image message; the bot downloads it from /v2/bot/message/{id}/content."""
        response = self._http.post(
            self._url(f"/users/{user_id}/image"),
            data=data,
            headers={"Content-Type": content_type},
            timeout=_TIMEOUT,
        )
        response.raise_for_status()
        return response.json()["status"]

    def send_images(
        self, user_id: str, images: list[bytes], content_type: str = "image/jpeg"
    ) -> list[int]:
        """Several images at once: LINE sends one webhook each, marked as one imageSet."""
        files = [("image", (f"{i}.jpg", data, content_type)) for i, data in enumerate(images)]
        response = self._http.post(
            self._url(f"/users/{user_id}/images"), files=files, timeout=_TIMEOUT
        )
        response.raise_for_status()
        return [event["status"] for event in response.json()["events"]]

    def send_file(
        self,
        user_id: str,
        data: bytes,
        file_name: str,
        content_type: str = "application/octet-stream",
    ) -> int:
        """A file message (fileName, fileSize); the bot downloads it like an image."""
        response = self._http.post(
            self._url(f"/users/{user_id}/file"),
            params={"name": file_name},
            data=data,
            headers={"Content-Type": content_type},
            timeout=_TIMEOUT,
        )
        response.raise_for_status()
        return response.json()["status"]

    def send_raw(
        self,
        body: bytes,
        signature: str | None,
        *,
        sign: bool = False,
        channel: str | None = None,
        url: str | None = None,
    ) -> int:
        """POST `body` to the bot as is, with `signature` as X-Line-Signature (None: no header).

        With `sign=True` the simulator signs it correctly with the channel's secret instead.
        `channel` (None: the default one) gives the secret and the webhook URL; `url` sends
        it elsewhere (e.g. another channel's webhook path)."""
        headers = {"Content-Type": "application/octet-stream"}
        if channel:
            headers["X-Sim-Channel"] = channel
        if url:
            headers["X-Sim-Url"] = url
        if sign:
            headers["X-Sim-Sign"] = "1"
        elif signature is not None:
            headers["X-Sim-Signature"] = signature
        response = self._http.post(self._url("/raw"), data=body, headers=headers, timeout=_TIMEOUT)
        response.raise_for_status()
        return response.json()["status"]

    def events(self, user_id: str) -> list[dict[str, Any]]:
        """Every webhook event sent for this user, oldest first, with status and raw bodies."""
        return self._get(f"/users/{user_id}/events")["events"]

    def last_event(self, user_id: str) -> dict[str, Any]:
        """The last webhook event object sent for this user (an element of `events`)."""
        events = self.events(user_id)
        if not events:
            raise AssertionError(f"no webhook event was sent for {user_id}")
        return events[-1]["event"]

    def redeliver(self, event_id: str) -> int:
        """Send a past event again: same webhookEventId, `isRedelivery: true`."""
        return self._post(f"/events/{event_id}/redeliver")["status"]

    # what users received ---------------------------------------------------------------
    def messages(self, user_id: str) -> list[dict[str, Any]]:
        """Messages the user received, oldest first: {message, via, time, id, …}."""
        return self._get(f"/users/{user_id}/messages")["messages"]

    def wait_for(self, user_id: str, count: int, timeout: float = 15) -> list[dict[str, Any]]:
        """Wait until the user received at least `count` messages in total; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            received = self.messages(user_id)
            if len(received) >= count:
                return received
            if time.monotonic() >= deadline:
                texts = [message_text(m["message"]) for m in received]
                raise AssertionError(
                    f"{user_id} received {len(received)} of {count} messages "
                    f"within {timeout}s: {texts!r}"
                )
            time.sleep(0.05)

    # Messaging API side ------------------------------------------------------------------
    def api_calls(
        self, path_prefix: str | None = None, channel: str | None = None
    ) -> list[dict[str, Any]]:
        """Calls the bot made: method, path, status, retry_key, body, response, time, and
        the channel (id, None if the token was unknown) and the token they carried; only
        those of `channel` if given."""
        params = {"path_prefix": path_prefix} if path_prefix else {}
        if channel:
            params["channel"] = channel
        return self._get("/calls", **params)["calls"]

    def set_fault(
        self,
        status: int,
        count: int = 1,
        path_prefix: str | None = None,
        mode: str = "reject",
        delay: float = 0.0,
    ) -> None:
        """Make the next `count` matching API calls fail (see the module doc of `app`)."""
        payload: dict[str, Any] = {"status": status, "count": count, "mode": mode, "delay": delay}
        if path_prefix:
            payload["path_prefix"] = path_prefix
        self._post("/faults", payload)

    def clear_faults(self) -> None:
        response = self._http.delete(self._url("/faults"), timeout=_TIMEOUT)
        response.raise_for_status()

    def reset(self) -> None:
        """Forget users, messages, events, calls, faults and the channels added (the default
        channel's rich menus stay)."""
        self._post("/reset")

    def config(self) -> dict[str, Any]:
        return self._get("/config")

    def set_webhook_url(self, url: str) -> None:
        self._post("/config", {"webhookUrl": url})

    def set_reply_token_ttl(self, seconds: float) -> None:
        self._post("/config", {"replyTokenTtl": seconds})


# Reading messages in assertions ---------------------------------------------------------


def _unwrap(msg: dict[str, Any]) -> dict[str, Any]:
    # Accept either a message object or a `messages()` entry.
    inner = msg.get("message")
    return inner if isinstance(inner, dict) and "type" in inner else msg


def _walk(node: Any) -> Any:
    """Every dict inside `node`, depth first, in document order."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def message_text(msg: dict[str, Any]) -> str:
    """All human-readable text of a text/flex/template message, newline separated:
    altText, texts, spans, titles, button and quick-reply labels."""
    message = _unwrap(msg)
    parts: list[str] = []
    if isinstance(message.get("altText"), str):
        parts.append(message["altText"])
    for node in _walk({k: v for k, v in message.items() if k != "altText"}):
        kind = node.get("type")
        for key in ("title", "text", "label"):
            value = node.get(key)
            # An action's `text` (message action) is what the user would send: skip it.
            if key == "text" and kind in ("message", "postback"):
                continue
            if isinstance(value, str) and value:
                parts.append(value)
    return "\n".join(parts)


def _actions(node: Any) -> list[dict[str, Any]]:
    out = []
    for item in _walk(node):
        action = item.get("action")
        if isinstance(action, dict):
            out.append(action)
        actions = item.get("actions")
        if isinstance(actions, list):
            out.extend(a for a in actions if isinstance(a, dict))
        default = item.get("defaultAction")
        if isinstance(default, dict):
            out.append(default)
    return out


def postback_buttons(msg: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, data) of every postback action in the message body (quick replies excluded)."""
    message = _unwrap(msg)
    body = {k: v for k, v in message.items() if k != "quickReply"}
    return [
        (str(a.get("label", "")), str(a.get("data", "")))
        for a in _actions(body)
        if a.get("type") == "postback"
    ]


def quick_replies(msg: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, action) of each quick-reply item."""
    message = _unwrap(msg)
    items = (message.get("quickReply") or {}).get("items") or []
    return [(str(item["action"].get("label", "")), item["action"]) for item in items]
