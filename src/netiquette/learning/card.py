"""The Markdown model card of a site model, written from its ``meta.json``.

Rewritten by training and by every recalibration, so the card always states the thresholds the
model decides with, where they came from and what share of comments they decide alone.
"""

from __future__ import annotations

from typing import Any


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _threshold(value: float | None, never: str) -> str:
    return never if value is None else f"{value:.4f}"


def _shipped_features(meta: dict[str, Any]) -> str:
    from netiquette.learning.features import reads_shipped, shipped_versions

    if not reads_shipped(meta):
        return ""
    release = shipped_versions(meta).get("model", "the shipped models")
    named = ", ".join(f"`{r}`" for r in meta["features"]["shipped_rules"])
    return (
        f", beside the log-odds of the scores {release} gives for the house rules {named} "
        "(train this model again after an upgrade of the shipped models)"
    )


def _variants(meta: dict[str, Any]) -> list[str]:
    features = meta.get("features")
    if not isinstance(features, dict):
        return []
    ap = features.get("out_of_fold_average_precision")
    if not isinstance(ap, dict) or len(ap) < 2:
        return []
    figures = ", ".join(f"{k} {v}" for k, v in ap.items())
    return [
        f"Kept `{features.get('chosen')}` of the variants by out-of-fold average precision "
        f"({figures}).",
        "",
    ]


def _thresholds_section(meta: dict[str, Any]) -> list[str]:
    t, m = meta.get("thresholds") or {}, meta["metrics"]
    cal = meta.get("calibration") or {}
    oof, auto = m.get("out_of_fold") or {}, m.get("auto") or {}
    target = cal.get("auto_precision")
    lines = [
        "## Calibration and automatic decisions",
        "",
        f"Probabilities: {cal.get('method', 'not calibrated')} (slope {cal.get('slope')}, "
        f"intercept {cal.get('intercept')}). Folds: {oof.get('folds', '—')}.",
        "",
        f"Target agreement of automatic decisions with the moderators: {_pct(target)}.",
        "",
        "| | threshold | expected automatic share (out-of-fold) | held-back share | "
        "held-back agreement |",
        "|---|---:|---:|---:|---:|",
        f"| reject alone at p ≥ | {_threshold(t.get('reject_above'), 'never')} | "
        f"{_pct(oof.get('reject_share'))} | {_pct(auto.get('auto_reject_share'))} | "
        f"{_pct(auto.get('reject_agreement'))} |",
        f"| approve alone at p < | {_threshold(t.get('approve_below'), 'never')} | "
        f"{_pct(oof.get('approve_share'))} | {_pct(auto.get('auto_approve_share'))} | "
        f"{_pct(auto.get('approve_agreement'))} |",
        f"| all automatic | | {_pct(oof.get('auto_share'))} | {_pct(auto.get('auto_share'))} | "
        f"{_pct(auto.get('auto_agreement'))} |",
        "",
        'Everything between the two thresholds goes to a person. "never" = the training part '
        "held no score range that met the target with at least 20 examples.",
        "",
    ]
    agreement = auto.get("auto_agreement")
    if target is not None and agreement is not None and agreement < target:
        lines += [
            f"**Warning:** on the held-back part the automatic decisions agreed only "
            f"{_pct(agreement)}, below the target: the newest decisions differ from the training "
            "part. Check `netiquette drift` and `netiquette recalibrate` before this model "
            "decides alone.",
            "",
        ]
    for r in meta.get("recalibrations") or []:
        lines.append(
            f"- Recalibrated {r['at']} on {r['examples']} decisions from {r['from']} to "
            f"{r['to']} ({r['rejections']} rejections): reject at ≥ "
            f"{_threshold(r['thresholds']['reject_above'], 'never')}, approve at < "
            f"{_threshold(r['thresholds']['approve_below'], 'never')}, expected automatic share "
            f"{_pct(r['auto_share'])} (before: reject ≥ "
            f"{_threshold(r['before']['reject_above'], 'never')}, approve < "
            f"{_threshold(r['before']['approve_below'], 'never')})."
        )
    if meta.get("recalibrations"):
        lines.append("")
    return lines


def model_card(meta: dict[str, Any]) -> str:
    """The Markdown card of a site model."""
    ex, m = meta["examples"], meta["metrics"]
    lines = [
        f"# Site model card: {meta['model_version']}",
        "",
        f"Candidate for site `{meta['site']}`, trained {meta['trained_at']} with scikit-learn "
        f"{meta['versions']['scikit-learn']} in {meta['training_seconds']} s. "
        "A candidate screens nothing until it is promoted.",
        "",
        "## Data",
        "",
        f"The site's own examples (its people's verdicts and its imported history; licence: "
        f"the site's own) from {ex['first']} to {ex['last']}: {ex['training']} for training "
        f"({ex['training_rejections']} rejections), the newest {ex['held_back']} (from "
        f"{ex['split_at']}) held back. Sources: "
        + ", ".join(f"{k} {v}" for k, v in sorted(ex["sources"].items()))
        + ". No shipped corpus was added.",
        "",
        "## Model",
        "",
        "TF-IDF of character 2–5-grams (within word bounds)"
        + _shipped_features(meta)
        + " and logistic regression (C = 1) with balanced class weights, predicting `reject`; "
        "probabilities Platt-calibrated on out-of-fold scores of the training part.",
        "",
        *_variants(meta),
    ]
    lines += _thresholds_section(meta)
    lines += [
        f"## Held-back metrics (time-ordered, reject at p ≥ {m['threshold']:.4f})",
        "",
        f"The reject threshold is the one of maximal reject F1 on out-of-fold scores of the "
        f"training part (out-of-fold F1 {(m.get('out_of_fold') or {}).get('reject_f1', '—')}); "
        "the held-back part was scored once.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| held-back examples | {m['held_back']} ({m['held_back_rejections']} rejections) |",
        f"| reject precision | {m['reject_precision']} |",
        f"| reject recall | {m['reject_recall']} |",
        f"| reject F1 | {m['reject_f1']} |",
        f"| average precision | {m['average_precision']} |",
        f"| ROC AUC | {m['roc_auc']} |",
        f"| Brier score (calibration) | {m['brier']} |",
        "",
    ]
    per_rule = m.get("per_rule") or {}
    if per_rule:
        lines += [
            "| rule | held-back rejections | recall | rejected automatically |",
            "|---|---:|---:|---:|",
        ]
        for rule, r in per_rule.items():
            lines.append(
                f"| {rule} | {r['rejections']} | {r['recall']} | {_pct(r['auto_rejected'])} |"
            )
        lines.append("")
    return "\n".join(lines)
