"""House rule ``off_topic`` (abschweifend): no concrete reference to the article or the parent.

The relevance model (:mod:`netiquette.screening.relevance`) compares the comment with the article
body — and, for a reply, with the parent comment — on shared word stems and sentence embeddings
and returns a calibrated ``P(off_topic)``. Without an article the rule is not evaluated.

A comment that talks about the article itself ("Danke für den Artikel", "der Autor verschweigt",
"die Redaktion") refers to it even when it shares no words with the body; its score is multiplied
by ``article_reference_factor``. A comment the classifier finds abusive (``P(reject) ≥
offensive_at``) lacks topical words because it is abuse: moderators cite it for the insult or the
threat, not for straying, so its score is multiplied by ``offensive_factor``. The evidence of a
flag is the comment as a whole: what is missing is a reference, and no single word shows that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from netiquette.screening.base import RuleResult, ScreeningInput, Span
from netiquette.screening.registry import register_rule, version_from_name
from netiquette.screening.rules._models import ModelBackedRule

NAME = "netiquette.off_topic.relevance.v1"
_ARTICLE_REFERENCE = re.compile(
    r"\b(?:(?:de[nmrs]|dies\w*|im|ihr\w*|eur\w*|Ihr\w*|zum|vom) (?:Artikel|Beitrag|Bericht|Text)"
    r"|Artikels?|Autor(?:in|en)?|Redaktion|Überschrift|Schlagzeile|Journalist\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OffTopicConfig:
    """Configuration of the off-topic rule (``[rules.off_topic]`` in the TOML)."""

    model_dir: str = ""  # "" = the shipped model
    use_encoder: bool = True  # false: TF-IDF only (faster, less accurate)
    article_reference_factor: float = 0.5
    offensive_at: float = 0.6  # classifier P(reject) from which the comment counts as abuse
    offensive_factor: float = 0.5


class OffTopicRule(ModelBackedRule):
    """Relevance of a comment to its article (and parent)."""

    name = "off_topic"

    def __init__(self, config: OffTopicConfig) -> None:
        self.config = config
        self.version = version_from_name(NAME)

    def evaluate_many(self, items: Sequence[ScreeningInput]) -> list[RuleResult]:
        """Score a batch of comments, one embedding call per article."""
        probs = self.scores.off_topic(items)
        zones = self.scores.zones("off_topic")
        cfg = self.config
        offensive = None
        if any(p is not None for p in probs):
            offensive = self.scores.text_scores([item.text for item in items])["reject"]
        results = []
        for i, (item, p) in enumerate(zip(items, probs, strict=True)):
            if p is None:
                results.append(RuleResult.not_evaluated(self.name, self.version, "no article"))
                continue
            reason = ""
            mention = _ARTICLE_REFERENCE.search(item.text)
            if mention is not None:
                p *= cfg.article_reference_factor
                reason = f"refers to the article ({mention.group(0)!r})"
            if offensive is not None and offensive[i] >= cfg.offensive_at:
                p *= cfg.offensive_factor
                reason = "abusive rather than off-topic"
            flag = p >= zones.flag_at
            evidence: tuple[Span, ...] = ()
            if flag:
                start, end = _trimmed(item.text)
                reason = "no concrete reference to the article" + (
                    " or the parent comment" if item.parent_text else ""
                )
                evidence = (Span(self.name, start, end, item.text[start:end], reason),)
            results.append(RuleResult(self.name, self.version, round(p, 4), flag, evidence, reason))
        return results


def _trimmed(text: str) -> tuple[int, int]:
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@register_rule(NAME)
def make_off_topic_rule(config: OffTopicConfig) -> OffTopicRule:
    """Factory for the off-topic rule."""
    return OffTopicRule(config)
