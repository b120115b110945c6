"""The chat page (`/`): a web LINE chat to play any user, and its script and stylesheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, render_template_string, send_file

from simulator.context import current_config, error

HERE = Path(__file__).resolve().parent

bp = Blueprint("chat", __name__)


@bp.get("/")
def chat_page() -> Any:
    config = current_config()
    template = (HERE / "chat.html").read_text(encoding="utf-8")
    return render_template_string(template, admin_url=config.admin_url)


@bp.get("/favicon.ico")
def favicon() -> Any:
    return "", 204


@bp.get("/sim/static/<name>")
def static_file(name: str) -> Any:
    if name not in ("chat.js", "chat.css"):
        return error(404, "Not found")
    response = send_file(HERE / name, max_age=0)
    return response
