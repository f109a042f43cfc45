"""``netiquette train --site``: a candidate learns the site's own line from its examples.

The simulated site rejects every link to a video platform and accepts "Schwachsinn" as
criticism; its examples are generated here from invented sentence parts.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import joblib
import pytest
from typer.testing import CliRunner

from netiquette.cli import app
from netiquette.errors import InputError
from netiquette.learning.train_site import train_site
from netiquette.store.db import Database
from netiquette.store.models import SiteExample

TOPICS = ["die Stadtbahn", "der Radweg", "das Freibad", "die Bücherei", "der Wochenmarkt"]
OPINIONS = [
    "ist Schwachsinn, das kostet nur Geld",
    "finde ich gut gelöst",
    "kommt viel zu spät",
    "braucht mehr Bänke",
    "ist totaler Schwachsinn der Verwaltung",
]
VIDEO = ["youtube.com/watch?v={n}", "vimeo.com/{n}", "dailymotion.com/video/x{n}"]


def _examples(count: int, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    out = []
    for _ in range(count):
        text = f"{rng.choice(TOPICS).capitalize()} {rng.choice(OPINIONS)}."
        if rng.random() < 0.3:
            link = rng.choice(VIDEO).format(n=rng.randrange(10**6))
            out.append((f"{text} Schaut euch das an: https://www.{link}", "reject", ["ad_link"]))
        else:
            out.append((text, "approve", []))
    return out


def _site(url: str, count: int = 300) -> Database:
    db = Database(url)
    db.migrate()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with db.session() as session:
        for n, (text, label, rules) in enumerate(_examples(count, random.Random(12))):
            session.add(
                SiteExample(
                    site="lokal",
                    example_id=f"e{n}",
                    text=text,
                    text_sha256=f"{n:064d}",
                    label=label,
                    rules=rules,
                    source="import",
                    decided_at=start + timedelta(hours=n),
                )
            )
    return db


def test_a_candidate_learns_the_sites_line_and_is_written_with_its_card(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    _site(url).dispose()
    result = CliRunner().invoke(
        app,
        ["train", "--site", "lokal", "--db", url, "--out", str(tmp_path / "m"), "--no-progress"],
    )
    assert result.exit_code == 0, result.output
    [version] = list((tmp_path / "m" / "lokal").iterdir())
    meta = json.loads((version / "meta.json").read_text(encoding="utf-8"))
    assert meta["examples"]["training"] == 240 and meta["examples"]["held_back"] == 60
    # Held back = the newest 60 (by decided_at), never seen in training.
    assert (
        meta["examples"]["split_at"]
        == (datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=240)).isoformat()
    )
    assert meta["metrics"]["reject_f1"] >= 0.9
    assert meta["metrics"]["per_rule_recall"]["ad_link"]["recall"] >= 0.9
    card = (version / "model_card.md").read_text(encoding="utf-8")
    assert "reject F1" in card and "screens nothing until it is promoted" in card
    model = joblib.load(version / "model.joblib")
    criticism, video = model.predict_proba(
        [
            "Das neue Parkhaus ist Schwachsinn.",
            "Das neue Parkhaus, seht selbst: https://www.youtube.com/watch?v=42",
        ]
    )[:, 1]
    assert criticism < 0.5 < video


def test_too_few_examples_or_one_sided_history_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    db = _site(url, count=40)
    with db.session() as session, pytest.raises(InputError, match="40 examples"):
        train_site(session, "lokal", tmp_path / "m", progress=False)
    with db.session() as session, pytest.raises(InputError, match="0 examples since"):
        train_site(session, "lokal", tmp_path / "m", since=datetime(2030, 1, 1, tzinfo=UTC))
    db.dispose()
    result = CliRunner().invoke(app, ["train", "--site", "Bad Site", "--db", url])
    assert result.exit_code != 0
    assert not (tmp_path / "m").exists()


def test_two_candidates_in_the_same_second_both_get_a_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netiquette.learning.train_site as train_site_module

    url = f"sqlite:///{tmp_path / 'n.db'}"
    _site(url).dispose()
    frozen = datetime(2026, 12, 6, 3, 0, 0, tzinfo=UTC)
    monkeypatch.setattr(train_site_module, "utcnow", lambda: frozen)
    args = ["train", "--site", "lokal", "--db", url, "--out", str(tmp_path / "m"), "--no-progress"]
    first, second = CliRunner().invoke(app, args), CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    versions = sorted(p.name for p in (tmp_path / "m" / "lokal").iterdir())
    assert versions == ["lokal-20261206-030000", "lokal-20261206-030000-2"]
    meta = json.loads(
        (tmp_path / "m" / "lokal" / versions[1] / "meta.json").read_text(encoding="utf-8")
    )
    assert meta["model_version"] == versions[1]
