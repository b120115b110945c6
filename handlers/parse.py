"""Understand a staff member's Thai free-text status report (docs/PRODUCT.md 3.3).

The parser never guesses: when the measure, the status or how they pair is unclear it returns a
`problem` and no updates, so the caller asks back with quick replies.

It works in passes over one normalised copy of the message whose length never changes, so a
span found on it also cuts the same text out of the original (notes keep the user's digits).
Each recognised piece is blanked with NUL, which no later pattern crosses:

1. evidence notes: URLs, "(…)" that is not a measure number, "ตรวจสอบใน…", "หลักฐาน: …";
2. ทุกข้อ / ข้อที่เหลือ, then measure numbers after ข้อ / มาตรการที่ / "(…)" / "1." at a line start,
   with lists ("1, 2 และ 3") and ranges ("1-3", "๑ ถึง ๓");
3. percentages ("ทำไปแล้ว 60%"), then bare numbers right before a status word ("2 กำลังทำ");
4. status words, negated and question forms first ("ยังไม่เสร็จ" is in progress);
5. whatever is left is matched against word-aligned fragments of the measure titles.

Measure mentions and statuses then form alternating runs that are paired (handlers/parse_pairing.py).
Only regexes run per message; pythainlp is loaded once per plan to cut the titles into words
(handlers/parse_titles.py). The patterns are in handlers/parse_vocab.py.
"""

from __future__ import annotations

from core.values import DONE, IN_PROGRESS, NOT_STARTED
from handlers import parse_vocab as v
from handlers.parse_pairing import (
    AMBIGUOUS_MEASURE,
    CONFLICT,
    NO_MEASURE,
    NO_STATUS,
    UNKNOWN_MEASURE,
    Item,
    Mention,
    ParsedReport,
    pair,
)
from handlers.parse_titles import MeasureRef, title_index, title_mentions

__all__ = [
    "AMBIGUOUS_MEASURE",
    "CONFLICT",
    "NO_MEASURE",
    "NO_STATUS",
    "UNKNOWN_MEASURE",
    "MeasureRef",
    "ParsedReport",
    "looks_like_report",
    "parse_report",
]


def _blank(work: list[str], start: int, end: int) -> None:
    work[start:end] = "\x00" * (end - start)


def _numbers(listing: str, known: list[str]) -> Mention:
    """The measure numbers of "1, 2 และ 3", "1-3", "๑ ถึง ๓", "สองกับสาม"."""
    mention = Mention()
    last = int(known[-1]) if known and known[-1].isdigit() else 0
    values: list[int] = []
    conn = None
    for token in v.LIST_TOKEN_RX.finditer(listing):
        if token["conn"]:
            conn = token["conn"]
            continue
        value = v.word_value(token["tok"], last)
        if value is None:
            continue
        if conn in ("-", "ถึง", "to") and values and values[-1] < value <= values[-1] + 50:
            values.extend(range(values[-1] + 1, value + 1))
        else:
            values.append(value)
        mention.either |= conn == "หรือ"
        conn = None
    for value in values:
        target = mention.ids if str(value) in known else mention.unknown
        if str(value) not in target:
            target.append(str(value))
    return mention


def _span_end(norm: str, start: int, stop_at_status: bool) -> int:
    """Where a note that starts at `start` ends: the line, the next measure, the next status."""
    end = norm.find("\n", start)
    end = len(norm) if end < 0 else end
    for rx in (v.ANCHOR_RX, v.STATUS_RX) if stop_at_status else (v.ANCHOR_RX,):
        hit = rx.search(norm, start, end)
        if hit:
            end = hit.start()
    return end


def _clean_note(text: str) -> str:
    return v.NOTE_LEAD.sub("", v.NOTE_TRIM.sub("", text.strip())).strip()


def _extract_notes(prepared: str, norm: str, work: list[str]) -> list[tuple[int, str]]:
    notes: list[tuple[int, str]] = []
    for url in v.URL_RX.finditer(norm):
        end = url.end()
        while end > url.start() and norm[end - 1] in ".,;:!?":
            end -= 1
        notes.append((url.start(), prepared[url.start() : end]))
        _blank(work, url.start(), end)
    for paren in v.PAREN_RX.finditer(norm):
        inner = paren.group(1)
        if v.PAREN_NUMBERS.fullmatch(inner):  # "(๓)" names a measure: let the anchor pass read it
            work[paren.start()] = "#"
            work[paren.end() - 1] = " "
        elif v.STATUS_RX.search(inner) or v.PERCENT_RX.search(inner) or v.ANCHOR_RX.search(inner):
            work[paren.start()] = work[paren.end() - 1] = " "
        else:
            text = _clean_note(prepared[paren.start() + 1 : paren.end() - 1])
            if text and v.HAS_LETTER.search(text):
                notes.append((paren.start(), text))
            _blank(work, paren.start(), paren.end())
    current = "".join(work)
    pos = 0
    while hit := v.NOTE_RX.search(current, pos):
        start = hit.end() if hit["label"] else hit.start()
        end = _span_end(current, hit.end(), stop_at_status=True)
        inner = [u for u in notes if hit.start() <= u[0] < end]
        text = _clean_note(prepared[start:end])
        if text and v.HAS_LETTER.search(text):
            notes[:] = [n for n in notes if n not in inner]  # a URL inside the phrase is part of it
            notes.append((hit.start(), text))
            _blank(work, hit.start(), end)
        pos = max(end, hit.end())
    return sorted(notes)


def _reference_pass(work: list[str], known: list[str], items: list[Item]) -> None:
    """ทุกข้อ / ข้อที่เหลือ, then measure numbers after an anchor word or at a line start."""
    current = "".join(work)
    for hit in v.ALL_RX.finditer(current):
        source = "all" if hit["all"] else "rest" if hit["rest"] else "weak"
        items.append((hit.start(), "ref", Mention(source=source)))
        _blank(work, hit.start(), hit.end())
    current = "".join(work)
    for rx in (v.ANCHOR_RX, v.LINE_NUM_RX):
        for hit in rx.finditer(current):
            items.append((hit.start(), "ref", _numbers(hit["list"], known)))
            _blank(work, hit.start(), hit.end())
        current = "".join(work)


def _percent_pass(work: list[str], items: list[Item]) -> list[int]:
    """Percentages, each read as a status too; returns the values stated."""
    percents: list[int] = []
    for hit in v.PERCENT_RX.finditer("".join(work)):
        raw = hit["n1"] or hit["n2"] or hit["n3"]
        value = round(float(raw))
        _blank(work, hit.start(), hit.end())
        if value > 100:
            continue
        if hit["approx"] == "เกือบ" and value == 100:  # "เกือบ 100%" is not finished
            items.append((hit.start(), "status", IN_PROGRESS))
            continue
        percents.append(value)
        status = NOT_STARTED if value == 0 else DONE if value == 100 else IN_PROGRESS
        items.append((hit.start(), "status", status))
    return percents


def _bare_and_status_pass(work: list[str], known: list[str], items: list[Item]) -> None:
    """Bare numbers right before a status word, then the status words themselves."""
    current = "".join(work)
    for hit in v.BARE_RX.finditer(current):
        if v.NOT_MEASURE_BEFORE.search(current, max(0, hit.start() - 12), hit.start()):
            continue
        items.append((hit.start(), "ref", _numbers(hit["list"], known)))
        _blank(work, hit.start(), hit.end())
    for hit in v.STATUS_RX.finditer("".join(work)):
        kind = v.STATUS_KIND[hit.lastgroup or ""]
        _blank(work, hit.start(), hit.end())
        if kind != v.CANCEL:  # blanked all the same, so its words cannot count for anything
            items.append((hit.start(), "status", kind))


def _title_pass(work: list[str], measures: list[MeasureRef], items: list[Item]) -> None:
    """Whatever is left, matched against word-aligned fragments of the measure titles."""
    if not measures:
        return
    for pos, fragment in title_mentions("".join(work), title_index(tuple(measures))):
        if len(fragment.ids) == 1:
            mention = Mention(
                ids=[fragment.ids[0]], source="weak_title" if fragment.weak else "title"
            )
        else:
            mention = Mention(ambiguous=list(fragment.ids), source="title")
        items.append((pos, "ref", mention))


def parse_report(text: str, measures: list[MeasureRef], own_ids: list[str]) -> ParsedReport:
    """What a staff member's message says about which measures, or why it is not sure."""
    prepared = v.prepare(text)
    norm = v.normalise(prepared)
    known = [m.id for m in measures]
    work = list(norm)
    items: list[Item] = []
    notes = _extract_notes(prepared, norm, work)
    _reference_pass(work, known, items)
    percents = _percent_pass(work, items)
    _bare_and_status_pass(work, known, items)
    _title_pass(work, measures, items)
    items.sort(key=lambda item: item[0])
    report = ParsedReport(note=" ".join(t for _, t in notes) or None)
    report.percent = percents[0] if len(set(percents)) == 1 else None
    return pair(items, known, own_ids, report)


def looks_like_report(text: str) -> bool:
    """Cheap: does the text mention a measure number, all measures, a percentage or a status."""
    norm = v.normalise(v.prepare(text))
    return any(
        rx.search(norm) for rx in (v.ANCHOR_RX, v.STATUS_RX, v.ALL_RX, v.PERCENT_RX, v.LINE_NUM_RX)
    )
