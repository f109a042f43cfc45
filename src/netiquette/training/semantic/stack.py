"""Stack the fine-tuned e5 logit with the TF-IDF head, on texts neither model trained on.

The encoder's held-out fold (``heldout.npz`` from :func:`.finetune.finetune`) carries its logits;
the TF-IDF heads' out-of-fold probabilities for the same texts come from training. A logistic
regression on ``[logit(p_tfidf), e5_logit]`` per task is the stack (it also calibrates); its own
out-of-fold probabilities on the held-out texts are what thresholds are chosen on.

Cross-source figures (:func:`cross_source_report`): for each source, thresholds are chosen on
the held-out texts of all *other* sources and scored on this one, so no figure comes from a
threshold tuned on the data it is reported on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from netiquette.evaluation.intervals import wilson
from netiquette.evaluation.metrics import binary_metrics, roc_auc
from netiquette.training.thresholds import choose_thresholds

FloatArray = NDArray[np.float64]


@dataclass
class StackFit:
    """The stack's coefficients and its out-of-fold probabilities on the held-out texts."""

    coef: tuple[float, float]
    bias: float
    oof: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``meta.json`` (``semantic.stack.<task>``)."""
        return {"coef": [round(c, 6) for c in self.coef], "bias": round(self.bias, 6)}


def _features(p_tfidf: FloatArray, e5_logit: FloatArray) -> FloatArray:
    p = np.clip(np.asarray(p_tfidf, dtype=np.float64), 1e-6, 1 - 1e-6)
    out: FloatArray = np.c_[np.log(p / (1 - p)), np.asarray(e5_logit, dtype=np.float64)]
    return out


def fit_stack(
    p_tfidf: FloatArray, e5_logit: FloatArray, y: NDArray[np.int_], seed: int = 13
) -> StackFit:
    """Logistic regression on the two logits; 5-fold out-of-fold probabilities."""
    x = _features(p_tfidf, e5_logit)
    folds = max(2, min(5, int(min(y.sum(), len(y) - y.sum()))))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    lr = LogisticRegression(C=1.0, max_iter=500)
    oof = cross_val_predict(lr, x, y, cv=cv, method="predict_proba")[:, 1]
    lr.fit(x, y)
    return StackFit((float(lr.coef_[0, 0]), float(lr.coef_[0, 1])), float(lr.intercept_[0]), oof)


def approve_threshold(
    y: NDArray[np.int_], scores: FloatArray, *, max_miss: float = 0.01, npv: float = 0.97
) -> float:
    """Highest score ``t`` such that approving ``score <= t`` lets through at most ``max_miss``
    of the positives *and* keeps ``npv`` among the approved (0.0 = nothing is approved)."""
    y = np.asarray(y, dtype=int)
    s = np.asarray(scores, dtype=float)
    best = 0.0
    pos = max(int(y.sum()), 1)
    for t in np.unique(s):
        low = s <= t
        missed = int((low & (y == 1)).sum())
        if missed / pos > max_miss:
            break
        n_low = int(low.sum())
        if n_low >= 10 and (n_low - missed) / n_low >= npv:
            best = float(t)
    return best


def rule_report(
    y: NDArray[np.int_], p: FloatArray, flag_at: float, approve_at: float, reject_at: float
) -> dict[str, Any]:
    """F1 at ``flag_at`` (Wilson intervals for precision/recall), ROC-AUC, the share approved
    and the share of positives approved (violations that would be published)."""
    y = np.asarray(y, dtype=int)
    m = binary_metrics(y, p >= flag_at)
    pos = int(y.sum())
    approved = p <= approve_at
    published = int((approved & (y == 1)).sum())
    rejected = p >= reject_at
    return {
        "n": len(y),
        "positives": pos,
        "roc_auc": round(roc_auc(y, p) or float("nan"), 4),
        "precision": round(m.precision, 4),
        "recall": round(m.recall, 4),
        "recall_ci": [round(v, 4) for v in wilson(m.tp, pos)],
        "f1": round(m.f1, 4),
        "germeval_macro_f1": round(m.germeval_macro_f1, 4),
        "share_approved": round(float(approved.mean()), 4),
        "violations_published": round(published / pos, 4) if pos else 0.0,
        "violations_published_ci": [round(v, 4) for v in wilson(published, pos)],
        "share_rejected": round(float(rejected.mean()), 4),
        "precision_rejected": round(float(y[rejected].mean()), 4) if rejected.any() else None,
    }


def cross_source_report(
    y: NDArray[np.int_], p: FloatArray, sources: Sequence[str], *, max_miss: float = 0.01
) -> dict[str, Any]:
    """Per source: thresholds chosen on the other sources' held-out texts, scored on this one."""
    src = np.asarray(sources)
    out: dict[str, Any] = {}
    for name in sorted(set(src.tolist())):
        here = src == name
        other = ~here
        if here.sum() < 20 or other.sum() < 20 or y[other].sum() < 5:
            continue
        th = choose_thresholds(y[other], p[other])
        approve = approve_threshold(y[other], p[other], max_miss=max_miss)
        out[name] = rule_report(y[here], p[here], th.flag_at, approve, th.reject_at)
    return out


__all__ = [
    "StackFit",
    "approve_threshold",
    "cross_source_report",
    "fit_stack",
    "rule_report",
]
