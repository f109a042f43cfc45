"""A rejected comment's status link shows a statement of reasons, submittable to the EU as is."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from netiquette.accountability.dsa import validate
from netiquette.app import create_app
from netiquette.review.machine import Actor, perform
from netiquette.store.models import AuditEvent, Comment, HouseRuleText, StatementOfReasons
from netiquette.web.context import AppContext
from tests.accountability.helpers import CLEAN, INSULT, admin, decide, own_view, publish, submit
from tests.conftest import CMS, make_context

DSA_FIELDS = {
    "decision_visibility",
    "decision_ground",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "category",
    "content_type",
    "content_date",
    "application_date",
    "decision_facts",
    "source_type",
    "automated_detection",
    "automated_decision",
    "puid",
    "content_language",
    "territorial_scope",
}


def test_automatic_rejection_carries_a_complete_statement(client: TestClient) -> None:
    submitted = submit(client, INSULT)
    assert submitted["status"] == "rejected"
    view = own_view(client, submitted)
    assert view["status"] == "rejected" and view["public"] is False
    sor = view["statement_of_reasons"]
    dsa = sor["dsa"]
    assert set(dsa) >= DSA_FIELDS
    assert validate(dsa) == []
    assert dsa["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert dsa["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert dsa["category"] == "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    assert dsa["content_type"] == ["CONTENT_TYPE_TEXT"]
    assert dsa["source_type"] == "SOURCE_VOLUNTARY"
    assert dsa["automated_detection"] == "Yes"
    assert dsa["automated_decision"] == "AUTOMATED_DECISION_FULLY"
    assert dsa["territorial_scope"] == ["DE"] and dsa["content_language"] == "DE"
    assert "Insult (insult)" in dsa["incompatible_content_ground"]
    # The EU database is public: no quote of the comment, no name in it.
    assert "Vollidiot" not in str(dsa) and "Leserin" not in str(dsa)
    # The commenter reads the rule, the quoted evidence, who decided and how to contest.
    assert [r["rule"] for r in sor["house_rules"]] == ["insult"]
    assert sor["evidence"] == [{"rule": "insult", "text": "Vollidiot"}]
    assert sor["automated_detection"] is True and sor["automated_decision"] is True
    de, en = sor["text"]["de"], sor["text"]["en"]
    assert "„Schimpfwort“" in de and "„Vollidiot“" in de and "automatisch" in de
    assert "Einspruch einlegen" in de and "Art. 21 DSA" in de
    assert "“Insult”" in en and "“Vollidiot”" in en and "appeal" in en
    assert view["can_appeal"] is True and view["appeal"] is None
    # Asking again shows the same, stored statement.
    assert own_view(client, submitted)["statement_of_reasons"] == sor


def test_human_rejection_is_not_automated_and_illegal_marking_changes_the_ground(
    database_url: str,
) -> None:
    ctx: AppContext = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        submitted = submit(client, CLEAN)
        assert submitted["status"] == "pending"
        mod = admin(client)
        decide(client, mod, submitted["id"], "reject", "off_topic", "aggression")
        dsa = own_view(client, submitted)["statement_of_reasons"]["dsa"]
        assert dsa["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
        assert dsa["automated_detection"] == "No"
        assert dsa["category"] == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
        assert dsa["category_addition"] == ["STATEMENT_CATEGORY_OTHER_VIOLATION_TC"]
        assert validate(dsa) == []

        r = client.post(
            f"/api/v1/comments/{submitted['id']}/illegal",
            json={"legal_ground": "§ 241 StGB (Bedrohung)", "explanation": "Droht mit Gewalt."},
            headers=mod,
        )
        assert r.status_code == 200, r.text
        sor = own_view(client, submitted)["statement_of_reasons"]
        assert sor["illegal"] is True
        assert sor["dsa"]["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
        assert sor["dsa"]["illegal_content_legal_ground"] == "§ 241 StGB (Bedrohung)"
        assert "incompatible_content_ground" not in sor["dsa"]
        assert validate(sor["dsa"]) == []
        assert "rechtswidrig (§ 241 StGB (Bedrohung))" in sor["text"]["de"]
        # The legal ground is the moderator's free text: the chain keeps only its digest.
        events = client.get(f"/api/v1/audit?comment_id={submitted['id']}", headers=mod).json()
        marked = [e for e in events["events"] if e["event"] == "marked_illegal"]
        assert "Bedrohung" not in str(events) and "legal_ground" not in marked[0]["details"]
        assert (
            marked[0]["details"]["legal_ground_sha256"]
            == hashlib.sha256("§ 241 StGB (Bedrohung)".encode()).hexdigest()
        )
    ctx.db.dispose()


def test_a_rejection_after_a_notice_of_illegal_content_names_article_16(
    client: TestClient,
) -> None:
    mod = admin(client)
    submitted = publish(client, mod, CLEAN)
    r = client.post(
        f"/api/v1/comments/{submitted['id']}/reports",
        json={"reason": "illegal_content", "explanation": "Volksverhetzung, § 130 StGB"},
    )
    assert r.status_code == 201, r.text
    decide(client, mod, submitted["id"], "reject", "aggression")
    sor = own_view(client, submitted)["statement_of_reasons"]
    assert sor["dsa"]["source_type"] == "SOURCE_ARTICLE_16"
    assert "source_identity" not in sor["dsa"]
    assert "Leserin oder eines Lesers" in sor["text"]["de"]


def test_the_link_is_the_only_way_in(client: TestClient) -> None:
    submitted = submit(client, INSULT)
    assert submitted["status_token"].startswith("nqs_")
    assert submitted["public_status_url"].endswith(f"?token={submitted['status_token']}")
    base = f"/api/v1/public/comments/{submitted['id']}"
    wrong = client.get(base, params={"token": "nqs_" + "x" * 43})
    unknown = client.get("/api/v1/public/comments/nope", params={"token": "nqs_x"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["error"]["field"] == "token"
    assert client.get(base).status_code == 422
    # The CMS can fetch the statement too, to show it in its own pages.
    r = client.get(f"/api/v1/comments/{submitted['id']}/statement", headers=CMS)
    assert r.status_code == 200 and r.json()["dsa"]["puid"].startswith("netiquette-sor-")


def test_a_held_comment_shows_its_wait_and_no_statement(database_url: str) -> None:
    ctx: AppContext = make_context(database_url, auto_approve=False, staffing_hours="")
    with TestClient(create_app(context=ctx)) as client:
        submitted = submit(client, CLEAN)
        assert submitted["estimated_wait_seconds"] > 0
        view = own_view(client, submitted)
        assert view["status"] == "pending"
        assert view["estimated_wait_seconds"] > 0
        assert view["statement_of_reasons"] is None and view["can_appeal"] is False
        assert view["text"] == CLEAN
    ctx.db.dispose()


def _rows(ctx: AppContext) -> tuple[int, int]:
    with ctx.db.session() as session:
        statements = session.scalar(select(func.count(StatementOfReasons.id)))
        events = session.scalar(select(func.count(AuditEvent.id)))
    return int(statements or 0), int(events or 0)


def test_reading_a_statement_writes_nothing_and_later_rule_wording_changes_nothing(
    database_url: str,
) -> None:
    ctx: AppContext = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        submitted = submit(client, CLEAN)
        mod = admin(client)
        decide(client, mod, submitted["id"], "reject", "off_topic")
        before = _rows(ctx)
        assert before[0] == 1  # issued with the rejection, before anyone asked
        issued = own_view(client, submitted)["statement_of_reasons"]
        with ctx.db.session() as session:  # the newsroom rewords the rule afterwards
            session.add(
                HouseRuleText(
                    rule="off_topic", description_de="Neu formuliert.", description_en="Reworded."
                )
            )
        r = client.get(f"/api/v1/comments/{submitted['id']}/statement", headers=CMS)
        assert r.status_code == 200
        assert _rows(ctx) == before  # neither a statement nor an audit event was written
        assert r.json()["text"] == issued["text"] and "Neu formuliert" not in r.text
        # Marking it illegal re-renders it, still with the wording it was issued with.
        r = client.post(
            f"/api/v1/comments/{submitted['id']}/illegal",
            json={"legal_ground": "§ 185 StGB", "explanation": "Beleidigung"},
            headers=mod,
        )
        assert r.status_code == 200, r.text
        assert "Neu formuliert" not in r.text and "§ 185 StGB" in r.json()["text"]["de"]
    ctx.db.dispose()


def test_a_rejection_from_before_issuing_at_rejection_gets_its_statement_at_start(
    database_url: str,
) -> None:
    ctx: AppContext = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        submitted = submit(client, CLEAN)
    with ctx.db.session() as session:  # as an older version rejected: no statement issued
        comment = session.get(Comment, submitted["id"])
        assert comment is not None
        perform(session, comment, Actor("moderator", "admin"), "reject", rules=["insult"])
    assert _rows(ctx)[0] == 0
    with TestClient(create_app(context=ctx)) as client:
        sor = own_view(client, submitted)["statement_of_reasons"]
        assert [r["rule"] for r in sor["house_rules"]] == ["insult"]
        assert validate(sor["dsa"]) == []
    with ctx.db.session() as session:
        late = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "statement_issued")
        ).one()
        assert late.details["late"] is True
    ctx.db.dispose()
