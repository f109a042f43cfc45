from __future__ import annotations

import pytest

from netiquette.evaluation.intervals import bootstrap_f1, wilson


def test_wilson_brackets_the_proportion_and_narrows_with_n() -> None:
    lo, hi = wilson(5, 10)
    assert lo < 0.5 < hi
    lo2, hi2 = wilson(500, 1000)
    assert hi2 - lo2 < hi - lo
    # Known value: 0 of 100 → upper bound about 3.7 % (not 0: no evidence of zero).
    assert wilson(0, 100)[1] == pytest.approx(0.037, abs=0.001)
    assert wilson(0, 0) == (0.0, 1.0)


def test_bootstrap_f1_contains_the_point_estimate() -> None:
    y = [1, 1, 1, 0, 0, 0, 1, 0, 1, 0] * 5
    p = [1, 1, 0, 0, 1, 0, 1, 0, 1, 0] * 5
    lo, hi = bootstrap_f1(y, p)
    assert lo < 0.8 < hi  # F1 = 8/10
    assert bootstrap_f1([1, 1], [1, 1]) == (1.0, 1.0)
