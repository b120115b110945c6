"""Messages about memo versions: the reviewer's request, the final links."""

from __future__ import annotations

from typing import Any

from core.config import Settings
from core.file_links import file_url
from core.texts import chat as texts
from line import messages as m
from line.progress_bubble import progress_bubble
from store.plan_schema import Plan
from store.status import Matrix


def summary_bubble(
    plan: Plan, matrix: Matrix, version: int, memo_date: str, buttons: list[dict[str, Any]]
) -> dict:
    sub = texts.memo_dated(version, memo_date)
    return progress_bubble(plan, matrix, texts.MEMO_HEADING, [plan.org.name, sub], buttons)


def review_request(
    settings: Settings,
    plan: Plan,
    matrix: Matrix,
    version: int,
    memo_date: str,
    step: int,
    approve_data: str,
    reject_data: str,
) -> list[dict[str, Any]]:
    last = step == len(plan.chain) - 1
    position = plan.chain[step].position
    buttons = [
        m.uri_button(texts.OPEN_PDF, file_url(settings, plan.org.id, version, "pdf"), style="link"),
        m.postback_button(
            texts.APPROVE[last],
            approve_data,
            style="primary",
            color="#1DB446",
            display=texts.APPROVE[last],
        ),
        m.postback_button(
            texts.REJECT[last], reject_data, style="secondary", display=texts.REJECT[last]
        ),
    ]
    png = file_url(settings, plan.org.id, version, "png")
    return [
        m.text(texts.review_request(plan.org.name, version, position, memo_date)),
        m.image(png, png),
        m.flex(
            texts.review_request(plan.org.short_name, version, position, memo_date),
            summary_bubble(plan, matrix, version, memo_date, buttons),
        ),
    ]


def final_links(
    settings: Settings, plan: Plan, version: int, headline: str
) -> list[dict[str, Any]]:
    png = file_url(settings, plan.org.id, version, "png")
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [m.label_text(headline, size="sm", weight="bold")],
        },
        "footer": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                m.uri_button(
                    texts.OPEN_PDF, file_url(settings, plan.org.id, version, "pdf"), style="primary"
                ),
                m.uri_button(texts.OPEN_DOCX, file_url(settings, plan.org.id, version, "docx")),
            ],
        },
    }
    return [m.image(png, png), m.flex(headline, bubble)]
