"""The measure titles as the parser reads them: word-aligned fragments of every title and
where they stand in a message ("ความโปร่งใส" for the measure whose title holds it)."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from handlers.parse_vocab import normalise, prepare


@dataclass(frozen=True)
class MeasureRef:
    """What the parser knows of a measure."""

    id: str  # "1".."N" (Arabic digits)
    title: str
    short_title: str = ""


# Words too common in titles to point at one measure on their own.
_GENERIC_EXTRA = frozenset(
    {
        *("หน่วยงาน", "หน่วย", "งาน", "ดำเนินการ", "ดำเนินงาน", "ดำเนิน", "มาตรการ", "มาตร"),
        *("ข้อมูล", "การดำเนินงาน", "ภาค", "เรื่อง", "บริหาร", "สร้าง", "ระบบ", "ช่องทาง"),
        *("โครงการ", "กิจกรรม", "แผนงาน", "พัฒนา", "แนวทาง", "ครอบคลุม", "กำหนด", "แสดง"),
    }
)
_LETTERS = re.compile(r"[\u0e01-\u0e3a\u0e40-\u0e4ea-z0-9]+")
_LEADING_VOWEL = "เแโใไ"
_NOT_START = set("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e45") | set(
    "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


class Fragment(NamedTuple):
    """A title fragment as title_mentions gives it. The index itself holds the same fields as
    plain tuples: the garbage collector stops tracking a tuple of strings (not a subclass), and
    a worker serving 1,000 organisations holds ~800 fragments a plan; as objects, their 800,000
    made each full collection take 0.7 s of the worker's CPU (bench/RESULTS.md, Scale)."""

    text: str
    ids: tuple[str, ...]
    weak: bool  # only generic words, accepted because it is a whole title ("การดำเนินงาน")


_Entry = tuple[str, tuple[str, ...], bool]  # a Fragment's fields, as the index keeps them


@dataclass(frozen=True)
class TitleIndex:
    by_start: dict[str, tuple[_Entry, ...]]  # first two characters → fragments, longest first


def _compact(text: str) -> str:
    return "".join(_LETTERS.findall(normalise(prepare(text))))


def _strong(word: str, whole: bool, generic: frozenset[str]) -> bool:
    """A word of 5+ characters, half of a compound of 6+ (ข่าวสาร, จัดซื้อ), or a Latin one (ITA)."""
    if word in generic:
        return False
    return len(word) >= (5 if whole else 6) or (
        word.isascii() and word.isalpha() and len(word) >= 3
    )


def _words(
    chunk: str, dictionary: frozenset[str], generic: frozenset[str]
) -> tuple[list[str], list[bool], list[tuple[int, int]]]:
    """Pieces of a title chunk, whether each points at a measure alone, and the spans of
    pieces that only together make a word that does (ขั้น+ตอน, เผย+แพร่)."""
    from pythainlp.tokenize import word_tokenize

    pieces: list[str] = []
    alone: list[bool] = []
    together: list[tuple[int, int]] = []
    for token in word_tokenize(chunk, engine="newmm", keep_whitespace=False):
        # newmm keeps compounds whole (ข้อมูลข่าวสาร) but people type their halves
        cuts = [
            k
            for k in range(2, len(token) - 1)
            if token[:k] in dictionary and token[k:] in dictionary
        ]
        points = [0, *cuts, len(token)]
        first = len(pieces)
        for a, b in zip(points, points[1:], strict=False):
            pieces.append(token[a:b])
            alone.append(_strong(token[a:b], not cuts, generic))
        if cuts and _strong(token, True, generic):
            together.append((first, len(pieces)))
    return pieces, alone, together


_INDEXES: OrderedDict[tuple[MeasureRef, ...], TitleIndex] = OrderedDict()
INDEXES_KEPT = 4096  # one per plan in recent use; a deployment may serve thousands
_INDEXES_LOCK = threading.Lock()


def title_index(measures: tuple[MeasureRef, ...]) -> TitleIndex:
    """Every run of whole words of every title, and which measures it could mean: built once
    per process and set of titles (`remember` takes one built elsewhere)."""
    with _INDEXES_LOCK:
        found = _INDEXES.get(measures)
        if found is not None:
            _INDEXES.move_to_end(measures)
            return found
    return remember(measures, _build(measures))


def has_index(measures: tuple[MeasureRef, ...]) -> bool:
    with _INDEXES_LOCK:
        return measures in _INDEXES


def remember(measures: tuple[MeasureRef, ...], index: TitleIndex) -> TitleIndex:
    with _INDEXES_LOCK:
        _INDEXES[measures] = index
        while len(_INDEXES) > INDEXES_KEPT:
            _INDEXES.popitem(last=False)
    return index


def titles_digest(measures: tuple[MeasureRef, ...]) -> str:
    """What the index is built from, as a short digest (an index kept beside the plan says
    which titles it belongs to)."""
    raw = json.dumps([[m.id, m.title, m.short_title] for m in measures], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def index_to_json(index: TitleIndex) -> str:
    fragments = [
        [text, list(ids), weak] for group in index.by_start.values() for text, ids, weak in group
    ]
    return json.dumps(fragments, ensure_ascii=False, separators=(",", ":"))


def index_from_json(raw: str) -> TitleIndex:
    by_start: dict[str, list[_Entry]] = {}
    for text, ids, weak in json.loads(raw):
        by_start.setdefault(text[:2], []).append((text, tuple(ids), bool(weak)))
    return TitleIndex({k: tuple(sorted(v, key=lambda f: -len(f[0]))) for k, v in by_start.items()})


def _build(measures: tuple[MeasureRef, ...]) -> TitleIndex:
    """Every run of whole words of every title, and which measures it could mean."""
    from pythainlp.corpus import thai_stopwords, thai_words  # loaded once, only for titles

    dictionary = thai_words()
    generic = thai_stopwords() | _GENERIC_EXTRA
    wholes: dict[str, set[str]] = {}
    for m in measures:
        for title in (m.title, m.short_title):
            if title:
                wholes.setdefault(_compact(title), set()).add(m.id)
    compact_titles = [(m.id, _compact(m.title), _compact(m.short_title)) for m in measures]
    fragments: dict[str, _Entry] = {}
    for m in measures:
        for title in (m.title, m.short_title):
            for chunk in _LETTERS.findall(normalise(prepare(title))):
                pieces, alone, together = _words(chunk, dictionary, generic)
                for a in range(len(pieces)):
                    for b in range(a + 1, len(pieces) + 1):
                        text = "".join(pieces[a:b])
                        if text in fragments or len(text) < 3:
                            continue
                        distinctive = any(alone[a:b]) or any(a <= x and y <= b for x, y in together)
                        if not distinctive and text not in wholes:
                            continue
                        if text in wholes:  # a whole title names its own measure
                            ids = tuple(i for i, _, _ in compact_titles if i in wholes[text])
                        else:
                            ids = tuple(i for i, t, st in compact_titles if text in t or text in st)
                        fragments[text] = (text, ids, not distinctive)
    by_start: dict[str, list[_Entry]] = {}
    for fragment in fragments.values():
        by_start.setdefault(fragment[0][:2], []).append(fragment)
    return TitleIndex({k: tuple(sorted(v, key=lambda f: -len(f[0]))) for k, v in by_start.items()})


def _latin(text: str, k: int) -> bool:
    return 0 <= k < len(text) and text[k].isascii() and text[k].isalpha()


def title_mentions(work: str, index: TitleIndex) -> list[tuple[int, Fragment]]:
    """Longest title fragments in what is left of the message, left to right."""
    found: list[tuple[int, Fragment]] = []
    for segment in re.finditer(r"[\u0e01-\u0e3a\u0e40-\u0e4ea-z ]+", work):
        chars = [(segment.start() + k, c) for k, c in enumerate(segment.group()) if c != " "]
        compact = "".join(c for _, c in chars)
        i = 0
        while i < len(compact) - 2:
            if compact[i] in _NOT_START or (i and compact[i - 1] in _LEADING_VOWEL):
                i += 1
                continue
            match = next(
                (
                    f
                    for f in index.by_start.get(compact[i : i + 2], ())
                    if compact.startswith(f[0], i)
                ),
                None,
            )
            end = i + len(match[0]) if match else 0
            if match is None or (
                match[0].isascii() and (_latin(compact, i - 1) or _latin(compact, end))
            ):
                i += 1
                continue
            found.append((chars[i][0], Fragment(*match)))
            i = end
    return found
