"""Precision–recall curves as PNG files (matplotlib, imported only when plotting)."""

from __future__ import annotations

from pathlib import Path

from netiquette.errors import ConfigError
from netiquette.evaluation.metrics import precision_recall_curve
from netiquette.evaluation.report import Report


def plot_pr_curves(report: Report, out_dir: Path) -> list[Path]:
    """Write ``pr_<rule>.png`` per rule with scores and both classes; return the paths."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError(
            "plotting needs matplotlib (pip install matplotlib)", code="missing_dependency"
        ) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for rule, r in report.rules.items():
        if not r.labels or len(set(r.labels)) < 2:
            continue
        precision, recall, _ = precision_recall_curve(r.labels, r.scores)
        fig, ax = plt.subplots(figsize=(4.5, 4))
        ax.step(recall, precision, where="post")
        base = sum(r.labels) / len(r.labels)
        ax.axhline(base, linestyle=":", color="grey", label=f"base rate {base:.2f}")
        auc = "—" if r.roc_auc is None else f"{r.roc_auc:.3f}"
        ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02))
        ax.set_title(f"{rule}: P/R (ROC-AUC {auc}, n={len(r.labels)})", fontsize=10)
        ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        path = out_dir / f"pr_{rule}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


__all__ = ["plot_pr_curves"]
