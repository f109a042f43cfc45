"""After erase-author no text or name of the author is left anywhere; the audit chain holds."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.privacy import erase_author
from netiquette.accountability.pseudonyms import installation_key
from netiquette.app import create_app
from netiquette.cli import app as cli
from netiquette.review.intake import text_hash
from netiquette.store.models import (
    AuditEvent,
    Base,
    Comment,
    Decision,
    FeedbackExample,
    utcnow,
)
from netiquette.web.context import AppContext
from tests.accountability.helpers import CLEAN, admin, decide, own_view, submit
from tests.conftest import make_context

NAME = "Mara Quellbach"
AUTHOR = {"id": "cms-user-4711", "name": NAME}
REJECTED = "Mara meint: Wer dafür stimmt, ist ein Vollidiot."
HELD = "Maras zweiter Gedanke: die Haltestelle Nordheim-Süd fehlt im Plan."
PUBLISHED = "Maras dritter Kommentar: Die Linie 7 ist eine gute Nachricht für Nordheim."
APPEAL = "Maras Widerspruch: Das war überspitzt, aber keine Beleidigung von Personen."
REPORT = "Maras Meldung: Dieser Kommentar verbreitet Falschbehauptungen über den Stadtrat."
CONTACT = "mara.quellbach@example.org"
# What moderators wrote about her comments (a note, the reason on her appeal) quotes and names her.
NOTE = "Mara Quellbach schon wieder: „die Haltestelle Nordheim-Süd fehlt“"
OUTCOME = "Frau Quellbach, „Vollidiot“ bleibt eine Beleidigung."
SECRETS = [REJECTED, HELD, PUBLISHED, APPEAL, REPORT, CONTACT, NAME, "Vollidiot", NOTE, OUTCOME]


def _everything(ctx: AppContext) -> str:
    """Every value of every row of every table, as one string."""
    parts: list[str] = []
    with ctx.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def _history(ctx: AppContext, client: TestClient) -> None:
    mod = admin(client)
    rejected = submit(client, REJECTED, author=AUTHOR)
    assert rejected["status"] == "rejected"
    assert own_view(client, rejected)["statement_of_reasons"]["evidence"]
    r = client.post(
        f"/api/v1/public/comments/{rejected['id']}/appeal",
        json={"text": APPEAL, "token": rejected["status_token"]},
    )
    assert r.status_code == 201
    appeal_id = client.get("/api/v1/appeals", headers=mod).json()["appeals"][0]["id"]
    r = client.post(
        f"/api/v1/appeals/{appeal_id}/decision",
        json={"outcome": "upheld", "reason": OUTCOME},
        headers=mod,
    )
    assert r.status_code == 200, r.text
    held = submit(client, HELD, author=AUTHOR)
    r = client.post(
        f"/api/v1/comments/{held['id']}/decision",
        json={"action": "reject", "rules": ["off_topic"], "note": NOTE},
        headers=mod,
    )
    assert r.status_code == 200, r.text
    own_view(client, held)
    published = submit(client, PUBLISHED, author=AUTHOR)
    decide(client, mod, published["id"], "approve")
    other = submit(client, CLEAN, author={"id": "someone-else", "name": "Jo"})
    decide(client, mod, other["id"], "approve")
    r = client.post(
        f"/api/v1/comments/{other['id']}/reports",
        json={
            "reason": "insinuation",
            "explanation": REPORT,
            "reader_id": AUTHOR["id"],
            "contact": CONTACT,
        },
    )
    assert r.status_code == 201
    with ctx.db.session() as session:
        session.add(
            FeedbackExample(
                source="perspective",
                submitter="cms:cms",
                text=PUBLISHED,
                text_sha256=text_hash(PUBLISHED),
                context=[],
                languages=["de"],
                labels={"TOXICITY": 0.0},
                rule_labels={},
            )
        )


def test_erase_author_leaves_no_trace_and_a_valid_chain(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    runner = CliRunner()
    with TestClient(create_app(context=ctx)) as client:
        _history(ctx, client)
        before = _everything(ctx)
        assert all(secret in before for secret in SECRETS)

        result = runner.invoke(cli, ["erase-author", AUTHOR["id"], "--yes", "--db", database_url])
        assert result.exit_code == 0, result.output
        assert "comments: 3" in result.output

        after = _everything(ctx)
        assert [s for s in SECRETS if s in after] == []
        # No plain digest of the author id either (anyone could confirm a guessed id with it):
        # the chain and the pseudonym carry a keyed HMAC.
        assert hashlib.sha256(AUTHOR["id"].encode()).hexdigest()[:24] not in after
        assert "notes: 3" in result.output  # two notes on decisions, one appeal reason
        with ctx.db.session() as session:
            authors = set(session.scalars(select(Comment.author_id)))
        assert AUTHOR["id"] not in authors and "someone-else" in authors
        # Other people's comments are untouched; the author's held comment is still decidable.
        assert CLEAN in after

        verified = runner.invoke(cli, ["audit", "verify", "--db", database_url])
        assert verified.exit_code == 0, verified.output
        assert "chain intact" in verified.output
        # Erasing again finds the same (already empty) rows and still verifies.
        again = runner.invoke(cli, ["erase-author", AUTHOR["id"], "--yes", "--db", database_url])
        assert again.exit_code == 0 and "comments: 3" in again.output

        with ctx.db.engine.begin() as conn:
            conn.execute(
                text("UPDATE audit_events SET actor = 'moderator:mallory' WHERE event = 'appealed'")
            )
        broken = runner.invoke(cli, ["audit", "verify", "--db", database_url])
        assert broken.exit_code == 1
        assert "content was changed" in broken.output
    ctx.db.dispose()


def test_retention_deletes_old_rejected_texts_only(database_url: str, tmp_path: Path) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        mod = admin(client)
        old, recent, appealed, kept = (
            submit(client, f"Kommentar {n} zur Linie 7 und zu Nordheim.") for n in range(4)
        )
        for c in (old, recent, appealed):
            decide(client, mod, c["id"], "reject", "off_topic")
        decide(client, mod, kept["id"], "approve")
        r = client.post(
            f"/api/v1/public/comments/{appealed['id']}/appeal",
            json={"text": "Bitte noch einmal ansehen.", "token": appealed["status_token"]},
        )
        assert r.status_code == 201
        long_ago = utcnow() - timedelta(days=40)
        with ctx.db.session() as session:
            for c in (old, appealed, kept):
                session.execute(
                    update(Comment).where(Comment.id == c["id"]).values(decided_at=long_ago)
                )
                session.execute(
                    update(Decision)
                    .where(Decision.comment_id == c["id"])
                    .values(created_at=long_ago)
                )
        result = CliRunner().invoke(cli, ["retention", "run", "--days", "30", "--db", database_url])
        assert result.exit_code == 0, result.output
        assert "texts removed from 1 rejected comments" in result.output
        texts = {c["id"]: own_view(client, c) for c in (old, recent, appealed, kept)}
        assert texts[old["id"]]["text"] == "" and texts[old["id"]]["text_removed"] is True
        assert texts[old["id"]]["statement_of_reasons"]["evidence"] == []
        assert texts[recent["id"]]["text"].startswith("Kommentar 1")
        assert texts[appealed["id"]]["text"].startswith("Kommentar 2")  # the appeal is open
        assert texts[kept["id"]]["text"].startswith("Kommentar 3")  # published stays
        verified = CliRunner().invoke(cli, ["audit", "verify", "--db", database_url])
        assert verified.exit_code == 0, verified.output
    ctx.db.dispose()


def _example(text: str, context: list[str] | None = None) -> FeedbackExample:
    return FeedbackExample(
        source="perspective",
        submitter="cms:cms",
        text=text,
        text_sha256=text_hash(text),
        context=context or [],
        languages=["de"],
        labels={"TOXICITY": 0.0},
        rule_labels={},
    )


def test_erasure_drops_only_feedback_that_is_exactly_the_authors(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        submit(client, "Ja", author=AUTHOR)
        with ctx.db.session() as session:
            session.add_all(
                [
                    _example("Ja"),  # her comment, sent back for retraining
                    _example("Genau so.", context=["Ja"]),  # her comment as context
                    _example("Ja, genau so sehe ich das auch."),  # someone else's
                    _example("Nein.", context=["Ja, aber nicht heute."]),
                    _example("Jahrelang wurde geplant.", context=["Janina meint: Ja"]),
                ]
            )
        with ctx.db.session() as session:
            removal = erase_author(session, AUTHOR["id"], "admin", AccountabilityConfig())
        assert removal.feedback_examples == 2
        with ctx.db.session() as session:
            left = sorted(session.scalars(select(FeedbackExample.text)))
        assert left == ["Ja, genau so sehe ich das auch.", "Jahrelang wurde geplant.", "Nein."]
    ctx.db.dispose()


def test_author_ids_in_the_chain_are_keyed_per_installation(
    database_url: str, tmp_path: Path
) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        submitted = submit(client, HELD, author=AUTHOR)
        with ctx.db.session() as session:
            key = installation_key(session)
            assert key == installation_key(session) and len(key) == 32
            received = session.scalars(
                select(AuditEvent).where(
                    AuditEvent.comment_id == submitted["id"], AuditEvent.event == "received"
                )
            ).one()
            digest = hmac.new(key, AUTHOR["id"].encode(), hashlib.sha256).hexdigest()
            assert received.details["author_hmac"] == digest
            assert "author_sha256" not in received.details
            # Comments erased by earlier versions carry the unkeyed pseudonym: found and re-keyed.
            comment = session.get(Comment, submitted["id"])
            assert comment is not None
            comment.author_id = "erased:" + hashlib.sha256(AUTHOR["id"].encode()).hexdigest()[:24]
        with ctx.db.session() as session:
            removal = erase_author(session, AUTHOR["id"], "admin", AccountabilityConfig())
            assert removal.comments == 1
            comment = session.get(Comment, submitted["id"])
            assert comment is not None and comment.author_id == "erased:" + digest[:24]
            erased = session.scalars(
                select(AuditEvent).where(AuditEvent.event == "author_erased")
            ).one()
            assert erased.details["author_hmac"] == digest
    other = make_context(f"sqlite:///{tmp_path / 'other.db'}")
    with other.db.session() as session:
        assert installation_key(session) != key  # every installation has its own
    other.db.dispose()
    ctx.db.dispose()
