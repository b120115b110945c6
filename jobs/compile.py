"""The compile job: version N of the memo, built from the plan and the store."""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime

from core.config import load_settings
from core.thai import thai_date
from handlers import review_notifications as chain_jobs
from jobs.memo import MemoInput, StepRecord, render_memo
from jobs.memo.annex import annex_of
from store import plans, versions
from store import status as status_store
from store.db import files_client, store_client
from store.matrix import Matrix
from store.plan_schema import Plan

log = logging.getLogger("itabot.compile")


def memo_input(
    plan: Plan,
    matrix: Matrix,
    version: int,
    memo_date: date,
    chain: versions.Chain | None,
    final: bool = False,
) -> MemoInput:
    steps = []
    for index, step in enumerate(plan.chain):
        record = chain.steps[index] if chain and index < len(chain.steps) else None
        decided = (
            datetime.fromisoformat(record.at).astimezone(plan.tz) if record and record.at else None
        )
        steps.append(
            StepRecord(
                step.position,
                step.name,
                record.comment if record else None,
                decided,
                record.decision if record else None,
            )
        )
    return MemoInput(
        plan=plan,
        memo_date=memo_date,
        version=version,
        measure_status={m.id: matrix.measure_status(m.id) for m in plan.measures},
        notes={m.id: matrix.notes(m.id) for m in plan.measures},
        chain=steps,
        final=final,
        annex=annex_of(plan),
    )


def compile_version(org: str, version: int, at_iso: str | None = None) -> dict:
    """Build and publish one version; safe to run again after a crash (same number, same result)."""
    started = time.perf_counter()
    settings = load_settings()
    r = store_client(settings)
    plan = plans.get_plan(r, org)
    if plan is None:
        versions.mark_failed(r, org, version, "no plan")
        raise RuntimeError(f"no plan loaded for {org}")
    moment = datetime.fromisoformat(at_iso) if at_iso else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=plan.tz)
    memo_date = moment.astimezone(plan.tz).date()
    matrix = status_store.read_matrix(r, plan)
    rendered = render_memo(memo_input(plan, matrix, version, memo_date, None))
    versions.store_files(
        files_client(settings),
        org,
        version,
        {"pdf": rendered.pdf, "docx": rendered.docx, "png": rendered.png},
    )
    superseded = versions.publish(
        r,
        org,
        version,
        snapshot=matrix.snapshot(),
        pages=rendered.pages,
        chain_steps=[(s.position, s.name) for s in plan.chain],
        now=datetime.now(UTC),
    )
    versions.set_memo_date_thai(r, org, version, thai_date(memo_date))
    for old in superseded:
        log.info("version superseded", extra={"org": org, "details": {"old": old, "new": version}})
    chain_jobs.request_review(settings, r, org, version)
    seconds = time.perf_counter() - started
    log.info(
        "memo compiled",
        extra={"org": org, "details": {"version": version, "seconds": round(seconds, 3)}},
    )
    return {
        "version": version,
        "pages": rendered.pages,
        "seconds": seconds,
        "typeset_seconds": rendered.typeset_seconds,
        "render": rendered.timings,  # typeset, text_layer, png, docx, total (jobs/memo)
    }


def finalise(org: str, version: int) -> dict:
    """Re-render a version whose chain has ended, carrying every decision, and send it out."""
    settings = load_settings()
    r = store_client(settings)
    plan = plans.get_plan(r, org)
    chain = versions.chain(r, org, version)
    record = versions.info(r, org, version)
    if plan is None or chain is None or not record:
        raise RuntimeError(f"cannot finalise {org} v{version}")
    matrix = versions.frozen_matrix(r, plan, version)
    if matrix is None:
        raise RuntimeError(f"version {version} of {org} has no statuses recorded")
    memo_date = date.fromisoformat(record["memo_date"])
    final = chain.state == versions.APPROVED
    rendered = render_memo(memo_input(plan, matrix, version, memo_date, chain, final=final))
    versions.store_files(
        files_client(settings),
        org,
        version,
        {"pdf": rendered.pdf, "docx": rendered.docx, "png": rendered.png},
    )
    if final:
        versions.mark_final(r, org, version, datetime.now(UTC))
    chain_jobs.announce_end(settings, r, org, version)
    return {"version": version, "final": final}
