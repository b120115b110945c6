"""What the supervisor's overview shows: one row per organisation of the group, as display
text and as the values it sorts by, and the same rows as a spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.web.display import percent, short_datetime
from bot.web.sheets import Sheet
from core.texts import chat as texts
from core.texts import web as web_texts
from core.thai import thai_date, to_thai_digits
from store import versions
from store.group_overview import NOT_COMPILED, OrgSummary

COLUMNS = tuple(web_texts.SUPERVISOR_COLUMNS)
DEFAULT_SORT = "name"
ASC, DESC = "asc", "desc"

# The order of memo states when sorting: furthest from an approved memo first.
_MEMO_RANK = {
    NOT_COMPILED: 0,
    versions.REJECTED: 1,
    versions.RETURNED: 2,
    versions.SUPERSEDED: 3,
    versions.IN_REVIEW: 10,  # + the step holding it: further up the chain sorts later
    versions.APPROVED: 100,
}
# The colour of a memo state's pill (style.css's status colours): the words say it, this helps.
_MEMO_TONE = {
    versions.APPROVED: "done",
    versions.IN_REVIEW: "in_progress",
    versions.RETURNED: "rejected",
    versions.REJECTED: "rejected",
}


@dataclass(frozen=True)
class OverviewRow:
    org: str
    name: str
    place: str  # district and province
    deadline: str
    done_percent: int
    done_text: str
    not_started: int
    not_started_refs: str
    memo_state: str
    memo_label: str
    memo_tone: str
    last_report: str
    summary: OrgSummary

    def sort_key(self, column: str) -> Any:
        s = self.summary
        if column == "deadline":
            return s.plan.deadline
        if column == "done":
            return (s.done_share, s.cells_done)
        if column == "not_started":
            return self.not_started
        if column == "memo":
            return _MEMO_RANK.get(s.memo_state, 5) + (s.memo_step or 0)
        if column == "last_report":
            # never reported sorts as the oldest
            return s.last_report.timestamp() if s.last_report else float("-inf")
        return self.name


def _refs(ids: list[str]) -> str:
    return ", ".join(texts.measure_ref(m) for m in ids)


def overview_row(summary: OrgSummary) -> OverviewRow:
    plan = summary.plan
    done = percent(summary.done_share)
    return OverviewRow(
        org=summary.org,
        name=plan.org.name,
        place=" ".join(part for part in (plan.org.district, plan.org.province) if part),
        deadline=thai_date(plan.local_deadline()),
        done_percent=done,
        done_text=to_thai_digits(
            f"{done}% ({summary.cells_done}/{summary.cells_total} "
            f"{web_texts.SUPERVISOR_PAGE['of_cells']})"
        ),
        not_started=len(summary.not_started),
        not_started_refs=_refs(summary.not_started),
        memo_state=summary.memo_state,
        memo_label=web_texts.memo_state_label(summary.memo_state, summary.memo_position),
        memo_tone=_MEMO_TONE.get(summary.memo_state, "not_started"),
        last_report=short_datetime(summary.last_report, plan.tz)
        or web_texts.SUPERVISOR_PAGE["no_report"],
        summary=summary,
    )


def sorted_rows(
    summaries: list[OrgSummary], column: str | None, direction: str | None
) -> tuple[list[OverviewRow], str, str]:
    """The rows in the asked order (an unknown column or direction: by name, ascending), with
    the column and direction used. Ties keep the order by name."""
    column = column if column in COLUMNS else DEFAULT_SORT
    direction = direction if direction in (ASC, DESC) else ASC
    rows = sorted((overview_row(s) for s in summaries), key=lambda row: (row.name, row.org))
    rows.sort(key=lambda row: row.sort_key(column), reverse=direction == DESC)
    return rows, column, direction


def _local(moment: datetime | None, row: OverviewRow) -> datetime | None:
    # Excel has no time zones: the plan's wall-clock time, naive (as bot/web/sheets.py does).
    return moment.astimezone(row.summary.plan.tz).replace(tzinfo=None) if moment else None


def overview_sheet(rows: list[OverviewRow]) -> Sheet:
    sheet = Sheet(
        web_texts.SUPERVISOR_SHEET,
        list(web_texts.SUPERVISOR_EXPORT_HEADER),
        [],
        [14, 40, 18, 18, 20, 10, 10, 12, 12, 24, 36, 8, 20],
    )
    for row in rows:
        s = row.summary
        sheet.rows.append(
            [
                row.org,
                row.name,
                s.plan.org.district,
                s.plan.org.province,
                _local(s.plan.deadline, row),
                s.cells_done,
                s.cells_total,
                row.done_percent,
                row.not_started,
                ", ".join(s.not_started),
                row.memo_label,
                s.memo_version,
                _local(s.last_report, row),
            ]
        )
    return sheet
