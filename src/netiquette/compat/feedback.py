"""Perspective's ``comments:suggestscore``: moderator feedback kept as labelled examples.

Coral Talk sends it when "send feedback" is on: the comment, ``attributeScores`` with a summary
score of 0 (approved) or 1 (rejected), ``communityId`` and ``clientToken: "comment:<id>"``. Each
call becomes one :class:`~netiquette.store.models.FeedbackExample` row (append-only; a later
reversal is a later row, and training takes the newest per comment).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from sqlalchemy.orm import Session

from netiquette.compat.attributes import PerspectiveAttribute, attributes_for
from netiquette.compat.google import GoogleApiError
from netiquette.compat.perspective import comment_text
from netiquette.screening.houserules import shipped_house_rules
from netiquette.store.models import FeedbackExample

SOURCE = "perspective:suggestscore"
#: Attributes that judge the whole comment rather than one house rule.
_OVERALL = frozenset({"TOXICITY", "SEVERE_TOXICITY"})


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A checked ``comments:suggestscore`` body."""

    text: str
    labels: dict[str, float]
    context: list[str]
    languages: list[str]
    community_id: str | None
    client_token: str | None
    #: Per labelled attribute, the house rules it reads (the site's mapping when parsed).
    sources: Mapping[str, tuple[str, ...]] = dataclass_field(default_factory=dict)

    @property
    def external_comment_id(self) -> str | None:
        """Coral's comment id from ``clientToken: "comment:<id>"``, if it has that form."""
        token = self.client_token or ""
        prefix, _, rest = token.partition(":")
        return rest[:200] if prefix == "comment" and rest else None

    def rule_labels(self) -> dict[str, float]:
        """Labels per house rule (single-rule attributes) and ``reject`` (overall attributes)."""
        out: dict[str, float] = {}
        for name, value in self.labels.items():
            sources = self.sources.get(name, ())
            if name not in _OVERALL and not sources:
                continue  # an attribute no rule of this site reads any more
            key = "reject" if name in _OVERALL else sources[0]
            out[key] = max(value, out.get(key, 0.0))
        return out


def _label(name: str, spec: Any) -> float:
    where = f"attributeScores.{name}.summaryScore.value"
    summary = spec.get("summaryScore") if isinstance(spec, dict) else None
    value = summary.get("value") if isinstance(summary, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise GoogleApiError(f"{where} must be a number from 0 to 1.")
    return float(value)


def parse_suggestion(
    body: Any, max_chars: int, known: Mapping[str, PerspectiveAttribute] | None = None
) -> Suggestion:
    """Check a decoded ``suggestscore`` body; GoogleApiError (400) names the field at fault.

    ``known``: the site's attributes (the shipped rules' when None).
    """
    known = known if known is not None else attributes_for(shipped_house_rules())
    if not isinstance(body, dict):
        raise GoogleApiError("Invalid JSON payload received: expected an object.")
    text = comment_text(body, max_chars)
    scores = body.get("attributeScores")
    if not isinstance(scores, dict) or not scores:
        raise GoogleApiError("attributeScores must name at least one attribute with a score.")
    labels: dict[str, float] = {}
    for name, spec in scores.items():
        if name not in known:
            raise GoogleApiError(f"Unknown attribute {name!r}. Known: {', '.join(known)}.")
        labels[name] = _label(name, spec)
    context = body.get("context") or {}
    entries = context.get("entries") if isinstance(context, Mapping) else None
    texts = [
        e["text"] for e in entries or [] if isinstance(e, dict) and isinstance(e.get("text"), str)
    ]
    languages = body.get("languages") or []
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise GoogleApiError("Invalid value at 'languages': expected a list of language codes.")
    community, token = body.get("communityId"), body.get("clientToken")
    for field, value in (("communityId", community), ("clientToken", token)):
        if value is not None and (not isinstance(value, str) or len(value) > 500):
            raise GoogleApiError(f"{field} must be a string of at most 500 characters.")
    sources = {name: known[name].sources for name in labels}
    return Suggestion(text, labels, texts, languages, community, token, sources)


def store_suggestion(session: Session, suggestion: Suggestion, submitter: str) -> FeedbackExample:
    """Append the feedback as one labelled example."""
    row = FeedbackExample(
        source=SOURCE,
        submitter=submitter,
        client_token=suggestion.client_token,
        community_id=suggestion.community_id,
        external_comment_id=suggestion.external_comment_id,
        text=suggestion.text,
        text_sha256=hashlib.sha256(suggestion.text.encode("utf-8")).hexdigest(),
        context=list(suggestion.context),
        languages=list(suggestion.languages),
        labels=dict(suggestion.labels),
        rule_labels=suggestion.rule_labels(),
    )
    session.add(row)
    session.flush()
    return row


__all__ = ["SOURCE", "Suggestion", "parse_suggestion", "store_suggestion"]
