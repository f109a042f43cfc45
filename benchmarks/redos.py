"""Worst screening time over adversarial comments of the maximum length (issue 11, ReDoS).

    .venv/bin/python benchmarks/redos.py [--length 10000] [--repeat 3]

Screens every input of ``tests/security/adversarial.py`` (one unit such as ``"1."`` or
``"x dot "`` repeated to the maximum comment length, plain and wrapped in a preamble that opens
every matcher's gate) and prints, per input class, the best of ``--repeat`` runs of

* **matchers**: the normaliser plus every pattern and lexicon matcher (what backtracking made
  quadratic: 6-14 s per comment before issue 11, 70 s for one pattern on ``"--"``);
* **pipeline**: the whole shipped pipeline, classifiers included,

against ordinary German text of the same length. Target (issue 11): ≤ 50 ms per comment, for
the matchers and for the whole pipeline.

Each run screens a fresh variant of the input (its last character changed): the screening
remembers recent texts (the classifier's batch memo, the normaliser's cache), and a repeat of
the same text would measure those caches, not the screening. Word-level caches stay warm, as
in a running server.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netiquette.screening import ScreeningInput
from netiquette.screening.models.patterns import cue_spans
from netiquette.screening.normalize import normalize
from netiquette.screening.pipeline import default_pipeline
from tests.security.adversarial import adversarial_texts, repeated

ORDINARY = (
    "Der Stadtrat hat am Dienstag beschlossen, die Linie 7 bis 2027 zu verlängern. Kritiker "
    "fragen, ob das Geld nicht besser in Busse flösse; die Verwaltung verweist auf die Studie. "
)
ARTICLE = "Der Stadtrat hat die Linie 7 beschlossen."


_FRESH = "0123456789"


def best_of(repeat: int, run: Callable[[str], object], text: str) -> float:
    """Best wall time of ``repeat`` runs on fresh variants of ``text``, in seconds."""
    times = []
    for i in range(repeat):
        last = _FRESH[i % len(_FRESH)]
        variant = text[:-1] + (last if text[-1] != last else "x")
        started = time.perf_counter()
        run(variant)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--length", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pipeline = default_pipeline()
    rules = pipeline.rules
    aggression, insult, ad_link = rules["aggression"], rules["insult"], rules["ad_link"]

    def matchers(text: str) -> None:
        normalize(text)
        aggression.cues(text)  # type: ignore[attr-defined]
        insult.lexicon_rule.find(text)  # type: ignore[attr-defined]
        ad_link.signals(text)  # type: ignore[attr-defined]
        cue_spans(text)

    def screen(text: str) -> None:
        pipeline.screen(ScreeningInput(text, article_text=ARTICLE))

    screen("Guten Morgen.")  # load the models
    ordinary = repeated(ORDINARY, args.length)
    base_m = best_of(args.repeat, matchers, ordinary)
    base_p = best_of(args.repeat, screen, ordinary)
    rows = []
    for label, text in track(list(adversarial_texts(args.length)), description="screening"):
        m = best_of(args.repeat, matchers, text)
        p = best_of(args.repeat, screen, text)
        rows.append((m, p, label))
    rows.sort(reverse=True)
    table = Table(title=f"Slowest adversarial inputs ({args.length:,} characters)")
    for column in ("input", "matchers ms", "pipeline ms"):
        table.add_column(column, justify="left" if column == "input" else "right")
    table.add_row("ordinary text", f"{base_m * 1000:.1f}", f"{base_p * 1000:.1f}")
    for m, p, label in rows[:10]:
        table.add_row(label, f"{m * 1000:.1f}", f"{p * 1000:.1f}")
    console = Console()
    console.print(table)
    worst_m, worst_p = max(r[0] for r in rows), max(r[1] for r in rows)

    def verdict(seconds: float) -> str:
        return "meets" if seconds <= 0.05 else "misses"

    console.print(
        f"{len(rows)} inputs: worst matcher time {worst_m * 1000:.1f} ms ({verdict(worst_m)} the "
        f"50 ms target), worst whole-pipeline time {worst_p * 1000:.1f} ms "
        f"({verdict(worst_p)} it; ordinary text: {base_p * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
