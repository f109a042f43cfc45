"""``netiquette import-decisions``: a newsroom's past verdicts, checked line by line, idempotent.

The decisions files are written here (invented comments on an invented article).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.privacy import run_retention
from netiquette.errors import InputError
from netiquette.learning.history import check_line, read_history, write_history
from netiquette.screening.houserules import shipped_house_rules
from netiquette.store.db import Database
from netiquette.store.models import SiteExample

RULES = shipped_house_rules()
HISTORY: list[dict[str, Any]] = [
    {
        "id": "alt-1",
        "text": "Die neue Fußgängerzone ist ein Gewinn für die Innenstadt.",
        "decision": "approve",
        "article_id": "fz-2019",
        "article_text": "Die Fußgängerzone in der Lindenstraße wird im Mai eröffnet.",
        "decided_at": "2019-04-02T10:15:00Z",
    },
    {
        "id": "alt-2",
        "text": "Wer das geplant hat, ist ein kompletter Trottel.",
        "decision": "reject",
        "rules": ["insult"],
        "article_id": "fz-2019",
        "decided_at": "2019-04-02T11:00:00+02:00",
    },
    {
        "id": 3,
        "text": "Günstige Sonnenbrillen gibt es bei brillen-billig.example!",
        "decision": "reject",
        "rules": ["ad_link"],
    },
]


def _write(path: Path, records: list[dict[str, Any]], *extra_lines: str) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netiquette", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "250"},
    )


def _rows(url: str, site: str = "zeitung") -> list[tuple[str, str, list[str], str]]:
    db = Database(url)
    with db.session() as session:
        rows = session.scalars(
            select(SiteExample).where(SiteExample.site == site).order_by(SiteExample.example_id)
        ).all()
        out = [(r.example_id, r.label, list(r.rules), r.source) for r in rows]
    db.dispose()
    return out


def test_the_command_imports_reports_counts_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    history = _write(tmp_path / "history.jsonl", HISTORY)
    first = _cli("import-decisions", "--site", "zeitung", str(history), "--db", url)
    assert first.returncode == 0, first.stderr
    assert "new: 3, unchanged: 0, updated: 0" in first.stderr
    assert _rows(url) == [
        ("3", "reject", ["ad_link"], "import"),
        ("alt-1", "approve", [], "import"),
        ("alt-2", "reject", ["insult"], "import"),
    ]
    again = _cli("import-decisions", "--site", "zeitung", str(history), "--db", url)
    assert "new: 0, unchanged: 3, updated: 0" in again.stderr
    assert len(_rows(url)) == 3

    changed = [dict(HISTORY[0]), {**HISTORY[1], "decision": "approve", "rules": []}, HISTORY[2]]
    changed.append({"id": "alt-4", "text": "Endlich mehr Bänke.", "decision": "approve"})
    third = _cli(
        "import-decisions", "--site", "zeitung", str(_write(history, changed)), "--db", url
    )
    assert "new: 1, unchanged: 2, updated: 1" in third.stderr
    assert ("alt-2", "approve", [], "import") in _rows(url)
    assert _rows(url, "default") == []  # another site's examples are untouched


def test_a_bad_line_writes_nothing_and_names_line_and_field(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    bad = {"id": "alt-9", "text": "Hallo", "decision": "reject", "rules": ["spam"]}
    history = _write(tmp_path / "history.jsonl", [*HISTORY, bad])
    result = _cli("import-decisions", "--site", "zeitung", str(history), "--db", url)
    assert result.returncode == 2
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert "line 4: rules: 'spam' is not a house rule" in message
    assert _rows(url) == []  # the three good lines before it were not written either


def test_a_bad_site_name_is_refused(tmp_path: Path) -> None:
    history = _write(tmp_path / "history.jsonl", HISTORY)
    url = f"sqlite:///{tmp_path / 'n.db'}"
    result = _cli("import-decisions", "--site", "Zeitung Nord!", str(history), "--db", url)
    assert result.returncode == 2 and "--site" in result.stderr


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "line 7: line: not valid JSON"),
        ("[1, 2]", "line 7: line: must be a JSON object"),
        ('{"text": "Hallo", "decision": "approve"}', "line 7: id: is missing"),
        ('{"id": "", "text": "Hallo", "decision": "approve"}', "line 7: id: must be a non-empty"),
        ('{"id": "x", "decision": "approve"}', "line 7: text: is missing"),
        ('{"id": "x", "text": "Hallo", "decision": "maybe"}', "line 7: decision: must be"),
        ('{"id": "x", "text": "Hallo"}', "line 7: decision: must be"),
        ('{"id": "x", "text": "Hal\\u0000lo", "decision": "approve"}', "text: contains the"),
        ('{"id": "x", "text": "Hallo", "decision": "reject", "rules": "insult"}', "rules: must"),
        ('{"id": "x", "text": "Hallo", "decision": "approve", "rules": ["insult"]}', "approval"),
        ('{"id": "x", "text": "Hallo", "decision": "approve", "decidet": 1}', "decidet: is not"),
        ('{"id": "x", "text": "Hallo", "decision": "approve", "decided_at": "gestern"}', "ISO"),
        ('{"id": "x", "text": "Hallo", "decision": "approve", "article_id": 5}', "article_id"),
    ],
)
def test_every_field_is_checked(line: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        check_line(line.encode("utf-8"), 7, RULES, max_chars=10_000)
    assert expected in caught.value.message


def test_long_texts_duplicate_ids_and_bad_bytes_are_named(tmp_path: Path) -> None:
    long = _write(tmp_path / "long.jsonl", [{"id": "x", "text": "a" * 51, "decision": "approve"}])
    with pytest.raises(InputError, match="line 1: text: has 51 characters; the limit is 50"):
        read_history(long, RULES, max_chars=50, progress=False)
    twice = _write(tmp_path / "twice.jsonl", [HISTORY[0], HISTORY[1], HISTORY[0]])
    with pytest.raises(InputError, match="line 3: id: 'alt-1' is on line 1 too"):
        read_history(twice, RULES, progress=False)
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes('{"id": "x", "text": "Grüße", "decision": "approve"}\n'.encode("latin-1"))
    with pytest.raises(InputError, match="line 1: line: not valid UTF-8"):
        read_history(latin1, RULES, progress=False)
    with pytest.raises(InputError, match="does not exist"):
        read_history(tmp_path / "missing.jsonl", RULES, progress=False)


def test_dates_and_a_live_label_are_kept(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    db.migrate()
    lines = read_history(_write(tmp_path / "h.jsonl", HISTORY), RULES, progress=False)
    with db.session() as session:
        session.add(
            SiteExample(
                site="zeitung",
                example_id="alt-1",
                text="live",
                text_sha256="0" * 64,
                label="reject",
                rules=["insult"],
                source="moderator",
                decided_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
        )
    with db.session() as session:
        counts = write_history(session, "zeitung", lines, progress=False)
    assert counts.as_dict() == {"new": 2, "unchanged": 0, "updated": 0, "kept_live": 1}
    with db.session() as session:
        stored = {r.example_id: r for r in session.scalars(select(SiteExample))}
        assert stored["alt-1"].text == "live"
        assert stored["alt-2"].decided_at == datetime(2019, 4, 2, 9, 0, tzinfo=UTC)
        undated = stored["3"].decided_at
    with db.session() as session:  # re-import: an undated line keeps its first date
        assert write_history(session, "zeitung", lines, progress=False).unchanged == 2
        assert (
            session.scalars(
                select(SiteExample.decided_at).where(SiteExample.example_id == "3")
            ).one()
            == undated
        )
    db.dispose()


def test_retention_removes_imported_rejections_older_than_its_cutoff(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    db.migrate()
    lines = read_history(_write(tmp_path / "h.jsonl", HISTORY), RULES, progress=False)
    with db.session() as session:
        write_history(session, "zeitung", lines, progress=False)
    with db.session() as session:
        removal = run_retention(
            session, AccountabilityConfig(), days=190, now=datetime(2020, 1, 1, tzinfo=UTC)
        )
    # alt-2 (rejected April 2019) is older than 190 days; alt-1 was approved; "3" is undated,
    # so dated with the import, which is after the cutoff.
    assert removal.site_examples == 1
    assert sorted(_rows(database_url)) == [
        ("3", "reject", ["ad_link"], "import"),
        ("alt-1", "approve", [], "import"),
    ]
    with db.session() as session:
        later = run_retention(
            session, AccountabilityConfig(), days=1, now=datetime.now(UTC) + timedelta(days=2)
        )
    assert later.site_examples == 1
    db.dispose()
