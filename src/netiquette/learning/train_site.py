"""``netiquette train --site``: a candidate model from the site's own examples.

TF-IDF (word 1–2-grams and character 2–5-grams) and a class-balanced logistic regression,
predicting the site's ``reject``. The newest :data:`HELD_BACK` share of the examples, by
``decided_at``, is held back and scored once: the model is trained on the past and measured on
the future, as it will be used. The candidate is written as a versioned directory
``<models_dir>/<site>/<version>/`` with ``model.joblib``, ``meta.json`` and ``model_card.md``.
It is a candidate only: nothing screens with it yet (no promote or shadow mode).
"""

from __future__ import annotations

import json
import platform
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.progress import Progress
from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.errors import InputError
from netiquette.store.models import SiteExample, utcnow

HELD_BACK = 0.2
MIN_EXAMPLES = 50
MIN_PER_LABEL = 5
#: Per-rule recall is reported for rules with at least this many held-back rejections.
MIN_RULE_SUPPORT = 5
THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Example:
    """One example as training sees it."""

    text: str
    reject: int
    rules: tuple[str, ...]
    source: str
    decided_at: datetime


def load_examples(session: Session, site: str, since: datetime | None = None) -> list[Example]:
    """The site's examples in time order (oldest first), from ``since`` on."""
    query = select(SiteExample).where(SiteExample.site == site)
    if since is not None:
        query = query.where(SiteExample.decided_at >= since)
    query = query.order_by(SiteExample.decided_at, SiteExample.id)
    return [
        Example(r.text, int(r.label == "reject"), tuple(r.rules), r.source, r.decided_at)
        for r in session.scalars(query)
    ]


def split_by_time(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Train on the older part, hold back the newest :data:`HELD_BACK` share."""
    cut = round(len(examples) * (1 - HELD_BACK))
    train, held = examples[:cut], examples[cut:]
    for name, part in (("training", train), ("held-back", held)):
        counts = Counter(e.reject for e in part)
        if min(counts[0], counts[1]) < MIN_PER_LABEL:
            raise InputError(
                f"the {name} part has {counts[1]} rejections and {counts[0]} approvals; "
                f"each needs at least {MIN_PER_LABEL} (import or decide more)",
                field="site",
            )
    return train, held


def build_pipeline() -> Any:
    """The untrained candidate: word and character TF-IDF, balanced logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
                ),
            ),
        ]
    )
    model = LogisticRegression(class_weight="balanced", max_iter=2000, C=4.0)
    return Pipeline([("tfidf", features), ("clf", model)])


def _metrics(held: list[Example], scores: list[float]) -> dict[str, Any]:
    from sklearn.metrics import (
        average_precision_score,
        brier_score_loss,
        f1_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    truth = [e.reject for e in held]
    predicted = [int(s >= THRESHOLD) for s in scores]
    per_rule: dict[str, dict[str, float | int]] = {}
    for rule in sorted({r for e in held for r in e.rules}):
        idx = [i for i, e in enumerate(held) if rule in e.rules]
        if len(idx) >= MIN_RULE_SUPPORT:
            caught = sum(predicted[i] for i in idx)
            per_rule[rule] = {"rejections": len(idx), "recall": round(caught / len(idx), 4)}
    return {
        "held_back": len(held),
        "held_back_rejections": sum(truth),
        "threshold": THRESHOLD,
        "reject_precision": round(float(precision_score(truth, predicted, zero_division=0)), 4),
        "reject_recall": round(float(recall_score(truth, predicted, zero_division=0)), 4),
        "reject_f1": round(float(f1_score(truth, predicted, zero_division=0)), 4),
        "average_precision": round(float(average_precision_score(truth, scores)), 4),
        "roc_auc": round(float(roc_auc_score(truth, scores)), 4),
        "brier": round(float(brier_score_loss(truth, scores)), 4),
        "per_rule_recall": per_rule,
    }


def train_site(
    session: Session,
    site: str,
    models_dir: Path,
    *,
    since: datetime | None = None,
    progress: bool = True,
) -> Path:
    """Train a candidate from ``site``'s examples and write its versioned directory."""
    import joblib
    import sklearn

    examples = load_examples(session, site, since)
    if len(examples) < MIN_EXAMPLES:
        raise InputError(
            f"site {site!r} has {len(examples)} examples"
            + (f" since {since.date()}" if since else "")
            + f"; training needs at least {MIN_EXAMPLES}",
            field="site",
        )
    train, held = split_by_time(examples)
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("training", total=3)
        pipeline = build_pipeline()
        started = time.perf_counter()
        pipeline.fit([e.text for e in train], [e.reject for e in train])
        seconds = time.perf_counter() - started
        bar.advance(task)
        scores = [float(p) for p in pipeline.predict_proba([e.text for e in held])[:, 1]]
        metrics = _metrics(held, scores)
        bar.advance(task)
        trained_at = utcnow()
        version = f"{site}-{trained_at:%Y%m%d-%H%M%S}"
        target = models_dir / site / version
        if target.exists():
            raise InputError(f"model directory {target} exists already", field="out")
        target.mkdir(parents=True)
        joblib.dump(pipeline, target / "model.joblib")
        meta = {
            "model_version": version,
            "site": site,
            "kind": "site-candidate",
            "trained_at": trained_at.isoformat(),
            "since": since.isoformat() if since else None,
            "training_seconds": round(seconds, 2),
            "examples": {
                "training": len(train),
                "held_back": len(held),
                "training_rejections": sum(e.reject for e in train),
                "sources": dict(Counter(e.source for e in examples)),
                "first": examples[0].decided_at.isoformat(),
                "split_at": held[0].decided_at.isoformat(),
                "last": examples[-1].decided_at.isoformat(),
            },
            "metrics": metrics,
            "versions": {"scikit-learn": sklearn.__version__, "python": platform.python_version()},
        }
        (target / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        (target / "model_card.md").write_text(model_card(meta), encoding="utf-8")
        bar.advance(task)
    return target


def model_card(meta: dict[str, Any]) -> str:
    """The Markdown card of a site candidate."""
    ex, m = meta["examples"], meta["metrics"]
    lines = [
        f"# Site model card: {meta['model_version']}",
        "",
        f"Candidate for site `{meta['site']}`, trained {meta['trained_at']} with scikit-learn "
        f"{meta['versions']['scikit-learn']} in {meta['training_seconds']} s. "
        "Not promoted: nothing screens with it.",
        "",
        "## Data",
        "",
        f"The site's own examples (its people's verdicts and its imported history; licence: "
        f"the site's own) from {ex['first']} to {ex['last']}: {ex['training']} for training "
        f"({ex['training_rejections']} rejections), the newest {ex['held_back']} (from "
        f"{ex['split_at']}) held back. Sources: "
        + ", ".join(f"{k} {v}" for k, v in sorted(ex["sources"].items()))
        + ". No shipped corpus was added.",
        "",
        "## Model",
        "",
        "TF-IDF (word 1–2-grams, character 2–5-grams) and logistic regression with balanced "
        "class weights, predicting `reject`.",
        "",
        f"## Held-back metrics (time-ordered, threshold {m['threshold']}, not tuned)",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| held-back examples | {m['held_back']} ({m['held_back_rejections']} rejections) |",
        f"| reject precision | {m['reject_precision']} |",
        f"| reject recall | {m['reject_recall']} |",
        f"| reject F1 | {m['reject_f1']} |",
        f"| average precision | {m['average_precision']} |",
        f"| ROC AUC | {m['roc_auc']} |",
        f"| Brier score (calibration) | {m['brier']} |",
        "",
    ]
    if m["per_rule_recall"]:
        lines += ["| rule | held-back rejections | recall |", "|---|---:|---:|"]
        for rule, r in m["per_rule_recall"].items():
            lines.append(f"| {rule} | {r['rejections']} | {r['recall']} |")
        lines.append("")
    lines += [
        "The probabilities are not recalibrated and no auto-decision thresholds are set: this "
        "candidate must not decide alone.",
        "",
    ]
    return "\n".join(lines)
