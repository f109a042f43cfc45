"""The screening pipeline: house-rule components and a decision policy, built from one TOML file.

The shipped default is ``netiquette/config/screening.toml``; its header documents the layout. At
build time the pipeline checks that every ``[rules.<name>]`` section names a house rule, that its
component is a registered *rule* component, and that the built component declares that it produces
that house rule (``component.name == <name>``). Errors are :class:`ConfigError` with a code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from netiquette.errors import ConfigError, ModelError, NetiquetteError
from netiquette.screening import rules as _builtin_rules  # noqa: F401  (registers components)
from netiquette.screening.base import (
    HOUSE_RULES,
    HouseRule,
    RuleResult,
    ScreeningInput,
    ScreeningResult,
)
from netiquette.screening.policy import NAME as DEFAULT_POLICY
from netiquette.screening.policy import DecisionPolicy
from netiquette.screening.registry import get_component

_TOP_LEVEL = ("rules", "policy")


class Pipeline:
    """Runs every configured house rule on a comment, then the decision policy."""

    def __init__(self, rules: Mapping[str, HouseRule], policy: DecisionPolicy) -> None:
        for name, rule in rules.items():
            if name not in HOUSE_RULES:
                raise ConfigError(f"unknown house rule {name!r}", code="unknown_rule")
            if rule.name != name:
                raise ConfigError(
                    f"component for [rules.{name}] produces {rule.name!r}, not {name!r}",
                    field=f"rules.{name}.component",
                    code="unknown_rule",
                )
        self.rules: dict[str, HouseRule] = {n: rules[n] for n in HOUSE_RULES if n in rules}
        self.policy = policy

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, source: str = "config") -> Pipeline:
        """Build from a parsed TOML mapping (see the shipped ``screening.toml``)."""
        for key in config:
            if key not in _TOP_LEVEL:
                raise ConfigError(
                    f"{source}: unknown section [{key}] (known: {', '.join(_TOP_LEVEL)})",
                    field=key,
                    code="unknown_config_key",
                )
        rule_sections = config.get("rules", {})
        if not isinstance(rule_sections, Mapping):
            raise ConfigError(
                f"{source}: [rules] must be a table", field="rules", code="wrong_config_type"
            )
        rules: dict[str, HouseRule] = {}
        for name, section in rule_sections.items():
            if name not in HOUSE_RULES:
                raise ConfigError(
                    f"{source}: unknown house rule [rules.{name}] "
                    f"(known: {', '.join(HOUSE_RULES)})",
                    field=f"rules.{name}",
                    code="unknown_rule",
                )
            built = _build(section, f"rules.{name}", "rule", default=None)
            if not isinstance(built, HouseRule):
                raise ConfigError(
                    f"[rules.{name}] component is not a house rule", code="unknown_rule"
                )
            rules[name] = built
        policy = _build(config.get("policy", {}), "policy", "policy", default=DEFAULT_POLICY)
        if not isinstance(policy, DecisionPolicy):
            raise ConfigError("[policy] component is not a decision policy", code="unknown_rule")
        return cls(rules, policy)

    @property
    def versions(self) -> dict[str, str]:
        """Component version per house rule (``"none"`` if not configured) and of the policy."""
        versions = {
            name: (r.version if (r := self.rules.get(name)) else "none") for name in HOUSE_RULES
        }
        versions["policy"] = self.policy.version
        return versions

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        """Results for all five house rules, in order, plus the policy's decision."""
        results: dict[str, RuleResult] = {}
        for name in HOUSE_RULES:
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
        for name in HOUSE_RULES:
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
            results = {name: per_rule[name][i] for name in HOUSE_RULES}
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
    """Parse a pipeline TOML file (the shipped default when ``path`` is None)."""
    path = path or default_config_path()
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"screening config not found: {path}", code="config_not_found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}", code="invalid_toml") from None


def load_pipeline(
    path: Path | None = None,
    *,
    auto_approve: bool | None = None,
    auto_reject: bool | None = None,
) -> Pipeline:
    """Build the pipeline from ``path`` (None = shipped default).

    ``auto_approve`` / ``auto_reject`` override the policy's per-site switches when not None.
    """
    config = read_config(path)
    overrides = {"auto_approve": auto_approve, "auto_reject": auto_reject}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if overrides:
        policy = config.get("policy", {})
        if not isinstance(policy, Mapping):
            raise ConfigError("[policy] must be a table", field="policy", code="wrong_config_type")
        config["policy"] = {**policy, **overrides}
    return Pipeline.from_config(config, source=str(path or "screening.toml"))


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The shipped pipeline, built once per process."""
    return load_pipeline()
