"""What the simulator's blueprints share: its configuration and state (kept in the app's
`extensions`), the channel a Messaging API call was made for, and LINE's way of answering an
error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, jsonify

from simulator.schema import ErrorDetail, error_body
from simulator.state import Channel, RichMenu, SimState

EXTENSION_KEY = "line_simulator"
LINE_API_PREFIX = "/v2/"
CONTROL_API_PREFIX = "/sim/api/"


@dataclass
class SimConfig:
    """What is not a channel's (channels live in the state: tests add them at run time)."""

    admin_url: str | None


def install(app: Flask, state: SimState, config: SimConfig) -> None:
    app.extensions[EXTENSION_KEY] = {"state": state, "config": config}


def get_state(app: Flask) -> SimState:
    return app.extensions[EXTENSION_KEY]["state"]


def get_config(app: Flask) -> SimConfig:
    return app.extensions[EXTENSION_KEY]["config"]


def current_state() -> SimState:
    return get_state(current_app)


def current_config() -> SimConfig:
    return get_config(current_app)


def current_channel() -> Channel:
    """The channel whose access token the current Messaging API call carried."""
    return g.channel


def error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"message": message, **extra}), status


def bad_request(details: list[ErrorDetail]) -> tuple[Response, int]:
    return jsonify(error_body(details)), 400


def rich_menu_public(menu: RichMenu) -> dict[str, Any]:
    return {"richMenuId": menu.rich_menu_id, **menu.body}


def rich_menu_image(rich_menu_id: str) -> Any:
    """A rich menu's uploaded image (the Messaging API's and the chat page's download)."""
    menu = current_state().rich_menus.get(rich_menu_id)
    channel = g.get("channel")
    if menu is None or menu.image is None or (channel is not None and menu.channel != channel.id):
        return error(404, "Not found")
    return Response(menu.image, mimetype=menu.image_type)
