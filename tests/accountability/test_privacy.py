"""After erase-author no text or name of the author is left anywhere; the audit chain holds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from netiquette.app import create_app
from netiquette.cli import app as cli
from netiquette.review.intake import text_hash
from netiquette.store.models import Base, Comment, Decision, FeedbackExample, utcnow
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
SECRETS = [REJECTED, HELD, PUBLISHED, APPEAL, REPORT, CONTACT, NAME, "Vollidiot"]


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
    held = submit(client, HELD, author=AUTHOR)
    decide(client, mod, held["id"], "reject", "off_topic")
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
