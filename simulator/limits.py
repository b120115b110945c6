"""LINE's limits on request bodies that its OpenAPI file does not encode, checked by hand.

LINE's servers count String.length(), i.e. UTF-16 code units, so one emoji outside the BMP
counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_TEXT = 5000
MAX_ALT_TEXT = 1500
MAX_TEMPLATE_ALT_TEXT = 400
MAX_CAROUSEL_BUBBLES = 12
MAX_TEMPLATE_COLUMNS = 10
MAX_BUTTONS_TEMPLATE_ACTIONS = 4
MAX_QUICK_REPLY_LABEL = 20
MAX_RICH_MENU_AREAS = 20
RICH_MENU_REQUIRED = ("size", "selected", "name", "chatBarText", "areas")


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of LINE's `details` array."""

    message: str
    property: str

    def as_dict(self) -> dict[str, str]:
        return {"message": self.message, "property": self.property}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def rich_menu_limits(body: Any) -> list[ErrorDetail]:
    """A rich menu needs all of its fields (the file marks none required) and ≤ 20 areas."""
    if not isinstance(body, dict):
        return []
    details = [ErrorDetail("must be specified", p) for p in RICH_MENU_REQUIRED if p not in body]
    areas = body.get("areas")
    if isinstance(areas, list):
        if len(areas) > MAX_RICH_MENU_AREAS:
            details.append(
                ErrorDetail(f"Size must be between 0 and {MAX_RICH_MENU_AREAS}", "areas")
            )
        for i, area in enumerate(areas):
            for key in ("bounds", "action"):
                if isinstance(area, dict) and key not in area:
                    details.append(ErrorDetail("must be specified", f"areas[{i}].{key}"))
    size = body.get("size")
    if isinstance(size, dict):
        details.extend(
            ErrorDetail("must be specified", f"size.{key}")
            for key in ("width", "height")
            if key not in size
        )
    return details


def line_limits(body: Any) -> list[ErrorDetail]:
    """LINE's limits on messages that the OpenAPI file leaves out."""
    details: list[ErrorDetail] = []
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list):
        return details
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        base = f"messages[{i}]"
        kind = message.get("type")
        text = message.get("text")
        if kind in ("text", "textV2") and isinstance(text, str) and utf16_len(text) > MAX_TEXT:
            details.append(ErrorDetail(f"Length must be between 0 and {MAX_TEXT}", f"{base}.text"))
        alt = message.get("altText")
        if kind in ("flex", "imagemap") and isinstance(alt, str) and utf16_len(alt) > MAX_ALT_TEXT:
            details.append(
                ErrorDetail(f"Length must be between 1 and {MAX_ALT_TEXT}", f"{base}.altText")
            )
        if kind == "template":
            if isinstance(alt, str) and utf16_len(alt) > MAX_TEMPLATE_ALT_TEXT:
                details.append(
                    ErrorDetail(
                        f"Length must be between 1 and {MAX_TEMPLATE_ALT_TEXT}", f"{base}.altText"
                    )
                )
            details.extend(_template_limits(message.get("template"), f"{base}.template"))
        contents = message.get("contents")
        if kind == "flex" and isinstance(contents, dict) and contents.get("type") == "carousel":
            bubbles = contents.get("contents")
            if isinstance(bubbles, list) and len(bubbles) > MAX_CAROUSEL_BUBBLES:
                details.append(
                    ErrorDetail(
                        f"Size must be between 1 and {MAX_CAROUSEL_BUBBLES}",
                        f"{base}.contents.contents",
                    )
                )
        quick = message.get("quickReply")
        items = quick.get("items") if isinstance(quick, dict) else None
        for j, item in enumerate(items if isinstance(items, list) else []):
            action = item.get("action") if isinstance(item, dict) else None
            label = action.get("label") if isinstance(action, dict) else None
            if isinstance(label, str) and utf16_len(label) > MAX_QUICK_REPLY_LABEL:
                details.append(
                    ErrorDetail(
                        f"Length must be between 1 and {MAX_QUICK_REPLY_LABEL}",
                        f"{base}.quickReply.items[{j}].action.label",
                    )
                )
    return details


def _template_limits(template: Any, where: str) -> list[ErrorDetail]:
    if not isinstance(template, dict):
        return []
    kind = template.get("type")
    actions = template.get("actions")
    columns = template.get("columns")
    if (
        kind == "buttons"
        and isinstance(actions, list)
        and len(actions) > MAX_BUTTONS_TEMPLATE_ACTIONS
    ):
        return [
            ErrorDetail(
                f"Size must be between 1 and {MAX_BUTTONS_TEMPLATE_ACTIONS}", f"{where}.actions"
            )
        ]
    if kind == "confirm" and isinstance(actions, list) and len(actions) != 2:
        return [ErrorDetail("Size must be between 2 and 2", f"{where}.actions")]
    if (
        kind in ("carousel", "image_carousel")
        and isinstance(columns, list)
        and len(columns) > MAX_TEMPLATE_COLUMNS
    ):
        return [
            ErrorDetail(f"Size must be between 1 and {MAX_TEMPLATE_COLUMNS}", f"{where}.columns")
        ]
    return []
