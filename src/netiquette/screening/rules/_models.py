"""Shared access to the trained models for the model-backed house rules.

Three rules (``insult``, ``aggression``, ``insinuation``) read the same classifier output. The
classifier is far cheaper per comment in batches, so :class:`SharedScores` remembers the last few
batches it scored: the first rule of a chunk pays for the prediction, the others reuse it. The
off-topic scores are batched per (article, parent) group.

Also here: the thresholds a rule needs from the model metadata (:func:`rule_thresholds`) and
sentence-level evidence for a classifier score with no pattern to point at
(:func:`best_sentence_spans`).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netiquette.errors import ModelError
from netiquette.screening.base import RuleResult, ScreeningInput, Span
from netiquette.screening.classifier import HouseRuleModels, load_default_models, load_models
from netiquette.screening.models import DEFAULT_MODEL_DIR

_MEMO_SIZE = 8
_MEMO: OrderedDict[tuple[Any, ...], dict[str, NDArray[np.float64]]] = OrderedDict()
_MEMO_LOCK = threading.Lock()
#: Sentence readings of recent comments (the insult and aggression rules share one).
_SENTENCE_MEMO_SIZE = 256
_SENTENCE_MEMO: OrderedDict[tuple[Any, ...], dict[str, float] | None] = OrderedDict()
#: A sentence: up to and including its end punctuation (or the end of the comment).
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?…]+|$)")


@dataclass(frozen=True, slots=True)
class Zones:
    """A rule's thresholds on the classifier's probability scale (from ``meta.json``)."""

    reject_at: float
    approve_below: float
    flag_at: float


class SharedScores:
    """The models plus a small memo of recent batch predictions.

    The memo is shared by every :class:`SharedScores` of one model directory whose text scores
    are the same: with the fine-tuned e5 encoder they do not depend on ``use_encoder`` (that
    only picks the off-topic rule's sentence encoder), so the off-topic rule's offensiveness
    input reuses the text rules' prediction instead of running the encoder a second time.
    """

    def __init__(self, models: HouseRuleModels, model_dir: str = "", use_encoder: bool = True):
        self.models = models
        self._key: tuple[str, str, bool | None] = (
            model_dir,
            models.version,
            None if models.semantic is not None else use_encoder,
        )

    def text_scores(self, texts: Sequence[str]) -> dict[str, NDArray[np.float64]]:
        """``predict(texts)``, computed once per distinct batch."""
        key = (self._key, tuple(texts))
        with _MEMO_LOCK:
            hit = _MEMO.get(key)
            if hit is not None:
                _MEMO.move_to_end(key)
                return hit
        scores = self.models.predict(list(texts))
        with _MEMO_LOCK:
            _MEMO[key] = scores
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
        return scores

    def sentence_best(self, texts: Sequence[str]) -> list[dict[str, float] | None]:
        """Per text, its most suspicious sentence's probability for each of
        :data:`SENTENCE_RULES` (None for a text of one sentence).

        The TF-IDF heads alone rank a text's distinct sentences (at most
        :data:`MAX_EVIDENCE_SENTENCES`) per rule, and the full classifier reads only the top
        one: reading every sentence with the encoder cost a fifth of screening's speed. On the
        calibration sets the top sentence was the one that lifted the comment every time (16
        of 16). The sentences of all texts not read before go through each model in one batch.
        """
        out: list[dict[str, float] | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}
        with _MEMO_LOCK:
            for i, text in enumerate(texts):
                key = (self._key, text)
                if key in _SENTENCE_MEMO:
                    _SENTENCE_MEMO.move_to_end(key)
                    out[i] = _SENTENCE_MEMO[key]
                else:
                    todo.setdefault(text, []).append(i)
        groups: dict[str, list[str]] = {}
        for text in todo:
            sentences = list(dict.fromkeys(text[a:b] for a, b in sentence_spans(text)))
            if len(sentences) > 1:
                groups[text] = sentences[:MAX_EVIDENCE_SENTENCES]
        found: dict[str, dict[str, float]] = {}
        if groups:
            flat = [sentence for sentences in groups.values() for sentence in sentences]
            lexical = self.models.lexical_predict(flat, SENTENCE_RULES)
            picks: dict[str, dict[str, str]] = {}
            start = 0
            for text, sentences in groups.items():
                stop = start + len(sentences)
                picks[text] = {
                    rule: sentences[int(np.argmax(lexical[rule][start:stop]))]
                    for rule in SENTENCE_RULES
                }
                start = stop
            chosen = list(dict.fromkeys(s for pick in picks.values() for s in pick.values()))
            probs = self.models.predict(chosen)
            row = {sentence: j for j, sentence in enumerate(chosen)}
            for text, pick in picks.items():
                found[text] = {
                    rule: float(probs[rule][row[sentence]]) for rule, sentence in pick.items()
                }
        with _MEMO_LOCK:
            for text, rows in todo.items():
                value = found.get(text)
                for i in rows:
                    out[i] = value
                _SENTENCE_MEMO[(self._key, text)] = value
            while len(_SENTENCE_MEMO) > _SENTENCE_MEMO_SIZE:
                _SENTENCE_MEMO.popitem(last=False)
        return out

    def off_topic(self, items: Sequence[ScreeningInput]) -> list[float | None]:
        """``P(off_topic)`` per comment, batched per (article, parent); None without article."""
        out: list[float | None] = [None] * len(items)
        groups: dict[tuple[str, str | None], list[int]] = {}
        for i, item in enumerate(items):
            if item.article_text and item.article_text.strip():
                groups.setdefault((item.article_text, item.parent_text), []).append(i)
        for (article, parent), idx in groups.items():
            scores = self.models.off_topic_many([items[i].text for i in idx], article, parent)
            for i, score in zip(idx, scores, strict=True):
                out[i] = score
        return out

    def zones(self, rule: str) -> Zones:
        """The CV thresholds of ``rule``; ``model_incomplete`` if the model lacks them."""
        th = self.models.thresholds.get(rule)
        if not th:
            raise ModelError(f"model has no thresholds for {rule!r}", code="model_incomplete")
        return Zones(float(th["reject_at"]), float(th["approve_below"]), float(th["flag_at"]))


@lru_cache(maxsize=4)
def shared_scores(model_dir: str = "", use_encoder: bool = True) -> SharedScores:
    """One :class:`SharedScores` per model directory ("" = the shipped default model).

    ``use_encoder=False`` runs the TF-IDF heads with their own (fallback) calibration and the
    lexical off-topic model: about twice as fast on one core, somewhat less accurate.
    """
    if not model_dir and use_encoder:
        return SharedScores(load_default_models(), model_dir, use_encoder)
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    return SharedScores(load_models(path, use_encoder=use_encoder), model_dir, use_encoder)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, trimmed of surrounding white space."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans or ([(0, len(text))] if text.strip() else [])


#: Comments shorter than this (words) are not read sentence by sentence to lift a doubtful
#: score (:meth:`ModelBackedRule.read_sentences`). On the calibration sets (houserules-10) 30
#: and 40 gave the same figures as every length (aggression F1 0.844 against 0.840, any rule
#: 0.903 / 0.902); 9 % of those comments have 30 words or more.
SENTENCE_MIN_WORDS = 30
#: ... and whose whole reading is at least this probable for the rule. On the calibration sets
#: every comment a sentence lifted had 0.056 or more under houserules-10 (19 of 20 lifts right)
#: and 0.068 under houserules-11 (16 of 16); 0.03 leaves room, and reads a quarter of the speed
#: benchmark's comments (all long) sentence by sentence under houserules-11 instead of a third.
SENTENCE_MIN_PROBABILITY = 0.03
#: The rules that may read a comment sentence by sentence (``sentence_point`` in their config).
SENTENCE_RULES: tuple[str, ...] = ("insult", "aggression")
#: Distinct sentences of one comment scored to find the classifier's evidence.
MAX_EVIDENCE_SENTENCES = 64


def best_sentence_spans(
    scores: SharedScores, texts: Sequence[str], rule: str
) -> list[tuple[int, int] | None]:
    """For each text, the sentence the classifier scores highest for ``rule``.

    Evidence for a classifier score that no pattern explains: the sentences of all texts go
    through the classifier in one batch. A one-sentence comment is its own evidence. Each
    distinct sentence of a text is scored once (its first occurrence is the evidence), and only
    the first :data:`MAX_EVIDENCE_SENTENCES` distinct ones: a comment of 900 repeated or short
    sentences cost 3.5 s of CPU here before (issue 11), and the encoder reads only the first
    few hundred tokens of a comment anyway.
    """
    flat: list[str] = []
    owners: list[tuple[int, int, int]] = []
    out: list[tuple[int, int] | None] = [None] * len(texts)
    for i, text in enumerate(texts):
        spans = sentence_spans(text)
        if len(spans) == 1:
            out[i] = spans[0]
            continue
        seen: set[str] = set()
        for start, end in spans:
            sentence = text[start:end]
            if sentence in seen:
                continue
            if len(seen) >= MAX_EVIDENCE_SENTENCES:
                break
            seen.add(sentence)
            owners.append((i, start, end))
            flat.append(sentence)
    if flat:
        probs = scores.models.predict(flat)[rule]
        best: dict[int, tuple[float, int, int]] = {}
        for (i, start, end), p in zip(owners, probs, strict=True):
            if i not in best or p > best[i][0]:
                best[i] = (float(p), start, end)
        for i, (_, start, end) in best.items():
            out[i] = (start, end)
    return out


__all__ = [
    "SENTENCE_MIN_PROBABILITY",
    "SENTENCE_MIN_WORDS",
    "SENTENCE_RULES",
    "SharedScores",
    "Zones",
    "best_sentence_spans",
    "sentence_spans",
    "shared_scores",
]


class ModelBackedRule:
    """What the model-backed rules share: the models loaded on first use, one-comment
    evaluation through the batch path, and the classifier's own evidence where no pattern or
    lexicon entry points at the words."""

    name: str
    version: str
    config: Any  # a rule config dataclass with ``model_dir`` and ``use_encoder``
    _scores: SharedScores | None = None

    @property
    def scores(self) -> SharedScores:
        """The shared models (loaded on first use)."""
        if self._scores is None:
            self._scores = shared_scores(self.config.model_dir, self.config.use_encoder)
        return self._scores

    def evaluate(self, item: ScreeningInput) -> RuleResult:
        """Score one comment."""
        return self.evaluate_many([item])[0]

    def evaluate_many(self, items: Sequence[ScreeningInput]) -> list[RuleResult]:
        """Score a batch of comments (each rule implements this)."""
        raise NotImplementedError

    def span(self, text: str, start: int, end: int, reason: str) -> Span:
        """Evidence for this rule at ``text[start:end]``."""
        return Span(self.name, start, end, text[start:end], reason)

    def classifier_results(
        self, texts: Sequence[str], probs: NDArray[np.float64], indices: Sequence[int]
    ) -> dict[int, RuleResult]:
        """Results for comments the classifier alone decides: its probability, and as
        evidence the sentence it scores highest (no flag without evidence)."""
        best = best_sentence_spans(self.scores, [texts[i] for i in indices], self.name)
        out: dict[int, RuleResult] = {}
        for i, span in zip(indices, best, strict=True):
            evidence = () if span is None else (self.span(texts[i], *span, "classifier"),)
            score = round(float(probs[i]), 4)
            out[i] = RuleResult(
                self.name, self.version, score, bool(evidence), evidence, "classifier"
            )
        return out

    def combine_many(self, items: Sequence[ScreeningInput]) -> list[RuleResult]:
        """Batch evaluation for rules that join their own evidence with the classifier:
        ``_combine`` gives a result, or None where the classifier alone is confident."""
        texts = [item.text for item in items]
        zones = self.scores.zones(self.name)
        probs = self.read_sentences(texts, self.scores.text_scores(texts)[self.name], zones)
        results = [self._combine(text, float(probs[i]), zones) for i, text in enumerate(texts)]
        confident = [i for i, r in enumerate(results) if r is None]
        for i, result in self.classifier_results(texts, probs, confident).items():
            results[i] = result
        return [r for r in results if r is not None]

    def read_sentences(
        self, texts: Sequence[str], probs: NDArray[np.float64], zones: Zones
    ) -> NDArray[np.float64]:
        """``probs``, where a sentence lifts a comment in doubt (``sentence_point`` of the
        rule's config; 1.0 or absent: never).

        A comment of several sentences whose whole reading is neither approved nor rejected is
        also read sentence by sentence: a threat or insult in one sentence of a long calm
        comment is diluted in the whole ("… reicht nicht aus. Und dem Baudezernenten hau ich
        eine rein, wenn ich ihn sehe.": whole 0.35, that sentence 0.99). A sentence lifts the
        comment only when the classifier is sure of it, ``sentence_point`` of the way from
        ``reject_at`` to 1: read out of its context a sentence is wrongly flagged more often.
        Only comments of :data:`SENTENCE_MIN_WORDS` words or more, whose whole reading is at
        least :data:`SENTENCE_MIN_PROBABILITY`, are read so: in a shorter one a sentence is not
        diluted much, and it keeps screening fast.
        """
        point = float(getattr(self.config, "sentence_point", 1.0))
        doubt = [
            i
            for i, p in enumerate(probs)
            if max(zones.approve_below, SENTENCE_MIN_PROBABILITY) <= p < zones.reject_at
            and len(texts[i].split()) >= SENTENCE_MIN_WORDS
        ]
        if point >= 1.0 or not doubt:
            return probs
        need = zones.reject_at + point * (1.0 - zones.reject_at)
        out = np.array(probs, dtype=np.float64)
        best = self.scores.sentence_best([texts[i] for i in doubt])
        for i, sentences in zip(doubt, best, strict=True):
            if sentences is not None and sentences.get(self.name, 0.0) >= need:
                out[i] = max(out[i], sentences[self.name])
        return out

    def _combine(self, text: str, p: float, zones: Zones) -> RuleResult | None:
        raise NotImplementedError
