"""An asyncio HTTP/1.1 load generator over loopback, closed- and open-loop.

No dependencies: keep-alive connections speak HTTP/1.1 over asyncio streams, requests are
built ahead of their send time (body, HMAC signature), so the client spends its time on the
socket, not on JSON.

* closed loop: C connections, each sends its next request as soon as the previous answer
  arrived, for T seconds (throughput);
* open loop: requests are scheduled at a fixed rate and sent at their time whether or not
  earlier ones were answered (a new connection is opened when every open one is busy);
  latency is counted from each request's scheduled time, so a stalled server cannot hide
  its queueing delay (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Sample:
    scheduled: float  # time.time() the request was due
    sent: float
    done: float
    status: int  # 0: connection error
    tag: object = None

    @property
    def latency(self) -> float:
        return self.done - self.scheduled


@dataclass
class RunResult:
    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    errors: int = 0

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.status == 200]

    def summary(self) -> dict:
        ok = self.ok
        lat = sorted(s.latency for s in ok)
        span = self.ended - self.started
        statuses: dict[str, int] = {}
        for s in self.samples:
            statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
        return {
            "requests": len(self.samples),
            "ok_200": len(ok),
            "statuses": statuses,
            "seconds": round(span, 3),
            "rps_200": round(len(ok) / span, 1) if span else 0.0,
            "p50_ms": round(1000 * percentile(lat, 50), 2) if lat else None,
            "p90_ms": round(1000 * percentile(lat, 90), 2) if lat else None,
            "p99_ms": round(1000 * percentile(lat, 99), 2) if lat else None,
            "max_ms": round(1000 * lat[-1], 2) if lat else None,
        }


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def build_request(host: str, port: int, path: str, body: bytes, signature: str) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "User-Agent: LineBotWebhook/2.0\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"X-Line-Signature: {signature}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


class Conn:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, raw: bytes, timeout: float = 30.0) -> int:
        """Send one request and read its answer; returns the status (0 on failure)."""
        for attempt in range(2):  # a keep-alive connection the server closed: reopen once
            try:
                if self.writer is None:
                    await self.open()
                assert self.reader is not None and self.writer is not None
                self.writer.write(raw)
                return await asyncio.wait_for(self._response(), timeout)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                self.close()
                if attempt:
                    return 0
            except TimeoutError:
                self.close()
                return 0
        return 0

    async def _response(self) -> int:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            lname = name.strip().lower()
            if lname == b"content-length":
                length = int(value.strip())
            elif lname == b"connection" and value.strip().lower() == b"close":
                close = True
        if length:
            await self.reader.readexactly(length)
        if close:
            self.close()
        return status


async def _closed(
    host: str,
    port: int,
    make: Callable[[], tuple[bytes, object] | None],
    connections: int,
    seconds: float,
) -> RunResult:
    result = RunResult()
    conns = [Conn(host, port) for _ in range(connections)]
    await asyncio.gather(*(c.open() for c in conns))
    result.started = time.time()
    stop = result.started + seconds

    async def loop(conn: Conn) -> None:
        while True:
            now = time.time()
            if now >= stop:
                return
            item = make()
            if item is None:  # the caller's count is reached
                return
            raw, tag = item
            sent = time.time()
            status = await conn.request(raw)
            result.samples.append(Sample(sent, sent, time.time(), status, tag))

    await asyncio.gather(*(loop(c) for c in conns))
    result.ended = time.time()
    for c in conns:
        c.close()
    return result


async def _open(
    host: str,
    port: int,
    items: list[tuple[bytes, object]],
    rate: float,
    initial_connections: int,
) -> RunResult:
    result = RunResult()
    idle: list[Conn] = [Conn(host, port) for _ in range(initial_connections)]
    await asyncio.gather(*(c.open() for c in idle))
    start = time.time() + 0.2
    result.started = start
    tasks = []

    async def one(scheduled: float, raw: bytes, tag: object) -> None:
        conn = idle.pop() if idle else Conn(host, port)
        sent = time.time()
        status = await conn.request(raw)
        result.samples.append(Sample(scheduled, sent, time.time(), status, tag))
        if conn.writer is not None:
            idle.append(conn)

    loop = asyncio.get_running_loop()
    for i, (raw, tag) in enumerate(items):
        scheduled = start + i / rate
        delay = scheduled - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(loop.create_task(one(scheduled, raw, tag)))
    await asyncio.gather(*tasks)
    result.ended = max((s.done for s in result.samples), default=time.time())
    # the offered window, not the drain: rate is what was sent per second of schedule
    result.ended = max(result.ended, start + len(items) / rate)
    for c in idle:
        c.close()
    return result


def closed_loop(
    host: str,
    port: int,
    make: Callable[[], tuple[bytes, object] | None],
    connections: int,
    seconds: float,
) -> RunResult:
    return asyncio.run(_closed(host, port, make, connections, seconds))


def open_loop(
    host: str,
    port: int,
    items: list[tuple[bytes, object]],
    rate: float,
    initial_connections: int = 16,
) -> RunResult:
    return asyncio.run(_open(host, port, items, rate, initial_connections))
