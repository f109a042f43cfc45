"""Score a screening function against labelled comments.

Input lines are ``{"id", "text", "article_text"?, "labels": {rule or "reject": 0|1}}``. The
screening function takes ``(text, article_text)`` and returns the ``netiquette screen`` output
shape ``{"decision": "approve"|"review"|"reject", "flags": {rule: bool},
"scores": {rule: float | None}}``, so the same harness scores a single model or the pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from netiquette.errors import InputError
from netiquette.evaluation.intervals import bootstrap_f1, wilson
from netiquette.evaluation.metrics import BinaryMetrics, binary_metrics, roc_auc

ScreenFn = Callable[[str, str | None], Mapping[str, Any]]


@dataclass
class RuleReport:
    """Figures for one rule (or ``reject``) over the records that label it."""

    rule: str
    metrics: BinaryMetrics
    roc_auc: float | None
    not_evaluated: int
    labels: list[int] = field(repr=False, default_factory=list)
    scores: list[float] = field(repr=False, default_factory=list)
    #: 95 % bootstrap interval of F1 (resampling comments).
    f1_ci: tuple[float, float] = (0.0, 1.0)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: counts, P/R/F1 (with a 95 % interval), ROC-AUC and GermEval macro-F1."""
        out = self.metrics.to_dict()
        out["f1_ci"] = [round(v, 4) for v in self.f1_ci]
        out["roc_auc"] = None if self.roc_auc is None else round(self.roc_auc, 4)
        out["n"] = self.metrics.tp + self.metrics.fp + self.metrics.fn + self.metrics.tn
        out["not_evaluated"] = self.not_evaluated
        return out


@dataclass
class Report:
    """All rule reports plus how much the policy decided alone and how well."""

    n: int
    rules: dict[str, RuleReport]
    auto_share: float
    auto_precision: float | None
    decisions: dict[str, int]
    auto: int = 0  # decided automatically (approve or reject) among labelled records
    auto_ok: int = 0  # ... and agreeing with the labels
    violations: int = 0  # records breaking some rule
    published: int = 0  # ... of which approved automatically

    @property
    def published_share(self) -> float:
        """Share of rule-breaking comments the policy approved (the number to minimise)."""
        return self.published / self.violations if self.violations else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``netiquette eval --json``."""

        def ci(k: int, n: int) -> list[float]:
            return [round(v, 4) for v in wilson(k, n)]

        return {
            "n": self.n,
            "rules": {k: v.to_dict() for k, v in self.rules.items()},
            "auto_share": round(self.auto_share, 4),
            "auto_share_ci": ci(self.auto, self.n),
            "auto_precision": None
            if self.auto_precision is None
            else round(self.auto_precision, 4),
            "auto_precision_ci": ci(self.auto_ok, self.auto),
            "violations": self.violations,
            "violations_published": self.published,
            "violations_published_share": round(self.published_share, 4),
            "violations_published_ci": ci(self.published, self.violations),
            "decisions": self.decisions,
        }

    def to_text(self) -> str:
        """A plain table for the terminal."""
        head = (
            f"{'rule':<12} {'n':>5} {'pos':>4} {'P':>6} {'R':>6} {'F1':>6} {'F1 95% CI':>13} "
            f"{'AUC':>6} {'mF1':>6}"
        )
        lines = [head, "-" * len(head)]
        for name, r in self.rules.items():
            m = r.metrics
            auc = "  —  " if r.roc_auc is None else f"{r.roc_auc:.3f}"
            lo, hi = r.f1_ci
            lines.append(
                f"{name:<12} {m.tp + m.fp + m.fn + m.tn:>5} {m.tp + m.fn:>4} {m.precision:6.3f} "
                f"{m.recall:6.3f} {m.f1:6.3f}   {lo:.3f}–{hi:.3f} {auc:>6} "
                f"{m.germeval_macro_f1:6.3f}"
            )
        lo, hi = wilson(self.auto, self.n)
        line = f"decided automatically: {self.auto_share:.1%} of {self.n} ({lo:.1%}–{hi:.1%})"
        if self.auto_precision is not None:
            lo, hi = wilson(self.auto_ok, self.auto)
            line += f", agreeing with the labels {self.auto_precision:.1%} ({lo:.1%}–{hi:.1%})"
        lines.append(line)
        lo, hi = wilson(self.published, self.violations)
        lines.append(
            f"violations published automatically: {self.published} of {self.violations} "
            f"rule-breaking comments = {self.published_share:.1%} ({lo:.1%}–{hi:.1%})"
        )
        lines.append("(intervals: 95 %; F1 by bootstrap over comments, shares by Wilson)")
        return "\n".join(lines)


def load_records(path: Path) -> list[dict[str, Any]]:
    """Read labelled JSONL records, checking the fields the harness needs."""
    records = []
    if not path.is_file():
        raise InputError(f"--data: file {path} does not exist", field="data")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: not JSON ({exc.msg})", field="data") from exc
            if not isinstance(rec.get("text"), str) or not isinstance(rec.get("labels"), dict):
                raise InputError(f"{path}:{lineno}: needs 'text' and 'labels'", field="data")
            records.append(rec)
    return records


def _offensive(labels: Mapping[str, Any]) -> int | None:
    if "reject" in labels:
        return int(labels["reject"])
    rule_labels = [int(v) for k, v in labels.items() if k != "clean" and v is not None]
    return int(any(rule_labels)) if rule_labels else None


def evaluate(records: Iterable[Mapping[str, Any]], screen_fn: ScreenFn) -> Report:
    """Run ``screen_fn`` over the records and compute per-rule and decision figures.

    ``reject`` is scored from the output's ``reject`` field (the ``netiquette screen`` contract:
    any house rule flags) or, without one, from the decision (``"reject"`` = positive); for
    ROC-AUC from ``scores["reject"]`` or else the highest rule score. A record's automatic
    decision counts as correct when ``reject`` meets a record with any positive label (or
    ``labels.reject`` = 1) and ``approve`` meets one without.
    """
    per_rule: dict[str, tuple[list[int], list[bool], list[float | None]]] = {}
    decisions: dict[str, int] = {}
    auto = auto_ok = n = violations = published = 0
    for rec in records:
        n += 1
        labels: Mapping[str, Any] = rec["labels"]
        out = screen_fn(str(rec["text"]), rec.get("article_text"))
        decision = str(out.get("decision", "review"))
        decisions[decision] = decisions.get(decision, 0) + 1
        flags: Mapping[str, bool] = out.get("flags", {})
        # The screen contract's "reject" (any house rule flags) when present, else the decision.
        rejected = bool(out["reject"]) if "reject" in out else decision == "reject"
        scores: Mapping[str, float | None] = out.get("scores", {})
        for rule, value in labels.items():
            if rule == "clean" or value is None:
                continue
            ys, preds, ss = per_rule.setdefault(rule, ([], [], []))
            ys.append(int(value))
            if rule == "reject":
                preds.append(rejected)
                rule_scores = [s for s in scores.values() if s is not None]
                ss.append(scores.get("reject", max(rule_scores, default=None)))
            else:
                preds.append(bool(flags.get(rule, False)))
                ss.append(scores.get(rule))
        truth = _offensive(labels)
        if truth:
            violations += 1
            published += int(decision == "approve")
        if decision in ("approve", "reject") and truth is not None:
            auto += 1
            auto_ok += int((decision == "reject") == bool(truth))
    rules: dict[str, RuleReport] = {}
    for rule, (ys, preds, ss) in per_rule.items():
        known = [(y, s) for y, s in zip(ys, ss, strict=True) if s is not None]
        y_known = [y for y, _ in known]
        s_known = [float(s) for _, s in known]
        rules[rule] = RuleReport(
            rule,
            binary_metrics(ys, preds),
            roc_auc(np.array(y_known), np.array(s_known)) if known else None,
            len(ys) - len(known),
            y_known,
            s_known,
            bootstrap_f1(ys, [int(p) for p in preds]),
        )
    return Report(
        n=n,
        rules=rules,
        auto_share=auto / n if n else 0.0,
        auto_precision=auto_ok / auto if auto else None,
        decisions=decisions,
        auto=auto,
        auto_ok=auto_ok,
        violations=violations,
        published=published,
    )


__all__ = ["Report", "RuleReport", "ScreenFn", "evaluate", "load_records"]
