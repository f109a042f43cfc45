"""Calibrated site models and the thresholds at which they may decide alone.

A site model is only allowed to decide where its own past says it agrees with the site's
moderators. Everything here is chosen from *out-of-fold* scores of the training part (each
example scored by a model that never saw it), never from the held-back part:

- :class:`CalibratedSiteModel`: the TF-IDF pipeline and a Platt scaling of its decision
  scores fitted on out-of-fold scores, so ``predict_proba(texts)[:, 1]`` reads as "the
  probability this site rejects the text";
- :func:`best_f1_threshold`: where the answer reads "reject" in reports (maximal reject F1);
- :func:`auto_thresholds`: ``reject_above`` / ``approve_below`` such that the automatic
  decisions beyond them agree with the moderators at least ``target`` of the time.

Folds are grouped by article when the examples name articles: comments under one article share
words and often a moderator's mood, and a fold that splits an article measures the article, not
the line (on One Million Posts random folds gave ROC AUC 0.84, article-grouped ones 0.69).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FOLDS = 5
#: An automatic threshold needs at least this many out-of-fold examples decided beyond it.
MIN_AUTO = 20
#: Default agreement of automatic decisions with the moderators (setting ``site_auto_precision``).
DEFAULT_TARGET = 0.95

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class CalibratedSiteModel:
    """A fitted text pipeline whose decision scores are Platt-scaled to probabilities.

    scikit-learn compatible: ``fit(texts, y)``, ``predict_proba(texts)`` (column 1 = P(reject)),
    ``predict(texts)`` (reject at ``reject_threshold``), ``classes_``, ``get_params``.
    """

    def __init__(
        self,
        pipeline: Any = None,
        slope: float = 1.0,
        intercept: float = 0.0,
        reject_threshold: float = 0.5,
    ) -> None:
        self.pipeline = pipeline
        self.slope = slope
        self.intercept = intercept
        self.reject_threshold = reject_threshold
        self.classes_ = np.array([0, 1])

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (scikit-learn's estimator protocol)."""
        return {
            "pipeline": self.pipeline,
            "slope": self.slope,
            "intercept": self.intercept,
            "reject_threshold": self.reject_threshold,
        }

    def set_params(self, **params: Any) -> CalibratedSiteModel:
        """Set constructor parameters (scikit-learn's estimator protocol)."""
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, texts: Sequence[str], y: Sequence[int]) -> CalibratedSiteModel:
        """Fit like :func:`fit_calibrated` (random folds), keeping this object's pipeline."""
        from sklearn.base import clone

        fitted, _ = fit_calibrated(lambda: clone(self.pipeline), list(texts), np.asarray(y))
        self.pipeline, self.slope, self.intercept = fitted.pipeline, fitted.slope, fitted.intercept
        return self

    def decision_scores(self, texts: Sequence[str]) -> FloatArray:
        """The pipeline's raw decision scores (log-odds before calibration)."""
        return np.asarray(self.pipeline.decision_function(list(texts)), dtype=np.float64)

    def predict_proba(self, texts: Sequence[str]) -> FloatArray:
        """``[P(approve), P(reject)]`` per text, calibrated."""
        p = platt(self.decision_scores(texts), self.slope, self.intercept)
        return np.column_stack([1.0 - p, p])

    def predict(self, texts: Sequence[str]) -> IntArray:
        """1 (reject) where the calibrated probability reaches ``reject_threshold``."""
        return (self.predict_proba(texts)[:, 1] >= self.reject_threshold).astype(np.int64)


def platt(scores: FloatArray, slope: float, intercept: float) -> FloatArray:
    """The logistic function of ``slope * score + intercept``."""
    z = np.clip(slope * scores + intercept, -35.0, 35.0)
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def fit_platt(scores: FloatArray, y: IntArray) -> tuple[float, float]:
    """Slope and intercept of a Platt scaling fitted on (out-of-fold) scores."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, max_iter=1000).fit(scores.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def folds(y: IntArray, groups: Sequence[str] | None, k: int = FOLDS) -> list[tuple[Any, Any]]:
    """Stratified folds, grouped by article when ``groups`` is given and has enough groups."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    k = max(2, min(k, int(np.bincount(y, minlength=2).min())))
    if groups is not None and len(set(groups)) >= 4 * k:
        splitter = StratifiedGroupKFold(k, shuffle=True, random_state=0)
        return list(splitter.split(np.zeros(len(y)), y, list(groups)))
    return list(StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(len(y)), y))


def fit_calibrated(
    make_pipeline: Callable[[], Any],
    texts: list[str],
    y: IntArray,
    groups: Sequence[str] | None = None,
    step: Callable[[], None] | None = None,
) -> tuple[CalibratedSiteModel, FloatArray]:
    """Fit on all texts; return the model and the calibrated out-of-fold probabilities.

    ``step`` is called after each fold and after the final fit (a progress bar's advance).
    """
    raw = np.zeros(len(y), dtype=np.float64)
    for train_idx, test_idx in folds(y, groups):
        fold_model = make_pipeline().fit([texts[i] for i in train_idx], y[train_idx])
        raw[test_idx] = fold_model.decision_function([texts[i] for i in test_idx])
        if step is not None:
            step()
    slope, intercept = fit_platt(raw, y)
    pipeline = make_pipeline().fit(texts, y)
    if step is not None:
        step()
    return CalibratedSiteModel(pipeline, slope, intercept), platt(raw, slope, intercept)


def best_f1_threshold(scores: FloatArray, y: IntArray) -> tuple[float, float]:
    """A score from which "reject" maximises reject F1 on these examples, and that F1."""
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y[order]
    caught = np.cumsum(t)
    flagged = np.arange(1, len(s) + 1)
    f1 = 2 * caught / (flagged + t.sum())
    last_of_tie = np.r_[s[1:] != s[:-1], True]  # a threshold takes all equal scores
    f1 = np.where(last_of_tie, f1, -1.0)
    best = int(np.argmax(f1))
    # Halfway to the next lower score: the same answers on these examples, but a new comment
    # just below the last rejected one is not read as "reject" by a hair's breadth (on
    # well-separated scores the point lands in the gap, not at its upper edge).
    threshold = (s[best] + s[best + 1]) / 2 if best + 1 < len(s) else s[best]
    return float(threshold), float(f1[best])


@dataclass(frozen=True, slots=True)
class AutoThresholds:
    """Where a model decides alone, and what that meant on the examples it was chosen on."""

    approve_below: float | None
    reject_above: float | None
    target: float
    #: Share of the examples decided automatically each way, and their agreement.
    approve_share: float
    reject_share: float
    approve_agreement: float | None
    reject_agreement: float | None

    @property
    def auto_share(self) -> float:
        """Share of all examples decided without a person."""
        return self.approve_share + self.reject_share

    def as_meta(self) -> dict[str, float | None]:
        """The ``thresholds`` object of meta.json."""
        return {"approve_below": self.approve_below, "reject_above": self.reject_above}


def _largest_cut(ranked: FloatArray, agree: IntArray, target: float, min_auto: int) -> int:
    """How many of the first ``ranked`` (whole ties, already ordered) form the largest set
    agreeing ≥ ``target``, with at least ``min_auto`` members; 0 if none."""
    n = np.arange(1, len(ranked) + 1)
    precision = np.cumsum(agree) / n
    last_of_tie = np.r_[ranked[1:] != ranked[:-1], True]
    ok = (precision >= target) & (n >= min_auto) & last_of_tie
    return int(n[ok].max()) if ok.any() else 0


def auto_thresholds(
    scores: FloatArray,
    y: IntArray,
    target: float = DEFAULT_TARGET,
    min_auto: int = MIN_AUTO,
    reads_reject_at: float = 0.5,
) -> AutoThresholds:
    """``reject_above`` and ``approve_below`` whose automatic decisions agree ≥ ``target``.

    Reject side: the lowest score ``t`` such that the examples with score ≥ ``t`` were
    rejected by the moderators at least ``target`` of the time (and there are ``min_auto`` of
    them); approve side likewise for score < ``t``. None where no such set exists: then the
    model never decides that way alone. The two sides never overlap.

    The agreement is of the whole set, so its edge agrees less than the target; two limits
    keep the edge sensible: nothing is approved alone at or above ``reads_reject_at`` (where
    the model's answer reads "reject") or at a probability ≥ 0.5, and nothing is rejected alone
    below either of them.
    """
    if not 0.5 < target < 1.0:
        raise ValueError("target must lie between 0.5 and 1")
    n = len(scores)
    reject_floor, approve_cap = max(reads_reject_at, 0.5), min(reads_reject_at, 0.5)
    down = np.argsort(-scores, kind="stable")
    eligible = scores[down] >= reject_floor
    reject_n = _largest_cut(scores[down][eligible], y[down][eligible], target, min_auto)
    reject_above = float(scores[down][reject_n - 1]) if reject_n else None
    up = np.argsort(scores, kind="stable")
    eligible = scores[up] < approve_cap
    approve_n = _largest_cut(scores[up][eligible], 1 - y[up][eligible], target, min_auto)
    approve_below = None
    if approve_n:
        # Just above the approved set: the next score, or the cap when no score follows.
        rest = scores[up][approve_n:]
        approve_below = float(min(rest[0], approve_cap)) if len(rest) else approve_cap
    approved = scores < approve_below if approve_below is not None else np.zeros(n, bool)
    rejected = scores >= reject_above if reject_above is not None else np.zeros(n, bool)
    return AutoThresholds(
        approve_below=approve_below,
        reject_above=reject_above,
        target=target,
        approve_share=float(approved.mean()) if n else 0.0,
        reject_share=float(rejected.mean()) if n else 0.0,
        approve_agreement=float(1 - y[approved].mean()) if approved.any() else None,
        reject_agreement=float(y[rejected].mean()) if rejected.any() else None,
    )
