"""What the memo pages show: each version as a card with its review chain, step by step."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.web.display import parse_date, short_datetime
from core.texts import chat as texts
from core.texts import web as web_texts
from core.thai import thai_date, to_thai_digits
from core.values import Decision
from store.plan_schema import Plan
from store.version_views import VersionView

IN_REVIEW = "in_review"


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


def _memo_date(info: dict[str, str]) -> str:
    memo_date = info.get("memo_date_thai") or ""
    if not memo_date and info.get("memo_date"):
        parsed = parse_date(info["memo_date"])
        memo_date = thai_date(parsed) if parsed else info["memo_date"]
    return memo_date


def _steps(view: VersionView, tz: ZoneInfo) -> list[StepView]:
    chain = view.chain
    if not chain:
        return []
    steps = []
    last = len(chain.steps) - 1
    for index, step in enumerate(chain.steps):
        if step.decision:
            state = "approved" if step.decision == Decision.APPROVE else "rejected"
        elif chain.state == IN_REVIEW and index == chain.step:
            state = "current"
        elif chain.state == IN_REVIEW and index > chain.step:
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
    return steps


def version_card(view: VersionView, plan: Plan, current: int | None) -> VersionCard:
    info, chain = view.info, view.chain
    holder = since = ""
    if chain and chain.state == IN_REVIEW and 0 <= chain.step < len(chain.steps):
        holder = chain.steps[chain.step].position
        since = short_datetime(chain.since, plan.tz)
    chain_state = chain.state if chain else ""
    status = info.get("status", "")
    return VersionCard(
        number=view.number,
        label=texts.version_label(view.number),
        status=status,
        status_label=web_texts.VERSION_STATUS.get(status, status),
        memo_date=_memo_date(info),
        requested=short_datetime(info.get("requested"), plan.tz),
        built=short_datetime(info.get("built"), plan.tz),
        final=info.get("final") == "1",
        error=info.get("error", ""),
        chain_state=chain_state,
        chain_label=web_texts.CHAIN_STATE.get(chain_state, ""),
        holder=holder,
        since=since,
        steps=_steps(view, plan.tz),
        pages=to_thai_digits(info["pages"]) if info.get("pages") else "",
        current=current == view.number,
    )
