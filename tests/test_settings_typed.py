"""Settings are typed attributes, declared once: no ``Any`` behind a ``__getattr__``."""

from __future__ import annotations

import typing

import pytest

from netiquette.errors import ConfigError
from netiquette.settings import SETTINGS, Settings, load_settings


def test_every_setting_is_a_typed_attribute_of_its_default_type() -> None:
    hints = {k: v for k, v in typing.get_type_hints(Settings).items() if not k.startswith("_")}
    declared = {s.name: type(s.default) for s in SETTINGS}
    assert hints == declared


def test_loaded_values_have_the_declared_types() -> None:
    settings = load_settings(environ={"NETIQUETTE_PORT": "8081", "NETIQUETTE_DEMO_PAGES": "yes"})
    assert settings.port == 8081
    assert settings.demo_pages is True
    for s in SETTINGS:
        assert type(getattr(settings, s.name)) is type(s.default), s.name


def test_an_unknown_name_is_an_error_not_a_silent_value() -> None:
    settings = load_settings(environ={})
    with pytest.raises(AttributeError):
        _ = settings.no_such_setting  # type: ignore[attr-defined]
    with pytest.raises(ConfigError) as info:
        settings.replace(no_such_setting=1)
    assert info.value.field == "no_such_setting"
