"""The PDF's text layer, made to read back exactly as typed (issue 13).

typst 0.15 (krilla) writes Thai text as glyph runs with a ToUnicode CMap that maps each glyph
to the text of the first cluster it appeared in, and wraps every cluster whose glyphs do not
spell its text in a `/Span <</ActualText …>> BDC … EMC`. Two things go wrong with Sarabun:

* a raised tone mark (the small ้ of ขั้ / ซึ่ / เพิ่) is drawn as a text object of its own,
  outside its cluster's span, and repeats the whole cluster's text (as ToUnicode or as an
  ActualText of its own): PDFium and poppler read ``ขั้ขั้นตอน`` (typst#7610, #4225; krilla#411);
* readers that ignore ActualText (pdfminer.six, pypdf) find no ToUnicode entry for marks
  that never began a cluster (control characters in the text) and read each base consonant
  as the first cluster it appeared in (``สำ`` for every ส).

`fix_text_layer` rewrites the PDF (pikepdf; the content streams are read with one regular
expression and written back in place) so that every reader gets the same, exact text:

1. a stray mark glyph goes back into its cluster's run and ActualText span, at the same place
   on the page: its rise (and its offset, in whole font units) becomes part of the glyph, a
   TrueType composite of it added to the embedded subset, since a run has one baseline;
2. every glyph occurrence gets a character code whose ToUnicode entry is its own share of the
   cluster's text: the glyph's own character(s), from Sarabun's cmap and GSUB (ส, ั, ้; the
   small and narrow marks; ฐ without its tail), and for a glyph read another way a second
   code for the same glyph (CIDToGIDMap). SARA AM is drawn as nikhahit + sara aa: the
   nikhahit reads ำ, that sara aa reads as nothing. A cluster that cannot be split so reads
   whole from its first glyph;
3. typst's ActualText spans stay (they agree with the new ToUnicode); a run outside any span
   that holds a glyph reading as nothing gets a span of its own, because PDFium replaces an
   empty ToUnicode entry by the raw character code;
4. for pdfminer.six's layout analysis (pdfplumber), which splits a line between two glyphs of
   no width that are apart: marks get MARK_WIDTH in /W, taken back by the TJ right after each,
   and a mark typst moves away from the mark before it (over ป ฟ ฝ) is drawn at the text
   position by a composite glyph moved so.

What is drawn stays where it was: the tests compare the rendered pages before and after (at
576 ppi no ink moves by more than a pixel; PDFium places glyph bitmaps on whole pixels, so a
mark drawn by a composite may land one pixel away from where the separate run put it).
Content this module does not understand leaves the PDF as typst wrote it (logged).
"""

from __future__ import annotations

import io
import logging
import re
import struct
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pikepdf
from fontTools import agl
from fontTools.ttLib import TTFont
from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder

from jobs.memo.fonts import font_files

__all__ = ["TextLayerStats", "first_lines", "fix_text_layer", "glyph_texts"]

log = logging.getLogger(__name__)

SARA_AM = "\u0e33"
NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"
# The width (thousandths of an em) given to glyphs that draw without advancing (Thai marks), and
# taken back by a TJ adjustment after each: the page is the same, and readers that group glyphs
# into lines by their widths (pdfminer.six) no longer split a line between two marks.
MARK_WIDTH = 30

_NUM = rb"[-+]?(?:\d+\.?\d*|\.\d+)(?![\d.])"
_LIT = rb"\((?:[^\\()]|\\.)*\)"
_NAME = rb"/[^\s/\[\]()<>{}%]+"
# The operators this module reads, in content order. Everything else (paths, images) is
# copied through untouched; strings and dictionaries are matched whole so that nothing inside
# them is read as an operator.
_ARRAY = rb"\[(?:" + _LIT + rb"|<[0-9A-Fa-f\s]*>|[^\]()<])*\]"
_STRING = rb"(?:" + _LIT + rb"|<[0-9A-Fa-f\s]*>)"
_SIX = rb"(?:" + _NUM + rb"\s+){5}" + _NUM


def _unit(p: str) -> bytes:
    """What typst writes for every run of glyphs: render mode, font, text matrix, the show."""
    g = p.encode()
    return (
        rb"(?P<" + g + rb"mode>" + _NUM + rb")\s*Tr\s*(?P<" + g + rb"font>" + _NAME + rb")\s+"
        rb"(?P<" + g + rb"size>" + _NUM + rb")\s*Tf\s*(?P<" + g + rb"tm>" + _SIX + rb")\s*Tm\s*"
        rb"(?P<"
        + g
        + rb"show>(?P<"
        + g
        + rb"arr>"
        + _ARRAY
        + rb")\s*TJ|(?P<"
        + g
        + rb"lit>"
        + _STRING
        + rb")\s*Tj)"
    )


_PROPS = rb"<<(?:[^<>]|<[^<>]*>)*>>"
# The alternatives, most frequent first: typst's frames (a marked sequence, q, cm, colour, BT
# ... ET, Q, EMC) and runs, a span with one run in it, matched whole so that a page takes a
# few thousand matches; then every operator this module reads, one by one, for anything else.
_TOKENS = re.compile(
    rb"(?P<sunit>/Span\s*<</ActualText\s*<(?P<shex>[0-9A-Fa-f]*)>\s*>>\s*BDC\s*"
    + _unit("s")
    + rb"\s*EMC)"
    rb"|(?P<unit>" + _unit("u") + rb")"
    rb"|(?P<fopen>(?P<ftag>" + _NAME + rb")\s*(?P<fprops>" + _PROPS + rb")\s*BDC\s*q\s*"
    rb"(?P<fcm>"
    + _SIX
    + rb")\s*cm\s*(?P<fcs>"
    + _NAME
    + rb"\s*cs)\s*(?P<fsc>(?:"
    + _NUM
    + rb"\s+)*"
    + _NUM
    + rb"\s*scn)\s*BT(?![\w]))"
    rb"|(?<![\w/])(?P<fclose>ET\s*Q\s*EMC)(?![\w])"
    rb"|(?P<bdc>(?P<tag>" + _NAME + rb")\s*(?P<props>" + _PROPS + rb")\s*BDC)"
    rb"|(?P<bdcname>(?P<tag2>" + _NAME + rb")\s*" + _NAME + rb"\s*BDC)"
    rb"|(?P<bmc>(?P<tag3>" + _NAME + rb")\s*BMC)"
    rb"|(?P<tj>\[(?P<arr>(?:" + _LIT + rb"|<[0-9A-Fa-f\s]*>|[^\]()<])*)\]\s*TJ)"
    rb"|(?P<tj1>(?P<lit>" + _LIT + rb"|<[0-9A-Fa-f\s]*>)\s*Tj)"
    rb"|(?P<tf>(?P<font>" + _NAME + rb")\s+(?P<size>" + _NUM + rb")\s*Tf)"
    rb"|(?P<mat>" + _SIX + rb")\s*(?P<mop>cm|Tm)(?![\w])"
    rb"|(?P<tr>(?P<mode>" + _NUM + rb")\s*Tr)"
    rb"|(?P<tstate>(?:" + _NUM + rb"\s+)*(?:Tc|Tw|Tz|TL|Ts|Td|TD|T\*)(?![\w]))"
    rb"|(?P<quote>['\"])"
    rb"|(?P<color>(?:(?:" + _NAME + rb"|" + _NUM + rb")\s+)*(?:" + _NAME + rb"|" + _NUM + rb")\s*"
    rb"(?:cs|scn|sc|rg|g|k)(?![\w]))"
    rb"|(?<![\w/])(?P<kw>BT|ET|EMC|q|Q)(?![\w])",
    re.S,
)
_ARRAY_ITEM = re.compile(
    rb"(?P<lit>" + _LIT + rb")|<(?P<hex>[0-9A-Fa-f\s]*)>|(?P<num>" + _NUM + rb")"
)
_ESCAPES = {b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12, b"(": 40, b")": 41, b"\\": 92}
_ACTUAL = re.compile(rb"/ActualText\s*(?:<(?P<hex>[0-9A-Fa-f\s]*)>|(?P<lit>" + _LIT + rb"))", re.S)


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


# ----------------------------------------------------------------------------- glyph texts
def _decode_literal(token: bytes) -> bytes:
    body = token[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != 92:  # backslash
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        elif nxt in (b"\n", b"\r"):  # a line continuation
            i += 2
        else:
            out.append(_ESCAPES.get(nxt, nxt[0] if nxt else 92))
            i += 2
    return bytes(out)


def _pdf_text(raw: bytes) -> str:
    """A PDF text string (UTF-16BE with BOM, or PDFDocEncoding, read as Latin-1)."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    return raw.decode("latin-1")


@lru_cache(maxsize=4096)
def _actual_text(props: bytes) -> str | None:
    match = _ACTUAL.search(props)
    if match is None:
        return None
    if match.group("hex") is not None:
        return _pdf_text(bytes.fromhex(re.sub(rb"\s", b"", match.group("hex")).decode()))
    return _pdf_text(_decode_literal(match.group("lit")))


@cache
def glyph_texts() -> dict[str, tuple[str, ...]]:
    """Glyph name -> the texts that glyph can stand for, from Sarabun's cmap and GSUB.

    cmap gives the glyph of each character; GSUB's substitutions give the shaping-only glyphs
    (ุ.small, the narrow and small tone marks, ฐ without its tail) the characters of the glyph
    they replace, and ligatures the characters of their components in either order.
    """
    texts: dict[str, list[str]] = {}

    def add(name: str, text: str) -> bool:
        if not text:
            return False
        known = texts.setdefault(name, [])
        if text in known:
            return False
        known.append(text)
        return True

    for path in font_files():
        font = TTFont(str(path), lazy=True)
        for code, name in sorted(font.getBestCmap().items()):
            add(name, chr(code))
        lookups = font["GSUB"].table.LookupList.Lookup if "GSUB" in font else []
        subtables = []
        for lookup in lookups:
            for sub in lookup.SubTable:
                kind = lookup.LookupType
                if kind == 7:
                    kind, sub = sub.ExtensionLookupType, sub.ExtSubTable
                subtables.append((kind, sub))
        for _ in range(4):  # substitutions of substitutions: a few rounds reach them all
            grew = False
            for kind, sub in subtables:
                if kind == 1:
                    for src, dst in sub.mapping.items():
                        for text in list(texts.get(src, ())):
                            grew |= add(dst, text)
                elif kind == 3:
                    for src, alternates in sub.alternates.items():
                        for dst in alternates:
                            for text in list(texts.get(src, ())):
                                grew |= add(dst, text)
                elif kind == 4:
                    for first, ligatures in sub.ligatures.items():
                        for lig in ligatures:
                            parts = [texts.get(g, ("",))[0] for g in [first, *lig.Component]]
                            if all(parts):
                                grew |= add(lig.LigGlyph, "".join(parts))
                                if len(parts) == 2:  # Thai mark ligatures: either order
                                    grew |= add(lig.LigGlyph, parts[1] + parts[0])
            if not grew:
                break
    return {name: tuple(values) for name, values in texts.items()}


def _assign(candidates: list[tuple[str, ...]], text: str) -> list[str] | None:
    """Split `text` over the glyphs of one cluster: each glyph takes one of its own texts.

    SARA AM counts as nikhahit + sara aa (Sarabun draws it so): the glyph drawing nikhahit
    takes ำ and the one drawing that sara aa takes nothing. None when no split fits.
    """
    expanded = []  # (character of the expanded text, index of its character in `text`, role)
    for index, char in enumerate(text):
        if char == SARA_AM:
            expanded.append((NIKHAHIT, index, "am"))
            expanded.append((SARA_AA, index, "aa"))
        else:
            expanded.append((char, index, ""))
    flat = "".join(c for c, _, _ in expanded)

    def search(g: int, pos: int) -> list[tuple[int, int]] | None:
        if g == len(candidates):
            return [] if pos == len(flat) else None
        for option in candidates[g]:
            if flat.startswith(option, pos):
                rest = search(g + 1, pos + len(option))
                if rest is not None:
                    return [(pos, pos + len(option)), *rest]
        return None

    spans = search(0, 0)
    if spans is None:
        return None
    out = []
    for start, end in spans:
        part = []
        for char, _, role in expanded[start:end]:
            if role == "am":
                part.append(SARA_AM)
            elif role == "aa":
                continue
            else:
                part.append(char)
        out.append("".join(part))
    return out


# ----------------------------------------------------------------------------- fonts
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
            found = frozenset(g for g, own in self.candidates.items() if own and _is_mark(own[0]))
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
        """_assign for these glyphs (clusters repeat: remembered per font)."""
        key = (glyphs, text)
        if key not in self.splits:
            self.splits[key] = _assign([self.candidates.get(g, ()) for g in glyphs], text)
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


def _sfnt_tables(data: bytes) -> dict[bytes, bytes]:
    """The tables of a TrueType font file, by tag."""
    count = struct.unpack_from(">H", data, 4)[0]
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag] = data[offset : offset + length]
    return tables


def _sfnt(tables: dict[bytes, bytes]) -> bytes:
    """A TrueType font file of `tables`, with its checksums (head's adjustment too)."""

    def checksum(block: bytes) -> int:
        block += bytes(-len(block) % 4)
        return sum(struct.unpack(f">{len(block) // 4}I", block)) & 0xFFFFFFFF

    tags = sorted(tables)
    head = bytearray(tables[b"head"])
    head[8:12] = bytes(4)
    tables = {**tables, b"head": bytes(head)}
    power = 1 << (len(tags).bit_length() - 1)
    out = bytearray(
        struct.pack(
            ">IHHHH",
            0x00010000,
            len(tags),
            power * 16,
            power.bit_length() - 1,
            (len(tags) - power) * 16,
        )
    )
    offset = 12 + 16 * len(tags)
    body = bytearray()
    for tag in tags:
        block = tables[tag]
        out += struct.pack(">4sIII", tag, checksum(block), offset + len(body), len(block))
        body += block + bytes(-len(block) % 4)
    font = out + body
    at = (
        12
        + 16 * len(tags)
        + sum(len(tables[t]) + (-len(tables[t]) % 4) for t in tags[: tags.index(b"head")])
    )
    adjust = (0xB1B0AFBA - checksum(bytes(font))) & 0xFFFFFFFF
    font[at + 8 : at + 12] = struct.pack(">I", adjust)
    return bytes(font)


def _glyph_names(tables: dict[bytes, bytes]) -> list[str]:
    """Glyph names from the 'post' table (format 2; other formats give no names)."""
    count = struct.unpack_from(">H", tables[b"maxp"], 4)[0]
    post = tables.get(b"post", b"")
    if len(post) < 34 or struct.unpack_from(">I", post, 0)[0] != 0x00020000:
        return [""] * count
    n = struct.unpack_from(">H", post, 32)[0]
    indices = struct.unpack_from(f">{n}H", post, 34)
    extra, at = [], 34 + 2 * n
    while at < len(post):
        size = post[at]
        extra.append(post[at + 1 : at + 1 + size].decode("latin-1"))
        at += 1 + size
    names = [standardGlyphOrder[i] if i < 258 else extra[i - 258] for i in indices]
    return (names + [""] * count)[:count]


def _with_raised_glyphs(font_file: bytes, raised: dict[tuple[int, int, int], int]) -> bytes:
    """The TrueType font with a composite glyph for each (glyph, dx, dy): that glyph moved by
    (dx, dy) units, with its own advance, appended after the font's glyphs in `raised` order."""
    tables = _sfnt_tables(font_file)
    head, maxp, hhea = tables[b"head"], bytearray(tables[b"maxp"]), bytearray(tables[b"hhea"])
    long_loca = struct.unpack_from(">h", head, 50)[0] == 1
    count = struct.unpack_from(">H", maxp, 4)[0]
    loca = list(
        struct.unpack_from(f">{count + 1}I", tables[b"loca"])
        if long_loca
        else (2 * o for o in struct.unpack_from(f">{count + 1}H", tables[b"loca"]))
    )
    glyf = bytearray(tables[b"glyf"])
    metrics_count = struct.unpack_from(">H", hhea, 34)[0]
    hmtx = tables[b"hmtx"]
    advances = list(struct.unpack_from(f">{metrics_count * 2}H", hmtx))[::2]
    lsbs = list(struct.unpack_from(f">{metrics_count * 2}h", hmtx))[1::2]
    lsbs += struct.unpack_from(f">{count - metrics_count}h", hmtx, 4 * metrics_count)
    advances += [advances[-1]] * (count - metrics_count)
    names = _glyph_names(tables)
    depth = 1
    for (glyph, dx, dy), new in sorted(raised.items(), key=lambda item: item[1]):
        assert new == len(loca) - 1
        record = glyf[loca[glyph] : loca[glyph + 1]]
        x0, y0, x1, y1 = struct.unpack_from(">4h", record, 2) if record else (0, 0, 0, 0)
        if record and struct.unpack_from(">h", record, 0)[0] < 0:
            depth = 2  # a composite of a composite (Sarabun's นํ้ ligatures are composites)
        glyf += bytes(-len(glyf) % 4)
        loca[-1] = len(glyf)
        # one component, word arguments that are x/y offsets (flags 0x0001 | 0x0002)
        glyf += struct.pack(
            ">h4hHHhh", -1, x0 + dx, y0 + dy, x1 + dx, y1 + dy, 0x0003, glyph, dx, dy
        )
        glyf += bytes(-len(glyf) % 4)
        loca.append(len(glyf))
        advances.append(advances[glyph])
        # renderers place a TrueType glyph by its left side bearing: it moves with the outline
        lsbs.append(lsbs[glyph] + dx)
        names.append(f"{names[glyph] or 'glyph'}.at{dx}_{dy}")
    total = len(loca) - 1
    struct.pack_into(">H", maxp, 4, total)
    if len(maxp) >= 32:  # version 1.0: the composite limits
        elements, old_depth = struct.unpack_from(">HH", maxp, 28)
        struct.pack_into(">HH", maxp, 28, max(elements, 1), max(old_depth, depth))
    struct.pack_into(">H", hhea, 34, total)
    tables[b"maxp"], tables[b"hhea"], tables[b"glyf"] = bytes(maxp), bytes(hhea), bytes(glyf)
    tables[b"hmtx"] = b"".join(
        struct.pack(">Hh", a, b) for a, b in zip(advances, lsbs, strict=True)
    )
    if long_loca or loca[-1] > 0x1FFFE:
        head = bytearray(head)
        struct.pack_into(">h", head, 50, 1)
        tables[b"head"] = bytes(head)
        tables[b"loca"] = struct.pack(f">{len(loca)}I", *loca)
    else:
        tables[b"loca"] = struct.pack(f">{len(loca)}H", *(o // 2 for o in loca))
    post = tables.get(b"post", b"")
    if len(post) >= 34 and struct.unpack_from(">I", post, 0)[0] == 0x00020000:
        n = struct.unpack_from(">H", post, 32)[0]
        indices = list(struct.unpack_from(f">{n}H", post, 34))
        strings = post[34 + 2 * n :]
        custom = max([i - 257 for i in indices if i >= 258], default=0)
        for name in names[n:]:
            indices.append(258 + custom)
            custom += 1
            strings += bytes([len(name)]) + name.encode("latin-1")
        tables[b"post"] = (
            post[:32] + struct.pack(f">H{len(indices)}H", len(indices), *indices) + strings
        )
    return _sfnt(tables)


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


# ----------------------------------------------------------------------------- content
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


def _inv(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def _num(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


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
    tm: Matrix
    fill: tuple[bytes, bytes]
    mode: bytes
    regular: bool  # no text state beyond Tf and Tr (Tc, Tw, Tz, Ts, Td …) in its text object
    artifact: bool = False  # in the page's header or footer (typst marks them so), not the body
    # what goes when the show is moved away: the show, or the span typst wrapped it in alone
    cut: tuple[int, int] | None = None
    removed: bool = False
    changed: bool = False

    def slots(self) -> list[_Slot]:
        return [e for e in self.entries if isinstance(e, _Slot)]

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


@lru_cache(maxsize=8192)
def _items(token: bytes, is_array: bool) -> tuple[float | int, ...]:
    """A TJ/Tj operand as adjustments (float) and glyph codes (int); operands repeat a lot."""
    out: list[float | int] = []
    for match in _ARRAY_ITEM.finditer(token):
        if match.group("num") is not None:
            if is_array:
                out.append(float(match.group("num")))
            continue
        if match.group("lit") is not None:
            raw = _decode_literal(match.group("lit"))
        else:
            raw = bytes.fromhex(re.sub(rb"\s", b"", match.group("hex")).decode())
        out += [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
    return tuple(out)


def _entries(token: bytes, is_array: bool) -> list[float | _Slot]:
    return [i if isinstance(i, float) else _Slot(i) for i in _items(token, is_array)]


def _scan(
    data: bytes, fonts: dict[bytes, _Font | None], every: bool = False
) -> tuple[list[_Show], list[str]] | None:
    """The shows of a content stream and the ActualText of its spans; None if not understood.

    A run outside any span whose glyphs all read as their own characters and all advance
    needs nothing (about half the runs): it is left out unless `every`, or unless the next
    run begins with a mark that belongs to its last cluster.
    """
    shows: list[_Show] = []
    skipped: tuple | None = None  # the run left out just before, should the next need it
    spans: list[str] = []
    ctm: Matrix = IDENTITY
    tm: Matrix = IDENTITY
    fill: tuple[bytes, bytes] = (b"", b"")
    font_name, size, mode = b"", 0.0, b"0"
    stack: list[tuple[Matrix, tuple[bytes, bytes], bytes, float, bytes]] = []
    marks: list[int | None] = []  # per open marked-content sequence: its ActualText span
    artifacts: list[bool] = []  # per open sequence: whether it is the page's header or footer
    regular = True
    in_artifact = False
    for m in _TOKENS.finditer(data):
        kind = m.lastgroup
        span = None
        if kind == "sunit" or kind == "unit":
            p = "s" if kind == "sunit" else "u"
            mode, font_name = m.group(p + "mode"), m.group(p + "font")
            size = float(m.group(p + "size"))
            tm = tuple(map(float, m.group(p + "tm").split()))  # type: ignore[assignment]
            array = m.group(p + "arr")
            is_array = array is not None
            token = array[1:-1] if is_array else m.group(p + "lit")
            start, end = m.start(p + "show"), m.end(p + "show")
            cut = (start, end)
            if kind == "sunit":
                spans.append(_utf16_text(m.group("shex")))
                span = len(spans) - 1
                cut = (m.start(), m.end())
        elif kind == "fopen":
            props = m.group("fprops")
            marks.append(None)
            artifacts.append(_is_furniture(m.group("ftag"), props))
            in_artifact = any(artifacts)
            stack.append((ctm, fill, font_name, size, mode))
            ctm = _mul(tuple(map(float, m.group("fcm").split())), ctm)  # type: ignore[arg-type]
            fill = (m.group("fcs"), m.group("fsc"))
            tm = IDENTITY
            regular = True
            continue
        elif kind == "fclose":
            if not stack or not marks:
                return None
            ctm, fill, font_name, size, mode = stack.pop()
            marks.pop()
            artifacts.pop()
            in_artifact = any(artifacts)
            continue
        elif kind == "kw":
            word = m.group("kw")
            if word == b"q":
                stack.append((ctm, fill, font_name, size, mode))
            elif word == b"Q":
                if not stack:
                    return None
                ctm, fill, font_name, size, mode = stack.pop()
            elif word == b"BT":
                tm = IDENTITY
                regular = True
            elif word == b"EMC":
                if not marks:
                    return None
                marks.pop()
                artifacts.pop()
                in_artifact = any(artifacts)
            continue
        elif kind == "bdc":
            text = _actual_text(m.group("props"))
            if text is None:
                marks.append(None)
            else:
                spans.append(text)
                marks.append(len(spans) - 1)
            artifacts.append(_is_furniture(m.group("tag"), m.group("props")))
            in_artifact = any(artifacts)
            continue
        elif kind == "bdcname" or kind == "bmc":
            marks.append(None)
            artifacts.append(False)
            continue
        elif kind == "mop":
            matrix = tuple(map(float, m.group("mat").split()))
            if m.group("mop") == b"cm":
                ctm = _mul(matrix, ctm)  # type: ignore[arg-type]
            else:
                tm = matrix  # type: ignore[assignment]
            continue
        elif kind == "tf":
            font_name, size = m.group("font"), float(m.group("size"))
            continue
        elif kind == "tr":
            mode = m.group("mode")
            continue
        elif kind == "tstate":
            regular = False
            continue
        elif kind == "quote":
            return None  # ' and " show text too; typst does not write them
        elif kind == "color":
            token = m.group("color")
            fill = (token, fill[1]) if token.endswith(b"cs") else (fill[0], token)
            continue
        else:  # tj, tj1
            is_array = kind == "tj"
            token = m.group("arr") if is_array else m.group("lit")
            start, end = m.start(), m.end()
            cut = (start, end)
        if span is None:
            for mark in reversed(marks):
                if mark is not None:
                    span = mark
                    break
        font = fonts.get(font_name)
        items = _items(token, is_array)
        if font is None:
            if any(type(i) is int for i in items):
                return None
        elif not every and span is None and font.plain_run(items):
            state = (ctm, tm, fill, mode, regular, in_artifact, cut)
            skipped = (start, end, font, size, token, is_array, state)
            continue
        elif skipped is not None and span is None:
            first = next((i for i in items if type(i) is int), None)
            if first is not None and not font.old.get(first):  # it joins the run before's
                s_start, s_end, s_font, s_size, s_token, s_array, s_state = skipped
                s_ctm, s_tm, s_fill, s_mode, s_regular, s_artifact, s_cut = s_state
                shows.append(
                    _Show(
                        s_start,
                        s_end,
                        s_font,
                        s_size,
                        _entries(s_token, s_array),
                        None,
                        s_ctm,
                        s_tm,
                        s_fill,
                        s_mode,
                        s_regular,
                        s_artifact,
                        s_cut,
                    )
                )
        skipped = None
        shows.append(
            _Show(
                start,
                end,
                font,
                size,
                [i if type(i) is float else _Slot(i) for i in items],  # type: ignore[misc]
                span,
                ctm,
                tm,
                fill,
                mode,
                regular,
                in_artifact,
                cut,
            )
        )
    if marks or stack:
        return None
    return shows, spans


@lru_cache(maxsize=4096)
def _utf16_text(hex_digits: bytes) -> str:
    return _pdf_text(bytes.fromhex(hex_digits.decode()))


def _is_furniture(tag: bytes, props: bytes) -> bool:
    """Whether a marked sequence is the page's header or footer (typst's pagination artifacts
    with a subtype; a repeated table header is an artifact too, but part of the page's text)."""
    return tag == b"/Artifact" and re.search(rb"/Subtype\s*/(?:Header|Footer)", props) is not None


def _groups(shows: list[_Show], spans: list[str]) -> list[_Group]:
    """The clusters: an ActualText span is one; outside spans each glyph with a ToUnicode
    entry begins one and the marks after it (no entry of their own) belong to it."""
    groups: list[_Group] = []
    current: int | None = None  # the span of the last group
    for index, show in enumerate(shows):
        assert show.font is not None or not show.slots()
        for slot in show.slots():
            last = groups[-1] if groups else None
            if show.span is not None:
                if last is not None and current == show.span:
                    last.slots.append(slot)
                    if last.shows[-1] != index:
                        last.shows.append(index)
                else:
                    groups.append(_Group(spans[show.span], [slot], [index]))
                current = show.span
                continue
            text = show.font.old.get(slot.glyph, "")  # type: ignore[union-attr]
            if text or last is None or current is not None:
                groups.append(_Group(text, [slot], [index]))
            else:  # a mark without text of its own: part of the cluster before it
                last.slots.append(slot)
                if last.shows[-1] != index:
                    last.shows.append(index)
            current = None
    return groups


def _is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c) == "Mn" for c in text)


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
    s_matrix, t_matrix = _mul(s.tm, s.ctm), _mul(t.tm, t.ctm)
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
    return all(slot.glyph in marks for slot in group.slots) and not _is_mark(group.text)


def _fix_page(data: bytes, fonts: dict[bytes, _Font | None], stats: TextLayerStats) -> bytes | None:
    scanned = _scan(data, fonts)
    if scanned is None:
        return None
    shows, spans = scanned

    # 1. stray marks go into their cluster's own run
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

    for show in shows:
        _marks_at_the_pen(show, stats)

    # 2. each glyph's share of its cluster's text, and the code that reads so
    for group in kept:
        font = shows[group.shows[0]].font
        assert font is not None
        parts = font.split(tuple(s.glyph for s in group.slots), group.text)
        if parts is None:
            parts = [group.text] + [""] * (len(group.slots) - 1)
            stats.whole_clusters += 1
        for slot, part in zip(group.slots, parts, strict=True):
            slot.code = font.code(slot.glyph, part)

    # 3. the stream again: every show written anew (codes), strays dropped, spans added
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
        font = show.font
        slots = show.slots()
        if font is None or (
            not show.changed
            and all(slot.code == slot.glyph and not font.no_advance(slot.glyph) for slot in slots)
        ):
            out += data[show.start : show.end]  # nothing to change: typst's own bytes
            continue
        codes = [slot.code for slot in slots]
        needs_span = (
            show.span is None
            and font is not None
            and any(code is not None and font.texts.get(code) == "" for code in codes)
        )
        if needs_span:
            text = "".join(font.texts[c] for c in codes if c is not None)  # type: ignore[union-attr]
            out += b"/Span<</ActualText<FEFF" + _utf16_hex(text).encode() + b">>>BDC "
            stats.spans_added += 1
        out += _encode(show.entries, font)
        if needs_span:
            out += b" EMC "
    out += data[last:]
    return bytes(out)


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
    return _mul((1.0, 0.0, 0.0, 1.0, x, 0.0), _mul(show.tm, show.ctm))[4:]  # type: ignore[return-value]


def first_lines(pdf_bytes: bytes) -> list[str]:
    """The text of each page's top line of body text, left to right, as typed (each cluster
    once; the header and footer left out; a space where the line jumps to another cell)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    loaded: dict[tuple[int, int], _Font | None] = {}
    out = []
    for page in pdf.pages:
        scanned = _scan(_page_content(page), _page_fonts(page, loaded), every=True)
        if scanned is None:
            out.append("")
            continue
        shows, spans = scanned
        texts: dict[int, list[str]] = {}  # show index -> texts of the clusters it begins
        kept: list[_Group] = []
        for group in _groups(shows, spans):
            if not _is_stray(shows, group, kept):
                kept.append(group)
                texts.setdefault(group.shows[0], []).append(group.text)
        body = [(i, _point(shows[i], 0.0)) for i in texts if not shows[i].artifact]
        if not body:
            out.append("")
            continue
        top = max(y for _, (_, y) in body)
        line = sorted((x, i) for i, (x, y) in body if abs(y - top) <= 0.3 * shows[i].size)
        parts: list[str] = []
        end_x = None
        for x, i in line:
            show = shows[i]
            if end_x is not None and x - end_x > 0.3 * show.size:
                parts.append(" ")
            parts += texts[i]
            end_x = _point(show, show.pen_after(show.slots()[-1]))[0]
        out.append("".join(parts).strip())
    return out


def _page_fonts(
    page: pikepdf.Page, loaded: dict[tuple[int, int], _Font | None]
) -> dict[bytes, _Font | None]:
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    fonts: dict[bytes, _Font | None] = {}
    for name, obj in resources.get("/Font", pikepdf.Dictionary()).items():
        if obj.objgen not in loaded:
            loaded[obj.objgen] = _load_font(obj)
        fonts[name.encode("latin-1")] = loaded[obj.objgen]
    return fonts


def _page_content(page: pikepdf.Page) -> bytes:
    contents = page.obj.Contents
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(c.read_bytes() for c in contents)
    return contents.read_bytes()


def fix_text_layer(pdf_bytes: bytes) -> tuple[bytes, TextLayerStats]:
    """The PDF with a text layer that reads back as typed; see the module docstring.

    A page whose content is not understood leaves the whole PDF as typst wrote it (logged and
    counted in the stats), so a typst upgrade can degrade the text layer but never the page.
    """
    stats = TextLayerStats()
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    loaded: dict[tuple[int, int], _Font | None] = {}
    fixed: list[tuple[pikepdf.Page, bytes]] = []
    for number, page in enumerate(pdf.pages, 1):
        fonts = _page_fonts(page, loaded)
        data = _page_content(page)
        result = _fix_page(data, fonts, stats)
        if result is None:
            stats.skipped_pages.append(number)
        else:
            fixed.append((page, result))
    if stats.skipped_pages:
        # a re-encoded page and one left alone cannot share a font's new ToUnicode
        log.error("memo text layer: pages %s not understood; PDF left as is", stats.skipped_pages)
        return pdf_bytes, stats
    for page, data in fixed:
        page.obj.Contents = pdf.make_stream(data)
    for font in loaded.values():
        if font is not None and font.texts:
            _write_font(pdf, font)
            stats.aliases += sum(
                1
                for code, glyph in font.glyph_of.items()
                if code != glyph or code >= len(font.names)
            )
            stats.raised_glyphs += len(font.raised)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue(), stats
