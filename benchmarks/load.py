"""Load on the acceptance path: app servers and workers on PostgreSQL, bounded, loopback only.

    .venv/bin/python benchmarks/load.py --db postgresql://postgres@127.0.0.1:55500/postgres \\
        [--seconds 60] [--concurrency 32] [--rate R] [--app-workers 2] [--workers 2] \\
        [--yield-above N] [--png load.png]

Creates a fresh database on the given server (dropped at the end unless ``--keep``), migrates
it, starts ``netiquette serve --workers N`` (``--app-workers``, default 2: N app processes
sharing one loopback port) and ``--workers`` ``netiquette worker`` processes, all with
``screening_queue = workers``. First it drives ``GET /healthz`` and ``GET`` of an unknown path
(a 404) for ``--ceiling-seconds`` each: what the HTTP stack alone answers here. Then it drives
``POST /api/v1/comments`` from ``--concurrency`` keep-alive connections for ``--seconds``
(``--client raw``, the default: :mod:`http_client`, a few per cent of one core; ``--client
httpx``: asyncio tasks on httpx, which took as much CPU as the server and so about halved the
figures on two cores). ``--rate R`` makes it an open loop: R comments per second are due
whatever the server answers, sent over a pool of ``--concurrency`` connections, each latency
counted from the moment its comment was due (the question "does it take 500/s within 100 ms?";
the closed loop answers "how fast does it go with 32 clients?"). It stops by itself, waits
(bounded) until the workers have screened everything, and prints: accepted comments per
second, p50/p90/p99 latency, the screening backlog over time (a terminal chart; ``--png`` also
writes one), accepted vs stored vs screened, lost, and how often PostgreSQL backends waited on
a lock, on which statement (the audit chain's head row, the rate-limit rows).

Only loopback: the database host must be 127.0.0.0/8, ::1 or localhost, and the servers it
starts listen on 127.0.0.1.
The load generator runs on the same cores as the servers; the load average is printed with the
figures, because other work on the machine changes them.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import psycopg
from http_client import Report
from http_client import drive as drive_raw

API_KEY = "nq_loadbench_" + secrets.token_hex(16)
TEXTS = (
    "Die Linie 7 kommt spät, aber sie kommt: gut für Nordheim.",
    "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot.",
    "Warum nicht gleich eine Seilbahn? Die wäre billiger und schneller gebaut.",
    "118 Millionen für 4,2 Kilometer, das sind 28 Millionen pro Kilometer. Stolzer Preis.",
    "Verdiene 5000 Euro im Monat von zu Hause! Jetzt anmelden: www.schnell-reich-werden.biz",
)


def loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # client-side errors, by message
    started: float = 0.0
    ended: float = 0.0


async def drive(bases: list[str], seconds: float, concurrency: int, results: Results) -> None:
    """``concurrency`` tasks post comments until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {API_KEY}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits, headers=headers) as client:

        async def one_task(task: int) -> None:
            n = 0
            while time.monotonic() < deadline:
                n += 1
                comment_id = f"L{task}-{n}"
                body = {
                    "id": comment_id,
                    "article_id": "bench",
                    "author": {"id": f"u{(task * 7 + n) % 5000}", "name": "Leser"},
                    "text": f"{TEXTS[n % len(TEXTS)]} ({comment_id})",
                }
                t0 = time.perf_counter()
                try:
                    r = await client.post(
                        f"{bases[(task + n) % len(bases)]}/api/v1/comments", json=body
                    )
                except httpx.HTTPError as exc:
                    results.statuses[type(exc).__name__] += 1
                    results.errors[f"{type(exc).__name__}: {exc!r}"[:160]] += 1
                    continue
                results.latencies.append(time.perf_counter() - t0)
                results.statuses[str(r.status_code)] += 1
                if r.status_code == 202:
                    results.accepted.append(comment_id)

        results.started = time.monotonic()
        await asyncio.gather(*(one_task(i) for i in range(concurrency)))
        results.ended = time.monotonic()


async def ceiling(bases: list[str], seconds: float, concurrency: int) -> Results:
    """The same clients on ``GET /healthz`` (one ``SELECT 1``, no write, no validation): what
    the HTTP stack and one database round trip manage here, the most acceptance could reach."""
    results = Results()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def one_task(task: int) -> None:
            n = 0
            while time.monotonic() < deadline:
                n += 1
                t0 = time.perf_counter()
                try:
                    r = await client.get(f"{bases[(task + n) % len(bases)]}/healthz")
                except httpx.HTTPError as exc:
                    results.statuses[type(exc).__name__] += 1
                    continue
                results.latencies.append(time.perf_counter() - t0)
                results.statuses[str(r.status_code)] += 1

        results.started = time.monotonic()
        await asyncio.gather(*(one_task(i) for i in range(concurrency)))
        results.ended = time.monotonic()
    return results


def from_report(report: Report) -> Results:
    """The raw client's report as :class:`Results` (its wall time measured from its start)."""
    results = Results(latencies=report.latencies, accepted=report.accepted)
    results.statuses.update(report.statuses)
    results.started, results.ended = 0.0, report.wall_s
    return results


def cpu_seconds(pids: set[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (Linux ``/proc``; gone processes left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def process_tree(pid: int) -> set[int]:
    """``pid`` and all its descendants (serve --workers N: the app processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rpartition(")")[2].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    tree, todo = set(), [pid]
    while todo:
        current = todo.pop()
        tree.add(current)
        todo.extend(children.get(current, []))
    return tree


def backends(url: str, exclude: int) -> set[int]:
    """PostgreSQL backend pids serving the benchmark's database (not ``exclude``, the
    sampler's; not this query's)."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND pid <> %s",
            (exclude,),
        ).fetchall()
    return {int(r[0]) for r in rows}


class Sampler(threading.Thread):
    """Every ``every_s``: backlog, stored and screened counts; and backends waiting on locks."""

    def __init__(self, url: str, every_s: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.every_s = every_s
        self.samples: list[tuple[float, int, int, int]] = []  # (t, backlog, stored, screened)
        self.waits: Counter[str] = Counter()
        self.blocked: Counter[str] = Counter()  # statements waiting on a lock
        self.active = 0
        self.stop = threading.Event()
        self.t0 = time.monotonic()
        self.backend_pid = 0
        self.connected = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            name = conn.info.dbname
            self.backend_pid = conn.info.backend_pid
            self.connected.set()
            next_count = 0.0
            while not self.stop.is_set():
                now = time.monotonic() - self.t0
                # Lock waits: sampled five times a second, counts every second.
                for state, wait_type, wait, query in conn.execute(
                    "SELECT state, wait_event_type, wait_event, left(query, 60) "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    (name,),
                ):
                    if state == "active":
                        self.active += 1
                        self.waits[f"{wait_type}:{wait}" if wait_type else "running"] += 1
                        if wait_type == "Lock":
                            self.blocked[" ".join(query.split())] += 1
                if now >= next_count:
                    backlog, stored, waiting = conn.execute(
                        "SELECT (SELECT count(*) FROM screening_jobs WHERE state = 'queued'),"
                        " (SELECT count(*) FROM comments),"
                        " (SELECT count(*) FROM comments WHERE state = 'received')"
                    ).fetchone() or (0, 0, 0)
                    self.samples.append((now, backlog, stored, stored - waiting))
                    next_count = now + self.every_s
                self.stop.wait(0.2)


def chart(samples: list[tuple[float, int, int, int]], load_s: float, rows: int = 24) -> str:
    """The backlog over time as horizontal bars, one row per time slice."""
    if not samples:
        return "(no samples)"
    end = samples[-1][0]
    step = max(end / rows, 1.0)
    peak = max(s[1] for s in samples) or 1
    lines = []
    t = 0.0
    while t <= end:
        in_slice = [s for s in samples if t <= s[0] < t + step] or [
            min(samples, key=lambda s: abs(s[0] - t))
        ]
        backlog = max(s[1] for s in in_slice)
        bar = "█" * round(50 * backlog / peak)
        phase = "load " if t < load_s else "drain"
        lines.append(f"{t:6.0f} s {phase} {bar} {backlog}")
        t += step
    return "\n".join(lines)


def latency_chart(report: Report, slice_s: float = 5.0) -> str:
    """p50, p99 and the slowest answer per ``slice_s`` of the load: a stall shows where it was."""
    if not report.answered_at:
        return "(no answers)"
    first = min(report.answered_at)
    slices: dict[int, list[float]] = {}
    for at, latency in zip(report.answered_at, report.latencies, strict=True):
        slices.setdefault(int((at - first) // slice_s), []).append(latency)
    worst = max(max(v) for v in slices.values()) or 1.0
    lines = ["  from     p50 ms   p99 ms   max ms  (bar: p99, scaled to the slowest answer)"]
    for index in sorted(slices):
        values = sorted(slices[index])
        p50, p99 = values[len(values) // 2], values[min(len(values) - 1, int(len(values) * 0.99))]
        bar = "█" * max(1, round(40 * p99 / worst))
        start = f"{index * slice_s:5.{1 if slice_s < 1 else 0}f}"
        lines.append(
            f"{start} s  {p50 * 1000:8.1f} {p99 * 1000:8.1f} {values[-1] * 1000:8.1f}  {bar}"
        )
    return "\n".join(lines)


def png(samples: list[tuple[float, int, int, int]], load_s: float, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot([s[0] for s in samples], [s[1] for s in samples], label="screening backlog")
    ax.plot([s[0] for s in samples], [s[2] for s in samples], label="stored", alpha=0.6)
    ax.axvline(load_s, color="grey", linestyle="--", label="load stops")
    ax.set_xlabel("seconds")
    ax.set_ylabel("comments")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def spawn(args: list[str], env: dict[str, str], log: str) -> subprocess.Popen[bytes]:
    sink = open(log, "ab")  # noqa: SIM115 - the child owns it
    return subprocess.Popen(
        [sys.executable, "-m", "netiquette", *args], env=env, stdout=sink, stderr=sink
    )


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    """Wait until ``/readyz`` says ready (models loaded) 12 times in a row, each on a new
    connection: with ``serve --workers N`` one port leads to N processes, and a process still
    loading its models during the load would spend the load's CPU on that."""
    deadline = time.monotonic() + timeout_s
    in_a_row = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{base} exited with {proc.returncode} before answering")
        try:
            ready = httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            ready = False
        in_a_row = in_a_row + 1 if ready else 0
        if in_a_row >= 12:
            return
        time.sleep(0.05 if ready else 0.3)
    sys.exit(f"{base} did not become ready in {timeout_s:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="PostgreSQL server URL (loopback)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--rate", type=float, default=0.0, help="open loop: comments/s due (raw client only)"
    )
    parser.add_argument("--app-workers", type=int, default=2, help="serve --workers N")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument(
        "--yield-above",
        type=int,
        default=0,
        help="worker_yield_above for the workers: comments/s above which they pause (0: never)",
    )
    parser.add_argument("--drain-seconds", type=float, default=600.0, help="longest wait after")
    parser.add_argument("--slice", type=float, default=5.0, help="seconds per latency row")
    parser.add_argument("--png", default="", help="also write the backlog chart as PNG")
    parser.add_argument("--logs", default="", help="folder for the processes' logs")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="raw: benchmarks/http_client.py (little CPU); httpx: the earlier asyncio client",
    )
    parser.add_argument(
        "--ceiling-seconds",
        type=float,
        default=15.0,
        help="first drive GET /healthz this long (0: skip) for the stack's own ceiling",
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= 600:
        sys.exit("--seconds must be between 0 and 600")
    if not 0 <= args.rate <= 100_000 or (args.rate and args.client != "raw"):
        sys.exit("--rate must be between 0 (closed loop) and 100000, with --client raw")
    server = urlsplit(args.db)
    if not server.scheme.startswith("postgres") or not loopback(server.hostname or ""):
        sys.exit("--db must be a PostgreSQL URL on loopback (127.0.0.1, ::1, localhost)")

    name = "nq_load_" + uuid.uuid4().hex[:10]
    with psycopg.connect(args.db, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = args.db.rsplit("/", 1)[0] + "/" + name
    logs = args.logs or os.path.join("/tmp", name)
    os.makedirs(logs, exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        from netiquette.store.db import Database

        Database(url).migrate()  # once, before the processes start
        env = {
            **os.environ,
            "NETIQUETTE_DATABASE_URL": url,
            "NETIQUETTE_API_KEY": API_KEY,
            "NETIQUETTE_ADMIN_PASSWORD": secrets.token_hex(12),
            "NETIQUETTE_SCREENING_QUEUE": "workers",
            "NETIQUETTE_DELIVERY_LOOP": "false",  # the workers deliver
            "NETIQUETTE_WORKER_YIELD_ABOVE": str(args.yield_above),
            # One API key sends everything: above 1,000/s the default limit (60,000 a minute)
            # would answer 429. Counted all the same (reserved in chunks of 1 %).
            "NETIQUETTE_API_KEY_COMMENTS_PER_MINUTE": "1000000",
        }
        port = free_port()
        bases = [f"http://127.0.0.1:{port}"]
        serve = ["serve", "--port", str(port), "--workers", str(args.app_workers)]
        procs.append(spawn(serve, env, f"{logs}/app.log"))
        for i in range(args.workers):
            cmd = ["worker", "--concurrency", str(args.worker_concurrency)]
            procs.append(spawn(cmd, env, f"{logs}/worker{i}.log"))
        for base, proc in zip(bases, procs, strict=False):
            wait_healthy(base, proc)
        article = {"id": "bench", "title": "Stadtbahn", "text": "Die Linie 7 ist beschlossen."}
        headers = {"Authorization": f"Bearer {API_KEY}"}
        httpx.post(f"{bases[0]}/api/v1/articles", json=article, headers=headers).raise_for_status()
        time.sleep(3)  # let the workers finish loading their models

        if args.ceiling_seconds > 0 and args.client == "raw":
            for path in ("/healthz", "/no-such-page"):
                load = os.getloadavg()[0]
                report = drive_raw(bases[0] + path, args.ceiling_seconds, args.concurrency)
                print(f"ceiling         GET {path}: {report.summary()}; load {load:.2f} before")
                time.sleep(2)
        elif args.ceiling_seconds > 0:
            stack = asyncio.run(ceiling(bases, args.ceiling_seconds, args.concurrency))
            top_lat = sorted(stack.latencies)
            top_q = statistics.quantiles(top_lat, n=100) if len(top_lat) >= 2 else [0.0] * 99
            print(
                f"ceiling         GET /healthz: {len(top_lat) / (stack.ended - stack.started):.0f} "
                f"answers/s, p50 {top_q[49] * 1000:.1f} ms, p99 {top_q[98] * 1000:.1f} ms "
                f"({dict(stack.statuses)})",
                flush=True,
            )
            time.sleep(2)

        load_before = os.getloadavg()
        sampler = Sampler(url)
        sampler.start()
        sampler.connected.wait(10)
        # CPU spent during the load, per accepted comment, by the app processes, the workers
        # and PostgreSQL's backends: a figure other work on the machine changes less than rates.
        groups = {
            "app processes": process_tree(procs[0].pid),
            "workers": {p.pid for p in procs[1:]},
            "PostgreSQL": backends(url, sampler.backend_pid),
        }
        cpu_before = {name: cpu_seconds(pids) for name, pids in groups.items()}
        results = Results()
        mode = f"{args.rate:.0f} comments/s due (open loop)" if args.rate else "closed loop"
        print(
            f"driving {args.seconds:.0f} s, {mode}, at concurrency {args.concurrency} "
            f"against serve --workers {args.app_workers}, {args.workers} workers × "
            f"{args.worker_concurrency} threads"
            + (f", yielding above {args.yield_above}/s" if args.yield_above else "")
            + f" (load average before: {load_before[0]:.2f})",
            flush=True,
        )
        if args.client == "raw":
            report = drive_raw(
                f"{bases[0]}/api/v1/comments",
                args.seconds,
                args.concurrency,
                1,
                API_KEY,
                rate=args.rate,
            )
            results = from_report(report)
            latencies_over_time = latency_chart(report, args.slice)
            print(f"client          {report.summary()}")
            for status, body in sorted(report.refusals.items()):
                print(f"first {status}       {body}")
        else:
            asyncio.run(drive(bases, args.seconds, args.concurrency, results))
        load_during = os.getloadavg()
        groups["PostgreSQL"] |= backends(url, sampler.backend_pid)
        cpu_used = {
            name: sum(
                after - cpu_before[name].get(pid, 0.0) for pid, after in cpu_seconds(pids).items()
            )
            for name, pids in groups.items()
        }
        load_s = time.monotonic() - sampler.t0
        print(
            f"load stopped; waiting for the backlog to drain (at most {args.drain_seconds:.0f} s)"
        )
        drain_deadline = time.monotonic() + args.drain_seconds
        while time.monotonic() < drain_deadline:
            time.sleep(1)
            if sampler.samples and sampler.samples[-1][1] == 0:
                break
        time.sleep(1.2)
        sampler.stop.set()
        sampler.join(5)
        drained_at = sampler.samples[-1][0] if sampler.samples else 0.0

        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT id, state FROM comments").fetchall()
        states: dict[str, str] = dict(rows)
        accepted = set(results.accepted)
        stored = accepted & set(states)
        screened = {c for c in stored if states[c] != "received"}
        lost = accepted - stored
        duration = results.ended - results.started
        lat = sorted(results.latencies)
        q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [0.0] * 99
        print()
        print(
            f"accepted        {len(accepted)} comments in {duration:.1f} s = "
            f"{len(accepted) / duration:.0f} accepted/s"
        )
        print(
            f"latency         p50 {q[49] * 1000:.1f} ms   p90 {q[89] * 1000:.1f} ms   "
            f"p99 {q[98] * 1000:.1f} ms   max {lat[-1] * 1000:.1f} ms"
            if lat
            else "no answers"
        )
        print(f"answers         {dict(results.statuses)}")
        per, cores = max(len(accepted), 1), os.cpu_count() or 1
        print(
            "CPU per accepted comment during the load: "
            + ", ".join(f"{name} {1000 * used / per:.1f} ms" for name, used in cpu_used.items())
            + f" (core time there was: {cores * duration * 1000 / per:.1f} ms per comment)"
        )
        for message, count in results.errors.most_common(3):
            print(f"client error    {count} × {message}")
        print(
            f"accepted {len(accepted)}  stored {len(stored)}  screened {len(screened)}  "
            f"lost {len(lost)}"
        )
        print(
            f"backlog         peak {max((s[1] for s in sampler.samples), default=0)}, "
            + (
                f"drained {drained_at - load_s:.0f} s after the load stopped"
                if sampler.samples and sampler.samples[-1][1] == 0
                else "NOT drained within --drain-seconds"
            )
            + f"; screening rate {len(screened) / max(drained_at, 1):.0f} comments/s overall"
        )
        active = max(sampler.active, 1)
        top = ", ".join(f"{k} {100 * v / active:.0f}%" for k, v in sampler.waits.most_common(6))
        print(f"postgres        active backends sampled {sampler.active}: {top}")
        for query, n in sampler.blocked.most_common(3):
            print(f"  waiting on a lock {100 * n / active:3.0f}%: {query}")
        print(
            f"load average    before {load_before[0]:.2f}, at the end of the load "
            f"{load_during[0]:.2f} (1 min), {os.cpu_count()} cores"
        )
        if args.client == "raw":
            print()
            print(f"latency over the load, per {args.slice:g} s")
            print(latencies_over_time)
        print()
        print("screening backlog over time")
        print(chart(sampler.samples, load_s))
        if args.png:
            png(sampler.samples, load_s, args.png)
            print(f"chart written to {args.png}")
        if lost:
            sys.exit(f"LOST {len(lost)} accepted comments, e.g. {sorted(lost)[:5]}")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep:
            with psycopg.connect(args.db, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
