"""Binary classification metrics, computed in plain numpy so every figure is easy to audit.

``germeval_macro_f1`` follows the GermEval 2018/2019/2021 scorers: the harmonic mean of the
macro-averaged precision and the macro-averaged recall over both classes (not the mean of the
per-class F1 scores).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


@dataclass(frozen=True, slots=True)
class BinaryMetrics:
    """Counts and scores of hard 0/1 predictions against 0/1 labels."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 0 when nothing was predicted positive."""
        return _div(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 0 when there are no positives."""
        return _div(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        """F1 of the positive class."""
        return _div(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def npv(self) -> float:
        """TN / (TN + FN): how often a negative prediction is right."""
        return _div(self.tn, self.tn + self.fn)

    @property
    def germeval_macro_f1(self) -> float:
        """Harmonic mean of macro precision and macro recall over both classes."""
        macro_p = (self.precision + self.npv) / 2
        macro_r = (self.recall + _div(self.tn, self.tn + self.fp)) / 2
        return _div(2 * macro_p * macro_r, macro_p + macro_r)

    def to_dict(self) -> dict[str, Any]:
        """Counts plus derived scores."""
        out: dict[str, Any] = asdict(self)
        for name in ("precision", "recall", "f1", "npv", "germeval_macro_f1"):
            out[name] = round(getattr(self, name), 4)
        return out


def binary_metrics(
    y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray
) -> BinaryMetrics:
    """Confusion counts of ``y_pred`` against ``y_true`` (both 0/1)."""
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    return BinaryMetrics(
        tp=int((t & p).sum()),
        fp=int((~t & p).sum()),
        fn=int((t & ~p).sum()),
        tn=int((~t & ~p).sum()),
    )


def germeval_macro_f1(
    y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray
) -> float:
    """GermEval's "Average F": harmonic mean of macro precision and macro recall."""
    return binary_metrics(y_true, y_pred).germeval_macro_f1


def roc_auc(
    y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray
) -> float | None:
    """Area under the ROC curve (ties count half); ``None`` when only one class is present."""
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=float)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=float)
    sorted_s = s[order]
    # Average ranks over ties.
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_recall_curve(
    y_true: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and thresholds, one point per distinct score (highest first)."""
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="mergesort")
    ys, ss = y[order], s[order]
    last = np.r_[ss[1:] != ss[:-1], True]
    tp = np.cumsum(ys)[last]
    n = np.arange(1, len(ys) + 1)[last]
    precision = tp / n
    recall = tp / max(int(y.sum()), 1)
    return precision, recall, ss[last]


__all__ = [
    "BinaryMetrics",
    "binary_metrics",
    "germeval_macro_f1",
    "precision_recall_curve",
    "roc_auc",
]
