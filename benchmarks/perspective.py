"""Throughput and latency of the Perspective-compatible ``comments:analyze``, as Coral calls it.

    .venv/bin/python benchmarks/perspective.py [--seconds 20] [--concurrency 8]

Starts one netiquette server process (uvicorn, one worker) on a fresh SQLite database, then sends
Coral's exact request (``requestedAttributes: {TOXICITY: {}}``, ``doNotStore: true``) with a mix
of German comments from ``--concurrency`` keep-alive connections for ``--seconds`` seconds, after
a short warm-up. Prints requests/s and latency percentiles as the client measured them.
Perspective's default quota, for comparison, is 1 request per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

KEY = "nq_benchkey_0123456789abcdefghijklmnop"
COMMENTS = [
    "Gut, dass die Linie 7 endlich kommt. Nordheim braucht die Anbindung.",
    "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot.",
    "118 Millionen Euro für 4,2 Kilometer? Das Geld fehlt dann bei den Schulen.",
    "Verdiene 5000 Euro im Monat von zu Hause! www.schnell-reich-werden.biz",
    "Ich fahre seit Jahren mit dem Bus und freue mich auf die Bahn. Hoffentlich wird es 2031.",
    "Was für ein Schwachsinn, ihr Dummköpfe im Rathaus habt keine Ahnung.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NETIQUETTE_DATABASE_URL": f"sqlite:///{db}",
        "NETIQUETTE_API_KEY": KEY,
        "NETIQUETTE_ADMIN_PASSWORD": "benchmark-password",
    }
    code = (
        "import uvicorn, logging\n"
        "from netiquette.app import build_context, create_app\n"
        "from netiquette.bootstrap import ensure_credentials\n"
        "from netiquette.settings import load_settings\n"
        "s = load_settings()\n"
        "ctx = build_context(s)\n"
        "ensure_credentials(ctx.db, s, generate=False)\n"
        f"uvicorn.run(create_app(context=ctx), host='127.0.0.1', port={port}, "
        "log_level='warning', access_log=False)\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def wait_ready(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not come up")


async def worker(
    client: httpx.AsyncClient, url: str, until: float, offset: int, latencies: list[float]
) -> int:
    errors = 0
    n = offset
    while time.monotonic() < until:
        body = {
            "comment": {"text": COMMENTS[n % len(COMMENTS)]},
            "doNotStore": True,
            "requestedAttributes": {"TOXICITY": {}},
            "languages": ["de"],
        }
        n += 1
        start = time.perf_counter()
        r = await client.post(url, json=body)
        latencies.append(time.perf_counter() - start)
        if r.status_code != 200:
            errors += 1
    return errors


async def load(base: str, seconds: float, concurrency: int) -> tuple[list[float], int, float]:
    url = f"{base}/v1alpha1/comments:analyze?key={KEY}"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        warm: list[float] = []
        await asyncio.gather(
            *(worker(client, url, time.monotonic() + 2, i, warm) for i in range(concurrency))
        )
        latencies: list[float] = []
        started = time.monotonic()
        until = started + seconds
        errors = await asyncio.gather(
            *(worker(client, url, until, i, latencies) for i in range(concurrency))
        )
        return latencies, sum(errors), time.monotonic() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "bench.db", port)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base)
            latencies, errors, elapsed = asyncio.run(load(base, args.seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=10)
    ms = [x * 1000 for x in latencies]
    print(f"comments:analyze, TOXICITY only, 1 server process, {args.concurrency} connections")
    print(f"requests      {len(ms)} in {elapsed:.1f} s ({errors} errors)")
    print(f"requests/s    {len(ms) / elapsed:.0f}   (Perspective default quota: 1)")
    print(
        f"latency ms    p50 {statistics.median(ms):.1f}  p90 {percentile(ms, 90):.1f}  "
        f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}"
    )


if __name__ == "__main__":
    main()
