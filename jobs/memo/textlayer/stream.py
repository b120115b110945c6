"""A page's content stream read into the shows the text layer mends (shows.py), typst's
runs and frames found first by the fast patterns of tokens.py."""

from __future__ import annotations

import re
from collections.abc import Callable

from jobs.memo.textlayer.pdffonts import _Font
from jobs.memo.textlayer.shows import IDENTITY, Matrix, _mul, _Show, _Slot
from jobs.memo.textlayer.tokens import (
    _FAST_UNIT,
    _FRAME_GAP,
    _TOKENS,
    _actual_text,
    _is_furniture,
    _items,
    _utf16_text,
)

# where a number can begin (PDF: after white space or a delimiter), so a run's render mode
_BEFORE_A_NUMBER = frozenset(b" \t\r\n\f\x00()<>[]{}/%")


class _NotUnderstood(Exception):
    """Content the text layer does not read (unbalanced q/Q or marks, the ' and " operators)."""


class _Scanner:
    """Reads one content stream into shows, one method per kind of token (tokens.py)."""

    def __init__(self, data: bytes, fonts: dict[bytes, _Font | None], every: bool, fast: bool):
        self.data, self.fonts, self.every, self.fast = data, fonts, every, fast
        self.shows: list[_Show] = []
        self.spans: list[str] = []  # the ActualText of each span
        self.skipped: tuple | None = None  # the run left out just before, should the next need it
        self.ctm: Matrix = IDENTITY
        self.tm: Matrix | bytes = IDENTITY  # bytes: as written, not read yet (_matrix)
        self.fill: tuple[bytes, bytes] = (b"", b"")
        self.font_name, self.size, self.mode = b"", 0.0, b"0"
        self.stack: list[tuple[Matrix, tuple[bytes, bytes], bytes, float, bytes]] = []
        self.marks: list[int | None] = []  # per open marked-content sequence: its span
        self.span: int | None = None  # the innermost span of those
        self.quiet: tuple | None = None  # a span held back (hold_quiet)
        self.artifacts: list[bool] = []  # per open sequence: the page's header or footer?
        self.regular = True
        self.in_artifact = False

    def run(self) -> tuple[list[_Show], list[str]] | None:
        handlers = {
            "sunit": self.unit,
            "unit": self.unit,
            "fopen": self.frame_open,
            "fclose": self.frame_close,
            "kw": self.keyword,
            "bdc": self.marked,
            "bdcname": self.marked_plain,
            "bmc": self.marked_plain,
            "mop": self.matrix,
            "tf": self.font,
            "tr": self.render_mode,
            "tstate": self.text_state,
            "quote": self.quote,
            "color": self.color,
            "tj": self.show_op,
            "tj1": self.show_op,
        }
        try:
            if self.fast:
                self.read_fast(handlers)
            else:  # every token by _TOKENS alone: what the shortcuts must agree with
                for t in _TOKENS.finditer(self.data):
                    handlers[t.lastgroup](t)  # type: ignore[index]
        except _NotUnderstood:
            return None
        if self.marks or self.stack:
            return None
        return self.shows, self.spans

    def read_fast(self, handlers: dict[str, Callable[[re.Match], None]]) -> None:
        """typst's runs (most of the bytes) found by _FAST_UNIT, the frames between them by
        _FRAME_GAP, and anything else token by token, as _TOKENS reads it."""
        data = self.data
        tokens = _TOKENS.finditer
        frame_gap = _FRAME_GAP.fullmatch
        spans = self.spans
        pos = 0  # where the content not yet read begins
        for m in _FAST_UNIT.finditer(data):
            shex, mode, font_name, size, tm, _, array, lit, emc = m.groups()
            start = m.start()
            if shex is None:
                if start and data[start - 1] not in _BEFORE_A_NUMBER:
                    continue  # not where _TOKENS would begin a run: left to it
            elif emc is None:
                continue  # a span that goes on after the run: left to _TOKENS
            if start > pos + 1 or (start > pos and not data[pos:start].isspace()):
                frame = frame_gap(data, pos, start)
                if frame is not None:
                    self.frame_gap(frame)
                else:
                    for t in tokens(data, pos, start):
                        handlers[t.lastgroup](t)  # type: ignore[index]
            self.mode, self.font_name, self.size = mode, font_name, float(size)
            self.tm = tm  # read only when needed (_matrix): for strays and their clusters
            show_start, show_end = m.span(6)
            token, is_array = (array, True) if array is not None else (lit, False)
            if shex is None:
                self.add(token, is_array, show_start, show_end, (show_start, show_end), None)
                pos = show_end
                continue
            pos = m.end()
            spans.append(_utf16_text(shex))
            span = len(spans) - 1
            # the span goes too, should the run be moved away
            if self.every or not self.hold_quiet(
                token, is_array, show_start, show_end, (start, pos), span
            ):
                self.add(token, is_array, show_start, show_end, (start, pos), span)
        for t in tokens(data, pos):
            handlers[t.lastgroup](t)  # type: ignore[index]
        self.settle_quiet(None, None, True)

    # -- graphics and marked-content state
    def push(self) -> None:
        self.stack.append((self.ctm, self.fill, self.font_name, self.size, self.mode))

    def pop(self) -> None:
        if not self.stack:
            raise _NotUnderstood
        self.ctm, self.fill, self.font_name, self.size, self.mode = self.stack.pop()

    def open_mark(self, span: int | None, artifact: bool) -> None:
        self.marks.append(span)
        self.artifacts.append(artifact)
        self.in_artifact = any(self.artifacts)
        if span is not None:
            self.span = span

    def close_mark(self) -> None:
        if not self.marks:
            raise _NotUnderstood
        if self.marks.pop() is not None:
            self.span = next((mark for mark in reversed(self.marks) if mark is not None), None)
        self.artifacts.pop()
        self.in_artifact = any(self.artifacts)

    def frame_open(self, m: re.Match) -> None:  # typst: marked sequence, q, cm, colour, BT
        self.open_mark(None, _is_furniture(m.group("ftag"), m.group("fprops")))
        self.push()
        self.ctm = _mul(tuple(map(float, m.group("fcm").split())), self.ctm)  # type: ignore[arg-type]
        self.fill = (m.group("fcs"), m.group("fsc"))
        self.tm, self.regular = IDENTITY, True

    def frame_gap(self, m: re.Match) -> None:  # _FRAME_GAP: as _TOKENS reads the same bytes
        if m.group("emc0") is not None:
            self.close_mark()
        if m.group("close") is not None:
            if m.group("emc") is not None:
                self.frame_close(m)
            else:
                self.pop()  # ET (nothing to do), Q
        if m.group("open") is not None:
            if m.group("ftag") is not None:
                self.frame_open(m)
            else:  # q, cm, colour, BT without the marked sequence
                self.push()
                self.ctm = _mul(tuple(map(float, m.group("fcm").split())), self.ctm)  # type: ignore[arg-type]
                self.fill = (m.group("fcs"), m.group("fsc"))
                self.tm, self.regular = IDENTITY, True

    def frame_close(self, m: re.Match) -> None:  # ET, Q, EMC
        self.pop()
        self.close_mark()

    def keyword(self, m: re.Match) -> None:
        word = m.group("kw")
        if word == b"q":
            self.push()
        elif word == b"Q":
            self.pop()
        elif word == b"BT":
            self.tm, self.regular = IDENTITY, True
        elif word == b"EMC":
            self.close_mark()

    def marked(self, m: re.Match) -> None:
        text = _actual_text(m.group("props"))
        if text is not None:
            self.spans.append(text)
        span = len(self.spans) - 1 if text is not None else None
        self.open_mark(span, _is_furniture(m.group("tag"), m.group("props")))

    def marked_plain(self, m: re.Match) -> None:
        self.open_mark(None, False)

    def matrix(self, m: re.Match) -> None:
        matrix = tuple(map(float, m.group("mat").split()))
        if m.group("mop") == b"cm":
            self.ctm = _mul(matrix, self.ctm)  # type: ignore[arg-type]
        else:
            self.tm = matrix  # type: ignore[assignment]

    def font(self, m: re.Match) -> None:
        self.font_name, self.size = m.group("font"), float(m.group("size"))

    def render_mode(self, m: re.Match) -> None:
        self.mode = m.group("mode")

    def text_state(self, m: re.Match) -> None:
        self.regular = False

    def quote(self, m: re.Match) -> None:
        raise _NotUnderstood  # ' and " show text too; typst does not write them

    def color(self, m: re.Match) -> None:
        token = m.group("color")
        self.fill = (token, self.fill[1]) if token.endswith(b"cs") else (self.fill[0], token)

    # -- runs of glyphs
    def unit(self, m: re.Match) -> None:  # typst's run: Tr, Tf, Tm and the show; maybe a span
        p = "s" if m.lastgroup == "sunit" else "u"
        self.mode, self.font_name = m.group(p + "mode"), m.group(p + "font")
        self.size = float(m.group(p + "size"))
        self.tm = tuple(map(float, m.group(p + "tm").split()))  # type: ignore[assignment]
        array = m.group(p + "arr")
        token = array[1:-1] if array is not None else m.group(p + "lit")
        start, end = m.start(p + "show"), m.end(p + "show")
        span, cut = None, (start, end)
        if p == "s":  # the span goes too, should the run be moved away
            self.spans.append(_utf16_text(m.group("shex")))
            span, cut = len(self.spans) - 1, (m.start(), m.end())
        self.add(token, array is not None, start, end, cut, span)

    def hold_quiet(
        self, token: bytes, is_array: bool, start: int, end: int, cut: tuple, span: int
    ) -> bool:
        """Hold back a span of typst's around one run that needs nothing (_Font.quiet; about
        half the spans): it is a show only if the next run needs it there, beginning with a
        mark (a stray of its cluster) or a glyph without text (joining its cluster)."""
        font = self.fonts.get(self.font_name)
        if font is None:
            return False
        items = _items(token, is_array)
        key = font.quiet(items, self.spans[span])
        if key is None:
            return False
        if self.quiet is not None:
            self.settle_quiet(None, None, True)
        self.skipped = None  # a run shown in a span: the run left out before stays out
        self.quiet = (start, end, items, cut, self.state(font), span, key)
        return True

    def settle_quiet(self, font: _Font | None, first: int | None, in_span: bool) -> None:
        """The run shown next begins with glyph `first` of `font` (None: no run needs the held
        span): the held span becomes a show before it if a mark begins it (a stray of the held
        span's cluster) or, outside spans, a glyph without text (joining the cluster before it,
        _groups); else only its codes are taken, each glyph its own."""
        held, self.quiet = self.quiet, None
        if held is None:
            return
        start, end, items, cut, state, span, key = held
        if first is not None and (first in font.marks or (not in_span and not font.old.get(first))):  # type: ignore[union-attr]
            q_font, size, ctm, tm, *rest = state
            entries = [i if type(i) is float else _Slot(i) for i in items]  # type: ignore[misc]
            self.shows.append(_Show(start, end, q_font, size, entries, span, ctm, tm, *rest, cut))
            return
        state[0].take_own(key)

    def show_op(self, m: re.Match) -> None:  # a TJ or Tj on its own
        is_array = m.lastgroup == "tj"
        token = m.group("arr") if is_array else m.group("lit")
        self.add(token, is_array, m.start(), m.end(), (m.start(), m.end()), None)

    def add(
        self, token: bytes, is_array: bool, start: int, end: int, cut: tuple, span: int | None
    ) -> None:
        if span is None:
            span = self.span
        font = self.fonts.get(self.font_name)
        items = _items(token, is_array)
        if font is None:
            if any(type(i) is int for i in items):
                raise _NotUnderstood
        elif span is None and not self.every and font.plain_run(items):
            self.skipped = (start, end, items, cut, self.state(font))
            return
        if self.quiet is not None and font is not None:
            first = next((i for i in items if type(i) is int), None)
            if first is not None:
                self.settle_quiet(font, first, span is not None)
        if font is not None and span is None:
            if self.skipped is not None:
                first = next((i for i in items if type(i) is int), None)
                if first is not None and not font.old.get(first):  # it joins the run before's
                    s_start, s_end, s_items, s_cut, s_state = self.skipped
                    font_, size, ctm, tm, *rest = s_state
                    entries = [i if type(i) is float else _Slot(i) for i in s_items]  # type: ignore[misc]
                    self.shows.append(
                        _Show(
                            s_start,
                            s_end,
                            font_,
                            size,
                            entries,
                            None,
                            ctm,
                            tm,
                            *rest,
                            s_cut,
                        )
                    )
        self.skipped = None
        entries = [i if type(i) is float else _Slot(i) for i in items]  # type: ignore[misc]
        self.shows.append(
            _Show(
                start,
                end,
                font,
                self.size,
                entries,
                span,
                self.ctm,
                self.tm,
                self.fill,
                self.mode,
                self.regular,
                self.in_artifact,
                cut,
            )
        )

    def state(self, font: _Font | None) -> tuple:
        """(font, size, ctm, tm, fill, mode, regular, in_artifact) of a run shown now."""
        return (
            font,
            self.size,
            self.ctm,
            self.tm,
            self.fill,
            self.mode,
            self.regular,
            self.in_artifact,
        )


def _scan(
    data: bytes, fonts: dict[bytes, _Font | None], every: bool = False, fast: bool = True
) -> tuple[list[_Show], list[str]] | None:
    """The shows of a content stream and the ActualText of its spans; None if not understood.

    A run outside any span whose glyphs all read as their own characters and all advance
    needs nothing (about half the runs): it is left out unless `every`, or unless the next
    run begins with a mark that belongs to its last cluster; likewise a span of typst's around
    one run that needs nothing (_Scanner.hold_quiet). `fast=False` reads every token with
    _TOKENS alone and keeps those spans, for the tests: the PDF mended must be the same.
    """
    return _Scanner(data, fonts, every, fast).run()
