"""What a parsed message says: the mentions and statuses found, paired into updates or a
problem to ask back about (the parser never guesses).

PAIRING. Mentions and statuses form alternating runs. A message that starts with a measure
reads "measure status" ("ข้อ 1 เสร็จ ข้อ 2 กำลังทำ"); one that starts with a status reads
"status measure" ("ยังไม่ได้เริ่มข้อ 4"). A status run between two measure runs that changes its
value half-way ("ข้อ 1 เสร็จ และยังไม่เริ่มข้อ 4") is split between them when the second has no
status of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NO_MEASURE = "no_measure"
NO_STATUS = "no_status"
UNKNOWN_MEASURE = "unknown_measure"
AMBIGUOUS_MEASURE = "ambiguous_measure"
CONFLICT = "conflict"


@dataclass
class ParsedReport:
    updates: list[tuple[str, str]] = field(default_factory=list)  # (measure id, status), in order
    note: str | None = None  # evidence note or URL riding along
    percent: int | None = None  # a percentage if stated (one value for the whole message)
    problem: str | None = None  # None when sure, else one of the constants above
    unknown_numbers: list[str] = field(default_factory=list)  # numbers named that are not measures
    candidates: list[str] = field(default_factory=list)  # measure ids that might be meant
    status_hint: str | None = None  # the status recognised when the measure is unclear


@dataclass
class Mention:
    ids: list[str] = field(default_factory=list)  # known measure ids named
    unknown: list[str] = field(default_factory=list)  # numbers that are not measures
    ambiguous: list[str] = field(default_factory=list)  # title fragment shared by several
    source: str = "number"  # number | title | weak | all | rest
    either: bool = False  # "ข้อ 1 หรือ 2"


Item = tuple[int, str, Mention | str]  # (position, "ref" | "status", payload)
Run = tuple[str, list]  # ("ref", [Mention, ...]) or ("status", [status, ...])


@dataclass
class _Said:
    """What the runs say of each measure, gathered before the verdict."""

    unknown: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # ids in the order the message names them
    strong: dict[str, set[str]] = field(default_factory=dict)  # said of it by number or title
    broad: dict[str, set[str]] = field(default_factory=dict)  # said by ทุกข้อ / ที่เหลือ
    orphans: list[str] = field(default_factory=list)  # named without a status
    rest_runs: list[tuple[int, list[str]]] = field(default_factory=list)


def _runs(items: list[Item]) -> list[Run]:
    explicit = [
        p for _, k, p in items if isinstance(p, Mention) and p.source in ("number", "title")
    ]
    if explicit:  # "ข้อ 1 เสร็จทั้งหมดแล้ว": ทั้งหมด is "completely", not "all measures"
        items = [it for it in items if not (isinstance(it[2], Mention) and it[2].source == "weak")]
    runs: list[Run] = []
    for _, kind, payload in items:
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(payload)
        else:
            runs.append((kind, [payload]))
    return runs


def _assign(runs: list[Run]) -> dict[int, list[str]]:
    """Which statuses each measure run gets (by the index of the run)."""
    status_first = bool(runs) and runs[0][0] == "status"
    assigned: dict[int, list[str]] = {}
    for k, (kind, values) in enumerate(runs):
        if kind != "status":
            continue
        left = k - 1 if k >= 1 else None
        right = k + 1 if k + 1 < len(runs) else None
        primary, secondary = (right, left) if status_first else (left, right)
        if primary is None:
            primary, secondary = secondary, None
        if primary is None:
            continue
        if secondary is not None and len(set(values)) > 1:
            own_run = secondary - 2 if status_first else secondary + 2
            if not 0 <= own_run < len(runs):
                cut = next(i for i, v in enumerate(values) if v != values[0])
                assigned.setdefault(k - 1, []).extend(values[:cut])
                assigned.setdefault(k + 1, []).extend(values[cut:])
                continue
        assigned.setdefault(primary, []).extend(values)
    return assigned


def _read_run(k: int, mentions: list[Mention], said: list[str], own: list[str], out: _Said) -> None:
    numbered = [i for mm in mentions if mm.source == "number" for i in mm.ids]
    run_ids: list[str] = list(numbered)
    for mm in mentions:
        out.unknown.extend(u for u in mm.unknown if u not in out.unknown)
        if mm.either:
            out.ambiguous.extend(i for i in mm.ids if i not in out.ambiguous)
        if mm.source == "title":
            named = mm.ids or mm.ambiguous
            if numbered and set(named) & set(numbered):
                continue  # "ข้อ 3 ความโปร่งใส…": the title agrees with the number
            if mm.ambiguous or numbered:
                out.ambiguous.extend(i for i in [*numbered, *named] if i not in out.ambiguous)
            run_ids.extend(mm.ids)
        elif mm.source == "weak_title" and not numbered:
            run_ids.extend(mm.ids)
        elif mm.source in ("all", "weak"):
            for i in own:
                out.order.append(i)
                out.broad.setdefault(i, set()).update(said)
            if not said:
                out.orphans.extend(own)
        elif mm.source == "rest":
            out.rest_runs.append((k, said))
    for i in run_ids:
        out.order.append(i)
        out.strong.setdefault(i, set()).update(said)
    if not said:
        out.orphans.extend(run_ids)


def _collect(
    runs: list[Run], assigned: dict[int, list[str]], own: list[str], distinct: list[str]
) -> _Said:
    out = _Said()
    for k, (kind, mentions) in enumerate(runs):
        if kind != "ref":
            continue
        said = assigned.get(k, [])
        if not said and distinct and all(mm.source in ("title", "weak_title") for mm in mentions):
            continue  # a title word in passing after a clear report ("… เรื่องความโปร่งใส")
        _read_run(k, mentions, said, own, out)
    for _, said in out.rest_runs:  # ที่เหลือ: the division's measures the message did not name
        rest = [i for i in own if i not in out.strong]
        for i in rest:
            out.order.append(i)
            out.broad.setdefault(i, set()).update(said)
        if not said:
            out.orphans.extend(rest)
    return out


def pair(
    items: list[Item], known: list[str], own_ids: list[str], report: ParsedReport
) -> ParsedReport:
    """Fill `report` with the updates the items make, or the problem that stops them."""
    statuses_seen = [p for _, k, p in items if k == "status"]
    distinct = list(dict.fromkeys(s for s in statuses_seen if isinstance(s, str)))
    own = [i for i in known if i in own_ids] or [i for i in own_ids if i]
    runs = _runs(items)
    said = _collect(runs, _assign(runs), own, distinct)
    order = list(dict.fromkeys(said.order))
    final: dict[str, set[str]] = {
        i: said.strong.get(i) or said.broad.get(i) or set() for i in order
    }
    report.status_hint = distinct[0] if len(distinct) == 1 else None
    if said.unknown:
        report.problem, report.unknown_numbers = UNKNOWN_MEASURE, said.unknown
        report.candidates = own or list(known)
    elif said.ambiguous:
        report.problem = AMBIGUOUS_MEASURE
        report.candidates = [i for i in known if i in said.ambiguous]
    elif not order:
        report.problem = NO_MEASURE
        report.candidates = own if distinct else []
    elif conflicts := [i for i in order if len(final[i]) > 1]:
        report.problem, report.candidates = CONFLICT, conflicts
    elif missing := [i for i in order if not final[i] and i in said.orphans]:
        report.problem, report.candidates = NO_STATUS, missing
        report.status_hint = None
    else:
        report.updates = [(i, next(iter(final[i]))) for i in order]
        report.status_hint = None
    return report
