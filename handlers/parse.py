"""Understand a staff member's Thai free-text status report (PRODUCT.md 3.3).

The parser never guesses: when the measure, the status or how they pair is unclear it returns a
`problem` and no updates, so the caller asks back with quick replies.

It works in passes over one normalised copy of the message whose length never changes, so a
span found on it also cuts the same text out of the original (notes keep the user's digits).
Each recognised piece is blanked with NUL, which no later pattern crosses:

1. evidence notes: URLs, "(…)" that is not a measure number, "ตรวจสอบใน…", "หลักฐาน: …";
2. ทุกข้อ / ข้อที่เหลือ, then measure numbers after ข้อ / มาตรการที่ / "(…)" / "1." at a line start,
   with lists ("1, 2 และ 3") and ranges ("1-3", "๑ ถึง ๓");
3. percentages ("ทำไปแล้ว 60%"), then bare numbers right before a status word ("2 กำลังทำ");
4. status words, negated and question forms first ("ยังไม่เสร็จ" is in progress);
5. whatever is left is matched against word-aligned fragments of the measure titles.

Measure mentions and statuses then form alternating runs that are paired (PAIRING below).
Only regexes run per message; pythainlp is loaded once per plan to cut the titles into words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from core.values import DONE, IN_PROGRESS, NOT_STARTED

NO_MEASURE = "no_measure"
NO_STATUS = "no_status"
UNKNOWN_MEASURE = "unknown_measure"
AMBIGUOUS_MEASURE = "ambiguous_measure"
CONFLICT = "conflict"
_CANCEL = "cancel"  # a status word that is negated or asked about: it says nothing


@dataclass(frozen=True)
class MeasureRef:
    """What the parser knows of a measure."""

    id: str  # "1".."N" (Arabic digits)
    title: str
    short_title: str = ""


@dataclass
class ParsedReport:
    updates: list[tuple[str, str]] = field(default_factory=list)  # (measure id, status), in order
    note: str | None = None  # evidence note or URL riding along
    percent: int | None = None  # a percentage if stated (one value for the whole message)
    problem: str | None = None  # None when sure, else one of the constants above
    unknown_numbers: list[str] = field(default_factory=list)  # numbers named that are not measures
    candidates: list[str] = field(default_factory=list)  # measure ids that might be meant
    status_hint: str | None = None  # the status recognised when the measure is unclear


# -- normalisation ----------------------------------------------------------------------------

_PREP_MAP = str.maketrans(
    {
        **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),
        "\u00a0": " ",
        "\u3000": " ",
        "\t": " ",
        "\r": "\n",
        "％": "%",
        "（": "(",
        "）": ")",
        "，": ",",
        "：": ":",
        "–": "-",
        "—": "-",
        "‐": "-",
    }
)
_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_UPPER_VOWEL = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47"
_TONE = "\u0e48\u0e49\u0e4a\u0e4b"
_TONE_FIRST = re.compile(f"([{_TONE}])([{_UPPER_VOWEL}])")  # "เร่ิม" typed tone first
_NIKHAHIT_AA = re.compile(f"\u0e4d([{_TONE}]?)\u0e32")  # ํ + า typed for ำ
_DUP_MARK = re.compile("([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\\1+")  # "เสร็็จ"
_REPEAT = re.compile("([\u0e01-\u0e2e\u0e30-\u0e46])\\1{2,}")  # "เสร็จจจ", "แล้วววว"
_SPACES = re.compile(" {2,}")


def _prepare(text: str) -> str:
    """Fix what phones and fingers do to Thai without changing what was meant."""
    text = unicodedata.normalize("NFC", text).translate(_PREP_MAP)
    text = _NIKHAHIT_AA.sub("\\1\u0e33", text)
    text = _TONE_FIRST.sub(r"\2\1", text)
    text = _DUP_MARK.sub(r"\1", text)
    text = _REPEAT.sub(r"\1", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _normalise(prepared: str) -> str:
    """Arabic digits, lower case, same length as `prepared` (spans are shared)."""
    norm = prepared.translate(_DIGITS).lower()
    if len(norm) != len(prepared):  # a few letters lower-case to two characters
        norm = "".join(c.lower() if len(c.lower()) == 1 else c for c in prepared.translate(_DIGITS))
    return norm


def _rx(source: str) -> re.Pattern[str]:
    """Compile a pattern whose spaces mean "maybe spaces": people type Thai with or without."""
    return re.compile(source.replace(" ", r"\s*"))


# -- vocabulary ---------------------------------------------------------------------------------

_PARTICLE = r"(?:ครับผม|ครับ|ครัช|คับ|ค้าบ|ฮะ|ฮับ|งับ|นะคะ|นะครับ|นะค่ะ|ค่ะ|คะ|ค่า|คร่า|จ้า|จ้ะ|จ๊ะ|นะ|น้า)"
_CLAUSE_END = rf"(?= (?:{_PARTICLE} )*(?:$|[\n,.!;)\x00]|ข้อ|มาตรการ|และ|ส่วน|\d))"
_STRICT_END = rf"(?= (?:{_PARTICLE} )*(?:$|[\n,!;)\x00]))"

_DAM = r"ดำ ?เนิ?น ?(?:การ|กาน|งาน)"  # ดำเนินการ / ดำเนินงาน and their slips
_DO = rf"(?:{_DAM}|จัด ?ทำ|ทำ)"
_SET = r"เส(?:ร[็้๊่]?[จดต]|็?ด(?!็))"  # เสร็จ, เสร็ด, เสรจ, เสด (not เสด็จ)
_RB = r"เรีย?บ ?ร[้่]?อ[ยบ]?"  # เรียบร้อย, เรียบรอย, เรีบร้อย
_SUC = r"สำ ?เห?ร็?[จด]"  # สำเร็จ, สำเร็ด
_FIN = rf"(?:แล้ว ?)?(?:{_SET}|{_RB}|{_SUC})"
_FULL = r"ครบ(?! ?กำหนด)"
_FIN_ANY = rf"(?:{_FIN}|{_FULL}|จบ|ปิด(?!บัง))"
_TAIL = rf"(?: (?:{_SET}|{_RB}|สิ้น|สมบูรณ์|{_FULL}(?: ?ถ้วน)?|แล้ว|แร้ว|แล่ว|ละ(?!เอียด)))*"
_YET = r"ยั?ง"
_NOT = r"(?:ไม่|ไม(?![้่])|ม่าย|มิ(?= ?ได้))"
_AT = r"อย[ุู]่?"  # อยู่, อยุ่, อยู
_BETWEEN = r"ระ ?ห?ว่?าง"


def _en(words: str) -> str:
    return rf"(?<![a-z])(?:{words})(?![a-z])"


# Ordered: at one position the first pattern that matches wins, so negated and longer forms
# come before the words they contain.
_STATUS_PATTERNS: list[tuple[str, str]] = [
    # "ไม่ใช่เสร็จ" says only what it is not; questions ("เสร็จหรือยัง") report nothing.
    (
        _CANCEL,
        # "ไม่ใช่ ยังไม่เสร็จ" is "no, not yet": only a positive status right after is cancelled
        rf"{_NOT} ?ใช่ (?:ว่า )?(?:{_DO} )?(?:{_FIN_ANY}|กำลัง|{_AT} ?{_BETWEEN}|เริ่?ม)",
    ),
    # …but written as one word, "ไม่ใช่ยังไม่เริ่ม" is "it is not that it has not started"
    (
        _CANCEL,
        rf"{_NOT} ?ใช่(?:ว่า)?(?:{_YET} )?{_NOT} (?:ได้ )?(?:{_DO} )?(?:{_FIN_ANY}|เริ่?ม|{_DO}|ลง ?มือ)",
    ),
    # "ทำไปแล้ว 3 เดือน" says how long, not whether it is finished
    (_CANCEL, rf"{_DO} (?:ไป )?(?:แล้ว )?\d{{1,3}} (?:วัน|สัปดาห์|อาทิตย์|เดือน|ปี)"),
    (
        _CANCEL,
        rf"(?:{_FIN}|{_FULL}|{_DO} (?:ไป )?แล้ว)(?: แล้ว)? (?:หรือ (?:ยัง|เปล่า|ไม่)|รึ (?:ยัง|เปล่า|ป่าว)"
        rf"|(?:ยัง|หรือ)(?= (?:{_PARTICLE} )*(?:\?|$|\n))|ไหม|มั้ย|มั๊ย|หรอ|เหรอ|\?)",
    ),
    (_CANCEL, _en(r"not ?sure")),
    # not finished yet → in progress
    (IN_PROGRESS, rf"(?:{_YET} )?(?:{_DO} )?{_NOT} (?:ได้ )?(?:{_DO} )?(?:ให้ )?{_FIN_ANY}"),
    (IN_PROGRESS, _en(r"not ?(?:yet ?)?(?:done|finished|completed?)|unfinished|incomplete")),
    # not begun → not started
    (
        NOT_STARTED,
        rf"(?:{_YET} )?{_NOT} (?:ได้ )?(?:มี (?:การ )?)?"
        rf"(?:เริ่?ม(?: ต้น)?(?: {_DO})?|{_DO}|ลง ?มือ|ขยับ|แตะ|(?:ความ )?คืบ ?หน้า)",
    ),
    (IN_PROGRESS, rf"(?:กำลัง )?(?:เกือบ|ใกล้)(?: จะ)? {_FIN_ANY}(?: แล้ว)?"),
    (IN_PROGRESS, rf"(?:กำลัง )?จะ {_FIN}"),
    # "อีก 3 วันเสร็จ", "ภายในสัปดาห์นี้เสร็จ": finishing later means started, not finished
    (
        IN_PROGRESS,
        r"(?:อีก|ภายใน|คาดว่า) (?:\d{1,3} )?(?:วัน|สัปดาห์|อาทิตย์|เดือน)? ?(?:นี้|หน้า)? ?(?:น่าจะ|จะ)? "
        rf"{_FIN}",
    ),
    (NOT_STARTED, rf"(?:กำลัง )?จะ (?:เริ่?ม(?: ต้น)?(?: {_DO})?|{_DO}|ลง ?มือ)"),
    (NOT_STARTED, rf"(?<![เแโใไ\u0e34-\u0e37])ยัง (?:เลย|{_NOT} ?ได้(?: เลย)?)?{_CLAUSE_END}"),
    (NOT_STARTED, _en(r"not ?(?:yet ?)?started|not ?yet|haven'?t ?started|todo")),
    # in progress
    (
        IN_PROGRESS,
        rf"(?:(?:{_DO}|{_SET}) (?:ไป )?(?:แล้ว )?(?:ได้ )?(?:ประมาณ )?)?"
        rf"(?:ครึ่ง ?(?:หนึ่ง|นึง|ทาง)|บาง ?ส่วน)",
    ),
    (IN_PROGRESS, rf"(?:{_YET} )?{_AT} ?{_BETWEEN}(?: การ)?(?: {_DO})?"),
    (IN_PROGRESS, rf"{_BETWEEN} (?:การ )?{_DAM}"),
    (
        IN_PROGRESS,
        rf"(?:{_YET} )?กำลั?ง(?!ใจ|คน|พล|ซื้อ|การ|ไฟ|สอง)"
        rf"(?: (?:{_DO}|แก้ ?ไข|รวบ ?รวม|ประสาน|ตรวจ ?สอบ|จัด ?เตรียม|เตรียม))?(?: {_AT}(?! ?ระ))?",
    ),
    (IN_PROGRESS, rf"(?:{_YET} )?(?:{_DO}|ทำ ?งาน) (?:กัน )?{_AT}(?! ?ระ)"),
    (IN_PROGRESS, rf"เริ่?ม(?: ต้น)?(?: {_DO})? (?:ไป )?(?:บ้าง )?แล้ว"),
    (IN_PROGRESS, rf"เริ่?ม(?: ต้น)? {_DO}"),
    (IN_PROGRESS, r"(?:มี )?(?:ความ )?คืบ ?หน้า(?: (?:ไป|แล้ว|บ้าง))*"),
    (IN_PROGRESS, _en(r"in ?-?progress|on ?-?going|wip|doing|started|processing|working")),
    # done
    (DONE, rf"(?:ได้ )?{_DO} (?:ไป )?(?:แล้ว )?(?:ให้ )?(?:{_FIN}|{_FULL}){_TAIL}"),
    (DONE, rf"(?:ได้ )?{_DO} (?:ไป )?แล้ว{_TAIL}"),
    (DONE, rf"{_FIN}{_TAIL}"),
    (DONE, rf"{_FULL}(?: ?ถ้วน)?{_TAIL}"),
    (DONE, r"จบ(?: (?:แล้ว|งาน))+"),
    (DONE, rf"ปิด ?(?:งาน|จ[็๊]?อบ|แล้ว){_TAIL}"),
    (DONE, _en(r"done|finish(?:ed)?|completed?")),
]
_STATUS_KIND = {f"s{i}": kind for i, (kind, _) in enumerate(_STATUS_PATTERNS)}
# Every pattern above starts with one of these: checking first is 3-4 times faster.
_STATUS_FIRST = "(?=[ไมยกเใจดทแสคบอรปภa-z])"
_STATUS_RX = _rx(
    _STATUS_FIRST
    + "(?:"
    + "|".join(f"(?P<s{i}>{src})" for i, (_, src) in enumerate(_STATUS_PATTERNS))
    + ")"
)
_ANY_STATUS_SRC = (
    _STATUS_FIRST + "(?:" + "|".join(f"(?:{src})" for _, src in _STATUS_PATTERNS) + ")"
)

_PCT_UNIT = r"(?:%|เปอร์ ?เซ็?น(?:ต์|ท์|ต|ท)?|เปอ ?เซ็?น(?:ต์|ท์)?|percent|pct)"
_PCT_PRE = rf"(?:(?:{_DO}|{_SET}|คืบ ?หน้า|ความ ?คืบ ?หน้า)(?: ไป)?(?: แล้ว)?(?: ได้)?|ได้)"
_APPROX = r"(?P<approx>ประมาณ|ราว ?ๆ?|เกือบ|กว่า|ร่วม)"
_PERCENT_RX = _rx(
    r"(?=[ดจทเคไปรก\d])"
    rf"(?:(?:{_PCT_PRE} )?{_APPROX}? "
    rf"(?:ร้อย ?ละ (?P<n1>\d{{1,3}}(?:\.\d+)?)(?: {_PCT_UNIT})?"
    rf"|(?<![\d.])(?P<n2>\d{{1,3}}(?:\.\d+)?) {_PCT_UNIT})"
    # a number right after "ทำไปแล้ว"/"คืบหน้า" that ends the clause is a percentage
    rf"|(?:{_DO}|คืบ ?หน้า|ความ ?คืบ ?หน้า)(?: ไป)?(?: แล้ว)?(?: ได้)? (?P<n3>\d{{1,3}})(?![\d.:/]){_STRICT_END})"
)

_MONTHS = (
    r"(?:มกรา|กุมภา|มีนา|เมษา|พฤษภา|มิถุนา|กรกฎา|สิงหา|กันยา|ตุลา|พฤศจิกา|ธันวา"
    r"|ม\.ค|ก\.พ|มี\.ค|เม\.ย|พ\.ค|มิ\.ย|ก\.ค|ส\.ค|ก\.ย|ต\.ค|พ\.ย|ธ\.ค)"
)
_UNITS = r"(?:วัน|เดือน|ปี|สัปดาห์|อาทิตย์|ชั่วโมง|ชม|นาที|โมง|น\.|ครั้ง|คน|บาท|เรื่อง|แห่ง|ชิ้น|ฉบับ|ข้อ(?! ?(?:ที่ ?)?\d)|รายการ|โครงการ|กิจกรรม)"
# Right after ข้อ/มาตรการ a number is a measure unless it is a percentage, decimal or date;
# further along a list it must not read as a count or a date ("2 ข้อ", "31 มีนาคม").
_NUM_FIRST = r"(?<!\d)\d{1,3}(?!\d)(?! ?(?:%|เปอร์|เปอ|percent)|[.:/]\d)"
_NUM = rf"{_NUM_FIRST}(?! ?{_MONTHS}| ?{_UNITS})"
_NUM_WORD = (
    r"(?:ยี่สิบ|สิบ)(?:เอ็ด|สอง|สาม(?!ารถ)|สี่|ห้า(?!ม)|หก|เจ็ด|แปด|เก้า(?!อี้))?"
    r"|หนึ่ง|สอง|สาม(?!ารถ)|สี่|ห้า(?!ม)|หก|เจ็ด|แปด|เก้า(?!อี้)|แรก|สุดท้าย"
)
_TOKEN = rf"(?:{_NUM}|{_NUM_WORD})"
_ANCHOR_WORD = r"(?:ข้อ|มาตรการ|measure|item|no\.|#)"
_CONN = rf"(?: ?(?:,|/|&|\+|-|และ|กับ|ถึง|หรือ|to|and)? ?(?:{_ANCHOR_WORD} ?\.?(?:ที่)? ?)?)"
# Lists are bounded and atomic so that a long run of numbers cannot make matching quadratic.
_ANCHOR_RX = _rx(
    rf"{_ANCHOR_WORD} ?\.?(?:ที่)? ?"
    rf"(?P<list>(?>(?:{_NUM_FIRST}|{_NUM_WORD})(?:{_CONN}{_TOKEN}){{0,30}}))"
)
_LIST_TOKEN_RX = re.compile(rf"(?P<conn>-|ถึง|to|หรือ)|(?P<tok>\d+|{_NUM_WORD})")
_LINE_NUM_RX = re.compile(r"(?m)^(?P<list>\d{1,3})\s*[.)](?!\d)")
_DIGIT_LIST = rf"(?>{_NUM}(?:{_CONN}{_NUM}){{0,12}})"
_BARE_RX = _rx(rf"(?=\d)(?<![\d./:\-])(?P<list>{_DIGIT_LIST})(?= (?:ก็ )?(?:{_ANY_STATUS_SRC}))")
_NOT_MEASURE_BEFORE = _rx(r"(?:วันที่|วัน|เมื่อ|ณ|ภายใน|เวลา|อีก|ประมาณ|ราว|ไป|ได้|ปี|พ\.ศ\.|เลข) $")
_PAREN_NUMBERS = _rx(rf" (?:{_ANCHOR_WORD} ?(?:ที่)? )?{_TOKEN}(?:{_CONN}{_TOKEN})* ")

_ALL_RX = _rx(
    r"(?=[ทขมสa])(?:(?P<all>ทุก ?(?:ข้อ(?! ?(?:มูล|ความ))|มาตรการ|อัน|รายการ))"
    r"|(?P<rest>(?:ข้อ|มาตรการ) ?(?:ที่ ?เหลือ|อื่น ?ๆ?)"
    r"|(?<!งาน)(?<!เวลา)(?<!เงิน)(?<!วัน)(?<!อีก)(?:ส่วน ?)?ที่ ?เหลือ(?: ?ทั้ง ?หมด)?)"
    rf"|(?P<weak>ทั้ง ?หมด|{_en('all')}))"
)

_URL_RX = re.compile(
    r"(?:https?://|www\.)[^\s<>()\"'\u0e00-\u0e7f]+"
    r"|(?<![\w@.\-])[a-z0-9][a-z0-9.-]{0,60}\.(?:go|or|ac|co|in|mi|net)\.th(?:/[^\s<>()\"'\u0e00-\u0e7f]*)?",
    re.IGNORECASE,
)
_PAREN_RX = re.compile(r"\(([^()\n]{1,300})\)")
_WEB = r"(?:เว็บ ?ไซ?ต์?|เว็บ|website|web|เพจ|page|facebook|fb|เฟ[ซส] ?บุ[๊ค]?[กค]|line|ไลน์|บอร์ด)"
_NOTE_RX = _rx(
    # a label needs its colon, except หมายเหตุ which is only ever a label
    r"(?P<label>(?:หลักฐาน|อ้างอิง|evidence|note|ref|ลิ้?[งน][กค]์?|link) ?(?:คือ|อยู่ ?ที่|:|-)"
    r"|หมาย ?เหตุ(?: ?(?:คือ|:|-))?)"
    r"|(?P<phrase>ตรวจ ?สอบ (?:ได้ )?(?:ใน|ที่|จาก|ผ่าน|บน|ทาง)"
    r"|ดู (?:ได้ )?(?:ที่|ใน|จาก|ทาง|บน)|ดู ?รายละเอียด|รายละเอียด (?:ที่|ตาม|ใน)"
    r"|ตาม ?(?:ลิ้?[งน][กค]์?|link|เอกสาร ?แนบ|ไฟล์ ?แนบ|ภาพ|รูป)"
    rf"|(?:(?:เผยแพร่|ประชาสัมพันธ์|ประกาศ|โพสต์?|ลง|ติด ?ประกาศ|อัพ ?โหลด|อัป ?โหลด)(?: แล้ว)? )?(?:ใน|บน|ทาง|ที่) (?:หน้า )?{_WEB})"
)
_NOTE_TRIM = _rx(
    rf"(?:[\s:;,\-]|{_PARTICLE}|ขอบ ?คุณ(?: ?มาก)?|สวัสดี)+$"
)  # "." stays: Thai uses it for abbreviations (อบต.), not to end sentences
_NOTE_LEAD = re.compile(r"^[\s:;,.\-]+")
_HAS_LETTER = re.compile(r"[\u0e01-\u0e4ea-z0-9]")

_THAI_NUMBER = {
    "หนึ่ง": 1,
    "เอ็ด": 1,
    "สอง": 2,
    "สาม": 3,
    "สี่": 4,
    "ห้า": 5,
    "หก": 6,
    "เจ็ด": 7,
    "แปด": 8,
    "เก้า": 9,
}


def _word_value(word: str, last: int) -> int | None:
    """ข้อสอง → 2, ข้อสิบเอ็ด → 11, ข้อแรก → 1, ข้อสุดท้าย → the last measure."""
    if word.isdigit():
        return int(word)
    if word == "แรก":
        return 1
    if word == "สุดท้าย":
        return last
    tens = 0
    if word.startswith("ยี่สิบ"):
        tens, word = 20, word[6:]
    elif word.startswith("สิบ"):
        tens, word = 10, word[3:]
    if not word:
        return tens
    unit = _THAI_NUMBER.get(word)
    return None if unit is None else tens + unit


# -- title fragments ----------------------------------------------------------------------------

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


@dataclass(frozen=True)
class _Fragment:
    text: str
    ids: tuple[str, ...]
    weak: bool  # only generic words, accepted because it is a whole title ("การดำเนินงาน")


@dataclass(frozen=True)
class _TitleIndex:
    by_start: dict[str, tuple[_Fragment, ...]]  # first two characters → fragments, longest first


def _compact(text: str) -> str:
    return "".join(_LETTERS.findall(_normalise(_prepare(text))))


@lru_cache(maxsize=4096)  # one entry per plan; a deployment may serve thousands
def _title_index(measures: tuple[MeasureRef, ...]) -> _TitleIndex:
    """Every run of whole words of every title, and which measures it could mean."""
    from pythainlp.corpus import thai_stopwords, thai_words  # loaded once, only for titles
    from pythainlp.tokenize import word_tokenize

    dictionary = thai_words()
    generic = thai_stopwords() | _GENERIC_EXTRA

    def strong(word: str, whole: bool) -> bool:
        # a word of 5+ characters, half of a compound of 6+ (ข่าวสาร, จัดซื้อ), or a Latin one (ITA)
        if word in generic:
            return False
        return len(word) >= (5 if whole else 6) or (
            word.isascii() and word.isalpha() and len(word) >= 3
        )

    def words(chunk: str) -> tuple[list[str], list[bool], list[tuple[int, int]]]:
        """Pieces of a title chunk, whether each points at a measure alone, and the spans of
        pieces that only together make a word that does (ขั้น+ตอน, เผย+แพร่)."""
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
                alone.append(strong(token[a:b], whole=not cuts))
            if cuts and strong(token, whole=True):
                together.append((first, len(pieces)))
        return pieces, alone, together

    wholes: dict[str, set[str]] = {}
    for m in measures:
        for title in (m.title, m.short_title):
            if title:
                wholes.setdefault(_compact(title), set()).add(m.id)
    compact_titles = [(m.id, _compact(m.title), _compact(m.short_title)) for m in measures]
    fragments: dict[str, _Fragment] = {}
    for m in measures:
        for title in (m.title, m.short_title):
            for chunk in _LETTERS.findall(_normalise(_prepare(title))):
                pieces, alone, together = words(chunk)
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
                        fragments[text] = _Fragment(text, ids, weak=not distinctive)
    by_start: dict[str, list[_Fragment]] = {}
    for fragment in fragments.values():
        by_start.setdefault(fragment.text[:2], []).append(fragment)
    return _TitleIndex(
        {k: tuple(sorted(v, key=lambda f: -len(f.text))) for k, v in by_start.items()}
    )


def _latin(text: str, k: int) -> bool:
    return 0 <= k < len(text) and text[k].isascii() and text[k].isalpha()


def _title_mentions(work: str, index: _TitleIndex) -> list[tuple[int, _Fragment]]:
    """Longest title fragments in what is left of the message, left to right."""
    found: list[tuple[int, _Fragment]] = []
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
                    if compact.startswith(f.text, i)
                ),
                None,
            )
            end = i + len(match.text) if match else 0
            if match is None or (
                match.text.isascii() and (_latin(compact, i - 1) or _latin(compact, end))
            ):
                i += 1
                continue
            found.append((chars[i][0], match))
            i = end
    return found


# -- parsing ------------------------------------------------------------------------------------


@dataclass
class _Mention:
    ids: list[str] = field(default_factory=list)  # known measure ids named
    unknown: list[str] = field(default_factory=list)  # numbers that are not measures
    ambiguous: list[str] = field(default_factory=list)  # title fragment shared by several
    source: str = "number"  # number | title | weak | all | rest
    either: bool = False  # "ข้อ 1 หรือ 2"


def _blank(work: list[str], start: int, end: int) -> None:
    work[start:end] = "\x00" * (end - start)


def _numbers(listing: str, known: list[str]) -> _Mention:
    """The measure numbers of "1, 2 และ 3", "1-3", "๑ ถึง ๓", "สองกับสาม"."""
    mention = _Mention()
    last = int(known[-1]) if known and known[-1].isdigit() else 0
    values: list[int] = []
    conn = None
    for token in _LIST_TOKEN_RX.finditer(listing):
        if token["conn"]:
            conn = token["conn"]
            continue
        value = _word_value(token["tok"], last)
        if value is None:
            continue
        if conn in ("-", "ถึง", "to") and values and values[-1] < value <= values[-1] + 50:
            values.extend(range(values[-1] + 1, value + 1))
        else:
            values.append(value)
        mention.either |= conn == "หรือ"
        conn = None
    for value in values:
        target = mention.ids if str(value) in known else mention.unknown
        if str(value) not in target:
            target.append(str(value))
    return mention


def _span_end(norm: str, start: int, stop_at_status: bool) -> int:
    """Where a note that starts at `start` ends: the line, the next measure, the next status."""
    end = norm.find("\n", start)
    end = len(norm) if end < 0 else end
    for rx in (_ANCHOR_RX, _STATUS_RX) if stop_at_status else (_ANCHOR_RX,):
        hit = rx.search(norm, start, end)
        if hit:
            end = hit.start()
    return end


def _clean_note(text: str) -> str:
    return _NOTE_LEAD.sub("", _NOTE_TRIM.sub("", text.strip())).strip()


def _extract_notes(prepared: str, norm: str, work: list[str]) -> list[tuple[int, str]]:
    notes: list[tuple[int, str]] = []
    for url in _URL_RX.finditer(norm):
        end = url.end()
        while end > url.start() and norm[end - 1] in ".,;:!?":
            end -= 1
        notes.append((url.start(), prepared[url.start() : end]))
        _blank(work, url.start(), end)
    for paren in _PAREN_RX.finditer(norm):
        inner = paren.group(1)
        if _PAREN_NUMBERS.fullmatch(inner):  # "(๓)" names a measure: let the anchor pass read it
            work[paren.start()] = "#"
            work[paren.end() - 1] = " "
        elif _STATUS_RX.search(inner) or _PERCENT_RX.search(inner) or _ANCHOR_RX.search(inner):
            work[paren.start()] = work[paren.end() - 1] = " "
        else:
            text = _clean_note(prepared[paren.start() + 1 : paren.end() - 1])
            if text and _HAS_LETTER.search(text):
                notes.append((paren.start(), text))
            _blank(work, paren.start(), paren.end())
    current = "".join(work)
    pos = 0
    while hit := _NOTE_RX.search(current, pos):
        start = hit.end() if hit["label"] else hit.start()
        end = _span_end(current, hit.end(), stop_at_status=True)
        inner = [u for u in notes if hit.start() <= u[0] < end]
        text = _clean_note(prepared[start:end])
        if text and _HAS_LETTER.search(text):
            notes[:] = [n for n in notes if n not in inner]  # a URL inside the phrase is part of it
            notes.append((hit.start(), text))
            _blank(work, hit.start(), end)
        pos = max(end, hit.end())
    return sorted(notes)


def parse_report(text: str, measures: list[MeasureRef], own_ids: list[str]) -> ParsedReport:
    """What a staff member's message says about which measures, or why it is not sure."""
    prepared = _prepare(text)
    norm = _normalise(prepared)
    known = [m.id for m in measures]
    work = list(norm)
    items: list[tuple[int, str, _Mention | str]] = []  # (position, "ref" | "status", payload)

    notes = _extract_notes(prepared, norm, work)

    current = "".join(work)
    for hit in _ALL_RX.finditer(current):
        source = "all" if hit["all"] else "rest" if hit["rest"] else "weak"
        items.append((hit.start(), "ref", _Mention(source=source)))
        _blank(work, hit.start(), hit.end())

    current = "".join(work)
    for rx in (_ANCHOR_RX, _LINE_NUM_RX):
        for hit in rx.finditer(current):
            items.append((hit.start(), "ref", _numbers(hit["list"], known)))
            _blank(work, hit.start(), hit.end())
        current = "".join(work)

    percents: list[int] = []
    for hit in _PERCENT_RX.finditer(current):
        raw = hit["n1"] or hit["n2"] or hit["n3"]
        value = round(float(raw))
        _blank(work, hit.start(), hit.end())
        if value > 100:
            continue
        if hit["approx"] == "เกือบ" and value == 100:  # "เกือบ 100%" is not finished
            items.append((hit.start(), "status", IN_PROGRESS))
            continue
        percents.append(value)
        status = NOT_STARTED if value == 0 else DONE if value == 100 else IN_PROGRESS
        items.append((hit.start(), "status", status))

    current = "".join(work)
    for hit in _BARE_RX.finditer(current):
        if _NOT_MEASURE_BEFORE.search(current, max(0, hit.start() - 12), hit.start()):
            continue
        items.append((hit.start(), "ref", _numbers(hit["list"], known)))
        _blank(work, hit.start(), hit.end())

    current = "".join(work)
    for hit in _STATUS_RX.finditer(current):
        kind = _STATUS_KIND[hit.lastgroup or ""]
        _blank(work, hit.start(), hit.end())
        if kind != _CANCEL:  # blanked all the same, so its words cannot count for anything
            items.append((hit.start(), "status", kind))

    if measures:
        for pos, fragment in _title_mentions("".join(work), _title_index(tuple(measures))):
            if len(fragment.ids) == 1:
                mention = _Mention(
                    ids=[fragment.ids[0]], source="weak_title" if fragment.weak else "title"
                )
            else:
                mention = _Mention(ambiguous=list(fragment.ids), source="title")
            items.append((pos, "ref", mention))

    items.sort(key=lambda item: item[0])
    report = ParsedReport(note=" ".join(t for _, t in notes) or None)
    distinct_percents = set(percents)
    report.percent = percents[0] if len(distinct_percents) == 1 else None
    return _pair(items, known, own_ids, report)


# PAIRING. Mentions and statuses form alternating runs. A message that starts with a measure
# reads "measure status" ("ข้อ 1 เสร็จ ข้อ 2 กำลังทำ"); one that starts with a status reads
# "status measure" ("ยังไม่ได้เริ่มข้อ 4"). A status run between two measure runs that changes its
# value half-way ("ข้อ 1 เสร็จ และยังไม่เริ่มข้อ 4") is split between them when the second has no
# status of its own.
def _pair(
    items: list[tuple[int, str, _Mention | str]],
    known: list[str],
    own_ids: list[str],
    report: ParsedReport,
) -> ParsedReport:
    statuses_seen = [p for _, k, p in items if k == "status"]
    distinct = list(dict.fromkeys(s for s in statuses_seen if isinstance(s, str)))
    hint = distinct[0] if len(distinct) == 1 else None
    own = [i for i in known if i in own_ids] or [i for i in own_ids if i]

    explicit = [
        p for _, k, p in items if isinstance(p, _Mention) and p.source in ("number", "title")
    ]
    if explicit:  # "ข้อ 1 เสร็จทั้งหมดแล้ว": ทั้งหมด is "completely", not "all measures"
        items = [it for it in items if not (isinstance(it[2], _Mention) and it[2].source == "weak")]

    runs: list[tuple[str, list]] = []
    for _, kind, payload in items:
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(payload)
        else:
            runs.append((kind, [payload]))

    status_first = bool(runs) and runs[0][0] == "status"
    assigned: dict[int, list[str]] = {}
    for k, (kind, values) in enumerate(runs):
        if kind != "status":
            continue
        left = k - 1 if k >= 1 else None
        right = k + 1 if k + 1 < len(runs) else None
        primary, secondary = (right, left) if status_first else (left, right)
        if primary is None:
            primary, secondary = secondary, None
        if primary is None:
            continue
        if secondary is not None and len(set(values)) > 1:
            own_run = secondary - 2 if status_first else secondary + 2
            if not 0 <= own_run < len(runs):
                cut = next(i for i, v in enumerate(values) if v != values[0])
                assigned.setdefault(k - 1, []).extend(values[:cut])
                assigned.setdefault(k + 1, []).extend(values[cut:])
                continue
        assigned.setdefault(primary, []).extend(values)

    unknown: list[str] = []
    ambiguous: list[str] = []
    order: list[str] = []  # ids in the order the message names them
    strong: dict[str, set[str]] = {}  # id → statuses said of it by number or title
    broad: dict[str, set[str]] = {}  # id → statuses said by ทุกข้อ / ที่เหลือ
    orphans: list[str] = []
    rest_runs: list[tuple[int, list[str]]] = []
    for k, (kind, mentions) in enumerate(runs):
        if kind != "ref":
            continue
        said = assigned.get(k, [])
        if not said and distinct and all(mm.source in ("title", "weak_title") for mm in mentions):
            continue  # a title word in passing after a clear report ("… เรื่องความโปร่งใส")
        numbered = [i for mm in mentions if mm.source == "number" for i in mm.ids]
        run_ids: list[str] = list(numbered)
        for mm in mentions:
            unknown.extend(u for u in mm.unknown if u not in unknown)
            if mm.either:
                ambiguous.extend(i for i in mm.ids if i not in ambiguous)
            if mm.source == "title":
                named = mm.ids or mm.ambiguous
                if numbered and set(named) & set(numbered):
                    continue  # "ข้อ 3 ความโปร่งใส…": the title agrees with the number
                if mm.ambiguous or numbered:
                    ambiguous.extend(i for i in [*numbered, *named] if i not in ambiguous)
                run_ids.extend(mm.ids)
            elif mm.source == "weak_title" and not numbered:
                run_ids.extend(mm.ids)
            elif mm.source in ("all", "weak"):
                for i in own:
                    order.append(i)
                    broad.setdefault(i, set()).update(said)
                if not said:
                    orphans.extend(own)
            elif mm.source == "rest":
                rest_runs.append((k, said))
        for i in run_ids:
            order.append(i)
            strong.setdefault(i, set()).update(said)
        if not said:
            orphans.extend(run_ids)
    for _, said in rest_runs:  # ที่เหลือ: the division's measures the message did not name
        rest = [i for i in own if i not in strong]
        for i in rest:
            order.append(i)
            broad.setdefault(i, set()).update(said)
        if not said:
            orphans.extend(rest)

    order = list(dict.fromkeys(order))
    final: dict[str, set[str]] = {i: strong.get(i) or broad.get(i) or set() for i in order}
    report.status_hint = hint
    if unknown:
        report.problem, report.unknown_numbers = UNKNOWN_MEASURE, unknown
        report.candidates = own or list(known)
    elif ambiguous:
        report.problem = AMBIGUOUS_MEASURE
        report.candidates = [i for i in known if i in ambiguous]
    elif not order:
        report.problem = NO_MEASURE
        report.candidates = own if distinct else []
    elif conflicts := [i for i in order if len(final[i]) > 1]:
        report.problem, report.candidates = CONFLICT, conflicts
    elif missing := [i for i in order if not final[i] and i in orphans]:
        report.problem, report.candidates = NO_STATUS, missing
        report.status_hint = None
    else:
        report.updates = [(i, next(iter(final[i]))) for i in order]
        report.status_hint = None
    return report


def looks_like_report(text: str) -> bool:
    """Cheap: does the text mention a measure number, all measures, a percentage or a status."""
    norm = _normalise(_prepare(text))
    return any(
        rx.search(norm) for rx in (_ANCHOR_RX, _STATUS_RX, _ALL_RX, _PERCENT_RX, _LINE_NUM_RX)
    )
