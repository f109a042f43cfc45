"""The shipped semantic encoder: small enough for git, served without torch, and wired so that
an aggression signal never lets a comment be published automatically."""

from __future__ import annotations

import sys

import pytest

from netiquette.screening import ScreeningInput, load_pipeline
from netiquette.screening.classifier import TEXT_RULES, load_default_models
from netiquette.screening.models import DEFAULT_MODEL_DIR
from netiquette.screening.pipeline import Pipeline
from netiquette.screening.semantic.encoder import ONNX_FILE, VOCAB_FILE


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline()


def test_shipped_model_files_stay_within_the_repository_budget() -> None:
    total = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir() if p.is_file())
    assert (DEFAULT_MODEL_DIR / ONNX_FILE).is_file() and (DEFAULT_MODEL_DIR / VOCAB_FILE).is_file()
    assert total < 50 * 1024 * 1024


def test_shipped_model_runs_the_semantic_encoder_without_torch() -> None:
    models = load_default_models()
    assert models.semantic is not None
    assert "torch" not in sys.modules
    out = models.predict(["Ich bring dich um, du Ratte.", "Danke für den sachlichen Bericht."])
    assert set(out) == set(TEXT_RULES)
    assert out["aggression"][0] > out["aggression"][1]
    assert all(0.0 <= float(v) <= 1.0 for arr in out.values() for v in arr)
    # Scores per comment do not depend on the batch they come in (length-sorted batches).
    one = models.predict_one("Danke für den sachlichen Bericht.")
    assert one["aggression"] == pytest.approx(float(out["aggression"][1]), abs=1e-5)


@pytest.mark.parametrize(
    "text",
    [
        "Niemand sollte den Bürgermeister aufhängen, aber man versteht die Wut.",
        "WIR WERDEN EUCH ALLE FINDEN, IHR WERDET SCHON SEHEN!!!",
    ],
)
def test_an_aggression_signal_never_approves_automatically(pipeline: Pipeline, text: str) -> None:
    result = pipeline.screen(ScreeningInput(text))
    assert result.decision.outcome != "approve"
