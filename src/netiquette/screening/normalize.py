"""Normalisation that defeats spelling tricks while remembering where every character came from.

Commenters dodge word lists with ``I d i o t``, ``Idi0t``, ``A****loch``, ``Іdiot`` (Cyrillic І),
``Idiooooot``, zero-width spaces and umlaut spellings. :func:`normalize` turns a comment into a
*matching skeleton*: a sequence of :class:`Token` objects whose ``norm`` is

* NFKC-folded and casefolded (``ß`` becomes ``ss``, full-width and math letters become ASCII),
* stripped of accents and zero-width characters, with umlauts spelled out (``ä`` → ``ae``),
* mapped from Cyrillic/Greek look-alikes to Latin,
* de-leeted inside words (``0→o 1→i 3→e 4→a 5→s 7→t @→a $→s``; a second reading ``1→l``,
  ``@`` as a mask is kept in :attr:`Token.alt`),
* with ``*``/``#`` masks inside a word kept as ``*`` (one ``*`` per run),
* with every run of three or more equal characters collapsed to one (``idiooot`` → ``idiot``) while
  doubles stay (``Vollpfosten``, and ``deep`` stays apart from ``Depp``); lexicon entries go
  through the same function, so both sides agree,
* with digit runs of three or more left alone (``Slowenien1945`` is a year, not leetspeak),
* with spaced-out letters (``I d i o t``, ``I.d.i.o.t``) joined into one token.

Every normalised character remembers the stretch of the original text it came from, so a match in
the skeleton maps back to exact offsets in the comment (:meth:`Normalized.to_original`).
Normalising is done per distinct token and cached, which keeps it cheap for ordinary comments.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

#: Characters that carry no visible content and are used to split words invisibly.
ZERO_WIDTH = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff")

#: Cyrillic and Greek letters (lower case; casefolding runs first) that look like Latin ones.
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "г": "r",
    "ѕ": "s", "т": "t", "у": "y", "ԝ": "w", "х": "x", "ү": "y", "ь": "b", "п": "n", "и": "u",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "μ": "u", "ς": "s", "σ": "o", "ϲ": "c",
    # Latin odds and ends
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŀ": "l", "ɑ": "a", "ɡ": "g",
}  # fmt: skip

#: Leetspeak digits and symbols, applied only inside tokens that contain a letter.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "$": "s",
}  # fmt: skip
#: Second reading for ambiguous leet characters (kept in :attr:`Token.alt`).
LEET_ALT: dict[str, str] = {"1": "l", "|": "l", "!": "l", "@": "*"}

MASK = "*"
_DIAERESIS = "\u0308"
_WORD = r"[\w@$*#!|\u00ad\u180e\u200b-\u200f\u2060-\u2063\ufeff\u0300-\u036f]"
#: A token: word characters plus leet/mask symbols, with inner hyphens and apostrophes.
TOKEN_RE = re.compile(rf"{_WORD}+(?:['’\-]{_WORD}+)*")
#: Gaps allowed between spaced-out letters (``I d i o t``, ``I.d.i.o.t``, ``I/d/i/o/t``).
_SPACING = frozenset(" .·•_/+,:~-\u00a0")
_MIN_SPACED_RUN = 3
_NUMBER_RUN = re.compile(r"\d{3,}")
_SPACING_CLASS = r"[ .·•_/+,:~\-\u00a0]{1,3}"
#: Cheap check whether a text may contain spaced-out letters at all.
_SPACED_HINT = re.compile(rf"(?<!\w)\w!?{_SPACING_CLASS}\w!?{_SPACING_CLASS}\w(?!\w)")


class Reading(NamedTuple):
    """One normalised reading of a raw token, with per-character offsets relative to the token.

    A named tuple on purpose: readings are cached by the hundred thousand, and tuples of strings
    and ints drop out of the garbage collector's tracking, which keeps collection pauses short.
    """

    norm: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]


class Token:
    """A word of the comment: where it is in the original and what it normalises to.

    A plain slotted class rather than a frozen dataclass: tokens are created for every word of
    every comment, and frozen-dataclass construction is several times slower.
    """

    __slots__ = ("alt", "end", "reading", "start")

    def __init__(self, start: int, end: int, reading: Reading, alt: Reading | None = None) -> None:
        self.start = start
        self.end = end
        self.reading = reading
        self.alt = alt

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.reading.norm!r})"

    @property
    def norm(self) -> str:
        """The normalised spelling used for matching."""
        return self.reading.norm

    def span(self, start: int, end: int, *, alt: bool = False) -> tuple[int, int]:
        """Original offsets of normalised characters ``[start, end)`` of this token."""
        reading = self.alt if alt and self.alt is not None else self.reading
        if not reading.norm or start >= end:
            return self.start, self.start
        return self.start + reading.starts[start], self.start + reading.ends[end - 1]

    def readings(self) -> tuple[Reading, ...]:
        """The main reading, followed by the alternative one if there is one."""
        return (self.reading,) if self.alt is None else (self.reading, self.alt)


@dataclass(slots=True)
class Normalized:
    """A normalised comment: its tokens, the joined skeleton text and the way back."""

    original: str
    tokens: tuple[Token, ...]
    _text: str | None = field(default=None, repr=False)
    _offsets: list[int] | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        """The normalised tokens joined by single spaces."""
        if self._text is None:
            self._text = " ".join(t.norm for t in self.tokens)
        return self._text

    def _token_offsets(self) -> list[int]:
        if self._offsets is None:
            offsets, pos = [], 0
            for token in self.tokens:
                offsets.append(pos)
                pos += len(token.norm) + 1
            self._offsets = offsets
        return self._offsets

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span ``[start, end)`` of :attr:`text` to ``(ostart, oend)`` in the original.

        The result always satisfies ``0 <= ostart <= oend <= len(original)``; a span across several
        tokens covers everything between the first and last token, separators included.
        """
        if not self.tokens or start >= end:
            anchor = self._point(start)
            return anchor, anchor
        offsets = self._token_offsets()
        first = max(bisect_right(offsets, start) - 1, 0)
        last = max(bisect_right(offsets, end - 1) - 1, 0)
        t_first, t_last = self.tokens[first], self.tokens[last]
        rel_start = min(max(start - offsets[first], 0), len(t_first.norm))
        rel_end = min(max(end - offsets[last], 0), len(t_last.norm))
        if rel_start >= len(t_first.norm):  # span starts on the separator after a token
            ostart = t_first.end if first == last else self.tokens[first + 1].start
        else:
            ostart = t_first.span(rel_start, rel_start + 1)[0]
        oend = t_last.span(rel_end - 1, rel_end)[1] if rel_end > 0 else t_last.start
        return ostart, max(ostart, oend)

    def _point(self, pos: int) -> int:
        if not self.tokens:
            return 0
        offsets = self._token_offsets()
        index = max(bisect_right(offsets, pos) - 1, 0)
        token = self.tokens[index]
        rel = pos - offsets[index]
        if rel >= len(token.norm):
            return token.end
        return token.span(rel, rel + 1)[0]


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """NFKC + casefold + accent stripping + confusables for one character."""
    if char in ZERO_WIDTH:
        return ""
    folded = unicodedata.normalize("NFKC", char).casefold()
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", folded):
        if unicodedata.combining(ch):
            if ch == _DIAERESIS and out and out[-1] in "aou":
                out.append("e")
            continue
        if ch in ZERO_WIDTH:
            continue
        out.append(CONFUSABLES.get(ch, ch))
    return "".join(out)


def _number_positions(raw: str) -> frozenset[int]:
    """Positions of digit runs of three or more ("Slowenien1945"): numbers, not leetspeak."""
    return frozenset(i for m in _NUMBER_RUN.finditer(raw) for i in range(m.start(), m.end()))


def _read(raw: str, *, alt: bool) -> Reading:
    has_alpha = any(c.isalpha() for c in raw)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = len(raw) - 1
    run = 0
    numbers = _number_positions(raw) if has_alpha else frozenset()
    for i, c in enumerate(raw):
        if c in "-'’_":
            continue
        if c in LEET and has_alpha and i not in numbers:
            mapped = LEET_ALT.get(c, LEET[c]) if alt else LEET[c]
        elif c in "!|":
            inner = 0 < i < last and raw[i - 1].isalnum() and raw[i + 1].isalnum()
            if not (has_alpha and inner):
                continue
            mapped = LEET_ALT[c] if alt else "i"
        elif c == "@":
            if i == 0:  # a handle marker, not a letter
                continue
            mapped = MASK if alt else "a"
        elif c in "*#":
            if c == "#" and i == 0:  # a hashtag marker
                continue
            mapped = MASK
        elif c == _DIAERESIS:
            mapped = "e" if chars and chars[-1] in "aou" else ""
        else:
            mapped = _fold_char(c)
        for ch in mapped:
            if chars and chars[-1] == ch:
                run += 1
                if ch == MASK or run >= 4:  # already a single character: extend it
                    ends[-1] = i + 1
                    continue
                if run == 3:  # idiooot → idiot, while doubles ("ll") stay
                    chars.pop()
                    starts.pop()
                    ends.pop()
                    ends[-1] = i + 1
                    continue
            else:
                run = 1
            chars.append(ch)
            starts.append(i)
            ends.append(i + 1)
    return Reading("".join(chars), tuple(starts), tuple(ends))


_TOKEN_CACHE: dict[str, tuple[Reading, Reading | None]] = {}
_TOKEN_CACHE_SIZE = 200_000


#: Set by :func:`lowercase_only`: normalisation reduced to lower-casing (for measurement).
_LOWERCASE_ONLY = False


@contextmanager
def lowercase_only() -> Iterator[None]:
    """Switch normalisation off (tokens are only lower-cased) within the block.

    ``netiquette eval --evasion`` uses it to show what normalisation adds: the same pipeline
    with and without it. Not thread-safe; for evaluation only.
    """
    global _LOWERCASE_ONLY
    _TOKEN_CACHE.clear()
    normalize_shared.cache_clear()
    _LOWERCASE_ONLY = True
    try:
        yield
    finally:
        _LOWERCASE_ONLY = False
        _TOKEN_CACHE.clear()
        normalize_shared.cache_clear()


def read_token(raw: str) -> tuple[Reading, Reading | None]:
    """Normalise one raw token; the second reading exists only for ambiguous characters.

    Cached in a plain dict (cleared when full) rather than ``lru_cache``, whose linked-list nodes
    stay tracked by the garbage collector and make full collections slow.
    """
    cached = _TOKEN_CACHE.get(raw)
    if cached is not None:
        return cached
    if _LOWERCASE_ONLY:
        lowered = "".join(c.lower()[:1] for c in raw)
        plain = Reading(lowered, tuple(range(len(raw))), tuple(range(1, len(raw) + 1)))
        _TOKEN_CACHE[raw] = (plain, None)
        return plain, None
    main = _read(raw, alt=False)
    result: tuple[Reading, Reading | None] = (main, None)
    if any(c in LEET_ALT for c in raw) and any(c.isalpha() for c in raw):
        other = _read(raw, alt=True)
        if other.norm != main.norm:
            result = (main, other)
    if len(_TOKEN_CACHE) >= _TOKEN_CACHE_SIZE:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[raw] = result
    return result


def normalize_word(word: str) -> str:
    """Normalise a lexicon entry or idiom the same way comment tokens are normalised."""
    return " ".join(read_token(m.group())[0].norm for m in TOKEN_RE.finditer(word))


def _is_spaced_letter(raw: str) -> bool:
    core = raw.rstrip("!")  # "I d i o t!" ends in a token "t!"
    return len(core) == 1 and (core.isalpha() or core in LEET)


#: The gap between two spaced-out letters: one to three spacing characters, nothing else.
_SPACING_GAP = re.compile(_SPACING_CLASS)


def _join_spaced(text: str, raws: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Merge runs of single letters separated by spacing (``I d i o t``) into one raw token.

    The merged raw token keeps only the letters; positions are restored in :func:`normalize`.
    """
    spaced: dict[str, bool] = {}
    flags = []
    for raw in (r[2] for r in raws):
        flag = spaced.get(raw)
        if flag is None:
            flag = spaced[raw] = _is_spaced_letter(raw)
        flags.append(flag)
    merged: list[tuple[int, int, str]] = []
    i, n = 0, len(raws)
    while i < n:
        if not flags[i]:
            j = i + 1  # copy the stretch up to the next spaced-out letter as it is
            while j < n and not flags[j]:
                j += 1
            merged.extend(raws[i:j])
            i = j
            continue
        k = i + 1  # the stretch of consecutive single letters, whatever separates them
        while k < n and flags[k]:
            k += 1
        if sum(r[2][0].isalpha() for r in raws[i:k]) < 2:
            # No run inside it has the two letters a word needs ("1 2 3 4 …"): all stay.
            merged.extend(raws[i:k])
        else:
            _join_stretch(text, raws, i, k, merged)
        i = k
    return merged


def _join_stretch(
    text: str, raws: list[tuple[int, int, str]], i: int, k: int, merged: list[tuple[int, int, str]]
) -> None:
    """Merge the runs of ``raws[i:k]`` (all single letters) whose gaps are spacing."""
    gap = _SPACING_GAP.fullmatch
    while i < k:
        j = i
        while j + 1 < k and gap(text, raws[j][1], raws[j + 1][0]) is not None:
            j += 1
        run = raws[i : j + 1]
        if len(run) >= _MIN_SPACED_RUN and sum(r[2][0].isalpha() for r in run) >= 2:
            merged.append((run[0][0], run[-1][0] + 1, "".join(r[2][0] for r in run)))
        else:
            # Every later start inside this run is a shorter suffix of it, which cannot merge
            # either: skip the whole run (rescanning it from each letter was quadratic, ReDoS).
            merged.extend(run)
        i = j + 1


def _spread(reading: Reading, positions: list[int]) -> Reading:
    """Re-base a reading of the letters-only string onto the gaps of the original run."""
    return Reading(
        reading.norm,
        tuple(positions[s] for s in reading.starts),
        tuple(positions[e - 1] + 1 for e in reading.ends),
    )


def normalize(text: str) -> Normalized:
    """Normalise ``text`` into matching tokens that map back to the original offsets."""
    raws = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
    if len(raws) >= _MIN_SPACED_RUN and not _LOWERCASE_ONLY and _SPACED_HINT.search(text):
        raws = _join_spaced(text, raws)
    tokens: list[Token] = []
    cache = _TOKEN_CACHE
    for start, end, raw in raws:
        # The cache lookup inlined: a long comment has thousands of tokens, most seen before.
        cached = cache.get(raw)
        main, other = cached if cached is not None else read_token(raw)
        if len(raw) != end - start:  # a joined run of spaced letters
            positions = [i - start for i in range(start, end) if text[i] not in _SPACING]
            main = _spread(main, positions)
            other = _spread(other, positions) if other is not None else None
        if main.norm:
            tokens.append(Token(start, end, main, other))
    return Normalized(text, tuple(tokens))


@lru_cache(maxsize=256)
def normalize_shared(text: str) -> Normalized:
    """:func:`normalize`, remembered for the last few hundred comments.

    Several rules read the same comment's skeleton (insult, aggression); within a batch they share
    one normalisation. Callers must not mutate the result.
    """
    return normalize(text)


__all__ = [
    "CONFUSABLES",
    "LEET",
    "MASK",
    "Normalized",
    "Reading",
    "Token",
    "lowercase_only",
    "normalize",
    "normalize_shared",
    "normalize_word",
    "read_token",
]
