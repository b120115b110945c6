"""The Sarabun font from PyPI (`fontpkg-sarabun`) and which characters it can draw.

typst reports a missing font family as a warning but draws a missing glyph as an empty box
without any warning, so glyph coverage is checked here against the font's own cmap.
"""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

import fontpkg

FAMILY = "Sarabun"


@cache
def font_files() -> tuple[Path, Path]:
    """(regular, bold) TTF paths inside the installed fontpkg-sarabun package."""
    return fontpkg.path(FAMILY, weight=400), fontpkg.path(FAMILY, weight=700)


def _cmap_format4(data: bytes, at: int) -> set[int]:
    seg_x2 = struct.unpack_from(">H", data, at + 6)[0]
    ends = at + 14
    starts = ends + seg_x2 + 2
    deltas = starts + seg_x2
    range_offsets = deltas + seg_x2
    chars: set[int] = set()
    for seg in range(seg_x2 // 2):
        end = struct.unpack_from(">H", data, ends + 2 * seg)[0]
        start = struct.unpack_from(">H", data, starts + 2 * seg)[0]
        delta = struct.unpack_from(">h", data, deltas + 2 * seg)[0]
        ro_at = range_offsets + 2 * seg
        range_offset = struct.unpack_from(">H", data, ro_at)[0]
        for code in range(start, min(end, 0xFFFE) + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                glyph = struct.unpack_from(">H", data, ro_at + range_offset + 2 * (code - start))[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                chars.add(code)
    return chars


def _cmap_format12(data: bytes, at: int) -> set[int]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    chars: set[int] = set()
    for i in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * i)
        chars.update(
            c
            for c, g in zip(
                range(start, end + 1), range(glyph, glyph + end - start + 1), strict=True
            )
            if g
        )
    return chars


def cmap_chars(path: Path) -> frozenset[int]:
    """Every code point the font maps to a real glyph (cmap formats 4 and 12)."""
    data = path.read_bytes()
    tables = {}
    for i in range(struct.unpack_from(">H", data, 4)[0]):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag] = offset
    base = tables[b"cmap"]
    chars: set[int] = set()
    for i in range(struct.unpack_from(">H", data, base + 2)[0]):
        platform, encoding, sub = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
        if (platform, encoding) not in {(0, 3), (0, 4), (3, 1), (3, 10)}:
            continue
        fmt = struct.unpack_from(">H", data, base + sub)[0]
        if fmt == 4:
            chars |= _cmap_format4(data, base + sub)
        elif fmt == 12:
            chars |= _cmap_format12(data, base + sub)
    return frozenset(chars)


@cache
def covered() -> frozenset[int]:
    """Code points both the regular and the bold face can draw."""
    regular, bold = font_files()
    return cmap_chars(regular) & cmap_chars(bold)
