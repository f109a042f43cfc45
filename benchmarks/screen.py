"""Screening throughput: synthetic German comments through the shipped pipeline, in one process.

Run: ``.venv/bin/python benchmarks/screen.py [N]`` – prints comments/s and per-comment p50/p99.
The comments are generated here (templates, fillers, some insults, links and obfuscations), about
300 characters on average, so the figure reflects ordinary traffic with a realistic share of hits.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from typing import Any

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


def main(argv: list[str] | None = None) -> None:
    """Print the pipeline figures."""
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 10_000
    figures = bench_pipeline(n)
    print(f"pipeline: {figures['comments']} comments, ~{figures['mean_chars']} chars each")
    print(f"  {figures['comments_per_s']} comments/s ({figures['seconds']} s)")
    print(f"  per comment p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")


if __name__ == "__main__":
    main()
