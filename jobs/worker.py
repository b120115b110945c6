"""`itabot worker`: an RQ worker on every queue, with RQ's scheduler for `enqueue_at` jobs."""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from rq import Worker  # noqa: E402

from bot import logs  # noqa: E402
from bot.config import load_settings  # noqa: E402
from jobs.queues import ALL  # noqa: E402
import redis  # noqa: E402


def preload() -> None:
    """Import the job code once in the parent, so each forked work horse starts warm."""
    import linebot.v3.messaging  # noqa: F401

    import jobs.compile  # noqa: F401
    import jobs.deliver  # noqa: F401
    import jobs.remind  # noqa: F401
    import jobs.webhook  # noqa: F401


def run(burst: bool = False) -> int:
    settings = load_settings()
    logs.setup()
    logs.register_secret(settings.channel_secret)
    logs.register_secret(settings.access_token)
    preload()
    # No socket timeout here: the worker blocks on BLPOP for minutes by design.
    worker = Worker(list(ALL), connection=redis.Redis.from_url(settings.redis_url))
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    return 0
