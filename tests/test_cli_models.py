"""``netiquette eval`` and ``netiquette train`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from netiquette.cli import app

runner = CliRunner()

ARTICLE = (
    "Stadtrat beschließt neue Stadtbahnlinie 7\n\n"
    "Der Stadtrat von Nordheim hat am Dienstag den Bau der Stadtbahnlinie 7 beschlossen. Die "
    "Strecke soll die Innenstadt mit dem Neubaugebiet am Nordhang verbinden und 118 Millionen "
    "Euro kosten. Der Bund übernimmt einen großen Teil der Kosten.\n\n"
    "Die Opposition kritisiert die Kosten und verlangt eine Bürgerbefragung zur Stadtbahn."
)

RECORDS = [
    ("c1", "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot.", {"insult": 1}),
    ("c2", "Die Linie 7 ist überfällig, der Nordhang braucht die Stadtbahn.", {"insult": 0}),
    ("c3", "Euch Stadträte kriegen wir noch, wir wissen, wo ihr wohnt!", {"aggression": 1}),
    ("c4", "Billige Uhren: www.uhren-discount-xy.com, jetzt 50 % Rabatt!", {"ad_link": 1}),
    ("c5", "Hat jemand ein Rezept für Pflaumenkuchen mit Streuseln?", {"off_topic": 1}),
    ("c6", "118 Millionen für die Stadtbahn sind viel Geld für Nordheim.", {"off_topic": 0}),
]


def write_data(tmp_path: Path) -> Path:
    path = tmp_path / "eval.jsonl"
    lines = []
    for comment_id, text, labels in RECORDS:
        full = {"insult": 0, "aggression": 0, "ad_link": 0, "off_topic": 0, **labels}
        full["reject"] = int(any(full.values()))
        record = {"id": comment_id, "text": text, "article_text": ARTICLE, "labels": full}
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_eval_prints_per_rule_metrics_and_writes_plots(tmp_path: Path) -> None:
    data = write_data(tmp_path)
    plots = tmp_path / "plots"
    result = runner.invoke(app, ["eval", "--data", str(data), "--plot", str(plots)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    for rule in ("insult", "aggression", "ad_link", "off_topic", "reject"):
        assert any(line.startswith(rule) for line in text.splitlines()), rule
    assert "decided automatically" in text
    insult_row = next(line for line in text.splitlines() if line.startswith("insult"))
    assert insult_row.split()[1:3] == ["6", "1"]  # n, positives
    pngs = sorted(p.name for p in plots.glob("*.png"))
    assert "pr_insult.png" in pngs and "pr_reject.png" in pngs
    assert all((plots / name).stat().st_size > 1000 for name in pngs)
    assert all((plots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in pngs)


def test_eval_json_report(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--data", str(write_data(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 6
    insult = report["rules"]["insult"]
    assert (insult["tp"], insult["fn"]) == (1, 0)  # the Vollidiot comment is caught
    assert report["rules"]["ad_link"]["recall"] == 1.0
    assert report["rules"]["aggression"]["recall"] == 1.0
    assert set(report["rules"]["reject"]) >= {"precision", "recall", "f1", "roc_auc"}
    assert 0.0 <= report["auto_share"] <= 1.0
    assert sum(report["decisions"].values()) == 6


def test_eval_names_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--data", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0
    assert "nope.jsonl" in str(result.exception)


def test_train_help_names_its_options() -> None:
    result = runner.invoke(app, ["train", "--help"])
    assert result.exit_code == 0
    assert "--data-dir" in result.stdout and "--out" in result.stdout
