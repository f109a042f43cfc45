"""Stacking the e5 logit with the TF-IDF head and choosing the approve side on held-out texts."""

from __future__ import annotations

import numpy as np

from netiquette.training.semantic.stack import (
    approve_threshold,
    cross_source_report,
    fit_stack,
    rule_report,
)


def _data(n: int = 600, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    # Two noisy views of the label; the stack should beat either alone.
    tfidf = 1 / (1 + np.exp(-(2.0 * y - 1 + rng.normal(0, 1.2, n))))
    e5 = 2.5 * y - 1.2 + rng.normal(0, 1.0, n)
    return y, tfidf, e5


def test_stack_weights_both_views_and_gives_out_of_fold_probabilities() -> None:
    y, tfidf, e5 = _data()
    fit = fit_stack(tfidf, e5, y)
    assert fit.coef[0] > 0 and fit.coef[1] > 0
    assert fit.oof.shape == y.shape and ((fit.oof >= 0) & (fit.oof <= 1)).all()
    auc_stack = rule_report(y, fit.oof, 0.5, 0.0, 1.01)["roc_auc"]
    auc_tfidf = rule_report(y, tfidf, 0.5, 0.0, 1.01)["roc_auc"]
    assert auc_stack > auc_tfidf


def test_approve_threshold_lets_at_most_the_allowed_share_of_positives_through() -> None:
    y, tfidf, e5 = _data()
    p = fit_stack(tfidf, e5, y).oof
    t = approve_threshold(y, p, max_miss=0.01)
    assert t > 0.0
    assert ((p <= t) & (y == 1)).sum() <= 0.01 * y.sum()
    # Stricter promise, lower threshold; nothing to approve when no cut keeps the promise.
    assert approve_threshold(y, p, max_miss=0.0) <= t
    assert approve_threshold(np.ones(50, dtype=int), np.linspace(0, 1, 50)) == 0.0


def test_cross_source_report_scores_each_source_with_thresholds_from_the_others() -> None:
    y, tfidf, e5 = _data(900)
    p = fit_stack(tfidf, e5, y).oof
    sources = np.array(["a", "b", "c"] * 300)
    report = cross_source_report(y, p, list(sources))
    assert set(report) == {"a", "b", "c"}
    for r in report.values():
        assert r["n"] == 300
        lo, hi = r["violations_published_ci"]
        assert lo <= r["violations_published"] <= hi
