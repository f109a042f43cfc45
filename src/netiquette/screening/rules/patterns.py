"""``netiquette.patterns.v1``: a house rule declared in TOML as a list of regular expressions.

A site declares a rule without code::

    [rules.private_data]
    component = "netiquette.patterns.v1"
    patterns = ['(?i)\\b(?:tel\\.?|telefon|handy)\\s*:?\\s*\\+?[0-9][0-9 /-]{6,}[0-9]']
    label = { de = "Private Daten", en = "Private data" }
    ...

Every match of every pattern is an evidence span (offsets into the original comment); a comment
with at least one match is flagged and gets ``score``, one without gets 0.0. The default score,
0.5, lies between the policy's default thresholds (approve ≤ 0.3, reject ≥ 0.7): a match sends
the comment to a human, who cites the rule. Nobody has measured a new rule's patterns, so they
do not reject on their own; a site that has checked them on its own comments sets
``score = 1.0`` (rejected automatically where ``auto_reject`` is on) or tunes the rule's
thresholds under ``[policy.reject_thresholds]``. The patterns are compiled once, when the
pipeline is built; an invalid one is a start-up error naming the rule and the pattern (``E113``).

Patterns run on the comment as written (Python ``re`` syntax; add ``(?i)`` for case-insensitive
matching). Python's ``re`` backtracks, so a pattern with nested repetition such as ``(a+)+`` can
take exponential time on a crafted comment; there is no timeout. Two guards: patterns with a
repeated group that itself repeats without bound are refused at start-up, and only the first
``max_chars`` characters of a comment are searched (default 10,000, the default
``max_comment_chars``). The first guard is a heuristic (it misses overlapping alternatives under
a repeat such as ``(a|aa)+``): write patterns without nested repetition or overlapping
alternatives, and bound repeats (``{6,40}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netiquette.errors import ConfigError
from netiquette.screening.base import RuleResult, ScreeningInput, Span
from netiquette.screening.registry import register_rule, version_from_name

NAME = "netiquette.patterns.v1"
#: At most this many evidence spans per comment (a wall of phone numbers needs no more).
MAX_SPANS = 20
# A group that contains an unbounded repeat and is itself repeated without bound: "(a+)+",
# "(?:\w*\s?)*". Not a full analysis; it catches the classic catastrophic shapes.
_NESTED_REPEAT = re.compile(r"\([^()]*(?:[+*]|,\})[^()]*\)(?:[+*]|\{\d*,\})")


@dataclass(frozen=True, slots=True)
class PatternsConfig:
    """A pattern rule: which rule it scores (set by the pipeline), its patterns and score."""

    house_rule: str = ""
    patterns: tuple[str, ...] = ()
    score: float = 0.5
    reason: str = "pattern matched"
    max_chars: int = 10_000


class PatternRule:
    """Flags a comment when any of its patterns matches; every match is evidence."""

    def __init__(self, config: PatternsConfig) -> None:
        where = f"rules.{config.house_rule}"
        if not config.patterns:
            raise ConfigError(
                f"[{where}] patterns: give at least one regular expression",
                field=f"{where}.patterns",
                code="invalid_pattern",
            )
        if not 0.0 <= config.score <= 1.0:
            raise ConfigError(
                f"[{where}] score must be within [0, 1], got {config.score}",
                field=f"{where}.score",
                code="wrong_config_type",
            )
        if config.max_chars < 1:
            raise ConfigError(
                f"[{where}] max_chars must be positive",
                field=f"{where}.max_chars",
                code="wrong_config_type",
            )
        self.name = config.house_rule
        self.version = version_from_name(NAME)
        self.config = config
        self.compiled = tuple(_compile(where, i, p) for i, p in enumerate(config.patterns, 1))

    def evaluate(self, item: ScreeningInput) -> RuleResult:
        """Every match of every pattern in the first ``max_chars`` characters."""
        text = item.text[: self.config.max_chars]
        spans: list[Span] = []
        for number, pattern in enumerate(self.compiled, 1):
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    spans.append(
                        Span(self.name, match.start(), match.end(), match.group(0), f"#{number}")
                    )
                if len(spans) >= MAX_SPANS:
                    break
        if not spans:
            return RuleResult(self.name, self.version, 0.0, False)
        spans.sort(key=lambda s: (s.start, s.end))
        return RuleResult(
            self.name,
            self.version,
            self.config.score,
            True,
            tuple(spans[:MAX_SPANS]),
            self.config.reason,
        )


def _compile(where: str, number: int, pattern: str) -> re.Pattern[str]:
    if _NESTED_REPEAT.search(pattern):
        raise ConfigError(
            f"[{where}] pattern {number} {pattern!r} repeats a repeated group, which can take "
            "exponential time on a crafted comment; bound the inner or outer repeat",
            field=f"{where}.patterns",
            code="invalid_pattern",
        )
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"[{where}] pattern {number} {pattern!r} is not a valid regular expression: {exc}",
            field=f"{where}.patterns",
            code="invalid_pattern",
        ) from None


@register_rule(NAME)
def make_pattern_rule(config: PatternsConfig) -> PatternRule:
    """Factory for ``netiquette.patterns.v1``."""
    return PatternRule(config)
