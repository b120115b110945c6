"""The parser's title index of an organisation's plan: from this process's cache, else as kept
in Redis beside the plan (store/plan_derived.py), else built and kept there for the others."""

from __future__ import annotations

import redis

from handlers import parse_titles
from handlers.parse_titles import MeasureRef
from store import plan_derived
from store.plan_schema import Plan

NAME = "title-index"


def refs(plan: Plan) -> list[MeasureRef]:
    return [MeasureRef(x.id, x.title, x.short_title) for x in plan.measures]


def ensure_index(r: redis.Redis, org: str, measures: list[MeasureRef]) -> None:
    """Make the index of these titles ready in this process for handlers.parse."""
    key = tuple(measures)
    if parse_titles.has_index(key):
        return
    digest = parse_titles.titles_digest(key)
    raw = plan_derived.get(r, org, NAME, digest)
    if raw is not None:
        parse_titles.remember(key, parse_titles.index_from_json(raw))
        return
    _keep(r, org, key, digest)


def build_for(r: redis.Redis, plan: Plan) -> None:
    """At plan load: build the index once and keep it beside the plan."""
    key = tuple(refs(plan))
    _keep(r, plan.org.id, key, parse_titles.titles_digest(key))


def _keep(r: redis.Redis, org: str, key: tuple[MeasureRef, ...], digest: str) -> None:
    index = parse_titles.title_index(key)
    plan_derived.put(r, org, NAME, digest, parse_titles.index_to_json(index))
