"""A typst font in the PDF (Type0, Identity-H, TrueType subset): what its glyphs read as, the
character codes made for it, and its ToUnicode, widths and glyph map written anew."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

import pikepdf
from fontTools import agl

from jobs.memo.textlayer.glyphs import glyph_texts, is_mark, split_cluster
from jobs.memo.textlayer.sfnt import _glyph_names, _sfnt_tables, _with_raised_glyphs

# The width (thousandths of an em) given to glyphs that draw without advancing (Thai marks), and
# taken back by a TJ adjustment after each: the page is the same, and readers that group glyphs
# into lines by their widths (pdfminer.six) no longer split a line between two marks.
MARK_WIDTH = 30


@dataclass
class _Font:
    """One embedded Type0 font (Identity-H, TrueType outlines) and the codes made for it."""

    obj: pikepdf.Dictionary  # the Type0 font
    cid_font: pikepdf.Dictionary
    old: dict[int, str]  # typst's ToUnicode
    names: list[str]  # glyph names of the embedded subset, by glyph id
    candidates: dict[int, tuple[str, ...]]  # glyph id -> the texts it can stand for
    widths: dict[int, float]  # code -> width (the /W array)
    default_width: float
    units_per_em: int
    codes: dict[tuple[int, str], int] = field(default_factory=dict)  # (glyph, text) -> code
    texts: dict[int, str] = field(default_factory=dict)  # code -> text: the new ToUnicode
    glyph_of: dict[int, int] = field(default_factory=dict)  # code -> glyph id
    # (glyph, dx, dy) -> the composite glyph drawing that glyph moved so
    raised: dict[tuple[int, int, int], int] = field(default_factory=dict)
    moved: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # the reverse
    splits: dict[tuple[tuple[int, ...], str], list[str] | None] = field(default_factory=dict)

    @property
    def marks(self) -> frozenset[int]:
        """Glyphs that draw a mark (no base): of these alone a stray is made."""
        found = self.__dict__.get("_marks")
        if found is None:
            found = frozenset(g for g, own in self.candidates.items() if own and is_mark(own[0]))
            self.__dict__["_marks"] = found
        return found

    def plain_run(self, items: tuple[float | int, ...]) -> bool:
        """Whether every glyph of a run reads as typst mapped it, its own character(s), and
        advances: such a run needs no change (remembered per run)."""
        cache = self.__dict__.setdefault("_plain_runs", {})
        found = cache.get(items)
        if found is None:
            plain = self.__dict__.get("_plain")
            if plain is None:
                plain = self.__dict__["_plain"] = frozenset(
                    g
                    for g, own in self.candidates.items()
                    if own and self.old.get(g) == own[0] and self.glyph_width(g) != 0
                )
            found = cache[items] = all(type(i) is float or i in plain for i in items)
        return found

    def quiet(self, items: tuple[float | int, ...], text: str) -> tuple | None:
        """For a span of these TJ items that needs nothing (no mark, each glyph advancing and
        reading as its own first character, so keeping its own code): the key to take_own
        them by; else None (remembered per span)."""
        cache = self.__dict__.setdefault("_quiet", {})
        key = (items, text)
        found = cache.get(key, False)
        if found is not False:
            return found
        glyphs = tuple(i for i in items if type(i) is int)
        found = None
        marks, names = self.marks, len(self.names)
        if glyphs and all(g < names and g not in marks and not self.no_advance(g) for g in glyphs):
            parts = self.split(glyphs, text)
            if parts is not None and all(
                self.candidates.get(g) and part == self.candidates[g][0]
                for g, part in zip(glyphs, parts, strict=True)
            ):
                found = key
                self.__dict__.setdefault("_quiet_parts", {})[key] = (glyphs, parts)
        cache[key] = found
        return found

    def take_own(self, key: tuple) -> None:
        """The codes of a quiet span (quiet): each glyph its own, once per font."""
        taken = self.__dict__.setdefault("_taken", set())
        if key not in taken:
            taken.add(key)
            glyphs, parts = self.__dict__["_quiet_parts"][key]
            for glyph, part in zip(glyphs, parts, strict=True):
                self.code(glyph, part)

    def no_advance(self, glyph: int) -> bool:
        """Whether `glyph` (a glyph id, not a code) draws without moving the text position."""
        cache = self.__dict__.setdefault("_no_advance", {})
        found = cache.get(glyph)
        if found is None:
            found = cache[glyph] = self.glyph_width(glyph) == 0
        return found

    @property
    def glyph_count(self) -> int:
        return len(self.names) + len(self.raised)

    def code(self, glyph: int, text: str) -> int:
        """The character code that draws `glyph` and reads as `text`.

        A glyph's own code (code = glyph id, as typst wrote it) reads as the glyph's own
        character(s); another reading, or a glyph made here, gets a new code (an alias).
        """
        key = (glyph, text)
        found = self.codes.get(key)
        if found is not None:
            return found
        own = self.candidates.get(glyph, ())
        if glyph < len(self.names) and glyph not in self.texts and (not own or text == own[0]):
            code = glyph
        else:
            code = max(len(self.names), max(self.texts, default=0) + 1)
        self.codes[key] = code
        self.texts[code] = text
        self.glyph_of[code] = glyph
        return code

    def split(self, glyphs: tuple[int, ...], text: str) -> list[str] | None:
        """split_cluster for these glyphs (clusters repeat: remembered per font)."""
        key = (glyphs, text)
        if key not in self.splits:
            self.splits[key] = split_cluster([self.candidates.get(g, ()) for g in glyphs], text)
        return self.splits[key]

    def shifted(self, glyph: int, dx: int, dy: int) -> int:
        """A glyph drawing `glyph` moved by (dx, dy) font units (a TrueType composite of the
        font's own glyph: moving a moved glyph again adds up the offsets)."""
        base, x0, y0 = self.moved.get(glyph, (glyph, 0, 0))
        key = (base, x0 + dx, y0 + dy)
        if key == (base, 0, 0):
            return base
        if key not in self.raised:
            new = self.raised[key] = self.glyph_count
            self.moved[new] = key
            self.candidates[new] = self.candidates.get(base, ())
        return self.raised[key]

    def glyph_width(self, glyph: int) -> float:
        """The advance of a glyph id (a made glyph advances as the glyph it moves)."""
        base = self.moved.get(glyph, (glyph,))[0]
        return self.widths.get(base, self.default_width)

    def width(self, code: int) -> float:
        """The advance of a character code (a code typst did not write is its glyph id)."""
        return self.glyph_width(self.glyph_of.get(code, code))


def _parse_cmap(data: bytes) -> dict[int, str]:
    text = data.decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", errors="replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<(\w+)>\s*<(\w+)>\s*(<\w*>|\[[^\]]*\])", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if dst.startswith("["):
                for i, item in enumerate(re.findall(r"<(\w*)>", dst)):
                    out[lo_i + i] = bytes.fromhex(item).decode("utf-16-be", errors="replace")
                continue
            base = bytes.fromhex(dst[1:-1]).decode("utf-16-be", errors="replace")
            for i, code in enumerate(range(lo_i, hi_i + 1)):
                out[code] = base[:-1] + chr(ord(base[-1]) + i) if base else ""
    return out


def _widths(cid_font: pikepdf.Dictionary) -> dict[int, float]:
    out: dict[int, float] = {}
    items = list(cid_font.get("/W", pikepdf.Array()))
    i = 0
    while i < len(items):
        first = int(items[i])
        nxt = items[i + 1]
        if isinstance(nxt, pikepdf.Array):
            for j, w in enumerate(nxt):
                out[first + j] = float(w)
            i += 2
        else:
            last, width = int(nxt), float(items[i + 2])
            for c in range(first, last + 1):
                out[c] = width
            i += 3
    return out


def _load_font(obj: pikepdf.Dictionary) -> _Font | None:
    """The font if it is one this module understands (typst's Type0 TrueType), else None."""
    if obj.get("/Subtype") != "/Type0" or obj.get("/Encoding") != "/Identity-H":
        return None
    cid_font = obj.DescendantFonts[0]
    if cid_font.get("/Subtype") != "/CIDFontType2" or cid_font.get("/CIDToGIDMap") != "/Identity":
        return None
    descriptor = cid_font.FontDescriptor
    if "/FontFile2" not in descriptor or "/ToUnicode" not in obj:
        return None
    tables = _sfnt_tables(descriptor.FontFile2.read_bytes())
    names = _glyph_names(tables)
    known = glyph_texts()
    candidates = {}
    for gid, name in enumerate(names):
        options = known.get(name)
        if options is None:
            guess = agl.toUnicode(name)
            options = (guess,) if guess else ()
        candidates[gid] = options
    return _Font(
        obj=obj,
        cid_font=cid_font,
        old=_parse_cmap(obj.ToUnicode.read_bytes()),
        names=names,
        candidates=candidates,
        widths=_widths(cid_font),
        default_width=float(cid_font.get("/DW", 1000)),
        units_per_em=struct.unpack_from(">H", tables[b"head"], 18)[0],
    )


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _write_font(pdf: pikepdf.Pdf, font: _Font) -> None:
    # the runs left as typst wrote them (_scan) draw glyphs by their own codes, as they read
    for glyph in font.__dict__.get("_plain", ()):
        font.code(glyph, font.candidates[glyph][0])
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    entries = sorted(font.texts.items())
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code:04X}> <{_utf16_hex(text)}>" for code, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    font.obj.ToUnicode = pdf.make_stream("\n".join(lines).encode("ascii"))

    # every code drawn, with its width; marks (no advance) get MARK_WIDTH, see _encode
    widths = pikepdf.Array()
    for code in sorted(font.texts):
        widths.append(code)
        widths.append(pikepdf.Array([font.width(code) or MARK_WIDTH]))
    font.cid_font.W = widths
    descriptor = font.cid_font.FontDescriptor
    if font.raised:
        data = _with_raised_glyphs(descriptor.FontFile2.read_bytes(), font.raised)
        descriptor.FontFile2 = pdf.make_stream(data, Length1=len(data))
    # codes that are not a glyph id of typst's font: aliases and the raised glyphs
    extra = {
        code: glyph
        for code, glyph in font.glyph_of.items()
        if code >= len(font.names) or code != glyph
    }
    if not extra:
        return
    top = max(extra)
    gid_map = bytearray()
    for code in range(top + 1):
        gid_map += extra.get(code, code if code < len(font.names) else 0).to_bytes(2, "big")
    font.cid_font.CIDToGIDMap = pdf.make_stream(bytes(gid_map))
    if "/CIDSet" in descriptor:
        bits = bytearray(descriptor.CIDSet.read_bytes())
        bits += bytes(max(0, top // 8 + 1 - len(bits)))
        for code in extra:
            bits[code // 8] |= 0x80 >> (code % 8)
        descriptor.CIDSet = pdf.make_stream(bytes(bits))
