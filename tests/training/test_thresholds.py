from __future__ import annotations

import numpy as np

from netiquette.training.thresholds import choose_thresholds


def test_thresholds_meet_targets_on_separable_scores() -> None:
    y = np.array([0] * 50 + [1] * 50)
    p = np.r_[np.linspace(0.0, 0.4, 50), np.linspace(0.6, 1.0, 50)]
    th = choose_thresholds(y, p)
    assert th.reject_at <= 0.6 + 1e-9
    assert th.approve_below > 0.3  # the zones may reach into the other class up to the target
    assert th.precision_at_reject >= 0.95
    assert th.npv_at_approve >= 0.97
    assert th.share_auto == 1.0


def test_zones_close_when_targets_unreachable() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    p = rng.random(200)
    th = choose_thresholds(y, p)
    assert th.reject_at == 1.01
    assert th.approve_below == 0.0
    assert th.share_auto == 0.0
