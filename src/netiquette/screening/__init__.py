"""Screening: house-rule components, the decision policy and the pipeline that runs them.

Public API::

    pipeline = load_pipeline()                      # shipped config/screening.toml
    result = pipeline.screen(ScreeningInput("…"))   # ScreeningResult for every house rule
    pipeline.house_rules                             # the site's HouseRules (specs from TOML)
    screen_file(Path("in.jsonl"), sys.stdout, pipeline)   # the `netiquette screen` contract
"""

from __future__ import annotations

from netiquette.screening.base import (
    HouseRule,
    Outcome,
    PolicyDecision,
    RuleResult,
    ScreeningInput,
    ScreeningResult,
    Span,
)
from netiquette.screening.batch import check_text, result_to_json, screen_file
from netiquette.screening.houserules import HouseRules, RuleSpec
from netiquette.screening.normalize import Normalized, normalize
from netiquette.screening.pipeline import (
    Pipeline,
    default_config_path,
    load_house_rules,
    load_pipeline,
)
from netiquette.screening.policy import DecisionPolicy, ThresholdPolicy, ThresholdPolicyConfig
from netiquette.screening.registry import (
    get_component,
    register_policy,
    register_rule,
    registered,
)

__all__ = [
    "DecisionPolicy",
    "HouseRule",
    "HouseRules",
    "Normalized",
    "Outcome",
    "Pipeline",
    "PolicyDecision",
    "RuleResult",
    "RuleSpec",
    "ScreeningInput",
    "ScreeningResult",
    "Span",
    "ThresholdPolicy",
    "ThresholdPolicyConfig",
    "check_text",
    "default_config_path",
    "get_component",
    "load_house_rules",
    "load_pipeline",
    "normalize",
    "register_policy",
    "register_rule",
    "registered",
    "result_to_json",
    "screen_file",
]
