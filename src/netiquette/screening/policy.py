"""The decision policy: from the house rules' results to approve / reject / review.

``netiquette.policy.thresholds.v1`` (``policy_version`` ``thresholds-v1``) compares every evaluated
score with two per-rule thresholds:

* ``score >= reject_threshold`` – the rule *rejects*: the comment is rejected when the site switched
  ``auto_reject`` on, otherwise it goes to the human queue with high priority.
* ``approve_threshold < score < reject_threshold`` – the rule is *in doubt*: human review.
* ``score <= approve_threshold`` – the rule is satisfied.

A comment all of whose evaluated rules are satisfied is approved when ``auto_approve`` is on, and
queued with low priority otherwise.

Rules that were not evaluated (no model yet, no article for ``off_topic``) do **not** by themselves
block auto-approval: otherwise no comment could be auto-approved until every model exists, and a
missing article would hold a comment back although nothing was found against it. Sites that prefer
the stricter reading set ``require_all_rules_for_approve = true``; then such comments go to review.

``netiquette.policy.thresholds.v2`` (``thresholds-v2``, the shipped default) works the same way but
takes each model-backed rule's thresholds from the model metadata (``meta.json``,
``policy_thresholds``), where they were chosen on cross-validation *on the rule scores*: the
training replays each rule's own combination of lexicon, patterns and factors with the out-of-fold
classifier probability (``training/rule_scores.py``); ``approve_below`` is the highest rule score
whose lower zone had ≥ 97 % negative predictive value. The reject side still uses the
classifier-scale ``reject_at`` (≥ 95 % precision of the classifier alone), which is also the floor
the rules give clear lexicon/pattern evidence; on the rule scores the 95 % point lies slightly
higher (recorded in ``policy_thresholds``, not enforced: see docs/screening.md). There are two sets,
one per score variant: ``tfidf`` (rules with ``use_encoder = false``) and ``encoder``;
``encoder_rules`` names the rules that run with the encoder (shipped: ``off_topic``). A model
without ``policy_thresholds`` (older ``meta.json``) falls back to the classifier-scale
``thresholds``. A model may carry ``policy_calibration.json`` (its version, thresholds chosen on
article comments it never trained on, ``training/policy_calibration.py``): its approve
thresholds replace the model's and its reject thresholds raise them. Values written in the TOML
override them per rule; rules the model does not cover (``ad_link``) use the TOML or the
defaults. A rejection cites only the rules in their reject zone
(the statement of reasons names what broke the house rules, not what merely looked doubtful).

The queue priority of a comment sent to a human is its *harm level*
(:mod:`netiquette.screening.harm`): threats (an ``aggression`` flag) first, then comments another
rule would reject, flagged, in doubt, clean ones held because auto-approve is off, and comments
only ``off_topic`` objects to last; oldest first within a level.

Rules in ``review_only_rules`` (shipped: ``off_topic``) never reject on their own: a comment
only they would reject goes to a human even with ``auto_reject`` on. Whether a comment strays
from the article is a judgement a person makes; the model's mistakes there cost a reader's
legitimate comment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from netiquette.errors import ConfigError
from netiquette.screening.base import Outcome, PolicyDecision, RuleResult
from netiquette.screening.harm import harm_priority
from netiquette.screening.registry import register_policy, version_from_name

NAME = "netiquette.policy.thresholds.v1"
NAME_V2 = "netiquette.policy.thresholds.v2"
DEFAULT_REJECT = 0.7
DEFAULT_APPROVE = 0.3


@runtime_checkable
class DecisionPolicy(Protocol):
    """A registered component that turns rule results into a decision."""

    version: str

    def decide(self, results: Mapping[str, RuleResult]) -> PolicyDecision:
        """Decide one comment."""
        ...


@dataclass(frozen=True, slots=True)
class ThresholdPolicyConfig:
    """Configuration of the threshold policy (``[policy]`` in the TOML)."""

    auto_approve: bool = True
    auto_reject: bool = False
    require_all_rules_for_approve: bool = False
    # Rules that never reject on their own, whatever their score: a human decides.
    review_only_rules: tuple[str, ...] = ("off_topic",)
    # Rules not listed use DEFAULT_REJECT / DEFAULT_APPROVE.
    reject_thresholds: dict[str, float] = field(default_factory=dict)
    approve_thresholds: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for table in ("reject_thresholds", "approve_thresholds"):
            for rule, value in getattr(self, table).items():
                if not 0.0 <= value <= 1.0:
                    raise ConfigError(
                        f"[policy.{table}] {rule} must be within [0, 1], got {value}",
                        field=f"policy.{table}.{rule}",
                        code="wrong_config_type",
                    )
        for rule in {*self.reject_thresholds, *self.approve_thresholds}:
            if self.approve_threshold(rule) > self.reject_threshold(rule):
                raise ConfigError(
                    f"[policy] approve threshold for {rule} is above its reject threshold",
                    field=f"policy.approve_thresholds.{rule}",
                    code="wrong_config_type",
                )

    def rules_named(self) -> dict[str, Sequence[str]]:
        """Per config key, the house rules it names (checked against the site's rules)."""
        return {
            "reject_thresholds": list(self.reject_thresholds),
            "approve_thresholds": list(self.approve_thresholds),
            "review_only_rules": list(self.review_only_rules),
        }

    def reject_threshold(self, rule: str) -> float:
        """Score at or above which ``rule`` rejects (default 0.7 for rules not listed)."""
        return self.reject_thresholds.get(rule, DEFAULT_REJECT)

    def approve_threshold(self, rule: str) -> float:
        """Score at or below which ``rule`` is satisfied (default 0.3 for rules not listed)."""
        return self.approve_thresholds.get(rule, DEFAULT_APPROVE)


@dataclass(frozen=True, slots=True)
class ModelThresholdPolicyConfig(ThresholdPolicyConfig):
    """``[policy]`` of ``thresholds.v2``: thresholds from the model metadata, TOML overrides."""

    reject_thresholds: dict[str, float] = field(default_factory=dict)
    approve_thresholds: dict[str, float] = field(default_factory=dict)
    thresholds_from_model: bool = True
    model_dir: str = ""  # "" = the shipped model
    # Rules whose section runs with use_encoder = true: their thresholds come from the encoder set.
    encoder_rules: tuple[str, ...] = ("off_topic",)

    def rules_named(self) -> dict[str, Sequence[str]]:
        """Per config key, the house rules it names (checked against the site's rules)."""
        named = ThresholdPolicyConfig.rules_named(self)
        return {**named, "encoder_rules": list(self.encoder_rules)}


class ThresholdPolicy:
    """Per-rule thresholds with per-site auto-approve / auto-reject switches."""

    def __init__(
        self,
        config: ThresholdPolicyConfig,
        *,
        name: str = NAME,
        cite_only_rejecting: bool = False,
        named: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.config = config
        # The rules the site's config names (before model thresholds were added).
        self.named = dict(named) if named is not None else config.rules_named()
        self.version = version_from_name(name)
        self.cite_only_rejecting = cite_only_rejecting
        #: The site's house rules (set by the pipeline at build time), for :meth:`describe`.
        self.house_rules: list[str] = []
        #: The article-comment calibration whose thresholds this policy uses ("" = none), see
        #: :attr:`ModelZones.calibration`; recorded with every decision.
        self.calibration = ""
        #: Where each rule's thresholds come from (shown with the effective policy).
        self.threshold_sources: dict[str, str] = {
            rule: "[policy] thresholds"
            for rule in {*config.reject_thresholds, *config.approve_thresholds}
        }

    def check_house_rules(self, house_rules: Iterable[Any]) -> None:
        """Every rule the config names must be one of the site's (called by the pipeline).

        Rules the site switched off (``enabled = false``) may still be named: the shipped
        ``[policy]`` table names ``ad_link`` whether or not a site keeps it.
        """
        known = [spec.key for spec in house_rules]
        self.house_rules = known
        allowed = {*known, *getattr(house_rules, "disabled", ())}
        for table, rules in self.named.items():
            for rule in rules:
                if rule not in allowed:
                    raise ConfigError(
                        f"[policy.{table}] unknown house rule {rule!r} (known: {', '.join(known)})",
                        field=f"policy.{table}.{rule}",
                        code="unknown_config_key",
                    )

    def describe(self) -> dict[str, Any]:
        """The policy as it decides: switches and the thresholds per house rule."""
        cfg = self.config
        rules = self.house_rules or sorted({*cfg.reject_thresholds, *cfg.approve_thresholds})
        return {
            "version": self.version,
            **({"calibration": self.calibration} if self.calibration else {}),
            "auto_approve": cfg.auto_approve,
            "auto_reject": cfg.auto_reject,
            "require_all_rules_for_approve": cfg.require_all_rules_for_approve,
            "review_only_rules": list(cfg.review_only_rules),
            "thresholds": {
                rule: {
                    "approve_at_or_below": cfg.approve_threshold(rule),
                    # 1.0 or above: no score reaches it; the rule never rejects on its own.
                    "reject_at_or_above": cfg.reject_threshold(rule),
                    "source": self.threshold_sources.get(rule, "default 0.7 / 0.3"),
                }
                for rule in rules
            },
        }

    def decide(self, results: Mapping[str, RuleResult]) -> PolicyDecision:
        """Approve, reject or send to review, with a queue priority (harm level), rules cited."""
        cfg = self.config
        rejecting: list[str] = []
        doubtful: list[str] = []
        missing: list[str] = []
        order = list(results)
        for rule in order:
            result = results[rule]
            if result.score is None:
                missing.append(rule)
                continue
            if result.score >= cfg.reject_threshold(rule):
                rejecting.append(rule)
            elif result.score > cfg.approve_threshold(rule):
                doubtful.append(rule)
        harm = harm_priority(results, rejecting, doubtful)
        cited = tuple(r for r in order if r in rejecting or r in doubtful)
        if rejecting:
            alone = all(r in cfg.review_only_rules for r in rejecting)
            if cfg.auto_reject and not alone:
                # A review-only rule is not a ground for an automatic rejection: not cited.
                grounds = [r for r in rejecting if r not in cfg.review_only_rules]
                if self.cite_only_rejecting:
                    cited = tuple(r for r in order if r in grounds)
                return self._decision("reject", harm, cited, f"rejected by {', '.join(grounds)}")
            why = "a human decides these" if alone and cfg.auto_reject else "auto-reject is off"
            return self._decision(
                "review", harm, cited, f"would be rejected by {', '.join(rejecting)}; {why}"
            )
        if doubtful:
            return self._decision("review", harm, cited, f"in doubt: {', '.join(doubtful)}")
        if missing and cfg.require_all_rules_for_approve:
            reason = f"not evaluated: {', '.join(missing)}"
            return self._decision("review", harm, (), reason)
        if not cfg.auto_approve:
            return self._decision("review", harm, (), "clean; auto-approve is off")
        return self._decision("approve", 0, (), "no house rule applies")

    def _decision(
        self, outcome: Outcome, priority: float, rules: tuple[str, ...], reason: str
    ) -> PolicyDecision:
        return PolicyDecision(
            outcome=outcome,
            priority=max(0, min(100, round(priority))),
            rules=rules,
            policy_version=self.version,
            reason=reason,
        )


@register_policy(NAME)
def make_threshold_policy(config: ThresholdPolicyConfig) -> ThresholdPolicy:
    """Factory for the threshold policy."""
    return ThresholdPolicy(config)


#: Thresholds calibrated on article comments for one model version (training/policy_calibration).
CALIBRATION_FILE = "policy_calibration.json"


def policy_calibration(
    model_dir: str = "", meta: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """The model's article-comment calibration (``policy_calibration.json``), if it has one
    for exactly this model version (``meta``: the model's ``meta.json`` when already read); a
    stale file (another version) is ignored."""
    from netiquette.screening.models import DEFAULT_MODEL_DIR, artifacts

    directory = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    path = directory / CALIBRATION_FILE
    if not path.is_file():
        return None
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    version = (meta if meta is not None else artifacts.read_meta(directory)).get("model_version")
    return record if record.get("model_version") == version else None


@dataclass(frozen=True, slots=True)
class ModelZones:
    """A model's thresholds per rule, and which of them its calibration file set."""

    reject: dict[str, float]
    approve: dict[str, float]
    #: ``(side, rule)`` pairs taken from ``policy_calibration.json`` (side: approve / reject).
    calibrated: frozenset[tuple[str, str]] = frozenset()
    #: Which calibration set those thresholds: the model version and the first 12 hex digits of
    #: the file's SHA-256 (recorded with every decision); "" when none was applied.
    calibration: str = ""


def model_zones(
    model_dir: str = "",
    encoder_rules: tuple[str, ...] = ("off_topic",),
    *,
    calibrated: bool = True,
) -> ModelZones:
    """Thresholds per rule from a model's ``meta.json`` ("" = shipped).

    ``approve_below`` from ``policy_thresholds`` (chosen on the rule scores), the ``encoder`` set
    for the rules in ``encoder_rules`` and the ``tfidf`` set for the others (classifier-scale
    ``thresholds`` when the model predates them); ``reject_at`` from ``thresholds``. With
    ``calibrated`` (default), the values of the model's ``policy_calibration.json`` replace them
    for the rules it calibrated (chosen on article comments; reject thresholds only ever higher).
    """
    from netiquette.screening.models import DEFAULT_MODEL_DIR, artifacts

    meta = artifacts.read_meta(Path(model_dir) if model_dir else DEFAULT_MODEL_DIR)
    classifier_scale: dict[str, dict[str, float]] = meta.get("thresholds", {})
    by_variant: dict[str, dict[str, dict[str, float]]] = meta.get("policy_thresholds", {})
    reject: dict[str, float] = {}
    approve: dict[str, float] = {}
    for rule in classifier_scale:
        if rule == "reject":  # the overall classifier's head, not a house rule
            continue
        variant = by_variant.get("encoder" if rule in encoder_rules else "tfidf", {})
        cls = classifier_scale.get(rule)
        on_rule = variant.get(rule) or cls
        if not cls or not on_rule:
            continue
        # Reject side: the classifier-scale reject_at, which is also the floor the rules give
        # clear lexicon/pattern evidence; the rule-score CV value is recorded in meta.json
        # (policy_thresholds) but not enforced, see docs/screening.md. A closed reject zone is
        # stored as 1.01; 1.0 keeps it closed for calibrated scores.
        reject[rule] = min(float(cls["reject_at"]), 1.0)
        approve[rule] = min(float(on_rule["approve_below"]), reject[rule])
    record = policy_calibration(model_dir, meta) if calibrated else None
    taken: set[tuple[str, str]] = set()
    if record is not None:
        for rule, value in record.get("reject_thresholds", {}).items():
            if float(value) > reject.get(rule, 0.0):
                reject[rule] = float(value)
                taken.add(("reject", rule))
        for rule, value in record.get("approve_thresholds", {}).items():
            approve[rule] = min(float(value), reject.get(rule, 1.0))
            taken.add(("approve", rule))
    calibration = ""
    if record is not None and taken:
        digest = hashlib.sha256(
            json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()[:12]
        calibration = f"{record.get('model_version')} sha256:{digest}"
    return ModelZones(reject, approve, frozenset(taken), calibration)


def model_thresholds(
    model_dir: str = "",
    encoder_rules: tuple[str, ...] = ("off_topic",),
    *,
    calibrated: bool = True,
) -> tuple[dict[str, float], dict[str, float]]:
    """``(reject_at, approve_below)`` per rule: :func:`model_zones` without their sources."""
    zones = model_zones(model_dir, encoder_rules, calibrated=calibrated)
    return zones.reject, zones.approve


@register_policy(NAME_V2)
def make_model_threshold_policy(config: ModelThresholdPolicyConfig) -> ThresholdPolicy:
    """Factory for the threshold policy with thresholds from the model metadata."""
    named = config.rules_named()
    in_file = {"reject": set(config.reject_thresholds), "approve": set(config.approve_thresholds)}
    zones = ModelZones({}, {})
    if config.thresholds_from_model:
        zones = model_zones(config.model_dir, config.encoder_rules)
        config = replace(
            config,
            reject_thresholds={**zones.reject, **config.reject_thresholds},
            approve_thresholds={**zones.approve, **config.approve_thresholds},
        )
    policy = ThresholdPolicy(config, name=NAME_V2, cite_only_rejecting=True, named=named)
    if any(
        (side, rule) in zones.calibrated and rule not in in_file[side]
        for side, rule in zones.calibrated
    ):
        policy.calibration = zones.calibration
    from_model = {"reject": zones.reject, "approve": zones.approve}

    def source(side: str, rule: str) -> str:
        if rule in in_file[side]:
            return "[policy] thresholds"
        if rule in from_model[side]:
            file = CALIBRATION_FILE if (side, rule) in zones.calibrated else "meta.json"
            return f"model {file} ({config.model_dir or 'shipped'})"
        return "default"

    for rule in {*zones.reject, *zones.approve, *in_file["reject"], *in_file["approve"]}:
        on_approve, on_reject = source("approve", rule), source("reject", rule)
        policy.threshold_sources[rule] = (
            on_approve if on_approve == on_reject else f"approve: {on_approve}; reject: {on_reject}"
        )
    return policy
