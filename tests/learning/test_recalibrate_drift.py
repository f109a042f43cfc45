"""Recalibration from recent decisions, the drift report and the model card, via the CLI.

The simulated site (tests/learning/noisy_site.py) is trained on 600 decisions; then its
comment mix changes (many more harsh phrases) for the decisions that follow.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from netiquette.cli import app
from netiquette.errors import InputError, ModelError
from netiquette.learning.card import model_card
from netiquette.learning.drift import drift_report, periods_of, psi_noise
from netiquette.learning.recalibrate import load_model
from netiquette.learning.scoring import psi
from netiquette.learning.train_site import Example
from netiquette.store.db import Database
from tests.learning.noisy_site import START, add_examples, comments

SITE = "lokal"


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _trained(tmp_path: Path) -> tuple[str, Path, Path]:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    db = Database(url)
    db.migrate()
    add_examples(db, SITE, comments(600, random.Random(5)))
    db.dispose()
    models = tmp_path / "m"
    result = _run("train", "--site", SITE, "--db", url, "--out", str(models), "--no-progress")
    assert result.exit_code == 0, result.output
    [version] = list((models / SITE).iterdir())
    return url, models, version


def _meta(version: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((version / "meta.json").read_text(encoding="utf-8"))
    return data


def test_training_writes_thresholds_and_the_card_states_them(tmp_path: Path) -> None:
    _, _, version = _trained(tmp_path)
    meta = _meta(version)
    t = meta["thresholds"]
    assert set(t) == {"approve_below", "reject_above"}
    assert t["reject_above"] is not None and t["approve_below"] is not None
    assert 0 < t["approve_below"] <= t["reject_above"] < 1
    assert meta["calibration"]["auto_precision"] == 0.95
    assert 0 < meta["metrics"]["threshold"] < 1
    assert meta["metrics"]["per_rule"]["insult"]["rejections"] >= 5
    assert meta["metrics"]["auto"]["auto_decisions"] > 0
    card = (version / "model_card.md").read_text(encoding="utf-8")
    assert f"reject alone at p ≥ | {t['reject_above']:.4f}" in card
    assert f"approve alone at p < | {t['approve_below']:.4f}" in card
    share = meta["metrics"]["out_of_fold"]["auto_share"]
    assert f"| all automatic | | {100 * share:.1f} %" in card
    assert "Target agreement of automatic decisions with the moderators: 95.0 %" in card
    agreement = meta["metrics"]["auto"]["auto_agreement"]
    assert (f"agreed only {100 * agreement:.1f} %" in card) == (agreement < 0.95)


def test_recalibration_keeps_the_target_when_the_mix_changes(tmp_path: Path) -> None:
    url, models, version = _trained(tmp_path)
    before = _meta(version)["thresholds"]
    # Later decisions: a harsher mix, decided after everything the model saw.
    later = comments(600, random.Random(6), harsh_share=0.5)
    db = Database(url)
    add_examples(db, SITE, later, first=1000, start=START + timedelta(days=60))
    db.dispose()
    result = _run("recalibrate", "--site", SITE, "--db", url, "--models-dir", str(models))
    assert result.exit_code == 0, result.output
    assert "recent decisions" in result.output and "target 95%" in result.output
    meta = _meta(version)
    [entry] = meta["recalibrations"]
    assert entry["before"] == before and entry["thresholds"] == meta["thresholds"]
    assert entry["examples"] == 600 + _meta(version)["examples"]["held_back"]
    # On the recent decisions, the automatic ones agree with the moderators ≥ 95 %.
    texts, y = [t for t, _ in later], np.array([r for _, r in later])
    p = load_model(version).predict_proba(texts)[:, 1]
    t = meta["thresholds"]
    if t["reject_above"] is not None:
        assert y[p >= t["reject_above"]].mean() >= 0.9
    if t["approve_below"] is not None:
        assert (1 - y[p < t["approve_below"]]).mean() >= 0.9
    assert "Recalibrated" in (version / "model_card.md").read_text(encoding="utf-8")


def test_recalibration_without_enough_recent_decisions_is_refused(tmp_path: Path) -> None:
    url, models, version = _trained(tmp_path)
    result = _run("recalibrate", "--site", SITE, "--db", url, "--models-dir", str(models))
    assert result.exit_code != 0
    assert "recalibration needs 200" in str(result.exception)
    assert _meta(version)["recalibrations"] == []
    missing = _run("recalibrate", "--site", "anders", "--db", url, "--models-dir", str(models))
    assert missing.exit_code != 0 and "no model" in str(missing.exception)


def test_drift_report_flags_the_weeks_that_moved(tmp_path: Path) -> None:
    url, models, version = _trained(tmp_path)
    db = Database(url)
    # Two quiet weeks like the training period, then two weeks of a much harsher mix.
    start = START + timedelta(days=63)  # a Monday after the training period
    add_examples(
        db,
        SITE,
        comments(140, random.Random(7)),
        first=2000,
        start=start,
        every=timedelta(hours=2.4),
    )
    add_examples(
        db,
        SITE,
        comments(140, random.Random(8), harsh_share=0.8),
        first=3000,
        start=start + timedelta(days=14),
        every=timedelta(hours=2.4),
    )
    db.dispose()
    png = tmp_path / "drift.png"
    result = _run(
        "drift",
        "--site",
        SITE,
        "--db",
        url,
        "--models-dir",
        str(models),
        "--plot",
        str(png),
        "--check",
    )
    assert result.exit_code == 1, result.output  # --check: a period moved
    assert png.stat().st_size > 1000 and png.read_bytes()[:4] == b"\x89PNG"
    assert "2025-03-10" in result.output  # the table has a row per week
    with Database(url).session() as session:
        report = drift_report(session, SITE, version)
    weeks = {f"{p.start:%Y-%m-%d}": p for p in report.periods}
    quiet = [weeks[f"{start + timedelta(days=d):%Y-%m-%d}"] for d in (0, 7)]
    moved = [weeks[f"{start + timedelta(days=d):%Y-%m-%d}"] for d in (14, 21)]
    # Quiet weeks: neither the scores nor the moderators' rate moved. (The model's own rate
    # may sit below the moderators' on this noisy site: at its best-F1 point it rejects the
    # comments with two harsh phrases or more, about 22 %, where the moderators reject 35 %;
    # a week whose moderators happen to reject more shows that standing gap.)
    assert all(p.decisions == 70 for p in quiet)
    assert not [f for p in quiet for f in p.flags if not f.startswith("model rejects")]
    assert all(any("scores moved" in f for f in p.flags) for p in moved)
    assert all(p.moderator_reject_rate > 0.6 for p in moved)


def test_periods_with_few_decisions_are_never_flagged() -> None:
    reference = {"fractions": [0.1] * 10, "moderator_reject_rate": 0.1}
    examples = [Example(f"t{n}", 1, (), "import", START + timedelta(days=n % 3)) for n in range(12)]
    [period] = periods_of(examples, [0.99] * 12, reference, 0.5)
    assert period.decisions == 12 and period.moderator_reject_rate == 1.0
    assert period.psi > 1 and period.flags == ()
    many = [Example(f"t{n}", 1, (), "import", START) for n in range(40)]
    [flagged] = periods_of(many, [0.99] * 40, reference, 0.5)
    assert len(flagged.flags) == 2  # scores moved, moderators reject far more


def test_broken_models_and_bad_options_end_with_one_readable_error(tmp_path: Path) -> None:
    url, models, version = _trained(tmp_path)
    base = ["--site", SITE, "--db", url, "--models-dir", str(models)]
    zero = _run("drift", *base, "--days", "0")
    assert isinstance(zero.exception, InputError) and "--days" in zero.exception.message
    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    plot = _run("drift", *base, "--plot", str(blocked / "drift.png"))
    assert isinstance(plot.exception, InputError) and plot.exception.field == "plot"
    (version / "model.joblib").write_bytes(b"not a model")
    broken = _run("drift", *base)
    assert isinstance(broken.exception, ModelError) and "model.joblib" in broken.exception.message
    (version / "meta.json").write_text("{", encoding="utf-8")
    meta = _run("recalibrate", *base)
    assert isinstance(meta.exception, ModelError) and "meta.json" in meta.exception.message


def test_the_card_warns_when_held_back_agreement_misses_the_target(tmp_path: Path) -> None:
    _, _, version = _trained(tmp_path)
    meta = _meta(version)
    meta["metrics"]["auto"]["auto_agreement"] = 0.803
    card = model_card(meta)
    assert "**Warning:** on the held-back part the automatic decisions agreed only 80.3 %" in card
    meta["metrics"]["auto"]["auto_agreement"] = 0.97
    assert "Warning" not in model_card(meta)


def test_recalibration_and_drift_default_to_the_live_model(
    tmp_path: Path, monkeypatch: Any
) -> None:
    url, models, live = _trained(tmp_path)
    monkeypatch.setenv("NETIQUETTE_MODELS_DIR", str(models))
    promoted = _run("models", "promote", "--site", SITE, live.name, "--force", "--db", url)
    assert promoted.exit_code == 0, promoted.output
    # A newer candidate, trained after the promotion and not promoted: not the one to touch.
    newer = _run("train", "--site", SITE, "--db", url, "--out", str(models), "--no-progress")
    assert newer.exit_code == 0, newer.output
    assert len(list((models / SITE).iterdir())) == 2
    db = Database(url)
    later = comments(600, random.Random(6), harsh_share=0.5)
    add_examples(db, SITE, later, first=1000, start=START + timedelta(days=60))
    db.dispose()
    # Neither --version nor --models-dir: the live model, found through the models_dir setting.
    result = _run("recalibrate", "--site", SITE, "--db", url)
    assert result.exit_code == 0, result.output
    assert live.name in result.output
    recalibrated = [v.name for v in (models / SITE).iterdir() if _meta(v).get("recalibrations")]
    assert recalibrated == [live.name]
    drift = _run("drift", "--site", SITE, "--db", url, "--days", "30")
    assert drift.exit_code == 0, drift.output
    assert live.name in drift.output


def test_the_psi_allowance_covers_what_sampling_gives_in_99_of_100_periods() -> None:
    rng = np.random.default_rng(3)
    reference = np.full(10, 0.1)
    n = 200
    # n scores drawn from the reference itself: their PSI exceeds the allowance about 1 in 100
    psis = [psi(reference, rng.multinomial(n, reference) / n) for _ in range(4000)]
    exceeded = float(np.mean([p > psi_noise(n) for p in psis]))
    assert 0.002 < exceeded < 0.025
    assert psi_noise(70) == pytest.approx(0.31, abs=0.01)
