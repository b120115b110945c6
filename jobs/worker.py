"""`itabot worker`: an RQ worker on every queue, with RQ's scheduler for `enqueue_at` jobs.

Chat events and deliveries run in the worker process itself; only the default queue's jobs
(memo compiles, reminder sweeps, chain steps) get a forked work horse. An event is a few
milliseconds of work once the process is warm, and a person is waiting for its answer: a
fork per event threw away the plan cache, the parser's title index (PyThaiNLP's dictionary
takes ~1.7 s to load), the LINE client's HTTP connection and the Redis connections every
time, so one worker handled about one event per second (bench/RESULTS.md). Compiles keep
their own process: they are heavy, rare, and a crash of the typesetter must not take the
worker down.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from rq import Worker  # noqa: E402
from rq.job import Job  # noqa: E402
from rq.queue import Queue  # noqa: E402
from rq.worker import WorkerStatus  # noqa: E402

from bot import logs  # noqa: E402
from bot.config import load_settings  # noqa: E402
from jobs.queues import ALL, DELIVERY, EVENTS  # noqa: E402
import redis  # noqa: E402

IN_PROCESS = frozenset({EVENTS, DELIVERY})


class ItabotWorker(Worker):
    """RQ's forking Worker, except that jobs of IN_PROCESS queues run without a fork
    (as RQ's SimpleWorker runs every job): same bookkeeping, timeouts and failure handling."""

    def execute_job(self, job: Job, queue: Queue) -> None:
        if queue.name not in IN_PROCESS:
            super().execute_job(job, queue)
            return
        self._in_process = True
        try:
            self.prepare_execution(job)
            self.perform_job(job, queue)
        finally:
            self._in_process = False
        self.set_state(WorkerStatus.IDLE)

    def get_heartbeat_ttl(self, job: Job) -> int:
        if getattr(self, "_in_process", False):
            # No monitor loop heartbeats an in-process job: cover its whole timeout (as SimpleWorker).
            return int(job.timeout or self.queue_class.DEFAULT_TIMEOUT) + 60 if job.timeout != -1 else 480
        return super().get_heartbeat_ttl(job)


def preload() -> None:
    """Import the job code and load the Thai dictionary once, in the worker process: in-process
    jobs find them warm, and each forked work horse inherits them."""
    import linebot.v3.messaging  # noqa: F401
    from pythainlp.corpus import thai_stopwords, thai_words
    from pythainlp.tokenize import word_tokenize

    import jobs.compile  # noqa: F401
    import jobs.deliver  # noqa: F401
    import jobs.remind  # noqa: F401
    import jobs.webhook  # noqa: F401

    thai_words()
    thai_stopwords()
    word_tokenize("ข้อมูลข่าวสาร", engine="newmm", keep_whitespace=False)


def run(burst: bool = False) -> int:
    settings = load_settings()
    logs.setup()
    logs.register_secret(settings.channel_secret)
    logs.register_secret(settings.access_token)
    preload()
    # No socket timeout here: the worker blocks on BLPOP for minutes by design.
    worker = ItabotWorker(list(ALL), connection=redis.Redis.from_url(settings.redis_url))
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    return 0
