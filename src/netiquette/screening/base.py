"""The types every house rule speaks: what goes in, what comes out.

A house rule reads a :class:`ScreeningInput` (the comment and, where known, the article and the
parent comment) and returns one :class:`RuleResult`: a calibrated score in ``[0, 1]`` (or ``None``
when the rule could not be evaluated), a flag, and evidence spans that point into the *original*
comment text, so a moderator sees exactly which words broke which rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Outcome = Literal["approve", "reject", "review"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the original comment text that supports a rule's flag.

    ``start``/``end`` are character offsets into the original text (end exclusive), so
    ``text == comment[start:end]`` always holds.
    """

    rule: str
    start: int
    end: int
    text: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form, as the API and ``netiquette screen`` emit it."""
        return {
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ScreeningInput:
    """What a rule may look at: the comment and its context."""

    text: str
    article_text: str | None = None
    parent_text: str | None = None
    article_title: str | None = None


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One house rule's verdict on one comment."""

    rule: str
    version: str
    score: float | None
    flag: bool
    evidence: tuple[Span, ...] = ()
    reason: str = ""

    @property
    def evaluated(self) -> bool:
        """False when the rule had nothing to go on (e.g. off_topic without an article)."""
        return self.score is not None

    @classmethod
    def not_evaluated(cls, rule: str, version: str, reason: str) -> RuleResult:
        """A result that says honestly that this rule made no judgement."""
        return cls(rule=rule, version=version, score=None, flag=False, reason=reason)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "rule": self.rule,
            "version": self.version,
            "score": self.score,
            "flag": self.flag,
            "evidence": [s.to_dict() for s in self.evidence],
            "reason": self.reason,
        }


@runtime_checkable
class HouseRule(Protocol):
    """A registered screening component for one house rule."""

    name: str
    version: str

    def evaluate(self, item: ScreeningInput) -> RuleResult:
        """Score one comment."""
        ...


@dataclass(frozen=True, slots=True)
class PolicyDecision:
    """What the decision policy makes of all rule results for one comment."""

    outcome: Outcome
    priority: int
    rules: tuple[str, ...]
    policy_version: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """All rule results for one comment plus the policy's decision."""

    results: dict[str, RuleResult]
    decision: PolicyDecision
    model_versions: dict[str, str] = field(default_factory=dict)

    @property
    def flags(self) -> dict[str, bool]:
        """Per house rule: did it flag?"""
        return {name: r.flag for name, r in self.results.items()}

    @property
    def scores(self) -> dict[str, float | None]:
        """Per house rule: calibrated score, or None when not evaluated."""
        return {name: r.score for name, r in self.results.items()}

    @property
    def evidence(self) -> list[Span]:
        """All evidence spans, ordered by position in the comment."""
        spans = [s for r in self.results.values() for s in r.evidence]
        return sorted(spans, key=lambda s: (s.start, s.end, s.rule))
