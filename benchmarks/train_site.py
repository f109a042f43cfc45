"""Training a site model: wall time and peak memory of `train --site` on 10,000 decisions.

Run: ``.venv/bin/python benchmarks/train_site.py [FILE.jsonl] [--n 10000]``

Without a file, it generates ``--n`` decisions here (invented German comments: templates, fillers,
some insults and links, with inconsistent moderators, spread over 300 articles and a year). With a
file in the ``import-decisions`` format (for example a newsroom's history you may not commit), it
takes its first ``--n`` lines. Both steps run as the real commands in child processes on a
temporary SQLite database: ``import-decisions``, then ``train --site``. It prints the wall time and
peak memory (max RSS) of each, the training time the model records, the held-back figures of the
model card, and the machine's load average before and after (the machine is shared: a high load
means a slower figure).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

_OPENERS = (
    "Ich finde den Artikel gut recherchiert, aber",
    "Ehrlich gesagt verstehe ich die Aufregung nicht:",
    "Das sehe ich völlig anders,",
    "Bei uns im Ort sagt man,",
    "Wie schon im letzten Jahr gilt:",
)
_CLAIMS = (
    "die Regierung hätte die Kosten früher offenlegen müssen",
    "die Bahn braucht mehr Geld für Schienen",
    "der Stadtrat sollte die Bürger vorher befragen",
    "die Mieten steigen schneller als die Löhne",
    "die Schulen brauchen mehr Lehrerinnen und Lehrer",
    "der Ausbau der Radwege kommt endlich voran",
)
_FILLERS = (
    "Natürlich kann man darüber streiten.",
    "Wer das anders sieht, sollte die Quellen lesen.",
    "Das Thema ist komplizierter, als es klingt.",
    "Vielleicht sollte man die Betroffenen fragen.",
)
_INSULTS = ("Sie Vollidiot", "was für ein Schwachkopf", "ihr Versager", "halt die Klappe")
_LINKS = ("https://billig-pillen.example/angebot", "https://www.youtube.com/watch?v=abc")


def synthetic(n: int, seed: int = 12) -> list[dict[str, object]]:
    """``n`` invented decisions in the import-decisions format, about 15 % rejections."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    out: list[dict[str, object]] = []
    for i in range(n):
        parts = [f"{rng.choice(_OPENERS)} {rng.choice(_CLAIMS)}."]
        parts += rng.sample(_FILLERS, rng.randint(0, 2))
        bad = rng.random()
        if bad < 0.08:
            parts.append(f"{rng.choice(_INSULTS).capitalize()}!")
        elif bad < 0.12:
            parts.append(rng.choice(_LINKS))
        # Moderators are people: most insults and links go, a few stay, a few clean ones go.
        reject = (bad < 0.12 and rng.random() < 0.85) or rng.random() < 0.04
        out.append(
            {
                "id": f"b{i}",
                "text": " ".join(parts),
                "decision": "reject" if reject else "approve",
                "article_id": f"a{rng.randrange(300)}",
                "decided_at": (start + timedelta(minutes=52 * i)).isoformat(),
            }
        )
    return out


# Runs the command in this child and writes its own peak RSS (kB) to stderr's last line.
_CHILD = """
import resource, sys
from netiquette.cli import main
sys.argv = ["netiquette", *sys.argv[1:]]
try:
    main()
finally:
    print(f"peak-kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a netiquette command in a child process; its wall seconds and peak RSS in MB."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed: {done.stderr.strip()[-500:]}")
    peak_kb = int(done.stderr.strip().splitlines()[-1].split()[-1])
    return seconds, peak_kb / 1024


def main() -> None:
    """Generate or read the decisions, import them, train, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, help="import-decisions JSONL to use")
    parser.add_argument("--n", type=int, default=10_000, help="decisions to train on")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "decisions.jsonl"
        if args.file is not None:
            with args.file.open(encoding="utf-8") as src:
                lines = [line for _, line in zip(range(args.n), src, strict=False)]
            data.write_text("".join(lines), encoding="utf-8")
            source = f"{len(lines)} lines of {args.file}"
        else:
            rows = synthetic(args.n)
            data.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
            )
            source = f"{len(rows)} synthetic decisions"
        env = {**os.environ, "NETIQUETTE_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        import_s, import_mb = _run(
            ["import-decisions", "--site", "bench", str(data), "--no-progress"], env
        )
        models = Path(tmp) / "models"
        train_s, train_mb = _run(
            ["train", "--site", "bench", "--out", str(models), "--no-progress"], env
        )
        [meta_path] = list(models.glob("bench/*/meta.json"))
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    load_after = os.getloadavg()
    m, t = meta["metrics"], meta["thresholds"]
    print(f"data: {source}; {os.cpu_count()} CPUs")
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print(f"import-decisions: {import_s:.1f} s wall, peak {import_mb:.0f} MB")
    features = meta.get("features") or {}
    variants = features.get("out_of_fold_average_precision") or {}
    print(
        f"train --site: {train_s:.1f} s wall ({meta['training_seconds']} s screening the examples"
        f" and fitting {len(variants)} variant(s), 5 folds + final fit each), "
        f"peak {train_mb:.0f} MB"
    )
    print(
        f"variant kept: {features.get('chosen')} (out-of-fold average precision "
        + ", ".join(f"{k} {v}" for k, v in variants.items())
        + ")"
    )
    print(
        f"held-back ({m['held_back']}, {m['held_back_rejections']} rejections): reject F1 "
        f"{m['reject_f1']} at p >= {m['threshold']:.3f}; automatic {m['auto']['auto_share']:.1%}"
        f" agreeing {m['auto']['auto_agreement']}; thresholds {t}"
    )
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")


if __name__ == "__main__":
    main()
