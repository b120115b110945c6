"""Helpers for tests that talk to the LINE simulator (importable by any test module).

    with running_simulator(webhook_url=bot_url) as sim:
        user = sim.client.create_user("สมชาย")
        sim.client.send_text(user, "สวัสดี")
        sim.client.wait_for(user, 1)

`EchoBot` is a minimal LINE bot (signature checked with line-bot-sdk's WebhookParser) for
testing the simulator itself, or as a stand-in webhook target.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, request
from werkzeug.serving import BaseWSGIServer, make_server

from core.config import DEMO_ACCESS_TOKEN, DEMO_CHANNEL_SECRET
from simulator.client import SimulatorClient
from simulator.server import start_in_thread

SECRET = DEMO_CHANNEL_SECRET
TOKEN = DEMO_ACCESS_TOKEN
UNREACHABLE_WEBHOOK = "http://127.0.0.1:9/callback"  # discard port: nothing listens


@dataclass
class RunningSimulator:
    server: BaseWSGIServer
    base_url: str
    client: SimulatorClient

    @property
    def app(self) -> Flask:
        return self.server.app  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def running_simulator(
    webhook_url: str = UNREACHABLE_WEBHOOK,
    channel_secret: str = SECRET,
    access_token: str = TOKEN,
    admin_url: str | None = None,
    reply_token_ttl: float = 120.0,
) -> Iterator[RunningSimulator]:
    """A simulator on a free port of 127.0.0.1 for the duration of the block."""
    server, base_url = start_in_thread(
        "127.0.0.1",
        0,
        channel_secret,
        access_token,
        webhook_url,
        admin_url=admin_url,
        reply_token_ttl=reply_token_ttl,
    )
    sim = RunningSimulator(server, base_url, SimulatorClient(base_url))
    try:
        yield sim
    finally:
        sim.stop()


def messaging_api(base_url: str, access_token: str = TOKEN) -> Any:
    """line-bot-sdk's MessagingApi pointed at `base_url` (imported lazily: ~1 s)."""
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

    return MessagingApi(ApiClient(Configuration(host=base_url, access_token=access_token)))


def messaging_api_blob(base_url: str, access_token: str = TOKEN) -> Any:
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApiBlob

    return MessagingApiBlob(ApiClient(Configuration(host=base_url, access_token=access_token)))


@dataclass
class EchoBot:
    """A tiny bot: verifies signatures, records what it got, and (in mode "echo") replies.

    Replies: text -> "echo: <text>" (text "push" also pushes "pushed"); postback ->
    "postback: <data>"; follow -> "welcome". Mode "silent" answers 200 and replies nothing."""

    channel_secret: str = SECRET
    access_token: str = TOKEN
    simulator_url: str = ""
    mode: str = "echo"
    bodies: list[bytes] = field(default_factory=list)  # raw bodies whose signature verified
    signatures: list[str] = field(default_factory=list)
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    server: BaseWSGIServer | None = None
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Flask:
        from linebot.v3 import WebhookParser
        from linebot.v3.exceptions import InvalidSignatureError
        from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest, TextMessage
        from linebot.v3.webhooks import FollowEvent, MessageEvent, PostbackEvent, TextMessageContent

        parser = WebhookParser(self.channel_secret)
        app = Flask("echo_bot")

        @app.post("/callback")
        def callback() -> Any:
            body = request.get_data()
            signature = request.headers.get("X-Line-Signature", "")
            try:
                events = parser.parse(body.decode("utf-8"), signature)
            except InvalidSignatureError:
                with self._lock:
                    self.rejected += 1
                return "bad signature", 400
            with self._lock:
                self.bodies.append(body)
                self.signatures.append(signature)
            if self.mode != "echo":
                return "OK"
            api = messaging_api(self.simulator_url, self.access_token)
            for event in events:
                try:
                    if isinstance(event, MessageEvent) and isinstance(
                        event.message, TextMessageContent
                    ):
                        text = event.message.text
                        api.reply_message(
                            ReplyMessageRequest(
                                replyToken=event.reply_token,
                                messages=[TextMessage(text=f"echo: {text}")],
                            )
                        )
                        if text == "push":
                            api.push_message(
                                PushMessageRequest(
                                    to=event.source.user_id, messages=[TextMessage(text="pushed")]
                                )
                            )
                    elif isinstance(event, PostbackEvent):
                        api.reply_message(
                            ReplyMessageRequest(
                                replyToken=event.reply_token,
                                messages=[TextMessage(text=f"postback: {event.postback.data}")],
                            )
                        )
                    elif isinstance(event, FollowEvent):
                        api.reply_message(
                            ReplyMessageRequest(
                                replyToken=event.reply_token, messages=[TextMessage(text="welcome")]
                            )
                        )
                except Exception as exc:  # recorded for the test to see, the webhook still 200s
                    with self._lock:
                        self.errors.append(repr(exc))
            return "OK"

        return app

    def start(self) -> EchoBot:
        self.server = make_server("127.0.0.1", 0, self.app(), threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/callback"
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
