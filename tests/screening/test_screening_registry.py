"""The component registry: names, versions, typed config validation."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from netiquette.errors import ConfigError
from netiquette.screening.registry import (
    build_config,
    get_component,
    register_rule,
    registered,
    version_from_name,
)


@dataclass(frozen=True)
class ExampleConfig:
    threshold: float = 0.5
    enabled: bool = True
    count: int = 3
    words: tuple[str, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    label: str | None = None


def test_defaults_apply_without_overrides() -> None:
    config = build_config(ExampleConfig, {}, section="rules.example")
    assert config == ExampleConfig()


def test_overrides_are_converted() -> None:
    config = build_config(
        ExampleConfig,
        {"threshold": 1, "words": ["a", "b"], "weights": {"x": 1}, "label": "y"},
        section="rules.example",
    )
    assert config.threshold == 1.0 and isinstance(config.threshold, float)
    assert config.words == ("a", "b")
    assert config.weights == {"x": 1.0}
    assert config.label == "y"


def test_unknown_key_names_the_key() -> None:
    with pytest.raises(ConfigError, match="unknown key 'treshold'") as info:
        build_config(ExampleConfig, {"treshold": 0.4}, section="rules.example")
    assert info.value.field == "rules.example.treshold"
    assert info.value.code == "unknown_config_key"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("threshold", "high"),
        ("threshold", True),
        ("enabled", "yes"),
        ("count", 2.5),
        ("count", False),
        ("words", "abc"),
        ("words", [1, 2]),
        ("weights", {"x": "heavy"}),
        ("label", 3),
    ],
)
def test_wrong_type_names_the_key(key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"key '{key}' must be") as info:
        build_config(ExampleConfig, {key: value}, section="rules.example")
    assert info.value.field == f"rules.example.{key}"
    assert info.value.code == "wrong_config_type"


def test_unknown_component_lists_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"netiquette\.insult\.lexicon\.v1") as info:
        get_component("netiquette.insult.lexicon.v9")
    assert info.value.code == "unknown_component"


def test_component_kind_is_checked() -> None:
    with pytest.raises(ConfigError):
        get_component("netiquette.policy.thresholds.v1", "rule")
    assert get_component("netiquette.policy.thresholds.v1", "policy").kind == "policy"


def test_builtin_components_are_registered() -> None:
    names = set(registered("rule"))
    assert {
        "netiquette.insult.lexicon.v1",
        "netiquette.ad_link.patterns.v1",
        "netiquette.insinuation.placeholder.v1",
        "netiquette.aggression.placeholder.v1",
        "netiquette.off_topic.placeholder.v1",
    } <= names
    assert "netiquette.policy.thresholds.v1" in registered("policy")


def test_versions_come_from_the_name() -> None:
    assert version_from_name("netiquette.insult.lexicon.v1") == "lexicon-v1"
    assert get_component("netiquette.policy.thresholds.v1").version == "thresholds-v1"


def test_factory_must_take_a_config_dataclass() -> None:
    with pytest.raises(TypeError):

        @register_rule("tests.broken.factory.v1")
        def broken(config: int) -> None:
            """Not a dataclass config."""


def test_registering_a_different_factory_twice_is_refused() -> None:
    @register_rule("tests.twice.example.v1")
    def first(config: ExampleConfig) -> ExampleConfig:
        """First."""
        return config

    assert register_rule("tests.twice.example.v1")(first) is first  # same factory: fine
    with pytest.raises(ConfigError, match="registered twice"):

        @register_rule("tests.twice.example.v1")
        def second(config: ExampleConfig) -> ExampleConfig:
            """Second."""
            return config
