"""Every setting and every plugin hook is documented; README keeps its two-command promise."""

from __future__ import annotations

from pathlib import Path

from netiquette import hookspecs
from netiquette.plugins import pm
from netiquette.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in doc or s.env_var not in doc]
    assert missing == []


def test_every_hook_is_documented_with_its_signature() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(pm.hook) if not name.startswith("_")]
    assert "decision_committed" in hooks  # the list below is not vacuous
    for name in hooks:
        params = ", ".join(getattr(pm.hook, name).spec.argnames)
        assert f"`{name}({params})`" in doc, f"hook {name} is not in docs/architecture.md"
        assert getattr(hookspecs, name).__doc__, f"hook {name} has no docstring"


def test_readme_first_section_has_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = readme.split("\n## ", 2)[1]
    commands = [
        line.split("#")[0].strip()
        for line in first.split("```sh", 1)[1].split("```", 1)[0].splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands == ["make run", "make test"]
