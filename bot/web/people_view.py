"""What the people page shows: everyone registered with their roles, and the open invites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.web.display import short_datetime
from core.texts import web as web_texts
from store.people import Person
from store.plan_schema import Plan

CLI_INVITER = "cli"  # `created_by` of an invite made by `itabot invite`


@dataclass
class PersonRow:
    user_id: str
    name: str
    roles: list[str]
    joined: str
    is_self: bool


def _roles(person: Person) -> list[str]:
    roles = [web_texts.ROLE_ADMIN] if person.admin else []
    roles += [web_texts.reviewer_of(position) for position in person.positions]
    if person.division:
        roles.append(web_texts.staff_of(person.division))
    return roles


def people_rows(everyone: list[Person], plan: Plan, viewer_id: str) -> list[PersonRow]:
    rows = [
        PersonRow(
            person.user_id,
            person.name or web_texts.UNKNOWN_NAME,
            _roles(person),
            short_datetime(person.joined, plan.tz),
            person.user_id == viewer_id,
        )
        for person in everyone
    ]
    rows.sort(key=lambda row: (not any(r == web_texts.ROLE_ADMIN for r in row.roles), row.name))
    return rows


def invite_rows(
    invites: list[dict[str, Any]], plan: Plan, everyone: list[Person]
) -> list[dict[str, str]]:
    names = {p.user_id: p.name for p in everyone}
    rows = []
    for invite in sorted(invites, key=lambda item: item.get("created", "")):
        by = invite.get("by", "")
        rows.append(
            {
                "code": invite["code"],
                "what": web_texts.invite_for(invite.get("kind", ""), invite.get("target", "")),
                "created": short_datetime(invite.get("created"), plan.tz),
                "expires": short_datetime(invite.get("expires"), plan.tz),
                "by": names.get(by, "") or (web_texts.BY_CLI if by == CLI_INVITER else ""),
            }
        )
    return rows
