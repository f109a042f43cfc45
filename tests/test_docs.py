"""Every setting is documented; README keeps its two-command promise."""

from __future__ import annotations

from pathlib import Path

from netiquette.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in doc or s.env_var not in doc]
    assert missing == []


def test_readme_first_section_has_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = readme.split("\n## ", 2)[1]
    commands = [
        line.split("#")[0].strip()
        for line in first.split("```sh", 1)[1].split("```", 1)[0].splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands == ["make run", "make test"]
