"""export-sor writes JSON lines that validate against the schema of the DSA database's rules."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from netiquette.accountability.dsa import SCHEMA, validate
from netiquette.app import create_app
from netiquette.cli import app as cli
from netiquette.store.models import utcnow
from tests.accountability.helpers import CLEAN, INSULT, admin, decide, submit
from tests.conftest import make_context

VALID: dict[str, Any] = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "House rules: Insult (insult)",
    "incompatible_content_explanation": "Abuses people with slurs.",
    "content_type": ["CONTENT_TYPE_TEXT"],
    "category": "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "content_date": "2025-03-01",
    "application_date": "2025-03-01",
    "decision_facts": "A comment was screened and rejected.",
    "source_type": "SOURCE_VOLUNTARY",
    "automated_detection": "Yes",
    "automated_decision": "AUTOMATED_DECISION_FULLY",
    "puid": "netiquette-sor-1",
    "territorial_scope": ["DE", "AT"],
    "content_language": "DE",
}


def test_exported_statements_validate(database_url: str, tmp_path: Path) -> None:
    ctx = make_context(database_url, auto_approve=False, house_rules_url="https://example.org/r")
    with TestClient(create_app(context=ctx)) as client:
        mod = admin(client)
        auto = submit(client, INSULT)
        human = submit(client, CLEAN)
        decide(client, mod, human["id"], "reject", "ad_link", "off_topic")
        illegal = submit(client, CLEAN + " Noch einer.")
        decide(client, mod, illegal["id"], "reject", "aggression")
        r = client.post(
            f"/api/v1/comments/{illegal['id']}/illegal",
            json={"legal_ground": "§ 130 StGB", "explanation": "Volksverhetzung."},
            headers=mod,
        )
        assert r.status_code == 200
        # Local days of Europe/Berlin: a day either side covers any hour of the test run.
        today = utcnow().date()
        first, last = str(today - timedelta(days=1)), str(today + timedelta(days=1))
        out = tmp_path / "sor.jsonl"
        result = CliRunner().invoke(
            cli,
            [
                *("export-sor", "--from", first, "--to", last, "--output", str(out)),
                *("--db", database_url, "--config", str(_config(tmp_path))),
            ],
        )
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ctx.db.dispose()
    assert len(lines) == 3
    assert [validate(line) for line in lines] == [[], [], []]
    grounds = [line["decision_ground"] for line in lines]
    assert grounds == [
        "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "DECISION_GROUND_ILLEGAL_CONTENT",
    ]
    assert lines[0]["decision_ground_reference_url"] == "https://example.org/r"
    assert lines[1]["category"] == "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    assert len({line["puid"] for line in lines}) == 3
    assert auto["id"] not in json.dumps(lines)  # no comment ids or texts go to the EU


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "netiquette.toml"
    path.write_text('house_rules_url = "https://example.org/r"\n', encoding="utf-8")
    return path


def test_the_schema_is_plain_json_schema() -> None:
    assert SCHEMA["$schema"].endswith("2020-12/schema")
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA
    assert validate(VALID) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"category": "STATEMENT_CATEGORY_RUDENESS"}, "category must be one of"),
        ({"puid": "has spaces"}, "puid does not match"),
        ({"content_date": "1999-12-31"}, "content_date does not match"),
        ({"application_date": "2025-02-30"}, "application_date is not a date"),
        ({"decision_facts": "x" * 5001}, "longer than 5000"),
        ({"territorial_scope": ["US"]}, "territorial_scope[0] must be one of"),
        ({"automated_detection": True}, "automated_detection must be one of"),
        ({"decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT"}, "illegal_content_legal_ground"),
        ({"source_identity": "Leserin"}, "must not match"),
        ({"color": "red"}, "color is not a field"),
        ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
    ],
)
def test_the_validator_refuses_what_the_database_refuses(
    change: dict[str, Any], problem: str
) -> None:
    errors = validate({**VALID, **change})
    assert any(problem in e for e in errors), errors


def test_a_statement_without_a_decision_field_is_refused() -> None:
    statement = {k: v for k, v in VALID.items() if k != "decision_visibility"}
    assert any("none of the alternatives" in e for e in validate(statement))
    assert "puid is required" in validate({k: v for k, v in VALID.items() if k != "puid"})
