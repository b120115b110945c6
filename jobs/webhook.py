"""The webhook job: the web process queues a LINE webhook body, the worker runs this.

The job's name, "jobs.webhook.process_body", is what bot/app.py queues; the work is the
event pipeline's (handlers/pipeline.py).
"""

from __future__ import annotations

from handlers import pipeline


def process_body(org: str, body: str) -> int:
    """Handle every event of one webhook body; returns how many were handled."""
    return pipeline.process_body(org, body)
