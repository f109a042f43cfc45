"""Compatibility with the tools newsrooms already run: Perspective API and Coral Talk.

The web routers (:mod:`netiquette.web.api.perspective`, :mod:`netiquette.web.api.coral`) are thin;
everything they do lives here: the attribute mapping, span scores, Google-style errors, Coral's
request signatures, the Coral phase and fetching a story's article page.
"""

from netiquette.compat.attributes import SUPPORTED_LANGUAGES, PerspectiveAttribute, attributes_for
from netiquette.compat.coral import (
    CoralAnswer,
    CoralPhase,
    CoralRequest,
    answer_for,
    flag_reasons,
    html_to_text,
    parse_request,
)
from netiquette.compat.feedback import Suggestion, parse_suggestion, store_suggestion
from netiquette.compat.fetch import ArticleFetchError, FetchLimits, StoryArticles, fetch_page
from netiquette.compat.google import GoogleApiError, error_body, loads_lenient
from netiquette.compat.perspective import AnalyzeRequest, analyze, parse_analyze
from netiquette.compat.signature import sign, verify
from netiquette.compat.spans import span_scores, split_sentences

__all__ = [
    "SUPPORTED_LANGUAGES",
    "AnalyzeRequest",
    "ArticleFetchError",
    "CoralAnswer",
    "CoralPhase",
    "CoralRequest",
    "FetchLimits",
    "GoogleApiError",
    "PerspectiveAttribute",
    "StoryArticles",
    "Suggestion",
    "analyze",
    "answer_for",
    "attributes_for",
    "error_body",
    "fetch_page",
    "flag_reasons",
    "html_to_text",
    "loads_lenient",
    "parse_analyze",
    "parse_request",
    "parse_suggestion",
    "sign",
    "span_scores",
    "split_sentences",
    "store_suggestion",
    "verify",
]
