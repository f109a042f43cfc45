"""Calibrate the context-aware off-topic model (:mod:`netiquette.screening.topicality`).

``python -m netiquette.training.topicality [--examples ../shared/examples] [--write]``

Pairs: our own invented articles (``relevance_pairs.jsonl``, ``relevance_more.jsonl``,
``relevance_third.jsonl``), the shared development articles (read at run time, never copied),
the blind sets retired to development data after their one scoring (``datasets/blind``,
``datasets/blind2``) and the article-comment sets written as training data (``train_a``,
``train_b``, ``train_c``; all in ``training/retired.py``'s ``TRAINING_SETS``), each comment
under its own article with its ``off_topic`` label, plus
every on-topic comment placed under one *other* article (off topic there, weight 0.25:
plentiful and easy). Everything is in-sample for the rule as shipped: the patterns and
prototypes were written after reading these comments.

Figures are leave-one-article-out cross-validation: the probabilities of an article's pairs come
from a fit that never saw that article. Printed for the overlap-only features (the v1 rule's
features, refitted on the same pairs) and for all features, on the real pairs (no cross pairs):
ROC-AUC, and at the chosen flag threshold (best cross-validated F1) precision, recall, F1 and
the share of on-topic comments flagged. ``--write`` stores coefficients and thresholds in
``screening/models/off_topic_context_v4.json`` under the encoder's id (v3's and v2's files,
``off_topic_context_v3.json`` and ``off_topic_context.json``, stay as shipped for sites that
name those versions).

Generation 4 (``context.v4``) weighs, with the encoder, the comment's sentence vector and its
product with the article's beside the ten named features
(:data:`netiquette.screening.topicality.VECTOR_FEATURES`); the row ``context`` is that model,
``named_only`` the same pairs with the ten named features alone (v3's model, refitted), and
``overlap_only`` v1's five. Without the encoder (record ``none``) the ten named features are all
there is.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.progress import track
from rich.table import Table
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict

from netiquette.screening.models.embedding import DIM
from netiquette.screening.models.text import prepare_text
from netiquette.screening.relevance import content_stems
from netiquette.screening.topicality import (
    TOPIC_FEATURES,
    Embed,
    TopicalityModel,
    talks_about_discussion_or_article,
)
from netiquette.training.relevance_pairs import Pair, build_pairs, with_cross_pairs
from netiquette.training.retired import TRAINING_SETS, retired_comments

DATA = Path(__file__).resolve().parent / "data"
OUT = Path(__file__).resolve().parents[1] / "screening" / "models" / "off_topic_context_v4.json"
#: The rule generation this step calibrates (``netiquette.off_topic.context.v4``).
GENERATION = 4
#: Names of the retired blind sets in pair sources and article ids ("blind1" is ``datasets/blind``).
SET_LABELS = {"blind": "blind1"}
CROSS_WEIGHT = 0.25
#: An on-topic comment with fewer distinct content stems than this makes no cross pair.
MIN_CROSS_STEMS = 4
#: Approve zone: the negative predictive value the comments below the threshold must keep.
MIN_APPROVE_NPV = 0.97
#: The rule's factor for comments about the discussion or the article (applied before zones).
REFERENCE_FACTOR = 0.5


def more_pairs(
    rng: random.Random, file: str = "relevance_more.jsonl", source: str = "more"
) -> tuple[list[Pair], dict[str, str]]:
    """Pairs from one of our sets with the article repeated per line (``relevance_more``,
    ``relevance_third``), with cross pairs."""
    articles: dict[str, str] = {}
    own: list[Pair] = []
    if not (DATA / file).is_file():
        return [], {}
    with (DATA / file).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            art = f"{source}-{row['article_id']}"
            articles[art] = f"{row['article_title']}\n\n{row['article_text']}"
            own.append(Pair(row["text"], art, int(row["labels"]["off_topic"]), source))
    return with_cross_pairs(own, sorted(articles), rng, source), articles


def retired_blind_pairs(rng: random.Random) -> tuple[list[Pair], dict[str, str]]:
    """Pairs from the article-comment training sets (``training/retired.py``: blind sets
    retired after their one scoring, sets written as training data); every rule's comments,
    labelled for ``off_topic``. Each set's on-topic comments make cross pairs under that set's
    other articles."""
    articles: dict[str, str] = {}
    pairs: list[Pair] = []
    for name in TRAINING_SETS:
        label = SET_LABELS.get(name, name)
        own: list[Pair] = []
        own_articles: dict[str, str] = {}
        for c in retired_comments((name,)):
            art = f"{label}-{c.article}"
            if art not in own_articles:
                own_articles[art] = c.article_file.read_text(encoding="utf-8")
            own.append(Pair(c.text, art, c.labels["off_topic"], label))
        if own:
            pairs += with_cross_pairs(own, sorted(own_articles), rng, label)
            articles.update(own_articles)
    return pairs, articles


def all_pairs(examples: Path | None, seed: int = 7) -> tuple[list[Pair], dict[str, str]]:
    """Every labelled pair and the article texts, by article id.

    A comment about the discussion or the article itself ("Das sehe ich wie mein Vorredner",
    "Danke für den Artikel"), or a short reaction, is on topic under any article, so it makes
    no cross pair (:func:`generic`).
    """
    pairs, articles = build_pairs(examples, seed=seed)
    for extra, extra_articles in (
        more_pairs(random.Random(seed)),
        more_pairs(random.Random(seed), "relevance_third.jsonl", "third"),
        retired_blind_pairs(random.Random(seed)),
    ):
        pairs += extra
        articles.update(extra_articles)
    kept = [p for p in pairs if not (p.source.endswith("-cross") and generic(p.comment))]
    return kept, articles


def generic(comment: str) -> bool:
    """Is the comment on topic under any article, so that it makes no cross pair?

    A comment about the discussion or the article ("Das sehe ich wie mein Vorredner"), and a
    reaction of fewer than :data:`MIN_CROSS_STEMS` content words ("Das wurde auch Zeit!",
    "Genau so ist es."): under another article it still reacts to that one. As cross pairs
    they taught the sentence-vector columns that short reactions are off topic.
    """
    if talks_about_discussion_or_article(comment):
        return True
    return len(set(content_stems(comment))) < MIN_CROSS_STEMS


def _columns(model: TopicalityModel) -> int:
    """How many columns ``model.features_many`` returns."""
    return len(model.features) + (2 * DIM if model.reads_vectors else 0)


def feature_matrix(model: TopicalityModel, pairs: list[Pair], articles: dict[str, str]) -> Any:
    """Feature rows of all pairs, computed per article (one embedding batch each)."""
    x = np.zeros((len(pairs), _columns(model)))
    by_article: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        by_article.setdefault(p.article_id, []).append(i)
    for art, idx in track(list(by_article.items()), description="features"):
        comments = [prepare_text(pairs[i].comment) for i in idx]
        x[idx] = model.features_many(comments, articles[art])
    return x


def _oof(x: NDArray[np.float64], y: NDArray[np.int_], groups: list[str], w: Any) -> Any:
    lr = LogisticRegression(C=1.0, max_iter=5000)
    proba = cross_val_predict(
        lr,
        x,
        y,
        groups=groups,
        cv=LeaveOneGroupOut(),
        n_jobs=2,
        method="predict_proba",
        params={"sample_weight": w},
    )
    return np.asarray(proba[:, 1])


def flag_threshold(y: NDArray[np.int_], p: NDArray[np.float64]) -> float:
    """The threshold with the best cross-validated F1 (at least 5 comments flagged).

    Until v2 the flag needed 70 % precision. It decides nothing: off_topic never rejects
    (``review_only_rules``) and every comment above ``approve_below`` goes to a person
    anyway; the flag names the reason and orders the queue, so F1 is the fair aim.
    """
    best, best_f1 = 1.01, -1.0
    positives = int(y.sum())
    for t in np.unique(np.round(p, 4)):
        flagged = p >= t
        if flagged.sum() < 5:
            continue
        tp = int((flagged & (y == 1)).sum())
        f1 = 2 * tp / (int(flagged.sum()) + positives)
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def approve_threshold(y: NDArray[np.int_], p: NDArray[np.float64]) -> float:
    """The highest threshold whose approve zone keeps MIN_APPROVE_NPV negative predictive value."""
    best = 0.0
    for t in np.unique(np.round(p, 4)):
        below = p <= t
        if below.sum() >= 5 and 1.0 - y[below].mean() >= MIN_APPROVE_NPV:
            best = float(t)
    return best


def scores(y: NDArray[np.int_], p: NDArray[np.float64], flag_at: float) -> dict[str, float]:
    """ROC-AUC and, at ``flag_at``, precision, recall, F1, on-topic flagged, approve share."""
    flagged = p >= flag_at
    tp = int((flagged & (y == 1)).sum())
    precision = tp / max(int(flagged.sum()), 1)
    recall = tp / max(int((y == 1).sum()), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return {
        "n": len(y),
        "off_topic": int(y.sum()),
        "roc_auc": round(float(roc_auc_score(y, p)), 3),
        "flag_at": round(flag_at, 4),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "on_topic_flagged": round(float(flagged[y == 0].mean()), 3),
    }


def calibrate(embed: Embed | None, encoder_id: str, examples: Path | None) -> dict[str, Any]:
    """Fit, cross-validate and return the calibration record for one encoder."""
    pairs, articles = all_pairs(examples)
    model = TopicalityModel(np.zeros(0), 0.0, embed=embed, generation=GENERATION)
    x = feature_matrix(model, pairs, articles)
    y = np.array([p.off_topic for p in pairs])
    groups = [p.article_id for p in pairs]
    w = np.array([CROSS_WEIGHT if p.source.endswith("-cross") else 1.0 for p in pairs])
    real = np.array([not p.source.endswith("-cross") for p in pairs])
    report: dict[str, Any] = {}
    # As the rule scores: a comment about the discussion or the article counts half.
    factor = np.where(x[:, 7] + x[:, 8] > 0, REFERENCE_FACTOR, 1.0)
    named = len(TOPIC_FEATURES)
    variants: list[tuple[str, slice]] = [("overlap_only", slice(0, 5))]
    if model.reads_vectors:
        variants.append(("named_only", slice(0, named)))
    variants.append(("context", slice(None)))
    for name, cols in variants:
        p = _oof(x[:, cols], y, groups, w) * factor
        flag_at = flag_threshold(y[real], p[real])
        report[name] = {"all_real": scores(y[real], p[real], flag_at)}
        for source in sorted({q.source for q in pairs if not q.source.endswith("-cross")}):
            mask = np.array([q.source == source for q in pairs])
            report[name][source] = scores(y[mask], p[mask], flag_at)
        report[name]["approve_below"] = approve_threshold(y[real], p[real])
    full = LogisticRegression(C=1.0, max_iter=5000).fit(x, y, sample_weight=w)
    ctx = report["context"]
    return {
        "encoder": encoder_id,
        "generation": GENERATION,
        "features": model.record_features,
        "coef": full.coef_.ravel().round(6).tolist(),
        "bias": round(float(full.intercept_[0]), 6),
        "flag_at": ctx["all_real"]["flag_at"],
        "approve_below": ctx["approve_below"],
        "pairs": len(pairs),
        "articles": len(articles),
        "reference_factor": REFERENCE_FACTOR,
        "cross_validation": "leave-one-article-out; in-sample for patterns and prototypes",
        "report": report,
    }


def main() -> None:
    """Command line: calibrate with the shipped encoder (and without), print, optionally write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=Path("../shared/examples"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    from netiquette.screening.models.embedding import ENCODER_ID, load_encoder

    examples = args.examples if args.examples.is_dir() else None
    encoder = load_encoder()
    records = {}
    for encoder_id, embed in (
        (ENCODER_ID, encoder.encode if encoder is not None else None),
        ("none", None),
    ):
        if embed is None and encoder_id != "none":
            continue
        records[encoder_id] = calibrate(embed, encoder_id, examples)
    out = Console()
    for encoder_id, record in records.items():
        table = Table(title=f"off-topic, leave-one-article-out — encoder: {encoder_id}")
        for col in (
            "features",
            "data",
            "n",
            "off",
            "AUC",
            "flag ≥",
            "P",
            "R",
            "F1",
            "on-topic flagged",
        ):
            table.add_column(col)
        for name, per in record["report"].items():
            for data, s in per.items():
                if not isinstance(s, dict):
                    continue
                table.add_row(
                    name,
                    data,
                    str(s["n"]),
                    str(s["off_topic"]),
                    f"{s['roc_auc']:.3f}",
                    f"{s['flag_at']:.3f}",
                    f"{s['precision']:.3f}",
                    f"{s['recall']:.3f}",
                    f"{s['f1']:.3f}",
                    f"{s['on_topic_flagged']:.3f}",
                )
        out.print(table)
    if args.write:
        OUT.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        out.print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
