"""The values that travel between layers: statuses, decisions, postback kinds, invite kinds,
and how a measure's status follows from its divisions' (docs/PRODUCT.md 3.4)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

# An organisation's id (the plan's org.id): a slug, the namespace of its keys in Redis and
# the last part of its webhook path `/callback/<org>`.
ORG_ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62})$"
_ORG_ID = re.compile(ORG_ID_PATTERN)


def is_org_id(text: str) -> bool:
    return bool(_ORG_ID.fullmatch(text))


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


NOT_STARTED, IN_PROGRESS, DONE = Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE
STATUSES = tuple(Status)


class Decision(StrEnum):
    """A reviewer's answer: pass the memo on (the last step: approve) or send it back."""

    APPROVE = "approve"
    REJECT = "reject"


class PostbackKind(StrEnum):
    """The first field of a button's postback data: what the tap is about."""

    STATUS = "st"  # set a measure's status
    ASK = "ask"  # answer the bot's "which measure did you mean?"
    REVIEW = "rv"  # a reviewer's decision on a memo version
    EVIDENCE = "ev"  # answer "which measure is this evidence of?"


class InviteKind(StrEnum):
    ADMIN = "admin"
    DIVISION = "division"
    POSITION = "position"


def derive(statuses: Iterable[str]) -> Status:
    """Done only when every owner is done; not started only when none has started."""
    values = list(statuses)
    if values and all(s == DONE for s in values):
        return DONE
    if all(s == NOT_STARTED for s in values):
        return NOT_STARTED
    return IN_PROGRESS


# Webhooks that arrive before any plan is loaded are handled in this namespace
# (handlers/first_contact.py). Not a valid org id (ids are [a-z0-9-]): it never meets a real one.
SETUP_ORG = "_setup"
