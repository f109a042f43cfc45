"""Threshold choice: automatic decisions only where the out-of-fold past agrees ≥ the target."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netiquette.learning.calibration import (
    CalibratedSiteModel,
    auto_thresholds,
    best_f1_threshold,
    fit_calibrated,
)
from netiquette.learning.train_site import build_pipeline
from tests.learning.noisy_site import comments


def test_best_f1_threshold_takes_the_cut_with_the_best_f1() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1])
    y = np.array([1, 1, 0, 1, 0, 0, 0, 0])
    threshold, f1 = best_f1_threshold(scores, y)
    # Rejecting the top 4 catches all 3 rejections with one false alarm: F1 = 6/7; the
    # threshold lies halfway between the 4th (0.6) and 5th (0.4) score.
    assert threshold == pytest.approx(0.5)
    assert f1 == pytest.approx(6 / 7)


def test_ties_are_never_split_by_a_threshold() -> None:
    scores = np.array([0.9, 0.5, 0.5, 0.5, 0.1])
    y = np.array([1, 1, 0, 0, 0])
    threshold, _ = best_f1_threshold(scores, y)
    assert threshold == pytest.approx(0.7)  # taking the 0.5s means taking all three


def test_auto_thresholds_meet_the_target_on_both_sides() -> None:
    rng = np.random.default_rng(1)
    scores = rng.random(2000)
    y = (rng.random(2000) < scores**2).astype(np.int64)  # rejections likelier at high scores
    auto = auto_thresholds(scores, y, target=0.95)
    assert auto.reject_above is not None and auto.approve_below is not None
    assert auto.approve_below <= auto.reject_above
    rejected, approved = scores >= auto.reject_above, scores < auto.approve_below
    assert y[rejected].mean() >= 0.95 and (1 - y[approved]).mean() >= 0.95
    assert auto.reject_agreement == pytest.approx(y[rejected].mean())
    assert auto.auto_share == pytest.approx((rejected.sum() + approved.sum()) / 2000)
    # The largest such sets: one example further in would miss the target.
    assert y[scores >= np.sort(scores[scores < auto.reject_above])[-1]].mean() < 0.95


def test_nothing_the_model_reads_as_reject_is_approved_alone() -> None:
    # Rejections are rare: approving everything below 0.9 would still agree 95 % overall,
    # but the comments between 0.3 and 0.9 are rejected more often than not.
    scores = np.r_[np.full(900, 0.05), np.linspace(0.3, 0.9, 60)]
    y = np.r_[np.zeros(900, np.int64), np.ones(45, np.int64), np.zeros(15, np.int64)]
    auto = auto_thresholds(scores, y, target=0.95, reads_reject_at=0.25)
    assert auto.approve_below is not None and auto.approve_below <= 0.25
    assert auto.approve_share == pytest.approx(900 / 960)
    unlimited = auto_thresholds(scores, y, target=0.95, reads_reject_at=1.0)
    assert unlimited.approve_below == 0.5  # the limit of 0.5 still holds


def test_a_side_without_enough_agreement_never_decides_alone() -> None:
    rng = np.random.default_rng(2)
    scores = rng.random(500)
    y = (rng.random(500) < 0.5).astype(np.int64)  # scores say nothing
    auto = auto_thresholds(scores, y, target=0.95)
    assert auto.reject_above is None and auto.approve_below is None
    assert auto.auto_share == 0.0
    assert auto.as_meta() == {"approve_below": None, "reject_above": None}


def test_a_target_outside_half_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="target"):
        auto_thresholds(np.array([0.1, 0.9]), np.array([0, 1]), target=1.0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=1, max_size=300),
    st.sampled_from([0.8, 0.9, 0.95]),
)
def test_whatever_the_scores_an_automatic_side_meets_the_target(
    pairs: list[tuple[int, bool]], target: float
) -> None:
    scores = np.array([s / 20 for s, _ in pairs])
    y = np.array([int(r) for _, r in pairs], dtype=np.int64)
    auto = auto_thresholds(scores, y, target=target, min_auto=5)
    if auto.reject_above is not None:
        rejected = scores >= auto.reject_above
        assert rejected.sum() >= 5 and y[rejected].mean() >= target
        assert auto.reject_above >= 0.5
    if auto.approve_below is not None:
        approved = scores < auto.approve_below
        assert (1 - y[approved]).mean() >= target and auto.approve_below <= 0.5
        if auto.reject_above is not None:
            assert not (approved & (scores >= auto.reject_above)).any()


def _calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 5) -> float:
    """Mean |probability − rejection rate| over equal-width bins, weighted by their size."""
    which = np.minimum((p * bins).astype(int), bins - 1)
    return float(
        sum(
            abs(p[which == b].mean() - y[which == b].mean()) * (which == b).mean()
            for b in range(bins)
            if (which == b).any()
        )
    )


def test_calibrated_model_gives_probabilities_that_match_the_rates() -> None:
    train = comments(600, random.Random(3))
    test = comments(600, random.Random(4))
    model, oof = fit_calibrated(
        build_pipeline, [t for t, _ in train], np.array([r for _, r in train])
    )
    assert isinstance(model, CalibratedSiteModel)
    assert oof.shape == (600,) and ((oof > 0) & (oof < 1)).all()
    p = model.predict_proba([t for t, _ in test])
    assert p.shape == (600, 2) and np.allclose(p.sum(axis=1), 1.0)
    y = np.array([r for _, r in test])
    # Calibrated: the mean probability is close to the rejection rate, and closer per score
    # range than the class-balanced pipeline's own probabilities.
    assert abs(p[:, 1].mean() - y.mean()) < 0.05
    raw = model.pipeline.predict_proba([t for t, _ in test])[:, 1]
    assert _calibration_error(p[:, 1], y) < _calibration_error(raw, y)
    assert list(model.predict([t for t, _ in test[:5]])) == [
        int(x >= model.reject_threshold) for x in p[:5, 1]
    ]
