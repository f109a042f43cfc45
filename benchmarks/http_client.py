"""A small HTTP/1.1 keep-alive load client that leaves the cores to the server it measures.

    .venv/bin/python benchmarks/http_client.py http://127.0.0.1:8000/healthz \\
        [--seconds 15] [--concurrency 32] [--processes 1] [--comments KEY]

httpx costs about as much CPU per request as the server it drives, which on a 2-core machine
halves what the server can show. This client writes prebuilt request bytes on raw asyncio
connections and reads only the status line and ``Content-Length``; it prints requests/s,
p50/p90/p99 latency, the statuses, and its own CPU time as a share of the machine's cores, so a
figure says how much of the machine the load itself took.

``--comments KEY`` posts a new comment per request to ``/api/v1/comments`` (unique ids, 500
authors, article ``bench``, which must exist) with the CMS key ``KEY``. Only loopback targets;
every run is bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

TEXTS = (
    "Die Linie 7 kommt spät, aber sie kommt: gut für Nordheim.",
    "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot.",
    "Warum nicht gleich eine Seilbahn? Die wäre billiger und schneller gebaut.",
    "118 Millionen für 4,2 Kilometer, das sind 28 Millionen pro Kilometer. Stolzer Preis.",
    "Verdiene 5000 Euro im Monat von zu Hause! Jetzt anmelden: www.schnell-reich-werden.biz",
)


def loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def get_request(host: str, path: str) -> Callable[[str], bytes]:
    """The same GET every time."""
    raw = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    return lambda _tag: raw


def comment_request(host: str, path: str, key: str) -> Callable[[str], bytes]:
    """A new comment per call (``tag`` makes its id unique)."""
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
    head += "Content-Type: application/json\r\nContent-Length: "
    count = 0

    def build(tag: str) -> bytes:
        nonlocal count
        count += 1
        comment_id = f"H{tag}-{count}"
        body = json.dumps(
            {
                "id": comment_id,
                "article_id": "bench",
                "author": {"id": f"u{count % 500}", "name": "Leser"},
                "text": f"{TEXTS[count % len(TEXTS)]} ({comment_id})",
            }
        ).encode()
        return f"{head}{len(body)}\r\n\r\n".encode() + body

    return build


async def connection(
    host: str,
    port: int,
    build: Callable[[str], bytes],
    tag: str,
    deadline: float,
    latencies: list[float],
    statuses: Counter[str],
) -> None:
    """One keep-alive connection sending requests one after the other until ``deadline``."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.monotonic() < deadline:
            request = build(tag)
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
                    break
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            statuses[head[9:12].decode()] += 1
    except (OSError, asyncio.IncompleteReadError) as exc:
        statuses[type(exc).__name__] += 1
    finally:
        writer.close()


def run_process(args: argparse.Namespace, index: int, out: multiprocessing.Queue[object]) -> None:
    """One client process: ``concurrency`` connections; reports its latencies and CPU."""
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    build = comment_request(host, path, args.comments) if args.comments else get_request(host, path)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()

    async def main() -> float:
        deadline = time.monotonic() + args.seconds
        started = time.monotonic()
        await asyncio.gather(
            *(
                connection(host, port, build, f"{index}.{c}", deadline, latencies, statuses)
                for c in range(args.concurrency)
            )
        )
        return time.monotonic() - started

    cpu0 = time.process_time()
    wall = asyncio.run(main())
    out.put((latencies, dict(statuses), wall, time.process_time() - cpu0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=32, help="connections per process")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--comments", default="", metavar="KEY", help="POST comments with KEY")
    args = parser.parse_args()
    if not loopback(urlsplit(args.url).hostname or ""):
        sys.exit("the URL must be on loopback (127.0.0.1, ::1, localhost)")
    if not 0 < args.seconds <= 600:
        sys.exit("--seconds must be between 0 and 600")
    out: multiprocessing.Queue[object] = multiprocessing.Queue()
    load0 = os.getloadavg()[0]
    procs = [
        multiprocessing.Process(target=run_process, args=(args, i, out))
        for i in range(args.processes)
    ]
    for proc in procs:
        proc.start()
    reports = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    wall = cpu = 0.0
    for lat, stat, w, c in reports:  # type: ignore[misc]
        latencies.extend(lat)
        statuses.update(stat)
        wall, cpu = max(wall, w), cpu + c
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    cores = os.cpu_count() or 1
    print(
        f"{len(latencies) / wall:.0f} requests/s, p50 {q[49] * 1000:.1f} ms, "
        f"p90 {q[89] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms ({dict(statuses)}); "
        f"client CPU {cpu:.1f} s of {wall:.1f} s = {100 * cpu / wall / cores:.0f} % of "
        f"{cores} cores; load average before {load0:.2f}"
    )


if __name__ == "__main__":
    main()
