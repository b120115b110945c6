"""The Messaging API stand-in (`/v2/...`): what the bot calls, checked against LINE's
OpenAPI file, answered with LINE's status codes and error bodies (400 details, 401, 409 on
a reused retry key, ...), every call recorded and faults injected on request.

Each call is for the channel whose access token it carries (an unknown token gets LINE's
401): it reaches only that channel's users, reply tokens, retry keys, contents and rich
menus."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from simulator.context import (
    LINE_API_PREFIX,
    bad_request,
    current_channel,
    current_state,
    error,
    rich_menu_image,
    rich_menu_public,
)
from simulator.schema import ErrorDetail, check_request, messaging_validator, parse_json
from simulator.state import Fault, RichMenu, new_request_id

AUTH_FAILED = (
    "Authentication failed. Confirm that the access token in the authorization header is valid."
)
RATE_LIMITED = "The API rate limit has been exceeded. Try again later."
FAULT_MESSAGES = {
    429: RATE_LIMITED,
    500: "An error occurred on the server.",
    503: "The service is temporarily unavailable.",
}
RECIPIENT = re.compile(r"^[UCR][0-9a-f]{32}$")  # user, group, room

bp = Blueprint("line_api", __name__)


# -- auth, faults, recording (every request under /v2/, routed or not) ------------------
@bp.before_app_request
def _line_api_gate() -> Any:
    state = current_state()
    if not request.path.startswith(LINE_API_PREFIX):
        return None
    g.request_id = new_request_id()
    g.started = time.time()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    g.token = token
    g.channel = state.channel_by_token(token) if scheme == "Bearer" and token else None
    if g.channel is None:
        return error(401, AUTH_FAILED)
    fault = state.take_fault(request.path)
    g.fault = fault
    if fault is not None and fault.mode == "reject":
        return error(fault.status, FAULT_MESSAGES.get(fault.status, "Fault injected"))
    return None


@bp.after_app_request
def _line_api_record(response: Response) -> Response:
    state = current_state()
    if not request.path.startswith(LINE_API_PREFIX):
        return response
    fault: Fault | None = g.get("fault")
    if fault is not None and fault.mode == "accept_then_fail" and response.status_code < 300:
        # Delivered already; the caller only sees a failure (what a retry key is for).
        response = jsonify({"message": FAULT_MESSAGES.get(fault.status, "Fault injected")})
        response.status_code = fault.status if fault.status >= 500 else 500
    if fault is not None and fault.mode == "timeout" and fault.delay > 0:
        time.sleep(fault.delay)
    response.headers["x-line-request-id"] = g.get("request_id", "")
    channel = g.get("channel")
    state.record_call(
        {
            # Which channel the call was for, and the token it carried (tests check that an
            # organisation's calls carry its own token).
            "channel": channel.id if channel is not None else None,
            "token": g.get("token"),
            "time": g.get("started", time.time()),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "retry_key": request.headers.get("X-Line-Retry-Key"),
            "body": _recorded_body(),
            "response": response.get_json(silent=True) if response.is_json else None,
            "request_id": g.get("request_id", ""),
            "fault": fault.mode if fault is not None else None,
        }
    )
    return response


def json_body(schema_name: str) -> tuple[Any, tuple[Response, int] | None]:
    try:
        body = parse_json(request.get_data(cache=True))
    except ValueError as exc:
        return None, error(400, str(exc))
    details = check_request(messaging_validator(), schema_name, body)
    if details:
        return None, bad_request(details)
    return body, None


def retry_key_header() -> tuple[str | None, tuple[Response, int] | None]:
    key = request.headers.get("X-Line-Retry-Key")
    if key is None:
        return None, None
    try:
        uuid.UUID(key)
    except ValueError:
        return None, error(400, "The value of the X-Line-Retry-Key header is invalid")
    return key.lower(), None


def already_accepted(key: str | None, with_sent: bool) -> tuple[Response, int] | None:
    state = current_state()
    if key is None:
        return None
    accepted = state.accepted_retry_key(key, current_channel().id)
    if accepted is None:
        return None
    request_id, sent = accepted
    extra = {"sentMessages": sent} if with_sent and sent else {}
    response, status = error(409, "The retry key is already accepted", **extra)
    response.headers["x-line-accepted-request-id"] = request_id
    return response, status


def _deliver_once(
    to: list[str], messages: list[dict[str, Any]], via: str, key: str | None
) -> tuple[list[dict[str, Any]], tuple[Response, int] | None]:
    """Deliver, unless the retry key was accepted before: then LINE's 409 (a push's names
    the messages sent the first time)."""
    state = current_state()
    channel = current_channel().id
    with state.lock:  # check-and-accept of the retry key is atomic
        conflict = already_accepted(key, with_sent=via == "push")
        if conflict:
            return [], conflict
        sent = state.deliver(to, messages, via, g.request_id, key, channel=channel)
        if key:
            state.accept_retry_key(key, g.request_id, sent, channel)
    return sent, None


# Messaging API: messages ------------------------------------------------------------
@bp.post("/v2/bot/message/reply")
def reply_message() -> Any:
    state = current_state()
    body, err = json_body("ReplyMessageRequest")
    if err:
        return err
    channel = current_channel().id
    user_id = state.consume_reply_token(body["replyToken"], channel)
    if user_id is None:
        return error(400, "Invalid reply token")
    sent = state.deliver([user_id], body["messages"], "reply", g.request_id, channel=channel)
    return jsonify({"sentMessages": sent})


@bp.post("/v2/bot/message/push")
def push_message() -> Any:
    key, err = retry_key_header()
    if err:
        return err
    body, err = json_body("PushMessageRequest")
    if err:
        return err
    if not RECIPIENT.match(body["to"]):
        return error(400, "The property, 'to', in the request body is invalid (line: -, column: -)")
    sent, conflict = _deliver_once([body["to"]], body["messages"], "push", key)
    return conflict or jsonify({"sentMessages": sent})


@bp.post("/v2/bot/message/multicast")
def multicast() -> Any:
    key, err = retry_key_header()
    if err:
        return err
    body, err = json_body("MulticastRequest")
    if err:
        return err
    bad = [i for i, to in enumerate(body["to"]) if not RECIPIENT.match(to) or to[0] != "U"]
    if bad:
        return bad_request([ErrorDetail("Invalid user id", f"to[{i}]") for i in bad])
    _, conflict = _deliver_once(body["to"], body["messages"], "multicast", key)
    return conflict or jsonify({})


@bp.get("/v2/bot/profile/<user_id>")
def profile(user_id: str) -> Any:
    state = current_state()
    user = state.channel_user(user_id, current_channel().id)
    if user is None:
        return error(404, "Not found")
    return jsonify({"userId": user.user_id, "displayName": user.name, "language": "th"})


@bp.get("/v2/bot/message/<message_id>/content")
def message_content(message_id: str) -> Any:
    state = current_state()
    content = state.contents.get(message_id)
    if content is None or content[2] != current_channel().id:
        return error(404, "Not found")
    data, content_type, _ = content
    return Response(data, mimetype=content_type)


@bp.post("/v2/bot/chat/loading/start")
def loading_start() -> Any:
    state = current_state()
    body, err = json_body("ShowLoadingAnimationRequest")
    if err:
        return err
    seconds = body.get("loadingSeconds", 20)
    if seconds % 5:
        return bad_request([ErrorDetail("Must be a multiple of 5", "loadingSeconds")])
    user = state.channel_user(body["chatId"], current_channel().id)
    if user is not None:
        user.loading_until = time.time() + seconds
    return jsonify({}), 202


# Messaging API: rich menus ----------------------------------------------------------
@bp.post("/v2/bot/richmenu")
def create_rich_menu() -> Any:
    state = current_state()
    body, err = json_body("RichMenuRequest")
    if err:
        return err
    menu = RichMenu("richmenu-" + uuid.uuid4().hex, body, channel=current_channel().id)
    with state.lock:
        state.rich_menus[menu.rich_menu_id] = menu
    return jsonify({"richMenuId": menu.rich_menu_id})


@bp.get("/v2/bot/richmenu/list")
def list_rich_menus() -> Any:
    state = current_state()
    channel = current_channel().id
    with state.lock:
        menus = [rich_menu_public(m) for m in state.rich_menus.values() if m.channel == channel]
    return jsonify({"richmenus": menus})


def _own_menu(rich_menu_id: str) -> RichMenu | None:
    """The rich menu if it is the calling channel's (another channel's is not found)."""
    menu = current_state().rich_menus.get(rich_menu_id)
    return menu if menu is not None and menu.channel == current_channel().id else None


@bp.get("/v2/bot/richmenu/<rich_menu_id>")
def get_rich_menu(rich_menu_id: str) -> Any:
    menu = _own_menu(rich_menu_id)
    if menu is None:
        return error(404, "Not found")
    return jsonify(rich_menu_public(menu))


@bp.delete("/v2/bot/richmenu/<rich_menu_id>")
def delete_rich_menu(rich_menu_id: str) -> Any:
    state = current_state()
    channel = current_channel().id
    with state.lock:
        if _own_menu(rich_menu_id) is None:
            return error(404, "Not found")
        del state.rich_menus[rich_menu_id]
        if state.default_rich_menus.get(channel) == rich_menu_id:
            del state.default_rich_menus[channel]
    return jsonify({})


@bp.post("/v2/bot/richmenu/<rich_menu_id>/content")
def upload_rich_menu_image(rich_menu_id: str) -> Any:
    state = current_state()
    content_type = (request.mimetype or "").lower()
    with state.lock:
        menu = _own_menu(rich_menu_id)
        if menu is None:
            return error(404, "Not found")
        if content_type not in ("image/png", "image/jpeg"):
            return error(415, "Unsupported media type; use image/png or image/jpeg")
        if menu.image is not None:
            return error(400, "An image has already been uploaded to the richmenu")
        menu.image = request.get_data(cache=True)
        menu.image_type = content_type
    return jsonify({})


@bp.get("/v2/bot/richmenu/<rich_menu_id>/content")
def download_rich_menu_image(rich_menu_id: str) -> Any:
    return rich_menu_image(rich_menu_id)


@bp.post("/v2/bot/user/all/richmenu/<rich_menu_id>")
def set_default_rich_menu(rich_menu_id: str) -> Any:
    state = current_state()
    with state.lock:
        menu = _own_menu(rich_menu_id)
        if menu is None:
            return error(404, "richmenu not found")
        if menu.image is None:
            return error(400, "must upload richmenu image before applying it to user")
        state.default_rich_menus[current_channel().id] = rich_menu_id
    return jsonify({})


@bp.get("/v2/bot/user/all/richmenu")
def get_default_rich_menu() -> Any:
    menu_id = current_state().default_rich_menus.get(current_channel().id)
    if menu_id is None:
        return error(404, "no default richmenu")
    return jsonify({"richMenuId": menu_id})


@bp.delete("/v2/bot/user/all/richmenu")
def clear_default_rich_menu() -> Any:
    current_state().default_rich_menus.pop(current_channel().id, None)
    return jsonify({})


def _recorded_body() -> Any:
    raw = request.get_data(cache=True)
    if not raw:
        return None
    if request.mimetype == "application/json":
        try:
            return parse_json(raw)
        except ValueError:
            pass
    return {"contentType": request.mimetype, "bytes": len(raw)}
