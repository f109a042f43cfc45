"""Our HateCheck-style German functional tests (``training/data/functional.jsonl``).

Floors are the figures measured with the shipped pipeline when the set was written, minus a
small margin (see ``benchmarks/functional.py``): all 200 cases 75.0 % of hateful cases flagged and
10.3 % of the contrasts (counter-speech, negated hate, identity mentions); held-back half (odd
ids, not looked at while tuning the patterns) 65.5 % and 10.3 %.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netiquette.screening import ScreeningInput, load_pipeline
from netiquette.screening.batch import result_to_json

DATA = Path(__file__).resolve().parents[2] / "src/netiquette/training/data/functional.jsonl"
CONTRASTS = {
    "counter_quote",
    "counter_reference",
    "negated_hate",
    "ident_neutral",
    "ident_positive",
}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    cases = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    results = load_pipeline().screen_batch([ScreeningInput(c["text"]) for c in cases])
    return [
        {**c, "flagged": result_to_json(c["id"], r)["reject"]}
        for c, r in zip(cases, results, strict=True)
    ]


def _shares(rows: list[dict[str, Any]]) -> tuple[float, float]:
    hateful = [r["flagged"] for r in rows if r["hateful"]]
    contrasts = [r["flagged"] for r in rows if not r["hateful"] and r["functionality"] in CONTRASTS]
    return sum(hateful) / len(hateful), sum(contrasts) / len(contrasts)


def test_set_is_well_formed() -> None:
    cases = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    assert len(cases) >= 190
    assert len({c["id"] for c in cases}) == len(cases)
    assert all(set(c) == {"id", "functionality", "text", "hateful"} for c in cases)
    assert all(c["hateful"] in (0, 1) for c in cases)


def test_headline_figures_all(rows: list[dict[str, Any]]) -> None:
    hateful, contrasts = _shares(rows)
    assert hateful >= 0.70, f"hateful flagged {hateful:.1%} (measured 75.0 %)"
    assert contrasts <= 0.15, f"contrasts flagged {contrasts:.1%} (measured 10.3 %)"


def test_headline_figures_held_half(rows: list[dict[str, Any]]) -> None:
    held = [r for r in rows if int(r["id"][1:]) % 2 == 1]
    hateful, contrasts = _shares(held)
    assert hateful >= 0.60, f"held hateful flagged {hateful:.1%} (measured 65.5 %)"
    assert contrasts <= 0.17, f"held contrasts flagged {contrasts:.1%} (measured 10.3 %)"


def test_no_identity_mention_is_flagged(rows: list[dict[str, Any]]) -> None:
    mentions = [r for r in rows if r["functionality"] in {"ident_neutral", "ident_positive"}]
    assert not [r["text"] for r in mentions if r["flagged"]]
