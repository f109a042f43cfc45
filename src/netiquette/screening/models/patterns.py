"""Cue patterns for insinuations (Unterstellungen), used as classifier features and evidence.

A cue alone is not an insinuation ("Ich habe das Ticket selbst bezahlt"), so the patterns only feed
the classifier; the learned weights decide. Each pattern also yields spans into the prepared text,
which a rule component can map back to the original comment for evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from netiquette.screening.prefilter import Haystack, Prefilter

#: (name, pattern) — grouped by the kind of hidden motive or control the comment imputes.
INSINUATION_CUES: tuple[tuple[str, str], ...] = (
    (
        "paid_by",
        r"\b(?:wird|werden|wurde|wurden|sind|ist)\s+(?:doch\s+|ja\s+|eh\s+|natürlich\s+)?"
        r"(?:von\s+[\w\s-]{1,40}?\s+)?(?:bezahlt|gekauft|finanziert|geschmiert|gesteuert|eingekauft)\b",
    ),
    (
        "bought",
        r"\b(?:gekauft\w*|bestochen\w*|geschmiert\w*|eingekauft|umschläge?\b|schmiergeld\w*"
        r"|in\s+der\s+tasche|am\s+geldtropf|taschen\s+voll\w*|kassier\w*\s+(?:doch\s+)?mit)",
    ),
    (
        "conceal",
        r"\b(?:verschweig\w*|verheimlich\w*|vertusch\w*|unter\s+(?:den\s+teppich|verschluss)"
        r"|geheim\s+gehalten|hält\s+dicht|halten\s+dicht|totgeschwiegen)",
    ),
    (
        "of_course",
        r"\b(?:natürlich|selbstverständlich|mal\s+wieder|wie\s+immer)\b[^.!?]{0,40}"
        r"\b(?:nicht|kein\w*|weg\w*|verschw\w*)",
    ),
    (
        "collusion",
        r"\b(?:unter\s+einer\s+decke|hand\s+in\s+hand|abgekartet\w*|abgesprochen|marionette\w*"
        r"|sprachrohr|im\s+griff|im\s+auftrag|an\s+der\s+leine|gesteuert|unterwandert|verbandelt)",
    ),
    (
        "hidden_motive",
        r"\b(?:in\s+wahrheit|in\s+wirklichkeit|eigentlich\s+geht\s+es|es\s+geht\s+(?:doch\s+)?"
        r"nur\s+(?:um|darum)|nur\s+(?:deshalb|deswegen|darum|weil)|steckt\s+(?:doch\s+)?(?:system|mehr)"
        r"|stecken?\s+dahinter|dahinter\s+stecken?|dreck\s+am\s+stecken|wer's\s+glaubt|zufälle\s+gibt)",
    ),
    (
        "faked",
        r"\b(?:geschönt\w*|frisiert\w*|gefälscht\w*|fälsch\w+|manipuliert\w*|schöngerechnet|"
        r"kleingerechnet|erfunden|bestellt\w*|gelogen|lügen?\b|lügt)",
    ),
    (
        "newsroom",
        r"\b(?:gekaufte?\s+\w+|schreiberling\w*|hofberichterstattung|lügenpresse|systempresse|"
        r"staatsfunk|anweisung\w*\s+von\s+oben|von\s+ganz\s+oben|vorgabe\w*\s+aus)",
    ),
    (
        "troll",
        r"\b(?:bezahlte?r?\s+troll\w*|trollfabrik|bot\w*\s+aus|wie\s+viel\s+zahl\w+\s+(?:sie|die|man)"
        r"|im\s+auftrag\s+d\w+)",
    ),
    (
        "everyone_knows",
        r"\b(?:das\s+weiß\s+(?:doch\s+)?jeder|jeder\s+weiß\s+es|merkt\s+doch\s+jeder|"
        r"man\s+muss\s+kein\s+genie|anders\s+(?:ist|kann)\s+man\s+[\w\s]{0,30}nicht\s+erklären)",
    ),
)
#: Cues that point the other way: reported speech and sourcing.
COUNTER_CUES: tuple[tuple[str, str], ...] = (
    (
        "reported",
        r"\b(?:wirft|werfen|warf|warfen)\s+[\w\s-]{0,40}\bvor\b|\b(?:laut|zufolge|nach\s+angaben)"
        r"\b|\b(?:behauptet|sagt|erklärt|kritisiert|fordert|verweist)\b",
    ),
    (
        "sourced",
        r"\b(?:bericht|studie|urteil|protokoll|rechenschaftsbericht|geschäftsbericht|"
        r"jahresbericht|untersuchungsausschuss|rechnungshof|gericht|statistisch\w*)\b",
    ),
    ("question", r"\?\s*$"),
)

_COMPILED = tuple((n, re.compile(p, re.IGNORECASE)) for n, p in INSINUATION_CUES + COUNTER_CUES)
FEATURE_NAMES: tuple[str, ...] = tuple(n for n, _ in _COMPILED)
#: The literals every match of a cue contains (most texts lack them: the cue is not run) and
#: where a match can start.
_PREFILTERS = tuple(Prefilter(rx) for _, rx in _COMPILED)


def cue_features(texts: Sequence[str]) -> NDArray[np.float64]:
    """Presence (0/1) of each cue per text, shape ``(len(texts), len(FEATURE_NAMES))``."""
    out = np.zeros((len(texts), len(_COMPILED)), dtype=np.float64)
    for i, text in enumerate(texts):
        haystack = Haystack(text)
        for j, prefilter in enumerate(_PREFILTERS):
            if prefilter.search(haystack) is not None:
                out[i, j] = 1.0
    return out


def cue_spans(text: str) -> list[tuple[str, int, int]]:
    """``(cue name, start, end)`` for every insinuation cue in ``text``."""
    spans: list[tuple[str, int, int]] = []
    haystack = Haystack(text)
    for (name, _), prefilter in zip(_COMPILED[: len(INSINUATION_CUES)], _PREFILTERS, strict=False):
        spans.extend((name, m.start(), m.end()) for m in prefilter.finditer(haystack))
    return sorted(spans, key=lambda s: (s[1], s[2]))


__all__ = ["COUNTER_CUES", "FEATURE_NAMES", "INSINUATION_CUES", "cue_features", "cue_spans"]
