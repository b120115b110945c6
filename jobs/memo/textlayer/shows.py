"""What the text layer reads a page as: the runs of glyphs (shows) with their place in the
stream, matrices, colour and marked-content context, and the clusters they draw."""

from __future__ import annotations

from dataclasses import dataclass

from jobs.memo.textlayer.pdffonts import _Font

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: [x y 1] m n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _matrix(tm: Matrix | bytes) -> Matrix:
    """A matrix, or the six numbers of one as written in the stream."""
    return tm if type(tm) is tuple else tuple(map(float, tm.split()))  # type: ignore[return-value, union-attr]


def _inv(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


@dataclass(eq=False, slots=True)
class _Slot:
    """One glyph drawn: its glyph id and, once decided, the code that draws it."""

    glyph: int
    code: int | None = None


@dataclass(slots=True)
class _Show:
    """One TJ/Tj: its place in the stream and what it draws, in order."""

    start: int
    end: int
    font: _Font | None
    size: float
    entries: list[float | _Slot]  # TJ adjustments and glyphs
    span: int | None  # the innermost ActualText span around it (an index into spans)
    ctm: Matrix
    tm: Matrix | bytes  # bytes: its six numbers as written, read when needed (_matrix)
    fill: tuple[bytes, bytes]
    mode: bytes
    regular: bool  # no text state beyond Tf and Tr (Tc, Tw, Tz, Ts, Td …) in its text object
    artifact: bool = False  # in the page's header or footer (typst marks them so), not the body
    # what goes when the show is moved away: the show, or the span typst wrapped it in alone
    cut: tuple[int, int] | None = None
    removed: bool = False
    changed: bool = False

    def slots(self) -> list[_Slot]:
        return [e for e in self.entries if type(e) is _Slot]

    def pen_after(self, slot: _Slot) -> float:
        """The x of the text position after `slot`, in this show's text space."""
        assert self.font is not None
        x = 0.0
        for entry in self.entries:
            if isinstance(entry, _Slot):
                x += self.font.glyph_width(entry.glyph) / 1000 * self.size
                if entry is slot:
                    return x
            else:
                x -= entry / 1000 * self.size
        raise ValueError("slot not in this show")


@dataclass
class _Group:
    """One cluster as typst wrote it: its text and its glyphs."""

    text: str
    slots: list[_Slot]
    shows: list[int]  # indices of the shows drawing it


def _groups(shows: list[_Show], spans: list[str]) -> list[_Group]:
    """The clusters: an ActualText span is one; outside spans each glyph with a ToUnicode
    entry begins one and the marks after it (no entry of their own) belong to it."""
    groups: list[_Group] = []
    current: int | None = None  # the span of the last group
    for index, show in enumerate(shows):
        slots, span = show.slots(), show.span
        assert show.font is not None or not slots
        old = show.font.old if show.font is not None else {}
        for slot in slots:
            last = groups[-1] if groups else None
            if span is not None:
                if last is not None and current == span:
                    last.slots.append(slot)
                    if last.shows[-1] != index:
                        last.shows.append(index)
                else:
                    groups.append(_Group(spans[span], [slot], [index]))
                current = span
                continue
            text = old.get(slot.glyph, "")
            if text or last is None or current is not None:
                groups.append(_Group(text, [slot], [index]))
            else:  # a mark without text of its own: part of the cluster before it
                last.slots.append(slot)
                if last.shows[-1] != index:
                    last.shows.append(index)
            current = None
    return groups
