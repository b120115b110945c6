"""`itabot worker`: an RQ worker on every queue, with RQ's scheduler for `enqueue_at` jobs.

Jobs run in the worker process itself (RQ's SimpleWorker), without RQ's fork per job. A chat
event is a few milliseconds of work once the process is warm and a person is waiting for its
answer: a fork per event threw away the plan cache, the parser's title index (PyThaiNLP's
dictionary takes ~1.7 s to load), the LINE client's HTTP connection and the Redis connections
every time, so one worker handled about one event per second (bench/RESULTS.md). Memo compiles
run here too: typst's compiler stays warm (0.07 s for the seed memo instead of 0.24 s cold), and
since the process never forks after typst has started its threads, nothing can inherit them
half-held. A job that kills the process (or a SIGKILL of the worker) leaves it in RQ's started
registry; the next worker moves it on (see tests/test_reliability.py). Replies to LINE go out
from a few threads (handlers/replies.py), so the next event does not wait for LINE's answer to
the last one.

The worker is extended by overriding methods of RQ's worker (heartbeat, set_state,
execute_job, perform_job, get_heartbeat_ttl, dequeue_timeout, request_stop, teardown,
run_maintenance_tasks) and by
calling maintain_heartbeats and handle_job_failure. They carry no underscore, but their
signatures and the order RQ calls them in are not a documented interface: hence rq==2.12.0
pinned in pyproject.toml.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import threading  # noqa: E402
import time  # noqa: E402

import redis  # noqa: E402
from rq import SimpleWorker  # noqa: E402
from rq.job import Job  # noqa: E402
from rq.queue import Queue  # noqa: E402
from rq.worker import DequeueStrategy, WorkerStatus  # noqa: E402

from core import logs  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.texts import chat as chat_texts  # noqa: E402
from core.values import DONE  # noqa: E402
from handlers import replies  # noqa: E402
from jobs import worker_logs  # noqa: E402
from store import event_queues  # noqa: E402
from store.queues import ALL, retry_abandoned  # noqa: E402

HEARTBEAT_EVERY = 1.0  # seconds between the worker's own idle heartbeats (its key lives 480 s)
JOB_HEARTBEAT_EVERY = 5.0  # seconds between heartbeats of a running in-process job
JOB_HEARTBEAT_TTL = 20  # a job not heartbeaten for this long was abandoned (its worker died)
MAINTENANCE_EVERY = 15  # seconds between RQ's registry clean-ups (abandoned jobs retried)


class ItabotWorker(SimpleWorker):
    """RQ's SimpleWorker (every job in this process), with a heartbeat thread per job.

    RQ also spends Redis round trips per job on the worker's own key; two are dropped here
    without changing what Redis holds: the worker heartbeat (HSET + EXPIRE) goes in one
    pipeline and is sent at most once a second when nothing asks for a particular TTL, and
    the worker state is not written again when it already holds that value.
    """

    _last_beat = 0.0

    def heartbeat(self, timeout: int | None = None, pipeline=None) -> None:
        if pipeline is not None:
            super().heartbeat(timeout, pipeline=pipeline)
            return
        now = time.monotonic()
        if timeout is None and now - self._last_beat < HEARTBEAT_EVERY:
            return
        with self.connection.pipeline() as pipe:
            super().heartbeat(timeout, pipeline=pipe)
            pipe.execute()
        self._last_beat = now

    def set_state(self, state: str, pipeline=None) -> None:
        if pipeline is None and state == WorkerStatus.IDLE and self.get_state() == state:
            return
        super().set_state(state, pipeline=pipeline)

    stopping = False  # SIGTERM/SIGINT asked for a shutdown (RQ sets no flag when idle)
    interrupted: tuple[Job, Queue] | None = None  # the job Redis went away under

    def request_stop(self, signum, frame) -> None:
        self.stopping = True
        super().request_stop(signum, frame)

    def execute_job(self, job: Job, queue: Queue) -> None:
        try:
            super().execute_job(job, queue)
        except redis.ConnectionError:
            self.interrupted = (job, queue)
            raise

    def perform_job(self, job: Job, queue: Queue) -> bool:
        # No monitor loop watches an in-process job: a thread keeps its short heartbeat alive,
        # so a worker killed mid-job leaves an entry that expires within JOB_HEARTBEAT_TTL and
        # the next worker's maintenance gives the job its retry (RQ's abandoned-job handling).
        beating = threading.Event()
        beat = threading.Thread(
            target=self._beat, args=(job, beating), daemon=True, name="job-heartbeat"
        )
        beat.start()
        try:
            return super().perform_job(job, queue)
        finally:
            beating.set()

    def _beat(self, job: Job, stop: threading.Event) -> None:
        while not stop.wait(JOB_HEARTBEAT_EVERY):
            try:
                self.maintain_heartbeats(job)
            except Exception:  # Redis away: the job itself will notice
                self.log.warning("job heartbeat failed", exc_info=True)

    def teardown(self) -> None:
        replies.stop_background_replies()  # a warm shutdown sends what it has answered
        super().teardown()

    @property
    def dequeue_timeout(self) -> int:
        # Wake from the blocking dequeue often enough for maintenance to run on time: RQ only
        # cleans registries (and retries abandoned jobs) between dequeues.
        return MAINTENANCE_EVERY

    def get_heartbeat_ttl(self, job: Job) -> int:
        return JOB_HEARTBEAT_TTL

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        # An inbox whose drain job is gone for good (store/event_queues.py) gets a new one.
        for shard in event_queues.revive(self.connection, retry_abandoned()):
            self.log.warning("webhook inbox %s had no drain job; one is queued", shard)


def preload() -> None:
    """Import the job code and load the Thai dictionary once, in the worker process, so that
    the jobs find them warm."""
    import linebot.v3.messaging  # noqa: F401
    from pythainlp.corpus import thai_stopwords, thai_words
    from pythainlp.tokenize import word_tokenize

    import jobs.compile  # noqa: F401
    import jobs.deliver  # noqa: F401
    import jobs.remind  # noqa: F401
    import jobs.webhook  # noqa: F401

    thai_words()
    thai_stopwords()
    word_tokenize(chat_texts.STATUS_LABEL[DONE], engine="newmm", keep_whitespace=False)
    from jobs.memo import warm_up

    warm_up()  # typst and its fonts, the text layer's glyph tables, PDFium: the first memo is warm


def run(burst: bool = False) -> int:
    settings = load_settings()
    logs.setup()
    logs.capture_stderr()  # what RQ's processes print (a dying scheduler's traceback) as JSON too
    worker_logs.install()  # one line per job; RQ's housekeeping at debug level
    logs.register_secret(settings.channel_secret)
    logs.register_secret(settings.access_token)
    logs.register_secret(settings.master_key or "")
    preload()
    # No socket timeout here: the worker blocks on BLPOP for minutes by design.
    connection = redis.Redis.from_url(settings.rq_redis_url)
    while True:
        replies.start_background_replies()
        # Round robin over the organisations' event shards (store/event_queues.py): one
        # organisation's burst waits its turn with the others instead of ahead of them.
        worker = ItabotWorker(
            list(ALL),
            connection=connection,
            maintenance_interval=MAINTENANCE_EVERY,
        )
        try:
            worker.work(
                burst=burst,
                with_scheduler=True,
                logging_level="INFO",
                dequeue_strategy=DequeueStrategy.ROUND_ROBIN,
            )
        except redis.RedisError:
            pass  # RQ's teardown could not say goodbye to a Redis that is gone
        if burst or worker.stopping:
            return 0
        # RQ's worker quits when Redis fails in the middle of a job: wait for Redis, settle the
        # interrupted job as RQ would have (its Retry runs it again), and work on.
        worker.log.warning("Redis failed under the worker; starting again once it answers")
        if worker.pubsub_thread is not None:
            worker.pubsub_thread.stop()  # RQ's unsubscribe needs Redis
        _wait_for_redis(connection)
        if worker.interrupted is not None:
            job, queue = worker.interrupted
            worker.handle_job_failure(job, queue, exc_string="Redis went away while the job ran")


def _wait_for_redis(connection: redis.Redis) -> None:
    while True:
        try:
            connection.ping()
            return
        except redis.RedisError:
            time.sleep(0.5)
