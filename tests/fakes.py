"""A scripted screening pipeline: the test decides what the policy says."""

from __future__ import annotations

from typing import Any, ClassVar

from netiquette.screening.base import (
    PolicyDecision,
    RuleResult,
    ScreeningInput,
    ScreeningResult,
)
from netiquette.screening.houserules import shipped_house_rules

HOUSE_RULES = shipped_house_rules().keys  # the shipped five


class ScriptedPipeline:
    """Answers each comment with the outcome named in its text: ``[approve]``, ``[reject]``
    (``[in doubt: off_topic]``: held at the lowest harm level, nothing flagged)."""

    versions: ClassVar[dict[str, str]] = {"scripted": "1"}

    def effective_policy(self) -> dict[str, Any]:
        """The fake's policy as the dashboard and settings show it: decided by the test."""
        return {
            "version": "scripted-1",
            "screening_config": "test",
            "sources": {},
            "thresholds": {},
        }

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        outcome = "review"
        for candidate in ("approve", "reject"):
            if f"[{candidate}]" in item.text:
                outcome = candidate
        if "[explode]" in item.text:
            raise RuntimeError("model crashed")
        results = {
            rule: RuleResult(
                rule,
                "scripted-1",
                0.9 if outcome == "reject" and rule == "insult" else 0.0,
                outcome == "reject" and rule == "insult",
            )
            for rule in HOUSE_RULES
        }
        rules = ("insult",) if outcome == "reject" else ()
        # "[in doubt: off_topic]": held, no rule flagged, only off_topic above its approve zone
        doubt = 10 if "[in doubt: off_topic]" in item.text else 50
        priority = doubt if outcome == "review" else 0
        return ScreeningResult(
            results=results,
            decision=PolicyDecision(outcome, priority, rules, "scripted-1"),  # type: ignore[arg-type]
            model_versions=dict(self.versions),
        )
