"""The control API (`/sim/api/...`) the chat page and the tests use: play LINE users (their
messages, taps, follows and images become webhooks to the bot, signed with the secret of the
user's channel and sent to that channel's webhook URL), read what they were sent, inject
faults, and configure the simulator. Channels are added in simulator/channels_api.py."""

from __future__ import annotations

import copy
import time
from typing import Any

from flask import Blueprint, jsonify, request

from simulator import texts, webhook
from simulator.context import (
    LINE_API_PREFIX,
    current_config,
    current_state,
    error,
    rich_menu_image,
    rich_menu_public,
)
from simulator.state import DEFAULT_CHANNEL, FAULT_MODES, Fault, SentEvent

bp = Blueprint("control", __name__)


# -- webhooks on behalf of users ---------------------------------------------------------
def send_event(
    event: dict[str, Any], user_id: str | None, display_text: str | None = None
) -> SentEvent:
    state = current_state()
    sent = state.record_event(event, user_id, display_text)
    sent.status = post_event(sent)
    return sent


def post_event(sent: SentEvent) -> int:
    # No lock held here: the bot calls the Messaging API back before answering.
    state = current_state()
    with state.lock:
        channel = state.channels.get(sent.channel) or state.channels[DEFAULT_CHANNEL]
    body = webhook.webhook_body(channel.destination, [sent.event])
    status, text = webhook.post(channel.webhook_url, body, webhook.sign(channel.secret, body))
    with state.lock:
        sent.response = text
        sent.deliveries.append(
            {"status": status, "time": time.time(), "body": body.decode("utf-8")}
        )
    return status


def sim_user(user_id: str) -> Any:
    state = current_state()
    user = state.users.get(user_id)
    if user is None:
        return None, error(404, f"Unknown user {user_id}")
    return user, None


def event_result(sent: SentEvent) -> Any:
    return jsonify(
        {
            "status": sent.status,
            "eventId": sent.event["webhookEventId"],
            "event": sent.event,
            "response": sent.response,
        }
    )


@bp.post("/sim/api/users")
def sim_create_user() -> Any:
    state = current_state()
    payload = request.get_json(silent=True) or {}
    name = str(payload.get("name") or "").strip() or texts.DEFAULT_USER_NAME
    channel = str(payload.get("channel") or DEFAULT_CHANNEL)
    if channel not in state.channels:
        return error(404, f"Unknown channel {channel}")
    line_id = payload.get("lineUserId")  # the same person as another channel's chat
    if line_id is not None and (not isinstance(line_id, str) or not line_id):
        return error(400, "lineUserId must be a user id")
    try:
        user = state.create_user(name[:20], channel, line_id)
    except ValueError as exc:
        return error(409, str(exc))
    return jsonify(user.public()), 201


@bp.get("/sim/api/users")
def sim_users() -> Any:
    state = current_state()
    channel = request.args.get("channel")
    with state.lock:
        users = [u.public() for u in state.users.values() if channel in (None, u.channel)]
    return jsonify({"users": users})


@bp.get("/sim/api/users/<user_id>")
def sim_get_user(user_id: str) -> Any:
    user, err = sim_user(user_id)
    return err or jsonify(user.public())


@bp.post("/sim/api/users/<user_id>/text")
def sim_text(user_id: str) -> Any:
    state = current_state()
    user, err = sim_user(user_id)
    if err:
        return err
    payload = request.get_json(silent=True) or {}
    text = payload.get("text")
    if not isinstance(text, str) or not text:
        return error(400, "text is required")
    event = webhook.text_event(user.line_id, text, state.issue_reply_token(user.user_id))
    return event_result(send_event(event, user.user_id))


@bp.post("/sim/api/users/<user_id>/postback")
def sim_postback(user_id: str) -> Any:
    state = current_state()
    user, err = sim_user(user_id)
    if err:
        return err
    payload = request.get_json(silent=True) or {}
    data = payload.get("data")
    if not isinstance(data, str):
        return error(400, "data is required")
    event = webhook.postback_event(
        user.line_id, data, state.issue_reply_token(user.user_id), payload.get("params")
    )
    display = payload.get("displayText")
    display = display if isinstance(display, str) and display else None
    return event_result(send_event(event, user.user_id, display))


@bp.post("/sim/api/users/<user_id>/follow")
def sim_follow(user_id: str) -> Any:
    state = current_state()
    user, err = sim_user(user_id)
    if err:
        return err
    unblocked = user.followed is False
    user.followed = True
    event = webhook.follow_event(
        user.line_id, state.issue_reply_token(user.user_id), is_unblocked=unblocked
    )
    return event_result(send_event(event, user.user_id))


@bp.post("/sim/api/users/<user_id>/unfollow")
def sim_unfollow(user_id: str) -> Any:
    user, err = sim_user(user_id)
    if err:
        return err
    user.followed = False
    return event_result(send_event(webhook.unfollow_event(user.line_id), user.user_id))


@bp.get("/sim/api/users/<user_id>/messages")
def sim_messages(user_id: str) -> Any:
    state = current_state()
    since = request.args.get("since", 0, type=int)
    return jsonify({"messages": state.messages(user_id, since)})


@bp.get("/sim/api/users/<user_id>/events")
def sim_events(user_id: str) -> Any:
    state = current_state()
    return jsonify({"events": [e.public() for e in state.events_of(user_id)]})


@bp.get("/sim/api/users/<user_id>/conversation")
def sim_conversation(user_id: str) -> Any:
    state = current_state()
    user, err = sim_user(user_id)
    if err:
        return err
    since = request.args.get("since", 0, type=int)
    items: list[dict[str, Any]] = []
    for sent in state.events_of(user_id):
        if sent.seq > since:
            items.append(
                {
                    "seq": sent.seq,
                    "from": "user",
                    "event": sent.event,
                    "status": sent.status,
                    "displayText": sent.display_text,
                    "time": sent.time,
                }
            )
    for message in state.messages(user_id, since):
        items.append({"from": "bot", **message})
    items.sort(key=lambda item: item["seq"])
    return jsonify(
        {
            "user": user.public(),
            "items": items,
            "seq": state.seq,
            "loading": user.loading_until > time.time(),
        }
    )


@bp.get("/sim/api/events/<event_id>")
def sim_event(event_id: str) -> Any:
    state = current_state()
    sent = state.events.get(event_id)
    if sent is None:
        return error(404, f"Unknown event {event_id}")
    return jsonify(sent.public())


@bp.post("/sim/api/events/<event_id>/redeliver")
def sim_redeliver(event_id: str) -> Any:
    state = current_state()
    original = state.events.get(event_id)
    if original is None:
        return error(404, f"Unknown event {event_id}")
    # LINE redelivers the original event (same webhookEventId) flagged as a redelivery.
    event = copy.deepcopy(original.event)
    event["deliveryContext"] = {"isRedelivery": True}
    redelivery = SentEvent(original.seq, event, original.user_id, time.time())
    redelivery.channel = original.channel
    status = post_event(redelivery)
    with state.lock:
        original.deliveries.extend(redelivery.deliveries)
    return jsonify({"status": status, "eventId": event_id, "event": event})


@bp.post("/sim/api/raw")
def sim_raw() -> Any:
    """POST a body as is; X-Sim-Channel names the channel whose secret signs it (with
    X-Sim-Sign: 1) and whose webhook URL it goes to, unless X-Sim-Url names another URL (a
    test sends one channel's signed body to another channel's path)."""
    state = current_state()
    channel = state.channels.get(request.headers.get("X-Sim-Channel") or DEFAULT_CHANNEL)
    if channel is None:
        return error(404, "Unknown channel")
    body = request.get_data(cache=True)
    if request.headers.get("X-Sim-Sign") == "1":
        signature: str | None = webhook.sign(channel.secret, body)
    else:
        signature = request.headers.get("X-Sim-Signature")
    url = request.headers.get("X-Sim-Url") or channel.webhook_url
    status, text = webhook.post(url, body, signature)
    return jsonify({"status": status, "response": text})


@bp.get("/sim/api/calls")
def sim_calls() -> Any:
    state = current_state()
    prefix = request.args.get("path_prefix") or ""
    channel = request.args.get("channel")
    with state.lock:
        calls = [
            c
            for c in state.calls
            if c["path"].startswith(prefix) and channel in (None, c.get("channel"))
        ]
    return jsonify({"calls": calls})


@bp.get("/sim/api/faults")
def sim_faults() -> Any:
    state = current_state()
    return jsonify({"faults": state.faults_public()})


@bp.post("/sim/api/faults")
def sim_add_fault() -> Any:
    state = current_state()
    payload = request.get_json(silent=True) or {}
    try:
        fault = Fault(
            status=int(payload.get("status", 500)),
            count=int(payload.get("count", 1)),
            path_prefix=str(payload.get("path_prefix") or LINE_API_PREFIX),
            mode=str(payload.get("mode") or "reject"),
            delay=float(payload.get("delay") or 0.0),
        )
    except (TypeError, ValueError) as exc:
        return error(400, f"Invalid fault: {exc}")
    if fault.mode not in FAULT_MODES:
        return error(400, f"mode must be one of {', '.join(FAULT_MODES)}")
    if fault.mode != "timeout" and not 400 <= fault.status <= 599:
        return error(400, "status must be 4xx or 5xx")
    state.add_fault(fault)
    return jsonify({"faults": state.faults_public()}), 201


@bp.delete("/sim/api/faults")
def sim_clear_faults() -> Any:
    state = current_state()
    with state.lock:
        state.faults.clear()
    return jsonify({"faults": []})


@bp.post("/sim/api/reset")
def sim_reset() -> Any:
    state = current_state()
    state.reset()
    return jsonify({"ok": True})


@bp.get("/sim/api/config")
def sim_config() -> Any:
    """The default channel's webhook URL and bot id, and the list of every channel."""
    state = current_state()
    config = current_config()
    with state.lock:
        default = state.channels[DEFAULT_CHANNEL]
        channels = [c.public() for c in state.channels.values()]
    return jsonify(
        {
            "webhookUrl": default.webhook_url,
            "adminUrl": config.admin_url,
            "destination": default.destination,
            "replyTokenTtl": state.reply_token_ttl,
            "channels": channels,
        }
    )


@bp.post("/sim/api/config")
def sim_set_config() -> Any:
    state = current_state()
    config = current_config()
    payload = request.get_json(silent=True) or {}
    if payload.get("webhookUrl"):
        state.channels[DEFAULT_CHANNEL].webhook_url = str(payload["webhookUrl"])
    if "adminUrl" in payload:
        config.admin_url = payload["adminUrl"] or None
    if payload.get("replyTokenTtl") is not None:
        state.reply_token_ttl = float(payload["replyTokenTtl"])
    return sim_config()


@bp.get("/sim/api/richmenu")
def sim_rich_menu() -> Any:
    state = current_state()
    channel = request.args.get("channel") or DEFAULT_CHANNEL
    with state.lock:
        menu = state.rich_menus.get(state.default_rich_menus.get(channel, ""))
        if menu is None:
            return jsonify({"richMenu": None})
        return jsonify(
            {
                "richMenu": rich_menu_public(menu),
                "image": f"/sim/api/richmenu/{menu.rich_menu_id}/image" if menu.image else None,
            }
        )


@bp.get("/sim/api/richmenu/<rich_menu_id>/image")
def sim_rich_menu_image(rich_menu_id: str) -> Any:
    return rich_menu_image(rich_menu_id)
