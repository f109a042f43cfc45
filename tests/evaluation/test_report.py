from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from netiquette.errors import InputError
from netiquette.evaluation import evaluate, load_records, plot_pr_curves

RECORDS = [
    {"id": "1", "text": "Idiot", "labels": {"insult": 1, "off_topic": 0, "reject": 1}},
    {"id": "2", "text": "Danke", "labels": {"insult": 0, "off_topic": 0, "reject": 0}},
    {"id": "3", "text": "Trottel", "labels": {"insult": 1, "off_topic": 1, "reject": 1}},
    {
        "id": "4",
        "text": "Wetter",
        "article_text": "Artikel",
        "labels": {"insult": 0, "off_topic": 1},
    },
]


def fake_screen(text: str, article_text: str | None) -> Mapping[str, Any]:
    """Flags insults by a word list; off_topic only with an article."""
    insult = text in ("Idiot", "Trottel", "Danke")  # "Danke" is a false positive on purpose
    scores: dict[str, float | None] = {
        "insult": 0.9 if insult else 0.1,
        "off_topic": (0.8 if text == "Wetter" else 0.2) if article_text else None,
    }
    decision = "reject" if text == "Idiot" else ("approve" if text == "Wetter" else "review")
    return {
        "decision": decision,
        "flags": {"insult": insult, "off_topic": text == "Wetter"},
        "scores": scores,
    }


def test_evaluate_counts_rules_and_automatic_share() -> None:
    report = evaluate(RECORDS, fake_screen)
    ins = report.rules["insult"].metrics
    assert (ins.tp, ins.fp, ins.fn, ins.tn) == (2, 1, 0, 1)
    off = report.rules["off_topic"]
    assert off.not_evaluated == 3  # no article on three records
    rej = report.rules["reject"].metrics
    assert (rej.tp, rej.fn, rej.tn) == (1, 1, 1)
    assert report.auto_share == pytest.approx(0.5)
    # "Idiot" rejected correctly; "Wetter" approved although off-topic → 1 of 2 right
    assert report.auto_precision == pytest.approx(0.5)
    d = report.to_dict()
    assert d["rules"]["insult"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert "decided automatically" in report.to_text()


def test_load_records_validates(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    assert len(load_records(good)) == 4
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError):
        load_records(bad)


def test_plot_pr_curves_writes_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    paths = plot_pr_curves(evaluate(RECORDS, fake_screen), tmp_path)
    assert {p.name for p in paths} == {"pr_insult.png", "pr_reject.png"}
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in paths)


def test_evaluate_counts_violations_published_with_intervals() -> None:
    report = evaluate(RECORDS, fake_screen)
    # Three records break a rule; "Wetter" (off-topic) was approved: 1 of 3 published.
    assert (report.violations, report.published) == (3, 1)
    d = report.to_dict()
    assert d["violations_published_share"] == pytest.approx(1 / 3, abs=1e-4)
    lo, hi = d["violations_published_ci"]
    assert lo < 1 / 3 < hi
    lo, hi = d["rules"]["insult"]["f1_ci"]
    assert 0.0 <= lo <= d["rules"]["insult"]["f1"] <= hi <= 1.0
    text = report.to_text()
    assert "violations published automatically: 1 of 3" in text
