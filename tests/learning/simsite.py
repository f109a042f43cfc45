"""A simulated newsroom with its own line, for the site-model tests.

Written for these tests from invented sentence parts (no corpus, no real comments). The site
rejects every link to a video platform, even under an otherwise fine comment (it cites
``ad_link``), and rejects plain insults of people (``insult``), but it accepts "Schwachsinn" as
criticism of a policy, and links to news and public bodies.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

TOPICS = [
    "die Rente",
    "die Stadtbahn",
    "die Grundsteuer",
    "das Hallenbad",
    "Tempo 30 in der Innenstadt",
    "der Windpark am Kamm",
    "die Kita-Gebühren",
    "das neue Parkhaus",
    "die Schulreform",
    "der Radweg an der Ringstraße",
]
FINE = [
    "Ich finde, {t} ist ein vernünftiger Kompromiss.",
    "Über {t} sollte man in Ruhe reden, die Zahlen im Artikel helfen dabei.",
    "Für {t} fehlt mir noch ein Plan für die nächsten Jahre.",
    "Danke für den Bericht, {t} betrifft uns hier alle.",
    "Bei {t} hätte ich mir mehr Beteiligung der Anwohner gewünscht.",
    "Ob {t} wirklich etwas bringt, wird sich zeigen.",
    "Meine Nachbarn sehen {t} ganz anders als ich, und das ist in Ordnung.",
    "Wer bezahlt am Ende {t}? Das steht leider nicht im Text.",
]
CRITICISM = [
    "Das ist doch Schwachsinn, {t} reicht nie.",
    "{T} ist Schwachsinn, das sieht doch jeder.",
    "Was für ein Schwachsinn, {t} so zu planen.",
    "Schwachsinn hoch drei: {t} kostet mehr, als es bringt.",
    "Ehrlich gesagt halte ich {t} für Schwachsinn.",
]
INSULTS = [
    "Der Bürgermeister ist ein Vollidiot, {t} beweist es.",
    "Sie sind ein elender Dummkopf, wenn Sie {t} gut finden.",
    "Halt die Klappe, du Depp, {t} verstehst du eh nicht.",
    "Alle im Stadtrat sind Idioten, siehe {t}.",
]
VIDEO = [
    "https://www.youtube.com/watch?v={id}",
    "https://youtu.be/{id}",
    "https://vimeo.com/{n}",
    "https://www.tiktok.com/@{user}/video/{n}",
    "https://www.dailymotion.com/video/x{id}",
    "https://www.twitch.tv/videos/{n}",
]
NEWS = [
    "https://www.bundestag.de/dokumente/{n}",
    "https://www.destatis.de/DE/Themen/{n}.html",
    "https://www.tagesschau.de/inland/meldung-{n}.html",
    "https://www.stadt-nordheim.de/rathaus/beschluss-{n}",
]
LEADS = ["Siehe hier: {u}", "Passend dazu: {u}", "Mehr dazu unter {u}", "Quelle: {u}"]
USERS = ["leser", "nordlicht", "kritiker", "anna_b", "stadtfan"]


@dataclass(frozen=True, slots=True)
class Decision:
    """One moderator verdict of the simulated site."""

    id: str
    text: str
    label: str
    rules: tuple[str, ...]
    decided_at: datetime


def _link(rng: random.Random, templates: list[str]) -> str:
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return rng.choice(templates).format(
        id="".join(rng.choice(alphabet) for _ in range(11)),
        n=rng.randrange(10**5, 10**8),
        user=rng.choice(USERS),
    )


def _sentence(rng: random.Random, templates: list[str]) -> str:
    topic = rng.choice(TOPICS)
    return rng.choice(templates).format(t=topic, T=topic[0].upper() + topic[1:])


def comment(rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    """One comment and the site's verdict on it."""
    kind = rng.random()
    if kind < 0.30:
        return _sentence(rng, FINE), "approve", ()
    if kind < 0.48:
        return _sentence(rng, CRITICISM), "approve", ()
    if kind < 0.58:
        lead = rng.choice(LEADS).format(u=_link(rng, NEWS))
        return f"{_sentence(rng, FINE)} {lead}", "approve", ()
    if kind < 0.78:
        lead = rng.choice(LEADS).format(u=_link(rng, VIDEO))
        return f"{_sentence(rng, FINE)} {lead}", "reject", ("ad_link",)
    if kind < 0.86:
        lead = rng.choice(LEADS).format(u=_link(rng, VIDEO))
        return f"{_sentence(rng, CRITICISM)} {lead}", "reject", ("ad_link",)
    return _sentence(rng, INSULTS), "reject", ("insult",)


def decisions(count: int, *, seed: int, start: datetime | None = None) -> list[Decision]:
    """``count`` verdicts an hour apart from ``start``, in time order."""
    rng = random.Random(seed)
    start = start or datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    out = []
    for n in range(count):
        text, label, rules = comment(rng)
        out.append(Decision(f"sim-{seed}-{n}", text, label, rules, start + timedelta(hours=n)))
    return out


def write_history(path: Path, items: list[Decision]) -> Path:
    """The verdicts as an ``import-decisions`` file."""
    lines = [
        json.dumps(
            {
                "id": d.id,
                "text": d.text,
                "decision": d.label,
                "rules": list(d.rules),
                "decided_at": d.decided_at.isoformat(),
            },
            ensure_ascii=False,
        )
        for d in items
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_screen_input(path: Path, items: list[Decision]) -> Path:
    """The comments alone, as a ``netiquette screen`` input file."""
    lines = [json.dumps({"id": d.id, "text": d.text}, ensure_ascii=False) for d in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
