"""A newsroom adds a house rule in its screening TOML, with no code change, and it works
everywhere: screening with evidence, the workspace's keys, API and bulk decisions, the
commenter's statement of reasons, the DSA export, reader reports, the transparency report, and
the Perspective/Coral mappings. Disabling a shipped rule takes it out everywhere too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from netiquette.accountability.dsa import validate
from netiquette.app import build_context, create_app
from netiquette.cli import app as cli
from netiquette.compat.coral import flag_actions, flag_reasons
from netiquette.errors import ConfigError
from netiquette.store.models import utcnow
from netiquette.web.context import AppContext
from tests.accountability.helpers import admin, decide, own_view, submit
from tests.conftest import CMS, make_context, make_settings
from tests.screening.test_house_rules_as_data import PRIVATE_DATA
from tests.web.views.conftest import csrf_of, login

PHONE = "Ruft ihn an: Tel. 0171 2345678, der erklärt euch die Stadtbahn."
AD = "Jetzt bestellen: www.billige-uhren-shop.com – nur heute 50 % Rabatt!"


def site_files(tmp_path: Path, screening: str) -> tuple[Path, Path]:
    """The site's screening TOML and a settings file pointing at it (for the CLI)."""
    rules = tmp_path / "screening-site.toml"
    rules.write_text(screening, encoding="utf-8")
    settings = tmp_path / "netiquette.toml"
    settings.write_text(f"screening_config = {json.dumps(str(rules))}\n", encoding="utf-8")
    return rules, settings


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[AppContext, Path, str]]:
    """An instance whose screening_config declares private_data (and nothing else changed)."""
    rules, settings = site_files(tmp_path, PRIVATE_DATA)
    url = f"sqlite:///{tmp_path / 'site.db'}"
    ctx = make_context(url, screening_config=str(rules), auto_approve=False, auto_reject=False)
    yield ctx, settings, url
    ctx.db.dispose()


def test_a_rule_declared_in_toml_works_end_to_end(
    site: tuple[AppContext, Path, str], tmp_path: Path
) -> None:
    ctx, settings, url = site
    assert ctx.house_rules.keys[-1] == "private_data"
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        mod = admin(client)
        submitted = submit(client, PHONE)
        assert submitted["status"] == "pending"

        # Screened with the number as evidence.
        status = client.get(f"/api/v1/comments/{submitted['id']}", headers=CMS).json()
        found = status["screening"]["private_data"]
        assert found["flag"] is True
        assert [e["text"] for e in found["evidence"]] == ["Tel. 0171 2345678"]

        # Shown in the workspace under key 6, with its label, and in the "?" help.
        login(client)
        page = client.get(f"/moderate/comments/{submitted['id']}")
        assert page.status_code == 200
        assert re.search(r'data-key="r6"><kbd>6</kbd> Private Daten</button>', page.text)
        assert "Veröffentlicht Telefonnummern oder Adressen anderer Menschen." in page.text
        assert "<kbd>6</kbd> Private Daten" in client.get("/moderate").text

        # A moderator rejects citing it through the API (admin holds the lease from the page).
        decide(client, mod, submitted["id"], "reject", "private_data")

        # The commenter's statement of reasons names it and carries its DSA category.
        statement = own_view(client, submitted)["statement_of_reasons"]
        assert statement["house_rules"] == [
            {
                "rule": "private_data",
                "label": {"de": "Private Daten", "en": "Private data"},
                "dsa_category": "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
            }
        ]
        assert "„Private Daten“" in statement["text"]["de"]
        assert "Veröffentlicht Telefonnummern" in statement["text"]["de"]
        assert statement["dsa"]["category"] == (
            "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
        )
        assert validate(statement["dsa"]) == []

        # Readers may report a published comment for it.
        published = submit(client, "Gute Entscheidung des Stadtrats.")
        decide(client, mod, published["id"], "approve")
        r = client.post(
            f"/api/v1/comments/{published['id']}/reports", json={"reason": "private_data"}
        )
        assert r.status_code == 201, r.text
        assert "private_data" in client.get("/api/v1/reports", headers=mod).json()["reasons"]

    # export-sor: the DSA lines pass the checks; netiquette report counts the rule.
    today = utcnow().date()
    first, last = str(today - timedelta(days=1)), str(today + timedelta(days=1))
    out = tmp_path / "sor.jsonl"
    common = ["--from", first, "--to", last, "--db", url, "--config", str(settings)]
    result = CliRunner().invoke(cli, ["export-sor", *common, "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1
    assert validate(lines[0]) == []
    assert lines[0]["category"] == "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
    assert "Private data (private_data)" in lines[0]["incompatible_content_ground"]
    report_file = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["report", *common, "--output", str(report_file)])
    assert result.exit_code == 0, result.output
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["rejections_by_rule"]["private_data"] == {"automatic": 0, "human": 1}
    html = CliRunner().invoke(cli, ["report", *common, "--format", "html"])
    assert html.exit_code == 0 and "Private Daten" in html.output


def test_bulk_decisions_cite_the_new_rule(site: tuple[AppContext, Path, str]) -> None:
    ctx, _, _ = site
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        ids = [submit(client, f"{PHONE} ({n})")["id"] for n in range(2)]
        csrf = login(client)
        confirm = client.post(
            "/moderate/bulk/confirm",
            data={"csrf": csrf, "ids": ids, "action": "reject", "reject_rule": "private_data"},
        )
        assert confirm.status_code == 200 and "6 Private Daten" in confirm.text
        items = re.findall(r'name="item" value="([^"]+)"', confirm.text)
        r = client.post(
            "/moderate/bulk",
            data={
                "csrf": csrf_of(confirm.text),
                "item": items,
                "action": "reject",
                "reject_rule": "private_data",
            },
        )
        assert r.status_code == 303 and "bulk%3A2%3A0" in r.headers["location"]
        for comment_id in ids:
            body = client.get(f"/api/v1/comments/{comment_id}", headers=CMS).json()
            assert body["status"] == "rejected"
            assert body["decision"]["rules"] == ["private_data"]


def test_perspective_and_coral_offer_only_what_the_spec_names(
    site: tuple[AppContext, Path, str],
) -> None:
    ctx, _, _ = site
    with TestClient(create_app(context=ctx)) as client:
        body = {"comment": {"text": PHONE}, "requestedAttributes": {"PRIVATE_DATA": {}}}
        r = client.post("/v1alpha1/comments:analyze", json=body, headers=CMS)
        assert r.status_code == 400
        assert "PRIVATE_DATA" in r.text and "INSULT" in r.text  # unknown; the known ones listed
    # No Coral reason in the spec: no FLAG (the rule travels in X-Netiquette-Rules).
    reasons = flag_reasons(ctx.house_rules)
    assert "private_data" not in reasons
    assert flag_actions(("private_data", "insult"), reasons) == [
        {"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}
    ]


def test_a_site_names_a_perspective_attribute_and_a_coral_reason(tmp_path: Path) -> None:
    toml = PRIVATE_DATA + 'perspective_attributes = ["PRIVATE_DATA"]\n'
    toml += 'coral_flag_reason = "COMMENT_DETECTED_OTHER"\n'
    rules, _ = site_files(tmp_path, toml)
    ctx = make_context(f"sqlite:///{tmp_path / 'p.db'}", screening_config=str(rules))
    with TestClient(create_app(context=ctx)) as client:
        body = {"comment": {"text": PHONE}, "requestedAttributes": {"PRIVATE_DATA": {}}}
        r = client.post("/v1alpha1/comments:analyze", json=body, headers=CMS)
        assert r.status_code == 200, r.text
        assert r.json()["attributeScores"]["PRIVATE_DATA"]["summaryScore"]["value"] == 0.5
    ctx.db.dispose()
    assert flag_reasons(ctx.house_rules)["private_data"] == "COMMENT_DETECTED_OTHER"


def test_a_disabled_rule_is_gone_everywhere(tmp_path: Path) -> None:
    rules, _ = site_files(tmp_path, "[rules.ad_link]\nenabled = false\n")
    ctx = make_context(f"sqlite:///{tmp_path / 'd.db'}", screening_config=str(rules))
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        mod = admin(client)
        submitted = submit(client, AD)
        status = client.get(f"/api/v1/comments/{submitted['id']}", headers=CMS).json()
        assert "ad_link" not in status["screening"]
        r = client.post(
            f"/api/v1/comments/{submitted['id']}/decision",
            json={"action": "reject", "rules": ["ad_link"]},
            headers=mod,
        )
        assert r.status_code == 422
        assert r.json()["error"]["field"] == "rules"
        assert "unknown house rule 'ad_link'" in r.json()["error"]["message"]
        login(client)
        page = client.get("/moderate").text
        assert "Werbe-Link" not in page
        assert "<kbd>4</kbd> Kein Bezug zum Artikel" in page  # keys close up
    ctx.db.dispose()


def test_a_rule_without_dsa_category_fails_at_start_up(tmp_path: Path) -> None:
    toml = PRIVATE_DATA.replace(
        'dsa_category = "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"\n', ""
    )
    rules, settings = site_files(tmp_path, toml)
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    with pytest.raises(ConfigError, match=r"\[rules\.private_data\] dsa_category: missing"):
        build_context(make_settings(url, screening_config=str(rules)))
    # The commands say so in one line and exit non-zero.
    result = CliRunner().invoke(cli, ["check", "Hallo", "--config", str(settings)])
    assert result.exit_code != 0
    first = ["report", "--from", "2026-01-01", "--to", "2026-01-02", "--db", url]
    result = CliRunner().invoke(cli, [*first, "--config", str(settings)])
    assert result.exit_code != 0
