"""Retired blind sets train the text models; the set being measured never does. A fine-tuning
run is reused only when it was trained on exactly the current data and settings."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from netiquette.screening.semantic.encoder import LOGITS_VERSION
from netiquette.training.policy_calibration import CALIBRATION_SETS
from netiquette.training.retired import (
    DATASETS,
    RETIRED_SETS,
    RULES,
    TRAINING_SETS,
    WRITTEN_SETS,
    retired_comments,
)
from netiquette.training.semantic.data import (
    HELD_OUT_FOLD,
    PoolRecord,
    article_labels,
    build_pool,
    load_own_articles,
)
from netiquette.training.semantic.runs import (
    FinetuneConfig,
    ensure_run,
    pool_fingerprint,
    reusable,
)
from tests.training.conftest import write_corpus


def test_only_sets_whose_datasheet_says_so_train_the_models() -> None:
    # The calibration sets choose the policy's thresholds; the unscored sets test the releases.
    assert not {*CALIBRATION_SETS, "blind16", "blind17", "blind18"} & set(TRAINING_SETS)
    assert set(TRAINING_SETS) == {*RETIRED_SETS, *WRITTEN_SETS}
    for names, word in ((RETIRED_SETS, "retired"), (WRITTEN_SETS, "training data")):
        for name in names:
            sheet = (DATASETS / name / "DATASHEET.md").read_text(encoding="utf-8")
            status = next(line for line in sheet.splitlines() if line.startswith("## Status"))
            assert word in status, (name, status)


def test_training_comments_carry_all_five_rules_and_their_article() -> None:
    comments = retired_comments()
    assert {c.set_name for c in comments} == set(TRAINING_SETS)
    assert all(set(c.labels) == set(RULES) for c in comments)
    assert all(c.article_file.is_file() for c in comments)
    # article ids are unique across sets, so whole articles are held out together
    topics = {(c.set_name, c.article): c.topic for c in comments}
    assert len(set(topics.values())) == len(topics)


def test_article_comments_label_reject_as_insult_or_aggression() -> None:
    base = {"insinuation": 0, "insult": 0, "aggression": 0, "ad_link": 0, "off_topic": 0}
    assert article_labels({**base, "insult": 1})["reject"] == 1
    assert article_labels({**base, "aggression": 1})["reject"] == 1
    assert article_labels({**base, "insinuation": 1}) == {
        "insult": 0,
        "aggression": 0,
        "insinuation": 1,
        "reject": 0,
    }
    assert article_labels({**base, "ad_link": 1, "off_topic": 1})["reject"] == 0


def test_held_out_article_comments_are_whole_articles() -> None:
    records = load_own_articles()
    folds_by_topic: dict[str, set[int]] = {}
    for r in records:
        folds_by_topic.setdefault(r.topic, set()).add(r.fold)
    assert all(len(f) == 1 for f in folds_by_topic.values())
    assert any(f == {HELD_OUT_FOLD} for f in folds_by_topic.values())


def test_fingerprint_follows_texts_labels_and_folds() -> None:
    pool = [PoolRecord("Du Depp", "own_articles", 1, {"insult": 1}, "t")]
    same = [PoolRecord("Du Depp", "own_articles", 1, {"insult": 1}, "t")]
    relabelled = [PoolRecord("Du Depp", "own_articles", 1, {"insult": 0}, "t")]
    moved = [PoolRecord("Du Depp", "own_articles", 0, {"insult": 1}, "t")]
    assert pool_fingerprint(pool) == pool_fingerprint(same)
    assert pool_fingerprint(pool) != pool_fingerprint(relabelled)
    assert pool_fingerprint(pool) != pool_fingerprint(moved)


def _fake_run(run_dir: Path, fingerprint: str, max_seconds: float) -> None:
    run_dir.mkdir(parents=True)
    (run_dir / "run.json").write_text(
        json.dumps(
            {
                "config": asdict(FinetuneConfig(max_seconds=max_seconds)),
                "pool_fingerprint": fingerprint,
                "logits_version": LOGITS_VERSION,
            }
        ),
        encoding="utf-8",
    )
    np.savez_compressed(run_dir / "heldout.npz", logits=np.zeros((1, 4)))


def test_a_run_is_reused_only_on_the_same_data_and_settings(tmp_path: Path) -> None:
    settings = asdict(FinetuneConfig(max_seconds=60.0))
    assert not reusable(tmp_path / "none", "abc", settings)
    _fake_run(tmp_path / "run", "abc", 60.0)
    assert reusable(tmp_path / "run", "abc", settings)
    assert not reusable(tmp_path / "run", "abd", settings)
    assert not reusable(tmp_path / "run", "abc", {**settings, "max_seconds": 120.0})
    # a hyper-parameter changed in the code since the run: trained again, not reused
    assert not reusable(tmp_path / "run", "abc", {**settings, "epochs": 5.0})


def test_ensure_run_reuses_a_matching_run_without_training(tmp_path: Path) -> None:
    data = write_corpus(tmp_path / "corpus")
    run_dir = tmp_path / "e5run"
    _fake_run(run_dir, pool_fingerprint(build_pool(data)), 90.0)
    said: list[str] = []
    assert ensure_run(data, run_dir, seconds=90.0, log=said.append) == run_dir
    assert said and "reusing" in said[0]


def test_a_run_read_the_old_way_is_rescored_not_retrained(tmp_path: Path) -> None:
    import shutil

    from netiquette.screening.classifier import load_default_models
    from netiquette.screening.models import DEFAULT_MODEL_DIR
    from netiquette.screening.semantic.encoder import ONNX_FILE, VOCAB_FILE

    data = write_corpus(tmp_path / "corpus")
    run_dir = tmp_path / "e5run"
    _fake_run(run_dir, pool_fingerprint(build_pool(data)), 90.0)
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    semantic = load_default_models().semantic
    assert semantic is not None
    run.update(logits_version=1, tasks=list(semantic.tasks))
    (run_dir / "run.json").write_text(json.dumps(run), encoding="utf-8")
    shutil.copyfile(DEFAULT_MODEL_DIR / ONNX_FILE, run_dir / "encoder.onnx")
    shutil.copyfile(DEFAULT_MODEL_DIR / VOCAB_FILE, run_dir / "vocab.json")
    texts = ["Danke für den Bericht.", "Die Brücke ist seit Montag gesperrt. " * 15]
    np.savez_compressed(run_dir / "heldout.npz", logits=np.zeros((2, 4)), texts=np.array(texts))
    said: list[str] = []
    ensure_run(data, run_dir, seconds=90.0, log=said.append)
    assert any("again" in line for line in said)
    assert json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["logits_version"] == (
        LOGITS_VERSION
    )
    with np.load(run_dir / "heldout.npz") as rescored:
        assert np.allclose(rescored["logits"], semantic.logits(texts))
