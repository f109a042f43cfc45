"""Erased means erased on disk: after ``erase-author`` no SQLite file holds the text or name.

Before issue 11 the write-ahead log kept the erased texts and names until a manual checkpoint,
and the main file was clean only where the SQLite build happened to default to secure_delete.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from netiquette.cli import app
from netiquette.review.intake import NewComment
from tests.conftest import make_context
from tests.fakes import ScriptedPipeline

MARK_TEXT = "Zebrafinkenwurstbrot"  # occurs nowhere else
MARK_NAME = "Quarkwabbelina"


def _files(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_erase_author_leaves_no_trace_of_text_or_name_in_any_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    ctx = make_context(f"sqlite:///{db}")
    ctx.intake.pipeline = ScriptedPipeline()
    from netiquette.store.models import Article

    with ctx.db.session() as session:
        session.add(Article(id="a", title="Stadtbahn", body="Die Linie 7 kommt."))
    for n in range(3):
        text = f"Kommentar {n}: {MARK_TEXT} {'x' * 500} [reject]"
        ctx.intake.submit(NewComment("a", "leserin-7", MARK_NAME, text, id=f"c{n}"), "cms:test")
    ctx.intake.submit(NewComment("a", "other", "Bert", "Bleibt stehen.", id="keep"), "cms:test")
    assert MARK_TEXT.encode() in _files(db)  # the test can see the text where it lies
    ctx.db.dispose()

    result = CliRunner().invoke(
        app, ["erase-author", "leserin-7", "--yes", "--db", f"sqlite:///{db}"]
    )
    assert result.exit_code == 0, result.output
    on_disk = _files(db)
    for mark in (MARK_TEXT, MARK_NAME):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert mark.encode(encoding) not in on_disk, f"{mark} still on disk ({encoding})"
    assert b"Bleibt stehen." in on_disk  # other authors' comments are untouched
