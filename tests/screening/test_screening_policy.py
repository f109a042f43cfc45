"""The threshold policy: outcomes, switches, priority and cited rules."""

from __future__ import annotations

import pytest

from netiquette.errors import ConfigError
from netiquette.screening.base import RuleResult
from netiquette.screening.harm import HELD_CLEAN, THREAT
from netiquette.screening.houserules import shipped_house_rules
from netiquette.screening.policy import ThresholdPolicy, ThresholdPolicyConfig
from netiquette.screening.registry import get_component

HOUSE_RULES = shipped_house_rules().keys  # the shipped five


def results(**scores: float | None) -> dict[str, RuleResult]:
    """Results for all five rules; unnamed rules are not evaluated."""
    out = {}
    for rule in HOUSE_RULES:
        score = scores.get(rule)
        if score is None:
            out[rule] = RuleResult.not_evaluated(rule, "test-v1", "no model yet")
        else:
            out[rule] = RuleResult(rule, "test-v1", score, score >= 0.7)
    return out


def policy(**overrides: object) -> ThresholdPolicy:
    built = get_component("netiquette.policy.thresholds.v1").build(overrides, section="policy")
    assert isinstance(built, ThresholdPolicy)
    return built


def test_clean_comment_is_approved() -> None:
    decision = policy().decide(results(insult=0.0, ad_link=0.1))
    assert decision.outcome == "approve"
    assert decision.priority == 0
    assert decision.rules == ()
    assert decision.policy_version == "thresholds-v1"


def test_not_evaluated_rules_do_not_block_approval_by_default() -> None:
    assert policy().decide(results(insult=0.0)).outcome == "approve"


def test_require_all_rules_sends_partial_results_to_review() -> None:
    decision = policy(require_all_rules_for_approve=True).decide(results(insult=0.0))
    assert decision.outcome == "review"
    assert "insinuation" in decision.reason


def test_auto_approve_off_sends_clean_comments_to_review_with_low_priority() -> None:
    decision = policy(auto_approve=False).decide(results(insult=0.0))
    assert decision.outcome == "review"
    assert decision.priority == HELD_CLEAN  # below everything flagged but off-topic


def test_rejecting_rule_with_auto_reject_on_rejects() -> None:
    decision = policy(auto_reject=True).decide(results(insult=0.92))
    assert decision.outcome == "reject"
    assert decision.rules == ("insult",)


def test_rejecting_rule_with_auto_reject_off_is_urgent_review() -> None:
    decision = policy(auto_reject=False).decide(results(insult=0.92))
    assert decision.outcome == "review"
    assert decision.rules == ("insult",)
    assert decision.priority >= 70


def test_doubtful_score_goes_to_review() -> None:
    decision = policy(auto_reject=True).decide(results(insult=0.46))
    assert decision.outcome == "review"
    assert decision.rules == ("insult",)


def flagged(**scores: tuple[float, bool]) -> dict[str, RuleResult]:
    """Results with an explicit flag per rule (score, flag); unnamed rules score 0."""
    out = results(**{rule: 0.0 for rule in HOUSE_RULES})
    for rule, (score, flag) in scores.items():
        out[rule] = RuleResult(rule, "test-v1", score, flag)
    return out


def test_queue_priority_is_the_harm_level_threats_first_off_topic_last() -> None:
    p = policy()
    threat = p.decide(flagged(aggression=(0.5, True))).priority
    mild_threat_with_other_reject = p.decide(flagged(aggression=(0.5, True), insult=(0.9, True)))
    would_reject = p.decide(flagged(insult=(0.9, True))).priority
    flagged_ad = p.decide(flagged(ad_link=(0.5, True))).priority
    in_doubt = p.decide(flagged(insinuation=(0.5, False))).priority
    held_clean = policy(auto_approve=False).decide(flagged()).priority
    off_topic = p.decide(flagged(off_topic=(0.6, True))).priority
    assert threat == mild_threat_with_other_reject.priority == THREAT
    assert threat > would_reject > flagged_ad > in_doubt > held_clean > off_topic > 0
    # The harm level is the whole priority: a higher score does not jump the level's queue.
    assert p.decide(flagged(insult=(0.95, True), ad_link=(0.9, True))).priority == would_reject
    assert p.decide(flagged(off_topic=(0.99, True))).priority == off_topic
    # Off-topic next to a doubt elsewhere ranks by the doubt, not last.
    assert p.decide(flagged(off_topic=(0.6, True), insult=(0.5, False))).priority == in_doubt


def test_off_topic_alone_never_rejects_automatically() -> None:
    p = policy(auto_reject=True, reject_thresholds={"off_topic": 0.5})
    alone = p.decide(flagged(off_topic=(0.9, True)))
    assert alone.outcome == "review"
    assert "a human decides" in alone.reason
    with_insult = p.decide(flagged(off_topic=(0.9, True), insult=(0.9, True)))
    assert with_insult.outcome == "reject"
    assert with_insult.reason == "rejected by insult"
    # A site may let off_topic reject on its own by emptying the list.
    assert (
        policy(auto_reject=True, reject_thresholds={"off_topic": 0.5}, review_only_rules=[])
        .decide(flagged(off_topic=(0.9, True)))
        .outcome
        == "reject"
    )


def test_rules_are_cited_in_house_rule_order() -> None:
    decision = policy().decide(results(ad_link=0.9, insult=0.5))
    assert decision.rules == ("insult", "ad_link")


def test_per_rule_thresholds() -> None:
    strict = policy(reject_thresholds={"ad_link": 0.5}, approve_thresholds={"ad_link": 0.1})
    assert strict.decide(results(ad_link=0.55)).rules == ("ad_link",)
    assert strict.config.reject_threshold("insult") == 0.7  # not listed: default


def test_unknown_rule_in_thresholds_is_a_config_error() -> None:
    # The policy learns the site's rules when the pipeline is built.
    with pytest.raises(ConfigError, match="insults") as info:
        policy(reject_thresholds={"insults": 0.5}).check_house_rules(shipped_house_rules())
    assert info.value.field == "policy.reject_thresholds.insults"


def test_threshold_out_of_range_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="within"):
        ThresholdPolicyConfig(reject_thresholds={"insult": 1.5})


def test_approve_above_reject_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="above its reject"):
        ThresholdPolicyConfig(reject_thresholds={"insult": 0.4}, approve_thresholds={"insult": 0.6})


def test_switch_of_wrong_type_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="auto_reject"):
        policy(auto_reject="yes")
