"""A site model that reads the shipped rules' scores: chosen by its own past, fed without a
second screening in the server, and reported when the shipped models changed under it.

A stand-in pipeline gives the scores here (one rule that fires on a marker word), so what is
tested is the plumbing: the texts carry the scores, plain texts get them from the pipeline,
training keeps the variant with the higher out-of-fold average precision.
"""

from __future__ import annotations

import copy
import json
import pickle
import random
import zlib
from collections.abc import Sequence
from pathlib import Path

import joblib
import numpy as np
import pytest

import netiquette.screening.pipeline as pipeline_module
from netiquette.learning.artifact import load_model
from netiquette.learning.features import (
    ScoredText,
    ShippedScores,
    score_texts,
    stale_features,
    use_pipeline,
)
from netiquette.learning.site_screening import Loaded, SiteScreener
from netiquette.learning.train_site import TEXT, TEXT_SHIPPED, build_pipeline, train_site
from netiquette.screening import ScreeningInput
from netiquette.screening.base import PolicyDecision, RuleResult, ScreeningResult
from netiquette.store.db import Database
from tests.learning.noisy_site import add_examples

MARKER = "Drohwort"


def _result(insult: float) -> ScreeningResult:
    rules = {
        "insult": RuleResult("insult", "model-v1", insult, insult >= 0.5),
        "off_topic": RuleResult("off_topic", "context-v3", None, False),
    }
    return ScreeningResult(rules, PolicyDecision("review", 0, (), "thresholds-v2"))


class StandIn:
    """Scores ``insult`` 0.95 where the marker word occurs, else 0.05; counts its calls."""

    def __init__(self) -> None:
        self.screened = 0
        self.versions = {"insult": "model-v1", "aggression": "model-v1", "model": "houserules-5"}
        self.policy = None  # the shipped policy's switches do not matter here

    def insult(self, text: str) -> float:
        return 0.95 if MARKER in text else 0.05

    def screen_batch(self, items: Sequence[ScreeningInput]) -> list[ScreeningResult]:
        self.screened += len(items)
        return [_result(self.insult(i.text)) for i in items]


class HiddenSignal(StandIn):
    """Scores ``insult`` by a hash of the text: a signal no character n-gram can learn."""

    def insult(self, text: str) -> float:
        return (zlib.crc32(text.encode()) % 1000) / 1000


class Forbidden:
    """A pipeline that must not be asked (the texts carry their scores already)."""

    versions: dict[str, str] = {}  # noqa: RUF012

    def screen_batch(self, items: Sequence[ScreeningInput]) -> list[ScreeningResult]:
        raise AssertionError(f"screened {len(items)} comments a second time")


def test_plain_texts_are_scored_by_the_shipped_pipeline_scored_texts_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stand_in = StandIn()
    monkeypatch.setattr(pipeline_module, "default_pipeline", lambda: stand_in)
    columns = ShippedScores(("insult", "ad_link"))
    plain = columns.transform([f"Ein {MARKER} hier", "Alles ruhig"]).toarray()
    assert stand_in.screened == 2
    assert plain[0, 0] > 2 > -2 > plain[1, 0]  # log-odds of 0.95 and 0.05
    assert plain[0, 1] == plain[1, 1] < -4  # a rule without a score reads as "no signal"
    carried = columns.transform(score_texts(StandIn(), [f"Ein {MARKER} hier", "Alles ruhig"]))
    assert stand_in.screened == 2  # nothing screened again
    assert np.allclose(carried.toarray(), plain)


def test_a_scored_text_is_the_text_for_every_other_reader() -> None:
    text = ScoredText("Die Brücke wird saniert.", {"insult": 0.1})
    assert text == "Die Brücke wird saniert." and text.lower() == "die brücke wird saniert."
    assert text.shipped == {"insult": 0.1}


def _site(url: str, count: int, rng: random.Random, hidden: bool = False) -> None:
    """Rejections follow the marker word mostly (``hidden``: the :class:`HiddenSignal` score
    instead, which the words do not show); 10 % of the verdicts go the other way."""
    words = ["Stadtrat", "Haushalt", "Bahnhof", "Schule", "Radweg", "Markt", "Brücke"]
    pairs = []
    for n in range(count):
        marked = rng.random() < 0.3
        text = " ".join(rng.sample(words, 3)) + (f" {MARKER}" if marked else f" Nr. {n}")
        if hidden:
            marked = HiddenSignal().insult(text) >= 0.5
        pairs.append((text, int(marked if rng.random() < 0.9 else not marked)))
    db = Database(url)
    db.migrate()
    add_examples(db, "lokal", pairs)
    db.dispose()


def _trained_on_hidden_signal(tmp_path: Path, count: int, seed: int) -> tuple[str, Path]:
    """A site whose line only the shipped scores show, and its candidate (its database URL)."""
    url = f"sqlite:///{tmp_path / 'n.db'}"
    _site(url, count, random.Random(seed), hidden=True)
    with Database(url).session() as session:
        target = train_site(
            session, "lokal", tmp_path / "m", progress=False, pipeline=HiddenSignal()
        )
    return url, target


def test_training_keeps_the_variant_with_the_better_past_and_records_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    _site(url, 300, random.Random(3), hidden=True)
    signal = HiddenSignal()
    with Database(url).session() as session:
        target = train_site(session, "lokal", tmp_path / "m", progress=False, pipeline=signal)
    assert signal.screened == 300  # every example scored once, training and held-back part
    features = json.loads((target / "meta.json").read_text(encoding="utf-8"))["features"]
    ap = features["out_of_fold_average_precision"]
    assert set(ap) == {TEXT, TEXT_SHIPPED} and ap[TEXT_SHIPPED] > ap[TEXT] + 0.1
    assert features["chosen"] == TEXT_SHIPPED
    assert features["shipped_rules"] == ["insinuation", "insult", "aggression", "ad_link"]
    assert features["shipped_versions"] == {
        "insult": "model-v1",
        "aggression": "model-v1",
        "model": "houserules-5",
    }
    # Saved and loaded as the server loads it, it reads plain texts through the registered
    # pipeline and scored texts without it, with the same answer.
    model = joblib.load(target / "model.joblib")
    texts = ["Stadtrat Markt Schule Nr. 7", "Bahnhof Radweg Brücke Nr. 12"]
    carried = model.predict_proba(score_texts(HiddenSignal(), texts))[:, 1]
    use_pipeline(HiddenSignal)
    assert np.allclose(model.predict_proba(texts)[:, 1], carried)


def test_the_text_variant_alone_screens_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    _site(url, 200, random.Random(3))
    use_pipeline(Forbidden)  # any screening fails the test
    with Database(url).session() as session:
        text_only = train_site(session, "lokal", tmp_path / "t", progress=False, pipeline=False)
    meta = json.loads((text_only / "meta.json").read_text(encoding="utf-8"))
    assert meta["features"]["chosen"] == TEXT and meta["features"]["shipped_rules"] == []
    model = joblib.load(text_only / "model.joblib")
    criticism, marked = model.predict_proba(["Stadtrat Markt Schule", f"Markt {MARKER}"])[:, 1]
    assert criticism < 0.5 < marked


def test_the_server_hands_a_live_model_the_scores_it_just_computed(tmp_path: Path) -> None:
    _, target = _trained_on_hidden_signal(tmp_path, 300, 3)
    pipeline = HiddenSignal()
    screener = SiteScreener(pipeline, "lokal", tmp_path / "m")
    screener.loaded = Loaded(live=load_model(tmp_path / "m", "lokal", target.name))
    use_pipeline(Forbidden)  # a second screening of the same comments would fail
    texts = ["Stadtrat Markt Schule Nr. 7", "Bahnhof Radweg Brücke Nr. 12", f"Markt {MARKER}"]
    results = screener.screen_batch([ScreeningInput(text=t) for t in texts])
    assert pipeline.screened == 3
    expected = joblib.load(target / "model.joblib").predict_proba(
        score_texts(HiddenSignal(), texts)
    )[:, 1]
    got = [getattr(r, "reject_probability", None) for r in results]
    assert np.allclose(np.asarray(got, dtype=float), expected)


def test_a_scored_text_keeps_its_scores_through_pickle_and_copy() -> None:
    text = ScoredText("Die Brücke wird saniert.", {"insult": 0.1}, False, 7)
    for again in (pickle.loads(pickle.dumps(text)), copy.copy(text), copy.deepcopy(text)):
        assert isinstance(again, ScoredText) and again == text
        assert (again.shipped, again.flagged, again.source) == ({"insult": 0.1}, False, 7)


def test_a_model_reading_shipped_scores_follows_them() -> None:
    rng = random.Random(5)
    texts = [" ".join(rng.sample(["a", "b", "c", "d", "e", "f"], 3)) for _ in range(80)]
    y = [n % 2 for n in range(80)]  # the words say nothing; the score says everything
    scored = [
        ScoredText(t, {"insult": 0.9 if label else 0.1}) for t, label in zip(texts, y, strict=True)
    ]
    model = build_pipeline(shipped=True).fit(scored, y)
    high = ScoredText("a b c", {"insult": 0.9})
    low = ScoredText("a b c", {"insult": 0.1})
    assert model.predict_proba([high])[0, 1] > 0.8 > 0.2 > model.predict_proba([low])[0, 1]


def test_a_model_trained_on_other_shipped_versions_is_named() -> None:
    meta = {"features": {"shipped_versions": {"insult": "model-v1", "model": "houserules-5"}}}
    assert stale_features(meta, {"insult": "model-v1", "model": "houserules-6"}) == [
        "model houserules-5 → houserules-6"
    ]
    assert stale_features(meta, {"insult": "model-v1", "model": "houserules-5"}) == []
    assert stale_features({}, {"insult": "model-v2"}) == []


def test_the_guard_screens_the_held_back_examples_once(tmp_path: Path) -> None:
    from netiquette.learning.guard import pipeline_scorer
    from netiquette.learning.registry import promote

    url, target = _trained_on_hidden_signal(tmp_path, 200, 4)
    meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    assert meta["features"]["chosen"] == TEXT_SHIPPED  # the candidate reads shipped scores
    stand_in = HiddenSignal()
    use_pipeline(lambda: stand_in)  # as the server and the commands register theirs
    with Database(url).session() as session:
        done = promote(
            session,
            "lokal",
            tmp_path / "m",
            target.name,
            actor="test",
            margin=0.02,
            shipped=lambda: pipeline_scorer(stand_in),
        )
    assert done.comparison is not None and done.comparison.examples == 40
    # Both the shipped screening's answer and the candidate's features came from one pass.
    assert stand_in.screened == 40
    assert done.version == target.name
