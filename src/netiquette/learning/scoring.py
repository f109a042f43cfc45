"""Figures of a site model on labelled examples: held-back metrics, score reference, PSI.

Shared by training (the held-back part), recalibration (recent decisions) and the drift
report (per week), so all three count the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from netiquette.learning.calibration import AutoThresholds, FloatArray, IntArray

#: Per-rule figures are reported for rules with at least this many rejections.
MIN_RULE_SUPPORT = 5
#: Bins of the score distribution kept as the training reference (for PSI).
BINS = 10


class Labelled(Protocol):
    """An example as figures need it."""

    @property
    def reject(self) -> int: ...

    @property
    def rules(self) -> tuple[str, ...]: ...


def auto_figures(
    y: IntArray, scores: FloatArray, approve_below: float | None, reject_above: float | None
) -> dict[str, Any]:
    """Share of automatic decisions at these thresholds and how often they agree."""
    n = len(y)
    approved = scores < approve_below if approve_below is not None else np.zeros(n, bool)
    rejected = scores >= reject_above if reject_above is not None else np.zeros(n, bool)
    decided = int(approved.sum() + rejected.sum())
    agreed = int((y[approved] == 0).sum() + (y[rejected] == 1).sum())
    return {
        "auto_share": round(decided / n, 4) if n else 0.0,
        "auto_approve_share": round(float(approved.mean()), 4) if n else 0.0,
        "auto_reject_share": round(float(rejected.mean()), 4) if n else 0.0,
        "auto_decisions": decided,
        "auto_agreement": round(agreed / decided, 4) if decided else None,
        "approve_agreement": round(float((y[approved] == 0).mean()), 4) if approved.any() else None,
        "reject_agreement": round(float((y[rejected] == 1).mean()), 4) if rejected.any() else None,
    }


def held_back_metrics(
    held: Sequence[Labelled], scores: FloatArray, reject_at: float, auto: AutoThresholds
) -> dict[str, Any]:
    """Metrics on the held-back part at the (out-of-fold) reject threshold and auto thresholds."""
    from sklearn.metrics import (
        average_precision_score,
        brier_score_loss,
        f1_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    truth = np.array([e.reject for e in held], dtype=np.int64)
    predicted = (scores >= reject_at).astype(np.int64)
    rejected = (
        scores >= auto.reject_above if auto.reject_above is not None else np.zeros(len(held), bool)
    )
    per_rule: dict[str, dict[str, float | int]] = {}
    for rule in sorted({r for e in held for r in e.rules}):
        idx = [i for i, e in enumerate(held) if rule in e.rules]
        if len(idx) >= MIN_RULE_SUPPORT:
            per_rule[rule] = {
                "rejections": len(idx),
                "recall": round(float(predicted[idx].mean()), 4),
                "auto_rejected": round(float(rejected[idx].mean()), 4),
            }
    return {
        "held_back": len(held),
        "held_back_rejections": int(truth.sum()),
        "threshold": round(reject_at, 6),
        "threshold_rule": "maximal reject F1 on out-of-fold scores of the training part",
        "reject_precision": round(float(precision_score(truth, predicted, zero_division=0)), 4),
        "reject_recall": round(float(recall_score(truth, predicted, zero_division=0)), 4),
        "reject_f1": round(float(f1_score(truth, predicted, zero_division=0)), 4),
        "average_precision": round(float(average_precision_score(truth, scores)), 4),
        "roc_auc": round(float(roc_auc_score(truth, scores)), 4),
        "brier": round(float(brier_score_loss(truth, scores)), 4),
        "per_rule_recall": {
            r: {k: v[k] for k in ("rejections", "recall")} for r, v in per_rule.items()
        },
        "per_rule": per_rule,
        "auto": auto_figures(truth, scores, auto.approve_below, auto.reject_above),
    }


def histogram(scores: FloatArray) -> list[float]:
    """Share of scores in each of :data:`BINS` equal bins of [0, 1]."""
    counts, _ = np.histogram(np.clip(scores, 0.0, 1.0), bins=BINS, range=(0.0, 1.0))
    total = max(int(counts.sum()), 1)
    return [round(float(c) / total, 6) for c in counts]


def score_reference(scores: FloatArray, y: IntArray, reject_at: float) -> dict[str, Any]:
    """The training period as the drift report compares with it (out-of-fold scores)."""
    return {
        "bins": BINS,
        "fractions": histogram(scores),
        "moderator_reject_rate": round(float(y.mean()), 4),
        "model_reject_rate": round(float((scores >= reject_at).mean()), 4),
        "examples": len(y),
    }


def psi(reference: Sequence[float], current: Sequence[float], floor: float = 1e-4) -> float:
    """Population stability index of two binned distributions (0 = same; > 0.2 = moved)."""
    ref = np.maximum(np.asarray(reference, dtype=np.float64), floor)
    cur = np.maximum(np.asarray(current, dtype=np.float64), floor)
    return float(np.sum((cur - ref) * np.log(cur / ref)))
