"""Raw TrueType tables of an embedded font subset: glyph names, and composite glyphs added (a
glyph drawn moved), written back with their checksums."""

from __future__ import annotations

import struct

from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder


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
    loca, glyf = _locations(tables), bytearray(tables[b"glyf"])
    advances, lsbs = _metrics(tables, len(loca) - 1)
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
    _set_counts(tables, len(loca) - 1, depth)
    tables[b"glyf"] = bytes(glyf)
    tables[b"hmtx"] = b"".join(
        struct.pack(">Hh", a, b) for a, b in zip(advances, lsbs, strict=True)
    )
    _set_locations(tables, loca)
    _add_names(tables, names)
    return _sfnt(tables)


def _locations(tables: dict[bytes, bytes]) -> list[int]:
    """The 'loca' table as byte offsets into 'glyf'."""
    count = struct.unpack_from(">H", tables[b"maxp"], 4)[0]
    if struct.unpack_from(">h", tables[b"head"], 50)[0] == 1:
        return list(struct.unpack_from(f">{count + 1}I", tables[b"loca"]))
    return [2 * o for o in struct.unpack_from(f">{count + 1}H", tables[b"loca"])]


def _set_locations(tables: dict[bytes, bytes], loca: list[int]) -> None:
    long_loca = struct.unpack_from(">h", tables[b"head"], 50)[0] == 1
    if long_loca or loca[-1] > 0x1FFFE:
        head = bytearray(tables[b"head"])
        struct.pack_into(">h", head, 50, 1)
        tables[b"head"] = bytes(head)
        tables[b"loca"] = struct.pack(f">{len(loca)}I", *loca)
    else:
        tables[b"loca"] = struct.pack(f">{len(loca)}H", *(o // 2 for o in loca))


def _metrics(tables: dict[bytes, bytes], count: int) -> tuple[list[int], list[int]]:
    """Every glyph's advance and left side bearing ('hmtx' written short or not)."""
    metrics_count = struct.unpack_from(">H", tables[b"hhea"], 34)[0]
    hmtx = tables[b"hmtx"]
    advances = list(struct.unpack_from(f">{metrics_count * 2}H", hmtx))[::2]
    lsbs = list(struct.unpack_from(f">{metrics_count * 2}h", hmtx))[1::2]
    lsbs += struct.unpack_from(f">{count - metrics_count}h", hmtx, 4 * metrics_count)
    advances += [advances[-1]] * (count - metrics_count)
    return advances, lsbs


def _set_counts(tables: dict[bytes, bytes], total: int, depth: int) -> None:
    """The glyph count in 'maxp' and 'hhea' (every glyph gets a long metric), and the
    composite limits of a version 1.0 'maxp'."""
    maxp, hhea = bytearray(tables[b"maxp"]), bytearray(tables[b"hhea"])
    struct.pack_into(">H", maxp, 4, total)
    if len(maxp) >= 32:
        elements, old_depth = struct.unpack_from(">HH", maxp, 28)
        struct.pack_into(">HH", maxp, 28, max(elements, 1), max(old_depth, depth))
    struct.pack_into(">H", hhea, 34, total)
    tables[b"maxp"], tables[b"hhea"] = bytes(maxp), bytes(hhea)


def _add_names(tables: dict[bytes, bytes], names: list[str]) -> None:
    """The names of the glyphs added, in a format 2 'post' table (other formats have none)."""
    post = tables.get(b"post", b"")
    if len(post) < 34 or struct.unpack_from(">I", post, 0)[0] != 0x00020000:
        return
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
