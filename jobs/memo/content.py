"""What the memo says: every sentence and cell, built once from the plan and the store.

Both outputs (the typst PDF and the python-docx DOCX) draw the same `Document`, so the two can
never disagree on wording, numbering or digits. Everything here is plain JSON-able data; the
typst template reads it with `json()`, so no user text is ever parsed as typst markup.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from core.texts import memo as memo_texts
from core.thai import thai_date, to_thai_digits
from core.values import DONE, IN_PROGRESS, NOT_STARTED
from jobs.memo.fonts import covered
from store.plan_schema import Plan

APPROVE = "approve"
REJECT = "reject"
DECISIONS = (APPROVE, REJECT)

# Column order of the results table; the index is the column that holds the "/".
STATUS_COLUMNS = (NOT_STARTED, IN_PROGRESS, DONE)
# the memo's fixed wording lives in core/texts/memo.py; these names stay importable from here
STATUS_HEADINGS = memo_texts.STATUS_HEADINGS
STATUS_HEADING_LINES = memo_texts.STATUS_HEADING_LINES
PLAN_HEADINGS = memo_texts.PLAN_HEADINGS
RESULT_HEADINGS = memo_texts.RESULT_HEADINGS
MEASURES_HEADING = memo_texts.MEASURES_HEADING
RESULTS_HEADING = memo_texts.RESULTS_HEADING
ITA_NAME = memo_texts.ITA_NAME

log = logging.getLogger(__name__)

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_STEP_SPLIT = re.compile(r"\s*(?:;|\n)\s*")
_LEADING_BULLET = re.compile(r"^[-•–]\s*")


@dataclass(frozen=True)
class StepRecord:
    position: str
    name: str
    comment: str | None = None  # None until the step has acted
    decided_at: datetime | None = None  # aware datetime
    decision: str | None = None  # "approve" | "reject" | None


def clean(text: str | None) -> str:
    """User text as the memo prints it: NFC, Thai digits (URLs excepted), tidy whitespace.

    Phones send format characters (ZWSP, ZWJ, variation selectors) and some keyboards type
    sara am as nikhahit + sara aa; both are normalised so the shaping and the search work.
    Characters Sarabun cannot draw (emoji sent from LINE, mostly) are dropped: typst would draw
    an empty box without a warning, and an official memo carries no emoji.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    drawable = covered()
    kept, dropped = [], []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n":
            kept.append(char)
        elif category in ("Zs", "Cc") or char == "\t":
            kept.append(" ")
        elif category == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F:
            continue
        elif ord(char) in drawable:
            kept.append(char)
        else:
            dropped.append(char)
    if dropped:
        log.warning("memo: dropped characters the font cannot draw: %r", "".join(dropped))
    text = "".join(kept).replace(memo_texts.SARA_AM_SPLIT, memo_texts.SARA_AM)
    text = "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    # ๆ and ฯ never begin a line, nor a number after ที่ / ข้อ: bind them with a no-break space
    text = re.sub(memo_texts.BIND_MARK_BEFORE, "\u00a0\\1", text)
    text = re.sub(memo_texts.BIND_NUMBER_AFTER, "\\1\u00a0", text)
    return thai_digits_outside_urls(text)


def thai_digits_outside_urls(text: str) -> str:
    """Thai digits everywhere except inside links, which must stay clickable and exact."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(to_thai_digits(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(to_thai_digits(text[last:]))
    return "".join(out)


def step_lines(steps: str) -> list[str]:
    """The plan writes several steps separated by ';' or new lines; each becomes a '- ' line."""
    parts = [_LEADING_BULLET.sub("", p).strip() for p in _STEP_SPLIT.split(steps.strip())]
    parts = [clean(p) for p in parts if p.strip()]
    if len(parts) <= 1:
        return parts
    return [f"- {p}" for p in parts]


def thai_number(value: int | str) -> str:
    return to_thai_digits(value)


def score_text(score: float) -> str:
    return to_thai_digits(f"{score:.2f}")


def office_unit(plan: Plan) -> str:
    """'สำนักปลัด' out of 'สำนักปลัด องค์การบริหารส่วนตำบลนาพู่': the unit that writes the memo."""
    office = plan.memo.office.strip()
    name = plan.org.name.strip()
    if office.endswith(name) and office != name:
        return office[: -len(name)].strip()
    return office


def org_full(plan: Plan) -> str:
    parts = [plan.org.name, plan.org.district, plan.org.province]
    return " ".join(p.strip() for p in parts if p and p.strip())


def _local_date(moment: datetime, plan: Plan) -> date:
    if moment.tzinfo is None:  # documented as aware; a naive one is read as plan-local time
        return moment.date()
    return moment.astimezone(plan.tz).date()


def _with_decision(word: str, comment: str) -> str:
    if not comment:
        return word
    if comment.startswith(word):  # the reviewer typed the decision word already
        return comment
    return f"{word} {comment}"


def build_document(
    plan: Plan,
    memo_date: date,
    version: int,
    measure_status: dict[str, str],
    notes: dict[str, list[str]],
    chain: list[StepRecord],
    final: bool,
) -> dict[str, Any]:
    """The memo as data: header fields, paragraphs, table rows and signature blocks.

    A measure missing from `measure_status` is reported as not started (nobody has reported).
    Raises ValueError when the chain does not match the plan or a status/decision is unknown.
    """
    _check_chain(plan, chain)
    m = plan.memo
    unit = clean(office_unit(plan))
    org_name = clean(plan.org.name)
    full = clean(org_full(plan))
    intro, ita, closing = _paragraphs(plan, unit, org_name, full)
    plan_rows, result_rows = _table_rows(plan, measure_status, notes)
    reviews = [_review(record, plan) for record in chain[:-1]]
    approval = _approval(chain[-1], plan)
    return {
        "title": memo_texts.TITLE,
        "emblem": _emblem(plan),
        "office": clean(m.office),
        "phone": clean(m.phone),
        "ref": clean(m.ref),
        "date": thai_date(memo_date),
        "subject": clean(m.subject),
        "to": clean(m.to),
        "intro": intro,
        "measures_heading": MEASURES_HEADING,
        "plan_headings": list(PLAN_HEADINGS),
        "plan_rows": plan_rows,
        "ita": ita,
        "results_heading": [RESULTS_HEADING, memo_texts.RESULTS_HEADING_ORG.format(org=full)],
        "result_headings": list(RESULT_HEADINGS),
        "status_headings": [list(lines) for lines in STATUS_HEADING_LINES],
        "result_rows": result_rows,
        "closing": closing,
        "author": {"name": clean(m.author.name), "position": clean(m.author.position)},
        "reviews": reviews,
        "approval": approval,
        "version_label": _version_label(version, chain, final),
        "flow": _flow(intro, ita, closing, reviews),
        "meta": {"title": clean(m.subject), "author": clean(m.author.name)},
    }


def _check_chain(plan: Plan, chain: list[StepRecord]) -> None:
    """ValueError unless `chain` has one record per plan step, each with a known decision."""
    if len(chain) != len(plan.chain):
        raise ValueError(f"chain has {len(chain)} records; the plan has {len(plan.chain)} steps")
    for record in chain:
        if record.decision is not None and record.decision not in DECISIONS:
            raise ValueError(f"unknown decision {record.decision!r} for {record.position}")


def _paragraphs(plan: Plan, unit: str, org_name: str, full: str) -> tuple[str, str, str]:
    """The body's three paragraphs: the intro, the ITA result and the closing request."""
    m = plan.memo
    year = m.assessed_year
    # The analysis memo's item that set the measures ("ไว้ในข้อ ๖"), when the plan names it.
    item = (
        memo_texts.ANALYSIS_ITEM.format(item=thai_number(m.analysis_memo_item))
        if m.analysis_memo_item
        else ""
    )
    intro = memo_texts.INTRO.format(
        unit=unit,
        ita=ITA_NAME,
        year=thai_number(year),
        item=item,
        org=org_name,
        analysis_date=thai_date(m.analysis_memo_date),
    )
    ita = memo_texts.ITA_PARAGRAPH.format(
        ita=ITA_NAME,
        year=thai_number(year),
        org_full=full,
        score=score_text(m.ita_score),
        level=m.ita_level,
        next_year=thai_number(year + 1),
        unit=unit,
    )
    closing = memo_texts.CLOSING
    if m.website_request:
        closing += memo_texts.CLOSING_WEBSITE.format(org=org_name)
    return intro, ita, closing


def _table_rows(
    plan: Plan, measure_status: dict[str, str], notes: dict[str, list[str]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of the plan table and of the results table, one per measure each."""
    plan_rows = []
    result_rows = []
    for measure in plan.measures:
        label = f"({thai_number(measure.id)}) {clean(measure.title)}"
        steps = step_lines(measure.steps)
        plan_rows.append(
            {
                "measure": label,
                "steps": steps,
                "owners": [clean(o) for o in dict.fromkeys(measure.owners)],
                "monitoring": clean(measure.monitoring) or "-",
            }
        )
        status = measure_status.get(measure.id, NOT_STARTED)
        if status not in STATUS_COLUMNS:
            raise ValueError(f"unknown status {status!r} for measure {measure.id}")
        evidence = list(dict.fromkeys(c for c in map(clean, notes.get(measure.id, [])) if c))
        result_rows.append(
            {
                "measure": label,
                "steps": steps,
                "column": STATUS_COLUMNS.index(status),
                "notes": [f"({n})" for n in evidence],
            }
        )
    return plan_rows, result_rows


def _review(record: StepRecord, plan: Plan) -> dict[str, str]:
    """A reviewer's block: the heading, the comment with its decision word, name, date."""
    comment = clean(record.comment)
    if record.decision == REJECT:
        text = _with_decision(memo_texts.DISAGREE, comment)
    elif record.decision == APPROVE:
        text = _with_decision(memo_texts.AGREE, comment)
    else:
        text = ""
    return {
        "heading": memo_texts.REVIEW_HEADING.format(position=clean(record.position)),
        "text": text,
        "name": clean(record.name),
        "position": clean(record.position),
        "date": thai_date(_local_date(record.decided_at, plan)) if record.decided_at else "",
    }


def _approval(last: StepRecord, plan: Plan) -> dict[str, str]:
    """The last step's block: its decision, the reason or remark, name and date."""
    last_comment = clean(last.comment)
    return {
        "decision": last.decision or "",
        # the reason follows เนื่องจาก only on a rejection; an approving remark goes below
        "reason": last_comment if last.decision == REJECT else "",
        "remark": last_comment if last.decision == APPROVE else "",
        "name": clean(last.name),
        "position": clean(last.position),
        "date": thai_date(_local_date(last.decided_at, plan)) if last.decided_at else "",
    }


def _version_label(version: int, chain: list[StepRecord], final: bool) -> str:
    """The footer's version label, marked as a draft while not final and some step has not acted."""
    all_acted = all(r.decision is not None for r in chain)
    draft = not final and not all_acted
    label = memo_texts.VERSION_LABEL.format(version=thai_number(version))
    return label + (memo_texts.DRAFT_SUFFIX if draft else "")


_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
_CLOSING = re.compile(r"^[)\]}.,:;!?\"'”’]+$")


@lru_cache(maxsize=4096)  # the same headings and paragraphs, memo after memo
def first_word(line: str) -> str:
    """The first word of a line of memo text, for the continuation word (คำต่อหน้า).

    The line's first chunk between spaces (punctuation alone, as the "/" ticking a box, is
    skipped) if it has no Thai letters ("(๔)", "IT"); else the
    chunk's first dictionary word (PyThaiNLP newmm), with the punctuation around it and a
    following การ / ความ: "(ลงชื่อ)", "มาตรการ", "ผลการ" (as the seed memo writes it).
    """
    # a chunk of punctuation only (the "/" ticking a box) is not a word
    chunks = [c for c in line.split() if any(ch.isalnum() for ch in c)]
    if not chunks:
        return ""
    chunk = chunks[0]
    if not _THAI_LETTER.search(chunk):
        return chunk
    from pythainlp.tokenize import word_tokenize  # loaded once per process (the worker preloads)

    tokens = word_tokenize(chunk, engine="newmm", keep_whitespace=False)
    word, i = "", 0
    while i < len(tokens) and not _THAI_LETTER.search(tokens[i]):
        word += tokens[i]
        i += 1
    if i < len(tokens):
        word += tokens[i]
        i += 1
    if i < len(tokens) and len(word) <= 4:
        prefix = next((p for p in memo_texts.NOUN_PREFIXES if tokens[i].startswith(p)), None)
        if prefix:
            word += prefix
            i += len(tokens[i]) == len(prefix)
    while i < len(tokens) and _CLOSING.match(tokens[i]):
        word += tokens[i]
        i += 1
    return word


def continuation_text(line: str) -> str:
    """คำต่อหน้า for the page before the one whose top line is `line`: "/ผลการ..."."""
    word = first_word(line)
    return f"/{word}..." if word else ""


def _emblem(plan: Plan) -> dict[str, str] | None:
    """The emblem's kind and the file name typst reads it by (render.py writes the file)."""
    emblem = plan.memo.emblem
    if emblem is None:
        return None
    digest = hashlib.sha256(emblem.data.encode("ascii")).hexdigest()[:16]
    return {"format": emblem.format, "file": f"emblem-{digest}.{emblem.format}"}


def _flow(intro: str, ita: str, closing: str, reviews: list[dict[str, str]]) -> dict[str, Any]:
    """Each flow item's kind and first word, for the continuation word of the page before it
    (memo.typ: a table running onto a page begins it with its header again)."""
    items = {
        "intro": ("text", intro),
        "measures_heading": ("block", MEASURES_HEADING),
        "plan": ("table", PLAN_HEADINGS[0]),
        "ita": ("text", ita),
        "results_heading": ("block", RESULTS_HEADING),
        "results": ("table", RESULT_HEADINGS[0]),
        "closing": ("block", closing),
        **{f"review-{j}": ("block", review["heading"]) for j, review in enumerate(reviews)},
        "approval": ("block", memo_texts.APPROVAL_WORD),
    }
    return {key: {"kind": kind, "word": first_word(text)} for key, (kind, text) in items.items()}


def document_strings(doc: Any) -> list[str]:
    """Every string in the document model (the tests check Sarabun can draw them all)."""
    if isinstance(doc, str):
        return [doc]
    if isinstance(doc, dict):
        return [s for v in doc.values() for s in document_strings(v)]
    if isinstance(doc, list):
        return [s for v in doc for s in document_strings(v)]
    return []
