"""Messages about memo versions: the reviewer's request, the final links."""

from __future__ import annotations

from typing import Any

from bot import messages as m
from bot import texts
from bot.config import Settings
from bot.files import file_url
from bot.thai import to_thai_digits
from store.plan import Plan
from store.status import Matrix


def summary_bubble(plan: Plan, matrix: Matrix, version: int, memo_date: str, buttons: list[dict[str, Any]]) -> dict:
    counts = matrix.counts()
    rows: list[dict[str, Any]] = []
    for measure in plan.measures:
        status = matrix.measure_status(measure.id)
        rows.append(m.label_text(f"{texts.measure_ref(measure.id)} {measure.short_title or measure.title}",
                                 size="xs", weight="bold"))
        rows.append(m.progress_bar(matrix.progress(measure.id), m.COLOR[status]))
        rows.append(m.label_text(texts.STATUS_LABEL[status], size="xxs", color=m.COLOR[status]))
    counts_line = (
        f"เสร็จ {to_thai_digits(counts['done'])} · กำลังดำเนินการ {to_thai_digits(counts['in_progress'])}"
        f" · ยังไม่เริ่ม {to_thai_digits(counts['not_started'])}"
    )
    return {
        "type": "bubble",
        "size": "mega",
        "header": {"type": "box", "layout": "vertical", "contents": [
            m.label_text("บันทึกข้อความ รายงานผลมาตรการ ITA", size="md", weight="bold"),
            m.label_text(f"{plan.org.name}\n{texts.version_label(version)} · ลงวันที่ {memo_date}", size="xs",
                         color="#666666"),
            m.label_text(counts_line, size="xs"),
        ]},
        "body": {"type": "box", "layout": "vertical", "spacing": "xs", "contents": rows},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }


def review_request(settings: Settings, plan: Plan, matrix: Matrix, version: int, memo_date: str, step: int,
                   approve_data: str, reject_data: str) -> list[dict[str, Any]]:
    last = step == len(plan.chain) - 1
    position = plan.chain[step].position
    buttons = [
        m.uri_button(texts.OPEN_PDF, file_url(settings, plan.org.id, version, "pdf"), style="link"),
        m.postback_button(texts.APPROVE[last], approve_data, style="primary", color="#1DB446",
                          display=texts.APPROVE[last]),
        m.postback_button(texts.REJECT[last], reject_data, style="secondary", display=texts.REJECT[last]),
    ]
    png = file_url(settings, plan.org.id, version, "png")
    return [
        m.text(texts.review_request(plan.org.name, version, position, memo_date)),
        m.image(png, png),
        m.flex(texts.review_request(plan.org.short_name, version, position, memo_date),
               summary_bubble(plan, matrix, version, memo_date, buttons)),
    ]


def final_links(settings: Settings, plan: Plan, version: int, headline: str) -> list[dict[str, Any]]:
    png = file_url(settings, plan.org.id, version, "png")
    bubble = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": [m.label_text(headline, size="sm", weight="bold")]},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            m.uri_button(texts.OPEN_PDF, file_url(settings, plan.org.id, version, "pdf"), style="primary"),
            m.uri_button(texts.OPEN_DOCX, file_url(settings, plan.org.id, version, "docx")),
        ]},
    }
    return [m.image(png, png), m.flex(headline, bubble)]
