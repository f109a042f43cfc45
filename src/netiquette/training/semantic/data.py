"""The multi-task pool the semantic encoder is fine-tuned on, and its held-out split.

Tasks: ``reject``, ``insult``, ``aggression``, ``insinuation``; a record carries only the tasks
its source labels. Sources: the default corpora (``training/corpora.py``), our own aggression sets
(``training/data/aggression_*.jsonl``), our insinuation sets (``training/data/insinuation*.jsonl``)
and the article comments of the retired blind sets (``training/retired.py``). The held-out part
(about a fifth) never trains the encoder: its scores choose the stacking weights and the
thresholds. Corpus rows are assigned by a hash of their text; our own rows by a hash of their
*topic*, so held-out own comments are about topics the encoder never saw (for the retired
blind sets: whole articles).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from netiquette.screening.models.text import prepare_text
from netiquette.training.corpora import (
    DEFAULT_CORPORA,
    LabelledComment,
    insinuation_background,
    load_corpora,
)
from netiquette.training.retired import retired_comments

SEMANTIC_TASKS: tuple[str, ...] = ("reject", "insult", "aggression", "insinuation")
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
OWN_AGGRESSION_GLOB = "aggression_*.jsonl"
OWN_INSINUATION_GLOB = "insinuation*.jsonl"
HELD_OUT_FOLD = 0
FOLDS = 5


@dataclass(slots=True)
class PoolRecord:
    """One training text with its source, fold and task labels."""

    text: str
    source: str
    fold: int
    labels: dict[str, int] = field(default_factory=dict)
    topic: str = ""


def _fold(key: str) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % FOLDS


def _topic_folds(topics: list[str]) -> dict[str, int]:
    """Topics in sorted order dealt round-robin to folds: every fold gets whole topics."""
    return {t: i % FOLDS for i, t in enumerate(sorted(set(topics)))}


def _assign_topic_folds(records: list[PoolRecord]) -> list[PoolRecord]:
    folds = _topic_folds([r.topic for r in records])
    for r in records:
        r.fold = folds[r.topic]
    return records


def load_own_aggression(data_dir: Path = DATA_DIR) -> list[PoolRecord]:
    """Our aggression positives and hard negatives; reject = aggression or insult."""
    out: list[PoolRecord] = []
    for path in sorted(data_dir.glob(OWN_AGGRESSION_GLOB)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            lab = row["labels"]
            agg, ins = int(lab.get("aggression", 0)), int(lab.get("insult", 0))
            topic = str(row.get("topic", ""))
            out.append(
                PoolRecord(
                    prepare_text(str(row["text"])),
                    "own_aggression",
                    0,
                    {"aggression": agg, "insult": ins, "reject": int(agg or ins)},
                    topic,
                )
            )
    return _assign_topic_folds(out)


def load_own_insinuation(data_dir: Path = DATA_DIR) -> list[PoolRecord]:
    """Our insinuation sets (insinuation labels only)."""
    out = []
    for path in sorted(data_dir.glob(OWN_INSINUATION_GLOB)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                topic = str(row.get("topic", ""))
                out.append(
                    PoolRecord(
                        prepare_text(str(row["text"])),
                        "own_insinuation",
                        0,
                        {"insinuation": int(row["labels"]["insinuation"])},
                        topic,
                    )
                )
    return _assign_topic_folds(out)


def article_labels(labels: dict[str, int]) -> dict[str, int]:
    """The text tasks of an article comment labelled for the five house rules.

    ``reject`` is the offensive-language task of the corpora (insult or aggression), as for our
    aggression sets; insinuation, ads and off-topic comments are not offensive in that sense.
    """
    insult, aggression = int(labels["insult"]), int(labels["aggression"])
    return {
        "insult": insult,
        "aggression": aggression,
        "insinuation": int(labels["insinuation"]),
        "reject": int(insult or aggression),
    }


def load_own_articles() -> list[PoolRecord]:
    """Article comments of the retired blind sets, every text task labelled; whole articles
    share a fold."""
    out = [
        PoolRecord(prepare_text(c.text), "own_articles", 0, article_labels(c.labels), c.topic)
        for c in retired_comments()
    ]
    return _assign_topic_folds(out)


def corpus_records(data_dir: Path) -> list[LabelledComment]:
    """The default corpora, merged (duplicates across corpora become one record)."""
    return load_corpora(data_dir, DEFAULT_CORPORA)


def build_pool(data_dir: Path) -> list[PoolRecord]:
    """All sources; GermEval 2021 ordinary comments double as insinuation negatives."""
    background = {" ".join(t.lower().split()) for t in insinuation_background(data_dir)}
    pool = []
    for rec in corpus_records(data_dir):
        labels = dict(rec.labels)
        if " ".join(rec.text.lower().split()) in background:
            labels["insinuation"] = 0
        pool.append(PoolRecord(rec.text, rec.corpus, _fold("text:" + rec.text), labels))
    return pool + load_own_aggression() + load_own_insinuation() + load_own_articles()


__all__ = [
    "HELD_OUT_FOLD",
    "SEMANTIC_TASKS",
    "PoolRecord",
    "article_labels",
    "build_pool",
    "load_own_aggression",
    "load_own_articles",
    "load_own_insinuation",
]
