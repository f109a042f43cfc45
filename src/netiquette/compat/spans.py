"""Span scores as Perspective gives them: per sentence, plus the evidence words.

Perspective scores each sentence of a comment (``spanScores`` with character offsets, end
exclusive). netiquette does the same by screening each sentence on its own, and adds one span per
evidence stretch of the rules an attribute reads, so a client sees the offending *words* too.
Offsets in the answer count UTF-16 code units of ``comment.text``, as Perspective's and as
JavaScript's ``String.slice`` do (an emoji counts 2); inside netiquette they are code points,
as Python slices them, and :func:`utf16_offsets` converts at the edge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from netiquette.compat.attributes import PerspectiveAttribute, rule_scores
from netiquette.screening.base import ScreeningResult

# A sentence ends at . ! ? … (closing quotes or brackets may follow) before white space, or at a
# line break. Starting only at the first mark of a run and never giving marks back keeps it
# linear on a comment of 10,000 full stops (``[.!?…]+`` from every start: 2.4 s).
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"'“”»«)\]]*+(?=\s)|\n")
# Abbreviations after which a full stop rarely ends a German sentence.
_ABBREVIATIONS = frozenset(
    [
        "z.b",
        "bzw",
        "ca",
        "dr",
        "nr",
        "vgl",
        "usw",
        "etc",
        "u.a",
        "d.h",
        "mio",
        "mrd",
        "str",
        "st",
        "prof",
        "ggf",
        "evtl",
        "inkl",
        "bspw",
        "abs",
        "jh",
    ]
)
# Words after which "<number>." is an ordinal, not the end of a sentence.
_ORDINAL_NOUNS = frozenset(
    [
        "januar",
        "jänner",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
        "jahrhundert",
        "jh",
        "platz",
        "stock",
        "mal",
        "runde",
        "spieltag",
        "geburtstag",
        "",
    ]
)
#: Longer comments get no per-sentence spans (each sentence costs one screening).
MAX_SENTENCES = 40


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A stretch of the comment: ``text[begin:end]``."""

    begin: int
    end: int


def _ends_sentence(text: str, stop: int, after: int) -> bool:
    """Does the boundary whose punctuation ends at ``stop`` close a sentence?"""
    if text[stop - 1 : stop] != ".":
        return True
    word = re.search(r"([\w.]+)\.$", text[:stop])
    token = word.group(1).lower() if word else ""
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    nxt = text[after : after + 1]
    if token.isdigit():  # "am 31. Dezember" is an ordinal; "kommt 2031. Das" ends a sentence
        following = re.match(r"\w+", text[after:])
        return not (following and following.group().lower() in _ORDINAL_NOUNS)
    return not (nxt.isalpha() and nxt.islower())


def _trimmed(text: str, begin: int, end: int) -> TextSpan | None:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    return TextSpan(begin, end) if end > begin else None


def split_sentences(text: str) -> list[TextSpan]:
    """Sentences of ``text`` as offsets, white space trimmed; never empty for non-blank text."""
    spans: list[TextSpan] = []
    begin = 0
    for match in _BOUNDARY.finditer(text):
        after = match.end()
        while after < len(text) and text[after].isspace():
            after += 1
        if match.group() != "\n" and not _ends_sentence(text, match.end(), after):
            continue
        span = _trimmed(text, begin, match.end())
        if span is not None:
            spans.append(span)
        begin = match.end()
    last = _trimmed(text, begin, len(text))
    if last is not None:
        spans.append(last)
    return spans


def utf16_offsets(text: str) -> Callable[[int], int]:
    """Code-point offset in ``text`` → the same place counted in UTF-16 code units."""
    if all(ord(c) < 0x10000 for c in text):
        return lambda offset: offset
    units = [0]
    for char in text:
        units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
    return units.__getitem__


def _span_dict(begin: int, end: int, value: float) -> dict[str, Any]:
    return {"begin": begin, "end": end, "score": {"value": value, "type": "PROBABILITY"}}


def screen_sentences(
    text: str, screen: Callable[[str], ScreeningResult], whole: ScreeningResult
) -> list[tuple[TextSpan, ScreeningResult]]:
    """Each sentence with its own screening; a one-sentence text reuses ``whole``."""
    sentences = split_sentences(text)
    if len(sentences) > MAX_SENTENCES:
        return []
    if len(sentences) == 1 and (sentences[0].begin, sentences[0].end) == (0, len(text)):
        return [(sentences[0], whole)]
    return [(s, screen(text[s.begin : s.end])) for s in sentences]


def span_scores(
    attribute: PerspectiveAttribute,
    whole: ScreeningResult,
    sentences: Sequence[tuple[TextSpan, ScreeningResult]],
    offset: Callable[[int], int] = lambda o: o,
) -> list[dict[str, Any]]:
    """Per-sentence scores, then one span per evidence stretch, ordered by position.

    ``offset`` maps code-point offsets to the ones the client counts in (:func:`utf16_offsets`).
    """
    spans: list[dict[str, Any]] = []
    for sentence, result in sentences:
        value = attribute.score(rule_scores(result))
        if value is not None:
            spans.append(_span_dict(offset(sentence.begin), offset(sentence.end), value))
    seen: dict[tuple[int, int], float] = {}
    for rule in attribute.sources:
        rule_result = whole.results.get(rule)
        if rule_result is None or rule_result.score is None:
            continue
        value = attribute.score({rule: rule_result.score})
        if value is None:
            continue
        for evidence in rule_result.evidence:
            key = (evidence.start, evidence.end)
            seen[key] = max(value, seen.get(key, 0.0))
    spans.extend(_span_dict(offset(b), offset(e), v) for (b, e), v in seen.items())
    spans.sort(key=lambda s: (s["begin"], -s["end"]))
    return spans


__all__ = [
    "MAX_SENTENCES",
    "TextSpan",
    "screen_sentences",
    "span_scores",
    "split_sentences",
    "utf16_offsets",
]
