"""The LINE Messaging API client: the official line-bot-sdk v3, pointed by LINE_API_URL.

Messages travel through the project as plain LINE JSON dicts (easy to queue, test and
validate); they become SDK request models only here, at the edge.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from core.config import Settings

log = logging.getLogger("itabot.line")

REQUEST_TIMEOUT = (3.0, 10.0)  # connect, read (seconds)


@dataclass(frozen=True)
class LineError(Exception):
    """LINE answered with an error status."""

    status: int
    body: str

    @property
    def retryable(self) -> bool:
        return self.status == 429 or self.status >= 500

    def __str__(self) -> str:
        return f"LINE API {self.status}: {self.body[:500]}"


# One SDK client, and so one pool of keep-alive connections, per host: every channel's calls
# share it and carry their own channel's token (the SDK's per-request `_request_auth`). A
# client per channel made a worker serving hundreds of organisations build an SDK
# configuration and open a new connection whenever a channel fell out of its cache.
@functools.cache
def _api(host: str | None) -> Any:
    # Imported here: the SDK costs about a second to import, and only senders need it.
    # host None: the real platform, where the SDK picks api.line.me or api-data.line.me.
    # No token of its own: a call that forgot its channel's token is refused by LINE (401).
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

    return MessagingApi(ApiClient(Configuration(host=host, access_token="")))


@functools.cache
def _blob(host: str | None) -> Any:
    # The content API lives on its own host (api-data.line.me); None lets the SDK pick it.
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApiBlob

    return MessagingApiBlob(ApiClient(Configuration(host=host, access_token="")))


def _bearer(token: str) -> dict[str, str]:
    # the shape of the SDK's own auth setting (Configuration.auth_settings()["Bearer"])
    return {"type": "bearer", "in": "header", "key": "Authorization", "value": f"Bearer {token}"}


def _call(fn: Any, auth: dict[str, str], *args: Any, **kwargs: Any) -> Any:
    from linebot.v3.messaging import ApiException

    try:
        return fn(*args, _request_timeout=REQUEST_TIMEOUT, _request_auth=auth, **kwargs)
    except ApiException as exc:
        raise LineError(int(exc.status or 0), str(exc.body or exc.reason or "")) from None


class LineClient:
    """The Messaging API as one channel: `token` is an organisation's own access token
    (store.channels.token_for); None is the environment's (LINE_CHANNEL_ACCESS_TOKEN)."""

    def __init__(self, settings: Settings, token: str | None = None):
        self.token = token or settings.access_token  # also for the rich menu's own clients
        self._auth = _bearer(self.token)
        self._api = _api(settings.line_api_url)
        self._blob = _blob(settings.line_data_api_url)

    def content(self, message_id: str) -> tuple[bytes, str]:
        """The bytes and content type of an image or file a user sent (LINE keeps them for a
        limited time: fetch at once)."""
        response = _call(self._blob.get_message_content_with_http_info, self._auth, message_id)
        headers = response.headers or {}
        return bytes(response.data or b""), str(headers.get("Content-Type") or "")

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> None:
        # The hot path (one per chat event): the SDK's ApiClient sends the JSON as it is. Its
        # typed method would build and validate the request's pydantic models twice and parse
        # the answer into one, a millisecond of CPU per reply; the message builders' JSON is
        # checked against LINE's OpenAPI schema by the simulator in the tests instead.
        _call(
            self._api.api_client.call_api,
            self._auth,
            "/v2/bot/message/reply",
            "POST",
            header_params={"Accept": "application/json", "Content-Type": "application/json"},
            body={"replyToken": reply_token, "messages": messages},
            auth_settings=["Bearer"],
            response_types_map={},  # the answer's body is not needed
            _host=self._api.line_base_path,
        )

    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> None:
        """Push once: a retry with the same key is answered 409 by LINE and not delivered twice."""
        from linebot.v3.messaging import PushMessageRequest

        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        try:
            _call(self._api.push_message, self._auth, request, x_line_retry_key=retry_key)
        except LineError as exc:
            if exc.status != 409:  # 409: this retry key was accepted before
                raise

    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> None:
        from linebot.v3.messaging import MulticastRequest

        request = MulticastRequest.from_dict({"to": to, "messages": messages})
        try:
            _call(self._api.multicast, self._auth, request, x_line_retry_key=retry_key)
        except LineError as exc:
            if exc.status != 409:
                raise

    def profile_name(self, user_id: str) -> str:
        try:
            return _call(self._api.get_profile, self._auth, user_id).display_name or ""
        except LineError:
            return ""

    def show_loading(self, user_id: str, seconds: int = 5) -> None:
        from linebot.v3.messaging import ShowLoadingAnimationRequest

        try:
            _call(
                self._api.show_loading_animation,
                self._auth,
                ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=seconds),
            )
        except Exception as exc:  # noqa: BLE001 - cosmetic: never fail an event over it
            log.info("loading animation refused: %s", exc)

    # The channel itself (`itabot line check` / `connect`, bot/line_setup.py) ------------------

    def bot_info(self) -> dict[str, Any]:
        """GET /v2/bot/info: userId, basicId, displayName, …"""
        return _call(self._api.get_bot_info, self._auth).to_dict()

    def webhook_endpoint(self) -> tuple[str, bool]:
        """GET /v2/bot/channel/webhook/endpoint: (URL, "" when not set; whether it is on)."""
        answer = _call(self._api.get_webhook_endpoint, self._auth)
        return answer.endpoint or "", bool(answer.active)

    def set_webhook_endpoint(self, url: str) -> None:
        from linebot.v3.messaging import SetWebhookEndpointRequest

        _call(self._api.set_webhook_endpoint, self._auth, SetWebhookEndpointRequest(endpoint=url))

    def test_webhook(self, url: str | None = None) -> dict[str, Any]:
        """POST /v2/bot/channel/webhook/test (LINE calls the URL, default the one set):
        success, timestamp, statusCode, reason, detail."""
        from linebot.v3.messaging import TestWebhookEndpointRequest

        request = TestWebhookEndpointRequest(endpoint=url) if url else None
        answer = _call(self._api.test_webhook_endpoint, self._auth, request)
        return answer.to_dict()

    @property
    def sdk(self) -> Any:
        return self._api
