"""Which characters each of Sarabun's glyphs draws, and how a cluster's text is shared out over
its glyphs."""

from __future__ import annotations

import unicodedata
from functools import cache

from fontTools.ttLib import TTFont

from jobs.memo.fonts import font_files

# Thai code points by name (chr: the texts catalogue holds sentences, not these)
SARA_AM = chr(0x0E33)
NIKHAHIT = chr(0x0E4D)
SARA_AA = chr(0x0E32)


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


def split_cluster(candidates: list[tuple[str, ...]], text: str) -> list[str] | None:
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


def is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c) == "Mn" for c in text)
