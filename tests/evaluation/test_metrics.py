from __future__ import annotations

import math

import numpy as np
import pytest

from netiquette.evaluation.metrics import (
    binary_metrics,
    germeval_macro_f1,
    precision_recall_curve,
    roc_auc,
)


def test_binary_metrics_hand_computed() -> None:
    # TP=2, FP=1, FN=1, TN=4
    y = [1, 1, 1, 0, 0, 0, 0, 0]
    p = [1, 1, 0, 1, 0, 0, 0, 0]
    m = binary_metrics(y, p)
    assert (m.tp, m.fp, m.fn, m.tn) == (2, 1, 1, 4)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3)
    assert m.npv == pytest.approx(4 / 5)


def test_germeval_macro_f1_is_harmonic_mean_of_macro_p_and_r() -> None:
    y = [1, 1, 1, 0, 0, 0, 0, 0]
    p = [1, 1, 0, 1, 0, 0, 0, 0]
    macro_p = (2 / 3 + 4 / 5) / 2
    macro_r = (2 / 3 + 4 / 5) / 2
    assert germeval_macro_f1(y, p) == pytest.approx(2 * macro_p * macro_r / (macro_p + macro_r))
    # differs from the mean of per-class F1 when P and R differ
    y2, p2 = [1, 0, 0, 0], [1, 1, 1, 0]
    mp = (1 / 3 + 1) / 2
    mr = (1 + 1 / 3) / 2
    assert germeval_macro_f1(y2, p2) == pytest.approx(2 * mp * mr / (mp + mr))


def test_empty_predictions_do_not_divide_by_zero() -> None:
    m = binary_metrics([0, 0], [0, 0])
    assert m.precision == 0.0 and m.recall == 0.0 and m.f1 == 0.0


def test_roc_auc_hand_computed_with_ties() -> None:
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert roc_auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert roc_auc([1, 1], [0.2, 0.3]) is None


def test_roc_auc_matches_pairwise_definition() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 60)
    s = np.round(rng.random(60), 1)
    pos, neg = s[y == 1], s[y == 0]
    pairs = [(a > b) + 0.5 * (a == b) for a in pos for b in neg]
    assert roc_auc(y, s) == pytest.approx(sum(pairs) / len(pairs))


def test_precision_recall_curve_points() -> None:
    precision, recall, thresholds = precision_recall_curve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    assert list(thresholds) == [0.9, 0.8, 0.7, 0.1]
    assert list(precision) == pytest.approx([1.0, 0.5, 2 / 3, 0.5])
    assert list(recall) == pytest.approx([0.5, 0.5, 1.0, 1.0])
    assert not any(math.isnan(v) for v in precision)
