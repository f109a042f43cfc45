"""Placeholders for the house rules that need a trained model: ``insinuation``, ``aggression``,
``off_topic``.

They are registered components like any other, so the pipeline, the policy and the batch contract
work end to end; each returns :meth:`RuleResult.not_evaluated` with a reason. A model-backed
component registered under a new name replaces one by changing ``component`` in the TOML.
"""

from __future__ import annotations

from dataclasses import dataclass

from netiquette.screening.base import RuleResult, ScreeningInput
from netiquette.screening.registry import register_rule, version_from_name


@dataclass(frozen=True, slots=True)
class PlaceholderConfig:
    """Configuration of a placeholder rule: only the reason it reports."""

    reason: str = "no model yet"


class PlaceholderRule:
    """A house rule that honestly makes no judgement."""

    def __init__(self, name: str, component: str, config: PlaceholderConfig) -> None:
        self.name = name
        self.version = version_from_name(component)
        self.config = config

    def evaluate(self, item: ScreeningInput) -> RuleResult:
        """Always ``not_evaluated``."""
        return RuleResult.not_evaluated(self.name, self.version, self.config.reason)


INSINUATION = "netiquette.insinuation.placeholder.v1"
AGGRESSION = "netiquette.aggression.placeholder.v1"
OFF_TOPIC = "netiquette.off_topic.placeholder.v1"


@register_rule(INSINUATION)
def make_insinuation_placeholder(config: PlaceholderConfig) -> PlaceholderRule:
    """``insinuation`` without a model."""
    return PlaceholderRule("insinuation", INSINUATION, config)


@register_rule(AGGRESSION)
def make_aggression_placeholder(config: PlaceholderConfig) -> PlaceholderRule:
    """``aggression`` without a model."""
    return PlaceholderRule("aggression", AGGRESSION, config)


@register_rule(OFF_TOPIC)
def make_off_topic_placeholder(config: PlaceholderConfig) -> PlaceholderRule:
    """``off_topic`` without a model."""
    return PlaceholderRule("off_topic", OFF_TOPIC, config)
