"""A small HTTP/1.1 keep-alive load client that leaves the cores to the server it measures.

    .venv/bin/python benchmarks/http_client.py http://127.0.0.1:8000/healthz \\
        [--seconds 15] [--concurrency 32] [--processes 1] [--comments KEY] [--rate R]

httpx costs about as much CPU per request as the server it drives, which on a 2-core machine
halves what the server can show. This client writes prebuilt request bytes on raw asyncio
connections and reads only the status line and ``Content-Length``; it prints requests/s,
p50/p90/p99 latency, the statuses, and its own CPU time as a share of the machine's cores, so a
figure says how much of the machine the load itself took.

Closed loop by default: each connection sends its next request when the last is answered, so
the rate is what the server manages and the latency is at most ``concurrency`` / rate.
``--rate R`` is an open loop instead: requests are due at R per second (spread over the
processes) whatever the answers do, any free connection of the pool sends the next one due,
and a latency counts from the moment the request was due, so a server that falls behind
shows it in the percentiles rather than in a slower client (no coordinated omission).

``--comments KEY`` posts a new comment per request (unique ids, 5,000 authors in turn,
article ``bench``, which must exist) with the CMS key ``KEY``. Only loopback targets; every run
is bounded by ``--seconds``. ``benchmarks/load.py`` drives its load through :func:`drive`.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import itertools
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

TEXTS = (
    "Die Linie 7 kommt spät, aber sie kommt: gut für Nordheim.",
    "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot.",
    "Warum nicht gleich eine Seilbahn? Die wäre billiger und schneller gebaut.",
    "118 Millionen für 4,2 Kilometer, das sind 28 Millionen pro Kilometer. Stolzer Preis.",
    "Verdiene 5000 Euro im Monat von zu Hause! Jetzt anmelden: www.schnell-reich-werden.biz",
)

#: Builds the next request of one connection: (bytes to send, comment id or "").
Builder = Callable[[], tuple[bytes, str]]


@dataclass
class Report:
    """What a run measured, added up over its processes."""

    latencies: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)  # time.time() of each answer
    statuses: Counter[str] = field(default_factory=Counter)
    accepted: list[str] = field(default_factory=list)  # comment ids answered 202
    refusals: dict[str, str] = field(default_factory=dict)  # a 4xx/5xx status -> its first body
    wall_s: float = 0.0
    cpu_s: float = 0.0  # the client's own CPU time, all processes

    def summary(self) -> str:
        """One line: rate, latency percentiles, statuses, client CPU share."""
        lat = self.latencies
        q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0.0] * 99
        cores = os.cpu_count() or 1
        wall = max(self.wall_s, 1e-9)
        return (
            f"{len(lat) / wall:.0f} requests/s, p50 {q[49] * 1000:.1f} ms, "
            f"p90 {q[89] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms ({dict(self.statuses)}); "
            f"client CPU {self.cpu_s:.1f} s in {wall:.1f} s = "
            f"{100 * self.cpu_s / wall / cores:.0f} % of {cores} cores"
        )


def loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def get_request(host: str, path: str, _tag: str) -> Builder:
    """The same GET every time."""
    raw = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    return lambda: (raw, "")


#: Authors the comments are spread over, in turn across connections, so that no author meets
#: ``author_comments_per_minute`` (30) below 2,500 comments/s.
AUTHORS = 5000
_author_turn = itertools.count()


def comment_request(host: str, path: str, tag: str, key: str) -> Builder:
    """A new comment per call; ``tag`` (one per connection) keeps the ids unique."""
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
    head += "Content-Type: application/json\r\nContent-Length: "
    count = 0

    def build() -> tuple[bytes, str]:
        nonlocal count
        count += 1
        comment_id = f"H{tag}-{count}"
        body = json.dumps(
            {
                "id": comment_id,
                "article_id": "bench",
                "author": {"id": f"u{next(_author_turn) % AUTHORS}", "name": "Leser"},
                "text": f"{TEXTS[count % len(TEXTS)]} ({comment_id})",
            }
        ).encode()
        return f"{head}{len(body)}\r\n\r\n".encode() + body, comment_id

    return build


async def connection(
    host: str,
    port: int,
    build: Builder,
    deadline: float,
    report: Report,
    due: asyncio.Queue[float] | None = None,
) -> None:
    """One keep-alive connection sending requests one after the other until ``deadline``;
    with ``due`` (open loop), each request when it is due, its latency counted from then."""
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        report.statuses[type(exc).__name__] += 1
        return
    try:
        while time.monotonic() < deadline:
            if due is None:
                started = time.perf_counter()
            else:
                try:
                    started = await asyncio.wait_for(due.get(), deadline - time.monotonic())
                except TimeoutError:
                    break
            request, comment_id = build()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
                    break
            body = await reader.readexactly(length) if length else b""
            report.latencies.append(time.perf_counter() - started)
            report.answered_at.append(time.time())
            status = head[9:12].decode()
            if status[0] in "45" and status not in report.refusals:
                report.refusals[status] = body[:300].decode("utf-8", "replace")
            report.statuses[status] += 1
            if status == "202" and comment_id:
                report.accepted.append(comment_id)
            if b"\r\nconnection: close" in head.lower():
                break
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        report.statuses[type(exc).__name__] += 1
    finally:
        writer.close()


async def schedule(due: asyncio.Queue[float], rate: float, deadline: float) -> None:
    """Put the moment each request is due (``perf_counter``), ``rate`` per second."""
    first, sent = time.perf_counter(), 0
    while time.monotonic() < deadline:
        now = time.perf_counter()
        while first + sent / rate <= now:  # all that fell due, even if this loop was late
            due.put_nowait(first + sent / rate)
            sent += 1
        await asyncio.sleep(max(0.0, first + sent / rate - time.perf_counter()))


def _one_process(
    url: str,
    seconds: float,
    concurrency: int,
    key: str,
    index: int,
    out: multiprocessing.Queue[Report],
    rate: float = 0.0,
) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    report = Report()

    async def main() -> None:
        deadline = time.monotonic() + seconds
        builders = [
            comment_request(host, path, f"{index}.{c}", key)
            if key
            else get_request(host, path, f"{index}.{c}")
            for c in range(concurrency)
        ]
        due: asyncio.Queue[float] | None = asyncio.Queue() if rate > 0 else None
        tasks = [connection(host, port, b, deadline, report, due) for b in builders]
        if due is not None:
            tasks.append(schedule(due, rate, deadline))
        await asyncio.gather(*tasks)
        if due is not None and due.qsize():  # due, never sent: the server fell behind
            report.statuses["unsent"] += due.qsize()

    cpu0, wall0 = time.process_time(), time.monotonic()
    asyncio.run(main())
    report.wall_s, report.cpu_s = time.monotonic() - wall0, time.process_time() - cpu0
    out.put(report)


def drive(
    url: str,
    seconds: float,
    concurrency: int = 32,
    processes: int = 1,
    comments_key: str = "",
    rate: float = 0.0,
) -> Report:
    """``concurrency`` connections in each of ``processes`` processes, for ``seconds``; with
    ``rate`` > 0 an open loop of ``rate`` requests per second in all (see the module doc)."""
    if not loopback(urlsplit(url).hostname or ""):
        raise ValueError("the URL must be on loopback (127.0.0.1, ::1, localhost)")
    spawn = multiprocessing.get_context("spawn")  # the caller may run threads (load.py does)
    out: multiprocessing.Queue[Report] = spawn.Queue()
    procs = [
        spawn.Process(
            target=_one_process,
            args=(url, seconds, concurrency, comments_key, i, out, rate / processes),
        )
        for i in range(processes)
    ]
    for proc in procs:
        proc.start()
    parts = [out.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join()
    total = Report()
    for part in parts:
        total.latencies.extend(part.latencies)
        total.answered_at.extend(part.answered_at)
        total.statuses.update(part.statuses)
        total.accepted.extend(part.accepted)
        total.refusals = {**part.refusals, **total.refusals}
        total.wall_s = max(total.wall_s, part.wall_s)
        total.cpu_s += part.cpu_s
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=32, help="connections per process")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--comments", default="", metavar="KEY", help="POST comments with KEY")
    parser.add_argument("--rate", type=float, default=0.0, help="open loop: requests/s due")
    args = parser.parse_args()
    if not 0 < args.seconds <= 600:
        sys.exit("--seconds must be between 0 and 600")
    if not 0 <= args.rate <= 100_000:
        sys.exit("--rate must be between 0 (closed loop) and 100000 requests/s")
    load = os.getloadavg()[0]
    try:
        report = drive(
            args.url, args.seconds, args.concurrency, args.processes, args.comments, args.rate
        )
    except ValueError as exc:
        sys.exit(str(exc))
    print(f"{report.summary()}; load average before {load:.2f}")
    for status, body in sorted(report.refusals.items()):
        print(f"first {status}: {body}")


if __name__ == "__main__":
    main()
