"""Confidence intervals for the figures ``netiquette eval`` and training print.

``wilson`` for a proportion (precision, recall, shares); ``bootstrap_f1`` for F1, which is not a
simple proportion. Both are 95 % intervals by default.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of ``successes / n``; ``(0, 1)`` when ``n`` is 0."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def bootstrap_f1(
    y_true: NDArray[np.int_] | list[int],
    y_pred: NDArray[np.int_] | list[int],
    *,
    rounds: int = 1000,
    seed: int = 7,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the positive-class F1 (resampling comments)."""
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    n = len(t)
    if n == 0:
        return (0.0, 1.0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(rounds, n))
    tt, pp = t[idx], p[idx]
    tp = (tt & pp).sum(axis=1)
    denom = 2 * tp + (~tt & pp).sum(axis=1) + (tt & ~pp).sum(axis=1)
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    lo, hi = np.quantile(f1, [(1 - level) / 2, 1 - (1 - level) / 2])
    return (float(lo), float(hi))


__all__ = ["bootstrap_f1", "wilson"]
