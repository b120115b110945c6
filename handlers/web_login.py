"""เข้าสู่ระบบ: a one-time, 10-minute sign-in link for the web page, for admins and reviewers."""

from __future__ import annotations

from core.texts import chat as texts
from core.thai import to_thai_digits
from handlers.context import Context
from line import messages as m
from store import sessions


def send_link(ctx: Context, text: str = "") -> None:
    person = ctx.person
    if person is None or not (person.admin or person.positions):
        ctx.reply(m.text(texts.LOGIN_REFUSED))
        return
    ttl = ctx.settings.login_link_ttl
    token = sessions.create_login_token(ctx.r, ctx.org, ctx.user_id, ttl)
    url = f"{ctx.settings.public_base_url}/login/{ctx.org}/{token}"
    minutes = max(1, ttl // 60)
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                m.label_text(texts.LOGIN_TEXT.format(minutes=to_thai_digits(minutes)), size="sm"),
            ],
        },
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                m.uri_button(texts.LOGIN_BUTTON, url, style="primary"),
            ],
        },
    }
    ctx.reply(m.flex(texts.LOGIN_TEXT.format(minutes=to_thai_digits(minutes)), bubble))
