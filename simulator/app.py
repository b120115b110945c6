"""The LINE simulator as a Flask app: a Messaging API stand-in, a webhook sender, a web chat.

* `/v2/...` answers what the bot calls, checked against LINE's OpenAPI file, with LINE's
  status codes and error bodies (400 details, 401, 409 on a reused retry key, …).
* `/sim/api/...` is the JSON API the chat page and tests use to play LINE users.
* `/` is the chat page.
"""

from __future__ import annotations

import copy
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, jsonify, render_template_string, request, send_file

from simulator import webhook
from simulator.channel import blueprint as channel_blueprint
from simulator.schema import (
    ErrorDetail,
    check_request,
    error_body,
    messaging_validator,
    parse_json,
)
from simulator.state import FAULT_MODES, Fault, RichMenu, SentEvent, SimState, new_request_id

HERE = Path(__file__).resolve().parent
EXTENSION_KEY = "line_simulator"

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
LINE_API_PREFIX = "/v2/"


@dataclass
class SimConfig:
    channel_secret: str
    access_token: str
    webhook_url: str
    admin_url: str | None
    destination: str


def _error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"message": message, **extra}), status


def _bad_request(details: list[ErrorDetail]) -> tuple[Response, int]:
    return jsonify(error_body(details)), 400


def get_state(app: Flask) -> SimState:
    return app.extensions[EXTENSION_KEY]["state"]


def get_config(app: Flask) -> SimConfig:
    return app.extensions[EXTENSION_KEY]["config"]


def create_app(
    channel_secret: str,
    access_token: str,
    webhook_url: str,
    admin_url: str | None = None,
    reply_token_ttl: float = 120.0,
) -> Flask:
    """Build a simulator app; its state is in memory and per app."""
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Thai stays readable
    app.json.sort_keys = False  # type: ignore[attr-defined]
    state = SimState(reply_token_ttl=reply_token_ttl)
    config = SimConfig(
        channel_secret=channel_secret,
        access_token=access_token,
        webhook_url=webhook_url,
        admin_url=admin_url,
        destination=webhook.bot_user_id(channel_secret),
    )
    app.extensions[EXTENSION_KEY] = {"state": state, "config": config}
    app.register_blueprint(channel_blueprint)  # bot info, webhook endpoint and test, font
    validator = messaging_validator()

    # Messaging API: auth, faults, recording ---------------------------------------------
    @app.before_request
    def _line_api_gate() -> Any:
        if not request.path.startswith(LINE_API_PREFIX):
            return None
        g.request_id = new_request_id()
        g.started = time.time()
        if request.headers.get("Authorization", "") != f"Bearer {config.access_token}":
            return _error(401, AUTH_FAILED)
        fault = state.take_fault(request.path)
        g.fault = fault
        if fault is not None and fault.mode == "reject":
            return _error(fault.status, FAULT_MESSAGES.get(fault.status, "Fault injected"))
        return None

    @app.after_request
    def _line_api_record(response: Response) -> Response:
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
        state.record_call(
            {
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

    @app.errorhandler(404)
    def _not_found(exc: Exception) -> Any:
        if request.path.startswith(LINE_API_PREFIX) or request.path.startswith("/sim/api/"):
            return _error(404, "Not found")
        return exc

    @app.errorhandler(405)
    def _not_allowed(exc: Exception) -> Any:
        if request.path.startswith(LINE_API_PREFIX) or request.path.startswith("/sim/api/"):
            return _error(405, "Method not allowed")
        return exc

    def json_body(schema_name: str) -> tuple[Any, tuple[Response, int] | None]:
        try:
            body = parse_json(request.get_data(cache=True))
        except ValueError as exc:
            return None, _error(400, str(exc))
        details = check_request(validator, schema_name, body)
        if details:
            return None, _bad_request(details)
        return body, None

    def retry_key_header() -> tuple[str | None, tuple[Response, int] | None]:
        key = request.headers.get("X-Line-Retry-Key")
        if key is None:
            return None, None
        try:
            uuid.UUID(key)
        except ValueError:
            return None, _error(400, "The value of the X-Line-Retry-Key header is invalid")
        return key.lower(), None

    def already_accepted(key: str | None, with_sent: bool) -> tuple[Response, int] | None:
        if key is None:
            return None
        accepted = state.accepted_retry_key(key)
        if accepted is None:
            return None
        request_id, sent = accepted
        extra = {"sentMessages": sent} if with_sent and sent else {}
        response, status = _error(409, "The retry key is already accepted", **extra)
        response.headers["x-line-accepted-request-id"] = request_id
        return response, status

    # Messaging API: messages ------------------------------------------------------------
    @app.post("/v2/bot/message/reply")
    def reply_message() -> Any:
        body, err = json_body("ReplyMessageRequest")
        if err:
            return err
        user_id = state.consume_reply_token(body["replyToken"])
        if user_id is None:
            return _error(400, "Invalid reply token")
        sent = state.deliver([user_id], body["messages"], "reply", g.request_id)
        return jsonify({"sentMessages": sent})

    @app.post("/v2/bot/message/push")
    def push_message() -> Any:
        key, err = retry_key_header()
        if err:
            return err
        body, err = json_body("PushMessageRequest")
        if err:
            return err
        if not RECIPIENT.match(body["to"]):
            return _error(
                400, "The property, 'to', in the request body is invalid (line: -, column: -)"
            )
        with state.lock:  # check-and-accept of the retry key is atomic
            conflict = already_accepted(key, with_sent=True)
            if conflict:
                return conflict
            sent = state.deliver([body["to"]], body["messages"], "push", g.request_id, key)
            if key:
                state.accept_retry_key(key, g.request_id, sent)
        return jsonify({"sentMessages": sent})

    @app.post("/v2/bot/message/multicast")
    def multicast() -> Any:
        key, err = retry_key_header()
        if err:
            return err
        body, err = json_body("MulticastRequest")
        if err:
            return err
        bad = [i for i, to in enumerate(body["to"]) if not RECIPIENT.match(to) or to[0] != "U"]
        if bad:
            return _bad_request([ErrorDetail("Invalid user id", f"to[{i}]") for i in bad])
        with state.lock:
            conflict = already_accepted(key, with_sent=False)
            if conflict:
                return conflict
            sent = state.deliver(body["to"], body["messages"], "multicast", g.request_id, key)
            if key:
                state.accept_retry_key(key, g.request_id, sent)
        return jsonify({})

    @app.get("/v2/bot/profile/<user_id>")
    def profile(user_id: str) -> Any:
        user = state.users.get(user_id)
        if user is None:
            return _error(404, "Not found")
        return jsonify({"userId": user.user_id, "displayName": user.name, "language": "th"})

    @app.get("/v2/bot/message/<message_id>/content")
    def message_content(message_id: str) -> Any:
        content = state.contents.get(message_id)
        if content is None:
            return _error(404, "Not found")
        data, content_type = content
        return Response(data, mimetype=content_type)

    @app.post("/v2/bot/chat/loading/start")
    def loading_start() -> Any:
        body, err = json_body("ShowLoadingAnimationRequest")
        if err:
            return err
        seconds = body.get("loadingSeconds", 20)
        if seconds % 5:
            return _bad_request([ErrorDetail("Must be a multiple of 5", "loadingSeconds")])
        user = state.users.get(body["chatId"])
        if user is not None:
            user.loading_until = time.time() + seconds
        return jsonify({}), 202

    # Messaging API: rich menus ----------------------------------------------------------
    @app.post("/v2/bot/richmenu")
    def create_rich_menu() -> Any:
        body, err = json_body("RichMenuRequest")
        if err:
            return err
        menu = RichMenu("richmenu-" + uuid.uuid4().hex, body)
        with state.lock:
            state.rich_menus[menu.rich_menu_id] = menu
        return jsonify({"richMenuId": menu.rich_menu_id})

    @app.get("/v2/bot/richmenu/list")
    def list_rich_menus() -> Any:
        with state.lock:
            menus = [_rich_menu_public(m) for m in state.rich_menus.values()]
        return jsonify({"richmenus": menus})

    @app.get("/v2/bot/richmenu/<rich_menu_id>")
    def get_rich_menu(rich_menu_id: str) -> Any:
        menu = state.rich_menus.get(rich_menu_id)
        if menu is None:
            return _error(404, "Not found")
        return jsonify(_rich_menu_public(menu))

    @app.delete("/v2/bot/richmenu/<rich_menu_id>")
    def delete_rich_menu(rich_menu_id: str) -> Any:
        with state.lock:
            if state.rich_menus.pop(rich_menu_id, None) is None:
                return _error(404, "Not found")
            if state.default_rich_menu == rich_menu_id:
                state.default_rich_menu = None
        return jsonify({})

    @app.post("/v2/bot/richmenu/<rich_menu_id>/content")
    def upload_rich_menu_image(rich_menu_id: str) -> Any:
        content_type = (request.mimetype or "").lower()
        with state.lock:
            menu = state.rich_menus.get(rich_menu_id)
            if menu is None:
                return _error(404, "Not found")
            if content_type not in ("image/png", "image/jpeg"):
                return _error(415, "Unsupported media type; use image/png or image/jpeg")
            if menu.image is not None:
                return _error(400, "An image has already been uploaded to the richmenu")
            menu.image = request.get_data(cache=True)
            menu.image_type = content_type
        return jsonify({})

    @app.get("/v2/bot/richmenu/<rich_menu_id>/content")
    def download_rich_menu_image(rich_menu_id: str) -> Any:
        menu = state.rich_menus.get(rich_menu_id)
        if menu is None or menu.image is None:
            return _error(404, "Not found")
        return Response(menu.image, mimetype=menu.image_type)

    @app.post("/v2/bot/user/all/richmenu/<rich_menu_id>")
    def set_default_rich_menu(rich_menu_id: str) -> Any:
        with state.lock:
            menu = state.rich_menus.get(rich_menu_id)
            if menu is None:
                return _error(404, "richmenu not found")
            if menu.image is None:
                return _error(400, "must upload richmenu image before applying it to user")
            state.default_rich_menu = rich_menu_id
        return jsonify({})

    @app.get("/v2/bot/user/all/richmenu")
    def get_default_rich_menu() -> Any:
        if state.default_rich_menu is None:
            return _error(404, "no default richmenu")
        return jsonify({"richMenuId": state.default_rich_menu})

    @app.delete("/v2/bot/user/all/richmenu")
    def clear_default_rich_menu() -> Any:
        state.default_rich_menu = None
        return jsonify({})

    # Webhooks on behalf of users --------------------------------------------------------
    def send_event(
        event: dict[str, Any], user_id: str | None, display_text: str | None = None
    ) -> SentEvent:
        sent = state.record_event(event, user_id, display_text)
        sent.status = post_event(sent)
        return sent

    def post_event(sent: SentEvent) -> int:
        # No lock held here: the bot calls the Messaging API back before answering.
        body = webhook.webhook_body(config.destination, [sent.event])
        status, text = webhook.post(
            config.webhook_url, body, webhook.sign(config.channel_secret, body)
        )
        with state.lock:
            sent.response = text
            sent.deliveries.append(
                {"status": status, "time": time.time(), "body": body.decode("utf-8")}
            )
        return status

    def sim_user(user_id: str) -> Any:
        user = state.users.get(user_id)
        if user is None:
            return None, _error(404, f"Unknown user {user_id}")
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

    @app.post("/sim/api/users")
    def sim_create_user() -> Any:
        payload = request.get_json(silent=True) or {}
        name = str(payload.get("name") or "").strip() or "ผู้ใช้ทดสอบ"
        user = state.create_user(name[:20])
        return jsonify(user.public()), 201

    @app.get("/sim/api/users")
    def sim_users() -> Any:
        with state.lock:
            users = [u.public() for u in state.users.values()]
        return jsonify({"users": users})

    @app.get("/sim/api/users/<user_id>")
    def sim_get_user(user_id: str) -> Any:
        user, err = sim_user(user_id)
        return err or jsonify(user.public())

    @app.post("/sim/api/users/<user_id>/text")
    def sim_text(user_id: str) -> Any:
        user, err = sim_user(user_id)
        if err:
            return err
        payload = request.get_json(silent=True) or {}
        text = payload.get("text")
        if not isinstance(text, str) or not text:
            return _error(400, "text is required")
        event = webhook.text_event(user.user_id, text, state.issue_reply_token(user.user_id))
        return event_result(send_event(event, user.user_id))

    @app.post("/sim/api/users/<user_id>/postback")
    def sim_postback(user_id: str) -> Any:
        user, err = sim_user(user_id)
        if err:
            return err
        payload = request.get_json(silent=True) or {}
        data = payload.get("data")
        if not isinstance(data, str):
            return _error(400, "data is required")
        event = webhook.postback_event(
            user.user_id, data, state.issue_reply_token(user.user_id), payload.get("params")
        )
        display = payload.get("displayText")
        display = display if isinstance(display, str) and display else None
        return event_result(send_event(event, user.user_id, display))

    @app.post("/sim/api/users/<user_id>/follow")
    def sim_follow(user_id: str) -> Any:
        user, err = sim_user(user_id)
        if err:
            return err
        unblocked = user.followed is False
        user.followed = True
        event = webhook.follow_event(
            user.user_id, state.issue_reply_token(user.user_id), is_unblocked=unblocked
        )
        return event_result(send_event(event, user.user_id))

    @app.post("/sim/api/users/<user_id>/unfollow")
    def sim_unfollow(user_id: str) -> Any:
        user, err = sim_user(user_id)
        if err:
            return err
        user.followed = False
        return event_result(send_event(webhook.unfollow_event(user.user_id), user.user_id))

    @app.post("/sim/api/users/<user_id>/image")
    def sim_image(user_id: str) -> Any:
        user, err = sim_user(user_id)
        if err:
            return err
        message_id = webhook.new_message_id()
        with state.lock:
            state.contents[message_id] = (
                request.get_data(cache=True),
                request.mimetype or "image/jpeg",
            )
        event = webhook.image_event(user.user_id, message_id, state.issue_reply_token(user.user_id))
        return event_result(send_event(event, user.user_id))

    @app.get("/sim/api/users/<user_id>/messages")
    def sim_messages(user_id: str) -> Any:
        since = request.args.get("since", 0, type=int)
        return jsonify({"messages": state.messages(user_id, since)})

    @app.get("/sim/api/users/<user_id>/events")
    def sim_events(user_id: str) -> Any:
        return jsonify({"events": [e.public() for e in state.events_of(user_id)]})

    @app.get("/sim/api/users/<user_id>/conversation")
    def sim_conversation(user_id: str) -> Any:
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

    @app.get("/sim/api/events/<event_id>")
    def sim_event(event_id: str) -> Any:
        sent = state.events.get(event_id)
        if sent is None:
            return _error(404, f"Unknown event {event_id}")
        return jsonify(sent.public())

    @app.post("/sim/api/events/<event_id>/redeliver")
    def sim_redeliver(event_id: str) -> Any:
        original = state.events.get(event_id)
        if original is None:
            return _error(404, f"Unknown event {event_id}")
        # LINE redelivers the original event (same webhookEventId) flagged as a redelivery.
        event = copy.deepcopy(original.event)
        event["deliveryContext"] = {"isRedelivery": True}
        redelivery = SentEvent(original.seq, event, original.user_id, time.time())
        status = post_event(redelivery)
        with state.lock:
            original.deliveries.extend(redelivery.deliveries)
        return jsonify({"status": status, "eventId": event_id, "event": event})

    @app.post("/sim/api/raw")
    def sim_raw() -> Any:
        body = request.get_data(cache=True)
        if request.headers.get("X-Sim-Sign") == "1":
            signature: str | None = webhook.sign(config.channel_secret, body)
        else:
            signature = request.headers.get("X-Sim-Signature")
        status, text = webhook.post(config.webhook_url, body, signature)
        return jsonify({"status": status, "response": text})

    @app.get("/sim/api/calls")
    def sim_calls() -> Any:
        prefix = request.args.get("path_prefix") or ""
        with state.lock:
            calls = [c for c in state.calls if c["path"].startswith(prefix)]
        return jsonify({"calls": calls})

    @app.get("/sim/api/faults")
    def sim_faults() -> Any:
        return jsonify({"faults": state.faults_public()})

    @app.post("/sim/api/faults")
    def sim_add_fault() -> Any:
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
            return _error(400, f"Invalid fault: {exc}")
        if fault.mode not in FAULT_MODES:
            return _error(400, f"mode must be one of {', '.join(FAULT_MODES)}")
        if fault.mode != "timeout" and not 400 <= fault.status <= 599:
            return _error(400, "status must be 4xx or 5xx")
        state.add_fault(fault)
        return jsonify({"faults": state.faults_public()}), 201

    @app.delete("/sim/api/faults")
    def sim_clear_faults() -> Any:
        with state.lock:
            state.faults.clear()
        return jsonify({"faults": []})

    @app.post("/sim/api/reset")
    def sim_reset() -> Any:
        state.reset()
        return jsonify({"ok": True})

    @app.get("/sim/api/config")
    def sim_config() -> Any:
        return jsonify(
            {
                "webhookUrl": config.webhook_url,
                "adminUrl": config.admin_url,
                "destination": config.destination,
                "replyTokenTtl": state.reply_token_ttl,
            }
        )

    @app.post("/sim/api/config")
    def sim_set_config() -> Any:
        payload = request.get_json(silent=True) or {}
        if payload.get("webhookUrl"):
            config.webhook_url = str(payload["webhookUrl"])
        if "adminUrl" in payload:
            config.admin_url = payload["adminUrl"] or None
        if payload.get("replyTokenTtl") is not None:
            state.reply_token_ttl = float(payload["replyTokenTtl"])
        return sim_config()

    @app.get("/sim/api/richmenu")
    def sim_rich_menu() -> Any:
        with state.lock:
            menu = state.rich_menus.get(state.default_rich_menu or "")
            if menu is None:
                return jsonify({"richMenu": None})
            return jsonify(
                {
                    "richMenu": _rich_menu_public(menu),
                    "image": f"/sim/api/richmenu/{menu.rich_menu_id}/image" if menu.image else None,
                }
            )

    @app.get("/sim/api/richmenu/<rich_menu_id>/image")
    def sim_rich_menu_image(rich_menu_id: str) -> Any:
        menu = state.rich_menus.get(rich_menu_id)
        if menu is None or menu.image is None:
            return _error(404, "Not found")
        return Response(menu.image, mimetype=menu.image_type)

    # Chat page --------------------------------------------------------------------------
    @app.get("/")
    def chat_page() -> Any:
        template = (HERE / "chat.html").read_text(encoding="utf-8")
        return render_template_string(template, admin_url=config.admin_url)

    @app.get("/favicon.ico")
    def favicon() -> Any:
        return "", 204

    @app.get("/sim/static/<name>")
    def static_file(name: str) -> Any:
        if name not in ("chat.js", "chat.css"):
            return _error(404, "Not found")
        response = send_file(HERE / name, max_age=0)
        return response

    return app


def _rich_menu_public(menu: RichMenu) -> dict[str, Any]:
    return {"richMenuId": menu.rich_menu_id, **menu.body}


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
