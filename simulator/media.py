"""Photos and files that simulated users send (`/sim/api/users/<id>/image|images|file`): the
content is kept for the Messaging API's content endpoint (GET /v2/bot/message/<id>/content,
simulator/line_api.py) and the message goes to the bot as a signed webhook, as LINE does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify, request

from simulator import webhook
from simulator.context import current_state, error
from simulator.control import event_result, send_event, sim_user

bp = Blueprint("media", __name__)

MAX_SET = 20  # LINE sends at most 20 images at once


def _keep(data: bytes, content_type: str, channel: str) -> str:
    """Keep content for the bot (of that channel) to download; returns the message id."""
    state = current_state()
    message_id = webhook.new_message_id()
    with state.lock:
        state.contents[message_id] = (data, content_type, channel)
    return message_id


def _send(user_id: str, data: bytes, content_type: str, event: Callable[..., dict]) -> Any:
    """Keep the content, then send `event(user id, message id, reply token)` as a webhook."""
    state = current_state()
    user, err = sim_user(user_id)
    if err:
        return err
    message_id = _keep(data, content_type, user.channel)
    sent = send_event(
        event(user.line_id, message_id, state.issue_reply_token(user.user_id)), user_id
    )
    return event_result(sent)


@bp.post("/sim/api/users/<user_id>/image")
def sim_image(user_id: str) -> Any:
    """One image: the request body is the image."""
    data = request.get_data(cache=True)
    return _send(user_id, data, request.mimetype or "image/jpeg", webhook.image_event)


@bp.post("/sim/api/users/<user_id>/images")
def sim_images(user_id: str) -> Any:
    """Several images sent at once (multipart, each an `image` part): one webhook each, all
    marked with one imageSet {id, index, total}, as LINE sends them."""
    state = current_state()
    user, err = sim_user(user_id)
    if err:
        return err
    parts = request.files.getlist("image")
    if not 2 <= len(parts) <= MAX_SET:
        return error(400, f"send 2 to {MAX_SET} images as `image` parts")
    set_id = webhook.new_image_set_id()
    results = []
    for index, part in enumerate(parts, start=1):
        message_id = _keep(part.read(), part.mimetype or "image/jpeg", user.channel)
        image_set = {"id": set_id, "index": index, "total": len(parts)}
        token = state.issue_reply_token(user.user_id)
        sent = send_event(webhook.image_event(user.line_id, message_id, token, image_set), user_id)
        results.append({"status": sent.status, "eventId": sent.event["webhookEventId"]})
    return jsonify({"imageSet": set_id, "events": results})


@bp.post("/sim/api/users/<user_id>/file")
def sim_file(user_id: str) -> Any:
    """A file: the request body is the file, `?name=` its name."""
    name = request.args.get("name", "").strip()
    if not name:
        return error(400, "name is required")
    data = request.get_data(cache=True)

    def event(user: str, message_id: str, token: str) -> dict:
        return webhook.file_event(user, message_id, name, len(data), token)

    return _send(user_id, data, request.mimetype or "application/octet-stream", event)
