r"""Literal prefilters: skip a pattern when the text lacks a literal that every match contains.

Most comments contain none of the words a screening pattern is about ("gehoert", "verdien",
"profil"), yet Python's ``re`` tries such a pattern at every character of the comment, and a
pattern that opens with ``\b`` gets no fast scan: sixty of them cost tens of milliseconds on a
long comment. A :class:`Prefilter` reads the parsed pattern once and collects *clauses*: sets of
literal strings such that every match contains a string of every clause (``\bgehoer(?:t|en)?
\w+`` needs "gehoer"; ``\b(?:sollte|muss) man`` needs one of "sollte", "muss" and " man").
When some clause has no string in the text, the pattern cannot match and is not run. The
prefilter only ever skips work whose answer is "no match", so the matches are the same as
without it (``tests/screening/test_prefilter.py`` compares both on the test corpus and on
generated texts); a pattern it cannot read gets no clause and always runs.

Case-insensitive patterns compare their literals in lower case with :func:`fold` of the text,
which maps each character to the one ``re.IGNORECASE`` matches it with (``İ``, ``ı`` and ``ſ``
included). Literals with cased characters outside :data:`FOLD_SAFE` are not used.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

# The parser of the ``re`` module: stable since Python 3.11, but private; any surprise in it
# makes the prefilter give up (no clause: the pattern always runs), never skip a match.
_parser: Any = importlib.import_module("re._parser")
_const: Any = importlib.import_module("re._constants")

#: Cased characters whose every ``re.IGNORECASE`` partner :func:`fold` maps to them (checked
#: over all of Unicode by the tests).
FOLD_SAFE = frozenset(string.ascii_lowercase + "äöüß")
#: Most strings an exactly known stretch of a pattern may stand for before it is cut.
_MAX_EXACT = 64
#: Most strings of one clause (an alternation of literal words).
_MAX_CLAUSE = 256
#: Candidate starts tried one by one before the rest of the text is left to ``re`` itself.
_MAX_CANDIDATES = 64


def fold(text: str) -> str:
    """``text`` in lower case, one character for one, with ``İ``/``ı`` → ``i`` and ``ſ`` → ``s``."""
    # str.replace and str.lower run in C; a translation table goes through a dict per character.
    if "İ" in text:  # the one character whose lower case is two ("i" and a combining dot)
        text = text.replace("İ", "i")
    folded = text.lower()
    if "ı" in folded:
        folded = folded.replace("ı", "i")
    if "ſ" in folded:
        folded = folded.replace("ſ", "s")
    return folded


class Clause:
    """Strings of which every match contains one; shared between patterns (see :func:`_clause`)."""

    __slots__ = ("folded", "regex", "strings")

    def __init__(self, strings: frozenset[str], folded: bool) -> None:
        self.strings = strings
        self.folded = folded
        ordered = sorted(strings, key=lambda s: (-len(s), s))
        # A bare alternation of literals starts with a literal in every branch, so ``re``
        # scans for their first characters in C: one pass over the text for the whole set.
        self.regex = re.compile("|".join(map(re.escape, ordered)))

    def found_in(self, haystack: str) -> bool:
        """Does ``haystack`` contain one of the strings?"""
        if len(self.strings) > 4:
            return self.regex.search(haystack) is not None
        return any(s in haystack for s in self.strings)


_CLAUSES: dict[tuple[frozenset[str], bool], Clause] = {}


def _clause(strings: frozenset[str], folded: bool) -> Clause:
    key = (strings, folded)
    clause = _CLAUSES.get(key)
    if clause is None:
        clause = _CLAUSES[key] = Clause(strings, folded)
    return clause


class Haystack:
    """One text as the prefilters look it up, with each clause's answer remembered."""

    __slots__ = ("_folded", "_seen", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None
        self._seen: dict[Clause, bool] = {}

    @property
    def folded(self) -> str:
        """:func:`fold` of the text, computed once."""
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    def has(self, clause: Clause) -> bool:
        """Does the text contain one of the clause's strings?"""
        known = self._seen.get(clause)
        if known is None:
            known = clause.found_in(self.folded if clause.folded else self.text)
            self._seen[clause] = known
        return known


class Prefilter:
    """What one compiled pattern needs in a text: its literal clauses (none: it always runs)
    and, where known, the strings its every match starts with (:meth:`finditer`)."""

    __slots__ = ("clauses", "pattern", "starts")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        try:
            self.clauses, self.starts = _analyse(pattern)
        except Exception:  # an unknown parser shape: no shortcut, never a wrong answer
            self.clauses, self.starts = (), None

    def admits(self, haystack: Haystack) -> bool:
        """False only when the pattern cannot match the text."""
        return all(haystack.has(clause) for clause in self.clauses)

    def finditer(self, haystack: Haystack) -> Iterator[re.Match[str]]:
        """The matches of ``pattern.finditer(text)``, tried only where one can start.

        Without a fast scan a pattern opening with ``\\b`` is tried at every character. When
        every match starts with one of a few strings, a scan for those strings (in C) finds
        the candidates, and the pattern is tried there only: the leftmost candidate where it
        matches is the leftmost match, as ``finditer`` would find it.
        """
        if not self.admits(haystack):
            return
        text = haystack.text
        starts = self.starts
        scanned = text if starts is None or not starts.folded else haystack.folded
        if starts is None or len(scanned) != len(text):
            yield from self.pattern.finditer(text)
            return
        candidate, match = starts.regex.search, self.pattern.match
        pos, tries = 0, _MAX_CANDIDATES
        while (found := candidate(scanned, pos)) is not None:
            if tries == 0:  # candidates everywhere ("? ? ? …"): the plain scan is cheaper
                yield from self.pattern.finditer(text, found.start())
                return
            tries -= 1
            m = match(text, found.start())
            if m is None:
                pos = found.start() + 1
                continue
            yield m
            pos = max(m.end(), found.start() + 1)  # never empty: it holds a start string

    def search(self, haystack: Haystack) -> re.Match[str] | None:
        """``pattern.search(text)``, with the same shortcuts as :meth:`finditer`."""
        return next(self.finditer(haystack), None)


def _analyse(pattern: re.Pattern[str]) -> tuple[tuple[Clause, ...], Clause | None]:
    if not isinstance(pattern.pattern, str):
        return (), None
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    folded = bool(parsed.state.flags & re.IGNORECASE) or _scoped_ignorecase(parsed)
    reader = _Reader(folded)
    found = reader.sequence(list(parsed))
    clauses = {frozenset(c) for c in found if c and "" not in c}
    # Cheap and selective first: single long words, then sets.
    ordered = sorted(clauses, key=lambda c: (len(c), -min(map(len, c))))
    starts = reader.first(list(parsed))
    start_clause = _clause(frozenset(starts), folded) if starts else None
    return tuple(_clause(c, folded) for c in ordered), start_clause


def _scoped_ignorecase(parsed: Any) -> bool:
    return any(op is _const.SUBPATTERN and av[1] & re.IGNORECASE for op, av in _walk(parsed))


def _walk(items: Any) -> Any:
    for op, av in items:
        yield op, av
        if op is _const.BRANCH:
            for alternative in av[1]:
                yield from _walk(alternative)
        elif op is _const.SUBPATTERN:
            yield from _walk(av[3])
        elif op in (_const.MAX_REPEAT, _const.MIN_REPEAT, _const.POSSESSIVE_REPEAT):
            yield from _walk(av[2])
        elif op in (_const.ATOMIC_GROUP,):
            yield from _walk(av)
        elif op in (_const.ASSERT, _const.ASSERT_NOT):
            yield from _walk(av[1])


class _Reader:
    """Reads a parsed pattern into exact string sets and required clauses."""

    def __init__(self, folded: bool) -> None:
        self.folded = folded

    def char(self, code: int) -> str | None:
        ch = chr(code)
        if not self.folded:
            return ch
        low = ch.lower()
        if len(low) != 1:
            return None
        if low in FOLD_SAFE or not (ch.isupper() or ch.islower() or ch != ch.swapcase()):
            return low
        return None

    def exact(self, op: Any, av: Any) -> set[str] | None:
        """Every string ``op`` can match, when few and known; None otherwise."""
        if op is _const.LITERAL:
            ch = self.char(av)
            return None if ch is None else {ch}
        if op in (_const.AT, _const.ASSERT, _const.ASSERT_NOT):
            return {""}  # zero width: consumes nothing
        if op is _const.SUBPATTERN:
            return self.exact_sequence(list(av[3]))
        if op is _const.ATOMIC_GROUP:
            return self.exact_sequence(list(av))
        if op is _const.BRANCH:
            out: set[str] = set()
            for alternative in av[1]:
                strings = self.exact_sequence(list(alternative))
                if strings is None:
                    return None
                out |= strings
                if len(out) > _MAX_EXACT:
                    return None
            return out
        if op in (_const.MAX_REPEAT, _const.MIN_REPEAT, _const.POSSESSIVE_REPEAT):
            low, high, item = av
            if high != 1 or low not in (0, 1):
                return None
            strings = self.exact_sequence(list(item))
            if strings is None:
                return None
            return strings | {""} if low == 0 else strings
        if op is _const.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is not _const.LITERAL:
                    return None
                ch = self.char(value)
                if ch is None:
                    return None
                chars.add(ch)
            return chars if len(chars) <= 8 else None
        return None

    def exact_sequence(self, items: list[Any]) -> set[str] | None:
        out = {""}
        for op, av in items:
            strings = self.exact(op, av)
            if strings is None or len(out) * len(strings) > _MAX_EXACT:
                return None
            out = {a + b for a in out for b in strings}
        return out

    def sequence(self, items: list[Any]) -> list[set[str]]:
        """Clauses every match of the sequence ``items`` satisfies."""
        clauses: list[set[str]] = []
        run = {""}
        for op, av in items:
            strings = self.exact(op, av)
            if strings is not None and len(run) * len(strings) <= _MAX_EXACT:
                run = {a + b for a in run for b in strings}
                continue
            clauses.append(run)
            if strings is not None:
                run = strings
            else:
                clauses.extend(self.item(op, av))
                run = {""}
        clauses.append(run)
        return [c for c in clauses if "" not in c]

    def first(self, items: list[Any]) -> set[str] | None:
        """Non-empty strings of which every match of ``items`` starts with one, or None."""
        run = {""}
        for index, (op, av) in enumerate(items):
            strings = self.exact(op, av)
            if strings is not None and len(run) * len(strings) <= _MAX_EXACT:
                run = {a + b for a in run for b in strings}
                continue
            if "" not in run:
                return run
            if run != {""}:
                return None  # some matches may start here, some before: not worth it
            rest = items[index + 1 :]  # all before this item was zero width
            if op is _const.BRANCH:
                union: set[str] = set()
                for alternative in av[1]:
                    starts = self.first(list(alternative) + rest)
                    if starts is None:
                        return None
                    union |= starts
                    if len(union) > _MAX_CLAUSE:
                        return None
                return union
            if op is _const.SUBPATTERN:
                return self.first(list(av[3]) + rest)
            if op is _const.ATOMIC_GROUP:
                return self.first(list(av) + rest)
            if op in (_const.MAX_REPEAT, _const.MIN_REPEAT, _const.POSSESSIVE_REPEAT) and av[0]:
                return self.first(list(av[2]))
            return None
        return None if "" in run else run

    def item(self, op: Any, av: Any) -> list[set[str]]:
        """Clauses of one item that is not an exactly known set of strings."""
        if op is _const.SUBPATTERN:
            return self.sequence(list(av[3]))
        if op is _const.ATOMIC_GROUP:
            return self.sequence(list(av))
        if op in (_const.MAX_REPEAT, _const.MIN_REPEAT, _const.POSSESSIVE_REPEAT):
            return self.sequence(list(av[2])) if av[0] >= 1 else []
        if op is _const.BRANCH:
            union: set[str] = set()
            for alternative in av[1]:
                found = self.sequence(list(alternative))
                if not found:
                    return []  # this branch needs no literal: nothing is required
                union |= max(found, key=_selectivity)
                if len(union) > _MAX_CLAUSE:
                    return []
            return [union]
        return []


def _selectivity(strings: AbstractSet[str]) -> tuple[int, int]:
    """Longer shortest string first, then fewer strings."""
    return min(map(len, strings)), -len(strings)


__all__ = ["FOLD_SAFE", "Clause", "Haystack", "Prefilter", "fold"]
