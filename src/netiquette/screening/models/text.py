"""Text preparation shared by training and inference, so both see comments the same way.

Corpora come with quirks (GermEval's literal ``|LBR|``, GermEval 2019's ``<U+1F602>`` escapes,
real Twitter handles, ``@USER`` placeholders); comments on a news site have none of these. One
function maps all of them to a single form before features are computed.
"""

from __future__ import annotations

import re
import unicodedata

# The look-behind starts a match only at the first space of a run, and the possessive runs
# give nothing back: linear on long runs of spaces (``\s*\|LBR\|`` tried every start of a
# 10,000-space run to its end: quadratic, 95 ms a comment).
_LBR = re.compile(r"(?<!\s)\s*+\|LBR\|\s*+")
_UESC = re.compile(r"<U\+([0-9A-Fa-f]{4,6})>")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_äöüÄÖÜß]{1,30}")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\u00a0]+")
#: A sentence-like stretch: up to and including its closing punctuation or line break.
_STRETCH = re.compile(r"[^.!?\n]+[.!?\n]*|[.!?\n]+")
#: A stretch is shouted when it has at least this many letters and this share of them is upper
#: case; a stretch with an acronym ("Die CDU stimmt zu.") is not.
SHOUT_MIN_LETTERS = 8
SHOUT_SHARE = 0.8


def _unescape(match: re.Match[str]) -> str:
    try:
        return chr(int(match.group(1), 16))
    except ValueError:  # an out-of-range code point: keep the literal text
        return match.group(0)


def prepare_text(text: str) -> str:
    """Return the comment as the models expect it.

    Decodes ``|LBR|`` and ``<U+XXXX>`` escapes, replaces user handles (and the corpora's
    ``@MODERATOR``/``@MEDIUM`` placeholders) by ``@USER``, drops links, applies NFC and
    collapses runs of spaces. A stretch shouted in capitals is read in lower case with a
    capital first letter (:func:`unshout`); other text keeps its case. The models read shouted
    text badly: "SONST STEHEN WIR VOR DEINER TÜR" is split into rare pieces that the encoder saw
    almost never, so a threat in capitals scored far below the same words in ordinary case.
    Shouting itself stays a signal: the aggression rule reads it from the original text.
    """
    if "|LBR|" in text:
        text = _LBR.sub("\n", text)
    text = _UESC.sub(_unescape, text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    # Links carry no insult or threat; some corpora have them only in abusive posts, so a
    # model that saw them would learn "link = insult". The ad_link rule reads them instead.
    text = _URL.sub(" ", text)
    text = _HANDLE.sub("@USER", text)
    return unshout(_SPACE.sub(" ", text).strip())


def _shouted(stretch: str) -> bool:
    upper = lower = 0
    for ch in stretch:
        if ch.isupper():
            upper += 1
        elif ch.islower():
            lower += 1
    letters = upper + lower
    return letters >= SHOUT_MIN_LETTERS and upper >= SHOUT_SHARE * letters


def unshout(text: str) -> str:
    """``text`` with every shouted stretch in lower case and its first letter capitalised.

    >>> unshout("Nein. DAS IST EINE FRECHHEIT!!! Wirklich.")
    'Nein. Das ist eine frechheit!!! Wirklich.'
    """
    if not any(ch.isupper() for ch in text):
        return text
    out = []
    for m in _STRETCH.finditer(text):
        stretch = m.group()
        if _shouted(stretch):
            lowered = stretch.lower()
            lead = len(lowered) - len(lowered.lstrip())
            stretch = lowered[:lead] + lowered[lead : lead + 1].upper() + lowered[lead + 1 :]
        out.append(stretch)
    return "".join(out)


__all__ = ["SHOUT_MIN_LETTERS", "SHOUT_SHARE", "prepare_text", "unshout"]
