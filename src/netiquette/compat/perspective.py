"""Perspective's ``comments:analyze``: the request as Perspective defines it, answered here.

:func:`parse_analyze` checks a decoded body field by field and raises
:class:`~netiquette.compat.google.GoogleApiError` (400 INVALID_ARGUMENT) naming what is wrong;
:func:`analyze` screens the comment and builds Perspective's response. Nothing here writes
anywhere: ``comments:analyze`` is stateless whatever ``doNotStore`` says.

Differences from Perspective, on purpose:

* Text limit: netiquette's ``max_comment_chars`` (10,000 characters by default), not Perspective's
  3,000 bytes — German umlauts cost two bytes each, and a longer limit breaks no client.
* Languages: German only. Other requested languages are refused as Perspective refuses an
  attribute that does not support a language. Without ``languages`` the text is scored as German
  and ``detectedLanguages`` says what a small stop-word test found.
* Article context (for OFF_TOPIC): ``context.entries[].text``, or the extensions
  ``context.articleId`` / ``context.articleUrl`` naming an article netiquette already has.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from netiquette.compat.attributes import (
    SUPPORTED_LANGUAGES,
    PerspectiveAttribute,
    attributes_for,
    rule_scores,
)
from netiquette.compat.google import GoogleApiError
from netiquette.compat.spans import TextSpan, screen_sentences, span_scores, utf16_offsets
from netiquette.errors import InputError
from netiquette.review.intake import validate_text
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.screening.houserules import shipped_house_rules

Screen = Callable[[ScreeningInput], ScreeningResult]


@dataclass(frozen=True, slots=True)
class RequestedAttribute:
    """An attribute the client asked for, with its optional ``scoreThreshold``."""

    name: str
    threshold: float | None = None
    #: The site's attribute of that name (which rules it reads); set when the body is parsed.
    attribute: PerspectiveAttribute | None = None

    @property
    def resolved(self) -> PerspectiveAttribute:
        """The attribute this request names (parsed requests always have it)."""
        if self.attribute is None:
            raise GoogleApiError(f"Unknown requested attribute {self.name!r}.")
        return self.attribute


@dataclass(frozen=True, slots=True)
class AnalyzeRequest:
    """A checked ``comments:analyze`` body."""

    text: str
    attributes: tuple[RequestedAttribute, ...]
    languages: tuple[str, ...] = ()
    span_annotations: bool = False
    do_not_store: bool = False
    client_token: str | None = None
    context_text: str | None = None
    article_id: str | None = None
    article_url: str | None = None

    @property
    def needs_article(self) -> bool:
        """True when an attribute (OFF_TOPIC) reads the article."""
        return any(a.resolved.needs_article for a in self.attributes)


def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GoogleApiError(f"Invalid value at '{field}': expected an object.")
    return value


def _string(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise GoogleApiError(f"Invalid value at '{field}': expected a string.")
    return value


def _bool(value: Any, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise GoogleApiError(f"Invalid value at '{field}': expected true or false.")
    return value


def comment_text(body: Mapping[str, Any], max_chars: int) -> str:
    """``comment.text``: present, plain text, not empty, within netiquette's limit."""
    comment = _object(body.get("comment"), "comment")
    text = _string(comment.get("text"), "comment.text")
    if text is None:
        raise GoogleApiError("Comment text is required: send comment.text.")
    kind = comment.get("type", "PLAIN_TEXT")
    if kind != "PLAIN_TEXT":
        raise GoogleApiError(f"comment.type {kind!r} is not supported; only PLAIN_TEXT is.")
    try:
        return validate_text(text, max_chars, field="comment.text")
    except InputError as exc:
        raise GoogleApiError(f"Comment text is not accepted: {exc.message}.") from None


def _requested(
    body: Mapping[str, Any], known: Mapping[str, PerspectiveAttribute]
) -> tuple[RequestedAttribute, ...]:
    raw = _object(body.get("requestedAttributes"), "requestedAttributes")
    if not raw:
        raise GoogleApiError("Request must specify at least one attribute in requestedAttributes.")
    out: list[RequestedAttribute] = []
    for name, spec in raw.items():
        if name not in known:
            names = ", ".join(known)
            raise GoogleApiError(f"Unknown requested attribute {name!r}. Known: {names}.")
        spec = _object(spec, f"requestedAttributes.{name}")
        score_type = spec.get("scoreType", "PROBABILITY")
        if score_type != "PROBABILITY":
            raise GoogleApiError(
                f"requestedAttributes.{name}.scoreType {score_type!r} is not supported; "
                "only PROBABILITY is."
            )
        threshold = spec.get("scoreThreshold")
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not 0.0 <= threshold <= 1.0
        ):
            raise GoogleApiError(
                f"requestedAttributes.{name}.scoreThreshold must be a number from 0 to 1."
            )
        value = None if threshold is None else float(threshold)
        out.append(RequestedAttribute(name, value, known[name]))
    return tuple(out)


def _languages(
    body: Mapping[str, Any], attributes: tuple[RequestedAttribute, ...]
) -> tuple[str, ...]:
    raw = body.get("languages")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise GoogleApiError("Invalid value at 'languages': expected a list of language codes.")
    unsupported = [x for x in raw if re.split(r"[-_]", x.lower())[0] not in SUPPORTED_LANGUAGES]
    if unsupported:
        raise GoogleApiError(
            f"Attribute {attributes[0].name} does not support request languages: "
            f"{','.join(unsupported)}. Supported: {','.join(SUPPORTED_LANGUAGES)}."
        )
    return tuple(raw)


def _context(body: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    context = _object(body.get("context"), "context")
    entries = context.get("entries") or []
    if not isinstance(entries, list):
        raise GoogleApiError("Invalid value at 'context.entries': expected a list.")
    texts = []
    for i, entry in enumerate(entries):
        text = _string(_object(entry, f"context.entries[{i}]").get("text"), f"context.entries[{i}]")
        if text and text.strip():
            texts.append(text)
    article_id = _string(context.get("articleId"), "context.articleId")
    article_url = _string(context.get("articleUrl"), "context.articleUrl")
    return ("\n\n".join(texts) or None), article_id, article_url


def parse_analyze(
    body: Any, max_chars: int, known: Mapping[str, PerspectiveAttribute] | None = None
) -> AnalyzeRequest:
    """Check a decoded ``comments:analyze`` body; GoogleApiError (400) names the field at fault.

    ``known``: the site's attributes (:func:`attributes_for` its house rules; the shipped
    rules' when None).
    """
    known = known if known is not None else attributes_for(shipped_house_rules())
    body = _object(body, "body")
    text = comment_text(body, max_chars)
    attributes = _requested(body, known)
    context_text, article_id, article_url = _context(body)
    request = AnalyzeRequest(
        text=text,
        attributes=attributes,
        languages=_languages(body, attributes),
        span_annotations=_bool(body.get("spanAnnotations"), "spanAnnotations"),
        do_not_store=_bool(body.get("doNotStore"), "doNotStore"),
        client_token=_string(body.get("clientToken"), "clientToken"),
        context_text=context_text,
        article_id=article_id,
        article_url=article_url,
    )
    if request.needs_article and not (context_text or article_id or article_url):
        names = ", ".join(a.name for a in request.attributes if a.resolved.needs_article)
        raise GoogleApiError(
            f"{names} needs the article: send context.entries[].text, context.articleId or "
            "context.articleUrl."
        )
    return request


_GERMAN = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ein",
        "eine",
        "ich",
        "sie",
        "wir",
        "es",
        "zu",
        "mit",
        "auf",
        "für",
        "von",
        "den",
        "dem",
        "sich",
        "auch",
        "aber",
        "wie",
        "wenn",
        "noch",
        "nur",
        "so",
        "schon",
        "dass",
        "oder",
        "hat",
        "sind",
        "war",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "not",
        "a",
        "an",
        "i",
        "you",
        "we",
        "it",
        "to",
        "with",
        "on",
        "for",
        "of",
        "that",
        "this",
        "are",
        "was",
        "be",
        "have",
        "but",
    ]
)


def detect_language(text: str) -> str:
    """``de`` unless English function words clearly outnumber German ones (then ``en``)."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    german = sum(w in _GERMAN for w in words)
    english = sum(w in _ENGLISH for w in words)
    return "en" if english > german else "de"


def _unavailable(attribute: PerspectiveAttribute, result: ScreeningResult) -> str:
    name = attribute.name
    why = "; ".join(
        f"house rule {rule} was not evaluated ({r.reason or 'no reason given'})"
        for rule in attribute.sources
        if (r := result.results.get(rule)) is not None
    )
    return f"Attribute {name} cannot be scored on this server: {why or 'no house rule reads it'}."


def analyze(
    request: AnalyzeRequest,
    screen: Screen,
    article_text: str | None = None,
    article_title: str | None = None,
) -> dict[str, Any]:
    """Screen the comment and answer in Perspective's response shape.

    An attribute none of whose house rules could be evaluated (no model configured yet) is a
    400 naming the rule, rather than a silently missing score a client would read as absent.
    """
    article_text = article_text or request.context_text

    def screen_text(text: str) -> ScreeningResult:
        return screen(ScreeningInput(text, article_text=article_text, article_title=article_title))

    whole = screen_text(request.text)
    scores = rule_scores(whole)
    sentences: list[tuple[TextSpan, ScreeningResult]] = [(TextSpan(0, len(request.text)), whole)]
    if request.span_annotations:
        sentences = screen_sentences(request.text, screen_text, whole)
    attribute_scores: dict[str, Any] = {}
    offset = utf16_offsets(request.text)  # Perspective's clients slice UTF-16 strings
    for requested in request.attributes:
        attribute = requested.resolved
        value = attribute.score(scores)
        if value is None:
            raise GoogleApiError(_unavailable(attribute, whole))
        if requested.threshold is not None and value < requested.threshold:
            continue
        attribute_scores[requested.name] = {
            "spanScores": span_scores(attribute, whole, sentences, offset),
            "summaryScore": {"value": value, "type": "PROBABILITY"},
        }
    response: dict[str, Any] = {
        "attributeScores": attribute_scores,
        "languages": list(request.languages) or ["de"],
        "detectedLanguages": [detect_language(request.text)],
    }
    if request.client_token is not None:
        response["clientToken"] = request.client_token
    return response


__all__ = [
    "AnalyzeRequest",
    "RequestedAttribute",
    "analyze",
    "comment_text",
    "detect_language",
    "parse_analyze",
]
