"""Perspective attributes computed from netiquette's house-rule scores.

Perspective answers per *attribute* (TOXICITY, INSULT, …); netiquette scores per *house rule*
(insult, aggression, …). Each :class:`PerspectiveAttribute` names the rule scores it reads and
how it combines them. Rules that were not evaluated (score ``None``) are left out of the
combination; an attribute none of whose sources were evaluated has no score.

| attribute        | from                      | how                                         |
|------------------|---------------------------|---------------------------------------------|
| TOXICITY         | insult, aggression        | the higher                                  |
| SEVERE_TOXICITY  | insult, aggression        | max(both at once, the higher cubed)         |
| INSULT           | insult                    | as is                                       |
| PROFANITY        | insult                    | as is (the lexicon holds the vulgar words)  |
| THREAT           | aggression                | as is                                       |
| IDENTITY_ATTACK  | aggression                | as is (no dedicated model yet)              |
| INSINUATION      | insinuation               | as is (ours)                                |
| AD_LINK, SPAM    | ad_link                   | as is (ours; SPAM is Perspective's name)    |
| OFF_TOPIC        | off_topic                 | as is (ours; needs the article)             |

The pipeline reports no overall "reject" probability of its own yet; when it does, TOXICITY is the
place to read it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from netiquette.screening.base import ScreeningResult

Scores = Mapping[str, float]


def _highest(scores: Scores) -> float:
    return max(scores.values())


def _severe(scores: Scores) -> float:
    # Severe toxicity is rarer than toxicity: both kinds of abuse at once, or near-certain abuse.
    both = (
        min(scores["insult"], scores["aggression"])
        if {"insult", "aggression"} <= set(scores)
        else 0.0
    )
    return max(both, _highest(scores) ** 3)


@dataclass(frozen=True, slots=True)
class PerspectiveAttribute:
    """One attribute a client may request: which rule scores it reads and how it combines them."""

    name: str
    sources: tuple[str, ...]
    combine: Callable[[Scores], float] = _highest
    needs_article: bool = False
    ours: bool = False

    def score(self, scores: Mapping[str, float | None]) -> float | None:
        """The attribute's probability from rule scores, or None if no source was evaluated."""
        available = {s: v for s in self.sources if (v := scores.get(s)) is not None}
        if not available:
            return None
        return round(min(1.0, max(0.0, self.combine(available))), 4)


_TOXIC = ("insult", "aggression")

ATTRIBUTES: dict[str, PerspectiveAttribute] = {
    a.name: a
    for a in (
        PerspectiveAttribute("TOXICITY", _TOXIC),
        PerspectiveAttribute("SEVERE_TOXICITY", _TOXIC, _severe),
        PerspectiveAttribute("INSULT", ("insult",)),
        PerspectiveAttribute("PROFANITY", ("insult",)),
        PerspectiveAttribute("THREAT", ("aggression",)),
        PerspectiveAttribute("IDENTITY_ATTACK", ("aggression",)),
        PerspectiveAttribute("INSINUATION", ("insinuation",), ours=True),
        PerspectiveAttribute("AD_LINK", ("ad_link",), ours=True),
        PerspectiveAttribute("SPAM", ("ad_link",)),
        PerspectiveAttribute("OFF_TOPIC", ("off_topic",), needs_article=True, ours=True),
    )
}

#: Languages the attributes are scored for (the house rules are German).
SUPPORTED_LANGUAGES: tuple[str, ...] = ("de",)


def rule_scores(result: ScreeningResult) -> dict[str, float | None]:
    """Per house rule: its score, None when not evaluated."""
    return {name: r.score for name, r in result.results.items()}


def attribute_for_rule(rule: str) -> list[str]:
    """The attribute names that read ``rule``'s score."""
    return [a.name for a in ATTRIBUTES.values() if rule in a.sources]


__all__ = [
    "ATTRIBUTES",
    "SUPPORTED_LANGUAGES",
    "PerspectiveAttribute",
    "attribute_for_rule",
    "rule_scores",
]
