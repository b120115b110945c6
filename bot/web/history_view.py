"""What the history page shows: the filter read from GET parameters, the entries it keeps,
and each entry as a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.web.display import parse_date, parse_iso, short_datetime
from core.texts import chat as texts
from core.texts import web as web_texts
from core.values import NOT_STARTED
from store.people import Person
from store.plan_schema import Plan


@dataclass(frozen=True)
class HistoryFilter:
    division: str = ""
    measure: str = ""
    person: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.division or self.measure or self.person or self.since or self.until)

    def query(self) -> dict[str, str]:
        """The filter as GET parameters (for export links and paging)."""
        params = {"division": self.division, "measure": self.measure, "person": self.person}
        params["since"] = self.since.isoformat() if self.since else ""
        params["until"] = self.until.isoformat() if self.until else ""
        return {k: v for k, v in params.items() if v}


def history_filter(args: Any, plan: Plan) -> HistoryFilter:
    """Read the GET parameters; values the plan does not know are dropped, not trusted."""
    division = args.get("division", "")
    measure = args.get("measure", "")
    person = args.get("person", "")
    return HistoryFilter(
        division if division in plan.divisions else "",
        measure if plan.measure(measure) else "",
        person[:64],
        parse_date(args.get("since")),
        parse_date(args.get("until")),
    )


def _kept(entry: dict[str, Any], flt: HistoryFilter, tz: ZoneInfo) -> bool:
    if flt.division and entry.get("division") != flt.division:
        return False
    if flt.measure and entry.get("measure") != flt.measure:
        return False
    if flt.person and entry.get("by") != flt.person:
        return False
    if flt.since or flt.until:
        moment = parse_iso(entry.get("at"))
        if moment is None:
            return False
        day = moment.astimezone(tz).date()
        if (flt.since and day < flt.since) or (flt.until and day > flt.until):
            return False
    return True


def filter_history(
    entries: list[dict[str, Any]], flt: HistoryFilter, tz: ZoneInfo
) -> list[dict[str, Any]]:
    return [entry for entry in entries if _kept(entry, flt, tz)]


def history_people(entries: list[dict[str, Any]], everyone: list[Person]) -> list[tuple[str, str]]:
    """(user id, name) of everyone who appears in the history or is registered as staff."""
    names: dict[str, str] = {}
    for entry in entries:
        if entry.get("by"):
            names.setdefault(entry["by"], entry.get("by_name") or entry["by"])
    for person in everyone:
        if person.division:
            names.setdefault(person.user_id, person.name or person.user_id)
    return sorted(names.items(), key=lambda item: item[1])


@dataclass
class HistoryRow:
    id: int
    at: str
    by_name: str
    division: str
    ref: str
    title: str
    old: str
    old_label: str
    new: str
    new_label: str
    note: str | None
    source: str
    kind: str


def history_row(entry: dict[str, Any], plan: Plan) -> HistoryRow:
    measure = plan.measure(entry.get("measure", ""))
    old, new = entry.get("old", NOT_STARTED), entry.get("new", NOT_STARTED)
    return HistoryRow(
        int(entry.get("id") or 0),
        short_datetime(entry.get("at"), plan.tz),
        entry.get("by_name") or "",
        entry.get("division", ""),
        texts.measure_ref(entry.get("measure", "")),
        (measure.short_title or measure.title) if measure else web_texts.MEASURE_GONE,
        old,
        texts.STATUS_SHORT.get(old, old),
        new,
        texts.STATUS_SHORT.get(new, new),
        entry.get("note") if isinstance(entry.get("note"), str) else None,
        entry.get("source") or "",
        web_texts.kind_label(entry.get("kind")),
    )


def history_rows(entries: list[dict[str, Any]], plan: Plan) -> list[HistoryRow]:
    return [history_row(entry, plan) for entry in entries]
