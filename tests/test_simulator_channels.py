"""The LINE simulator serving several channels at once: each channel's webhooks are signed
with its own secret and sent to its own URL, and the bot's calls are the channel's whose
token they carry (reply tokens, retry keys, users and rich menus do not cross channels)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from simulator.client import SimulatorClient, message_text
from tests.helpers import wait_until
from tests.simulator_fixtures import TOKEN, EchoBot, RunningSimulator, running_simulator

SECRET_B = "b" * 32
TOKEN_B = "token-of-channel-b"


@pytest.fixture(scope="module")
def bots() -> Iterator[tuple[EchoBot, EchoBot]]:
    bot_a = EchoBot().start()
    bot_b = EchoBot(channel_secret=SECRET_B, access_token=TOKEN_B).start()
    yield bot_a, bot_b
    bot_a.stop()
    bot_b.stop()


@pytest.fixture(scope="module")
def sim(bots: tuple[EchoBot, EchoBot]) -> Iterator[RunningSimulator]:
    with running_simulator(webhook_url=bots[0].url) as running:
        for bot in bots:
            bot.simulator_url = running.base_url
        yield running


@pytest.fixture
def client(sim: RunningSimulator, bots: tuple[EchoBot, EchoBot]) -> SimulatorClient:
    sim.client.reset()
    for bot in bots:
        bot.bodies.clear()
        bot.errors.clear()
        bot.rejected = 0
    return sim.client


def channel_b(client: SimulatorClient, bot_b: EchoBot) -> str:
    return client.create_channel(SECRET_B, TOKEN_B, bot_b.url, name="อบต.บี")


def post(
    sim: RunningSimulator, path: str, body: object, token: str, **headers: str
) -> requests.Response:
    headers["Authorization"] = f"Bearer {token}"
    return requests.post(sim.base_url + path, json=body, headers=headers, timeout=10)


def test_each_channel_signs_with_its_secret_and_is_answered_with_its_token(
    client: SimulatorClient, bots: tuple[EchoBot, EchoBot]
) -> None:
    bot_a, bot_b = bots
    b = channel_b(client, bot_b)
    alice = client.create_user("เอ")
    bob = client.create_user("บี", channel=b)
    assert client.send_text(alice, "hello a") == 200
    assert client.send_text(bob, "push") == 200  # B's bot verified B's signature
    assert bot_a.rejected == bot_b.rejected == 0 and not bot_a.errors and not bot_b.errors
    assert len(bot_a.bodies) == 1 and len(bot_b.bodies) == 1
    assert b"hello a" in bot_a.bodies[0] and b"push" in bot_b.bodies[0]
    assert [message_text(m) for m in client.wait_for(bob, 2)] == ["echo: push", "pushed"]
    assert [message_text(m) for m in client.messages(alice)] == ["echo: hello a"]
    calls_b = client.api_calls(channel=b)
    assert {c["path"] for c in calls_b} == {"/v2/bot/message/reply", "/v2/bot/message/push"}
    assert all(c["token"] == TOKEN_B and c["status"] == 200 for c in calls_b)
    assert all(c["token"] == TOKEN for c in client.api_calls(channel="default"))
    assert [u["userId"] for u in client.users(channel=b)] == [bob]
    destinations = {c["id"]: c["destination"] for c in client.channels()}
    assert destinations["default"] != destinations[b]


def test_an_unknown_token_gets_lines_401(client: SimulatorClient, sim: RunningSimulator) -> None:
    response = post(sim, "/v2/bot/message/push", {"to": "U" + "0" * 32, "messages": []}, "nope")
    assert response.status_code == 401
    assert response.json() == {
        "message": "Authentication failed. Confirm that the access token in the "
        "authorization header is valid."
    }
    (call,) = client.api_calls()
    assert call["channel"] is None and call["token"] == "nope" and call["status"] == 401


def test_nothing_crosses_channels(
    client: SimulatorClient, sim: RunningSimulator, bots: tuple[EchoBot, EchoBot]
) -> None:
    bot_a, bot_b = bots
    bot_b.mode = "silent"
    try:
        b = channel_b(client, bot_b)
        bob = client.create_user("บี", channel=b)
        assert client.send_text(bob, "hi") == 200
        reply_token = client.last_event(bob)["replyToken"]
        text = [{"type": "text", "text": "from A"}]
        # A's token: B's reply token is not A's, and B's user is no friend of A's.
        wrong = post(
            sim, "/v2/bot/message/reply", {"replyToken": reply_token, "messages": text}, TOKEN
        )
        assert wrong.status_code == 400
        assert post(sim, "/v2/bot/message/push", {"to": bob, "messages": text}, TOKEN).ok
        assert (
            requests.get(
                f"{sim.base_url}/v2/bot/profile/{bob}",
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=10,
            ).status_code
            == 404
        )
        ok = post(
            sim, "/v2/bot/message/reply", {"replyToken": reply_token, "messages": text}, TOKEN_B
        )
        assert ok.status_code == 200
        assert [message_text(m) for m in client.messages(bob)] == ["from A"]
        assert client.messages(bob)[0]["channel"] == b
    finally:
        bot_b.mode = "echo"


def test_retry_keys_are_per_channel(client: SimulatorClient, sim: RunningSimulator, bots) -> None:
    b = channel_b(client, bots[1])
    alice = client.create_user("เอ")
    bob = client.create_user("บี", channel=b)
    key = str(uuid.uuid4())
    text = [{"type": "text", "text": "once"}]
    assert post(
        sim,
        "/v2/bot/message/push",
        {"to": alice, "messages": text},
        TOKEN,
        **{"X-Line-Retry-Key": key},
    ).ok
    assert post(
        sim,
        "/v2/bot/message/push",
        {"to": bob, "messages": text},
        TOKEN_B,
        **{"X-Line-Retry-Key": key},
    ).ok
    again = post(
        sim,
        "/v2/bot/message/push",
        {"to": bob, "messages": text},
        TOKEN_B,
        **{"X-Line-Retry-Key": key},
    )
    assert again.status_code == 409
    assert len(client.messages(alice)) == len(client.messages(bob)) == 1


def test_raw_bodies_signed_by_one_channel_to_another_url(
    client: SimulatorClient, bots: tuple[EchoBot, EchoBot]
) -> None:
    bot_a, bot_b = bots
    b = channel_b(client, bot_b)
    body = b'{"destination":"U' + b"0" * 32 + b'","events":[]}'
    assert client.send_raw(body, None, sign=True, channel=b) == 200
    assert client.send_raw(body, None, sign=True, url=bot_b.url) == 400  # A's secret, B's bot
    wait_until(lambda: bot_b.rejected == 1)
    assert len(bot_b.bodies) == 1 and not bot_a.bodies


def test_reset_forgets_added_channels(client: SimulatorClient, sim: RunningSimulator, bots) -> None:
    b = channel_b(client, bots[1])
    assert channel_b(client, bots[1]) == b  # the same token again: the same channel
    client.reset()
    assert [c["id"] for c in client.channels()] == ["default"]
    response = post(sim, "/v2/bot/message/push", {"to": "U" + "0" * 32, "messages": []}, TOKEN_B)
    assert response.status_code == 401


def test_rich_menus_are_per_channel(client: SimulatorClient, sim: RunningSimulator, bots) -> None:
    channel_b(client, bots[1])
    menu = {
        "size": {"width": 2500, "height": 843},
        "selected": False,
        "name": "b",
        "chatBarText": "เมนู",
        "areas": [],
    }
    created = post(sim, "/v2/bot/richmenu", menu, TOKEN_B)
    assert created.ok
    menu_id = created.json()["richMenuId"]
    auth_a = {"Authorization": f"Bearer {TOKEN}"}
    listed = requests.get(sim.base_url + "/v2/bot/richmenu/list", headers=auth_a, timeout=10)
    assert menu_id not in [m["richMenuId"] for m in listed.json()["richmenus"]]
    got = requests.get(f"{sim.base_url}/v2/bot/richmenu/{menu_id}", headers=auth_a, timeout=10)
    assert got.status_code == 404


def test_one_person_in_two_channels_has_one_user_id(
    client: SimulatorClient, sim: RunningSimulator, bots: tuple[EchoBot, EchoBot]
) -> None:
    bot_a, bot_b = bots
    b = channel_b(client, bot_b)
    in_a = client.create_user("สมศรี")
    in_b = client.create_user("สมศรี", channel=b, same_person_as=in_a)
    assert in_b != in_a and client.line_user_id(in_b) == in_a
    assert client.send_text(in_b, "push") == 200
    assert b'"userId":"' + in_a.encode() + b'"' in bot_b.bodies[0]
    assert [message_text(m) for m in client.wait_for(in_b, 2)] == ["echo: push", "pushed"]
    assert client.messages(in_a) == []  # B's push to that user id reached B's chat only
    text = [{"type": "text", "text": "from A"}]
    assert post(sim, "/v2/bot/message/push", {"to": in_a, "messages": text}, TOKEN).ok
    assert [message_text(m) for m in client.messages(in_a)] == ["from A"]
    assert len(client.messages(in_b)) == 2
    again = requests.post(
        f"{sim.base_url}/sim/api/users",
        json={"name": "x", "channel": b, "lineUserId": in_a},
        timeout=10,
    )
    assert again.status_code == 409


def test_the_chat_page_picks_a_channel_for_a_new_user(
    client: SimulatorClient, sim: RunningSimulator, bots: tuple[EchoBot, EchoBot]
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page()
            page.goto(sim.base_url + "/")
            page.wait_for_function("document.getElementById('webhook-info').textContent")
            assert page.locator("#new-user-channel").is_hidden()  # one channel: as before
            b = channel_b(client, bots[1])
            page.reload()
            page.wait_for_selector("#new-user-channel:not([hidden])")
            page.select_option("#new-user-channel", b)
            page.fill("#new-user-name", "สมศรี")
            page.click("#new-user-form button[type=submit]")
            wait_until(lambda: client.users(channel=b), message="the user of channel B")
            page.wait_for_function(
                "(url) => document.getElementById('webhook-info').textContent.includes(url)",
                arg=bots[1].url,
            )
            page.fill("#send-text", "hello")
            page.click("#send-btn")
            page.wait_for_selector("text=echo: hello")
        finally:
            chromium.close()
    (user,) = client.users(channel=b)
    assert [message_text(m) for m in client.messages(user["userId"])] == ["echo: hello"]
    assert not client.users(channel="default")


def test_the_product_client_sends_each_channel_its_own_token_on_one_connection_pool(
    client: SimulatorClient, sim: RunningSimulator, bots: tuple[EchoBot, EchoBot], monkeypatch
) -> None:
    # line/client.py: one SDK client per host for every organisation's channel, the channel's
    # token on each call (a client per channel rebuilt it and reconnected for each channel
    # that fell out of a cache)
    from core.config import load_settings
    from line.client import LineClient, LineError

    monkeypatch.setenv("LINE_API_URL", sim.base_url)
    monkeypatch.setenv("LINE_DATA_API_URL", sim.base_url)
    settings = load_settings()
    b = channel_b(client, bots[1])
    alice, bob = client.create_user("เอ"), client.create_user("บี", channel=b)
    line_a, line_b = LineClient(settings, TOKEN), LineClient(settings, TOKEN_B)
    assert line_a.sdk is line_b.sdk
    assert line_a.bot_info()["userId"] != line_b.bot_info()["userId"]
    hello = uuid.uuid4().hex
    line_b.push(bob, [{"type": "text", "text": hello}], retry_key=str(uuid.uuid4()))
    line_a.push(alice, [{"type": "text", "text": hello}], retry_key=str(uuid.uuid4()))
    assert [message_text(m) for m in client.messages(bob)] == [hello]
    assert [message_text(m) for m in client.messages(alice)] == [hello]
    assert {c["token"] for c in client.api_calls(channel=b)} == {TOKEN_B}
    assert {c["token"] for c in client.api_calls(channel="default")} == {TOKEN}
    with pytest.raises(LineError) as refused:
        LineClient(settings, "not-a-token").bot_info()
    assert refused.value.status == 401
