"""House rule ``off_topic``, versions 3 and 4: knows what the article is about.

A comment is on topic when it refers to the article's subject area, its actors (people,
parties, organisations named there, or their roles), the site's discussion (other commenters,
the comment section, moderation, the newsroom) or, for a reply, the parent comment.
:class:`netiquette.screening.topicality.TopicalityModel` turns these signals and the word/embedding
overlap of v1 into ``P(off_topic)``; a comment about the discussion or the article counts
``reference_factor`` (since v3 not one that says it is about another article: "Zu dem Artikel
über das Schützenfest: …"); an abusive one ``offensive_factor`` (moderators cite it for the
abuse).
v3 adds the ``aside`` feature (a question to the community, a change of subject) and does not
count the article's place names alone as a reference (a local paper names its town in every
article); ``context.v2`` stays registered with its own calibration. v4 (shipped since
2026-12-07) also weighs the comment's own sentence vector and its element-wise product with the
article's (:data:`netiquette.screening.topicality.VECTOR_FEATURES`), trained on more article
comments (``netiquette.training.topicality``); without the encoder it scores as v3 does, from
its own lexical calibration.

Conservative by design: the policy never rejects on ``off_topic`` alone (``review_only_rules``)
and everything above ``approve_below`` goes to a person; the flag (best cross-validated F1)
names the reason and puts the comment last in the queue. Calibration (coefficients,
``flag_at``, ``approve_below``) lives in ``screening/models/off_topic_context_v4.json`` (v3:
``off_topic_context_v3.json``) per encoder; without the encoder the lexical calibration
(``none``) is used. Not evaluated without an article.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from netiquette.errors import ModelError
from netiquette.screening.base import RuleResult, ScreeningInput, Span
from netiquette.screening.models.embedding import DIM, ENCODER_ID
from netiquette.screening.models.text import prepare_text
from netiquette.screening.registry import register_rule, version_from_name
from netiquette.screening.rules._models import ModelBackedRule
from netiquette.screening.topicality import (
    TopicalityModel,
    article_facts,
    other_article,
    talks_about_discussion_or_article,
)

NAME = "netiquette.off_topic.context.v4"
NAME_V3 = "netiquette.off_topic.context.v3"
NAME_V2 = "netiquette.off_topic.context.v2"
_MODELS = Path(__file__).resolve().parents[1] / "models"
SHIPPED = _MODELS / "off_topic_context_v4.json"
#: v3's calibration, kept so that a site file naming ``context.v3`` scores as it did.
SHIPPED_V3 = _MODELS / "off_topic_context_v3.json"
#: v2's calibration, kept so that a site file naming ``context.v2`` scores as it did.
SHIPPED_V2 = _MODELS / "off_topic_context.json"


@dataclass(frozen=True, slots=True)
class OffTopicContextConfig:
    """Configuration of the context-aware off-topic rule (``[rules.off_topic]``)."""

    model_dir: str = ""  # the text classifier (for the abuse factor) and the encoder
    use_encoder: bool = True
    calibration: str = ""  # "" = the shipped calibration of this version
    reference_factor: float = 0.5  # a comment about the discussion or the article
    offensive_at: float = 0.6  # classifier P(reject) from which the comment counts as abuse
    offensive_factor: float = 0.5
    flag_at: float = 0.0  # 0 = the calibrated value


@lru_cache(maxsize=4)
def _calibration(path: str) -> dict[str, Any]:
    file = Path(path) if path else SHIPPED
    try:
        data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"off-topic calibration {file}: {exc}", code="model_broken") from exc
    return data


class OffTopicContextRule(ModelBackedRule):
    """Relevance of a comment to its article's subject, actors, discussion and parent."""

    name = "off_topic"

    def __init__(self, config: OffTopicContextConfig, generation: int = 4) -> None:
        self.config = config
        self.generation = generation
        name, self._shipped = {4: (NAME, SHIPPED), 3: (NAME_V3, SHIPPED_V3)}.get(
            generation, (NAME_V2, SHIPPED_V2)
        )
        self.version = version_from_name(name)
        self._model: TopicalityModel | None = None
        self._record: dict[str, Any] = {}

    @property
    def model(self) -> TopicalityModel:
        """The topicality model for the loaded encoder (built on first use)."""
        if self._model is None:
            encoder = self.scores.models.encoder if self.config.use_encoder else None
            records = _calibration(self.config.calibration or str(self._shipped))
            key = ENCODER_ID if encoder is not None else "none"
            record = records.get(key)
            embed = encoder.encode if encoder is not None else None
            model = TopicalityModel(
                np.asarray((record or {}).get("coef", []), dtype=np.float64),
                float((record or {}).get("bias", 0.0)),
                embed=embed,
                generation=self.generation,
            )
            columns = len(model.features) + (2 * DIM if model.reads_vectors else 0)
            if (
                record is None
                or record.get("features") != model.record_features
                or model.coef.shape != (columns,)
            ):
                raise ModelError(
                    f"no off-topic calibration for encoder {key!r}", code="model_incomplete"
                )
            self._record = record
            self._model = model
        return self._model

    @property
    def flag_at(self) -> float:
        """Score from which a comment is flagged (configured, else calibrated)."""
        _ = self.model
        return self.config.flag_at or float(self._record["flag_at"])

    def evaluate_many(self, items: Sequence[ScreeningInput]) -> list[RuleResult]:
        """Score a batch, one embedding call per (article, parent)."""
        probs: list[float | None] = [None] * len(items)
        groups: dict[tuple[str, str | None], list[int]] = {}
        for i, item in enumerate(items):
            if item.article_text and item.article_text.strip():
                groups.setdefault((item.article_text, item.parent_text), []).append(i)
        for (article, parent), idx in groups.items():
            texts = [prepare_text(items[i].text) for i in idx]
            parent_text = prepare_text(parent) if parent else None
            for i, p in zip(
                idx, self.model.off_topic_many(texts, article, parent_text), strict=True
            ):
                probs[i] = p
        offensive = None
        if groups:
            offensive = self.scores.text_scores([item.text for item in items])["reject"]
        cfg = self.config
        results = []
        for i, (item, p) in enumerate(zip(items, probs, strict=True)):
            if p is None:
                results.append(RuleResult.not_evaluated(self.name, self.version, "no article"))
                continue
            reason = ""
            # "Zum Artikel über das Schützenfest: …" names an article, but another one.
            elsewhere = self.generation >= 3 and other_article(
                item.text, article_facts(item.article_text or "").stems
            )
            if talks_about_discussion_or_article(item.text) and not elsewhere:
                p *= cfg.reference_factor
                reason = "refers to the discussion or the article"
            if offensive is not None and offensive[i] >= cfg.offensive_at:
                p *= cfg.offensive_factor
                reason = "abusive rather than off-topic"
            flag = p >= self.flag_at
            evidence: tuple[Span, ...] = ()
            if flag:
                text = item.text
                start = len(text) - len(text.lstrip())
                end = len(text.rstrip())
                reason = "no reference to the article's subject, actors or discussion" + (
                    " nor to the parent comment" if item.parent_text else ""
                )
                evidence = (Span(self.name, start, end, text[start:end], reason),)
            results.append(RuleResult(self.name, self.version, round(p, 4), flag, evidence, reason))
        return results


@register_rule(NAME)
def make_off_topic_context_rule(config: OffTopicContextConfig) -> OffTopicContextRule:
    """Factory for the context-aware off-topic rule (v4: the comment's sentence vector)."""
    return OffTopicContextRule(config)


@register_rule(NAME_V3)
def make_off_topic_context_v3_rule(config: OffTopicContextConfig) -> OffTopicContextRule:
    """Factory for v3 of the context-aware off-topic rule (asides, place names), as shipped
    until 2026-12-07."""
    return OffTopicContextRule(config, generation=3)


@register_rule(NAME_V2)
def make_off_topic_context_v2_rule(config: OffTopicContextConfig) -> OffTopicContextRule:
    """Factory for v2 of the context-aware off-topic rule, as shipped on 2026-12-04."""
    return OffTopicContextRule(config, generation=2)
