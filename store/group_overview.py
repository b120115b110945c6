"""The supervisor's overview as data: per organisation of a group, its plan, how many
measure × division cells are done, the measures not started, where its current memo stands
and when a cell last changed.

Read in two pipelined round trips for the whole group (statuses and current versions, then
the current versions' chains) after the plans, which each process keeps parsed: a province
of hundreds of organisations costs a few round trips, not one call per cell or per version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis

from core.values import DONE, NOT_STARTED
from store import plans, versions
from store.db import key
from store.plan_schema import Plan
from store.status import Matrix, matrix_from_hash

NOT_COMPILED = "not_compiled"  # memo_state of an organisation with no memo version yet


@dataclass(frozen=True)
class OrgSummary:
    org: str
    plan: Plan
    cells_done: int
    cells_total: int
    not_started: list[str]  # ids of the measures no owner has started, in plan order
    memo_version: int | None
    memo_state: str  # NOT_COMPILED or a chain state of store.versions (in_review, approved…)
    memo_position: str | None  # the chain position holding the memo while in review
    memo_step: int | None  # that position's index in the chain
    last_report: datetime | None  # the newest change among the current cells

    @property
    def done_share(self) -> float:
        return self.cells_done / self.cells_total if self.cells_total else 0.0


def _last_change(matrix: Matrix) -> datetime | None:
    moments = []
    for cell in matrix.cells.values():
        if cell.at:
            try:
                moments.append(datetime.fromisoformat(cell.at))
            except ValueError:
                continue  # an unreadable stamp says nothing about when
    return max(moments, default=None)


def _summary(
    org: str, plan: Plan, matrix: Matrix, number: int | None, chain: versions.Chain | None
) -> OrgSummary:
    owned = [(m.id, d) for m in plan.measures for d in m.owners]
    done = sum(1 for m, d in owned if matrix.cell(m, d).status == DONE)
    held = chain is not None and chain.state == versions.IN_REVIEW and chain.step < len(chain.steps)
    step = chain.step if held and chain else None
    return OrgSummary(
        org=org,
        plan=plan,
        cells_done=done,
        cells_total=len(owned),
        not_started=[m.id for m in plan.measures if matrix.measure_status(m.id) == NOT_STARTED],
        memo_version=number,
        memo_state=chain.state if chain else NOT_COMPILED,
        memo_position=chain.steps[step].position if chain and step is not None else None,
        memo_step=step,
        last_report=_last_change(matrix),
    )


def group_overview(r: redis.Redis, orgs: list[str]) -> list[OrgSummary]:
    """One summary per organisation of `orgs` that has a plan, in the order given."""
    found: list[tuple[str, Plan]] = []
    for org in orgs:
        plan = plans.get_plan(r, org)
        if plan is not None:
            found.append((org, plan))
    pipe = r.pipeline(transaction=False)
    for org, _ in found:
        pipe.hgetall(key(org, "status"))
        pipe.get(key(org, "memo-current"))
    replies: list[Any] = pipe.execute() if found else []
    numbers = [int(n) if n else None for n in replies[1::2]]
    pipe = r.pipeline(transaction=False)
    for (org, _), number in zip(found, numbers, strict=True):
        if number is not None:
            pipe.get(key(org, "memo", str(number), "chain"))
    raw_chains = iter(pipe.execute() if any(n is not None for n in numbers) else [])
    result = []
    for index, (org, plan) in enumerate(found):
        number = numbers[index]
        raw_chain = next(raw_chains) if number is not None else None
        chain = versions.Chain.from_json(raw_chain) if raw_chain else None
        matrix = matrix_from_hash(plan, replies[2 * index] or {})
        result.append(_summary(org, plan, matrix, number, chain))
    return result
