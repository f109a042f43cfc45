"""Screening throughput: synthetic German comments through the shipped pipeline, in one process.

Run: ``.venv/bin/python benchmarks/screen.py [N] [--command-only]`` – prints comments/s and
per-comment p50/p99 of the pipeline, the model load time, comments/s, start-up and peak memory
of the ``netiquette screen`` command (all rules, with an article, JSONL in and out, one core), and
p50/p99 latency of ``POST /api/v1/comments`` against a real server on SQLite. Before and after
the command's runs it prints two yardsticks of the machine's speed (:func:`machine_reference`).
The comments are generated here (templates, fillers, some insults, links and obfuscations), about
300 characters on average, so the figure reflects ordinary traffic with a realistic share of hits.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from netiquette.screening import ScreeningInput, load_pipeline

_OPENERS = (
    "Ich finde den Artikel gut recherchiert, aber",
    "Sehr geehrte Redaktion,",
    "Ehrlich gesagt verstehe ich die Aufregung nicht:",
    "Danke für die ausführliche Darstellung.",
    "Das sehe ich völlig anders,",
    "Wie schon im letzten Jahr",
    "Bei uns im Ort",
    "Meine Großmutter hat immer gesagt,",
)
_CLAIMS = (
    "die Regierung hätte die Kosten für die Energiewende früher offenlegen müssen",
    "die Bahn braucht mehr Geld für Schienen und weniger für Beraterverträge",
    "der Stadtrat sollte die Bürger vor der Entscheidung über das Schwimmbad befragen",
    "die Mieten in den Großstädten steigen schneller als die Löhne",
    "die Bundesliga ist seit Jahren viel zu vorhersehbar geworden",
    "die Schulen brauchen vor allem mehr Lehrerinnen und Lehrer, nicht mehr Tablets",
    "die Zahlen des Statistischen Bundesamtes zeigen eher eine Stagnation",
    "die Landwirte in der Region unter der Trockenheit leiden",
    "der Ausbau der Radwege in Schweinfurt endlich vorankommt",
    "wir beim Thema Pflege seit zwanzig Jahren nur reden und nichts tun",
)
_FILLERS = (
    "Natürlich kann man darüber streiten, aber die Fakten sind ziemlich eindeutig.",
    "Wer das anders sieht, sollte sich die Quellen einmal genauer anschauen.",
    "Ich wohne seit dreißig Jahren hier und habe so etwas noch nicht erlebt.",
    "Vielleicht sollte man auch die Sicht der Betroffenen stärker einbeziehen.",
    "Das Thema ist komplizierter, als es in der Überschrift klingt.",
    "Kein Schwein interessiert sich dafür, solange es nicht teuer wird.",
    "Da haben wir wohl noch einmal Schwein gehabt.",
    "Die Ideologie dahinter finde ich trotzdem fragwürdig.",
    "Quelle: https://www.destatis.de/DE/Themen/Gesellschaft-Umwelt/_inhalt.html",
    "Siehe auch die Meldung von dpa.de und reuters.com von gestern.",
)
_PARTS = (
    "bundes", "verkehrs", "wende", "minister", "rat", "haus", "steuer", "reform", "kommission",
    "gesetz", "entwurf", "klima", "schutz", "programm", "energie", "preis", "bremse", "miet",
    "schul", "wesen", "land", "kreis", "tag", "wahl", "kampf", "recht", "sprecher", "förder",
    "mittel", "bau", "stelle", "amt", "zeit", "plan", "netz", "ausbau", "wärme", "pumpe",
)  # fmt: skip
_BAD = (
    "Der Minister ist ein Vollidiot.",
    "Was für ein I d i o t schreibt so etwas?",
    "Nur Vollpf0sten glauben das.",
    "So ein A****loch!",
    "Ihr Dummkoepfe habt keine Ahnung.",
    "Günstige Uhren bei www.uhren-discount-xy.com, jetzt bestellen, nur 19,99 €!",
    "Verdienen Sie 500 € am Tag von zu Hause, schreib mir eine PN.",
    "Mehr dazu auf WhatsApp +49 176 1234 5678.",
    "Abonniert meinen Kanal, Link in meinem Profil.",
    "Diese Drecksregierung gehört abgewählt.",
)


def _compound(rng: random.Random) -> str:
    """A made-up German compound noun, so that the vocabulary keeps growing like real traffic."""
    return "".join(rng.choice(_PARTS) for _ in range(rng.randint(2, 4))).capitalize()


def make_comments(n: int, seed: int = 7) -> list[str]:
    """``n`` varied synthetic comments, roughly one in six with an insult or an ad."""
    rng = random.Random(seed)
    comments = []
    for _ in range(n):
        parts = [f"{rng.choice(_OPENERS)} {rng.choice(_CLAIMS)}."]
        parts += rng.sample(_FILLERS, k=rng.randint(1, 3))
        parts.append(
            f"Die {_compound(rng)} und die {_compound(rng)} kosten seit {rng.randint(1990, 2025)} "
            f"rund {rng.randint(2, 900)} Millionen Euro, sagt der {_compound(rng)}."
        )
        if rng.random() < 0.17:
            parts.insert(rng.randint(0, len(parts)), rng.choice(_BAD))
        comments.append(" ".join(parts))
    return comments


def bench_pipeline(n: int = 10_000) -> dict[str, Any]:
    """Screen ``n`` synthetic comments; return throughput and latency figures."""
    pipeline = load_pipeline()
    comments = make_comments(n)
    pipeline.screen(ScreeningInput(comments[0]))  # build caches outside the measurement
    latencies = []
    started = time.perf_counter()
    for text in comments:
        t0 = time.perf_counter()
        pipeline.screen(ScreeningInput(text))
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "comments": n,
        "mean_chars": round(statistics.fmean(len(c) for c in comments)),
        "seconds": round(elapsed, 3),
        "comments_per_s": round(n / elapsed),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 3),
    }


def _one_core_env() -> dict[str, str]:
    return {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


#: A synthetic article (every rule runs, off_topic included), about the comments' themes.
ARTICLE = (
    "Stadtrat streitet über Kosten für Bahn, Schulen und Energiewende\n\n"
    "Der Stadtrat hat am Dienstag über den Haushalt beraten. Die Kosten für die Energiewende, "
    "die Sanierung der Schulen und den Ausbau der Radwege sollen steigen. Die Bahn verlangt "
    "mehr Geld für Schienen, die Opposition kritisiert Beraterverträge. Die Mieten in der Stadt "
    "steigen schneller als die Löhne, heißt es in einem Bericht des Statistischen Bundesamtes. "
    "Über das Schwimmbad sollen die Bürgerinnen und Bürger im Frühjahr befragt werden."
)


def bench_screen_command(n: int = 10_000, *, article: bool = True) -> dict[str, Any]:
    """Wall time, peak memory and start-up of ``netiquette screen`` over ``n`` comments (all
    rules, with an article unless ``article=False``), pinned to one core.

    Start-up (imports, model load, first comment) is measured as a run over one comment.
    """
    comments = make_comments(n)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        one = Path(tmp) / "one.jsonl"

        def line(i: int, text: str) -> str:
            row: dict[str, Any] = {"id": i, "text": text}
            if article:
                row["article_text"] = ARTICLE
            return json.dumps(row, ensure_ascii=False) + "\n"

        src.write_text("".join(line(i, t) for i, t in enumerate(comments)), encoding="utf-8")
        one.write_text(line(0, comments[0]), encoding="utf-8")
        cmd = [
            sys.executable,
            "-m",
            "netiquette",
            "screen",
            "--input",
            str(src),
            "--output",
            str(dst),
            "--no-progress",
        ]
        if sys.platform.startswith("linux"):
            cmd = ["taskset", "-c", "0", *cmd]
        started = time.perf_counter()
        subprocess.run([*cmd[:-5], "--input", str(one), *cmd[-3:]], check=True, env=_one_core_env())
        startup = time.perf_counter() - started
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(cmd, check=True, env=_one_core_env())
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU time of the run: on a shared machine the wall time overstates the cost.
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        lines = sum(1 for _ in dst.open(encoding="utf-8"))
    # Peak resident memory of the largest child so far (the full run), in MB.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "comments": lines,
        "seconds": round(elapsed, 2),
        "comments_per_s": round(lines / elapsed),
        "startup_s": round(startup, 2),
        "cpu_s": round(cpu, 2),
        "comments_per_cpu_s": round(lines / cpu) if cpu else 0,
        "peak_rss_mb": round(peak_mb),
    }


def model_load() -> dict[str, float]:
    """Seconds to load the shipped models (TF-IDF heads, e5 ONNX, sentence encoder), one thread."""
    from netiquette.screening.classifier import load_models
    from netiquette.screening.models import DEFAULT_MODEL_DIR

    started = time.perf_counter()
    models = load_models(DEFAULT_MODEL_DIR, use_encoder=True, threads=1)
    total = time.perf_counter() - started
    semantic = models.semantic.load_seconds if models.semantic is not None else 0.0
    return {"total_s": round(total, 2), "e5_s": round(semantic, 2)}


def machine_reference() -> dict[str, float]:
    """Two yardsticks of this machine's speed right now, so figures from different days can be
    compared: ten million Python additions in a function, and one e5 window through ONNX
    Runtime (the shipped graph, one thread, 200 fixed windows of 20-64 tokens). On the 2-core VM
    these two drifted apart: ONNX Runtime ran three times slower on one day with Python at its
    usual speed."""
    import numpy as np

    from netiquette.screening.classifier import load_models
    from netiquette.screening.models import DEFAULT_MODEL_DIR

    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    python_s = time.perf_counter() - started
    semantic = load_models(DEFAULT_MODEL_DIR, use_encoder=False, threads=1).semantic
    if semantic is None:
        return {"python_s": round(python_s, 3), "e5_window_ms": 0.0}
    rng = np.random.default_rng(0)
    vocab = len(semantic.tokenizer.pieces)
    windows = [
        rng.integers(5, vocab, size=(1, int(n)), dtype=np.int64)
        for n in rng.integers(20, 65, size=200)
    ]
    run = semantic.session.run  # type: ignore[attr-defined]
    for ids in windows[:20]:
        run(["logits"], {"ids": ids, "mask": np.ones_like(ids)})
    started = time.perf_counter()
    for ids in windows:
        run(["logits"], {"ids": ids, "mask": np.ones_like(ids)})
    window_ms = (time.perf_counter() - started) / len(windows) * 1000
    return {"python_s": round(python_s, 3), "e5_window_ms": round(window_ms, 2)}


def _print_reference(when: str) -> None:
    ref = machine_reference()
    print(
        f"machine {when}: 10 million Python additions {ref['python_s']} s; "
        f"one e5 window {ref['e5_window_ms']} ms"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_http(n: int = 1_000) -> dict[str, Any]:
    """p50/p99 latency of ``POST /api/v1/comments`` on a fresh SQLite database, one client."""
    key = "nq_bench_0123456789abcdefghijkl"
    comments = make_comments(n, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        env = {
            **_one_core_env(),
            "NETIQUETTE_API_KEY": key,
            "NETIQUETTE_ADMIN_PASSWORD": "bench-pass-1",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "netiquette",
                "serve",
                "--db",
                str(Path(tmp) / "b.db"),
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {key}"}
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
                http.post("/api/v1/articles", json={"id": "bench", "text": "Ein Artikel."})
                latencies = []
                for i, text in enumerate(comments):
                    body = {
                        "id": f"b{i}",
                        "article_id": "bench",
                        "author": {"id": f"u{i % 50}", "name": "Leser"},
                        "text": text,
                    }
                    t0 = time.perf_counter()
                    r = http.post("/api/v1/comments", json=body)
                    latencies.append(time.perf_counter() - t0)
                    assert r.status_code == 202, r.text
        finally:
            server.terminate()
            server.wait(10)
    latencies.sort()
    return {
        "requests": n,
        "p50_ms": round(latencies[n // 2] * 1000, 2),
        "p99_ms": round(latencies[min(n - 1, int(n * 0.99))] * 1000, 2),
    }


def main(argv: list[str] | None = None) -> None:
    """Print the pipeline, command and HTTP figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="comments to screen")
    parser.add_argument(
        "--command-only", action="store_true", help="only the `netiquette screen` figures"
    )
    ns = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if ns.n < 1:
        parser.error("n must be at least 1")
    n, command_only = ns.n, ns.command_only
    if not command_only:
        figures = bench_pipeline(n)
        print(f"pipeline: {figures['comments']} comments, ~{figures['mean_chars']} chars each")
        print(f"  {figures['comments_per_s']} comments/s ({figures['seconds']} s)")
        print(f"  per comment p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
    _print_reference("before")
    load = model_load()
    print(f"model load: {load['total_s']} s (of which the e5 encoder {load['e5_s']} s)")
    command = bench_screen_command(n)
    print(
        f"netiquette screen (one core, all rules + an article, JSONL in/out, start-up included): "
        f"{command['comments_per_s']} comments/s ({command['comments']} in {command['seconds']} s)"
        f"; start-up (one comment) {command['startup_s']} s; CPU time {command['cpu_s']} s = "
        f"{command['comments_per_cpu_s']} comments per CPU-second; "
        f"peak memory {command['peak_rss_mb']} MB"
    )
    _print_reference("after")
    if command_only:
        return
    http = bench_http(min(n, 1_000))
    print(
        f"POST /api/v1/comments on SQLite, sequential: p50 {http['p50_ms']} ms, "
        f"p99 {http['p99_ms']} ms over {http['requests']} requests"
    )


if __name__ == "__main__":
    main()
