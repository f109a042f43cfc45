"""The command line: readable tables, the screen contract, one-line errors with exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from netiquette.cli import app
from netiquette.importer import dump_records
from netiquette.store.db import Database
from netiquette.store.models import Comment, User

runner = CliRunner()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real entry point, as a user would (exit codes and stderr included)."""
    return subprocess.run(
        [sys.executable, "-m", "netiquette", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "250"},
    )


def test_check_prints_a_row_per_house_rule() -> None:
    result = runner.invoke(
        app, ["check", "Du bist ein Vollpf0sten, schau auf www.billig-uhren.biz"]
    )
    assert result.exit_code == 0, result.output
    for rule in ("insinuation", "insult", "aggression", "ad_link", "off_topic"):
        assert rule in result.output
    assert "Vollpf0sten" in result.output
    assert "would be rejected by insult, ad_link; auto-reject is off" in result.output


def test_screen_writes_one_line_per_input_in_order(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        {"id": "x1", "text": "Sachlich und gut recherchiert, danke."},
        {"id": 2, "text": "Was für ein A****loch.", "article_text": "Ein Artikel über Brücken."},
        {"id": "x3", "text": "Mehr unter www.super-rabatt-shop.biz, nur 19,99 €!"},
    ]
    src.write_text(dump_records(lines), encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    result = _cli("screen", "--input", str(src), "--output", str(dst), "--no-progress")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == ["x1", 2, "x3"]
    assert out[0]["reject"] is False
    assert out[1]["flags"]["insult"] is True
    assert out[1]["evidence"][0]["text"] == "A****loch"
    assert out[2]["flags"]["ad_link"] is True
    for o in out:
        assert set(o) >= {"id", "decision", "reject", "flags", "scores", "evidence"}
        assert set(o["flags"]) == {"insinuation", "insult", "aggression", "ad_link", "off_topic"}


def test_screen_bad_line_is_one_readable_line_and_nonzero(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "ok", "text": "Gut."}\n{"id": "b", "text": 5}\n', encoding="utf-8")
    result = _cli("screen", "--input", str(src), "--output", str(tmp_path / "o.jsonl"))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "line 2" in last
    assert "Traceback" not in result.stderr
    missing = _cli("screen", "--input", str(tmp_path / "nope.jsonl"))
    assert missing.returncode != 0
    assert "Traceback" not in missing.stderr


def test_screen_reads_stdin_and_writes_stdout() -> None:
    # A CMS pipes comments through: `... | netiquette screen --input - > results.jsonl`.
    lines = dump_records(
        [
            {"id": "a", "text": "Danke für den Bericht über die Brücke."},
            {"id": "b", "text": "Ich bring dich um, du Ratte."},
        ]
    )
    result = subprocess.run(
        [sys.executable, "-m", "netiquette", "screen", "--input", "-", "--no-progress"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert out[0]["reject"] is False
    assert out[1]["flags"]["aggression"] is True


def test_import_users_and_settings(tmp_path: Path) -> None:
    db = tmp_path / "imp.db"
    data = tmp_path / "data.jsonl"
    data.write_text(
        dump_records(
            [
                {"id": "art1", "title": "Brücke", "text": "Die neue Brücke ist eröffnet worden."},
                {
                    "id": "k1",
                    "article_id": "art1",
                    "author": {"id": "u1", "name": "Ute"},
                    "text": "Schön, dass die Brücke endlich fertig ist.",
                },
                {
                    "id": "k2",
                    "article_id": "art1",
                    "parent_id": "k1",
                    "author": {"id": "u2", "name": "Ralf"},
                    "text": "Du Vollidiot.",
                },
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(data), "--db", str(db)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["import", str(data), "--db", str(db)])
    assert "2 already present" in again.output
    database = Database(f"sqlite:///{db}")
    with database.session() as session:
        states = {c.id: c.state for c in session.query(Comment)}
    assert set(states) == {"k1", "k2"}
    # The shipped screening file leaves rejections to a human (auto_reject = false).
    assert states["k2"] == "pending"

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "k9", "article_id": "art1", "text": "ohne Autor"}\n', encoding="utf-8")
    failed = _cli("import", str(bad), "--db", str(db))
    assert failed.returncode != 0
    assert "line 1" in failed.stderr and "author" in failed.stderr

    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "anna",
            "--role",
            "moderator",
            "--password",
            "lang-genug-123",
            "--db",
            str(db),
        ],
    )
    assert added.exit_code == 0, added.output
    with database.session() as session:
        assert session.query(User).filter_by(username="anna").one().role == "moderator"
    short = _cli("users", "add", "ben", "--password", "kurz", "--db", str(db))
    assert short.returncode != 0 and "8 characters" in short.stderr

    listing = _cli("settings")
    assert "max_comment_chars" in listing.stdout and "NETIQUETTE_DATABASE_URL" in listing.stdout


def test_worker_refuses_a_negative_yield_threshold_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "NETIQUETTE_WORKER_YIELD_ABOVE": "-5"}
    result = subprocess.run(
        [sys.executable, "-m", "netiquette", "worker", "--db", f"sqlite:///{tmp_path}/w.db"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode != 0
    assert "worker_yield_above must not be negative" in result.stderr
    assert "Traceback" not in result.stderr
