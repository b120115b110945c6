"""The three statuses and how a measure's status follows from its divisions' (PRODUCT.md 3.4)."""

from __future__ import annotations

from collections.abc import Iterable

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE)


def derive(statuses: Iterable[str]) -> str:
    """Done only when every owner is done; not started only when none has started."""
    values = list(statuses)
    if values and all(s == DONE for s in values):
        return DONE
    if all(s == NOT_STARTED for s in values):
        return NOT_STARTED
    return IN_PROGRESS
