"""A simulated site whose moderators are not perfectly consistent (invented sentences).

Every comment mixes calm and harsh phrases; the more harsh phrases, the likelier a rejection,
but never certainly: a model can reach high agreement only at the ends of its score range,
which is what the threshold choice, recalibration and drift report must handle.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from netiquette.store.db import Database
from netiquette.store.models import SiteExample

CALM = [
    "der Fahrplan wurde geändert",
    "die Kita braucht mehr Personal",
    "das Stadtfest war gut besucht",
    "der Bürgermeister hat geantwortet",
    "die Brücke wird saniert",
    "im Rat gab es eine Mehrheit",
]
HARSH = [
    "ihr Versager im Rathaus",
    "diese Bande gehört weg",
    "alles Lügner und Betrüger",
    "haltet endlich die Klappe",
]
START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday


def comments(count: int, rng: random.Random, harsh_share: float = 0.3) -> list[tuple[str, int]]:
    """``(text, reject)`` pairs; a text's rejection odds grow with its harsh phrases."""
    out = []
    for _ in range(count):
        parts = [rng.choice(CALM) for _ in range(rng.randint(1, 3))]
        harsh = sum(rng.random() < harsh_share for _ in range(3))
        parts += [rng.choice(HARSH) for _ in range(harsh)]
        rng.shuffle(parts)
        chance = (0.01, 0.3, 0.99, 1.0)[harsh]
        out.append((", ".join(parts).capitalize() + ".", int(rng.random() < chance)))
    return out


def add_examples(
    db: Database,
    site: str,
    pairs: list[tuple[str, int]],
    *,
    first: int = 0,
    start: datetime = START,
    every: timedelta = timedelta(hours=1),
) -> None:
    """Store the pairs as imported examples ``e<first>…``, one ``every`` apart from ``start``."""
    with db.session() as session:
        for n, (text, reject) in enumerate(pairs):
            number = first + n
            session.add(
                SiteExample(
                    site=site,
                    example_id=f"e{number}",
                    text=text,
                    text_sha256=f"{number:064d}",
                    label="reject" if reject else "approve",
                    rules=["insult"] if reject else [],
                    source="import",
                    decided_at=start + n * every,
                )
            )
