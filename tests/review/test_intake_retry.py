"""A comment left unscreened (its first answer was an error) is screened when the CMS retries."""

from __future__ import annotations

from pathlib import Path

from netiquette.review.intake import Intake, NewComment, text_hash
from netiquette.store.db import Database
from netiquette.store.models import Article, Comment
from tests.fakes import ScriptedPipeline


def test_retry_of_an_unscreened_comment_screens_it(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.migrate()
    with db.session() as session:
        session.add(Article(id="a", body="Artikel"))
    intake = Intake(db, ScriptedPipeline(), 10_000, 600)
    new = NewComment(article_id="a", author_id="u", author_name="U", text="Hallo [reject]", id="c1")
    # The first attempt got as far as storing the comment, then its process died.
    with db.session() as session:
        intake._store(session, "c1", new, new.text, text_hash(new.text), "0" * 64, "cms:test")
    again = intake.submit(new, submitter="cms:test")
    assert again.state == "rejected"
    assert not again.created
    with db.session() as session:
        comment = session.get(Comment, "c1")
        assert comment is not None and comment.state == "rejected"
    db.dispose()
