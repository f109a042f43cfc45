"""The trained house-rule models behind one object: ``load_default_models().predict(texts)``.

``predict`` returns calibrated probabilities for ``insult``, ``aggression``, ``insinuation`` and
the overall ``reject`` (offensive) score; ``off_topic``/``relevance`` score a comment against its
article. Thresholds chosen on cross-validation travel with the model (:attr:`thresholds`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netiquette.errors import ModelError
from netiquette.screening.models import DEFAULT_MODEL_DIR, artifacts
from netiquette.screening.models.embedding import SentenceEncoder, load_encoder
from netiquette.screening.models.heads import HeadModel, predict_head
from netiquette.screening.models.patterns import cue_features
from netiquette.screening.models.text import prepare_text
from netiquette.screening.models.tfidf import TfidfFeatures
from netiquette.screening.relevance import RelevanceModel
from netiquette.screening.semantic.encoder import ONNX_FILE, SemanticModel, load_semantic

#: Keys of :meth:`HouseRuleModels.predict`.
TEXT_RULES: tuple[str, ...] = ("insult", "aggression", "insinuation", "reject")


@dataclass
class HouseRuleModels:
    """Loaded TF-IDF vocabulary, per-rule heads, optional encoder and the off-topic model."""

    tfidf: TfidfFeatures
    heads: dict[str, HeadModel]
    relevance_model: RelevanceModel
    encoder: SentenceEncoder | None
    meta: dict[str, Any] = field(default_factory=dict)
    #: The fine-tuned e5 encoder; its logit is stacked with the TF-IDF head's (``meta.json``
    #: ``semantic.stack``). None: the TF-IDF heads alone.
    semantic: SemanticModel | None = None

    @property
    def version(self) -> str:
        """Model version recorded at training time."""
        return str(self.meta.get("model_version", "unknown"))

    @property
    def thresholds(self) -> dict[str, dict[str, float]]:
        """Per rule: ``reject_at``, ``approve_below``, ``flag_at`` and their CV precision/NPV."""
        return dict(self.meta.get("thresholds", {}))

    def predict(self, texts: Sequence[str]) -> dict[str, NDArray[np.float64]]:
        """Calibrated probabilities per rule, each an array aligned with ``texts``."""
        if not texts:
            return {rule: np.zeros(0) for rule in TEXT_RULES}
        prepared = [prepare_text(t) for t in texts]
        x = self.tfidf.transform(prepared)
        semantic = self.semantic
        # The stack was fitted on the TF-IDF heads' own calibration, so with the semantic
        # encoder the sentence encoder (USE) is not needed for the text rules.
        emb = (
            self.encoder.encode(prepared) if self.encoder is not None and semantic is None else None
        )
        out = self._heads(prepared, x, emb, TEXT_RULES)
        if semantic is not None:
            logits = semantic.logits(prepared)
            stack = self.meta["semantic"]["stack"]
            for rule in TEXT_RULES:
                out[rule] = stack_probability(
                    out[rule], logits[:, semantic.tasks.index(rule)], stack[rule]
                )
        return out

    def lexical_predict(
        self, texts: Sequence[str], rules: Sequence[str]
    ) -> dict[str, NDArray[np.float64]]:
        """The TF-IDF heads' own probabilities for ``rules`` (no encoder): cheap, for ranking
        a comment's sentences before the full :meth:`predict` reads the best of them."""
        prepared = [prepare_text(t) for t in texts]
        return self._heads(prepared, self.tfidf.transform(prepared), None, rules)

    def _heads(
        self,
        prepared: Sequence[str],
        x: Any,
        emb: NDArray[np.float32] | None,
        rules: Sequence[str],
    ) -> dict[str, NDArray[np.float64]]:
        """Each rule's head on the TF-IDF rows ``x`` (and the sentence vectors ``emb``)."""
        return {
            rule: predict_head(
                self.heads[rule], x, emb, cue_features(prepared) if rule == "insinuation" else None
            )
            for rule in rules
        }

    def predict_one(self, text: str) -> dict[str, float]:
        """:meth:`predict` for a single comment, as plain floats."""
        return {rule: float(p[0]) for rule, p in self.predict([text]).items()}

    def off_topic(
        self, comment: str, article_text: str | None, parent_text: str | None = None
    ) -> float | None:
        """``P(off_topic)`` of a comment under an article; ``None`` without an article."""
        return self.relevance_model.off_topic(
            prepare_text(comment), article_text, prepare_text(parent_text) if parent_text else None
        )

    def off_topic_many(
        self, comments: Sequence[str], article_text: str | None, parent_text: str | None = None
    ) -> list[float | None]:
        """:meth:`off_topic` for many comments under one article (batched embeddings)."""
        return self.relevance_model.off_topic_many(
            [prepare_text(c) for c in comments],
            article_text,
            prepare_text(parent_text) if parent_text else None,
        )

    def relevance(
        self, comment: str, article_text: str | None, parent_text: str | None = None
    ) -> float | None:
        """Probability that the comment relates to the article (or parent): ``1 - off_topic``."""
        p = self.off_topic(comment, article_text, parent_text)
        return None if p is None else 1.0 - p


def stack_probability(
    p_tfidf: NDArray[np.float64], e5_logit: NDArray[np.float32], stack: dict[str, Any]
) -> NDArray[np.float64]:
    """``sigmoid(a · logit(p_tfidf) + b · e5_logit + c)`` with ``coef = [a, b]``, ``bias = c``."""
    p = np.clip(np.asarray(p_tfidf, dtype=np.float64), 1e-6, 1 - 1e-6)
    a, b = (float(v) for v in stack["coef"])
    z = a * np.log(p / (1 - p)) + b * np.asarray(e5_logit, dtype=np.float64) + float(stack["bias"])
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
    return out


def load_models(
    model_dir: Path, *, use_encoder: bool = True, threads: int = 1, use_semantic: bool = True
) -> HouseRuleModels:
    """Load a model directory written by :func:`netiquette.training.train.train`.

    ``use_semantic=False`` ignores a fine-tuned e5 encoder in the directory (TF-IDF heads only).
    """
    meta = artifacts.read_meta(model_dir)
    try:
        tfidf = TfidfFeatures.load(model_dir / artifacts.TFIDF_FILE)
        heads = artifacts.load_heads(model_dir / artifacts.HEADS_FILE)
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"broken model files in {model_dir}: {exc}", code="model_broken") from exc
    missing = [r for r in TEXT_RULES if r not in heads]
    if missing:
        raise ModelError(f"model in {model_dir} lacks heads {missing}", code="model_incomplete")
    semantic = None
    sem_meta = meta.get("semantic")
    if use_semantic and sem_meta and (model_dir / ONNX_FILE).is_file():
        # Read the way the model's thresholds were chosen (runs from before versions were
        # recorded read the first window only).
        version = int(sem_meta.get("finetune", {}).get("logits_version", 1))
        semantic = load_semantic(
            model_dir,
            sem_meta["tasks"],
            int(sem_meta["max_tokens"]),
            threads=threads,
            logits_version=version,
        )
    encoder = None
    if use_encoder and meta.get("encoder"):
        encoder = load_encoder(threads=threads)
    if encoder is None or semantic is not None:
        # Without the encoder, the heads' fallback (TF-IDF-only) calibration is used.
        heads = {k: _drop_encoder(h) for k, h in heads.items()}
    rel = meta["relevance"]
    relevance = RelevanceModel(
        np.asarray(rel["coef"], dtype=np.float64),
        float(rel["bias"]),
        encoder=encoder,
        fallback_coef=np.asarray(rel["fallback_coef"], dtype=np.float64),
        fallback_bias=float(rel["fallback_bias"]),
    )
    return HouseRuleModels(tfidf, heads, relevance, encoder, meta, semantic)


def _drop_encoder(head: HeadModel) -> HeadModel:
    return HeadModel(
        head.tfidf_coef,
        head.tfidf_bias,
        None,
        0.0,
        head.meta_coef,
        head.meta_bias,
        head.fallback_coef,
        head.fallback_bias,
    )


@functools.lru_cache(maxsize=1)
def load_default_models() -> HouseRuleModels:
    """The shipped default models (loaded once per process)."""
    return load_models(DEFAULT_MODEL_DIR)


__all__ = [
    "TEXT_RULES",
    "HouseRuleModels",
    "load_default_models",
    "load_models",
    "stack_probability",
]
