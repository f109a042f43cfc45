"""How many audit events per second the hash chain takes from 1, 2 and 4 processes.

    .venv/bin/python benchmarks/audit_chain.py [--postgres URL] [--seconds 3] [--repeats 3]
        [--processes 1,2,4]

Every event of a site is appended under a lock on the site's one ``audit_heads`` row, so the
chain serialises all writers of a site. Each process appends one event per transaction (commit
included, as every decision and every taken-in comment does) for ``--seconds``, all starting
together; printed is the median over ``--repeats`` runs (the two kinds taking turns) of the
events per second of all processes together:

* ``one chain`` — every process appends to the same site's chain (production: one site);
* ``own chains`` — each process appends to a chain of its own: the same work without waiting
  for another process's lock, i.e. what the machine could do if the chain were no bottleneck.

PostgreSQL (a throwaway database is created on the server ``--postgres`` names, default
``NETIQUETTE_TEST_POSTGRES_URL``) and SQLite (a temporary file). At ~500 comments/s every
comment costs at least two events (``received`` and its decision or ``queued``), so the chain
needs ~1,000 events/s. The load average is printed, since other work on the machine changes
every figure.
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
from rich.progress import Progress
from rich.table import Table

from netiquette.review.audit import record_event
from netiquette.store.db import Database

console = Console()


def _append(url: str, site: str, seconds: float, start: Any, counts: Any) -> None:
    db = Database(url)
    done = 0
    start.wait(120)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with db.session() as session:
            record_event(
                session,
                "benchmark",
                "bench:audit",
                comment_id=f"c{done}",
                details={"n": done},
                site=site,
            )
        done += 1
    counts.put(done)
    db.dispose()


def measure(url: str, processes: int, seconds: float, *, shared: bool) -> float:
    """Events per second appended by ``processes`` processes together."""
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(processes)
    counts = spawn.Queue()
    run = uuid.uuid4().hex[:6]
    sites = [f"bench-{run}" if shared else f"bench-{run}-{p}" for p in range(processes)]
    procs = [
        spawn.Process(target=_append, args=(url, site, seconds, start, counts)) for site in sites
    ]
    for proc in procs:
        proc.start()
    total: int = sum(int(counts.get(timeout=seconds + 180)) for _ in procs)
    for proc in procs:
        proc.join(60)
    return total / seconds


def _postgres_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = "nq_bench_audit_" + uuid.uuid4().hex[:8]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rpartition("/")[0] + "/" + name, name


def _drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    """Parse arguments, run every measurement with a progress bar, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("NETIQUETTE_TEST_POSTGRES_URL"))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", default="1,2,4")
    args = parser.parse_args()
    counts = [int(p) for p in args.processes.split(",")]
    backends: list[tuple[str, str]] = []
    scratch = tempfile.TemporaryDirectory()
    sqlite = f"sqlite:///{Path(scratch.name) / 'audit.db'}"
    backends.append(("SQLite", sqlite))
    pg_name = None
    if args.postgres:
        pg_url, pg_name = _postgres_database(args.postgres)
        backends.insert(0, ("PostgreSQL", pg_url))
    else:
        console.print("no --postgres URL (or NETIQUETTE_TEST_POSTGRES_URL): SQLite only")
    load_before = os.getloadavg()
    rows: list[tuple[str, int, float, float]] = []
    try:
        with Progress(console=console, transient=True) as progress:
            runs = len(backends) * len(counts) * 2 * args.repeats
            task = progress.add_task("measuring", total=runs)
            for name, url in backends:
                Database(url).migrate()
                for n in counts:
                    found: dict[bool, list[float]] = {True: [], False: []}
                    for _ in range(args.repeats):
                        for shared in (True, False):
                            found[shared].append(measure(url, n, args.seconds, shared=shared))
                            progress.advance(task)
                    one, own = statistics.median(found[True]), statistics.median(found[False])
                    rows.append((name, n, one, own))
    finally:
        if pg_name and args.postgres:
            _drop_postgres(args.postgres, pg_name)
        scratch.cleanup()
    table = Table(
        title=f"audit events appended per second (median of {args.repeats} runs of "
        f"{args.seconds:g} s)"
    )
    for column in ("database", "processes", "one chain", "own chains", "one / own"):
        table.add_column(column, justify="right")
    for name, n, one, own in rows:
        table.add_row(name, str(n), f"{one:,.0f}", f"{own:,.0f}", f"{one / own:.2f}")
    console.print(table)
    load_after = os.getloadavg()
    console.print(
        f"{os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, "
        f"after {load_after[0]:.2f} (1 min)"
    )


if __name__ == "__main__":
    main()
