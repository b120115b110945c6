"""The text of a PDF that typst made, line by line, with each line's page and position.

pypdf's own extract_text() garbles typst's Thai: typst maps each glyph cluster to text with
/ActualText spans, which pypdf ignores. `pdf_lines` reads the content stream itself, honouring
ActualText, and keeps each line's page and position so table marks can be checked by column.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pypdf
from pypdf.generic import DictionaryObject


@dataclass
class Line:
    page: int
    x: float
    y: float
    text: str


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    data = font["/ToUnicode"].get_object().get_data().decode("latin1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            base = bytes.fromhex(dst).decode("utf-16-be")
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = base[:-1] + chr(ord(base[-1]) + i)
    return out


_TOKEN = re.compile(
    rb"""\s+
    |(?P<str>\((?:\\.|[^\\()])*\))
    |(?P<hex><[0-9A-Fa-f\s]*>)
    |(?P<open><<|\[)
    |(?P<close>>>|\])
    |(?P<name>/[^\s/\[\]()<>{}%]*)
    |(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))
    |(?P<op>[A-Za-z'"*]+)""",
    re.X,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(token: bytes) -> bytes:
    out, i, body = bytearray(), 0, token[1:-1]
    while i < len(body):
        c = body[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def _operations(data: bytes):
    """(operands, operator) pairs of a typst content stream; a small, fast tokenizer.

    pypdf's own ContentStream parser takes seconds on a 36-page memo.
    """
    stack: list[list] = [[]]
    for match in _TOKEN.finditer(data):
        kind = match.lastgroup
        token = match.group()
        if kind is None:
            continue
        if kind == "str":
            stack[-1].append(_literal(token))
        elif kind == "hex":
            stack[-1].append(bytes.fromhex(re.sub(rb"\s", b"", token[1:-1]).decode()))
        elif kind == "open":
            stack.append([token])
        elif kind == "close":
            items = stack.pop()
            opener, items = items[0], items[1:]
            if opener == b"<<":
                stack[-1].append(dict(zip(items[::2], items[1::2], strict=False)))
            else:
                stack[-1].append(items)
        elif kind == "name":
            stack[-1].append(token.decode("latin1"))
        elif kind == "num":
            stack[-1].append(float(token))
        else:
            if len(stack) == 1:
                yield stack[0], token
                stack[0] = []
            else:
                stack[-1].append(token)


def _utf16(value: bytes) -> str:
    return (
        value[2:].decode("utf-16-be") if value.startswith(b"\xfe\xff") else value.decode("latin1")
    )


def pdf_lines(pdf: bytes) -> list[Line]:
    """Text runs in content order with page and position (PDF points, origin bottom left)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    lines: list[Line] = []
    for number, page in enumerate(reader.pages, 1):
        fonts = {
            name: _to_unicode(f.get_object()) for name, f in page["/Resources"]["/Font"].items()
        }
        cmap: dict[int, str] = {}
        spans: list[str | None] = []
        current: Line | None = None
        for operands, op in _operations(page.get_contents().get_data()):
            if op == b"cm":
                current = Line(number, operands[4], operands[5], "")
                lines.append(current)
            elif op == b"Tf":
                cmap = fonts[operands[0]]
            elif op == b"BDC":
                props = operands[1] if len(operands) > 1 else None
                actual = props.get("/ActualText") if isinstance(props, dict) else None
                spans.append(None if actual is None else _utf16(actual))
                if actual is not None and current is not None:
                    current.text += _utf16(actual)
            elif op == b"BMC":
                spans.append(None)
            elif op == b"EMC":
                if spans:
                    spans.pop()
            elif op in (b"Tj", b"TJ") and current is not None:
                if any(s is not None for s in spans):
                    continue
                items = operands[0] if op == b"TJ" else [operands[0]]
                for raw in items:
                    if isinstance(raw, bytes):
                        for i in range(0, len(raw) - 1, 2):
                            current.text += cmap.get(int.from_bytes(raw[i : i + 2], "big"), "")
    # the memo's text layer is exact (jobs/memo/textlayer): no run repeats another
    return [line for line in lines if line.text]
