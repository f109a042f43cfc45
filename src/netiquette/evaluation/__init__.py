"""Evaluation harness: metrics, reports over labelled JSONL and precision–recall plots."""

from netiquette.evaluation.metrics import BinaryMetrics, binary_metrics, germeval_macro_f1, roc_auc
from netiquette.evaluation.plots import plot_pr_curves
from netiquette.evaluation.report import Report, RuleReport, evaluate, load_records

__all__ = [
    "BinaryMetrics",
    "Report",
    "RuleReport",
    "binary_metrics",
    "evaluate",
    "germeval_macro_f1",
    "load_records",
    "plot_pr_curves",
    "roc_auc",
]
