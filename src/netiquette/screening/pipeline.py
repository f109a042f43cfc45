"""The screening pipeline: house-rule components and a decision policy, built from one TOML file.

The shipped default is ``netiquette/config/screening.toml``; its header documents the layout. A
site's file (``screening_config``) extends it (:func:`.houserules.merge_configs`).
At build time the pipeline checks every rule's specification (labels, DSA category, …; see
:mod:`netiquette.screening.houserules`), that its component is a registered *rule* component, and
that the built component declares that it produces that house rule (``component.name == <key>``).
Generic components (``netiquette.patterns.v1``) learn the rule they score from the section: a
config dataclass with a ``house_rule`` field gets the section's key there. Errors are
:class:`ConfigError` with a code.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from netiquette.errors import ConfigError, ModelError, NetiquetteError
from netiquette.screening import rules as _builtin_rules  # noqa: F401  (registers components)
from netiquette.screening.base import (
    HouseRule,
    RuleResult,
    ScreeningInput,
    ScreeningResult,
)
from netiquette.screening.houserules import (
    HouseRules,
    RuleSpec,
    house_rules_from_config,
    shipped_house_rules,
)
from netiquette.screening.houserules import merge_configs as merge_configs
from netiquette.screening.policy import NAME as DEFAULT_POLICY
from netiquette.screening.policy import DecisionPolicy
from netiquette.screening.registry import Component, build_config, get_component

_TOP_LEVEL = ("rules", "policy")


class Pipeline:
    """Runs every configured house rule on a comment, then the decision policy."""

    def __init__(
        self,
        rules: Mapping[str, HouseRule],
        policy: DecisionPolicy,
        house_rules: HouseRules | None = None,
    ) -> None:
        self.house_rules = house_rules if house_rules is not None else shipped_house_rules()
        for name, rule in rules.items():
            if name not in self.house_rules:
                raise ConfigError(
                    f"unknown house rule {name!r} (known: {', '.join(self.house_rules.keys)})",
                    code="unknown_rule",
                )
            if rule.name != name:
                raise ConfigError(
                    f"component for [rules.{name}] produces {rule.name!r}, not {name!r}",
                    field=f"rules.{name}.component",
                    code="unknown_rule",
                )
        self.rules: dict[str, HouseRule] = {
            n: rules[n] for n in self.house_rules.keys if n in rules
        }
        check = getattr(policy, "check_house_rules", None)
        if callable(check):
            check(self.house_rules)
        self.policy = policy
        #: Where the pipeline was read from, and which policy switches something other than
        #: that file set (switch -> who set it), so the effective policy can say so.
        self.source = "config"
        self.policy_overrides: dict[str, str] = {}
        self._trained: dict[str, str] | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, source: str = "config") -> Pipeline:
        """Build from a parsed (and merged, see :func:`site_config`) TOML mapping."""
        for key in config:
            if key not in _TOP_LEVEL:
                raise ConfigError(
                    f"{source}: unknown section [{key}] (known: {', '.join(_TOP_LEVEL)})",
                    field=key,
                    code="unknown_config_key",
                )
        house_rules = house_rules_from_config(config, source=source)
        rules: dict[str, HouseRule] = {}
        for spec in house_rules:
            built = build_rule(spec)
            if not isinstance(built, HouseRule):
                raise ConfigError(
                    f"[rules.{spec.key}] component is not a house rule", code="unknown_rule"
                )
            rules[spec.key] = built
        policy = _build(config.get("policy", {}), "policy", "policy", default=DEFAULT_POLICY)
        if not isinstance(policy, DecisionPolicy):
            raise ConfigError("[policy] component is not a decision policy", code="unknown_rule")
        pipeline = cls(rules, policy, house_rules)
        pipeline.source = source
        return pipeline

    def effective_policy(self) -> dict[str, Any]:
        """The decision policy as it will decide, and where its switches were set.

        ``sources`` names, per switch, the screening file or the override that set it, so
        nobody has to guess which of two places won (``netiquette settings``, the dashboard).
        """
        describe = getattr(self.policy, "describe", None)
        out: dict[str, Any] = describe() if callable(describe) else {"version": self.policy.version}
        out["screening_config"] = self.source
        out["sources"] = {
            switch: self.policy_overrides.get(switch, self.source)
            for switch in ("auto_approve", "auto_reject")
            if switch in out
        }
        return out

    @property
    def versions(self) -> dict[str, str]:
        """Component version per house rule (``"none"`` if not configured) and of the policy,
        plus what the audit trail needs to tell two releases apart: the trained model the
        rules use (``model``, its ``meta.json`` version) and the calibration whose thresholds
        the policy applies (``policy_calibration``)."""
        versions = {
            name: (r.version if (r := self.rules.get(name)) else "none")
            for name in self.house_rules.keys
        }
        versions["policy"] = self.policy.version
        if self._trained is None:
            self._trained = self._trained_versions()
        versions.update(self._trained)
        return versions

    def _trained_versions(self) -> dict[str, str]:
        """``model`` and ``policy_calibration`` entries of :attr:`versions` (read once)."""
        from netiquette.screening.models import DEFAULT_MODEL_DIR, artifacts

        out: dict[str, str] = {}
        dirs = sorted(
            {
                str(config.model_dir)
                for rule in self.rules.values()
                if (config := getattr(rule, "config", None)) is not None
                and hasattr(config, "model_dir")
            }
        )
        models: list[str] = []
        for model_dir in dirs:
            try:
                meta = artifacts.read_meta(Path(model_dir) if model_dir else DEFAULT_MODEL_DIR)
            except (ModelError, OSError, ValueError):
                continue
            models.append(str(meta.get("model_version", "unknown")))
        if models:
            out["model"] = ", ".join(dict.fromkeys(models))
        calibration = getattr(self.policy, "calibration", "")
        if calibration:
            out["policy_calibration"] = str(calibration)
        return out

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        """Results for every house rule of the site, in order, plus the policy's decision."""
        results: dict[str, RuleResult] = {}
        for name in self.house_rules.keys:
            rule = self.rules.get(name)
            if rule is None:
                results[name] = RuleResult.not_evaluated(name, "none", "not configured")
                continue
            results[name] = _checked(name, rule, item)
        decision = self.policy.decide(results)
        return ScreeningResult(results=results, decision=decision, model_versions=self.versions)

    def screen_batch(self, items: Sequence[ScreeningInput]) -> list[ScreeningResult]:
        """:meth:`screen` for many comments at once, in input order.

        Rules that implement ``evaluate_many(items)`` (the model-backed ones) score the whole
        batch in one call, which is several times faster than one comment at a time.
        """
        if not items:
            return []
        per_rule: dict[str, list[RuleResult]] = {}
        for name in self.house_rules.keys:
            rule = self.rules.get(name)
            if rule is None:
                missing = RuleResult.not_evaluated(name, "none", "not configured")
                per_rule[name] = [missing] * len(items)
            elif isinstance(rule, BatchHouseRule):
                per_rule[name] = _checked_many(name, rule, items)
            else:
                per_rule[name] = [_checked(name, rule, item) for item in items]
        versions = self.versions
        out = []
        for i in range(len(items)):
            results = {name: per_rule[name][i] for name in self.house_rules.keys}
            decision = self.policy.decide(results)
            out.append(ScreeningResult(results=results, decision=decision, model_versions=versions))
        return out

    def screen_many(
        self, items: Iterable[ScreeningInput], *, batch_size: int = 64
    ) -> Iterator[ScreeningResult]:
        """Screen comments lazily in input order, ``batch_size`` at a time."""
        chunk: list[ScreeningInput] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= batch_size:
                yield from self.screen_batch(chunk)
                chunk = []
        if chunk:
            yield from self.screen_batch(chunk)


def _component_config(spec: RuleSpec) -> tuple[Component, dict[str, Any]]:
    component = get_component(spec.component, "rule")
    values = dict(spec.config)
    fields = {f.name for f in dataclasses.fields(component.config_type)}
    if "house_rule" in fields:
        if "house_rule" in values:
            raise ConfigError(
                f"[rules.{spec.key}] 'house_rule' is set by netiquette (the section's name)",
                field=f"rules.{spec.key}.house_rule",
                code="unknown_config_key",
            )
        values["house_rule"] = spec.key
    return component, values


def build_rule(spec: RuleSpec) -> Any:
    """Build the component that scores ``spec`` with its config from the TOML section."""
    component, values = _component_config(spec)
    return component.build(values, section=f"rules.{spec.key}")


@runtime_checkable
class BatchHouseRule(HouseRule, Protocol):
    """A house rule that can also score many comments in one call."""

    def evaluate_many(self, items: Sequence[ScreeningInput]) -> list[RuleResult]:
        """Score ``items``; one result per item, in order."""
        ...


def _checked(name: str, rule: HouseRule, item: ScreeningInput) -> RuleResult:
    try:
        result = rule.evaluate(item)
    except NetiquetteError:
        raise
    except Exception as exc:  # a broken component must not look like a clean comment
        raise ModelError(f"house rule {name!r} ({rule.version}) failed: {exc}") from exc
    return _valid(name, result)


def _checked_many(
    name: str, rule: BatchHouseRule, items: Sequence[ScreeningInput]
) -> list[RuleResult]:
    try:
        results = rule.evaluate_many(items)
    except NetiquetteError:
        raise
    except Exception as exc:
        raise ModelError(f"house rule {name!r} ({rule.version}) failed: {exc}") from exc
    if len(results) != len(items):
        raise ModelError(f"house rule {name!r} returned {len(results)} results for {len(items)}")
    return [_valid(name, r) for r in results]


def _valid(name: str, result: RuleResult) -> RuleResult:
    if result.score is not None and not 0.0 <= result.score <= 1.0:
        raise ModelError(f"house rule {name!r} returned score {result.score} outside [0, 1]")
    return result


def _build(section: Any, where: str, kind: Any, *, default: str | None) -> Any:
    if not isinstance(section, Mapping):
        raise ConfigError(f"[{where}] must be a table", field=where, code="wrong_config_type")
    values = dict(section)
    component = values.pop("component", default)
    if not isinstance(component, str):
        raise ConfigError(
            f"[{where}] needs a 'component' naming a registered component",
            field=f"{where}.component",
            code="unknown_component",
        )
    return get_component(component, kind).build(values, section=where)


def default_config_path() -> Path:
    """Path of the shipped ``screening.toml``."""
    return Path(str(resources.files("netiquette") / "config" / "screening.toml"))


def read_config(path: Path | None = None) -> dict[str, Any]:
    """Parse one pipeline TOML file as written (the shipped default when ``path`` is None)."""
    path = path or default_config_path()
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"screening config not found: {path}", code="config_not_found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}", code="invalid_toml") from None


def site_config(path: Path | None = None) -> dict[str, Any]:
    """The shipped config extended by the site's file at ``path`` (None = shipped only)."""
    shipped = read_config()
    if path is None:
        return shipped
    site = read_config(path)
    for key in site:
        if key not in _TOP_LEVEL:
            raise ConfigError(
                f"{path}: unknown section [{key}] (known: {', '.join(_TOP_LEVEL)})",
                field=key,
                code="unknown_config_key",
            )
    return merge_configs(shipped, site)


def load_house_rules(path: Path | None = None) -> HouseRules:
    """The site's house rules without loading any model (for commands that only report).

    The specs are checked as at start-up, and so are the component names and config keys;
    only the components themselves (models, compiled patterns) are not built.
    """
    config = site_config(path)
    rules = house_rules_from_config(config, source=str(path or "screening.toml"))
    for spec in rules:
        component, values = _component_config(spec)
        build_config(component.config_type, values, section=f"rules.{spec.key}")
    return rules


def load_pipeline(
    path: Path | None = None,
    *,
    auto_approve: bool | None = None,
    auto_reject: bool | None = None,
) -> Pipeline:
    """Build the pipeline from the shipped config extended by ``path`` (None = shipped only).

    ``auto_approve`` / ``auto_reject`` override the policy's per-site switches when not None;
    the pipeline records them as overrides in :meth:`Pipeline.effective_policy`.
    """
    config = site_config(path)
    overrides = {"auto_approve": auto_approve, "auto_reject": auto_reject}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if overrides:
        policy = config.get("policy", {})
        if not isinstance(policy, Mapping):
            raise ConfigError("[policy] must be a table", field="policy", code="wrong_config_type")
        config["policy"] = {**policy, **overrides}
    pipeline = Pipeline.from_config(config, source=str(path) if path else "shipped screening.toml")
    pipeline.policy_overrides = {k: f"load_pipeline({k}={v})" for k, v in overrides.items()}
    return pipeline


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The shipped pipeline, built once per process."""
    return load_pipeline()
