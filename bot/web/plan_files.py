"""The plan as files: download it as Excel or YAML (with an empty template and the seed plan as
an example), and upload an edited one, which replaces the plan after the plan file's
validation, as `itabot plan load` does. Uploads are the admin's; reviewers only download."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from flask import Blueprint, redirect, request, url_for

from bot import plan_workbook
from bot.services import services
from bot.web import plan_changes
from bot.web.page import PageContext, attachment, not_found, render, signed_in
from core.texts import web as web_texts
from jobs import schedule
from store import plan_revisions
from store.plan_schema import PlanError, load_plan_file, parse_plan

# A plan's workbook is some 10 KB; a bigger upload is no plan (the app refuses > 1 MiB anyway).
MAX_UPLOAD = 512 * 1024
SEED_PLAN = Path(__file__).resolve().parent.parent / "demo_data" / "naphu-2564.yaml"
YAML_TYPE = "application/yaml; charset=utf-8"

bp = Blueprint("plan_files", __name__)


def _example(org: str) -> dict[str, Any]:
    """The seed's plan, as this organisation's (its id), to start from."""
    data = load_plan_file(str(SEED_PLAN)).model_dump(mode="json")
    data["org"]["id"] = org
    return data


def _yaml(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000).encode()


def _file(ctx: PageContext, name: str) -> tuple[bytes, str] | None:
    if name == "plan.xlsx":
        return plan_workbook.plan_workbook(ctx.plan), plan_workbook.XLSX_TYPE
    if name == "plan.yaml":
        return _yaml(ctx.plan.model_dump(mode="json")), YAML_TYPE
    if name == "template.xlsx":
        return plan_workbook.workbook_bytes({"org": {"id": ctx.org}}), plan_workbook.XLSX_TYPE
    if name == "example.xlsx":
        return plan_workbook.workbook_bytes(_example(ctx.org)), plan_workbook.XLSX_TYPE
    if name == "example.yaml":
        return _yaml(_example(ctx.org)), YAML_TYPE
    return None


def _page(ctx: PageContext, problems: list[str] | None = None, status: int = 200) -> Any:
    done = request.args.get("done", "")
    note = ""
    if done == "loaded":
        note = web_texts.plan_uploaded(
            request.args.get("kept", "0")[:6], request.args.get("dropped", "0")[:6]
        )
    body = render(ctx, "plan_files.html", "plan", problems=problems or [], note=note)
    return body, status


@bp.get("/admin/<org>/plan/files")
@signed_in()
def page(ctx: PageContext) -> Any:
    return _page(ctx)


@bp.get("/admin/<org>/plan/files/<name>")
@signed_in()
def download(ctx: PageContext, name: str) -> Any:
    found = _file(ctx, name)
    if found is None:
        return not_found(ctx.org)
    data, content_type = found
    return attachment(data, content_type, f"ita-{ctx.org}-{name}")


def _uploaded_plan(ctx: PageContext) -> Any:
    """The uploaded file's plan, or PlanError with what is wrong with it."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise PlanError([web_texts.PLAN_UPLOAD_NO_FILE])
    content = upload.stream.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise PlanError([web_texts.PLAN_UPLOAD_TOO_BIG])
    name = Path(upload.filename).name
    if name.lower().endswith(".xlsx"):
        plan = plan_workbook.read_workbook(content)
    elif name.lower().endswith((".yaml", ".yml")):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlanError([web_texts.PLAN_UPLOAD_NOT_UTF8]) from None
        plan = parse_plan(text, source=name)
    else:
        raise PlanError([web_texts.PLAN_UPLOAD_KIND])
    if plan.org.id != ctx.org:
        raise PlanError([web_texts.PLAN_OF_ANOTHER_ORG.format(given=plan.org.id, org=ctx.org)])
    return plan


@bp.post("/admin/<org>/plan/files")
@signed_in(admin_only=True)
def upload(ctx: PageContext) -> Any:
    try:
        plan = _uploaded_plan(ctx)
    except PlanError as exc:
        return _page(ctx, exc.problems, 422)
    shared = services()
    summary = plan_changes.summary(ctx.plan, plan)
    counts, _scheduled = schedule.apply_plan(shared.settings, shared.redis, plan)
    if summary:  # an upload is a plan revision too, listed in the history
        plan_revisions.record(
            shared.redis, ctx.org, ctx.viewer.user_id, ctx.viewer.person.name, summary
        )
    params = {"done": "loaded", **{k: str(v) for k, v in counts.items()}}
    return redirect(url_for("web.plan_files.page", org=ctx.org) + "?" + urlencode(params), 303)
