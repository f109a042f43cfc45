"""What the shared rate limits cost: checks per second on one hot key, from 1, 2 and 4 processes.

    .venv/bin/python benchmarks/ratelimit.py [--postgres URL] [--seconds 3] [--processes 1,2,4]

A CMS post to ``/api/v1/comments`` counts two hits in one transaction (its API key and its
author). Here every process checks the same API key (one CMS at 500 posts/s is one hot row,
reserved in chunks) and a new author each time, at the default limits, for ``--seconds``, all
starting together. Printed: checks per second of all processes together and the median
milliseconds per check, on PostgreSQL (a throwaway database on ``--postgres``, default
``NETIQUETTE_TEST_POSTGRES_URL``) and SQLite, with the load average.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track
from rich.table import Table

from netiquette.store.db import Database
from netiquette.store.ratelimits import DatabaseRateCounter, Hit

console = Console()


def _check(url: str, process: int, seconds: float, start: Any, out: Any) -> None:
    db = Database(url)
    counter = DatabaseRateCounter(db)
    times: list[float] = []
    start.wait(120)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        # The default limits; a new author each time, as on a busy site.
        hits = [
            Hit("api_key", "key:bench", 60_000),
            Hit("author", f"u{process}-{len(times)}", 30),
        ]
        began = time.perf_counter()
        assert counter.hit(hits) is None
        times.append(time.perf_counter() - began)
    out.put((len(times), statistics.median(times)))
    db.dispose()


def measure(url: str, processes: int, seconds: float) -> tuple[float, float]:
    """(checks per second of all processes, median ms per check)."""
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(processes)
    out = spawn.Queue()
    procs = [
        spawn.Process(target=_check, args=(url, p, seconds, start, out)) for p in range(processes)
    ]
    for proc in procs:
        proc.start()
    found = [out.get(timeout=seconds + 180) for _ in procs]
    for proc in procs:
        proc.join(60)
    return sum(n for n, _ in found) / seconds, 1000 * statistics.median(m for _, m in found)


def main() -> None:
    """Parse arguments, measure each database and process count, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("NETIQUETTE_TEST_POSTGRES_URL"))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--processes", default="1,2,4")
    args = parser.parse_args()
    counts = [int(p) for p in args.processes.split(",")]
    scratch = tempfile.TemporaryDirectory()
    backends = [("SQLite", f"sqlite:///{Path(scratch.name) / 'limits.db'}")]
    name = None
    if args.postgres:
        import psycopg

        name = "nq_bench_limits_" + uuid.uuid4().hex[:8]
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        backends.insert(0, ("PostgreSQL", args.postgres.rpartition("/")[0] + "/" + name))
    load_before = os.getloadavg()
    rows = []
    try:
        runs = [(b, u, n) for b, u in backends for n in counts]
        for backend, url, n in track(runs, description="measuring", console=console):
            if n == counts[0]:
                Database(url).migrate()
            rows.append((backend, n, *measure(url, n, args.seconds)))
    finally:
        if name and args.postgres:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        scratch.cleanup()
    table = Table(title=f"rate-limit checks on one hot API key ({args.seconds:g} s per run)")
    for column in ("database", "processes", "checks/s", "median ms"):
        table.add_column(column, justify="right")
    for backend, n, rate, ms in rows:
        table.add_row(backend, str(n), f"{rate:,.0f}", f"{ms:.2f}")
    console.print(table)
    after = os.getloadavg()
    console.print(
        f"{os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, after {after[0]:.2f}"
    )


if __name__ == "__main__":
    main()
