"""The audit log is tamper-evident: a direct edit of a row is found and named."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from netiquette.accountability.config import AccountabilityConfig
from netiquette.cli import app
from netiquette.review.audit import verify_chain
from netiquette.review.decide import decide
from netiquette.review.intake import Intake, NewComment
from netiquette.review.machine import Actor
from netiquette.store.db import Database
from netiquette.store.models import Article, Comment
from tests.fakes import ScriptedPipeline


def _database_with_history(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    db.migrate()
    with db.session() as session:
        session.add(Article(id="a", body="Artikel"))
    intake = Intake(db, ScriptedPipeline(), 10_000, 600)
    for n, outcome in enumerate(["review", "reject", "approve", "review"]):
        intake.submit(
            NewComment(
                article_id="a",
                author_id="u",
                author_name="U",
                text=f"Text {n} [{outcome}]",
                id=f"c{n}",
            ),
            submitter="cms:test",
        )
    with db.session() as session:
        comment = session.get(Comment, "c0")
        assert comment is not None
        decide(
            session,
            comment,
            Actor("moderator", "anna"),
            "approve",
            config=AccountabilityConfig(),
            source="api",
            note="ok",
        )
    return db


def test_chain_verifies_then_names_the_edited_event(tmp_path: Path) -> None:
    db = _database_with_history(tmp_path / "a.db")
    with db.session() as session:
        report = verify_chain(session)
    assert report.ok
    # 4 received + 4 policy transitions + the automatic rejection's statement of reasons
    # + 1 moderator decision
    assert report.events == 10

    with db.engine.begin() as conn:
        target = conn.execute(
            text("SELECT id FROM audit_events WHERE event = 'approved' AND comment_id = 'c0'")
        ).scalar_one()
        conn.execute(
            text("UPDATE audit_events SET actor = 'moderator:mallory' WHERE id = :id"),
            {"id": target},
        )
    with db.session() as session:
        report = verify_chain(session)
    assert not report.ok
    assert report.broken_event_id == target
    assert "changed" in report.problem


def test_removed_event_is_found(tmp_path: Path) -> None:
    db = _database_with_history(tmp_path / "b.db")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    with db.session() as session:
        report = verify_chain(session)
    assert not report.ok
    assert report.broken_seq == 4


def test_cli_verify_exit_codes(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    db = _database_with_history(path)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--db", str(path)])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET details = '{}' WHERE seq = 2"))
    bad = runner.invoke(app, ["audit", "verify", "--db", str(path)])
    assert bad.exit_code == 1
    assert "number 2" in bad.output
