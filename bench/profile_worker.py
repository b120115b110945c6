"""Profile the hottest path: the worker handling queued webhook events, under pyinstrument.

    python -m bench.profile_worker --out FILE.txt   (env as for `itabot worker`)

Runs the product's worker class (`jobs.worker`) in burst mode in this process, configured as
`itabot worker` configures it, so RQ's own bookkeeping, the handlers and the Redis calls are
in the profile (the replies to the LINE simulator run on the reply threads; pyinstrument
samples the main thread, where they show as waiting for the GIL). The caller fills the events queue first (through the web app) and keeps the
simulator running. Prints JSON: jobs, seconds, jobs per second.
"""

from __future__ import annotations

import argparse
import json
import time

import redis


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--html")
    args = parser.parse_args()
    from pyinstrument import Profiler

    from core import logs
    from core.config import load_settings
    from jobs import worker as product_worker
    from store.event_queues import waiting
    from store.queues import ALL

    settings = load_settings()
    logs.setup("WARNING")
    product_worker.preload()
    from handlers import replies

    replies.start_background_replies()  # as `itabot worker` runs (jobs.worker.run)
    r = redis.Redis.from_url(settings.redis_url)
    queued = waiting(r)  # webhook bodies in the inboxes, each a job of before
    w = product_worker.ItabotWorker(list(ALL), connection=r)
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    w.work(
        burst=True, with_scheduler=False, logging_level="WARNING"
    )  # its teardown flushes replies
    profiler.stop()
    seconds = time.perf_counter() - started
    text = profiler.output_text(unicode=True, color=False, show_all=False, timeline=False)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(text)
    if args.html:
        with open(args.html, "w", encoding="utf-8") as fh:
            fh.write(profiler.output_html())
    print(
        json.dumps(
            {
                "bodies": queued,
                "seconds": round(seconds, 3),
                "bodies_per_s": round(queued / seconds, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
