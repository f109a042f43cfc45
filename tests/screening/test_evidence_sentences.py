"""The classifier's evidence sentence: found among a comment's distinct sentences, and a comment
built from hundreds of sentences costs a bounded number of classifier calls (issue 11)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from netiquette.screening.rules._models import (
    MAX_EVIDENCE_SENTENCES,
    SharedScores,
    best_sentence_spans,
)


class _Recording:
    """Scores a sentence by how many "!" it has; remembers what it was asked."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def predict(self, texts: Sequence[str]) -> dict[str, Any]:
        self.batches.append(list(texts))
        return {"aggression": np.array([t.count("!") / 10 for t in texts])}


class _Scores:
    def __init__(self) -> None:
        self.models = _Recording()


def test_the_strongest_sentence_is_the_evidence_at_its_first_occurrence() -> None:
    text = "Ganz ruhig. Ich komme vorbei!!! Ganz ruhig. Ich komme vorbei!!!"
    scores = _Scores()
    (span,) = best_sentence_spans(cast(SharedScores, scores), [text], "aggression")
    assert span is not None and text[span[0] : span[1]] == "Ich komme vorbei!!!"
    assert span[0] == text.index("Ich komme")
    # each distinct sentence went to the classifier once
    assert scores.models.batches == [["Ganz ruhig.", "Ich komme vorbei!!!"]]


def test_a_comment_of_hundreds_of_sentences_is_scored_on_a_bounded_number() -> None:
    repeated = "Lügenpresse! Gekauft! Vertuscht! " * 300
    many = " ".join(f"Satz Nummer {i}." for i in range(500))
    scores = _Scores()
    spans = best_sentence_spans(cast(SharedScores, scores), [repeated, many], "aggression")
    (batch,) = scores.models.batches
    assert len(batch) == 3 + MAX_EVIDENCE_SENTENCES
    assert spans[0] is not None and spans[1] is not None
    assert repeated[spans[0][0] : spans[0][1]] == "Lügenpresse!"
