"""Three organisations in different states for the supervisor's overview, and what the
overview must say of each.

naphu (the seed, อุดรธานี) has a real compiled memo held by its second reviewer; nongphai
(อุดรธานี) has every cell done and an approved memo; bankhok (ขอนแก่น) has a memo sent back.
The two extra plans are the seed plan under another org.id, name and province, saved with the
store's own functions; the statuses and review decisions go through the store too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from core.values import DONE, IN_PROGRESS, Decision
from store import plans, versions
from store import status as status_store
from store.db import GLOBAL_DEFAULT_ORG
from store.plan_schema import Plan, load_plan_file
from tests.helpers import SEED_PLAN, compile_memo

SEED_NAME = "นาพู่"


@dataclass(frozen=True)
class Expected:
    org: str
    name: str
    province: str
    deadline: str  # as the page prints it
    done_percent: int
    cells: tuple[int, int]
    not_started: list[str]
    memo_state: str
    memo_label: str
    last_report: str  # as the page prints it


NAPHU = Expected(
    "naphu",
    "องค์การบริหารส่วนตำบลนาพู่",
    "จังหวัดอุดรธานี",
    "๓๑ มีนาคม ๒๕๖๔",
    17,
    (3, 18),
    ["2", "5", "6"],
    "in_review",
    "รอการพิจารณาของรองปลัด อบต.นาพู่",
    "๒๐ มี.ค. ๖๔ ๑๐.๓๐ น.",
)
NONGPHAI = Expected(
    "nongphai",
    "องค์การบริหารส่วนตำบลหนองไผ่",
    "จังหวัดอุดรธานี",
    "๒๕ มีนาคม ๒๕๖๔",
    100,
    (18, 18),
    [],
    "approved",
    "อนุมัติแล้ว",
    "๒๘ มี.ค. ๖๔ ๑๕.๐๐ น.",
)
BANKHOK = Expected(
    "bankhok",
    "องค์การบริหารส่วนตำบลบ้านโคก",
    "จังหวัดขอนแก่น",
    "๕ เมษายน ๒๕๖๔",
    28,
    (5, 18),
    ["3", "4", "5", "6"],
    "returned",
    "ถูกส่งกลับเพื่อแก้ไข",
    "๑๐ มี.ค. ๖๔ ๐๙.๐๐ น.",
)
ALL = (NAPHU, NONGPHAI, BANKHOK)
UDON = (NAPHU, NONGPHAI)  # the province of อุดรธานี


def other_plan(org: str, place: str, district: str, province: str, deadline: str) -> Plan:
    """The seed plan as another organisation's: every mention of นาพู่ becomes `place`."""
    text = json.dumps(load_plan_file(str(SEED_PLAN)).model_dump(mode="json"), ensure_ascii=False)
    data = json.loads(text.replace(SEED_NAME, place))
    data["org"].update(id=org, district=district, province=province)
    data["deadline"] = deadline
    return Plan.model_validate(data)


def save_other(r, plan: Plan) -> None:
    plans.save_plan(r, plan)  # a new org.id: a new organisation; the seed stays the default
    assert r.get(GLOBAL_DEFAULT_ORG) == "naphu"


def report(r, org: str, cells: list[tuple[str, str, str]], at: str) -> None:
    changes = [status_store.Change(m, d, s) for m, d, s in cells]
    status_store.apply_changes(
        r,
        org,
        changes,
        user_id=f"U-{org}",
        user_name="เจ้าหน้าที่",
        source="test",
        event_id=None,
        at=datetime.fromisoformat(at),
    )


def publish_memo(r, plan: Plan, at: str) -> int:
    """A ready version with its chain started, as the compile job leaves it (no files)."""
    moment = datetime.fromisoformat(at)
    org = plan.org.id
    number = versions.allocate(r, org, requested_by="test", memo_date=moment.date().isoformat())
    versions.publish(
        r,
        org,
        number,
        snapshot=status_store.read_matrix(r, plan).snapshot(),
        pages=2,
        chain_steps=[(s.position, s.name) for s in plan.chain],
        now=moment,
    )
    return number


def decide(r, org: str, number: int, decisions: list[str], at: str) -> None:
    for step, decision in enumerate(decisions):
        result = versions.act(
            r,
            org,
            number,
            step,
            decision,
            "ความเห็น",
            user_id="U-rev",
            now=datetime.fromisoformat(at),
        )
        assert result.ok, result


def make_group(r, compile_naphu: bool = True) -> None:
    """The three organisations in their states (naphu's memo compiled by `itabot compile`)."""
    naphu = plans.get_plan(r, "naphu")
    assert naphu is not None
    everyone = [(m.id, d) for m in naphu.measures for d in m.owners]
    report(
        r,
        "naphu",
        [("3", "กองคลัง", DONE), ("4", "สำนักปลัด", DONE), ("1", "สำนักปลัด", DONE)],
        "2021-03-19T09:00:00+07:00",
    )
    report(r, "naphu", [("1", "กองคลัง", IN_PROGRESS)], "2021-03-20T10:30:00+07:00")

    nongphai = other_plan(
        "nongphai", "หนองไผ่", "อำเภอเมืองอุดรธานี", "จังหวัดอุดรธานี", "2021-03-25T16:30:00+07:00"
    )
    save_other(r, nongphai)
    report(r, "nongphai", [(m, d, DONE) for m, d in everyone], "2021-03-28T15:00:00+07:00")
    number = publish_memo(r, nongphai, "2021-03-28T16:00:00+07:00")
    decide(r, "nongphai", number, [Decision.APPROVE] * 4, "2021-03-29T10:00:00+07:00")

    bankhok = other_plan(
        "bankhok", "บ้านโคก", "อำเภอเมืองขอนแก่น", "จังหวัดขอนแก่น", "2021-04-05T16:30:00+07:00"
    )
    save_other(r, bankhok)
    report(
        r,
        "bankhok",
        [("1", d, IN_PROGRESS) for d in bankhok.divisions],
        "2021-03-09T09:00:00+07:00",
    )
    report(r, "bankhok", [("2", d, DONE) for d in bankhok.divisions], "2021-03-10T09:00:00+07:00")
    number = publish_memo(r, bankhok, "2021-03-11T09:00:00+07:00")
    decide(r, "bankhok", number, [Decision.APPROVE, Decision.REJECT], "2021-03-12T09:00:00+07:00")

    if compile_naphu:
        number = compile_memo()
        decide(r, "naphu", number, [Decision.APPROVE], "2021-03-30T11:00:00+07:00")
