"""House rules as data: specs in TOML, a site's file extends the shipped one, pattern rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netiquette.errors import ConfigError
from netiquette.screening import ScreeningInput, load_pipeline
from netiquette.screening.base import RuleResult
from netiquette.screening.pipeline import load_house_rules, shipped_house_rules
from netiquette.screening.registry import get_component, load_entry_points, registered

PRIVATE_DATA = """
[rules.private_data]
component = "netiquette.patterns.v1"
patterns = ['(?i)\\b(?:tel\\.?|telefon|handy)\\s*:?\\s*\\+?[0-9][0-9 /-]{6,}[0-9]']
label = { de = "Private Daten", en = "Private data" }
description = { de = "Veröffentlicht Telefonnummern oder Adressen anderer Menschen.", en = "Publishes other people's phone numbers or addresses." }
dsa_category = "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
"""  # noqa: E501  (the TOML exactly as the issue gives it)


def site_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site-screening.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_five_are_specs_like_any_other() -> None:
    rules = shipped_house_rules()
    assert rules.keys == ("insinuation", "insult", "aggression", "ad_link", "off_topic")
    assert [s.workspace_key for s in rules] == [1, 2, 3, 4, 5]
    insult = rules.spec("insult")
    assert insult.label_for("de") == "Schimpfwort"
    assert insult.label_for("en") == "Insult"
    assert insult.dsa_category == "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    assert insult.coral_flag_reason == "COMMENT_DETECTED_TOXIC"
    assert "INSULT" in insult.perspective_attributes
    # Coral shows off-topic and insinuation as a suspect word (it has no reason of its own).
    assert rules.spec("off_topic").coral_flag_reason == "COMMENT_DETECTED_SUSPECT_WORD"


def test_a_new_rule_from_toml_flags_with_the_number_as_evidence(tmp_path: Path) -> None:
    pipeline = load_pipeline(site_file(tmp_path, PRIVATE_DATA))
    assert pipeline.house_rules.keys[-1] == "private_data"
    assert pipeline.house_rules.spec("private_data").workspace_key == 6
    text = "Ruft ihn an: Tel. 0171 2345678, der weiß Bescheid."
    result = pipeline.screen(ScreeningInput(text))
    found = result.results["private_data"]
    assert found.flag
    assert [span.text for span in found.evidence] == ["Tel. 0171 2345678"]
    span = found.evidence[0]
    assert text[span.start : span.end] == span.text
    assert result.decision.outcome in ("review", "reject")
    assert "private_data" in result.decision.rules
    # The shipped rules are still screened.
    assert result.results["insult"].score is not None
    clean = pipeline.screen(ScreeningInput("Die Stadtbahn fährt ab 2027."))
    assert not clean.results["private_data"].flag
    assert clean.results["private_data"].score == 0.0


def test_disabling_ad_link_stops_flagging_ads(tmp_path: Path) -> None:
    ad = "Jetzt bestellen: www.billige-uhren-shop.com – nur heute 50 % Rabatt!"
    assert load_pipeline().screen(ScreeningInput(ad)).flags["ad_link"]
    pipeline = load_pipeline(site_file(tmp_path, "[rules.ad_link]\nenabled = false\n"))
    assert "ad_link" not in pipeline.house_rules
    result = pipeline.screen(ScreeningInput(ad))
    assert "ad_link" not in result.results
    assert "ad_link" not in result.decision.rules
    assert [s.workspace_key for s in pipeline.house_rules] == [1, 2, 3, 4]


def test_a_site_overrides_keys_of_a_shipped_rule(tmp_path: Path) -> None:
    toml = '[rules.insult]\nlabel = { de = "Beleidigung", en = "Insult" }\nlexicon_flag = 0.6\n'
    rules = load_house_rules(site_file(tmp_path, toml))
    assert rules.label("insult", "de") == "Beleidigung"
    assert rules.spec("insult").dsa_category == "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    assert rules.spec("insult").config["lexicon_flag"] == 0.6


def test_another_component_drops_the_shipped_component_config(tmp_path: Path) -> None:
    toml = '[rules.insult]\ncomponent = "netiquette.insult.lexicon.v1"\n'
    pipeline = load_pipeline(site_file(tmp_path, toml))
    assert pipeline.versions["insult"] == "lexicon-v1"
    assert pipeline.house_rules.label("insult", "de") == "Schimpfwort"
    assert pipeline.versions["ad_link"] == "patterns-v1"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace(
                'dsa_category = "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"\n', ""
            ),
            r"\[rules.private_data\] dsa_category: missing",
        ),
        (
            lambda t: t.replace("DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "PRIVACY"),
            r"\[rules.private_data\] dsa_category: 'STATEMENT_CATEGORY_PRIVACY' is not a DSA",
        ),
        (
            lambda t: t.replace('label = { de = "Private Daten", en = "Private data" }\n', ""),
            r"\[rules.private_data\] label: missing",
        ),
        (
            lambda t: t.replace(', en = "Private data"', ""),
            r"\[rules.private_data\] label: missing the 'en' text",
        ),
        (
            lambda t: t.replace("[0-9]']", "[0-9']"),
            r"\[rules.private_data\] pattern 1 .* is not a valid regular expression",
        ),
        (
            lambda t: t.replace("patterns = [", "patterns = ['(a+)+', "),
            r"\[rules.private_data\] pattern 1 '\(a\+\)\+' repeats a repeated group",
        ),
        (
            lambda t: t.replace('component = "netiquette.patterns.v1"\n', ""),
            r"\[rules.private_data\] needs a 'component'",
        ),
        (lambda t: t + "colour = 'red'\n", r"\[rules.private_data\] unknown key 'colour'"),
        (
            lambda t: t.replace("[rules.private_data]", "[rules.Private-Data]"),
            r"\[rules.Private-Data\] a rule key is lower case",
        ),
    ],
)
def test_a_bad_spec_is_a_start_up_error_naming_the_rule(
    tmp_path: Path, edit: Any, message: str
) -> None:
    path = site_file(tmp_path, edit(PRIVATE_DATA))
    with pytest.raises(ConfigError, match=message):
        load_pipeline(path)
    if "pattern" not in message:  # patterns are compiled when the pipeline is built
        with pytest.raises(ConfigError, match=message):
            load_house_rules(path)


def test_at_most_nine_rules(tmp_path: Path) -> None:
    extra = "".join(
        PRIVATE_DATA.replace("[rules.private_data]", f"[rules.extra_{i}]") for i in range(5)
    )
    with pytest.raises(ConfigError, match=r"\[rules.extra_4\] a site has at most 9 house rules"):
        load_house_rules(site_file(tmp_path, extra))


def test_policy_may_not_name_an_unknown_rule(tmp_path: Path) -> None:
    toml = "[policy.reject_thresholds]\nprivat_data = 0.5\n"
    with pytest.raises(ConfigError, match="unknown house rule 'privat_data'"):
        load_pipeline(site_file(tmp_path, toml))


# --- third-party components through entry points -------------------------------------------


@dataclass(frozen=True)
class ShoutingConfig:
    house_rule: str = ""
    min_letters: int = 10


class ShoutingRule:
    version = "shouting-v1"

    def __init__(self, config: ShoutingConfig) -> None:
        self.name = config.house_rule
        self.config = config

    def evaluate(self, item: ScreeningInput) -> RuleResult:
        letters = [c for c in item.text if c.isalpha()]
        shouting = len(letters) >= self.config.min_letters and all(c.isupper() for c in letters)
        return RuleResult(self.name, self.version, 1.0 if shouting else 0.0, shouting)


def make_shouting_rule(config: ShoutingConfig) -> ShoutingRule:
    return ShoutingRule(config)


@dataclass(frozen=True)
class FakeEntryPoint:
    name: str
    value: str
    target: Any

    def load(self) -> Any:
        if isinstance(self.target, Exception):
            raise self.target
        return self.target


def fake_source(*entries: FakeEntryPoint) -> Any:
    def source(group: str) -> list[FakeEntryPoint]:
        assert group == "netiquette.components"
        return list(entries)

    return source


def test_a_packaged_component_registers_through_an_entry_point(tmp_path: Path) -> None:
    entry = FakeEntryPoint("zeitung.shouting.v1", "zeitung_rules:make_shouting_rule", None)
    entry = FakeEntryPoint(entry.name, entry.value, make_shouting_rule)
    assert load_entry_points(fake_source(entry)) == ["zeitung.shouting.v1"]
    assert get_component("zeitung.shouting.v1", "rule").factory is make_shouting_rule
    assert "zeitung.shouting.v1" in registered("rule")
    toml = PRIVATE_DATA.replace("private_data", "shouting").replace(
        'component = "netiquette.patterns.v1"', 'component = "zeitung.shouting.v1"'
    )
    toml = "\n".join(line for line in toml.splitlines() if not line.startswith("patterns"))
    pipeline = load_pipeline(site_file(tmp_path, toml + "\nmin_letters = 5\n"))
    assert pipeline.screen(ScreeningInput("DAS IST JA UNERHÖRT")).flags["shouting"]
    assert not pipeline.screen(ScreeningInput("Das ist ja unerhört")).flags["shouting"]


def test_a_broken_entry_point_names_itself() -> None:
    broken = FakeEntryPoint("zeitung.broken.v1", "zeitung_broken:make", ImportError("no numpy"))
    with pytest.raises(ConfigError, match=r"'zeitung.broken.v1' \(zeitung_broken:make\) failed"):
        load_entry_points(fake_source(broken))
    not_a_factory = FakeEntryPoint("zeitung.odd.v1", "zeitung_odd:make", lambda x, y: None)
    with pytest.raises(ConfigError, match=r"'zeitung\.odd\.v1'"):
        load_entry_points(fake_source(not_a_factory))
