"""The model card: what trained the shipped model, how well it does, where it decides alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netiquette.screening.semantic.encoder import READINGS


def _reading(version: int, max_tokens: int) -> str:
    """How the served encoder reads a comment (logits version ``version``), in one sentence."""
    reading = READINGS.get(version)
    if reading is None:
        return f"Read as logits version {version}, unknown to this release."
    if reading.max_windows == 1:
        return f"Served on the first {max_tokens} tokens of a comment (logits version {version})."
    window = reading.window or max_tokens
    return (
        f"Served in windows of up to {window} tokens (stride {reading.stride}, at most "
        f"{reading.max_windows}; logits version {version})."
    )


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
        lines += self._semantic_section()
        notes = m.get("notes", [])
        if notes:
            lines += ["", "## Notes", "", *[f"- {n}" for n in notes]]
        return "\n".join(lines) + "\n"

    def _semantic_section(self) -> list[str]:
        sem = self.meta.get("semantic")
        if not sem:
            return []
        ft = sem["finetune"]
        lines = [
            "",
            "## Semantic encoder (stacked with the TF-IDF heads)",
            "",
            f"{sem['model']}. Fine-tuned on {ft['train_texts']} texts "
            f"({ft['config']['epochs']} epoch, max {sem['max_tokens']} tokens, word embeddings "
            f"and the lowest {ft['config']['freeze_layers']} layer(s) frozen) in "
            f"{ft['train_seconds']:.0f} s; tasks {', '.join(sem['tasks'])}. "
            f"{_reading(int(ft.get('logits_version', 1)), int(sem['max_tokens']))} "
            "The stack is a logistic regression on the TF-IDF head's logit and the encoder's.",
            "",
            f"Held-out: {sem['basis']}. The thresholds above were chosen there; figures on the "
            "same held-out texts are therefore *in-sample for the thresholds*.",
            "",
            "| task | n | pos | AUC stack | AUC TF-IDF | AUC e5 | F1 stack | F1 TF-IDF | "
            "approved | violations approved |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for task in sem["tasks"]:
            h = sem["heldout"].get(task)
            if not h:
                continue
            s, t, e = h["stack"], h["tfidf_alone"], h["e5_alone"]
            lines.append(
                f"| {task} | {s['n']} | {s['positives']} | {s['roc_auc']:.3f} | "
                f"{t['roc_auc']:.3f} | {e['roc_auc']:.3f} | {s['f1']:.3f} | {t['f1']:.3f} | "
                f"{s['share_approved']:.1%} | {s['violations_published']:.1%} |"
            )
        ge = sem["heldout"].get("germeval2018_macro_f1_at_flag")
        if ge is not None:
            lines += ["", f"GermEval 2018 (held-out part of its train split): macro-F1 {ge:.4f}."]
        lines += [
            "",
            "### Cross-source (thresholds chosen on the other sources' held-out texts)",
            "",
            "| task | source | n | pos | F1 | recall 95 % CI | GermEval macro-F1 | "
            "approved | violations approved (95 % CI) |",
            "|---|---|---:|---:|---:|---|---:|---:|---|",
        ]
        for task, per in sem["cross_source"].items():
            for source, r in per.items():
                lo, hi = r["violations_published_ci"]
                rlo, rhi = r["recall_ci"]
                lines.append(
                    f"| {task} | {source} | {r['n']} | {r['positives']} | {r['f1']:.3f} | "
                    f"{rlo:.2f}–{rhi:.2f} | {r['germeval_macro_f1']:.3f} | "
                    f"{r['share_approved']:.1%} | {r['violations_published']:.1%} "
                    f"({lo:.1%}–{hi:.1%}) |"
                )
        return lines


__all__ = ["ModelCard"]
