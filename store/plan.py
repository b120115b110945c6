"""The plan file: its schema, validation with line numbers, and normalisation.

A plan is one YAML file that describes the organisation and the report (PRODUCT.md section 4).
Errors name the field and the line, in Thai an admin understands, and nothing is loaded.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import struct
from datetime import date, datetime, time
from typing import Any, Literal
from xml.etree import ElementTree
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _arabic(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_THAI_TO_ARABIC).strip()
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Org(_Strict):
    id: str = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62})$")
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    district: str = ""
    province: str = ""


class Person(_Strict):
    name: str = Field(min_length=1)
    position: str = Field(min_length=1)


EMBLEM_MAX_BYTES = 1_000_000  # the office's ครุฑ: a PNG or SVG file of at most 1 MB
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Emblem(_Strict):
    """The Garuda (ครุฑ) for the memo's top left, stored with the plan (every process sees it).

    The plan file names an image file (`memo.emblem: garuda.png`, relative to the plan file);
    loading the plan reads it, so the stored plan carries the image itself (base64).
    """

    name: str = Field(min_length=1)  # the file's name, for people
    format: Literal["png", "svg"]
    data: str  # base64 of the file

    @property
    def content(self) -> bytes:
        return base64.b64decode(self.data)

    @model_validator(mode="before")
    @classmethod
    def _read(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):  # a path, as the plan file gives it
            base = (info.context or {}).get("plan_dir") or "."
            path = os.path.join(base, os.path.expanduser(value.strip()))
            try:
                size = os.path.getsize(path)
                if size > EMBLEM_MAX_BYTES:
                    raise ValueError(
                        f"ไฟล์ภาพครุฑ “{value}” ใหญ่เกิน {EMBLEM_MAX_BYTES // 1_000_000} MB"
                    )
                with open(path, "rb") as handle:
                    content = handle.read(EMBLEM_MAX_BYTES + 1)
            except OSError as exc:
                raise ValueError(f"เปิดไฟล์ภาพครุฑ “{value}” ไม่ได้ ({exc.strerror})") from None
            value = {
                "name": os.path.basename(path),
                "format": _emblem_format(content, value, decode=True),
                "data": base64.b64encode(content).decode("ascii"),
            }
        elif isinstance(value, dict) and isinstance(value.get("data"), str):
            try:
                content = base64.b64decode(value["data"], validate=True)
            except (binascii.Error, ValueError):
                raise ValueError("ข้อมูลภาพครุฑเสีย (base64)") from None
            if _emblem_format(content, value.get("name", "")) != value.get("format"):
                raise ValueError("ข้อมูลภาพครุฑไม่ตรงกับชนิดไฟล์")
        return value


def _decode_png(content: bytes, name: str) -> None:
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValueError(f"ไฟล์ภาพครุฑ “{name}” เป็น PNG ที่เสีย") from None


def _emblem_format(content: bytes, name: str, decode: bool = False) -> str:
    """'png' or 'svg' for a usable image of at most EMBLEM_MAX_BYTES; ValueError otherwise.

    `decode` decodes a PNG whole (a file read from disk; the stored plan was checked so).
    """
    if len(content) > EMBLEM_MAX_BYTES:
        raise ValueError(f"ไฟล์ภาพครุฑ “{name}” ใหญ่เกิน {EMBLEM_MAX_BYTES // 1_000_000} MB")
    if content.startswith(_PNG_SIGNATURE):
        # IHDR comes first: width and height, both at least 1
        if len(content) < 33 or content[12:16] != b"IHDR":
            raise ValueError(f"ไฟล์ภาพครุฑ “{name}” เป็น PNG ที่เสีย")
        width, height = struct.unpack(">II", content[16:24])
        if not (0 < width <= 20_000 and 0 < height <= 20_000):
            raise ValueError(f"ไฟล์ภาพครุฑ “{name}” เป็น PNG ที่เสีย")
        if decode:
            _decode_png(content, name)
        return "png"
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        root = None
    if root is not None and root.tag.rsplit("}", 1)[-1] == "svg":
        return "svg"
    raise ValueError(f"ไฟล์ภาพครุฑ “{name}” ต้องเป็นภาพ PNG หรือ SVG")


class Memo(_Strict):
    office: str = Field(min_length=1)
    phone: str = Field(min_length=1)
    ref: str = Field(min_length=1)
    subject: str = Field(min_length=1)
    to: str = Field(min_length=1)
    assessed_year: int = Field(ge=2500, le=2700)
    ita_score: float = Field(ge=0, le=100)
    ita_level: str = Field(pattern=r"^(AA|A|B|C|D|E|F)$")
    analysis_memo_date: date
    analysis_memo_item: str = ""  # the item of that memo that set the measures (ข้อ ๖)
    author: Person
    website_request: bool = True
    emblem: Emblem | None = None  # the office's ครุฑ, top left of page 1; none: no emblem

    _digits = field_validator("assessed_year", "ita_score", "analysis_memo_date", mode="before")(
        classmethod(lambda cls, v: _arabic(v))
    )

    @field_validator("phone", "ref", "analysis_memo_item", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class Measure(_Strict):
    id: str = Field(pattern=r"^[0-9]{1,3}$")
    title: str = Field(min_length=1)
    steps: str = Field(min_length=1)
    owners: list[str] = Field(min_length=1)
    monitoring: str = ""
    short_title: str = ""

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        return str(_arabic(value)) if isinstance(value, int | str) else value

    @field_validator("owners")
    @classmethod
    def _owners_once(cls, owners: list[str]) -> list[str]:
        seen: list[str] = []
        for owner in owners:
            if owner in seen:
                raise ValueError(f"หน่วยงาน “{owner}” ซ้ำในรายการผู้รับผิดชอบ")
            seen.append(owner)
        return owners


class ChainStep(_Strict):
    position: str = Field(min_length=1)
    name: str = Field(min_length=1)


class Reminders(_Strict):
    days_before: list[int] = Field(default_factory=lambda: [7, 3, 1])
    time: str = "09:00"

    @field_validator("days_before", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [_arabic(v) for v in value]
        return value

    @field_validator("days_before")
    @classmethod
    def _positive(cls, days: list[int]) -> list[int]:
        if any(d < 0 or d > 366 for d in days):
            raise ValueError("จำนวนวันต้องอยู่ระหว่าง ๐ ถึง ๓๖๖")
        return sorted(set(days), reverse=True)

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as sexagesimal 540
            return f"{value // 60:02d}:{value % 60:02d}"
        value = _arabic(value)
        if not isinstance(value, str) or not re.fullmatch(r"([01]?\d|2[0-3])[:.][0-5]\d", value):
            raise ValueError("เวลาต้องเขียนแบบ ชช:นน เช่น 09:00")
        return value.replace(".", ":")

    def clock(self) -> time:
        hours, minutes = self.time.split(":")
        return time(int(hours), int(minutes))


class Plan(_Strict):
    org: Org
    memo: Memo
    divisions: list[str] = Field(min_length=1)
    measures: list[Measure] = Field(min_length=1)
    chain: list[ChainStep] = Field(min_length=1)
    deadline: datetime
    reminders: Reminders = Field(default_factory=Reminders)
    timezone: str = "Asia/Bangkok"

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: Any) -> Any:
        return _arabic(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"ไม่รู้จักเขตเวลา “{value}”") from exc
        return value

    @field_validator("divisions")
    @classmethod
    def _divisions_once(cls, divisions: list[str]) -> list[str]:
        if len(set(divisions)) != len(divisions):
            raise ValueError("มีชื่อหน่วยงานซ้ำกัน")
        if "admin" in divisions:
            raise ValueError("ใช้ชื่อ admin เป็นชื่อหน่วยงานไม่ได้")
        return divisions

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        errors: list[tuple[tuple[Any, ...], str]] = []
        ids = [m.id for m in self.measures]
        for index, measure in enumerate(self.measures):
            if ids.count(measure.id) > 1:
                errors.append((("measures", index, "id"), f"เลขมาตรการ {measure.id} ซ้ำกัน"))
            for o_index, owner in enumerate(measure.owners):
                if owner not in self.divisions:
                    errors.append(
                        (
                            ("measures", index, "owners", o_index),
                            f"“{owner}” ไม่อยู่ในรายชื่อหน่วยงาน (divisions)",
                        )
                    )
        positions = [s.position for s in self.chain]
        for index, step in enumerate(self.chain):
            if positions.count(step.position) > 1:
                errors.append((("chain", index, "position"), "ตำแหน่งในสายการเสนอซ้ำกัน"))
            if step.position in self.divisions or step.position == "admin":
                errors.append(
                    (("chain", index, "position"), "ตำแหน่งต้องไม่ซ้ำกับชื่อหน่วยงานหรือคำว่า admin")
                )
        if self.deadline.tzinfo is None:
            errors.append((("deadline",), "ต้องระบุเขตเวลา เช่น 2021-03-31T16:30:00+07:00"))
        if errors:
            raise PlanConsistencyError(errors)
        return self

    # -- helpers used everywhere -------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def measure(self, measure_id: str) -> Measure | None:
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        return None

    def measures_of(self, division: str) -> list[Measure]:
        return [m for m in self.measures if division in m.owners]

    def cells(self) -> list[tuple[str, str]]:
        """Every (measure id, division) pair a status is kept for."""
        return [(m.id, owner) for m in self.measures for owner in m.owners]

    def local_deadline(self) -> datetime:
        return self.deadline.astimezone(self.tz)


class PlanConsistencyError(ValueError):
    def __init__(self, errors: list[tuple[tuple[Any, ...], str]]):
        self.errors = errors
        super().__init__("; ".join(msg for _, msg in errors))


class PlanError(Exception):
    """A plan that cannot be loaded; `problems` are lines an admin can act on."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


_FIELD_WORDS = {
    "missing": "ขาดช่องที่ต้องมี",
    "extra_forbidden": "ไม่รู้จักช่องนี้ (สะกดผิดหรือเกินมา)",
    "string_too_short": "ต้องไม่เว้นว่าง",
    "too_short": "ต้องมีอย่างน้อยหนึ่งรายการ",
    "string_pattern_mismatch": "รูปแบบไม่ถูกต้อง",
    "int_parsing": "ต้องเป็นตัวเลขจำนวนเต็ม",
    "float_parsing": "ต้องเป็นตัวเลข",
    "date_from_datetime_parsing": "ต้องเป็นวันที่แบบ ปปปป-ดด-วว (ค.ศ.)",
    "date_parsing": "ต้องเป็นวันที่แบบ ปปปป-ดด-วว (ค.ศ.)",
    "datetime_from_date_parsing": "ต้องเป็นวันเวลาแบบ 2021-03-31T16:30:00+07:00",
    "datetime_parsing": "ต้องเป็นวันเวลาแบบ 2021-03-31T16:30:00+07:00",
    "list_type": "ต้องเป็นรายการ [ ... ]",
    "string_type": "ต้องเป็นข้อความ",
    "dict_type": "ต้องเป็นกลุ่มช่อง (mapping)",
    "model_type": "ต้องเป็นกลุ่มช่อง (mapping)",
    "greater_than_equal": "ค่าน้อยเกินไป",
    "less_than_equal": "ค่ามากเกินไป",
}


def _node_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest YAML node that `loc` reaches."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    found = value_node
                    line = key_node.start_mark.line + 1
                    break
            if found is None:
                break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _field_name(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(ทั้งไฟล์)"


def parse_plan(text: str, source: str = "plan", base_dir: str | None = None) -> Plan:
    """Validate the YAML text of a plan; raise PlanError with every problem found.

    Files the plan names (memo.emblem) are read relative to `base_dir` (default: the current
    directory).
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"บรรทัด {mark.line + 1}" if mark else "ไฟล์"
        raise PlanError(
            [f"{source}: {where}: อ่าน YAML ไม่ได้ ({getattr(exc, 'problem', exc)})"]
        ) from None
    if not isinstance(data, dict):
        raise PlanError(
            [f"{source}: ไฟล์แผนต้องเป็นกลุ่มช่อง org, memo, divisions, measures, chain, deadline"]
        )
    try:
        return Plan.model_validate(data, context={"plan_dir": base_dir})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            ctx_error = (err.get("ctx") or {}).get("error")
            if isinstance(ctx_error, PlanConsistencyError):
                for loc, message in ctx_error.errors:
                    problems.append(_describe(source, root, loc, message))
                continue
            loc = tuple(
                p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
            )
            words = _FIELD_WORDS.get(err["type"])
            message = str(ctx_error) if ctx_error else (words or err["msg"])
            problems.append(_describe(source, root, loc, message))
        raise PlanError(problems) from None


def _describe(source: str, root: yaml.Node | None, loc: tuple[Any, ...], message: str) -> str:
    line = _node_line(root, loc)
    where = f"บรรทัด {line}" if line else "ไฟล์"
    return f"{source}: {where}: ช่อง {_field_name(loc)}: {message}"


def load_plan_file(path: str) -> Plan:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise PlanError([f"{path}: เปิดไฟล์ไม่ได้ ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise PlanError([f"{path}: ไฟล์ต้องเป็น UTF-8"]) from None
    return parse_plan(text, source=path, base_dir=os.path.dirname(os.path.abspath(path)))
