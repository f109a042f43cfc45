"""Shared pieces of the site-model tests: the trained simulated site, the CLI, a bad candidate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import joblib
from typer.testing import CliRunner

from netiquette.cli import app
from netiquette.learning.artifact import candidate_versions
from netiquette.learning.train_site import build_pipeline, load_examples, split_by_time
from netiquette.store.db import Database
from tests.learning.simsite import Decision, decisions, write_history, write_screen_input

runner = CliRunner()
SITE = "lokal"


@dataclass(frozen=True)
class TrainedSite:
    """A database with the site's 500 decisions, its models dir with one trained candidate."""

    root: Path
    held: list[Decision]
    shipped_before_training: str

    def copy(self, target: Path) -> tuple[str, Path]:
        """A private copy (database URL, models dir) for one test."""
        for name in ("n.db", "n.db-wal", "n.db-shm"):  # SQLite in WAL mode: all three
            if (self.root / name).exists():
                shutil.copy(self.root / name, target / name)
        shutil.copytree(self.root / "models", target / "models")
        return f"sqlite:///{target / 'n.db'}", target / "models"


def invoke(args: list[str], models: Path, **env: str) -> tuple[int, str]:
    result = runner.invoke(app, args, env={"NETIQUETTE_MODELS_DIR": str(models), **env})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def cli(args: list[str], models: Path) -> tuple[int, str]:
    """The real entry point in its own process: exit code and what it wrote to stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "netiquette", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "1000", "NETIQUETTE_MODELS_DIR": str(models)},
    )
    return done.returncode, done.stderr


def screen(held: Path, out: Path, models: Path, url: str, *site: str) -> list[dict[str, object]]:
    code, output = invoke(
        ["screen", "-i", str(held), "-o", str(out), "--no-progress", "--db", url, *site],
        models,
    )
    assert code == 0, output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def agreement(rows: list[dict[str, object]], held: list[Decision]) -> float:
    truth = {d.id: d.label == "reject" for d in held}
    return sum(r["reject"] == truth[str(r["id"])] for r in rows) / len(rows)


def flipped_candidate(url: str, models: Path) -> str:
    """A deliberately worse candidate: the same examples with every label flipped."""
    good = models / SITE / candidate_versions(models, SITE)[-1]
    db = Database(url)
    with db.session() as session:
        train, _ = split_by_time(load_examples(session, SITE))
    db.dispose()
    model = build_pipeline().fit([e.text for e in train], [1 - e.reject for e in train])
    version = f"{SITE}-29991231-000000"  # sorts last: the newest candidate
    target = models / SITE / version
    target.mkdir()
    joblib.dump(model, target / "model.joblib")
    meta = json.loads((good / "meta.json").read_text(encoding="utf-8"))
    (target / "meta.json").write_text(json.dumps({**meta, "model_version": version}))
    return version


def train_site_once(root: Path) -> TrainedSite:
    """Import the site's 500 decisions and train one candidate in ``root``."""
    url, models = f"sqlite:///{root / 'n.db'}", root / "models"
    items = decisions(700, seed=3)
    history, held = items[:500], items[500:]
    write_screen_input(root / "held.jsonl", held)
    before = screen(root / "held.jsonl", root / "before.jsonl", models, url)
    history_file = str(write_history(root / "h.jsonl", history))
    code, output = invoke(
        ["import-decisions", history_file, "--site", SITE, "--db", url, "--no-progress"], models
    )
    assert code == 0 and "new: 500" in output, output
    code, output = invoke(["train", "--site", SITE, "--db", url, "--no-progress"], models)
    assert code == 0, output
    return TrainedSite(root, held, json.dumps(before))
