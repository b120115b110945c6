"""What each page shows, built from the store's objects as plain data the templates print.

Kept apart from the Flask views so the rules (derived status, who is behind, filters) are
plain functions of the plan, the matrix and the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.texts import chat as texts
from core.texts import web as web_texts
from core.thai import THAI_MONTHS_SHORT, thai_date, to_thai_digits
from store.people import Person
from store.plan_schema import Plan
from store.status import Matrix
from store.version_views import VersionView


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def short_datetime(value: str | datetime | None, tz: ZoneInfo) -> str:
    """'๓๐ มี.ค. ๖๔ ๑๐.๐๐ น.' in the plan's time zone; '' when unknown."""
    moment = parse_iso(value) if isinstance(value, str) or value is None else value
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    text = f"{local.day} {THAI_MONTHS_SHORT[local.month - 1]} {(local.year + 543) % 100:02d} {local:%H.%M} น."
    return to_thai_digits(text)


def percent(value: float) -> int:
    return round(value * 100)


# -- progress ----------------------------------------------------------------------------------


@dataclass
class CellView:
    owner: bool
    status: str = ""
    label: str = ""
    short: str = ""
    note: str | None = None
    by_name: str | None = None
    at: str = ""


@dataclass
class MeasureRow:
    id: str
    ref: str
    title: str
    short_title: str
    cells: list[CellView]
    status: str
    status_label: str
    status_short: str
    progress: int
    owners_done: int
    owners: int


@dataclass
class Pending:
    division: str
    measures: list[tuple[str, str, str]]  # ref, short title, status
    staff: list[str]


@dataclass
class ProgressView:
    divisions: list[str]
    rows: list[MeasureRow]
    counts: dict[str, int]
    total: int
    overall: int  # percent, in-progress counting half
    cells_done: int
    cells_total: int
    deadline: str
    days_left: int
    days_left_text: str
    pending: list[Pending]
    all_done: list[str]
    no_staff: list[str] = field(default_factory=list)


def days_until(plan: Plan, now: datetime) -> int:
    return (plan.local_deadline().date() - now.astimezone(plan.tz).date()).days


def progress_view(
    plan: Plan, matrix: Matrix, everyone: list[Person], now: datetime
) -> ProgressView:
    rows = []
    cells_done = cells_total = 0
    score = 0.0
    for measure in plan.measures:
        cells = []
        for division in plan.divisions:
            if division not in measure.owners:
                cells.append(CellView(False))
                continue
            cell = matrix.cell(measure.id, division)
            cells.append(
                CellView(
                    True,
                    cell.status,
                    texts.STATUS_LABEL[cell.status],
                    texts.STATUS_SHORT[cell.status],
                    cell.note,
                    cell.by_name,
                    short_datetime(cell.at, plan.tz),
                )
            )
            cells_total += 1
            cells_done += cell.status == "done"
        status = matrix.measure_status(measure.id)
        share = matrix.progress(measure.id)
        score += share
        done = sum(1 for s in matrix.division_statuses(measure.id).values() if s == "done")
        rows.append(
            MeasureRow(
                measure.id,
                texts.measure_ref(measure.id),
                measure.title,
                measure.short_title or measure.title,
                cells,
                status,
                texts.STATUS_LABEL[status],
                texts.STATUS_SHORT[status],
                percent(share),
                done,
                len(measure.owners),
            )
        )
    staff: dict[str, list[str]] = {}
    for person in everyone:
        if person.division:
            staff.setdefault(person.division, []).append(person.name or "(ไม่ทราบชื่อ)")
    pending, all_done = [], []
    for division in plan.divisions:
        if not plan.measures_of(division):
            continue
        unfinished = matrix.unfinished_of(division)
        if not unfinished:
            all_done.append(division)
            continue
        items = []
        for measure_id in unfinished:
            measure = plan.measure(measure_id)
            assert measure is not None
            status = matrix.cell(measure_id, division).status
            items.append(
                (texts.measure_ref(measure_id), measure.short_title or measure.title, status)
            )
        pending.append(Pending(division, items, sorted(staff.get(division, []))))
    days = days_until(plan, now)
    return ProgressView(
        divisions=list(plan.divisions),
        rows=rows,
        counts=matrix.counts(),
        total=len(plan.measures),
        overall=percent(score / len(plan.measures)) if plan.measures else 0,
        cells_done=cells_done,
        cells_total=cells_total,
        deadline=f"{thai_date(plan.local_deadline())} เวลา {to_thai_digits(plan.local_deadline().strftime('%H.%M'))} น.",
        days_left=days,
        days_left_text=texts.days_left(days),
        pending=pending,
        all_done=all_done,
        no_staff=[d for d in plan.divisions if plan.measures_of(d) and d not in staff],
    )


# -- history -----------------------------------------------------------------------------------


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


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def history_filter(args: Any, plan: Plan) -> HistoryFilter:
    """Read the GET parameters; values the plan does not know are dropped, not trusted."""
    division = args.get("division", "")
    measure = args.get("measure", "")
    person = args.get("person", "")
    return HistoryFilter(
        division if division in plan.divisions else "",
        measure if plan.measure(measure) else "",
        person[:64],
        _date(args.get("since")),
        _date(args.get("until")),
    )


def filter_history(
    entries: list[dict[str, Any]], flt: HistoryFilter, tz: ZoneInfo
) -> list[dict[str, Any]]:
    result = []
    for entry in entries:
        if flt.division and entry.get("division") != flt.division:
            continue
        if flt.measure and entry.get("measure") != flt.measure:
            continue
        if flt.person and entry.get("by") != flt.person:
            continue
        if flt.since or flt.until:
            moment = parse_iso(entry.get("at"))
            if moment is None:
                continue
            day = moment.astimezone(tz).date()
            if (flt.since and day < flt.since) or (flt.until and day > flt.until):
                continue
        result.append(entry)
    return result


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


def history_rows(entries: list[dict[str, Any]], plan: Plan) -> list[HistoryRow]:
    rows = []
    for entry in entries:
        measure = plan.measure(entry.get("measure", ""))
        old, new = entry.get("old", "not_started"), entry.get("new", "not_started")
        rows.append(
            HistoryRow(
                int(entry.get("id") or 0),
                short_datetime(entry.get("at"), plan.tz),
                entry.get("by_name") or "",
                entry.get("division", ""),
                texts.measure_ref(entry.get("measure", "")),
                (measure.short_title or measure.title) if measure else "(มาตรการที่ไม่อยู่ในแผนแล้ว)",
                old,
                texts.STATUS_SHORT.get(old, old),
                new,
                texts.STATUS_SHORT.get(new, new),
                entry.get("note") if isinstance(entry.get("note"), str) else None,
                entry.get("source") or "",
                web_texts.KIND_LABEL.get(entry.get("kind") or "report", entry.get("kind") or ""),
            )
        )
    return rows


# -- memo versions -----------------------------------------------------------------------------


@dataclass
class StepView:
    position: str
    name: str
    state: str  # approved | rejected | current | waiting | skipped
    decision: str
    comment: str | None
    at: str


@dataclass
class VersionCard:
    number: int
    label: str
    status: str
    status_label: str
    memo_date: str
    requested: str
    built: str
    final: bool
    error: str
    chain_state: str
    chain_label: str
    holder: str  # position holding the memo now, when in review
    since: str
    steps: list[StepView]
    pages: str
    current: bool


def version_card(view: VersionView, plan: Plan, current: int | None) -> VersionCard:
    info, chain = view.info, view.chain
    tz = plan.tz
    memo_date = info.get("memo_date_thai") or ""
    if not memo_date and info.get("memo_date"):
        parsed = _date(info["memo_date"])
        memo_date = thai_date(parsed) if parsed else info["memo_date"]
    steps: list[StepView] = []
    holder = since = ""
    chain_state = chain.state if chain else ""
    if chain:
        last = len(chain.steps) - 1
        for index, step in enumerate(chain.steps):
            if step.decision:
                state = "approved" if step.decision == "approve" else "rejected"
            elif chain.state == "in_review" and index == chain.step:
                state = "current"
            elif chain.state == "in_review" and index > chain.step:
                state = "waiting"
            else:
                state = "skipped"
            steps.append(
                StepView(
                    step.position,
                    step.name,
                    state,
                    web_texts.decision_label(step.decision, index == last),
                    step.comment,
                    short_datetime(step.at, tz),
                )
            )
        if chain.state == "in_review" and 0 <= chain.step < len(chain.steps):
            holder = chain.steps[chain.step].position
            since = short_datetime(chain.since, tz)
    status = info.get("status", "")
    return VersionCard(
        number=view.number,
        label=texts.version_label(view.number),
        status=status,
        status_label=web_texts.VERSION_STATUS.get(status, status),
        memo_date=memo_date,
        requested=short_datetime(info.get("requested"), tz),
        built=short_datetime(info.get("built"), tz),
        final=info.get("final") == "1",
        error=info.get("error", ""),
        chain_state=chain_state,
        chain_label=web_texts.CHAIN_STATE.get(chain_state, ""),
        holder=holder,
        since=since,
        steps=steps,
        pages=to_thai_digits(info["pages"]) if info.get("pages") else "",
        current=current == view.number,
    )


# -- people ------------------------------------------------------------------------------------


@dataclass
class PersonRow:
    user_id: str
    name: str
    roles: list[str]
    joined: str
    is_self: bool


def people_rows(everyone: list[Person], plan: Plan, viewer_id: str) -> list[PersonRow]:
    rows = []
    for person in everyone:
        roles = []
        if person.admin:
            roles.append(web_texts.ROLE_ADMIN)
        for position in person.positions:
            roles.append(f"ผู้พิจารณา: {position}")
        if person.division:
            roles.append(f"เจ้าหน้าที่{person.division}")
        rows.append(
            PersonRow(
                person.user_id,
                person.name or "(ไม่ทราบชื่อ)",
                roles,
                short_datetime(person.joined, plan.tz),
                person.user_id == viewer_id,
            )
        )
    rows.sort(key=lambda row: (not any(r == web_texts.ROLE_ADMIN for r in row.roles), row.name))
    return rows


def invite_rows(
    invites: list[dict[str, Any]], plan: Plan, everyone: list[Person]
) -> list[dict[str, str]]:
    names = {p.user_id: p.name for p in everyone}
    rows = []
    for invite in sorted(invites, key=lambda item: item.get("created", "")):
        kind = invite.get("kind", "")
        target = invite.get("target", "")
        if kind == "division":
            what = f"เจ้าหน้าที่{target}"
        elif kind == "position":
            what = f"ผู้พิจารณา: {target}"
        else:
            what = web_texts.INVITE_KIND.get(kind, kind)
        rows.append(
            {
                "code": invite["code"],
                "what": what,
                "created": short_datetime(invite.get("created"), plan.tz),
                "expires": short_datetime(invite.get("expires"), plan.tz),
                "by": names.get(invite.get("by", ""), "")
                or ("คำสั่ง itabot" if invite.get("by") == "cli" else ""),
            }
        )
    return rows
