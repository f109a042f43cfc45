"""``netiquette eval --evasion``: the share of obfuscated lines caught before and after normalising.

The fixture (seven lines written for this test, one per technique and rule) is not the evasion
set of issue 11, which is scored once, blind, and never used to tune the normaliser.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from netiquette.cli import app
from netiquette.evaluation.evasion import evaluate_evasion, load_cases
from netiquette.screening.base import ScreeningInput
from netiquette.screening.normalize import normalize
from netiquette.screening.pipeline import default_pipeline

FIXTURE = Path(__file__).with_name("data") / "evasion_fixture.jsonl"


def test_every_obfuscation_is_caught_and_normalisation_never_loses_a_catch() -> None:
    cases = load_cases(FIXTURE)
    report = evaluate_evasion(cases, default_pipeline())
    lines, before, after, plain = report.total()
    assert before <= after
    assert lines == 7
    assert plain == 7  # written plainly, every line is caught
    assert after == 7  # and every obfuscated spelling of it
    # Since houserules-4 the classifier alone catches these seven without the normaliser too
    # (before == 7); the normaliser's own work is checked on the lexicon's evidence below.
    assert report.rows["spacing"][2] == 2  # "I d i o t" is read once joined
    assert all(row[2] >= row[1] for row in report.rows.values())


def test_the_normaliser_turns_obfuscations_into_lexicon_evidence() -> None:
    result = default_pipeline().screen(ScreeningInput(text="Du bist ein I d i o t"))
    insult = result.results["insult"]
    assert insult.flag
    assert any(span.text == "I d i o t" for span in insult.evidence)


def test_normalisation_is_back_on_after_the_evaluation() -> None:
    evaluate_evasion(load_cases(FIXTURE), default_pipeline())
    assert normalize("Vollpf0sten").text == "vollpfosten"


def test_cli_prints_the_shares_per_technique_and_overall() -> None:
    result = CliRunner().invoke(app, ["eval", "--evasion", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "before" in result.output and "after" in result.output
    assert "leetspeak" in result.output and "all" in result.output
    as_json = CliRunner().invoke(app, ["eval", "--evasion", str(FIXTURE), "--json"])
    figures = json.loads(as_json.output)
    assert figures["overall"]["lines"] == 7
    assert figures["overall"]["caught_after"] == 1.0  # a share: all seven
    assert figures["overall"]["caught_after"] >= figures["overall"]["caught_before"]


def test_a_missing_file_is_one_readable_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "netiquette", "eval", "--evasion", str(tmp_path / "none.jsonl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "does not exist" in " ".join(result.stderr.split())


def test_a_broken_line_is_one_readable_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "t"}\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "netiquette", "eval", "--evasion", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "bad.jsonl:1" in result.stderr
    assert "Traceback" not in result.stderr


def test_harmless_controls_are_counted_as_false_alarms_not_as_misses(tmp_path: Path) -> None:
    data = tmp_path / "with_controls.jsonl"
    control = {
        "id": "c1",
        "text": "Die S.P.D. hat im Rat zugestimmt.",
        "plain": "Die SPD hat im Rat zugestimmt.",
        "technique": "punctuation",
        "labels": {"insult": 0, "aggression": 0},
    }
    data.write_text(
        FIXTURE.read_text(encoding="utf-8") + json.dumps(control, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    report = evaluate_evasion(load_cases(data), default_pipeline())
    assert report.total()[0] == 7  # the control is not an obfuscated violation
    assert report.controls == [1, 0, 0]  # counted, and not flagged
    assert report.to_dict()["controls"]["lines"] == 1
