"""One source of truth for the decision policy: the screening file, unless a visible override.

The shipped ``screening.toml`` says ``auto_reject = false``; before, the setting ``auto_reject``
(default on) silently won. Now the settings only override a switch when set explicitly, and the
effective policy (switches, who set them, thresholds per rule, version) is shown by
``netiquette settings``, ``GET /api/v1/settings`` and the dashboard.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app, site_pipeline
from netiquette.errors import ConfigError
from netiquette.screening import ScreeningInput
from netiquette.screening.pipeline import default_config_path, read_config
from netiquette.settings import load_settings
from tests.conftest import ADMIN_PASSWORD, make_context
from tests.web.views.conftest import login

# An insult the lexicon rejects with clear evidence: in the reject zone of the shipped model.
REJECTABLE = "Du bist ein Vollidiot."


def test_the_shipped_file_decides_when_no_setting_overrides() -> None:
    assert read_config()["policy"]["auto_reject"] is False  # what the file says …
    pipeline = site_pipeline(load_settings(environ={}))
    policy = pipeline.effective_policy()
    assert policy["auto_reject"] is False  # … is what the site does
    assert policy["auto_approve"] is True
    assert policy["sources"] == {
        "auto_approve": "shipped screening.toml",
        "auto_reject": "shipped screening.toml",
    }
    decision = pipeline.screen(ScreeningInput(REJECTABLE)).decision
    assert decision.outcome == "review"
    assert "auto-reject is off" in decision.reason


def test_an_explicit_setting_overrides_and_says_where_it_came_from() -> None:
    settings = load_settings(environ={"NETIQUETTE_AUTO_REJECT": "on"})
    assert settings.auto_reject == "on"
    assert settings.origin("auto_reject") == "NETIQUETTE_AUTO_REJECT"
    pipeline = site_pipeline(settings)
    policy = pipeline.effective_policy()
    assert policy["auto_reject"] is True
    assert "NETIQUETTE_AUTO_REJECT" in policy["sources"]["auto_reject"]
    assert policy["sources"]["auto_approve"] == "shipped screening.toml"
    assert pipeline.screen(ScreeningInput(REJECTABLE)).decision.outcome == "reject"


def test_a_sites_own_file_decides(tmp_path: Path) -> None:
    text = default_config_path().read_text(encoding="utf-8")
    site = tmp_path / "site.toml"
    site.write_text(text.replace("auto_approve = true", "auto_approve = false"), encoding="utf-8")
    settings = load_settings(environ={"NETIQUETTE_SCREENING_CONFIG": str(site)})
    policy = site_pipeline(settings).effective_policy()
    assert policy["auto_approve"] is False
    assert policy["sources"]["auto_approve"] == str(site)


@pytest.mark.parametrize(
    ("given", "stored"),
    [("on", "on"), ("OFF", "off"), ("true", "on"), ("0", "off"), ("", ""), (False, "off")],
)
def test_switch_settings_take_on_off_and_booleans(given: object, stored: str) -> None:
    assert load_settings(overrides={"auto_approve": given}, environ={}).auto_approve == stored


def test_a_bad_switch_value_names_the_setting() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"NETIQUETTE_AUTO_REJECT": "maybe"})
    assert info.value.field == "auto_reject"
    assert "on | off" in str(info.value)


def test_thresholds_per_rule_and_their_source_are_shown() -> None:
    policy = site_pipeline(load_settings(environ={})).effective_policy()
    thresholds = policy["thresholds"]
    assert set(thresholds) == {"insinuation", "insult", "aggression", "ad_link", "off_topic"}
    assert thresholds["ad_link"] == {
        "approve_at_or_below": 0.3,
        "reject_at_or_above": 0.7,
        "source": "[policy] thresholds",
    }
    # insult: approve zone calibrated on article comments, reject zone the model's own
    assert thresholds["insult"]["source"] == (
        "approve: model policy_calibration.json (shipped); reject: model meta.json (shipped)"
    )
    # The off-topic reject zone is closed: no score reaches it.
    assert thresholds["off_topic"]["reject_at_or_above"] >= 1.0
    assert policy["version"] == "thresholds-v2"


def test_cli_settings_prints_the_effective_policy() -> None:
    env = {**os.environ, "COLUMNS": "250", "NETIQUETTE_AUTO_REJECT": "on"}
    env.pop("NETIQUETTE_AUTO_APPROVE", None)
    done = subprocess.run(
        [sys.executable, "-m", "netiquette", "settings"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    _, _, policy = done.stdout.partition("effective policy thresholds-v2")
    rows = {line.strip("│ ").split()[0]: line for line in policy.splitlines() if "│" in line}
    assert " on " in rows["auto_reject"] and "NETIQUETTE_AUTO_REJECT" in rows["auto_reject"]
    assert " on " in rows["auto_approve"] and "shipped screening.toml" in rows["auto_approve"]
    assert "never" in rows["off_topic"]


def test_settings_endpoint_and_dashboard_show_the_effective_policy(tmp_path: Path) -> None:
    ctx = make_context(f"sqlite:///{tmp_path / 'p.db'}", auto_reject="")  # as the file says
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        token = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["token"]
        body = client.get("/api/v1/settings", headers={"Authorization": f"Bearer {token}"}).json()
        assert body["settings"]["auto_reject"] == ""
        assert body["policy"]["auto_reject"] is False
        assert body["policy"]["version"] == "thresholds-v2"
        login(client)
        page = client.get("/moderate/stats").text
        assert 'data-switch="auto_reject" data-on="false"' in page
        assert 'data-switch="auto_approve" data-on="true"' in page
        assert 'data-rule="off_topic"' in page
        assert "thresholds-v2" in page
    ctx.db.dispose()


def test_the_german_dashboard_names_switches_and_sources_in_german(tmp_path: Path) -> None:
    ctx = make_context(f"sqlite:///{tmp_path / 'p.db'}", auto_reject="on")
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        login(client)
        page = client.get("/moderate/stats", headers={"Accept-Language": "de"}).text
        row = page.split('data-switch="auto_reject"', 1)[1].split("</tr>", 1)[0]
        assert "automatische Ablehnung" in row
        # The override is named as such; the setting's name stays as written.
        assert "Einstellung auto_reject = an" in row
        rows = page.split("data-rule=")[1:]
        assert rows and all("</tr>" in r for r in rows)
        assert any("Modelldatei" in r.split("</tr>", 1)[0] for r in rows)
        assert not any(" (shipped)" in r.split("</tr>", 1)[0] for r in rows)
    ctx.db.dispose()
