"""The plan file: its schema, validation with line numbers, and normalisation.

A plan is one YAML file that describes the organisation and the report (docs/PRODUCT.md
section 4).
Errors name the field and the line, in Thai an admin understands, and nothing is loaded.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.texts import plan as texts
from core.thai import to_arabic_digits
from core.values import ORG_ID_PATTERN, InviteKind
from store.emblem import Emblem


def _arabic(value: Any) -> Any:
    if isinstance(value, str):
        return to_arabic_digits(value).strip()
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Org(_Strict):
    id: str = Field(pattern=ORG_ID_PATTERN)
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    district: str = ""
    province: str = ""


class Author(_Strict):
    """Who signs the memo as its author (not a LINE user: those are `store.people.Person`)."""

    name: str = Field(min_length=1)
    position: str = Field(min_length=1)


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
    author: Author
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
                raise ValueError(texts.owner_twice(owner))
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
            raise ValueError(texts.DAYS_OUT_OF_RANGE)
        return sorted(set(days), reverse=True)

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as sexagesimal 540
            return f"{value // 60:02d}:{value % 60:02d}"
        value = _arabic(value)
        if not isinstance(value, str) or not re.fullmatch(r"([01]?\d|2[0-3])[:.][0-5]\d", value):
            raise ValueError(texts.BAD_TIME)
        return value.replace(".", ":")

    def clock(self) -> time:
        hours, minutes = self.time.split(":")
        return time(int(hours), int(minutes))


class Evidence(_Strict):
    """Photos and files sent as evidence (optional block; both off by default)."""

    keep_exif: bool = False  # keep the photos' EXIF data (GPS included); default: dropped
    memo_annex: bool = False  # the memo's annex "ภาคผนวก หลักฐานการดำเนินการ"


class Plan(_Strict):
    org: Org
    memo: Memo
    divisions: list[str] = Field(min_length=1)
    measures: list[Measure] = Field(min_length=1)
    chain: list[ChainStep] = Field(min_length=1)
    deadline: datetime
    reminders: Reminders = Field(default_factory=Reminders)
    timezone: str = "Asia/Bangkok"
    evidence: Evidence = Field(default_factory=Evidence)

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
            raise ValueError(texts.unknown_timezone(value)) from exc
        return value

    @field_validator("divisions")
    @classmethod
    def _divisions_once(cls, divisions: list[str]) -> list[str]:
        if len(set(divisions)) != len(divisions):
            raise ValueError(texts.DIVISIONS_TWICE)
        if InviteKind.ADMIN in divisions:
            raise ValueError(texts.ADMIN_AS_DIVISION)
        return divisions

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        errors: list[tuple[tuple[Any, ...], str]] = []
        ids = [m.id for m in self.measures]
        for index, measure in enumerate(self.measures):
            if ids.count(measure.id) > 1:
                errors.append((("measures", index, "id"), texts.measure_id_twice(measure.id)))
            for o_index, owner in enumerate(measure.owners):
                if owner not in self.divisions:
                    errors.append(
                        (("measures", index, "owners", o_index), texts.owner_not_a_division(owner))
                    )
        positions = [s.position for s in self.chain]
        for index, step in enumerate(self.chain):
            if positions.count(step.position) > 1:
                errors.append((("chain", index, "position"), texts.POSITION_TWICE))
            if step.position in self.divisions or step.position == InviteKind.ADMIN:
                errors.append((("chain", index, "position"), texts.POSITION_CLASH))
        if self.deadline.tzinfo is None:
            errors.append((("deadline",), texts.DEADLINE_WITHOUT_ZONE))
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

    def days_left(self, now: datetime) -> int:
        """Calendar days from `now` to the deadline, in the plan's time zone (negative: late)."""
        return (self.local_deadline().date() - now.astimezone(self.tz).date()).days

    def invite_kind(self, target: str) -> InviteKind | None:
        """What an invite for `target` makes: `admin`, a division's staff, or a chain step's
        reviewer (the plan keeps the three kinds of name distinct)."""
        if target == InviteKind.ADMIN:
            return InviteKind.ADMIN
        if target in self.divisions:
            return InviteKind.DIVISION
        if target in [step.position for step in self.chain]:
            return InviteKind.POSITION
        return None


class PlanConsistencyError(ValueError):
    def __init__(self, errors: list[tuple[tuple[Any, ...], str]]):
        self.errors = errors
        super().__init__("; ".join(msg for _, msg in errors))


class PlanError(Exception):
    """A plan that cannot be loaded; `problems` are lines an admin can act on."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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
    return "".join(parts) or texts.WHOLE_FILE


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
        line = mark.line + 1 if mark else None
        raise PlanError(
            [texts.unreadable_yaml(source, line, getattr(exc, "problem", exc))]
        ) from None
    if not isinstance(data, dict):
        raise PlanError([f"{source}: {texts.NOT_A_MAPPING}"])
    try:
        return validate_plan(data, base_dir)
    except PlanFieldErrors as exc:
        raise PlanError(
            [_describe(source, root, loc, message) for loc, message in exc.errors]
        ) from None


class PlanFieldErrors(ValueError):
    """A plan's data that does not validate: (field path, message) for each problem, for the
    caller to place (a YAML line, a spreadsheet's sheet, row and column)."""

    def __init__(self, errors: list[tuple[tuple[Any, ...], str]]):
        self.errors = errors
        super().__init__("; ".join(message for _, message in errors))


def validate_plan(data: dict[str, Any], base_dir: str | None = None) -> Plan:
    """The plan in `data` (the YAML file's mapping), or PlanFieldErrors with every problem.
    Files it names (memo.emblem) are read relative to `base_dir` (default: the current
    directory)."""
    try:
        return Plan.model_validate(data, context={"plan_dir": base_dir})
    except ValidationError as exc:
        raise PlanFieldErrors(field_problems(exc)) from None


def field_problems(exc: ValidationError) -> list[tuple[tuple[Any, ...], str]]:
    """Each problem of a plan that failed validation: (the field's path, what is wrong in
    Thai). The YAML load and the web editor both show these."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    for err in exc.errors():
        ctx_error = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_error, PlanConsistencyError):
            problems.extend(ctx_error.errors)
            continue
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        words = texts.FIELD_WORDS.get(err["type"])
        # our validators' ValueErrors speak Thai; pydantic's own context (a parser's
        # "invalid character in year") does not, so its error type's words come first
        own = str(ctx_error) if isinstance(ctx_error, Exception) else None
        problems.append((loc, own or words or err["msg"]))
    return problems


def _describe(source: str, root: yaml.Node | None, loc: tuple[Any, ...], message: str) -> str:
    return texts.field_problem(source, _node_line(root, loc), _field_name(loc), message)


def load_plan_file(path: str) -> Plan:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise PlanError([texts.cannot_open(path, exc.strerror)]) from None
    except UnicodeDecodeError:
        raise PlanError([f"{path}: {texts.NOT_UTF8}"]) from None
    return parse_plan(text, source=path, base_dir=os.path.dirname(os.path.abspath(path)))
