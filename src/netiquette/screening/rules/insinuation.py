"""House rule ``insinuation`` (Unterstellung): the trained classifier plus its cue patterns.

Imputing hidden motives, bribery, lies or secret control without evidence ("wird doch von Peking
bezahlt", "gekaufte Schreiberlinge", "verschweigt euch natürlich"). No public data exists; the
classifier was trained on our own written set (see ``docs/models.md``) with the cue patterns of
:mod:`netiquette.screening.models.patterns` as features. The score is the classifier's calibrated
probability, so the CV thresholds apply unchanged. Evidence: the cue spans in the comment; when
the classifier flags without a cue, the sentence it scores highest.

The flag threshold is the larger of ``flag_at`` and ``approve_below``, so that a flagged comment is
never in the approve zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from netiquette.screening.base import RuleResult, ScreeningInput, Span
from netiquette.screening.models.patterns import cue_spans
from netiquette.screening.registry import register_rule, version_from_name
from netiquette.screening.rules._models import ModelBackedRule, best_sentence_spans

NAME = "netiquette.insinuation.model.v1"


@dataclass(frozen=True, slots=True)
class InsinuationConfig:
    """Configuration of the insinuation rule (``[rules.insinuation]`` in the TOML)."""

    model_dir: str = ""  # "" = the shipped model
    use_encoder: bool = True  # false: TF-IDF only (faster, less accurate)


class InsinuationRule(ModelBackedRule):
    """Classifier probability with cue-pattern evidence."""

    name = "insinuation"

    def __init__(self, config: InsinuationConfig) -> None:
        self.config = config
        self.version = version_from_name(NAME)

    def evaluate_many(self, items: Sequence[ScreeningInput]) -> list[RuleResult]:
        """Score a batch of comments with one classifier call."""
        texts = [item.text for item in items]
        probs = self.scores.text_scores(texts)["insinuation"]
        zones = self.scores.zones("insinuation")
        flag_at = max(zones.flag_at, zones.approve_below)
        evidence: dict[int, tuple[Span, ...]] = {}
        uncued: list[int] = []
        for i, text in enumerate(texts):
            if probs[i] < flag_at:
                continue
            spans = tuple(
                Span(self.name, s, e, text[s:e], f"cue: {cue}") for cue, s, e in cue_spans(text)
            )
            if spans:
                evidence[i] = spans
            else:
                uncued.append(i)
        if uncued:
            best = best_sentence_spans(self.scores, [texts[i] for i in uncued], "insinuation")
            for i, span in zip(uncued, best, strict=True):
                if span is not None:
                    s, e = span
                    evidence[i] = (Span(self.name, s, e, texts[i][s:e], "classifier"),)
        results = []
        for i in range(len(texts)):
            spans = evidence.get(i, ())
            reason = "; ".join(dict.fromkeys(s.reason for s in spans))
            results.append(
                RuleResult(
                    self.name, self.version, round(float(probs[i]), 4), bool(spans), spans, reason
                )
            )
        return results


@register_rule(NAME)
def make_insinuation_rule(config: InsinuationConfig) -> InsinuationRule:
    """Factory for the insinuation rule."""
    return InsinuationRule(config)
