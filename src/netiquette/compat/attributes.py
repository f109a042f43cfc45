"""Perspective attributes computed from netiquette's house-rule scores.

Perspective answers per *attribute* (TOXICITY, INSULT, …); netiquette scores per *house rule*.
Which rules an attribute reads comes from the rule specs: each ``[rules.<key>]`` section lists
its ``perspective_attributes`` (see docs/screening.md), and :func:`attributes_for` builds the
site's attributes from them at start-up. A rule that lists none is simply not offered to
Perspective clients; a site's new rule may list a name of its own (``PRIVATE_DATA``).

Shipped (``config/screening.toml``):

| attribute        | from                      | how                                         |
|------------------|---------------------------|---------------------------------------------|
| TOXICITY         | insult, aggression        | the higher                                  |
| SEVERE_TOXICITY  | insult, aggression        | max(two at once, the higher cubed)          |
| INSULT           | insult                    | as is                                       |
| PROFANITY        | insult                    | as is (the lexicon holds the vulgar words)  |
| THREAT           | aggression                | as is                                       |
| IDENTITY_ATTACK  | aggression                | as is (no dedicated model yet)              |
| INSINUATION      | insinuation               | as is (ours)                                |
| AD_LINK, SPAM    | ad_link                   | as is (ours; SPAM is Perspective's name)    |
| OFF_TOPIC        | off_topic                 | as is (ours; needs the article)             |

An attribute read by several rules takes the highest of their scores (SEVERE_TOXICITY: see
:func:`_severe`). Rules that were not evaluated (score ``None``) are left out of the combination;
an attribute none of whose sources were evaluated has no score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from netiquette.screening.base import ScreeningResult
from netiquette.screening.houserules import HouseRules

Scores = Mapping[str, float]


def _highest(scores: Scores) -> float:
    return max(scores.values())


def _severe(scores: Scores) -> float:
    # Severe toxicity is rarer than toxicity: two kinds of abuse at once (the second-highest
    # source), or near-certain abuse (the highest, cubed).
    ranked = sorted(scores.values(), reverse=True)
    both = ranked[1] if len(ranked) > 1 else 0.0
    return max(both, ranked[0] ** 3)


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


#: Perspective's own attribute names (others a rule lists are netiquette's, ``ours``).
GOOGLE_ATTRIBUTES = frozenset(
    {"TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT", "IDENTITY_ATTACK", "SPAM"}
)
_COMBINE: dict[str, Callable[[Scores], float]] = {"SEVERE_TOXICITY": _severe}
#: Attributes that judge a comment against its article (a request must send the article).
NEEDS_ARTICLE = frozenset({"OFF_TOPIC"})


def attributes_for(house_rules: HouseRules) -> dict[str, PerspectiveAttribute]:
    """The attributes the site's rules offer, from their specs' ``perspective_attributes``."""
    sources: dict[str, list[str]] = {}
    for spec in house_rules:
        for name in spec.perspective_attributes:
            sources.setdefault(name, []).append(spec.key)
    return {
        name: PerspectiveAttribute(
            name,
            tuple(rules),
            _COMBINE.get(name, _highest),
            needs_article=name in NEEDS_ARTICLE,
            ours=name not in GOOGLE_ATTRIBUTES,
        )
        for name, rules in sources.items()
    }


#: Languages the attributes are scored for (the house rules are German).
SUPPORTED_LANGUAGES: tuple[str, ...] = ("de",)


def rule_scores(result: ScreeningResult) -> dict[str, float | None]:
    """Per house rule: its score, None when not evaluated."""
    return {name: r.score for name, r in result.results.items()}


__all__ = [
    "GOOGLE_ATTRIBUTES",
    "SUPPORTED_LANGUAGES",
    "PerspectiveAttribute",
    "attributes_for",
    "rule_scores",
]
