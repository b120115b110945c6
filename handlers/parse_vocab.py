"""The parser's vocabulary: how typed Thai is normalised, and the patterns for statuses,
percentages, measure numbers, "all"/"the rest" and evidence notes (docs/PRODUCT.md 3.3)."""

from __future__ import annotations

import re
import unicodedata

from core.thai import to_arabic_digits
from core.values import DONE, IN_PROGRESS, NOT_STARTED

CANCEL = "cancel"  # a status word that is negated or asked about: it says nothing

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
_UPPER_VOWEL = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47"
_TONE = "\u0e48\u0e49\u0e4a\u0e4b"
_TONE_FIRST = re.compile(f"([{_TONE}])([{_UPPER_VOWEL}])")  # "เร่ิม" typed tone first
_NIKHAHIT_AA = re.compile(f"\u0e4d([{_TONE}]?)\u0e32")  # ํ + า typed for ำ
_DUP_MARK = re.compile("([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\\1+")  # "เสร็็จ"
_REPEAT = re.compile("([\u0e01-\u0e2e\u0e30-\u0e46])\\1{2,}")  # "เสร็จจจ", "แล้วววว"
_SPACES = re.compile(" {2,}")


def prepare(text: str) -> str:
    """Fix what phones and fingers do to Thai without changing what was meant."""
    text = unicodedata.normalize("NFC", text).translate(_PREP_MAP)
    text = _NIKHAHIT_AA.sub("\\1\u0e33", text)
    text = _TONE_FIRST.sub(r"\2\1", text)
    text = _DUP_MARK.sub(r"\1", text)
    text = _REPEAT.sub(r"\1", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def normalise(prepared: str) -> str:
    """Arabic digits, lower case, same length as `prepared` (spans are shared)."""
    norm = to_arabic_digits(prepared).lower()
    if len(norm) != len(prepared):  # a few letters lower-case to two characters
        norm = "".join(c.lower() if len(c.lower()) == 1 else c for c in to_arabic_digits(prepared))
    return norm


def rx(source: str) -> re.Pattern[str]:
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
        CANCEL,
        # "ไม่ใช่ ยังไม่เสร็จ" is "no, not yet": only a positive status right after is cancelled
        rf"{_NOT} ?ใช่ (?:ว่า )?(?:{_DO} )?(?:{_FIN_ANY}|กำลัง|{_AT} ?{_BETWEEN}|เริ่?ม)",
    ),
    # …but written as one word, "ไม่ใช่ยังไม่เริ่ม" is "it is not that it has not started"
    (
        CANCEL,
        rf"{_NOT} ?ใช่(?:ว่า)?(?:{_YET} )?{_NOT} (?:ได้ )?(?:{_DO} )?(?:{_FIN_ANY}|เริ่?ม|{_DO}|ลง ?มือ)",
    ),
    # "ทำไปแล้ว 3 เดือน" says how long, not whether it is finished
    (CANCEL, rf"{_DO} (?:ไป )?(?:แล้ว )?\d{{1,3}} (?:วัน|สัปดาห์|อาทิตย์|เดือน|ปี)"),
    (
        CANCEL,
        rf"(?:{_FIN}|{_FULL}|{_DO} (?:ไป )?แล้ว)(?: แล้ว)? (?:หรือ (?:ยัง|เปล่า|ไม่)|รึ (?:ยัง|เปล่า|ป่าว)"
        rf"|(?:ยัง|หรือ)(?= (?:{_PARTICLE} )*(?:\?|$|\n))|ไหม|มั้ย|มั๊ย|หรอ|เหรอ|\?)",
    ),
    (CANCEL, _en(r"not ?sure")),
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
STATUS_KIND = {f"s{i}": kind for i, (kind, _) in enumerate(_STATUS_PATTERNS)}
# Every pattern above starts with one of these: checking first is 3-4 times faster.
_STATUS_FIRST = "(?=[ไมยกเใจดทแสคบอรปภa-z])"
STATUS_RX = rx(
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
PERCENT_RX = rx(
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
ANCHOR_RX = rx(
    rf"{_ANCHOR_WORD} ?\.?(?:ที่)? ?"
    rf"(?P<list>(?>(?:{_NUM_FIRST}|{_NUM_WORD})(?:{_CONN}{_TOKEN}){{0,30}}))"
)
LIST_TOKEN_RX = re.compile(rf"(?P<conn>-|ถึง|to|หรือ)|(?P<tok>\d+|{_NUM_WORD})")
LINE_NUM_RX = re.compile(r"(?m)^(?P<list>\d{1,3})\s*[.)](?!\d)")
_DIGIT_LIST = rf"(?>{_NUM}(?:{_CONN}{_NUM}){{0,12}})"
BARE_RX = rx(rf"(?=\d)(?<![\d./:\-])(?P<list>{_DIGIT_LIST})(?= (?:ก็ )?(?:{_ANY_STATUS_SRC}))")
NOT_MEASURE_BEFORE = rx(r"(?:วันที่|วัน|เมื่อ|ณ|ภายใน|เวลา|อีก|ประมาณ|ราว|ไป|ได้|ปี|พ\.ศ\.|เลข) $")
PAREN_NUMBERS = rx(rf" (?:{_ANCHOR_WORD} ?(?:ที่)? )?{_TOKEN}(?:{_CONN}{_TOKEN})* ")

ALL_RX = rx(
    r"(?=[ทขมสa])(?:(?P<all>ทุก ?(?:ข้อ(?! ?(?:มูล|ความ))|มาตรการ|อัน|รายการ))"
    r"|(?P<rest>(?:ข้อ|มาตรการ) ?(?:ที่ ?เหลือ|อื่น ?ๆ?)"
    r"|(?<!งาน)(?<!เวลา)(?<!เงิน)(?<!วัน)(?<!อีก)(?:ส่วน ?)?ที่ ?เหลือ(?: ?ทั้ง ?หมด)?)"
    rf"|(?P<weak>ทั้ง ?หมด|{_en('all')}))"
)

URL_RX = re.compile(
    r"(?:https?://|www\.)[^\s<>()\"'\u0e00-\u0e7f]+"
    r"|(?<![\w@.\-])[a-z0-9][a-z0-9.-]{0,60}\.(?:go|or|ac|co|in|mi|net)\.th(?:/[^\s<>()\"'\u0e00-\u0e7f]*)?",
    re.IGNORECASE,
)
PAREN_RX = re.compile(r"\(([^()\n]{1,300})\)")
_WEB = r"(?:เว็บ ?ไซ?ต์?|เว็บ|website|web|เพจ|page|facebook|fb|เฟ[ซส] ?บุ[๊ค]?[กค]|line|ไลน์|บอร์ด)"
NOTE_RX = rx(
    # a label needs its colon, except หมายเหตุ which is only ever a label
    r"(?P<label>(?:หลักฐาน|อ้างอิง|evidence|note|ref|ลิ้?[งน][กค]์?|link) ?(?:คือ|อยู่ ?ที่|:|-)"
    r"|หมาย ?เหตุ(?: ?(?:คือ|:|-))?)"
    r"|(?P<phrase>ตรวจ ?สอบ (?:ได้ )?(?:ใน|ที่|จาก|ผ่าน|บน|ทาง)"
    r"|ดู (?:ได้ )?(?:ที่|ใน|จาก|ทาง|บน)|ดู ?รายละเอียด|รายละเอียด (?:ที่|ตาม|ใน)"
    r"|ตาม ?(?:ลิ้?[งน][กค]์?|link|เอกสาร ?แนบ|ไฟล์ ?แนบ|ภาพ|รูป)"
    rf"|(?:(?:เผยแพร่|ประชาสัมพันธ์|ประกาศ|โพสต์?|ลง|ติด ?ประกาศ|อัพ ?โหลด|อัป ?โหลด)(?: แล้ว)? )?(?:ใน|บน|ทาง|ที่) (?:หน้า )?{_WEB})"
)
NOTE_TRIM = rx(
    rf"(?:[\s:;,\-]|{_PARTICLE}|ขอบ ?คุณ(?: ?มาก)?|สวัสดี)+$"
)  # "." stays: Thai uses it for abbreviations (อบต.), not to end sentences
NOTE_LEAD = re.compile(r"^[\s:;,.\-]+")
HAS_LETTER = re.compile(r"[\u0e01-\u0e4ea-z0-9]")

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


def word_value(word: str, last: int) -> int | None:
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
