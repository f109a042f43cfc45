"""Labelled (comment, article) pairs for calibrating the off-topic score, and its training.

Pairs come from two places, read at training time and never copied into the repository:

* the shared development examples (``examples/comments-dev.jsonl`` on the example article and
  ``examples/dev-articles/comments.jsonl`` on pages a/b/c): every comment under its own article
  with its ``off_topic`` label, plus every on-topic comment attached to one *other* article,
  where it is off topic;
* our own invented articles and comments in ``training/data/relevance_pairs.jsonl``, treated the
  same way.

Cross-validation holds out one article at a time, so a figure never comes from an article the
model has seen.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict

from netiquette.screening.relevance import RelevanceModel, lexical_only

OWN_PAIRS = Path(__file__).resolve().parent / "data" / "relevance_pairs.jsonl"


@dataclass(frozen=True, slots=True)
class Pair:
    """One comment placed under one article, labelled off-topic (1) or not (0)."""

    comment: str
    article_id: str
    off_topic: int
    source: str


def _jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def with_cross_pairs(
    own: list[Pair], articles: list[str], rng: random.Random, source: str
) -> list[Pair]:
    pairs = list(own)
    for p in own:
        others = [a for a in articles if a != p.article_id]
        if p.off_topic == 0 and others:
            pairs.append(Pair(p.comment, rng.choice(others), 1, source + "-cross"))
    return pairs


def build_pairs(examples_dir: Path | None, seed: int = 7) -> tuple[list[Pair], dict[str, str]]:
    """All labelled pairs and the article texts they refer to (by article id)."""
    rng = random.Random(seed)
    articles: dict[str, str] = {}
    pairs: list[Pair] = []
    own_rows = _jsonl(OWN_PAIRS)
    own: list[Pair] = []
    for row in own_rows:
        if row["kind"] == "article":
            articles[f"own-{row['id']}"] = str(row["text"])
        else:
            own.append(
                Pair(str(row["text"]), f"own-{row['article']}", int(str(row["off_topic"])), "own")
            )
    pairs += with_cross_pairs(own, [a for a in articles if a.startswith("own-")], rng, "own")

    if examples_dir is not None and (examples_dir / "comments-dev.jsonl").is_file():
        shared: list[Pair] = []
        for txt in sorted(examples_dir.glob("0*.txt"))[:1]:
            articles["dev-main"] = txt.read_text(encoding="utf-8")
            for row in _jsonl(examples_dir / "comments-dev.jsonl"):
                labels = row["labels"]
                assert isinstance(labels, dict)
                shared.append(Pair(str(row["text"]), "dev-main", int(labels["off_topic"]), "dev"))
        comments = examples_dir / "dev-articles" / "comments.jsonl"
        if comments.is_file():
            for row in _jsonl(comments):
                art = f"dev-{row['article']}"
                if art not in articles:
                    articles[art] = (examples_dir / str(row["article_file"])).read_text(
                        encoding="utf-8"
                    )
                labels = row["labels"]
                assert isinstance(labels, dict)
                shared.append(Pair(str(row["text"]), art, int(labels["off_topic"]), "dev"))
        dev_articles = [a for a in articles if a.startswith("dev-")]
        pairs += with_cross_pairs(shared, dev_articles, rng, "dev")
    return pairs, articles


@dataclass
class RelevanceFit:
    """Fitted coefficients plus leave-one-article-out probabilities."""

    coef: NDArray[np.float64]
    bias: float
    fallback_coef: NDArray[np.float64]
    fallback_bias: float
    oof_proba: NDArray[np.float64]
    labels: NDArray[np.int_]
    groups: list[str]
    sources: list[str]
    #: Leave-one-article-out probabilities of the lexical fallback (no encoder).
    oof_proba_fallback: NDArray[np.float64] | None = None


def fit_relevance(
    model: RelevanceModel, pairs: list[Pair], articles: dict[str, str], cross_weight: float = 0.25
) -> RelevanceFit:
    """Fit P(off_topic) on pair features; ``model`` supplies the encoder and feature code."""
    x = np.vstack([model.features(p.comment, articles[p.article_id]) for p in pairs])
    y = np.array([p.off_topic for p in pairs])
    groups = [p.article_id for p in pairs]
    # Cross pairs are plentiful and easy; down-weight them so the calibrated probability reflects
    # a realistic share of off-topic comments under an article, not the 50 % of the pair set.
    w = np.array([cross_weight if p.source.endswith("-cross") else 1.0 for p in pairs])
    lr = LogisticRegression(C=1.0, max_iter=1000)
    oof = cross_val_predict(
        lr,
        x,
        y,
        groups=groups,
        cv=LeaveOneGroupOut(),
        method="predict_proba",
        params={"sample_weight": w},
    )
    oof_fall = cross_val_predict(
        lr,
        lexical_only(x),
        y,
        groups=groups,
        cv=LeaveOneGroupOut(),
        method="predict_proba",
        params={"sample_weight": w},
    )
    full = LogisticRegression(C=1.0, max_iter=1000).fit(x, y, sample_weight=w)
    fall = LogisticRegression(C=1.0, max_iter=1000).fit(lexical_only(x), y, sample_weight=w)
    return RelevanceFit(
        full.coef_.ravel().astype(np.float64),
        float(full.intercept_[0]),
        fall.coef_.ravel().astype(np.float64),
        float(fall.intercept_[0]),
        np.asarray(oof[:, 1]),
        y,
        groups,
        [p.source for p in pairs],
        np.asarray(oof_fall[:, 1]),
    )


__all__ = ["OWN_PAIRS", "Pair", "RelevanceFit", "build_pairs", "fit_relevance"]
