"""Mending one page: stray marks moved into their cluster's run, each glyph given the code
that reads as its share of the cluster, marks drawn at the text position, the stream written
back."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from jobs.memo.textlayer.glyphs import is_mark
from jobs.memo.textlayer.pdffonts import MARK_WIDTH, _Font, _utf16_hex
from jobs.memo.textlayer.shows import Matrix, _Group, _groups, _inv, _matrix, _mul, _Show, _Slot
from jobs.memo.textlayer.stream import _scan
from jobs.memo.textlayer.tokens import _num

log = logging.getLogger("jobs.memo.textlayer")


@dataclass
class TextLayerStats:
    """What fix_text_layer did, for the tests and the logs."""

    strays_moved: int = 0
    raised_glyphs: int = 0  # composite glyphs added: a mark moved (up, or to the text position)
    strays_left: int = 0  # stray marks that could not be moved (their text still repeats)
    aliases: int = 0  # extra character codes made for glyphs drawn in a second role
    spans_added: int = 0
    whole_clusters: int = 0  # clusters read whole from their first glyph
    skipped_pages: list[int] = field(default_factory=list)  # content not understood: untouched


def _linear(m: Matrix) -> tuple[float, ...]:
    return tuple(round(v, 4) for v in m[:4])


def _move_stray(shows: list[_Show], stray: _Group, target: _Group) -> bool:
    """Draw the stray mark glyphs from the cluster's own show, at the same place. False when
    that cannot be done exactly (the stray stays where typst put it)."""
    if len(stray.shows) != 1 or len(target.shows) < 1:
        return False
    s, t = shows[stray.shows[0]], shows[target.shows[-1]]
    font = s.font
    if font is None or font is not t.font or s.size != t.size or len(s.slots()) != len(stray.slots):
        return False
    if not (s.regular and t.regular and s.fill == t.fill and s.mode == t.mode and s.size > 0):
        return False
    s_matrix, t_matrix = _mul(_matrix(s.tm), s.ctm), _mul(_matrix(t.tm), t.ctm)
    if _linear(s_matrix) != _linear(t_matrix):
        return False
    # where the stray's first glyph is drawn, in the cluster's text space
    lead = 0.0
    for entry in s.entries:
        if isinstance(entry, _Slot):
            break
        lead -= entry / 1000 * s.size
    px, py = _mul((1.0, 0.0, 0.0, 1.0, lead, 0.0), _mul(s_matrix, _inv(t_matrix)))[4:]
    anchor = target.slots[-1]
    at = next((i for i, e in enumerate(t.entries) if e is anchor), None)
    if at is None:
        return False
    # The offset becomes part of the glyph (a TrueType composite, in whole font units): a text
    # object has one baseline, and a mark drawn at the text position, as typst draws the other
    # marks of a cluster, keeps readers that group glyphs by position from splitting the word.
    rest = px - t.pen_after(anchor)
    units_x, units_y = rest / s.size * font.units_per_em, py / s.size * font.units_per_em
    shift_x, shift_y = round(units_x), round(units_y)
    if abs(units_y - shift_y) > 0.02:
        return False
    if abs(units_x - shift_x) > 0.02:
        shift_x = 0
    rest -= shift_x * s.size / font.units_per_em  # what a TJ adjustment still moves
    body: list[float | _Slot] = []
    seen = False
    for entry in s.entries:  # the stray's own entries less its leading adjustments
        if isinstance(entry, _Slot):
            seen = True
            if shift_x or shift_y:
                entry.glyph = font.shifted(entry.glyph, shift_x, shift_y)
            body.append(entry)
        elif seen:
            body.append(entry)
    advance = 0.0  # how far the stray moves the text position (usually 0: marks)
    for entry in body:
        if isinstance(entry, _Slot):
            advance += font.glyph_width(entry.glyph) / 1000 * s.size
        else:
            advance -= entry / 1000 * s.size
    before = -rest * 1000 / s.size
    after = (rest + advance) * 1000 / s.size
    t.entries[at + 1 : at + 1] = [before, *body, after]
    t.changed = True
    s.removed = True
    return True


def _marks_at_the_pen(show: _Show, stats: TextLayerStats) -> None:
    """A mark drawn far from the mark before it (typst moves it with a TJ adjustment: a tone
    mark over ป ฟ ฝ) is drawn by a composite glyph moved so, at the text position instead,
    the adjustment moved after it: the same page, and readers that group glyphs into lines by
    their boxes (pdfminer.six) keep the cluster on one line."""
    font = show.font
    entries = show.entries
    if font is None or len(entries) < 4:  # a base, a mark, an adjustment and a mark at least
        return
    marks = font.marks
    previous_mark = False
    i = 0
    while i < len(entries):
        entry = entries[i]
        if type(entry) is not _Slot:
            i += 1
            continue
        # the adjustments just before this glyph
        j = i
        shift = 0.0
        while j > 0 and type(entries[j - 1]) is float:
            j -= 1
            shift += entries[j]  # type: ignore[operator]
        if (
            previous_mark
            and entry.glyph in marks
            and font.no_advance(entry.glyph)
            and abs(shift) > 2 * MARK_WIDTH
            and abs(shift - round(shift)) < 0.02
        ):
            dx = -round(shift) * font.units_per_em // 1000
            entry.glyph = font.shifted(entry.glyph, dx, 0)
            entries[j:i] = []  # the adjustment goes after the mark, where the pen needs it
            i = j
            entries.insert(i + 1, shift)
            show.changed = True
        previous_mark = entry.glyph in marks or font.no_advance(entry.glyph)
        i += 1


def _is_stray(shows: list[_Show], group: _Group, kept: list[_Group]) -> bool:
    """A run of mark glyphs only whose text claims a whole cluster again (typst#7610)."""
    if not kept or not group.text:
        return False
    font = shows[group.shows[0]].font
    assert font is not None
    marks = font.marks
    return all(slot.glyph in marks for slot in group.slots) and not is_mark(group.text)


def _fix_page(data: bytes, fonts: dict[bytes, _Font | None], stats: TextLayerStats) -> bytes | None:
    """The page's content stream mended; None when it is not understood."""
    scanned = _scan(data, fonts)
    if scanned is None:
        return None
    shows, spans = scanned
    kept = _clusters(shows, spans, stats)
    for show in shows:
        _marks_at_the_pen(show, stats)
    _assign_codes(shows, kept, stats)
    return _written(data, shows, stats)


def _clusters(shows: list[_Show], spans: list[str], stats: TextLayerStats) -> list[_Group]:
    """The page's clusters, each stray mark moved into its cluster's own run."""
    kept: list[_Group] = []
    for group in _groups(shows, spans):
        if not _is_stray(shows, group, kept):
            kept.append(group)
            continue
        target = kept[-1]
        if target.text == group.text and _move_stray(shows, group, target):
            target.slots += group.slots
            stats.strays_moved += 1
            continue
        stats.strays_left += 1
        log.warning("memo text layer: a stray mark of %r stays where typst drew it", group.text)
        kept.append(group)
    return kept


def _assign_codes(shows: list[_Show], kept: list[_Group], stats: TextLayerStats) -> None:
    """Each glyph's share of its cluster's text, and the code that reads so."""
    for group in kept:
        font = shows[group.shows[0]].font
        assert font is not None
        parts = font.split(tuple(s.glyph for s in group.slots), group.text)
        if parts is None:
            parts = [group.text] + [""] * (len(group.slots) - 1)
            stats.whole_clusters += 1
        for slot, part in zip(group.slots, parts, strict=True):
            slot.code = font.code(slot.glyph, part)


def _written(data: bytes, shows: list[_Show], stats: TextLayerStats) -> bytes:
    """The stream again: shows that change written anew, strays dropped, spans added."""
    out = bytearray()
    last = 0
    for show in shows:
        if show.removed:
            start, end = show.cut or (show.start, show.end)
            out += data[last:start]
            last = end
            continue
        out += data[last : show.start]
        last = show.end
        out += _show_bytes(data, show, stats)
    out += data[last:]
    return bytes(out)


def _show_bytes(data: bytes, show: _Show, stats: TextLayerStats) -> bytes:
    font = show.font
    slots = show.slots()
    if font is None or (
        not show.changed
        and all(slot.code == slot.glyph and not font.no_advance(slot.glyph) for slot in slots)
    ):
        return data[show.start : show.end]  # nothing to change: typst's own bytes
    codes = [slot.code for slot in slots]
    if show.span is not None or not any(c is not None and font.texts.get(c) == "" for c in codes):
        return _encode(show.entries, font)
    # a glyph reading as nothing, outside any span: PDFium would read its raw code instead
    text = "".join(font.texts[c] for c in codes if c is not None)
    stats.spans_added += 1
    return (
        b"/Span<</ActualText<FEFF"
        + _utf16_hex(text).encode()
        + b">>>BDC "
        + _encode(show.entries, font)
        + b" EMC "
    )


def _encode(entries: list[float | _Slot], font: _Font | None) -> bytes:
    """The TJ of `entries`; a glyph of no advance gets MARK_WIDTH, taken back right after."""
    parts: list[str] = []
    run: list[str] = []
    pending = 0.0  # adjustment to write before the next glyph
    for entry in entries:
        if type(entry) is float:
            pending += entry
            continue
        code = entry.code if entry.code is not None else entry.glyph  # type: ignore[union-attr]
        if pending > 1e-6 or pending < -1e-6:
            if run:
                parts.append("<" + "".join(run) + ">")
                run = []
            parts.append(_num(pending))
        pending = MARK_WIDTH if font is not None and font.no_advance(entry.glyph) else 0.0  # type: ignore[union-attr]
        run.append(f"{code:04X}")
    if run:
        parts.append("<" + "".join(run) + ">")
    if pending > 1e-6 or pending < -1e-6:
        parts.append(_num(pending))
    return ("[" + " ".join(parts) + "]TJ").encode("ascii")


def _code(slot: _Slot) -> int:
    return slot.code if slot.code is not None else slot.glyph


def _point(show: _Show, x: float) -> tuple[float, float]:
    """User-space point of text-space (x, 0) of `show`."""
    return _mul((1.0, 0.0, 0.0, 1.0, x, 0.0), _mul(_matrix(show.tm), show.ctm))[4:]  # type: ignore[return-value]
