"""The LINE simulator, driven by the real line-bot-sdk over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from linebot.v3.messaging import (
    ApiException,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
    ShowLoadingAnimationRequest,
    TextMessage,
)

from simulator import schema
from simulator.app import create_app
from simulator.client import SimulatorClient, message_text, postback_buttons, quick_replies
from tests.helpers import wait_until
from tests.simulator_fixtures import (
    SECRET,
    TOKEN,
    EchoBot,
    RunningSimulator,
    messaging_api,
    messaging_api_blob,
    running_simulator,
)

SHIPPED_OPENAPI = schema.OPENAPI_DIR  # LINE's own files, shipped inside the simulator package
# Another copy of LINE's OpenAPI files to compare the shipped ones with, where there is one.
REFERENCE_OPENAPI = os.environ.get("ITABOT_OPENAPI_REFERENCE")
ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


# Fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bot() -> Iterator[EchoBot]:
    echo = EchoBot().start()
    yield echo
    echo.stop()


@pytest.fixture(scope="module")
def sim(bot: EchoBot) -> Iterator[RunningSimulator]:
    with running_simulator(webhook_url=bot.url) as running:
        bot.simulator_url = running.base_url
        yield running


@pytest.fixture
def client(sim: RunningSimulator, bot: EchoBot) -> SimulatorClient:
    sim.client.reset()
    bot.mode = "echo"
    bot.bodies.clear()
    bot.signatures.clear()
    bot.errors.clear()
    bot.rejected = 0
    return sim.client


@pytest.fixture(scope="module")
def api(sim: RunningSimulator) -> Any:
    return messaging_api(sim.base_url)


def raw_post(sim: RunningSimulator, path: str, body: Any, token: str = TOKEN) -> requests.Response:
    return requests.post(
        sim.base_url + path,
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def error_of(exc: ApiException) -> dict[str, Any]:
    return json.loads(exc.body)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x06\xc7\x55")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def bubble(label: str = "ตกลง", data: str = "ok") -> dict[str, Any]:
    return {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {"type": "text", "text": "ข้อ ๑ ให้ความรู้", "weight": "bold", "wrap": True},
                {
                    "type": "box",
                    "layout": "vertical",
                    "backgroundColor": "#e5e7eb",
                    "height": "6px",
                    "contents": [
                        {
                            "type": "box",
                            "layout": "vertical",
                            "width": "40%",
                            "backgroundColor": "#06c755",
                            "height": "6px",
                            "contents": [],
                        }
                    ],
                },
                {"type": "separator"},
            ],
        },
        "footer": {
            "type": "box",
            "layout": "horizontal",
            "contents": [
                {
                    "type": "button",
                    "style": "primary",
                    "action": {"type": "postback", "label": label, "data": data},
                }
            ],
        },
    }


# Messaging API: happy paths -----------------------------------------------------------


def test_webhook_round_trip_reply_and_push(client: SimulatorClient, bot: EchoBot, api: Any) -> None:
    user = client.create_user("สมชาย ใจดี")
    assert re.fullmatch(r"U[0-9a-f]{32}", user)
    assert client.follow(user) == 200
    assert client.send_text(user, "สวัสดีครับ") == 200
    assert client.send_text(user, "push") == 200
    assert client.send_postback(user, "action=approve&v=1") == 200
    received = client.wait_for(user, 5)
    assert [message_text(m) for m in received] == [
        "welcome",
        "echo: สวัสดีครับ",
        "echo: push",
        "pushed",
        "postback: action=approve&v=1",
    ]
    assert [m["via"] for m in received] == ["reply", "reply", "reply", "push", "reply"]
    assert not bot.errors
    assert api.get_profile(user).display_name == "สมชาย ใจดี"
    calls = client.api_calls("/v2/bot/message/")
    assert [c["status"] for c in calls] == [200] * 5
    assert calls[0]["body"]["messages"] == [{"type": "text", "text": "welcome"}]


def test_push_and_multicast_with_the_sdk(client: SimulatorClient, api: Any) -> None:
    a, b = client.create_user("ก"), client.create_user("ข")
    response = api.push_message(
        PushMessageRequest(to=a, messages=[TextMessage(text="แจ้งเตือน")]),
        x_line_retry_key=str(uuid.uuid4()),
    )
    assert len(response.sent_messages) == 1 and response.sent_messages[0].id.isdigit()
    api.multicast(MulticastRequest(to=[a, b], messages=[TextMessage(text="ถึงทุกคน")]))
    assert [(m["via"], message_text(m)) for m in client.messages(a)] == [
        ("push", "แจ้งเตือน"),
        ("multicast", "ถึงทุกคน"),
    ]
    assert [m["via"] for m in client.messages(b)] == ["multicast"]


def test_blocked_user_gets_nothing_but_push_is_accepted(
    client: SimulatorClient, bot: EchoBot, api: Any
) -> None:
    user = client.create_user("บล็อก")
    client.follow(user)
    client.wait_for(user, 1)
    assert client.unfollow(user) == 200
    api.push_message(PushMessageRequest(to=user, messages=[TextMessage(text="x")]))
    assert len(client.messages(user)) == 1


# Messaging API: validation ------------------------------------------------------------


def test_six_messages_are_rejected_with_details(client: SimulatorClient, api: Any) -> None:
    user = client.create_user("หก")
    # The SDK refuses six messages itself; `construct` skips its check so LINE's answer shows.
    six = [TextMessage(text=str(i)) for i in range(6)]
    with pytest.raises(ApiException) as caught:
        api.push_message(PushMessageRequest.construct(to=user, messages=six))
    assert caught.value.status == 400
    assert error_of(caught.value) == {
        "message": "The request body has 1 error(s)",
        "details": [{"message": "Size must be between 1 and 5", "property": "messages"}],
    }
    assert client.messages(user) == []


def test_text_length_is_counted_in_utf16_units(client: SimulatorClient, api: Any) -> None:
    user = client.create_user("ยาว")
    with pytest.raises(ApiException) as caught:
        api.push_message(PushMessageRequest(to=user, messages=[TextMessage(text="a" * 5001)]))
    assert caught.value.status == 400
    assert error_of(caught.value)["details"] == [
        {"message": "Length must be between 0 and 5000", "property": "messages[0].text"}
    ]
    thai = ("ประเมินคุณธรรมและความโปร่งใส " * 200)[:5000]
    api.push_message(PushMessageRequest(to=user, messages=[TextMessage(text=thai)]))
    # An emoji outside the BMP is two UTF-16 code units, as LINE counts.
    api.push_message(PushMessageRequest(to=user, messages=[TextMessage(text="😀" * 2500)]))
    with pytest.raises(ApiException):
        api.push_message(PushMessageRequest(to=user, messages=[TextMessage(text="😀" * 2501)]))
    assert [len(m["message"]["text"]) for m in client.messages(user)] == [5000, 2500]


@pytest.mark.parametrize(
    ("message", "prop"),
    [
        ({"type": "carrier-pigeon", "text": "x"}, "messages[0].type"),
        ({"text": "no type"}, "messages[0].type"),
        ({"type": "text"}, "messages[0].text"),
        (
            {"type": "flex", "altText": "x", "contents": {"type": "poster"}},
            "messages[0].contents.type",
        ),
        (
            {
                "type": "flex",
                "altText": "x",
                "contents": {
                    "type": "bubble",
                    "body": {"type": "box", "layout": "vertical", "contents": [{"type": "gif"}]},
                },
            },
            "messages[0].contents.body.contents[0].type",
        ),
        (  # bubble.body must be a box even though the schema points at FlexBox directly
            {
                "type": "flex",
                "altText": "x",
                "contents": {"type": "bubble", "body": {"type": "text", "text": "x"}},
            },
            "messages[0].contents.body.type",
        ),
        (
            {
                "type": "text",
                "text": "x",
                "quickReply": {"items": [{"type": "action", "action": {"type": "teleport"}}]},
            },
            "messages[0].quickReply.items[0].action.type",
        ),
    ],
)
def test_unknown_types_are_rejected(
    client: SimulatorClient, sim: RunningSimulator, message: dict[str, Any], prop: str
) -> None:
    user = client.create_user("ชนิด")
    response = raw_post(sim, "/v2/bot/message/push", {"to": user, "messages": [message]})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["message"] == f"The request body has {len(body['details'])} error(s)"
    assert prop in [d["property"] for d in body["details"]], body


def _quick_reply(n: int) -> dict[str, Any]:
    items = [
        {"type": "action", "action": {"type": "message", "label": f"ตัวเลือก {i}", "text": str(i)}}
        for i in range(n)
    ]
    return {"type": "text", "text": "เลือก", "quickReply": {"items": items}}


@pytest.mark.parametrize(
    ("body", "prop", "message"),
    [
        (  # encoded in the schema
            {"messages": [_quick_reply(14)]},
            "messages[0].quickReply.items",
            "Size must be between 0 and 13",
        ),
        (
            {"messages": [{"type": "flex", "altText": "x", "contents": bubble(data="d" * 301)}]},
            "messages[0].contents.footer.contents[0].action.data",
            "Length must be between 0 and 300",
        ),
        (  # LINE's limits the schema leaves out
            {
                "messages": [
                    {
                        "type": "flex",
                        "altText": "x",
                        "contents": {"type": "carousel", "contents": [bubble()] * 13},
                    }
                ]
            },
            "messages[0].contents.contents",
            "Size must be between 1 and 12",
        ),
        (
            {"messages": [{"type": "flex", "altText": "ก" * 1501, "contents": bubble()}]},
            "messages[0].altText",
            "Length must be between 1 and 1500",
        ),
    ],
)
def test_limits(
    client: SimulatorClient, sim: RunningSimulator, body: dict[str, Any], prop: str, message: str
) -> None:
    user = client.create_user("ขีดจำกัด")
    response = raw_post(sim, "/v2/bot/message/push", {"to": user, **body})
    assert response.status_code == 400
    assert {"message": message, "property": prop} in response.json()["details"]
    ok = {"to": user, "messages": [_quick_reply(13)]}
    assert raw_post(sim, "/v2/bot/message/push", ok).status_code == 200
    carousel = {"type": "carousel", "contents": [bubble()] * 12}
    ok = {"to": user, "messages": [{"type": "flex", "altText": "ก" * 1500, "contents": carousel}]}
    assert raw_post(sim, "/v2/bot/message/push", ok).status_code == 200


def test_multicast_recipient_limit(client: SimulatorClient, sim: RunningSimulator) -> None:
    users = ["U" + uuid.uuid4().hex for _ in range(501)]
    response = raw_post(sim, "/v2/bot/message/multicast", {"to": users, "messages": [text("x")]})
    assert response.status_code == 400
    assert response.json()["details"] == [
        {"message": "Size must be between 1 and 500", "property": "to"}
    ]


def test_bad_token_is_401(client: SimulatorClient, sim: RunningSimulator) -> None:
    user = client.create_user("โทเค็น")
    wrong = messaging_api(sim.base_url, "not-the-token")
    with pytest.raises(ApiException) as caught:
        wrong.push_message(PushMessageRequest(to=user, messages=[TextMessage(text="x")]))
    assert caught.value.status == 401
    assert error_of(caught.value) == {
        "message": "Authentication failed. Confirm that the access token in the authorization "
        "header is valid."
    }
    assert requests.get(sim.base_url + "/v2/bot/richmenu/list", timeout=5).status_code == 401
    assert client.messages(user) == []


# Reply tokens and retry keys ----------------------------------------------------------


def test_reply_token_is_single_use(client: SimulatorClient, bot: EchoBot, api: Any) -> None:
    bot.mode = "silent"
    user = client.create_user("ตอบครั้งเดียว")
    assert client.send_text(user, "hi") == 200
    token = client.last_event(user)["replyToken"]
    api.reply_message(ReplyMessageRequest(replyToken=token, messages=[TextMessage(text="1")]))
    for bad in (token, "0" * 32):
        with pytest.raises(ApiException) as caught:
            api.reply_message(ReplyMessageRequest(replyToken=bad, messages=[TextMessage(text="2")]))
        assert caught.value.status == 400
        assert error_of(caught.value) == {"message": "Invalid reply token"}
    assert [message_text(m) for m in client.messages(user)] == ["1"]


def test_reply_token_expires(client: SimulatorClient, bot: EchoBot, api: Any) -> None:
    bot.mode = "silent"
    user = client.create_user("หมดเวลา")
    client.set_reply_token_ttl(0.2)
    try:
        client.send_text(user, "hi")
        token = client.last_event(user)["replyToken"]
        time.sleep(0.3)
        with pytest.raises(ApiException) as caught:
            api.reply_message(
                ReplyMessageRequest(replyToken=token, messages=[TextMessage(text="x")])
            )
        assert caught.value.status == 400
    finally:
        client.set_reply_token_ttl(120)


def test_same_retry_key_twice_is_409_and_delivered_once(client: SimulatorClient, api: Any) -> None:
    user = client.create_user("ซ้ำ")
    key = str(uuid.uuid4())
    request = PushMessageRequest(to=user, messages=[TextMessage(text="ครั้งเดียว")])
    first = api.push_message_with_http_info(request, x_line_retry_key=key)
    with pytest.raises(ApiException) as caught:
        api.push_message(request, x_line_retry_key=key)
    assert caught.value.status == 409
    assert error_of(caught.value)["message"] == "The retry key is already accepted"
    headers = {k.lower(): v for k, v in caught.value.headers.items()}
    assert headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert len(client.messages(user)) == 1

    multicast = MulticastRequest(to=[user], messages=[TextMessage(text="m")])
    key = str(uuid.uuid4())
    api.multicast(multicast, x_line_retry_key=key)
    with pytest.raises(ApiException) as caught:
        api.multicast(multicast, x_line_retry_key=key)
    assert caught.value.status == 409
    assert len(client.messages(user)) == 2
    assert [c["retry_key"] for c in client.api_calls("/v2/bot/message/multicast")] == [key, key]


# Fault injection ----------------------------------------------------------------------


def test_fault_429_then_success(client: SimulatorClient, api: Any) -> None:
    user = client.create_user("ช้าหน่อย")
    client.set_fault(429, count=1, path_prefix="/v2/bot/message/push")
    request = PushMessageRequest(to=user, messages=[TextMessage(text="ลองใหม่")])
    key = str(uuid.uuid4())
    with pytest.raises(ApiException) as caught:
        api.push_message(request, x_line_retry_key=key)
    assert caught.value.status == 429
    assert error_of(caught.value) == {
        "message": "The API rate limit has been exceeded. Try again later."
    }
    assert client.messages(user) == []
    api.push_message(request, x_line_retry_key=key)  # a rejected key was never accepted
    assert len(client.messages(user)) == 1
    assert [c["status"] for c in client.api_calls("/v2/bot/message/push")] == [429, 200]


def test_fault_accept_then_fail_then_409(client: SimulatorClient, api: Any) -> None:
    user = client.create_user("ส่งแล้วแต่พัง")
    client.set_fault(500, count=1, path_prefix="/v2/bot/message/push", mode="accept_then_fail")
    request = PushMessageRequest(to=user, messages=[TextMessage(text="ครั้งเดียวพอ")])
    key = str(uuid.uuid4())
    with pytest.raises(ApiException) as caught:
        api.push_message(request, x_line_retry_key=key)
    assert caught.value.status == 500
    assert len(client.messages(user)) == 1
    with pytest.raises(ApiException) as caught:
        api.push_message(request, x_line_retry_key=key)
    assert caught.value.status == 409
    assert len(client.messages(user)) == 1


def test_fault_timeout_delivers_then_answers_late(client: SimulatorClient, api: Any) -> None:
    user = client.create_user("ช้า")
    client.set_fault(500, path_prefix="/v2/bot/message/push", mode="timeout", delay=0.6)
    request = PushMessageRequest(to=user, messages=[TextMessage(text="ช้า")])
    key = str(uuid.uuid4())
    with pytest.raises(Exception, match="(?i)timed? ?out"):
        api.push_message(request, x_line_retry_key=key, _request_timeout=0.2)
    assert len(client.wait_for(user, 1, timeout=2)) == 1
    wait_until(  # the slow answer given at last, the fault spent
        lambda: [c for c in client.api_calls("/v2/bot/message/push") if c["fault"] == "timeout"],
        timeout=5,
        message="the simulator's late answer",
    )
    with pytest.raises(ApiException) as caught:
        api.push_message(request, x_line_retry_key=key)
    assert caught.value.status == 409
    assert len(client.messages(user)) == 1


def test_faults_can_be_cleared_and_match_prefix(client: SimulatorClient, api: Any) -> None:
    user = client.create_user("ล้าง")
    client.set_fault(503, count=5, path_prefix="/v2/bot/message/multicast")
    api.push_message(PushMessageRequest(to=user, messages=[TextMessage(text="ok")]))
    client.clear_faults()
    api.multicast(MulticastRequest(to=[user], messages=[TextMessage(text="ok")]))
    assert len(client.messages(user)) == 2


# Webhooks -----------------------------------------------------------------------------


def test_webhooks_match_webhook_yml_and_are_signed(client: SimulatorClient, bot: EchoBot) -> None:
    validator = schema.OpenApiValidator(SHIPPED_OPENAPI / "webhook.yml")
    user = client.create_user("ผู้ทดสอบ")
    client.follow(user)
    client.send_text(user, "ทดสอบ ภาษาไทย 😀")
    client.send_postback(user, "a=1&b=สอง")
    client.unfollow(user)
    follow_id = client.events(user)[0]["event"]["webhookEventId"]
    assert client.redeliver(follow_id) == 200
    assert client.send_image(user, tiny_png(), "image/png") == 200
    assert len(bot.bodies) == 6 and bot.rejected == 0

    events = []
    for body, signature in zip(bot.bodies, bot.signatures, strict=True):
        expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
        assert signature == expected.decode()
        payload = json.loads(body)
        assert validator.validate("CallbackRequest", payload) == []
        assert re.fullmatch(r"U[0-9a-f]{32}", payload["destination"])
        (event,) = payload["events"]
        assert event["mode"] == "active" and event["source"] == {"type": "user", "userId": user}
        assert ULID.match(event["webhookEventId"])
        assert isinstance(event["timestamp"], int) and event["timestamp"] > 1.6e12
        events.append(event)

    follow, message, postback, unfollow, redelivered, image = events
    assert image["message"]["type"] == "image" and image["replyToken"]
    assert follow["follow"] == {"isUnblocked": False} and follow["replyToken"]
    assert message["message"]["type"] == "text"
    assert message["message"]["text"] == "ทดสอบ ภาษาไทย 😀"
    assert message["message"]["id"].isdigit() and message["message"]["quoteToken"]
    assert postback["postback"] == {"data": "a=1&b=สอง"} and postback["replyToken"]
    assert unfollow["type"] == "unfollow" and "replyToken" not in unfollow
    assert [e["deliveryContext"]["isRedelivery"] for e in events] == [False] * 4 + [True, False]
    assert redelivered["webhookEventId"] == follow["webhookEventId"]
    assert redelivered["replyToken"] == follow["replyToken"]
    assert client.last_event(user) == image
    assert len({e["webhookEventId"] for e in events}) == 5


def test_bad_signature_is_rejected_by_the_bot(client: SimulatorClient, bot: EchoBot) -> None:
    body = json.dumps({"destination": "U" + "0" * 32, "events": []}).encode()
    assert client.send_raw(body, "bm90IGEgc2lnbmF0dXJl") == 400
    assert client.send_raw(body, None) == 400
    assert bot.rejected == 2
    assert client.send_raw(body, None, sign=True) == 200
    assert bot.bodies == [body]


def test_unreachable_bot_reports_status_zero() -> None:
    with running_simulator() as sim:  # webhook URL with nothing behind it
        user = sim.client.create_user("ไม่มีบอท")
        assert sim.client.send_text(user, "hello?") == 0


# Other endpoints ----------------------------------------------------------------------


def test_rich_menu_flow(client: SimulatorClient, sim: RunningSimulator, api: Any) -> None:
    blob = messaging_api_blob(sim.base_url)
    menu = RichMenuRequest(
        size=RichMenuSize(width=2500, height=843),
        selected=True,
        name="เมนูหลัก",
        chatBarText="เมนู",
        areas=[
            RichMenuArea(
                bounds=RichMenuBounds(x=0, y=0, width=2500, height=843),
                action={"type": "message", "label": "สถานะ", "text": "สถานะ"},
            )
        ],
    )
    rich_menu_id = api.create_rich_menu(menu).rich_menu_id
    assert rich_menu_id.startswith("richmenu-")
    with pytest.raises(ApiException) as caught:
        api.set_default_rich_menu(rich_menu_id)
    assert caught.value.status == 400  # no image yet
    # The SDK sets no Content-Type for this upload by itself: the caller must.
    blob.set_rich_menu_image(rich_menu_id, tiny_png(), _headers={"Content-Type": "image/png"})
    api.set_default_rich_menu(rich_menu_id)
    listed = api.get_rich_menu_list().richmenus
    assert rich_menu_id in [m.rich_menu_id for m in listed]
    shown = requests.get(sim.base_url + "/sim/api/richmenu", timeout=5).json()
    assert shown["richMenu"]["richMenuId"] == rich_menu_id and shown["image"]
    api.delete_rich_menu(rich_menu_id)
    assert rich_menu_id not in [m.rich_menu_id for m in api.get_rich_menu_list().richmenus]
    bad = raw_post(sim, "/v2/bot/richmenu", {"size": {"width": 2500}, "name": "x"})
    assert bad.status_code == 400


def test_loading_profile_and_content(
    client: SimulatorClient, sim: RunningSimulator, bot: EchoBot, api: Any
) -> None:
    bot.mode = "silent"
    user = client.create_user("รูปภาพ")
    api.show_loading_animation(ShowLoadingAnimationRequest(chatId=user, loadingSeconds=10))
    assert requests.get(f"{sim.base_url}/sim/api/users/{user}/conversation", timeout=5).json()[
        "loading"
    ]
    png = tiny_png()
    assert client.send_image(user, png, "image/png") == 200
    message_id = client.last_event(user)["message"]["id"]
    assert bytes(messaging_api_blob(sim.base_url).get_message_content(message_id)) == png
    with pytest.raises(ApiException) as caught:
        api.get_profile("U" + "f" * 32)
    assert caught.value.status == 404
    assert (
        raw_post(
            sim, "/v2/bot/chat/loading/start", {"chatId": user, "loadingSeconds": 7}
        ).status_code
        == 400
    )


# Chat page ----------------------------------------------------------------------------


def test_chat_page_loads(sim: RunningSimulator) -> None:
    page = requests.get(sim.base_url + "/", timeout=5)
    assert page.status_code == 200
    assert '<html lang="th">' in page.text and '<script src="/sim/static/chat.js"' in page.text
    script = requests.get(sim.base_url + "/sim/static/chat.js", timeout=5)
    assert script.status_code == 200 and "function renderFlexContainer" in script.text
    css = requests.get(sim.base_url + "/sim/static/chat.css", timeout=5)
    assert "Sarabun, Tahoma, sans-serif" in css.text
    assert "admin-link" not in page.text

    with_admin = create_app(SECRET, TOKEN, "http://127.0.0.1:9/", admin_url="http://x.test/admin")
    assert 'href="http://x.test/admin"' in with_admin.test_client().get("/").text


# The validator itself -----------------------------------------------------------------


SAMPLE_BODIES: list[tuple[str, Any]] = [
    ("PushMessageRequest", {"to": "U" + "0" * 32, "messages": [text("ok")]}),
    ("PushMessageRequest", {"to": "U1", "messages": [text(str(i)) for i in range(6)]}),
    ("PushMessageRequest", {"to": "U1", "messages": [{"type": "nope"}]}),
    ("ReplyMessageRequest", {"messages": [text("no token")]}),
    ("ReplyMessageRequest", {"replyToken": "t", "messages": [_quick_reply(14)]}),
    ("MulticastRequest", {"to": [], "messages": [text("x")]}),
    (
        "PushMessageRequest",
        {"to": "U1", "messages": [{"type": "flex", "altText": "x", "contents": bubble()}]},
    ),
    (
        "PushMessageRequest",
        {
            "to": "U1",
            "messages": [
                {
                    "type": "template",
                    "altText": "x",
                    "template": {
                        "type": "confirm",
                        "text": "ยืนยัน?",
                        "actions": [
                            {"type": "postback", "label": "ใช่", "data": "y"},
                            {"type": "uri", "label": "ดู", "uri": "not a uri"},
                        ],
                    },
                }
            ],
        },
    ),
    ("RichMenuRequest", {"size": {"width": 2500, "height": 843}, "chatBarText": "x" * 15}),
    ("ShowLoadingAnimationRequest", {"chatId": "U1", "loadingSeconds": 90}),
]


def test_shipped_openapi_files_are_lines_own() -> None:
    messaging = yaml.safe_load((SHIPPED_OPENAPI / "messaging-api.yml").read_text(encoding="utf-8"))
    webhook = yaml.safe_load((SHIPPED_OPENAPI / "webhook.yml").read_text(encoding="utf-8"))
    assert messaging["openapi"].startswith("3.") and webhook["openapi"].startswith("3.")
    assert messaging["info"]["title"] == "LINE Messaging API"
    assert "/v2/bot/message/push" in messaging["paths"]
    assert "CallbackRequest" in webhook["components"]["schemas"]
    assert "Apache License" in (SHIPPED_OPENAPI / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.skipif(
    not REFERENCE_OPENAPI, reason="ITABOT_OPENAPI_REFERENCE names no other copy of LINE's files"
)
def test_shipped_openapi_files_match_the_reference_copy() -> None:
    reference = Path(REFERENCE_OPENAPI or ".")
    for name in ("messaging-api.yml", "webhook.yml", "LICENSE"):
        assert (SHIPPED_OPENAPI / name).read_bytes() == (reference / name).read_bytes(), name


def test_validator_reads_the_shipped_file() -> None:
    validator = schema.messaging_validator()
    outcomes = [bool(validator.validate(name, body)) for name, body in SAMPLE_BODIES]
    assert outcomes == [False, True, True, True, True, True, False, True, True, True]
    assert validator.request_schema("POST", "/v2/bot/message/push") == "PushMessageRequest"
    assert validator.request_schema("POST", "/v2/bot/richmenu/abc/content") is None
    # Every discriminator of the file turns into a dispatcher that names all its types.
    spec = validator.spec["components"]["schemas"]
    for schema_name, body in spec.items():
        mapping = body.get("discriminator", {}).get("mapping", {})
        for kind in mapping:
            errors = validator.validate(schema_name, {"type": kind})
            assert all(e.property != "type" for e in errors), (schema_name, kind, errors)


# Assertion helpers --------------------------------------------------------------------


def test_message_helpers() -> None:
    flex = {
        "type": "flex",
        "altText": "ขออนุมัติ",
        "contents": {"type": "carousel", "contents": [bubble("เห็นชอบ", "ok:1"), bubble()]},
        "quickReply": {
            "items": [
                {
                    "type": "action",
                    "action": {"type": "message", "label": "ไม่มีความเห็น", "text": "-"},
                }
            ]
        },
    }
    assert message_text(flex).splitlines() == [
        "ขออนุมัติ",
        "ข้อ ๑ ให้ความรู้",
        "เห็นชอบ",
        "ข้อ ๑ ให้ความรู้",
        "ตกลง",
        "ไม่มีความเห็น",
    ]
    assert postback_buttons({"message": flex}) == [("เห็นชอบ", "ok:1"), ("ตกลง", "ok")]
    assert quick_replies(flex) == [
        ("ไม่มีความเห็น", {"type": "message", "label": "ไม่มีความเห็น", "text": "-"})
    ]
    template = {
        "type": "template",
        "altText": "ยืนยัน",
        "template": {
            "type": "buttons",
            "title": "ข้อ ๒",
            "text": "รายงานแล้ว?",
            "actions": [{"type": "postback", "label": "ใช่", "data": "y", "displayText": "ใช่"}],
        },
    }
    assert message_text(template) == "ยืนยัน\nข้อ ๒\nรายงานแล้ว?\nใช่"
    assert postback_buttons(template) == [("ใช่", "y")]
    assert message_text(text("สวัสดี")) == "สวัสดี"
