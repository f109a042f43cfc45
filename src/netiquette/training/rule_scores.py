"""Out-of-fold *rule* scores: what the pipeline's rules would report for the training texts.

The policy compares the score a house rule reports, not the classifier's probability. For the
model-backed rules the two differ: ``insult`` lifts a comment with a clear lexicon hit into the
reject zone and caps a comment without one just below ``flag_at``; ``aggression`` does the same
with its patterns; ``off_topic`` halves the score of comments that talk about the article or are
abusive. Thresholds chosen on classifier probabilities therefore do not mean what they promise
once the rule has combined them with its evidence.

:func:`replay_text_rule` runs the rule's own combination code
(:meth:`InsultModelRule._combine`, :meth:`AggressionRule._combine`) on every training text with
its out-of-fold probability, so the policy thresholds can be chosen on the scores the pipeline
actually produces (``policy_thresholds`` in ``meta.json``; see :func:`policy_thresholds`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netiquette.screening.rules._models import Zones
from netiquette.screening.rules.aggression import AggressionConfig, make_aggression_rule
from netiquette.screening.rules.insult_model import InsultModelConfig, make_insult_model_rule
from netiquette.screening.rules.off_topic import _ARTICLE_REFERENCE, OffTopicConfig
from netiquette.training.thresholds import RuleThresholds, choose_thresholds

FloatArray = NDArray[np.float64]

#: Score variants: the shipped text rules run the TF-IDF heads (``use_encoder = false``, their
#: fallback calibration); ``encoder`` is the stacked head with the sentence encoder.
VARIANTS: tuple[str, ...] = ("tfidf", "encoder")


def _zones(th: RuleThresholds | dict[str, Any]) -> Zones:
    if isinstance(th, RuleThresholds):
        return Zones(th.reject_at, th.approve_below, th.flag_at)
    return Zones(float(th["reject_at"]), float(th["approve_below"]), float(th["flag_at"]))


def replay_text_rule(
    rule: str, texts: Sequence[str], proba: FloatArray, zones: RuleThresholds | dict[str, Any]
) -> FloatArray:
    """The score ``rule`` reports for each text, given the classifier's probability for it.

    ``zones`` are the classifier-scale thresholds the rule reads from ``meta.json``
    (``thresholds``); scores are rounded to four places as the rules round them.
    """
    z = _zones(zones)
    if rule == "insinuation":
        return np.asarray(np.round(np.asarray(proba, dtype=np.float64), 4), dtype=np.float64)
    if rule == "insult":
        combine = make_insult_model_rule(InsultModelConfig())._combine
    elif rule == "aggression":
        combine = make_aggression_rule(AggressionConfig())._combine
    else:
        raise ValueError(f"no text rule {rule!r}")
    out = np.empty(len(texts), dtype=np.float64)
    for i, (text, p) in enumerate(zip(texts, proba, strict=True)):
        result = combine(text, float(p), z)
        # None: the classifier alone is confident, the rule reports its probability.
        score = float(p) if result is None or result.score is None else result.score
        out[i] = round(score, 4)
    return out


def replay_off_topic(
    comments: Sequence[str], proba: FloatArray, offensive: FloatArray | None = None
) -> FloatArray:
    """The ``off_topic`` rule's score: ``P(off_topic)`` with its two reduction factors."""
    cfg = OffTopicConfig()
    out = np.asarray(proba, dtype=np.float64).copy()
    for i, text in enumerate(comments):
        if _ARTICLE_REFERENCE.search(text) is not None:
            out[i] *= cfg.article_reference_factor
        if offensive is not None and offensive[i] >= cfg.offensive_at:
            out[i] *= cfg.offensive_factor
    rounded: FloatArray = np.round(out, 4)
    return rounded


def policy_thresholds(
    y: NDArray[np.int_], scores: FloatArray, *, min_support: int = 10
) -> dict[str, Any]:
    """Policy zones on rule scores (≥ 95 % precision / ≥ 97 % NPV) with their CV support."""
    th = choose_thresholds(y, scores, min_support=min_support)
    reject = scores >= th.reject_at
    approve = scores < th.approve_below
    return {
        "reject_at": round(th.reject_at, 4),
        # The policy approves at score <= approve_below; scores carry four decimals, so the
        # highest approved score itself is the threshold.
        "approve_below": _approve_value(scores, th.approve_below),
        "precision_at_reject": round(th.precision_at_reject, 4),
        "npv_at_approve": round(th.npv_at_approve, 4),
        "n": len(y),
        "positives": int(np.sum(y)),
        "n_reject_zone": int(reject.sum()),
        "n_approve_zone": int(approve.sum()),
        "share_auto": round(float((reject | approve).mean()) if len(y) else 0.0, 4),
    }


def _approve_value(scores: FloatArray, approve_below: float) -> float:
    below = scores[scores < approve_below]
    return round(float(below.max()), 4) if below.size else 0.0


__all__ = ["VARIANTS", "policy_thresholds", "replay_off_topic", "replay_text_rule"]
