"""A registry of screening components by name and version, spaCy-style.

A component is a factory function registered under a dotted, versioned name::

    @dataclass(frozen=True)
    class InsultConfig:
        threshold: float = 0.7

    @register_rule("netiquette.insult.lexicon.v1")
    def make_insult_rule(config: InsultConfig) -> InsultRule: ...

The factory's single parameter is annotated with a config dataclass; its field defaults are the
component's default config. A TOML section overrides them, and :func:`build_config` validates every
key against the field types: an unknown key or a wrong type raises :class:`ConfigError` naming the
key (codes ``unknown_component``, ``unknown_config_key``, ``wrong_config_type``).

The last two dotted parts of a name are the implementation and its version; they make the version
string that results carry (``netiquette.insult.lexicon.v1`` → ``lexicon-v1``).

Third-party packages add components through the Python entry-point group
:data:`ENTRY_POINT_GROUP` (``netiquette.components``), like spaCy factories or Datasette
plugins. The entry point's name is the component name, its object the factory (or a module
whose ``@register_rule`` decorators run on import)::

    # pyproject.toml of a newsroom's package
    [project.entry-points."netiquette.components"]
    "zeitung.private_data.v2" = "zeitung_rules:make_private_data_rule"

They are loaded the first time a name is not found among the built-in components; this module
stays the one place components are looked up. :func:`load_entry_points` takes the entry-point
source as an argument, so tests pass a fake instead of installing a distribution.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from netiquette.errors import ConfigError

ComponentKind = Literal["rule", "policy"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Component:
    """A registered factory with its config type."""

    name: str
    kind: ComponentKind
    factory: Callable[[Any], Any]
    config_type: type[Any]

    @property
    def version(self) -> str:
        """``netiquette.insult.lexicon.v1`` → ``lexicon-v1``."""
        return version_from_name(self.name)

    def default_config(self) -> Any:
        """The config dataclass with all defaults."""
        return self.config_type()

    def build(self, overrides: Mapping[str, Any] | None = None, *, section: str = "") -> Any:
        """Validate ``overrides`` against the config type and call the factory."""
        config = build_config(self.config_type, overrides or {}, section=section or self.name)
        return self.factory(config)


_REGISTRY: dict[str, Component] = {}
#: The entry-point group third-party components register under.
ENTRY_POINT_GROUP = "netiquette.components"


class EntryPointLike(Protocol):
    """What :func:`load_entry_points` needs of an entry point (``importlib.metadata``'s fits)."""

    @property
    def name(self) -> str: ...

    @property
    def value(self) -> str: ...

    def load(self) -> Any: ...


EntryPointSource = Callable[[str], Iterable[EntryPointLike]]


def installed_entry_points(group: str) -> Iterable[EntryPointLike]:
    """The entry points of ``group`` in the installed distributions."""
    return importlib.metadata.entry_points(group=group)


_loaded_sources: set[int] = set()


def load_entry_points(source: EntryPointSource = installed_entry_points) -> list[str]:
    """Register every component of the ``netiquette.components`` entry points in ``source``.

    An entry point whose object is a factory function is registered as a house-rule component
    under the entry point's name (unless its module already registered it); a module is just
    imported. A broken entry point is a :class:`ConfigError` (``E114``) naming it. Returns the
    names loaded.
    """
    names: list[str] = []
    for entry in source(ENTRY_POINT_GROUP):
        try:
            obj = entry.load()
        except Exception as exc:  # a third-party import error must name its package
            raise ConfigError(
                f"component entry point {entry.name!r} ({entry.value}) failed to load: {exc}",
                field=entry.name,
                code="component_entry_point",
            ) from exc
        if callable(obj) and not isinstance(obj, types.ModuleType):
            current = _REGISTRY.get(entry.name)
            if current is None or current.factory is not obj:
                try:
                    register_rule(entry.name)(obj)
                except TypeError as exc:
                    raise ConfigError(
                        f"component entry point {entry.name!r} ({entry.value}): {exc}",
                        field=entry.name,
                        code="component_entry_point",
                    ) from None
        names.append(entry.name)
    _loaded_sources.add(id(source))
    return names


def version_from_name(name: str) -> str:
    """The implementation-version suffix of a dotted component name."""
    parts = name.split(".")
    return "-".join(parts[-2:]) if len(parts) >= 2 else name


def _register(name: str, kind: ComponentKind) -> Callable[[F], F]:
    def decorator(factory: F) -> F:
        hints = typing.get_type_hints(factory)
        params = [p for p in hints if p != "return"]
        if len(params) != 1 or not dataclasses.is_dataclass(hints[params[0]]):
            raise TypeError(f"factory for {name!r} must take exactly one config dataclass")
        existing = _REGISTRY.get(name)
        if existing is not None and existing.factory is not factory:
            raise ConfigError(f"component {name!r} is registered twice", code="duplicate_component")
        _REGISTRY[name] = Component(name, kind, factory, hints[params[0]])
        return factory

    return decorator


def register_rule(name: str) -> Callable[[F], F]:
    """Register a house-rule factory under ``name`` (e.g. ``"netiquette.insult.lexicon.v1"``)."""
    return _register(name, "rule")


def register_policy(name: str) -> Callable[[F], F]:
    """Register a decision-policy factory (e.g. ``"netiquette.policy.thresholds.v1"``)."""
    return _register(name, "policy")


def get_component(name: str, kind: ComponentKind | None = None) -> Component:
    """Look a component up by name; ``unknown_component`` (a ConfigError) lists the known ones."""
    component = _REGISTRY.get(name)
    if component is None and id(installed_entry_points) not in _loaded_sources:
        load_entry_points()
        component = _REGISTRY.get(name)
    if component is None or (kind is not None and component.kind != kind):
        known = ", ".join(sorted(n for n, c in _REGISTRY.items() if kind in (None, c.kind)))
        raise ConfigError(f"unknown component {name!r} (known: {known})", code="unknown_component")
    return component


def registered(kind: ComponentKind | None = None) -> dict[str, Component]:
    """All registered components, optionally of one kind."""
    return {n: c for n, c in sorted(_REGISTRY.items()) if kind in (None, c.kind)}


def build_config(config_type: type[Any], values: Mapping[str, Any], *, section: str) -> Any:
    """Instantiate ``config_type`` from defaults overridden by ``values``, checking every key."""
    fields = {f.name: f for f in dataclasses.fields(config_type)}
    hints = typing.get_type_hints(config_type)
    for key, value in values.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(
                f"[{section}] unknown key {key!r} (known: {known})",
                field=f"{section}.{key}",
                code="unknown_config_key",
            )
        if not _conforms(value, hints[key]):
            raise ConfigError(
                f"[{section}] key {key!r} must be {_describe(hints[key])}, got {value!r}",
                field=f"{section}.{key}",
                code="wrong_config_type",
            )
    converted = {k: _convert(v, hints[k]) for k, v in values.items()}
    return config_type(**converted)


def _conforms(value: Any, expected: Any) -> bool:
    """Does a TOML value fit a (simple) type annotation?"""
    if expected is Any:
        return True
    origin = typing.get_origin(expected)
    args = typing.get_args(expected)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, a) for a in args)
    if expected is type(None):
        return value is None
    if origin is Literal:
        return value in args
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is str:
        return isinstance(value, str)
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            return False
        item = args[0] if args else Any
        return all(_conforms(v, item) for v in value)
    if origin is dict:
        if not isinstance(value, dict):
            return False
        key_type, value_type = args if args else (Any, Any)
        return all(_conforms(k, key_type) and _conforms(v, value_type) for k, v in value.items())
    return isinstance(value, expected) if isinstance(expected, type) else False


def _convert(value: Any, expected: Any) -> Any:
    """Turn TOML lists into tuples (frozen configs) and ints into floats where declared."""
    origin = typing.get_origin(expected)
    args = typing.get_args(expected)
    if expected is float and isinstance(value, int):
        return float(value)
    if origin is tuple and isinstance(value, list):
        item = args[0] if args else Any
        return tuple(_convert(v, item) for v in value)
    if origin is dict and isinstance(value, dict) and args:
        return {k: _convert(v, args[1]) for k, v in value.items()}
    return value


def _describe(expected: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    if expected in names:
        return names[expected]
    origin = typing.get_origin(expected)
    args = typing.get_args(expected)
    if origin in (tuple, list):
        return f"a list of {_describe(args[0]).split(' ', 1)[-1]}s" if args else "a list"
    if origin is dict:
        return f"a table of {_describe(args[1]).split(' ', 1)[-1]}s" if args else "a table"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    return str(expected).replace("typing.", "")


__all__ = [
    "ENTRY_POINT_GROUP",
    "Component",
    "EntryPointLike",
    "EntryPointSource",
    "build_config",
    "get_component",
    "installed_entry_points",
    "load_entry_points",
    "register_policy",
    "register_rule",
    "registered",
    "version_from_name",
]
