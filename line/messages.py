"""LINE message builders: plain LINE JSON dicts (validated by the simulator against LINE's schema)."""

from __future__ import annotations

from typing import Any

from core.texts import chat as texts
from core.values import DONE, IN_PROGRESS, NOT_STARTED

COLOR = {NOT_STARTED: "#9E9E9E", IN_PROGRESS: "#F5A623", DONE: "#1DB446"}
TEXT_LIMIT = 5000
ALT_LIMIT = 400


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text(body: str, quick: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "text", "text": _clip(body, TEXT_LIMIT)}
    if quick:
        message["quickReply"] = {"items": quick[:13]}
    return message


def qr_message(label: str, send: str | None = None) -> dict[str, Any]:
    return {
        "type": "action",
        "action": {"type": "message", "label": _clip(label, 20), "text": send or label},
    }


def qr_postback(label: str, data: str, display: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "postback", "label": _clip(label, 20), "data": data}
    if display:
        action["displayText"] = _clip(display, 300)
    return {"type": "action", "action": action}


def postback_button(
    label: str,
    data: str,
    style: str = "secondary",
    color: str | None = None,
    display: str | None = None,
) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "postback", "label": _clip(label, 40), "data": data}
    if display:
        action["displayText"] = _clip(display, 300)
    button: dict[str, Any] = {"type": "button", "style": style, "height": "sm", "action": action}
    if color:
        button["color"] = color
    return button


def uri_button(label: str, uri: str, style: str = "link") -> dict[str, Any]:
    return {
        "type": "button",
        "style": style,
        "height": "sm",
        "action": {"type": "uri", "label": _clip(label, 40), "uri": uri},
    }


def flex(
    alt: str, contents: dict[str, Any], quick: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "flex",
        "altText": _clip(alt, ALT_LIMIT),
        "contents": contents,
    }
    if quick:
        message["quickReply"] = {"items": quick[:13]}
    return message


def image(url: str, preview: str | None = None) -> dict[str, Any]:
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": preview or url}


def label_text(
    value: str,
    *,
    size: str = "sm",
    weight: str = "regular",
    color: str = "#333333",
    wrap: bool = True,
    flex_: int | None = None,
    align: str | None = None,
) -> dict[str, Any]:
    component: dict[str, Any] = {
        "type": "text",
        "text": value or " ",
        "size": size,
        "weight": weight,
        "color": color,
        "wrap": wrap,
    }
    if flex_ is not None:
        component["flex"] = flex_
    if align:
        component["align"] = align
    return component


def progress_bar(share: float, color: str) -> dict[str, Any]:
    """A bar drawn with two nested boxes; LINE Flex has no progress component."""
    percent = max(0, min(100, round(share * 100)))
    inner: dict[str, Any] = {
        "type": "box",
        "layout": "vertical",
        "contents": [],
        "width": f"{percent}%",
        "height": "6px",
        "backgroundColor": color,
    }
    return {
        "type": "box",
        "layout": "vertical",
        "contents": [inner] if percent else [],
        "height": "6px",
        "backgroundColor": "#EEEEEE",
        "cornerRadius": "3px",
        "margin": "sm",
    }


def status_badge(status: str) -> dict[str, Any]:
    return label_text(
        f"{texts.STATUS_ICON[status]} {texts.STATUS_LABEL[status]}",
        size="sm",
        weight="bold",
        color=COLOR[status],
    )


def measure_bubble(
    measure_id: str, title: str, status: str, note: str | None, buttons: list[dict[str, Any]]
) -> dict[str, Any]:
    body = [
        label_text(texts.measure_ref(measure_id), size="xs", color="#888888"),
        label_text(_clip(title, 200), size="md", weight="bold"),
        {"type": "separator", "margin": "md"},
        label_text(texts.CURRENT_STATUS, size="xs", color="#888888"),
        status_badge(status),
    ]
    if note:
        body.append(label_text(texts.evidence(_clip(note, 120)), size="xs", color="#666666"))
    return {
        "type": "bubble",
        "size": "kilo",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }


def carousel(bubbles: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "carousel", "contents": bubbles[:12]}
