"""The share of obfuscated insults and threats caught, before and after normalisation.

``netiquette eval --evasion FILE`` reads JSONL lines ``{"id", "text", "plain", "technique",
"labels": {"insult": 0|1, "aggression": 0|1}}``: ``text`` is obfuscated (spacing, leetspeak,
look-alike letters, zero-width and bidi characters, masking), ``plain`` the same words written
plainly. A line is *caught* when the pipeline flags at least one house rule it is labelled with.
A line labelled with neither rule is a harmless *control* (obfuscation-looking but clean, e.g.
"S.P.D."); for controls the report gives the share wrongly flagged as insult or aggression.

* **before normalisation**: the pipeline on ``text`` with normalisation switched off (tokens only
  lower-cased, :func:`~netiquette.screening.normalize.lowercase_only`); the classifiers still
  read the text as always, so this is what the site would catch without the normaliser;
* **after normalisation**: the pipeline as shipped, on ``text``;
* **plain**: the pipeline on ``plain``, the ceiling a perfect normaliser could reach.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netiquette.errors import InputError
from netiquette.screening.base import ScreeningInput
from netiquette.screening.normalize import lowercase_only
from netiquette.screening.pipeline import Pipeline

RULES = ("insult", "aggression")


@dataclass(frozen=True, slots=True)
class EvasionCase:
    """One obfuscated line."""

    id: str
    text: str
    plain: str
    technique: str
    rules: tuple[str, ...]


@dataclass
class EvasionReport:
    """Caught counts per technique: ``{technique: [lines, before, after, plain]}``."""

    rows: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    #: Harmless controls: [lines, flagged before normalisation, flagged after].
    controls: list[int] = field(default_factory=lambda: [0, 0, 0])

    def total(self) -> list[int]:
        """Summed counts over all techniques."""
        return [sum(r[i] for r in self.rows.values()) for i in range(4)]

    def to_dict(self) -> dict[str, Any]:
        """Counts and shares, per technique and overall."""

        def shares(r: list[int]) -> dict[str, Any]:
            n = r[0] or 1
            return {
                "lines": r[0],
                "caught_before": round(r[1] / n, 4),
                "caught_after": round(r[2] / n, 4),
                "caught_plain": round(r[3] / n, 4),
            }

        n_controls = self.controls[0] or 1
        return {
            "controls": {
                "lines": self.controls[0],
                "flagged_before": round(self.controls[1] / n_controls, 4),
                "flagged_after": round(self.controls[2] / n_controls, 4),
            },
            "overall": shares(self.total()),
            "techniques": {t: shares(r) for t, r in sorted(self.rows.items())},
        }


def load_cases(path: Path) -> list[EvasionCase]:
    """Read and check the evasion file; :class:`InputError` names the line and field."""
    cases = []
    if not path.is_file():
        raise InputError(f"file {path} does not exist", field="evasion")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as UTF-8 text ({exc})", field="evasion") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            labels = raw["labels"]
            rules = tuple(r for r in RULES if int(labels.get(r, 0)) == 1)
            case = EvasionCase(
                str(raw["id"]), raw["text"], raw["plain"], str(raw["technique"]), rules
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            message = f"{path}:{number}: not an evasion line ({exc})"
            raise InputError(message, field="evasion") from None
        cases.append(case)
    return cases


def _caught(pipeline: Pipeline, text: str, rules: tuple[str, ...]) -> bool:
    result = pipeline.screen(ScreeningInput(text=text))
    return any(result.results[r].flag for r in rules if r in result.results)


def evaluate_evasion(cases: list[EvasionCase], pipeline: Pipeline) -> EvasionReport:
    """Screen every case three ways (see the module docstring)."""
    report = EvasionReport()
    with lowercase_only():
        before = [_caught(pipeline, c.text, c.rules or RULES) for c in cases]
    for case, was_caught in zip(cases, before, strict=True):
        if not case.rules:  # a harmless control: "caught" means wrongly flagged
            after = _caught(pipeline, case.text, RULES)
            report.controls[0] += 1
            report.controls[1] += was_caught
            report.controls[2] += after
            continue
        row = report.rows[case.technique]
        row[0] += 1
        row[1] += was_caught
        row[2] += _caught(pipeline, case.text, case.rules)
        row[3] += _caught(pipeline, case.plain, case.rules)
    return report


def to_text(report: EvasionReport) -> str:
    """A plain table: technique, lines, caught before / after normalisation, on plain text."""
    lines = [f"{'technique':<18} {'lines':>5} {'before':>8} {'after':>8} {'plain':>8}"]

    def row(name: str, r: list[int]) -> str:
        n = r[0] or 1
        return f"{name:<18} {r[0]:>5} {r[1] / n:>8.1%} {r[2] / n:>8.1%} {r[3] / n:>8.1%}"

    for technique, r in sorted(report.rows.items()):
        lines.append(row(technique, r))
    lines.append(row("all", report.total()))
    lines.append("caught = a labelled rule (insult/aggression) flags the line")
    n, flagged_before, flagged_after = report.controls
    if n:
        lines.append(
            f"harmless controls: {n}, wrongly flagged {flagged_before / n:.1%} before and "
            f"{flagged_after / n:.1%} after normalisation"
        )
    return "\n".join(lines)
