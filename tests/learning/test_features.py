"""A site model that reads the shipped rules' scores: chosen by its own past, fed without a
second screening in the server, and reported when the shipped models changed under it.

A stand-in pipeline gives the scores here (one rule that fires on a marker word), so what is
tested is the plumbing: the texts carry the scores, plain texts get them from the pipeline,
training keeps the variant with the higher out-of-fold average precision.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import joblib
import numpy as np
import pytest

import netiquette.screening.pipeline as pipeline_module
from netiquette.learning.features import (
    ScoredText,
    ShippedScores,
    score_texts,
    stale_features,
)
from netiquette.learning.train_site import TEXT, TEXT_SHIPPED, build_pipeline, train_site
from netiquette.screening import ScreeningInput
from netiquette.store.db import Database
from netiquette.store.models import SiteExample

MARKER = "Drohwort"


@dataclass
class _Rule:
    score: float | None


@dataclass
class _Result:
    results: dict[str, _Rule]

    @property
    def flags(self) -> dict[str, bool]:
        return {name: (r.score or 0.0) >= 0.5 for name, r in self.results.items()}


class StandIn:
    """Scores ``insult`` 0.95 where the marker word occurs, else 0.05; counts its calls."""

    def __init__(self) -> None:
        self.screened = 0
        self.versions = {"insult": "model-v1", "aggression": "model-v1", "model": "houserules-5"}

    def screen_batch(self, items: Sequence[ScreeningInput]) -> list[_Result]:
        self.screened += len(items)
        return [
            _Result({"insult": _Rule(0.95 if MARKER in i.text else 0.05), "off_topic": _Rule(None)})
            for i in items
        ]


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


def _site(url: str, count: int, rng: random.Random) -> None:
    """Rejections follow the marker word mostly; the words around it are random."""
    words = ["Stadtrat", "Haushalt", "Bahnhof", "Schule", "Radweg", "Markt", "Brücke"]
    db = Database(url)
    db.migrate()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with db.session() as session:
        for n in range(count):
            marked = rng.random() < 0.3
            text = " ".join(rng.sample(words, 3)) + (f" {MARKER}" if marked else "")
            reject = marked if rng.random() < 0.9 else not marked
            session.add(
                SiteExample(
                    site="lokal",
                    example_id=f"e{n}",
                    text=text,
                    text_sha256=f"{n:064d}",
                    label="reject" if reject else "approve",
                    rules=[],
                    source="import",
                    decided_at=start + timedelta(hours=n),
                )
            )
    db.dispose()


def test_training_keeps_the_variant_with_the_better_past_and_records_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    _site(url, 200, random.Random(3))
    stand_in = StandIn()
    with Database(url).session() as session:
        target = train_site(session, "lokal", tmp_path / "m", progress=False, pipeline=stand_in)
    assert stand_in.screened == 200  # every example scored once, training and held-back part
    features = json.loads((target / "meta.json").read_text(encoding="utf-8"))["features"]
    assert set(features["out_of_fold_average_precision"]) == {TEXT, TEXT_SHIPPED}
    best = max(features["out_of_fold_average_precision"].items(), key=lambda kv: kv[1])[0]
    assert features["chosen"] == best
    if best == TEXT_SHIPPED:
        assert features["shipped_versions"] == {
            "insult": "model-v1",
            "aggression": "model-v1",
            "model": "houserules-5",
        }
    # The text alone when asked (and nothing screened for it).
    again = StandIn()
    with Database(url).session() as session:
        text_only = train_site(session, "lokal", tmp_path / "t", progress=False, pipeline=False)
    assert again.screened == 0
    meta = json.loads((text_only / "meta.json").read_text(encoding="utf-8"))
    assert meta["features"]["chosen"] == TEXT and meta["features"]["shipped_rules"] == []
    model = joblib.load(text_only / "model.joblib")
    assert model.predict_proba(["Stadtrat Markt Schule"]).shape == (1, 2)


def test_a_model_reading_shipped_scores_follows_them(monkeypatch: pytest.MonkeyPatch) -> None:
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
    from netiquette.learning.features import use_pipeline
    from netiquette.learning.guard import pipeline_scorer
    from netiquette.learning.registry import promote

    url = f"sqlite:///{tmp_path / 'n.db'}"
    _site(url, 200, random.Random(4))
    with Database(url).session() as session:
        target = train_site(session, "lokal", tmp_path / "m", progress=False, pipeline=StandIn())
    stand_in = StandIn()
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
