"""The content-stream operators the text layer reads, as typst writes them: one regular
expression matches a page's runs, frames and markers in content order (everything else, paths
and images, is passed over and copied through), narrower ones find typst's runs and frames
faster (stream.py uses them first), with what decodes their operands."""

from __future__ import annotations

import re
from functools import lru_cache

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
# The lookahead: a byte that can begin no token (whitespace, mostly) is passed over at once
# instead of trying each alternative there.
_TOKENS = re.compile(
    rb"(?=[/0-9+\-.\[(<BEQqT'\"])(?:"
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
    rb"|(?<![\w/])(?P<kw>BT|ET|EMC|q|Q)(?![\w]))",
    re.S,
)
# typst's run of glyphs, alone or in a span of its own (sunit above), found fast: the run starts
# at its render mode (one digit where a number can begin, the scanner checks: sre skips ahead
# to candidates instead of trying every alternative above at every byte), with possessive
# quantifiers where the match cannot backtrack anyway. What lies between
# two such runs (frames, spans, paths) is read with _TOKENS; a run that this pattern does not
# match is read there too, the same way, so this is only a shortcut.
_POSSESSIVE_LIT = rb"\((?:[^\\()]++|\\.)*+\)"
_POSSESSIVE_NUM = rb"[-+]?+(?:\d++\.?+\d*+|\.\d++)(?![\d.])"
_FAST_UNIT = re.compile(
    rb"(?:/Span\s*<</ActualText\s*<(?P<shex>[0-9A-Fa-f]*)>\s*>>\s*BDC\s*)?"  # sunit's span
    rb"(?P<mode>\d)\s*+Tr\s*+(?P<font>" + _NAME + rb")\s++"
    rb"(?P<size>" + _POSSESSIVE_NUM + rb")\s*+Tf\s*+"
    rb"(?P<tm>(?:" + _POSSESSIVE_NUM + rb"\s++){5}" + _POSSESSIVE_NUM + rb")\s*+Tm\s*+"
    rb"(?P<show>\[(?P<arr>(?:" + _POSSESSIVE_LIT + rb"|<[0-9A-Fa-f\s]*+>|[^\]()<]++)*+)\]\s*+TJ"
    rb"|(?P<lit>" + _POSSESSIVE_LIT + rb"|<[0-9A-Fa-f\s]*+>)\s*+Tj)"
    rb"(?P<emc>\s*EMC)?",  # with shex: sunit; without, the EMC is left to what follows
    re.S,
)
# What typst writes between the last run of one text object and the first of the next: its
# end (ET, Q and the marked sequence's EMC), paths, and the next one's frame (as fopen above),
# read in one match; the same tokens as _TOKENS, with its lookarounds, so only a shortcut.
_PATH_OPS = (
    rb"(?:re|m|l|c|v|y|h|S|s|f\*?|F|B\*?|b\*?|n|W\*?|w|J|j|M|CS|SCN|SC|RG|G|K|cs|scn|sc|rg|g|k)"
)
# typst's table rules and other paths: a layout artifact, q, cm, path and colour operators, Q,
# EMC; the tokens of _TOKENS in it change nothing that lasts past its Q and EMC
_PATH_BLOCK = (
    rb"/Artifact\s*<</Type\s*/Layout>>\s*BDC\s*(?<![\w/])q\s+" + _SIX + rb"\s*cm"
    rb"(?:\s*" + _NAME + rb"|\s+" + _NUM + rb"|\s+" + _PATH_OPS + rb"(?![^\s/\[\]()<>{}%]))*"
    rb"\s+Q(?![\w])\s*EMC(?![\w])"
)
_FRAME_GAP = re.compile(
    rb"(?:\s+(?P<emc0>EMC)(?![\w]))?"
    rb"(?:\s+(?P<close>ET\s*Q(?![\w])(?:\s*(?P<emc>EMC)(?![\w]))?))?"
    rb"(?:\s*" + _PATH_BLOCK + rb")*\s*"
    rb"(?:(?P<open>(?:(?P<ftag>" + _NAME + rb")\s*(?P<fprops>" + _PROPS + rb")\s*BDC\s*)?"
    rb"(?<![\w/])q\s+(?P<fcm>" + _SIX + rb")\s*cm\s*(?P<fcs>" + _NAME + rb"\s*cs)\s*"
    rb"(?P<fsc>(?:" + _NUM + rb"\s+)*" + _NUM + rb"\s*scn)\s*BT(?![\w]))\s*)?"
)
_ARRAY_ITEM = re.compile(
    rb"(?P<lit>" + _LIT + rb")|<(?P<hex>[0-9A-Fa-f\s]*)>|(?P<num>" + _NUM + rb")"
)
_ESCAPES = {b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12, b"(": 40, b")": 41, b"\\": 92}
_ACTUAL = re.compile(rb"/ActualText\s*(?:<(?P<hex>[0-9A-Fa-f\s]*)>|(?P<lit>" + _LIT + rb"))", re.S)


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


@lru_cache(maxsize=4096)
def _utf16_text(hex_digits: bytes) -> str:
    return _pdf_text(bytes.fromhex(hex_digits.decode()))


def _is_furniture(tag: bytes, props: bytes) -> bool:
    """Whether a marked sequence is the page's header or footer (typst's pagination artifacts
    with a subtype; a repeated table header is an artifact too, but part of the page's text)."""
    return tag == b"/Artifact" and re.search(rb"/Subtype\s*/(?:Header|Footer)", props) is not None


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


def _num(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
