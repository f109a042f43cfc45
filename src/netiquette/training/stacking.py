"""Per-task stacked classifier: TF-IDF LR + sentence-embedding LR → calibrated meta LR.

Both base models are scored out-of-fold, so the meta model (a logistic regression on their logits,
which is Platt scaling when there is one base model) learns from honest predictions and its output
is a calibrated probability. A second meta model on the TF-IDF logit alone is kept as the fallback
for machines without the embedding runtime.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from netiquette.screening.models.heads import HeadModel, meta_inputs, predict_head

FloatArray = NDArray[np.float64]


@dataclass
class CrossFitResult:
    """A fitted head plus out-of-fold calibrated probabilities for its training rows."""

    head: HeadModel
    oof_proba: FloatArray
    oof_proba_fallback: FloatArray


def _lr_tfidf(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="liblinear", max_iter=200)


def _lr_dense(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="lbfgs", max_iter=500)


def _logit(model: LogisticRegression, x: sp.csr_matrix | FloatArray) -> FloatArray:
    return np.asarray(model.decision_function(x), dtype=np.float64)


def cross_fit(
    x_tfidf: sp.csr_matrix,
    y: NDArray[np.int_],
    *,
    embeddings: NDArray[np.float32] | None = None,
    extras: FloatArray | None = None,
    c_tfidf: float = 8.0,
    c_use: float = 1.0,
    folds: int = 5,
    seed: int = 13,
) -> CrossFitResult:
    """Fit the stacked head on all rows and return out-of-fold calibrated probabilities."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    oof_tfidf = np.zeros(len(y))
    oof_use = np.zeros(len(y)) if embeddings is not None else None
    for train_idx, test_idx in cv.split(np.zeros(len(y)), y):
        model = _lr_tfidf(c_tfidf).fit(x_tfidf[train_idx], y[train_idx])
        oof_tfidf[test_idx] = _logit(model, x_tfidf[test_idx])
        if embeddings is not None and oof_use is not None:
            dense = _lr_dense(c_use).fit(embeddings[train_idx], y[train_idx])
            oof_use[test_idx] = _logit(dense, embeddings[test_idx])

    meta_x = meta_inputs([oof_tfidf, oof_use], extras)
    fall_x = meta_inputs([oof_tfidf], extras)
    meta_cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + 1)
    oof_meta = cross_val_predict(_lr_dense(1.0), meta_x, y, cv=meta_cv, method="predict_proba")[
        :, 1
    ]
    oof_fall = cross_val_predict(_lr_dense(1.0), fall_x, y, cv=meta_cv, method="predict_proba")[
        :, 1
    ]
    meta = _lr_dense(1.0).fit(meta_x, y)
    fall = _lr_dense(1.0).fit(fall_x, y)

    final_tfidf = _lr_tfidf(c_tfidf).fit(x_tfidf, y)
    use_coef: NDArray[np.float32] | None = None
    use_bias = 0.0
    if embeddings is not None:
        final_use = _lr_dense(c_use).fit(embeddings, y)
        use_coef = final_use.coef_.ravel().astype(np.float32)
        use_bias = float(final_use.intercept_[0])
    head = HeadModel(
        tfidf_coef=final_tfidf.coef_.ravel().astype(np.float32),
        tfidf_bias=float(final_tfidf.intercept_[0]),
        use_coef=use_coef,
        use_bias=use_bias,
        meta_coef=meta.coef_.ravel().astype(np.float64),
        meta_bias=float(meta.intercept_[0]),
        fallback_coef=fall.coef_.ravel().astype(np.float64),
        fallback_bias=float(fall.intercept_[0]),
    )
    return CrossFitResult(head, np.asarray(oof_meta), np.asarray(oof_fall))


__all__ = ["CrossFitResult", "HeadModel", "cross_fit", "predict_head"]
