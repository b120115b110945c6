"""Staff report status: by tapping (Flex carousel, quick replies) or by typing Thai text."""

from __future__ import annotations

from core.texts import chat as texts
from core.values import STATUSES, PostbackKind
from handlers import evidence, postback, titles
from handlers.context import Context
from handlers.parse import ParsedReport, parse_report
from line import messages as m
from store import status as status_store
from store.plan_schema import Measure


def _title(measure: Measure) -> str:
    return measure.short_title or measure.title


def _pb(ctx: Context, *parts: str) -> str:
    return postback.encode(ctx.settings.signing_key, ctx.org, ctx.user_id, *parts)


def status_quick_replies(ctx: Context, ids: list[str]) -> list[dict]:
    joined = ",".join(ids)
    refs = " ".join(texts.measure_ref(i) for i in ids)
    return [
        m.qr_postback(
            texts.STATUS_SHORT[s],
            _pb(ctx, PostbackKind.STATUS, joined, s),
            f"{refs} {texts.STATUS_LABEL[s]}",
        )
        for s in STATUSES
    ]


def measure_quick_replies(ctx: Context, ids: list[str], status_hint: str | None) -> list[dict]:
    plan = ctx.plan
    assert plan is not None
    items = []
    for measure_id in ids[:13]:
        measure = plan.measure(measure_id)
        label = f"{texts.measure_ref(measure_id)} {_title(measure) if measure else ''}"
        if status_hint:
            data = _pb(ctx, PostbackKind.STATUS, measure_id, status_hint)
            items.append(
                m.qr_postback(
                    label,
                    data,
                    f"{texts.measure_ref(measure_id)} {texts.STATUS_LABEL[status_hint]}",
                )
            )
        else:
            items.append(
                m.qr_postback(
                    label, _pb(ctx, PostbackKind.ASK, measure_id), texts.measure_ref(measure_id)
                )
            )
    return items


def show_carousel(ctx: Context, text: str = "") -> None:
    """รายงาน: a Flex carousel of the division's measures, a status button row each."""
    plan, person = ctx.plan, ctx.person
    assert plan is not None
    if person is None or not person.division:
        ctx.reply(m.text(texts.NOT_STAFF))
        return
    own = plan.measures_of(person.division)
    if not own:
        ctx.reply(m.text(texts.NO_MEASURES))
        return
    ctx.show_loading()  # up to 12 Flex bubbles from the matrix
    matrix = status_store.read_matrix(ctx.r, plan)
    bubbles = []
    for measure in own[:12]:
        cell = matrix.cell(measure.id, person.division)
        buttons = [
            m.postback_button(
                ("✓ " if cell.status == s else "") + texts.STATUS_SHORT[s],
                _pb(ctx, PostbackKind.STATUS, measure.id, s),
                style="primary" if cell.status == s else "secondary",
                color=m.COLOR[s] if cell.status == s else None,
                display=f"{texts.measure_ref(measure.id)} {texts.STATUS_LABEL[s]}",
            )
            for s in STATUSES
        ]
        bubbles.append(m.measure_bubble(measure.id, measure.title, cell.status, cell.note, buttons))
    ctx.reply(m.flex(texts.carousel_alt(person.division), m.carousel(bubbles)))


def report_text(ctx: Context, text: str) -> None:
    plan, person = ctx.plan, ctx.person
    assert plan is not None and person is not None and person.division
    own_ids = [x.id for x in plan.measures_of(person.division)]
    measures = titles.refs(plan)
    titles.ensure_index(ctx.r, ctx.org, measures)  # built once per plan, not per process
    parsed = parse_report(text, measures, own_ids)
    if parsed.problem:
        _ask_back(ctx, parsed, own_ids)
        return
    note = parsed.note
    if parsed.percent is not None and 0 < parsed.percent < 100:
        progress = texts.progress_note(parsed.percent)
        note = f"{progress}; {note}" if note else progress
    apply(ctx, parsed.updates, note, source=text)


def _ask_back(ctx: Context, parsed: ParsedReport, own_ids: list[str]) -> None:
    plan = ctx.plan
    assert plan is not None
    problem = parsed.problem
    if problem == "no_status":
        ids = [
            i for i in (parsed.candidates or [u for u, _ in parsed.updates]) if i in own_ids
        ] or own_ids
        refs = " ".join(texts.measure_ref(i) for i in ids)
        ctx.reply(m.text(texts.ASK_STATUS.format(refs=refs), status_quick_replies(ctx, ids[:5])))
    elif problem == "conflict":
        ids = [i for i in parsed.candidates if i in own_ids] or own_ids
        refs = " ".join(texts.measure_ref(i) for i in ids)
        ctx.reply(m.text(texts.ASK_CONFLICT.format(refs=refs), status_quick_replies(ctx, ids[:5])))
    elif problem == "unknown_measure":
        ctx.reply(
            m.text(
                texts.ask_unknown(parsed.unknown_numbers, len(plan.measures)),
                measure_quick_replies(ctx, own_ids, parsed.status_hint),
            )
        )
    elif problem == "ambiguous_measure":
        ids = [i for i in parsed.candidates if i in own_ids] or own_ids
        ctx.reply(m.text(texts.ASK_AMBIGUOUS, measure_quick_replies(ctx, ids, parsed.status_hint)))
    elif parsed.status_hint:  # a status without a measure
        ctx.reply(
            m.text(texts.ASK_MEASURE, measure_quick_replies(ctx, own_ids, parsed.status_hint))
        )
    else:
        ctx.reply(
            m.text(
                texts.NOT_UNDERSTOOD, [m.qr_message(texts.QR_REPORT), m.qr_message(texts.QR_HELP)]
            )
        )


def apply(ctx: Context, updates: list[tuple[str, str]], note: str | None, *, source: str) -> None:
    """Write owned cells that change; refuse the rest with the reason; confirm in one message."""
    plan, person = ctx.plan, ctx.person
    assert plan is not None and person is not None and person.division
    division = person.division
    owned = [
        (mid, s)
        for mid, s in updates
        if division in (plan.measure(mid).owners if plan.measure(mid) else [])
    ]
    refused = [mid for mid, _ in updates if mid not in {o for o, _ in owned}]
    owned = list(dict(owned).items())  # one status per measure
    # The store decides, atomically, which cells already hold this (see status._APPLY): two
    # people reporting the same at once get one change and one "already so", as in turn.
    changes = [status_store.Change(mid, division, new, note) for mid, new in owned]
    applied: list[status_store.Change] = []
    same: list[tuple[str, str]] = []
    parts: list[str] = []
    if changes:
        result = status_store.apply_changes(
            ctx.r,
            ctx.org,
            changes,
            user_id=ctx.user_id,
            user_name=person.name,
            source=source,
            event_id=ctx.event_id,
            at=ctx.now,
            skip_same=True,
        )
        ctx.event_marked = True  # applied or a redelivery: either way the script marked it
        if not result.applied:
            return  # this event was applied before: LINE redelivered it; say nothing twice
        applied = [c for c in changes if (c.measure, c.division) not in result.same]
        same = [(c.measure, c.status) for c in changes if (c.measure, c.division) in result.same]
    if applied:
        lines = [(c.measure, _title(plan.measure(c.measure)), c.status) for c in applied]
        parts.append(texts.confirm_change(lines, division, note))
    for mid, s in same:
        parts.append(texts.unchanged(mid, _title(plan.measure(mid)), s))
    if refused:
        parts.append(texts.not_owned(refused, division))
    quick = [m.qr_message(texts.QR_UNDO)] if applied else []
    quick += [m.qr_message(texts.QR_REPORT)]
    ctx.reply(m.text("\n\n".join(parts), quick))


def _staff(ctx: Context) -> bool:
    """The sender reports for a division; otherwise say so."""
    if ctx.person is None or not ctx.person.division:
        ctx.reply(m.text(texts.NOT_STAFF))
        return False
    return True


def tap_ask(ctx: Context, parts: list[str]) -> None:
    """Postback ask|id: a measure picked from the bot's question; ask its status."""
    plan = ctx.plan
    assert plan is not None
    if not _staff(ctx):
        return
    measure = plan.measure(parts[1]) if len(parts) == 2 else None
    if measure is None:
        ctx.reply(m.text(texts.STALE_BUTTON))
        return
    ctx.reply(
        m.text(
            texts.ASK_STATUS.format(refs=f"{texts.measure_ref(measure.id)} {_title(measure)}"),
            status_quick_replies(ctx, [measure.id]),
        )
    )


def tap_status(ctx: Context, parts: list[str]) -> None:
    """Postback st|ids|status: set the status of one or more measures."""
    plan = ctx.plan
    assert plan is not None
    if not _staff(ctx):
        return
    ids = (
        [i for i in parts[1].split(",") if plan.measure(i)]
        if len(parts) == 3 and parts[2] in STATUSES
        else []
    )
    if not ids:
        ctx.reply(m.text(texts.STALE_BUTTON))
        return
    refs = " ".join(texts.measure_ref(i) for i in ids)
    apply(ctx, [(i, parts[2]) for i in ids], None, source=texts.tapped(refs, parts[2]))


def undo(ctx: Context, source: str) -> None:
    plan = ctx.plan
    assert plan is not None
    result = status_store.undo_last(
        ctx.r, ctx.org, ctx.user_id, source=source, event_id=ctx.event_id, at=ctx.now
    )
    ctx.event_marked = True  # the script marked the event, whatever it found
    if result.duplicate:
        return
    if not result.applied:
        ctx.reply(m.text(texts.NOTHING_TO_UNDO))
        return
    if result.removed:  # the last change was evidence attached
        ctx.reply(m.text(evidence.undone(ctx, result.removed), [m.qr_message(texts.QR_REPORT)]))
        return
    lines = [
        (mid, _title(plan.measure(mid)) if plan.measure(mid) else "", s)
        for mid, _d, s in result.restored
    ]
    ctx.reply(m.text(texts.undone(lines, len(result.skipped)), [m.qr_message(texts.QR_REPORT)]))
