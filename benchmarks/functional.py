"""Screen our own HateCheck-style German functional tests and print the share flagged.

    .venv/bin/python benchmarks/functional.py [--split all|tune|held] [--misses] [--json]

The cases are ``src/netiquette/training/data/functional.jsonl`` (written by the team, no text from
HateCheck or any corpus): ``{"id", "functionality", "text", "hateful": 0|1}``. A case counts as
*flagged* when any house rule flags it, i.e. ``result_to_json(...)["reject"]`` of the shipped
pipeline (``netiquette.screening.load_pipeline()``), screened without an article.

Headline figures, in the spirit of the publisher's HateCheck target (issue 3):

* **hateful flagged** — share of ``hateful = 1`` cases flagged (target ≥ 85 %);
* **contrasts flagged** — share flagged among counter-speech, negated hate and neutral or positive
  identity mentions (target ≤ 15 %). Abuse of non-protected targets, abuse of objects and
  reclaimed in-group words are printed per functionality but kept out of this figure: an insult
  of a politician breaks the house rules even though it is not hate.

Splits: cases with an even number in their id (``f002``, ``f004``, …) are the *tune* half, odd
ones the *held* half. Patterns were tuned on the tune half only; ``--misses`` refuses to list the
held half's cases so that it stays unseen.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from netiquette.screening import ScreeningInput, load_pipeline
from netiquette.screening.batch import result_to_json

DATA = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "netiquette"
    / "training"
    / "data"
    / "functional.jsonl"
)
#: Non-hateful functionalities of the headline contrast figure.
CONTRASTS = frozenset(
    {"counter_quote", "counter_reference", "negated_hate", "ident_neutral", "ident_positive"}
)


def load_cases(path: Path = DATA, split: str = "all") -> list[dict[str, Any]]:
    """The functional cases, optionally only the ``tune`` (even id) or ``held`` (odd id) half."""
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if split == "all":
        return cases
    parity = 0 if split == "tune" else 1
    return [c for c in cases if int(c["id"][1:]) % 2 == parity]


def screen_cases(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each case with ``flagged`` (any house rule flags) and the flagging rules."""
    pipeline = load_pipeline()
    results = pipeline.screen_batch([ScreeningInput(c["text"]) for c in cases])
    out = []
    for case, result in zip(cases, results, strict=True):
        row = result_to_json(case["id"], result)
        rules = [rule for rule, flag in row["flags"].items() if flag]
        out.append({**case, "flagged": bool(row["reject"]), "rules": rules})
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Share flagged per functionality and the two headline figures."""
    per: dict[str, list[bool]] = defaultdict(list)
    hateful: list[bool] = []
    contrasts: list[bool] = []
    for row in rows:
        per[row["functionality"]].append(row["flagged"])
        if row["hateful"]:
            hateful.append(row["flagged"])
        elif row["functionality"] in CONTRASTS:
            contrasts.append(row["flagged"])

    def share(flags: list[bool]) -> float:
        return sum(flags) / len(flags) if flags else float("nan")

    return {
        "n": len(rows),
        "per_functionality": {
            name: {"n": len(flags), "flagged": share(flags)} for name, flags in per.items()
        },
        "hateful_flagged": share(hateful),
        "n_hateful": len(hateful),
        "contrasts_flagged": share(contrasts),
        "n_contrasts": len(contrasts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("all", "tune", "held"), default="all")
    parser.add_argument("--misses", action="store_true", help="list wrong cases (tune half only)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    rows = screen_cases(load_cases(split=args.split))
    summary = summarise(rows)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"functional tests ({args.split}): {summary['n']} cases")
        for name, v in summary["per_functionality"].items():
            kind = (
                "hateful" if any(r["hateful"] for r in rows if r["functionality"] == name) else ""
            )
            print(f"  {name:<20} n={v['n']:>3}  flagged {v['flagged']:6.1%}  {kind}")
        print(
            f"hateful flagged:   {summary['hateful_flagged']:6.1%} of {summary['n_hateful']}"
            "  (target >= 85 %)"
        )
        print(
            f"contrasts flagged: {summary['contrasts_flagged']:6.1%} of {summary['n_contrasts']}"
            "  (counter-speech, negated, identity mentions; target <= 15 %)"
        )
    if args.misses:
        if args.split != "tune":
            parser.error("--misses lists the tune half only (use --split tune)")
        for row in rows:
            wrong = row["flagged"] != bool(row["hateful"])
            if wrong and (row["hateful"] or row["functionality"] in CONTRASTS):
                mark = "MISS" if row["hateful"] else "FP  "
                print(f"{mark} {row['id']} {row['functionality']:<18} {row['rules']} {row['text']}")


if __name__ == "__main__":
    main()
