"""`itabot richmenu`: the menu under the chat (รายงาน · ภาพรวม · วิธีใช้), drawn with typst."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

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


def _apis(settings: Settings, token: str | None) -> tuple[Any, Any]:
    """The SDK's clients on the channel of `token` (an organisation's own; None: the
    environment's)."""
    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, MessagingApiBlob

    token = token or settings.access_token
    api = MessagingApi(ApiClient(Configuration(host=settings.line_api_url, access_token=token)))
    blob = MessagingApiBlob(
        ApiClient(Configuration(host=settings.line_data_api_url, access_token=token))
    )
    return api, blob


def install(
    settings: Settings,
    token: str | None = None,
    request: dict | None = None,
    image: bytes | None = None,
) -> str:
    """Create the menu, upload its image and make it every user's default."""
    from linebot.v3.messaging import RichMenuRequest

    api, blob = _apis(settings, token)
    body = request or menu_request()
    menu_id = api.create_rich_menu(RichMenuRequest.from_dict(body)).rich_menu_id
    blob.set_rich_menu_image(
        menu_id, image or render_image(), _headers={"Content-Type": "image/png"}
    )
    api.set_default_rich_menu(menu_id)
    return menu_id


def ensure(settings: Settings, token: str | None = None) -> tuple[str, bool]:
    """Install the menu unless the default one already is this menu; (menu id, changed).

    The menu's name carries a digest of its layout and picture, so a menu with other labels
    (or one made by hand in LINE's console) is replaced, and the same one is left alone."""
    from linebot.v3.messaging import ApiException

    image = render_image()
    request = menu_request()
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode() + image).hexdigest()
    request["name"] = f"{request['name']} {digest[:12]}"
    api, _blob = _apis(settings, token)
    try:
        current = api.get_default_rich_menu_id().rich_menu_id
        if api.get_rich_menu(current).name == request["name"]:
            return current, False
    except ApiException as exc:
        if exc.status != 404:  # 404: no default menu yet
            raise
    return install(settings, token, request, image), True
