"""Decision thresholds per house rule, chosen on out-of-fold calibrated probabilities.

Three zones per rule: ``p >= reject_at`` → automatic rejection (precision ≥ target),
``p < approve_below`` → automatic approval for this rule (negative predictive value ≥ target),
anything between → human queue.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class RuleThresholds:
    """Where one rule's calibrated score switches between approve, review and reject."""

    reject_at: float
    approve_below: float
    flag_at: float  # best-F1 point, used for the plain yes/no flag
    precision_at_reject: float
    npv_at_approve: float
    share_auto: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``meta.json``."""
        return {k: round(float(v), 4) for k, v in asdict(self).items()}


def choose_thresholds(
    y: NDArray[np.int_],
    p: NDArray[np.float64],
    *,
    precision: float = 0.95,
    npv: float = 0.97,
    min_support: int = 10,
) -> RuleThresholds:
    """Lowest reject threshold reaching ``precision``, highest approve threshold reaching ``npv``.

    Only thresholds with at least ``min_support`` comments on the automatic side count, so a
    single lucky comment does not open an automatic zone. With no such threshold the zone is
    closed (``reject_at`` = 1.01, ``approve_below`` = 0).
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    order = np.argsort(-p)
    ys, ps = y[order], p[order]
    tp = np.cumsum(ys)
    n_top = np.arange(1, len(ys) + 1)
    prec_top = tp / n_top
    # Only cut between distinct scores.
    distinct = np.r_[ps[1:] != ps[:-1], True]
    ok = distinct & (prec_top >= precision) & (n_top >= min_support)
    # Take the lowest threshold whose whole upper zone still meets the target.
    reject_at = 1.01
    prec_r = float("nan")
    if ok.any():
        # A zone must meet the target at the cut; precision can dip and recover, so use the last ok.
        k = int(np.where(ok)[0].max())
        reject_at, prec_r = float(ps[k]), float(prec_top[k])

    asc = np.argsort(p)
    ya, pa = y[asc], p[asc]
    n_low = np.arange(1, len(ya) + 1)
    npv_low = np.cumsum(1 - ya) / n_low
    distinct_a = np.r_[pa[1:] != pa[:-1], True]
    ok_a = distinct_a & (npv_low >= npv) & (n_low >= min_support)
    approve_below = 0.0
    npv_a = float("nan")
    if ok_a.any():
        k = int(np.where(ok_a)[0].max())
        approve_below = float(np.nextafter(pa[k], 1.0))
        npv_a = float(npv_low[k])
    approve_below = min(approve_below, reject_at)

    best_f1, flag_at = -1.0, 0.5
    pos = max(int(y.sum()), 1)
    for t in np.unique(np.round(p, 3)):
        pred = p >= t
        tp_t = int((pred & (y == 1)).sum())
        f1 = 2 * tp_t / (int(pred.sum()) + pos) if pred.any() else 0.0
        if f1 > best_f1:
            best_f1, flag_at = f1, float(t)
    share = float(((p >= reject_at) | (p < approve_below)).mean())
    return RuleThresholds(reject_at, approve_below, flag_at, prec_r, npv_a, share)


__all__ = ["RuleThresholds", "choose_thresholds"]
