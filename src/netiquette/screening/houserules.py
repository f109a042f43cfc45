"""House rules as data: one :class:`RuleSpec` per rule, the site's set in one :class:`HouseRules`.

Every fact about a house rule lives in its ``[rules.<key>]`` section of the screening TOML: its
labels and descriptions per language, the DSA category its rejections fall under, the component
that scores it, how it appears to Perspective and Coral clients. The shipped five are declared in
``netiquette/config/screening.toml`` like any other; a site's own file (``screening_config``)
*extends* that one (:func:`merge_configs`): a section for a shipped rule overrides keys,
``enabled = false`` drops the rule, a new section declares a new rule.

The specs are checked when the set is built, so a rule that could not be cited, explained or
exported fails at start-up with a message naming it (``ConfigError`` ``E112``), not at its first
rejection. Workspace keys ``1``–``9`` follow the order of the enabled rules (shipped first, in the
shipped order, then the site's new rules in the order of its file).

One :class:`HouseRules` object is built with the pipeline at start-up and handed to everything
that speaks about rules (review, accountability, compat, web); nothing re-reads the files.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, NoReturn

from netiquette.accountability.dsa import CATEGORIES as DSA_CATEGORIES
from netiquette.errors import ConfigError, InputError

#: Keys of a ``[rules.<key>]`` section that describe the rule; every other key (but
#: ``component``) is the component's config.
SPEC_KEYS = (
    "enabled",
    "label",
    "description",
    "dsa_category",
    "legal_ground",
    "perspective_attributes",
    "coral_flag_reason",
)
#: Languages every label and description must be given in (statements are issued in both).
REQUIRED_LANGUAGES = ("de", "en")
#: The workspace cites rules with the keys 1–9.
MAX_RULES = 9
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ATTRIBUTE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_CORAL_REASON = re.compile(r"^COMMENT_DETECTED_[A-Z_]{1,64}$")
_LANG = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """Everything netiquette knows about one house rule."""

    key: str
    label: Mapping[str, str]
    description: Mapping[str, str]
    dsa_category: str
    component: str
    config: Mapping[str, Any] = field(default_factory=dict)
    workspace_key: int = 0
    legal_ground: str = ""
    perspective_attributes: tuple[str, ...] = ()
    coral_flag_reason: str = ""

    def label_for(self, lang: str) -> str:
        """The rule's name in ``lang`` (German when the language has none)."""
        return self.label.get(lang) or self.label["de"]

    def description_for(self, lang: str) -> str:
        """The rule in one sentence in ``lang`` (German when the language has none)."""
        return self.description.get(lang) or self.description["de"]


class HouseRules:
    """The site's enabled house rules, in workspace order (rule ``i`` has key ``i + 1``)."""

    def __init__(self, specs: Sequence[RuleSpec], *, disabled: Sequence[str] = ()) -> None:
        if len(specs) > MAX_RULES:
            raise ConfigError(
                f"[rules.{specs[MAX_RULES].key}] a site has at most {MAX_RULES} house rules "
                "(the workspace cites them with the keys 1-9); disable one with enabled = false",
                field=f"rules.{specs[MAX_RULES].key}",
                code="invalid_rule",
            )
        if not specs:
            raise ConfigError("no house rule is enabled", field="rules", code="invalid_rule")
        self._specs = tuple(specs)
        #: Rules declared but switched off (``enabled = false``): config may still name them.
        self.disabled = tuple(disabled)
        self._by_key = {s.key: s for s in self._specs}

    def __len__(self) -> int:
        return len(self._specs)

    def __getitem__(self, index: int) -> RuleSpec:
        return self._specs[index]

    def __iter__(self) -> Iterator[RuleSpec]:
        return iter(self._specs)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __repr__(self) -> str:
        return f"HouseRules({', '.join(self.keys)})"

    @property
    def keys(self) -> tuple[str, ...]:
        """The rule keys in order."""
        return tuple(s.key for s in self._specs)

    def spec(self, key: str) -> RuleSpec:
        """The spec of ``key``; ``KeyError`` for a rule this site does not have."""
        return self._by_key[key]

    def get(self, key: str) -> RuleSpec | None:
        """The spec of ``key`` or None."""
        return self._by_key.get(key)

    def label(self, key: str, lang: str) -> str:
        """The rule's label in ``lang``; a rule no longer enabled is shown by its key."""
        spec = self._by_key.get(key)
        return spec.label_for(lang) if spec is not None else key

    def description(self, key: str, lang: str) -> str:
        """The rule's description in ``lang`` ("" for a rule no longer enabled)."""
        spec = self._by_key.get(key)
        return spec.description_for(lang) if spec is not None else ""

    def numbered(self, lang: str) -> list[tuple[int, str, str]]:
        """``(workspace key, rule, label)`` for every rule, as moderators cite them."""
        return [(s.workspace_key, s.key, s.label_for(lang)) for s in self._specs]

    def ordered(self, rules: Sequence[str] | set[str] | frozenset[str]) -> list[str]:
        """``rules`` that this site has, in the site's order."""
        wanted = set(rules)
        return [k for k in self.keys if k in wanted]

    def check_cited(self, rules: Sequence[str], *, field: str = "rules") -> list[str]:
        """``rules`` without duplicates; :class:`InputError` naming ``field`` for an unknown one."""
        unknown = [r for r in rules if r not in self._by_key]
        if unknown:
            raise InputError(
                f"unknown house rule {unknown[0]!r}; use one of {', '.join(self.keys)}",
                field=field,
            )
        return list(dict.fromkeys(rules))


def _fail(key: str, name: str, message: str) -> ConfigError:
    return ConfigError(
        f"[rules.{key}] {name}: {message}", field=f"rules.{key}.{name}", code="invalid_rule"
    )


def _texts(key: str, name: str, value: Any) -> dict[str, str]:
    if value is None:
        _missing(key, name)
    if not isinstance(value, Mapping):
        raise _fail(key, name, 'must be a table of texts per language, e.g. { de = "…", en = "…" }')
    out: dict[str, str] = {}
    for lang, text in value.items():
        if not isinstance(lang, str) or not _LANG.match(lang):
            raise _fail(key, name, f"{lang!r} is not a language code such as 'de'")
        if not isinstance(text, str) or not text.strip():
            raise _fail(key, name, f"the {lang!r} text must be a non-empty string")
        out[lang] = text.strip()
    missing = [lang for lang in REQUIRED_LANGUAGES if lang not in out]
    if missing:
        raise _fail(key, name, f"missing the {missing[0]!r} text (needed: {REQUIRED_LANGUAGES})")
    return out


def _missing(key: str, name: str) -> NoReturn:
    raise _fail(key, name, "missing (every house rule needs it; see docs/screening.md)")


def spec_from_section(key: str, section: Mapping[str, Any], workspace_key: int) -> RuleSpec:
    """Check one enabled ``[rules.<key>]`` section and make its :class:`RuleSpec`."""
    if not _KEY.match(key):
        raise ConfigError(
            f"[rules.{key}] a rule key is lower case letters, digits and _ (at most 40)",
            field=f"rules.{key}",
            code="invalid_rule",
        )
    values = dict(section)
    values.pop("enabled", None)
    component = values.pop("component", None)
    if not isinstance(component, str) or not component:
        raise ConfigError(
            f"[rules.{key}] needs a 'component' naming a registered component",
            field=f"rules.{key}.component",
            code="unknown_component",
        )
    category = values.pop("dsa_category", None)
    if category is None:
        _missing(key, "dsa_category")
    if category not in DSA_CATEGORIES:
        raise _fail(key, "dsa_category", f"{category!r} is not a DSA category (docs/screening.md)")
    label = _texts(key, "label", values.pop("label", None))
    description = _texts(key, "description", values.pop("description", None))
    legal_ground = values.pop("legal_ground", "")
    if not isinstance(legal_ground, str) or len(legal_ground) > 500:
        raise _fail(key, "legal_ground", "must be a string of at most 500 characters")
    attributes = values.pop("perspective_attributes", [])
    if not isinstance(attributes, list) or not all(
        isinstance(a, str) and _ATTRIBUTE.match(a) for a in attributes
    ):
        raise _fail(key, "perspective_attributes", "must be a list of names such as 'INSULT'")
    coral = values.pop("coral_flag_reason", "")
    if not isinstance(coral, str) or (coral and not _CORAL_REASON.match(coral)):
        raise _fail(key, "coral_flag_reason", "must be '' or a Coral reason COMMENT_DETECTED_…")
    return RuleSpec(
        key=key,
        label=label,
        description=description,
        dsa_category=str(category),
        component=component,
        config=values,
        workspace_key=workspace_key,
        legal_ground=legal_ground.strip(),
        perspective_attributes=tuple(attributes),
        coral_flag_reason=coral,
    )


def house_rules_from_config(config: Mapping[str, Any], *, source: str = "config") -> HouseRules:
    """The enabled rules of a parsed (merged) screening config, checked, in order."""
    sections = config.get("rules", {})
    if not isinstance(sections, Mapping):
        raise ConfigError(
            f"{source}: [rules] must be a table", field="rules", code="wrong_config_type"
        )
    specs: list[RuleSpec] = []
    disabled: list[str] = []
    for key, section in sections.items():
        if not isinstance(section, Mapping):
            raise ConfigError(
                f"[rules.{key}] must be a table", field=f"rules.{key}", code="wrong_config_type"
            )
        enabled = section.get("enabled", True)
        if not isinstance(enabled, bool):
            raise _fail(key, "enabled", f"must be true or false, got {enabled!r}")
        if enabled:
            specs.append(spec_from_section(str(key), section, len(specs) + 1))
        else:
            disabled.append(str(key))
    return HouseRules(specs, disabled=disabled)


def merge_configs(shipped: Mapping[str, Any], site: Mapping[str, Any]) -> dict[str, Any]:
    """The site's screening config laid over the shipped one.

    ``[rules.<key>]``: the site's keys override the shipped ones; when the site names another
    ``component`` the shipped component config is dropped (it belongs to the old component) and
    only the spec keys (labels, category, …) are kept. New sections are appended in the site's
    order. ``[policy]``: keys override, and its tables (thresholds) merge key by key.
    """
    merged: dict[str, Any] = {k: v for k, v in shipped.items() if k not in site}
    rules: dict[str, Any] = {k: dict(v) for k, v in dict(shipped.get("rules", {})).items()}
    site_rules = site.get("rules", {})
    if not isinstance(site_rules, Mapping):
        raise ConfigError("[rules] must be a table", field="rules", code="wrong_config_type")
    for key, section in site_rules.items():
        if not isinstance(section, Mapping):
            raise ConfigError(
                f"[rules.{key}] must be a table", field=f"rules.{key}", code="wrong_config_type"
            )
        base = rules.get(key, {})
        if "component" in section and section["component"] != base.get("component"):
            base = {k: v for k, v in base.items() if k in SPEC_KEYS}
        rules[key] = {**base, **section}
    merged["rules"] = rules
    for name, value in site.items():
        if name == "rules":
            continue
        old = shipped.get(name)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[name] = {
                k: {**old[k], **v}
                if isinstance(old.get(k), Mapping) and isinstance(v, Mapping)
                else v
                for k, v in {**old, **value}.items()
            }
        else:
            merged[name] = value
    return merged


@lru_cache(maxsize=1)
def shipped_house_rules() -> HouseRules:
    """The shipped five (``netiquette/config/screening.toml``), for code without a site config.

    Tests and tools that build a pipeline or a config object by hand get these; the app, the
    CLI and the pipeline use the site's own set.
    """
    path = resources.files("netiquette") / "config" / "screening.toml"
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    return house_rules_from_config(config, source="screening.toml")


__all__ = [
    "MAX_RULES",
    "REQUIRED_LANGUAGES",
    "SPEC_KEYS",
    "HouseRules",
    "RuleSpec",
    "house_rules_from_config",
    "merge_configs",
    "shipped_house_rules",
    "spec_from_section",
]
