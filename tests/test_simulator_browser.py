"""Issue 14.4-14.5 in Debian's Chromium: the simulator's chat page draws Thai with the Sarabun
it serves (this machine has no Thai system fonts), and shows LINE's loading animation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.simulator_fixtures import EchoBot, RunningSimulator, messaging_api, running_simulator

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run scripts/ensure-chromium.sh"
)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def chat() -> Iterator[tuple[RunningSimulator, EchoBot]]:
    bot = EchoBot(mode="silent").start()
    try:
        with running_simulator(webhook_url=bot.url) as sim:
            bot.simulator_url = sim.base_url
            yield sim, bot
    finally:
        bot.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="th-TH")
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def test_chat_page_renders_thai_with_the_served_sarabun(chat, page):
    sim, _bot = chat
    fetched: list[str] = []
    page.on("response", lambda r: fetched.append(r.url) if "/sim/font/" in r.url else None)
    page.goto(sim.base_url + "/")
    page.wait_for_function("document.fonts.status === 'loaded'")
    faces = page.evaluate(
        """() => [...document.fonts].map(f => ({family: f.family.replaceAll('"', ''),
                                             weight: f.weight, status: f.status}))"""
    )
    assert {"family": "Sarabun", "weight": "400", "status": "loaded"} in faces
    assert page.evaluate("document.fonts.check('16px Sarabun', 'ผู้ใช้ LINE')")
    assert f"{sim.base_url}/sim/font/sarabun-400.ttf" in fetched
    family = page.evaluate("getComputedStyle(document.querySelector('.sidebar h2')).fontFamily")
    assert family.split(",")[0].strip().strip('"') == "Sarabun"
    # Thai glyphs really come from it. A vowel mark above or below (ู) takes no room of its
    # own when a font draws Thai; without one each character is a box of its own.
    widths = page.evaluate(
        """() => {
          const c = document.createElement('canvas').getContext('2d');
          const w = (font, text) => { c.font = font; return c.measureText(text).width; };
          return {sarabun: [w('16px Sarabun', 'ก'), w('16px Sarabun', 'กู')],
                  none: [w('16px NoSuchFont', 'ก'), w('16px NoSuchFont', 'กู')]};
        }"""
    )
    assert widths["sarabun"][0] > 0 and widths["sarabun"][1] == pytest.approx(widths["sarabun"][0])
    # (on this machine, with no Thai system font, the fallback draws boxes: ~2x as wide)
    print("Thai widths: with Sarabun", widths["sarabun"], "without", widths["none"])


def test_chat_page_shows_the_loading_animation_until_the_answer(chat, page):
    from linebot.v3.messaging import PushMessageRequest, ShowLoadingAnimationRequest, TextMessage

    sim, _bot = chat
    user = sim.client.create_user("สมชาย")
    page.goto(sim.base_url + "/")
    page.locator("#user-list li", has_text="สมชาย").click()
    typing = page.locator("#typing")
    assert typing.is_hidden()
    api = messaging_api(sim.base_url)
    api.show_loading_animation(ShowLoadingAnimationRequest(chatId=user, loadingSeconds=30))
    typing.wait_for(state="visible")
    assert typing.locator(".typing-bubble span").count() == 3
    api.push_message(PushMessageRequest(to=user, messages=[TextMessage(text="ภาพรวมพร้อมแล้วครับ")]))
    typing.wait_for(state="hidden")
    page.locator(".row.bot .bubble", has_text="ภาพรวมพร้อมแล้วครับ").wait_for()
