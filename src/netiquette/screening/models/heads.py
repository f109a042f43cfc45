"""One house rule's stacked classifier at inference time: plain arrays, no scikit-learn.

``P = sigmoid(meta · [tfidf logit, embedding logit, extras…] + bias)``; without the embedding
runtime the fallback meta model over ``[tfidf logit, extras…]`` is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass
class HeadModel:
    """Fitted weights of one task's stacked classifier, as plain arrays."""

    tfidf_coef: NDArray[np.float32]
    tfidf_bias: float
    use_coef: NDArray[np.float32] | None
    use_bias: float
    meta_coef: NDArray[np.float64]  # over [tfidf logit, use logit?, extras...]
    meta_bias: float
    fallback_coef: NDArray[np.float64]  # over [tfidf logit, extras...]
    fallback_bias: float


def meta_inputs(parts: list[FloatArray | None], extras: FloatArray | None) -> FloatArray:
    cols = [p.reshape(-1, 1) for p in parts if p is not None]
    if extras is not None and extras.size:
        cols.append(extras)
    return np.hstack(cols)


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def predict_head(
    head: HeadModel,
    x_tfidf: sp.csr_matrix,
    embeddings: NDArray[np.float32] | None,
    extras: FloatArray | None = None,
) -> FloatArray:
    """Calibrated probabilities of one head; uses the fallback when ``embeddings`` is None."""
    z_tfidf = np.asarray(x_tfidf @ head.tfidf_coef, dtype=np.float64).ravel() + head.tfidf_bias
    if embeddings is not None and head.use_coef is not None:
        z_use = np.asarray(embeddings @ head.use_coef, dtype=np.float64) + head.use_bias
        meta_x = meta_inputs([z_tfidf, z_use], extras)
        return _sigmoid(meta_x @ head.meta_coef + head.meta_bias)
    fall_x = meta_inputs([z_tfidf], extras)
    return _sigmoid(fall_x @ head.fallback_coef + head.fallback_bias)


__all__ = ["HeadModel", "meta_inputs", "predict_head"]
