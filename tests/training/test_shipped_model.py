"""The shipped default model loads fast and answers in the documented shape."""

from __future__ import annotations

import pytest

from netiquette.screening.classifier import TEXT_RULES, load_default_models, load_models
from netiquette.screening.models import DEFAULT_MODEL_DIR

pytestmark = pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / "meta.json").is_file(), reason="no shipped model"
)


def test_shipped_model_loads_and_predicts() -> None:
    # Load time is a benchmark figure (benchmarks/screen.py), not a test assertion.
    load_models(DEFAULT_MODEL_DIR)
    models = load_default_models()
    assert load_default_models() is models  # cached
    out = models.predict(["Du bist ein dummer Vollidiot.", "Danke für den sachlichen Bericht."])
    assert set(out) == set(TEXT_RULES)
    assert out["insult"][0] > out["insult"][1]
    assert out["reject"][0] > out["reject"][1]
    assert models.predict([])["reject"].shape == (0,)
    corpora = {c["name"] for c in models.meta["corpora"]}
    assert "one_million_posts" not in corpora


def test_shipped_model_works_without_encoder() -> None:
    models = load_models(DEFAULT_MODEL_DIR, use_encoder=False)
    p = models.predict_one("Halt die Fresse, du Arschloch.")
    assert p["insult"] > 0.5
