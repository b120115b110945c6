"""The control API's channels (`/sim/api/channels`): add LINE channels (Official Accounts)
beside the default one, each with its secret, access token, webhook URL and name, so one
simulator plays the LINE platform for several organisations at once."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, jsonify, request

from simulator.context import current_state, error
from simulator.state import Channel

bp = Blueprint("channels", __name__)

FIELDS = ("secret", "token", "webhook_url")


@bp.post("/sim/api/channels")
def sim_create_channel() -> Any:
    """{"secret", "token", "webhook_url", "name", optional "id"} → {"id", …}. Registering a
    token again updates that channel (its id stays)."""
    payload = request.get_json(silent=True) or {}
    missing = [f for f in FIELDS if not isinstance(payload.get(f), str) or not payload[f]]
    if missing:
        return error(400, f"{', '.join(missing)} required")
    channel = Channel(
        id=str(payload.get("id") or "ch-" + secrets.token_hex(4)),
        secret=payload["secret"],
        token=payload["token"],
        webhook_url=payload["webhook_url"],
        name=str(payload.get("name") or ""),
    )
    return jsonify(current_state().add_channel(channel).public()), 201


@bp.get("/sim/api/channels")
def sim_channels() -> Any:
    state = current_state()
    with state.lock:
        return jsonify({"channels": [c.public() for c in state.channels.values()]})


@bp.get("/sim/api/channels/<channel_id>")
def sim_channel(channel_id: str) -> Any:
    channel = current_state().channels.get(channel_id)
    if channel is None:
        return error(404, f"Unknown channel {channel_id}")
    return jsonify(channel.public())


@bp.post("/sim/api/channels/<channel_id>")
def sim_update_channel(channel_id: str) -> Any:
    """Change a channel's secret, token, webhook URL or name (LINE's console does: a new
    secret or token replaces the old one at once)."""
    state = current_state()
    payload = request.get_json(silent=True) or {}
    with state.lock:
        channel = state.channels.get(channel_id)
        if channel is None:
            return error(404, f"Unknown channel {channel_id}")
        for field in (*FIELDS, "name"):
            if isinstance(payload.get(field), str) and payload[field]:
                setattr(channel, field, payload[field])
        return jsonify(channel.public())
