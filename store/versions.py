"""Memo versions and their review chains.

Each compile is a new numbered version; its number is taken when the compile is asked for,
so a compile job that is killed and run again rebuilds the same version instead of leaving
a half-made one behind. A version is `compiling` until its files are stored, then `ready`
and current, and its chain starts. A newer ready version supersedes the chain of the older.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import redis

from core.values import Decision
from store.db import key

if TYPE_CHECKING:  # kept out of import time: `itabot compile` reads versions without pydantic
    from store.plan_schema import Plan
    from store.status import Matrix

FILE_KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
}

# a version's record: compiling until its files are stored, then ready (or failed)
COMPILING, READY, FAILED = "compiling", "ready", "failed"

IN_REVIEW, RETURNED, APPROVED, REJECTED, SUPERSEDED = (
    "in_review",
    "returned",
    "approved",
    "rejected",
    "superseded",
)


@dataclass
class Step:
    position: str
    name: str
    decision: str | None = None  # approve | reject
    comment: str | None = None
    at: str | None = None
    by: str | None = None


@dataclass
class Chain:
    state: str
    step: int  # index of the step that holds the memo now
    since: str  # when the current step got it
    steps: list[Step] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {
                "state": self.state,
                "step": self.step,
                "since": self.since,
                "steps": [s.__dict__ for s in self.steps],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> Chain:
        data = json.loads(raw)
        return cls(data["state"], data["step"], data["since"], [Step(**s) for s in data["steps"]])

    @property
    def is_last_step(self) -> bool:
        return self.step == len(self.steps) - 1


def allocate(r: redis.Redis, org: str, *, requested_by: str, memo_date: str) -> int:
    number = int(r.incr(key(org, "memo-seq")))
    record = {
        "status": COMPILING,
        "requested": datetime.now(UTC).isoformat(timespec="seconds"),
        "requested_by": requested_by,
        "memo_date": memo_date,
    }
    pipe = r.pipeline(transaction=True)
    pipe.hset(key(org, "memo", str(number)), mapping=record)
    pipe.rpush(key(org, "memo-list"), number)
    pipe.execute()
    return number


def allocate_once(
    r: redis.Redis, org: str, slot: str, *, requested_by: str, memo_date: str
) -> tuple[int, bool]:
    """A version for a scheduled slot (the deadline compile), taken at most once."""
    marker = key(org, "slot-version", slot)
    existing = r.get(marker)
    if existing:
        return int(existing), False
    number = allocate(r, org, requested_by=requested_by, memo_date=memo_date)
    if r.set(marker, number, nx=True):
        return number, True
    r.hset(key(org, "memo", str(number)), "status", FAILED)  # lost a race: give the number up
    return int(r.get(marker)), False


def info(r: redis.Redis, org: str, number: int) -> dict[str, str]:
    return r.hgetall(key(org, "memo", str(number)))


def numbers(r: redis.Redis, org: str) -> list[int]:
    return [int(n) for n in r.lrange(key(org, "memo-list"), 0, -1)]


def current(r: redis.Redis, org: str) -> int | None:
    value = r.get(key(org, "memo-current"))
    return int(value) if value else None


def store_files(rb: redis.Redis, org: str, number: int, files: dict[str, bytes]) -> None:
    pipe = rb.pipeline(transaction=True)
    for kind, data in files.items():
        pipe.set(key(org, "memo", str(number), "file", kind), data)
    pipe.execute()


def read_file(rb: redis.Redis, org: str, number: int, kind: str) -> bytes | None:
    return rb.get(key(org, "memo", str(number), "file", kind))


def publish(
    r: redis.Redis,
    org: str,
    number: int,
    *,
    snapshot: dict[str, Any],
    pages: int,
    chain_steps: list[tuple[str, str]],
    now: datetime,
) -> list[int]:
    """Mark a built version ready and current, start its chain, supersede older chains.

    Returns the versions whose chains were superseded. Idempotent: publishing a version
    twice (a re-run job) changes nothing the second time.
    """
    record_key = key(org, "memo", str(number))
    current_key = key(org, "memo-current")
    superseded: list[int] = []
    with r.pipeline() as pipe:
        while True:
            try:
                pipe.watch(record_key, current_key)
                if pipe.hget(record_key, "status") == READY:
                    pipe.unwatch()
                    return []
                previous = pipe.get(current_key)
                previous_chain_raw = (
                    pipe.get(key(org, "memo", previous, "chain")) if previous else None
                )
                chain = Chain(
                    IN_REVIEW,
                    0,
                    now.isoformat(timespec="seconds"),
                    [Step(position, name) for position, name in chain_steps],
                )
                pipe.multi()
                if previous and int(previous) < number:
                    if previous_chain_raw:
                        old = Chain.from_json(previous_chain_raw)
                        if old.state == IN_REVIEW:
                            old.state = SUPERSEDED
                            pipe.set(key(org, "memo", previous, "chain"), old.to_json())
                            superseded.append(int(previous))
                if not previous or int(previous) < number:
                    pipe.set(current_key, number)
                pipe.hset(
                    record_key,
                    mapping={
                        "status": READY,
                        "built": now.isoformat(timespec="seconds"),
                        "pages": pages,
                        "snapshot": json.dumps(snapshot, ensure_ascii=False),
                    },
                )
                pipe.set(key(org, "memo", str(number), "chain"), chain.to_json())
                pipe.execute()
                return superseded
            except redis.WatchError:
                superseded.clear()
                continue


def frozen_matrix(r: redis.Redis, plan: Plan, number: int) -> Matrix | None:
    """The statuses a version was built from (not today's)."""
    from store.status import Matrix

    raw = r.hget(key(plan.org.id, "memo", str(number)), "snapshot")
    return Matrix.from_snapshot(plan, json.loads(raw)) if raw else None


def mark_failed(r: redis.Redis, org: str, number: int, reason: str) -> None:
    record_key = key(org, "memo", str(number))
    if r.hget(record_key, "status") != READY:
        r.hset(record_key, mapping={"status": FAILED, "error": reason[:500]})


def chain(r: redis.Redis, org: str, number: int) -> Chain | None:
    raw = r.get(key(org, "memo", str(number), "chain"))
    return Chain.from_json(raw) if raw else None


@dataclass(frozen=True)
class Transition:
    ok: bool
    reason: str = ""  # superseded | not_current_step | closed | not_found
    chain: Chain | None = None


def _decide(
    state: Chain, step: int, decision: str, comment: str | None, user_id: str, at: str
) -> None:
    """Write the decision into the chain and move it on: the next step, or its end."""
    current_step = state.steps[step]
    current_step.decision = decision
    current_step.comment = comment or None
    current_step.at = at
    current_step.by = user_id
    if decision == Decision.REJECT:
        state.state = REJECTED if state.is_last_step else RETURNED
    elif state.is_last_step:
        state.state = APPROVED
    else:
        state.step += 1
        state.since = at


def _refusal(state: Chain, current_number: str | None, number: int, step: int) -> str:
    """Why a decision on `step` of version `number` cannot be taken now ("" when it can)."""
    if state.state == SUPERSEDED or (current_number and int(current_number) != number):
        return "superseded"
    if state.state != IN_REVIEW:
        return "closed"
    if state.step != step:
        return "not_current_step"
    return ""


def act(
    r: redis.Redis,
    org: str,
    number: int,
    step: int,
    decision: str,
    comment: str | None,
    *,
    user_id: str,
    now: datetime,
) -> Transition:
    """Record one step's decision, exactly once, whatever races it."""
    chain_key = key(org, "memo", str(number), "chain")
    current_key = key(org, "memo-current")
    at = now.isoformat(timespec="seconds")
    entry = {"step": step, "decision": decision, "comment": comment, "by": user_id, "at": at}
    with r.pipeline() as pipe:
        while True:
            try:
                pipe.watch(chain_key, current_key)
                raw = pipe.get(chain_key)
                if raw is None:
                    pipe.unwatch()
                    return Transition(False, "not_found")
                state = Chain.from_json(raw)
                refusal = _refusal(state, pipe.get(current_key), number, step)
                if refusal:
                    pipe.unwatch()
                    return Transition(False, refusal, state)
                _decide(state, step, decision, comment, user_id, at)
                pipe.multi()
                pipe.set(chain_key, state.to_json())
                pipe.rpush(
                    key(org, "memo", str(number), "log"), json.dumps(entry, ensure_ascii=False)
                )
                pipe.execute()
                return Transition(True, "", state)
            except redis.WatchError:
                continue


def set_memo_date_thai(r: redis.Redis, org: str, number: int, text: str) -> None:
    """The memo date as the memo prints it, for messages that quote it."""
    r.hset(key(org, "memo", str(number)), "memo_date_thai", text)


def mark_final(r: redis.Redis, org: str, number: int, now: datetime) -> None:
    r.hset(
        key(org, "memo", str(number)),
        mapping={"final": "1", "finalised": now.isoformat(timespec="seconds")},
    )
