"""Loaders that map the shared German corpora onto netiquette's house rules.

Each loader yields :class:`LabelledComment` records whose ``labels`` hold 0/1 per *task*
(``reject``, ``insult``, ``aggression``); a task is absent when the corpus says nothing reliable
about it. The mapping and the reasons for it are documented in ``docs/models.md``:

=================  ===========================  ==========================  =====================
corpus             reject (offensive)           insult (Schimpfwort)        aggression
=================  ===========================  ==========================  =====================
GermEval 2018/19   coarse OFFENSE               fine INSULT, PROFANITY      fine ABUSE
                                                (ABUSE: not used)           (INSULT/PROF.: not used)
GermEval 2021      toxic                        not toxic → 0               not toxic → 0
Würzburg HS        hs or p (n: not used)        p (n, hs: not used)         hs; n → 0 (p: not used)
=================  ===========================  ==========================  =====================

Würzburg's ``n`` is not "inoffensive": 2,486 GermEval-2018 OFFENSE tweets were re-annotated ``n``
there, because ``hs``/``p`` are reserved for clear threats/incitement and problematic insults. So
``n`` only tells us "no threat or incitement" (aggression 0).

GermEval 2021's ``toxic`` covers insults, threats and incitement among other offences, so a comment
it calls not toxic holds neither an insult nor aggression (0 for both); a toxic one may be either,
so it says nothing about which. They are the pool's only real comments longer than a tweet with a
negative label for the two rules (added with houserules-12, after houserules-11 read many calm long
forum posts as insults or threats: docs/screening.md, "Real comments").

One Million Posts is CC BY-NC-SA (non-commercial): it has a loader for development and evaluation
but is not part of :data:`DEFAULT_CORPORA`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from netiquette.errors import ConfigError
from netiquette.screening.models.text import prepare_text

TASKS: tuple[str, ...] = ("reject", "insult", "aggression")


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    """Where a corpus lives under ``data_dir`` and under which terms it may be used."""

    name: str
    files: tuple[str, ...]
    licence: str
    commercial_use: str  # "yes", "no" or "unclear"
    citation: str


CORPORA: dict[str, CorpusInfo] = {
    "germeval2018": CorpusInfo(
        "germeval2018",
        ("germeval2018/train.jsonl",),
        "CC BY 4.0",
        "yes",
        "Wiegand, Siegel, Ruppenhofer: Overview of the GermEval 2018 Shared Task, 2018",
    ),
    "germeval2019": CorpusInfo(
        "germeval2019",
        ("germeval2019/train.jsonl", "germeval2019/test.jsonl"),
        "not stated (research release; sister corpus GermEval 2018 is CC BY 4.0)",
        "unclear",
        "Struß et al.: Overview of GermEval Task 2, 2019, KONVENS 2019",
    ),
    "germeval2021": CorpusInfo(
        "germeval2021",
        ("germeval2021/train.jsonl",),
        "not stated (research release)",
        "unclear",
        "Risch, Stoll, Wilms, Wiegand: Overview of the GermEval 2021 Shared Task, 2021",
    ),
    "wuerzburg_hatespeech": CorpusInfo(
        "wuerzburg_hatespeech",
        ("wuerzburg_hatespeech/all.jsonl",),
        "not stated (research; sub-corpora keep their own terms, e.g. CC BY 4.0, CC BY-SA 3.0)",
        "unclear",
        "cophi-wue German_HateSpeech_Corpus, commit fcba84d",
    ),
    "one_million_posts": CorpusInfo(
        "one_million_posts",
        ("one_million_posts/all.jsonl",),
        "CC BY-NC-SA 4.0",
        "no",
        "Schabus, Skowron, Trapp: One Million Posts, SIGIR 2017",
    ),
}

#: Corpora the shipped default model is trained on (no non-commercial corpus).
DEFAULT_CORPORA: tuple[str, ...] = (
    "germeval2018",
    "germeval2019",
    "germeval2021",
    "wuerzburg_hatespeech",
)


@dataclass(slots=True)
class LabelledComment:
    """One prepared comment with 0/1 labels for the tasks its corpus covers."""

    id: str
    text: str
    corpus: str
    labels: dict[str, int] = field(default_factory=dict)


def _read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    if not path.is_file():
        raise ConfigError(
            f"corpus file not found: {path}", field="data_dir", code="corpus_not_found"
        )
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def germeval_labels(coarse: str, fine: str) -> dict[str, int]:
    """Map GermEval 2018/2019 coarse/fine labels to our tasks."""
    labels = {"reject": int(coarse == "OFFENSE")}
    if fine in ("INSULT", "PROFANITY"):
        labels["insult"] = 1
    elif fine == "OTHER":
        labels["insult"] = 0
    if fine == "ABUSE":
        labels["aggression"] = 1
    elif fine == "OTHER":
        labels["aggression"] = 0
    return labels


def germeval2021_labels(toxic: int) -> dict[str, int]:
    """Map GermEval 2021's ``toxic``: a comment that is not toxic is no insult and no aggression."""
    if toxic:
        return {"reject": 1}
    return {"reject": 0, "insult": 0, "aggression": 0}


def wuerzburg_labels(hate: str | None) -> dict[str, int] | None:
    """Map the Würzburg ``hate`` label (n / p / hs); ``None`` for unlabelled rows."""
    if hate == "n":
        return {"aggression": 0}
    if hate == "p":
        return {"reject": 1, "insult": 1}
    if hate == "hs":
        return {"reject": 1, "aggression": 1}
    return None


def _load_germeval(data_dir: Path, name: str) -> Iterator[LabelledComment]:
    for rel in CORPORA[name].files:
        for row in _read_jsonl(data_dir / rel):
            labels = row["labels"]
            assert isinstance(labels, dict)
            text = str(row.get("text_norm") or row["text"])
            yield LabelledComment(
                str(row["id"]),
                prepare_text(text),
                name,
                germeval_labels(str(labels["coarse"]), str(labels["fine"])),
            )


def load_germeval2018(data_dir: Path) -> Iterator[LabelledComment]:
    """GermEval 2018 training tweets (CC BY 4.0)."""
    return _load_germeval(data_dir, "germeval2018")


def load_germeval2019(data_dir: Path) -> Iterator[LabelledComment]:
    """GermEval 2019 train and test tweets (both usable for training)."""
    return _load_germeval(data_dir, "germeval2019")


def load_germeval2021(data_dir: Path) -> Iterator[LabelledComment]:
    """GermEval 2021 Facebook comments: ``toxic`` → reject; not toxic → no insult, no aggression."""
    for row in _read_jsonl(data_dir / CORPORA["germeval2021"].files[0]):
        labels = row["labels"]
        assert isinstance(labels, dict)
        yield LabelledComment(
            str(row["id"]),
            prepare_text(str(row["text"])),
            "germeval2021",
            germeval2021_labels(int(labels["toxic"])),
        )


def load_wuerzburg(data_dir: Path) -> Iterator[LabelledComment]:
    """Würzburg hate-speech corpus: ``hs`` → aggression, ``p`` → insult, both → reject."""
    for row in _read_jsonl(data_dir / CORPORA["wuerzburg_hatespeech"].files[0]):
        raw = row["labels"]
        assert isinstance(raw, dict)
        labels = wuerzburg_labels(raw.get("hate"))
        if labels is not None:
            yield LabelledComment(
                str(row["id"]), prepare_text(str(row["text"])), "wuerzburg_hatespeech", labels
            )


def load_one_million_posts(data_dir: Path) -> Iterator[LabelledComment]:
    """One Million Posts (CC BY-NC-SA, development only): Inappropriate/Discriminating → reject."""
    for row in _read_jsonl(data_dir / CORPORA["one_million_posts"].files[0]):
        raw = row["labels"]
        assert isinstance(raw, dict)
        if "Inappropriate" not in raw:
            continue
        offensive = int(raw.get("Inappropriate", 0) or raw.get("Discriminating", 0))
        labels = {"reject": offensive, "off_topic": int(raw.get("OffTopic", 0))}
        yield LabelledComment(
            str(row["id"]), prepare_text(str(row["text"])), "one_million_posts", labels
        )


def insinuation_background(data_dir: Path, limit: int = 600, seed: int = 5) -> list[str]:
    """Ordinary comments to add as insinuation negatives: GermEval 2021, neither toxic nor
    fact-claiming (insinuations assert hidden facts, so fact-claiming ones are left out)."""
    import random

    rows = [
        prepare_text(str(row["text"]))
        for row in _read_jsonl(data_dir / CORPORA["germeval2021"].files[0])
        if isinstance(row["labels"], dict)
        and not row["labels"]["toxic"]
        and not row["labels"]["fact_claiming"]
    ]
    random.Random(seed).shuffle(rows)
    return rows[:limit]


LOADERS = {
    "germeval2018": load_germeval2018,
    "germeval2019": load_germeval2019,
    "germeval2021": load_germeval2021,
    "wuerzburg_hatespeech": load_wuerzburg,
    "one_million_posts": load_one_million_posts,
}


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def merge_duplicates(records: Iterable[LabelledComment]) -> list[LabelledComment]:
    """Merge records with the same text (e.g. GermEval 2018 tweets re-annotated in Würzburg).

    The first record's label wins for a task both carry; tasks only the later one has are added.
    Merging keeps one text from landing in both a training and a validation fold.
    """
    merged: dict[str, LabelledComment] = {}
    for rec in records:
        if not rec.text:
            continue
        seen = merged.get(_key(rec.text))
        if seen is None:
            merged[_key(rec.text)] = LabelledComment(rec.id, rec.text, rec.corpus, dict(rec.labels))
        else:
            for task, value in rec.labels.items():
                seen.labels.setdefault(task, value)
    return list(merged.values())


def load_corpora(data_dir: Path, names: Iterable[str] = DEFAULT_CORPORA) -> list[LabelledComment]:
    """Load and merge the named corpora from ``data_dir``."""
    records: list[LabelledComment] = []
    for name in names:
        if name not in LOADERS:
            raise ConfigError(f"unknown corpus {name!r}", field="corpora", code="unknown_corpus")
        records.extend(LOADERS[name](data_dir))
    return merge_duplicates(records)


__all__ = [
    "CORPORA",
    "DEFAULT_CORPORA",
    "LOADERS",
    "TASKS",
    "CorpusInfo",
    "LabelledComment",
    "germeval_labels",
    "insinuation_background",
    "load_corpora",
    "merge_duplicates",
    "wuerzburg_labels",
]
