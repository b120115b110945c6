"""The worker's terminal output a person can read: one line per job, not RQ's four.

RQ logs each job at INFO as it starts (with its whole call, a webhook body included), then
"Successfully completed … in …s", "Job OK" and "result is kept for …", and every
MAINTENANCE_EVERY seconds "cleaning registries" per queue. Here the start, "Job OK", "kept"
and cleaning lines move to DEBUG, and the completion line names the job's function and its
first argument only (an organisation id for the webhook job), with the time it took.
Warnings and failures are untouched.
"""

from __future__ import annotations

import logging
import re

RQ_LOGGERS = ("rq.worker",)
_DEBUG_ONLY = (
    "Worker %s: cleaning registries for queue: %s",
    "Worker %s: %s: %s (%s)",  # a job starting, and "Job OK"
    "Worker %s: job %s result is kept for %s seconds",
)
_COMPLETED = "Successfully completed %s job in %ss on worker %s"
_CALL = re.compile(
    r"^(?P<func>[\w.]+)\((?P<first>'(?:[^'\\]|\\.){0,64}'|\"(?:[^\"\\]|\\.){0,64}\"|[^,()'\"]{0,64})"
)


def short_call(description: str) -> str:
    """`jobs.webhook.process_body('naphu', '{…}')` -> `jobs.webhook.process_body('naphu', …)`."""
    match = _CALL.match(description or "")
    if not match:
        return (description or "")[:80]
    first = match.group("first")
    more = description[match.end() :].strip() not in ("", ")")
    inner = (first or "") + (", …" if more else "")
    return f"{match.group('func')}({inner})"


class ReadableJobs(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        if record.msg in _DEBUG_ONLY:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        if record.msg == _COMPLETED and isinstance(record.args, tuple) and len(record.args) == 3:
            description, taken, _worker = record.args
            seconds = taken.total_seconds() if hasattr(taken, "total_seconds") else float(taken)
            record.msg, record.args = "%s done in %.3f s", (short_call(str(description)), seconds)
        return True


def install() -> None:
    for name in RQ_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ReadableJobs) for f in logger.filters):
            logger.addFilter(ReadableJobs())
