"""The model card: what trained the shipped model, how well it does, where it decides alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ModelCard:
    """Everything ``meta.json`` records, with a Markdown rendering for ``model_card.md``."""

    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """Model version string, e.g. ``netiquette-houserules-2025.1``."""
        return str(self.meta.get("model_version", "unknown"))

    def to_markdown(self) -> str:
        """A human-readable card for editors and moderators."""
        m = self.meta
        lines = [
            f"# Model card: {self.version}",
            "",
            f"Trained {m.get('trained_at', '?')} with scikit-learn "
            f"{m['versions'].get('scikit-learn')}, numpy {m['versions'].get('numpy')}; "
            f"sentence encoder: {m.get('encoder') or 'none'}.",
            "",
            "## Training corpora",
            "",
            "| corpus | rows | licence | commercial use |",
            "|---|---:|---|---|",
        ]
        for c in m.get("corpora", []):
            row = (c["name"], c["rows"], c["licence"], c["commercial_use"])
            lines.append("| {} | {} | {} | {} |".format(*row))
        lines += [
            "",
            "No non-commercial corpus (One Million Posts, CC BY-NC-SA) trained this model.",
            "Corpora marked `unclear` carry no licence statement; verify with their authors",
            'before commercial use, or retrain with `corpora=("germeval2018",)` for a',
            "CC BY-only model.",
            "",
            "## Cross-validated quality (out-of-fold, calibrated probabilities)",
            "",
            "| rule | n | positives | ROC-AUC | P | R | F1 (at flag threshold) |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for rule, r in m.get("metrics", {}).items():
            lines.append(
                f"| {rule} | {r['n']} | {r['positives']} | {r['roc_auc']:.3f} "
                f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |"
            )
        ge = m.get("germeval2018_cv", {})
        if ge:
            lines += [
                "",
                "GermEval 2018 coarse (OFFENSE vs OTHER), 5-fold CV over its training set with "
                f"the other corpora in every training fold: macro-F1 {ge['macro_f1_at_0.5']:.4f} "
                f"at p ≥ 0.5, {ge['macro_f1_at_flag']:.4f} at the flag threshold; ROC-AUC "
                f"{ge['roc_auc']:.4f}. Not a test-set figure.",
            ]
        lines += [
            "",
            "## Thresholds (chosen on the out-of-fold probabilities)",
            "",
            "Automatic rejection at `p ≥ reject_at` (precision ≥ 95 %), automatic approval for",
            "the rule at `p < approve_below` (NPV ≥ 97 %); everything between goes to the queue.",
            "",
            "| rule | reject_at | precision | approve_below | NPV | share decided | flag_at |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for rule, t in m.get("thresholds", {}).items():
            cells = ("reject_at", "precision_at_reject", "approve_below", "npv_at_approve")
            tail = (t["share_auto"], t["flag_at"])
            lines.append(
                "| " + " | ".join([rule, *(str(t[c]) for c in cells), *map(str, tail)]) + " |"
            )
        notes = m.get("notes", [])
        if notes:
            lines += ["", "## Notes", "", *[f"- {n}" for n in notes]]
        return "\n".join(lines) + "\n"


__all__ = ["ModelCard"]
