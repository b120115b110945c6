"""The plan editor's form: a plan as the form's draft, the posted form back to plan data,
and validation problems placed next to the form field they belong to.

Rows (divisions, measures, chain steps) are numbered fields ("measures.2.title"); a blank
row adds nothing, a row ticked "remove" is left out. An owner checkbox holds the division's
row number, so renaming a division keeps who owns what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from core.texts import plan_editor as texts
from store.plan_schema import Plan, field_problems

ORG_FIELDS = ("name", "short_name", "district", "province")
MEMO_FIELDS = (
    "office", "phone", "ref", "subject", "to", "assessed_year", "ita_score", "ita_level",
    "analysis_memo_date", "analysis_memo_item",
)  # fmt: skip
MEASURE_FIELDS = ("id", "title", "short_title", "steps", "monitoring")
MAX_ROWS = 200  # more rows than any plan has: a forged count cannot make a huge loop


@dataclass
class Posted:
    """A posted form read back: the plan's data and where each field came from."""

    data: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # form field → message
    problems: list[str] = field(default_factory=list)  # every problem, labelled
    plan: Plan | None = None


def draft_of(plan: Plan) -> dict[str, Any]:
    """The form's values for a saved plan."""
    data = plan.model_dump(mode="json")
    data["deadline"] = plan.deadline.isoformat()
    data["reminders"]["days_before"] = ", ".join(str(d) for d in plan.reminders.days_before)
    return data


def _count(form: Any, section: str) -> int:
    try:
        return max(0, min(int(form.get(f"{section}.count", "0")), MAX_ROWS))
    except ValueError:
        return 0


def _divisions(form: Any) -> tuple[list[str], dict[str, str]]:
    """The kept division names, and each posted row number → its (new) name."""
    kept: list[str] = []
    by_row: dict[str, str] = {}
    for row in range(_count(form, "divisions")):
        name = form.get(f"divisions.{row}", "").strip()
        if name and not form.get(f"divisions.{row}.remove"):
            kept.append(name)
            by_row[str(row)] = name
    return kept, by_row


def _measures(form: Any, division_of_row: dict[str, str]) -> list[dict[str, Any]]:
    measures = []
    for row in range(_count(form, "measures")):
        values = {name: form.get(f"measures.{row}.{name}", "").strip() for name in MEASURE_FIELDS}
        if form.get(f"measures.{row}.remove") or not any(values.values()):
            continue
        owners = []
        for value in form.getlist(f"measures.{row}.owners"):
            # a row number of a division that stays; anything else is kept as written, so
            # validation names it ("… is not a division")
            if value in division_of_row:
                owners.append(division_of_row[value])
            elif not value.isdigit():
                owners.append(value)
        measures.append({**values, "owners": owners})
    return measures


def _order(value: str, row: int) -> float:
    try:
        return float(value)
    except ValueError:
        return float(row + 1)


def _chain(form: Any) -> list[dict[str, str]]:
    steps = []
    for row in range(_count(form, "chain")):
        position = form.get(f"chain.{row}.position", "").strip()
        name = form.get(f"chain.{row}.name", "").strip()
        if form.get(f"chain.{row}.remove") or not (position or name):
            continue
        steps.append((_order(form.get(f"chain.{row}.order", ""), row), row, position, name))
    return [{"position": p, "name": n} for _, _, p, n in sorted(steps)]


def data_of(form: Any, org_id: str) -> dict[str, Any]:
    """The plan's data from a posted form (the organisation's id is never edited)."""
    divisions, division_of_row = _divisions(form)
    memo: dict[str, Any] = {name: form.get(f"memo.{name}", "").strip() for name in MEMO_FIELDS}
    memo["website_request"] = bool(form.get("memo.website_request"))
    memo["author"] = {
        "name": form.get("memo.author.name", "").strip(),
        "position": form.get("memo.author.position", "").strip(),
    }
    days = [d for d in re.split(r"[\s,]+", form.get("reminders.days_before", "")) if d]
    return {
        "org": {"id": org_id, **{n: form.get(f"org.{n}", "").strip() for n in ORG_FIELDS}},
        "memo": memo,
        "divisions": divisions,
        "measures": _measures(form, division_of_row),
        "chain": _chain(form),
        "deadline": form.get("deadline", "").strip(),
        "reminders": {"days_before": days, "time": form.get("reminders.time", "").strip()},
        "timezone": form.get("timezone", "").strip(),
    }


def _place(loc: tuple[Any, ...]) -> tuple[str, str, int | None]:
    """(the form field, its label's key, its row) of a problem's path in the plan."""
    parts = [str(p) for p in loc]
    section = parts[0] if parts else ""
    if section in ("measures", "chain") and len(parts) >= 3:
        return ".".join(parts[:3]), f"{section}.{parts[2]}", int(parts[1])
    if section == "divisions" and len(parts) >= 2:
        return ".".join(parts[:2]), "divisions.", int(parts[1])
    if section == "memo" and len(parts) >= 3 and parts[1] == "author":
        return ".".join(parts[:3]), ".".join(parts[:3]), None
    if section in ("org", "memo", "reminders") and len(parts) >= 2:
        return ".".join(parts[:2]), ".".join(parts[:2]), None
    return section, section, None


def read(form: Any, org_id: str) -> Posted:
    """Validate the posted form as `itabot plan load` validates a file."""
    posted = Posted(data_of(form, org_id))
    try:
        posted.plan = Plan.model_validate(posted.data)
    except ValidationError as exc:
        for loc, message in field_problems(exc):
            name, label_key, row = _place(loc)
            label = texts.field_label(
                name.split(".")[0], row, texts.FIELD_LABELS.get(label_key, name)
            )
            posted.errors.setdefault(name, message)
            posted.problems.append(texts.problem(label, message))
    return posted


def draft_of_posted(posted: Posted) -> dict[str, Any]:
    """The form's values to show again with the problems (the rows as they were read)."""
    data = dict(posted.data)
    data["reminders"] = {
        **posted.data["reminders"],
        "days_before": ", ".join(posted.data["reminders"]["days_before"]),
    }
    return data
