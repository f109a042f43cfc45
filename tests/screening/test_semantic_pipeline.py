"""The shipped semantic encoder: small enough for git, served without torch, and wired so that
an aggression signal never lets a comment be published automatically."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from netiquette.errors import ModelError
from netiquette.screening import ScreeningInput, load_pipeline
from netiquette.screening.classifier import TEXT_RULES, load_default_models
from netiquette.screening.models import DEFAULT_MODEL_DIR
from netiquette.screening.pipeline import Pipeline
from netiquette.screening.semantic.encoder import (
    LOGITS_VERSION,
    MAX_IDS,
    ONNX_FILE,
    PREFIX,
    READ_TOKENS,
    VOCAB_FILE,
    load_semantic,
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline()


def test_shipped_model_files_stay_within_the_repository_budget() -> None:
    total = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir() if p.is_file())
    assert (DEFAULT_MODEL_DIR / ONNX_FILE).is_file() and (DEFAULT_MODEL_DIR / VOCAB_FILE).is_file()
    assert total < 50 * 1024 * 1024


def test_shipped_model_serves_without_torch() -> None:
    # A fresh interpreter in which importing torch fails, as on a machine without the extra.
    code = (
        "import sys\n"
        "class NoTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError('no torch here')\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "from netiquette.screening.classifier import load_default_models\n"
        "m = load_default_models(); assert m.semantic is not None\n"
        "print(round(float(m.predict(['Ich bring dich um.'])['aggression'][0]), 4))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert 0.0 <= float(done.stdout.strip().splitlines()[-1]) <= 1.0


def test_shipped_model_stacks_the_semantic_encoder() -> None:
    models = load_default_models()
    assert models.semantic is not None
    out = models.predict(["Ich bring dich um, du Ratte.", "Danke für den sachlichen Bericht."])
    assert set(out) == set(TEXT_RULES)
    assert out["aggression"][0] > out["aggression"][1]
    assert all(0.0 <= float(v) <= 1.0 for arr in out.values() for v in arr)
    # A comment's score does not depend on the batch it comes in.
    one = models.predict_one("Danke für den sachlichen Bericht.")
    assert one["aggression"] == pytest.approx(float(out["aggression"][1]), abs=1e-9)


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


def test_one_comment_runs_the_encoder_once(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four rules read the classifier (the off-topic rule for its offensiveness input): the
    # encoder, the most expensive step of screening, runs once per comment, not once per rule.
    from netiquette.screening.semantic.encoder import SemanticModel

    article = "Der Stadtrat hat die neue Buslinie 7 beschlossen."
    pipeline.screen(ScreeningInput("Guten Morgen.", article_text=article))  # loads the models
    calls: list[list[str]] = []
    run = SemanticModel.logits

    def counted(self: SemanticModel, texts: list[str]) -> object:
        calls.append(list(texts))
        return run(self, texts)

    monkeypatch.setattr(SemanticModel, "logits", counted)
    result = pipeline.screen(
        ScreeningInput("Die Linie 7 kommt viel zu spät, typisch Stadtrat.", article_text=article)
    )
    assert len(calls) == 1
    assert {"insult", "aggression", "insinuation", "off_topic"} <= {
        name for name, r in result.results.items() if r.evaluated
    }


def test_a_long_comment_is_read_to_its_end() -> None:
    semantic = load_default_models().semantic
    assert semantic is not None
    opening = "Die Sanierung der Brücke dauert länger als geplant, der Umweg kostet Zeit. " * 12
    threat = "Dem Bauamtsleiter hau ich die Fresse ein, der weiß schon warum."
    windows = semantic.windows(opening + threat)
    assert 1 < len(windows) <= 8
    assert all(len(w) == semantic.window_tokens for w in windows)
    aggression = semantic.tasks.index("aggression")
    alone, ending = semantic.logits([opening, opening + threat])[:, aggression]
    assert ending > alone  # the last sentence counts


def test_a_short_comment_is_one_window_as_before() -> None:
    semantic = load_default_models().semantic
    assert semantic is not None
    text = "Danke für den Bericht über die Brücke."
    (window,) = semantic.windows(text)
    assert window == semantic.tokenizer.encode(text, semantic.window_tokens)


def test_a_huge_comment_reads_a_bounded_number_of_windows() -> None:
    semantic = load_default_models().semantic
    assert semantic is not None
    assert len(semantic.windows("Wort " * 20_000)) == 8


def test_a_comment_of_up_to_128_tokens_is_read_whole_in_one_window() -> None:
    semantic = load_default_models().semantic
    assert semantic is not None
    assert semantic.logits_version == LOGITS_VERSION  # the shipped model is read as calibrated
    text = "Die Sanierung der Brücke dauert länger als geplant, der Umweg kostet Zeit. " * 4
    ids = semantic.tokenizer.content_ids(PREFIX + text, MAX_IDS)
    assert semantic.max_tokens < len(ids) + 2 <= READ_TOKENS  # longer than training windows
    (window,) = semantic.windows(text)
    assert window[1:-1] == ids


def test_a_model_is_read_the_way_its_thresholds_were_chosen(tmp_path: Path) -> None:
    """A model trained before windows of 128 tokens keeps reading windows of 64 (version 2);
    a version this release does not know is refused with a readable error."""
    for name in (ONNX_FILE, VOCAB_FILE):
        shutil.copyfile(DEFAULT_MODEL_DIR / name, tmp_path / name)
    semantic = load_default_models().semantic
    assert semantic is not None
    old = load_semantic(tmp_path, semantic.tasks, 64, logits_version=2)
    long_text = "Die Sanierung der Brücke dauert länger als geplant, der Umweg kostet Zeit. " * 4
    windows = old.windows(long_text)
    assert len(windows) > 1 and all(len(w) == 64 for w in windows)
    first_only = load_semantic(tmp_path, semantic.tasks, 64, logits_version=1)
    assert len(first_only.windows(long_text)) == 1
    with pytest.raises(ModelError, match="version 99"):
        load_semantic(tmp_path, semantic.tasks, 64, logits_version=99)
