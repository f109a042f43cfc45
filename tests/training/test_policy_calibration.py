"""The policy's thresholds calibrated on article comments: the approve zone publishes at most the
target share of violations on a set it was not chosen on, the file belongs to one model version,
and the sets it reads never train a model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from netiquette.screening.models import DEFAULT_MODEL_DIR, artifacts
from netiquette.screening.pipeline import default_pipeline
from netiquette.screening.policy import (
    CALIBRATION_FILE,
    model_thresholds,
    model_zones,
    policy_calibration,
)
from netiquette.training.policy_calibration import (
    ALPHA_GRID,
    CALIBRATION_SETS,
    Scored,
    approve_thresholds,
    approved,
    choose_alpha,
    leave_one_set_out,
    quantile_threshold,
    reject_threshold,
)
from netiquette.training.retired import DATASETS, RULES, TRAINING_SETS


def test_quantile_threshold_approves_at_most_alpha_of_the_positives() -> None:
    positives = np.array([0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    assert quantile_threshold(positives, 0.0) == 0.0499  # below the lowest positive
    t = quantile_threshold(positives, 0.3)
    assert (positives <= t).sum() == 3
    assert quantile_threshold(np.array([]), 0.1) == 0.0  # no positives: nothing to go by


def _synthetic(seed: int = 3) -> Scored:
    """Three sets; clean comments score low on every rule, each violation high on its rule,
    with a few violations the models miss (low everywhere)."""
    rng = np.random.default_rng(seed)
    rows, labels, sets = [], [], []
    for name in ("a", "b", "c"):
        for i in range(400):
            rule = i % 10  # 0-4: a violation of that rule; 5-9: clean
            s = rng.uniform(0.0, 0.15, size=len(RULES))
            y = np.zeros(len(RULES), dtype=int)
            if rule < len(RULES):
                y[rule] = 1
                missed = rng.uniform() < 0.03
                s[rule] = rng.uniform(0.0, 0.15) if missed else rng.uniform(0.2, 1.0)
            rows.append(s)
            labels.append(y)
            sets.append(name)
    return Scored(np.array(rows), np.array(labels), np.array(sets))


def test_chosen_alpha_keeps_the_published_share_on_the_set_left_out() -> None:
    data = _synthetic()
    fixed = {"ad_link": 0.3}
    alpha, rows = choose_alpha(data, fixed, target=0.01)
    chosen = next(r for r in rows if r["alpha"] == alpha)
    assert chosen["published_share"] <= 0.01
    # the next larger alpha would have broken the target (or alpha is the grid's last)
    larger = [r for r in rows if r["alpha"] > alpha]
    assert not larger or larger[0]["published_share"] > 0.01
    # and the zone grows with alpha: more is approved
    shares = [r["approved_share"] for r in rows]
    assert shares == sorted(shares)
    assert len(rows) == len(ALPHA_GRID)


def test_leave_one_set_out_counts_every_comment_once() -> None:
    data = _synthetic()
    result = leave_one_set_out(data, 0.02, {"ad_link": 0.3})
    assert sum(s["n"] for s in result["per_set"].values()) == len(data.sets)
    th = approve_thresholds(data, 0.02, {"ad_link": 0.3})
    assert th["ad_link"] == 0.3 and set(th) == {*RULES}
    assert approved(data, th).sum() > 0


def test_reject_threshold_reaches_the_precision_and_never_goes_below_the_floor() -> None:
    scores = np.round(np.r_[np.linspace(0.5, 0.69, 20), np.linspace(0.7, 0.99, 30)], 4)
    y = np.r_[np.tile([1, 0], 10), np.ones(30, dtype=int)]
    t = reject_threshold(scores, y, floor=0.0)
    assert y[scores >= t].mean() >= 0.95 and (scores >= t).sum() >= 10
    lower = scores[scores < t].max()
    assert y[scores >= lower].mean() < 0.95  # the lowest such threshold
    assert reject_threshold(scores, y, floor=0.8) >= 0.8
    # too few comments in any zone that would keep the precision: closed
    assert reject_threshold(scores[:25], y[:25], floor=0.0) == 1.0


def test_the_shipped_calibration_belongs_to_the_shipped_model_and_the_policy_reads_it() -> None:
    record = policy_calibration()
    meta = artifacts.read_meta(DEFAULT_MODEL_DIR)
    assert record is not None, "re-run python -m netiquette.training.policy_calibration --write"
    assert record["model_version"] == meta["model_version"]
    assert record["leave_one_set_out"], "figures behind the choice are recorded"
    chosen = next(r for r in record["leave_one_set_out"] if r["alpha"] == record["alpha"])
    assert chosen["published_share"] <= record["target_published"] <= 0.01
    policy = default_pipeline().policy.describe()
    for rule, value in record["approve_thresholds"].items():
        assert policy["thresholds"][rule]["approve_at_or_below"] == value
        src = policy["thresholds"][rule]["source"]
        assert src.startswith((f"approve: model {CALIBRATION_FILE}", f"model {CALIBRATION_FILE}"))


def test_calibration_sets_never_train_and_their_datasheets_say_so() -> None:
    assert not set(CALIBRATION_SETS) & set(TRAINING_SETS)
    assert "blind8" not in CALIBRATION_SETS  # the set that measures this release
    for name in CALIBRATION_SETS:
        sheet = (DATASETS / name / "DATASHEET.md").read_text(encoding="utf-8")
        status = next(line for line in sheet.splitlines() if line.startswith("## Status"))
        assert "calibration" in status, (name, status)


def test_a_calibration_for_another_model_version_is_ignored(tmp_path: Path) -> None:
    shutil.copy(DEFAULT_MODEL_DIR / artifacts.META_FILE, tmp_path / artifacts.META_FILE)
    plain_reject, plain_approve = model_thresholds(str(tmp_path))
    record = {
        "model_version": "some-other-model",
        "approve_thresholds": {"insult": 0.5},
        "reject_thresholds": {"insinuation": 0.99},
    }
    (tmp_path / CALIBRATION_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert model_thresholds(str(tmp_path)) == (plain_reject, plain_approve)
    # the same file for this model version applies (reject thresholds only ever higher)
    record["model_version"] = artifacts.read_meta(tmp_path)["model_version"]
    record["reject_thresholds"] = {"insinuation": 0.99, "insult": 0.01}
    (tmp_path / CALIBRATION_FILE).write_text(json.dumps(record), encoding="utf-8")
    reject, approve = model_thresholds(str(tmp_path))
    assert approve["insult"] == 0.5 and reject["insinuation"] == 0.99
    assert reject["insult"] == plain_reject["insult"]
    # and the effective policy names the file each side really came from
    zones = model_zones(str(tmp_path))
    assert ("reject", "insinuation") in zones.calibrated
    assert ("reject", "insult") not in zones.calibrated  # lower than the model's: not taken
    assert ("approve", "insult") in zones.calibrated


@pytest.mark.parametrize("name", CALIBRATION_SETS)
def test_calibration_sets_are_article_comments_with_all_five_rules(name: str) -> None:
    rows = [
        json.loads(line)
        for line in (DATASETS / name / "comments.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(rows) >= 400
    assert all(set(RULES) <= set(r["labels"]) for r in rows)
    assert all((DATASETS / name / r["article_file"]).is_file() for r in rows)
