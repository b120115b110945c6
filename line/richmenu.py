"""`itabot richmenu`: the menu under the chat (รายงาน · ภาพรวม · วิธีใช้), drawn with typst."""

from __future__ import annotations

import json
from pathlib import Path

from core.config import Settings
from core.texts import chat as texts

WIDTH, HEIGHT = 2500, 843
ITEMS = [(texts.QR_REPORT, "#06C755"), (texts.QR_OVERVIEW, "#2F80ED"), (texts.QR_HELP, "#6B7280")]


def _font_dir() -> str:
    import fontpkg_sarabun

    return str(Path(fontpkg_sarabun.__file__).parent / "files")


def render_image() -> bytes:
    """A 2500×843 PNG with three labelled buttons (LINE's large rich-menu size)."""
    import typst

    source = f"""
#set page(width: {WIDTH / 10}pt, height: {HEIGHT / 10}pt, margin: 0pt, fill: white)
#set text(font: "Sarabun", lang: "th", size: 15pt, weight: "bold", fill: white)
#let labels = json(bytes(sys.inputs.labels))
#let colors = json(bytes(sys.inputs.colors))
#grid(columns: (1fr, 1fr, 1fr), rows: (1fr), gutter: 3pt,
  ..range(3).map(i => rect(width: 100%, height: 100%, fill: rgb(colors.at(i)),
    align(center + horizon, labels.at(i)))))
"""
    inputs = {
        "labels": json.dumps([label for label, _ in ITEMS], ensure_ascii=False),
        "colors": json.dumps([color for _, color in ITEMS]),
    }
    return typst.compile(
        source.encode(),
        format="png",
        ppi=720,
        font_paths=[_font_dir()],
        ignore_system_fonts=True,
        sys_inputs=inputs,
    )


def menu_request() -> dict:
    third = WIDTH // 3
    areas = []
    for index, (label, _) in enumerate(ITEMS):
        width = third if index < 2 else WIDTH - 2 * third
        areas.append(
            {
                "bounds": {"x": index * third, "y": 0, "width": width, "height": HEIGHT},
                "action": {"type": "message", "label": label, "text": label},
            }
        )
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": "itabot",
        "chatBarText": texts.RICH_MENU_BAR,
        "areas": areas,
    }


def install(settings: Settings, token: str | None = None) -> str:
    """Create the menu, upload its image and make it every user's default, on the channel
    of `token` (an organisation's own; None: the environment's)."""
    from linebot.v3.messaging import (
        ApiClient,
        Configuration,
        MessagingApi,
        MessagingApiBlob,
        RichMenuRequest,
    )

    token = token or settings.access_token
    api = MessagingApi(ApiClient(Configuration(host=settings.line_api_url, access_token=token)))
    blob = MessagingApiBlob(
        ApiClient(Configuration(host=settings.line_data_api_url, access_token=token))
    )
    menu_id = api.create_rich_menu(RichMenuRequest.from_dict(menu_request())).rich_menu_id
    blob.set_rich_menu_image(menu_id, render_image(), _headers={"Content-Type": "image/png"})
    api.set_default_rich_menu(menu_id)
    return menu_id
