"""The insult lexicon: parsing the data file and matching one normalised word against it.

The file format is documented at the top of ``screening/data/insult_lexicon.txt``. Every term is
normalised with :func:`~netiquette.screening.normalize.normalize_word`, so lexicon and comment meet
in the same skeleton spelling (``Dummköpfe`` and ``Dummkoepfe`` are both ``dumkoepfe``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from netiquette.errors import ConfigError
from netiquette.screening.normalize import MASK, normalize_word

NOUN_ENDINGS = ("", "e", "en", "n", "er", "s", "es", "in", "innen")
ADJECTIVE_ENDINGS = ("", "e", "en", "er", "es", "em")
PLURAL_ENDINGS = ("e", "en", "er", "ern")
_UMLAUT = {"a": "ä", "o": "ö", "u": "ü"}
_DEFAULT_SCORES = {"head": 0.9, "word": 0.8, "adjective": 0.65, "slur": 1.0, "phrase": 0.85}
_SECTIONS = ("head", "word", "adjective", "slur", "phrase", "prefix", "person", "harmless", "idiom")
#: Shortest insult accepted as the *first* part of a compound ("Idiotenverein").
_MIN_MODIFIER_HEAD = 5
#: Shortest remainder on either side of a compound split.
_MIN_COMPOUND_PART = 3
#: Shortest second part after an insult used as first part ("Idioten|verein").
_MIN_MODIFIER_REST = 4
#: Swear words that are not insults: a masked word that could be one of them is left alone.
MASKED_PROFANITY = (
    "scheisse",
    "scheise",
    "scheiss",
    "kacke",
    "shit",
    "fuck",
    "fucking",
    "verdammt",
)
#: Most mask runs in one word ("A*sch*och" has two); more is not a word we can read.
_MAX_MASKS = 3
#: Fewest visible letters in a masked word ("A****loch" has five).
_MIN_VISIBLE = 4
#: Score factor for an insult used as the first part of a compound.
MODIFIER_FACTOR = 0.8
#: Score of an intensifier prefix on a person noun ("Drecksregierung").
INTENSIFIER_SCORE = 0.9


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon term as written in the file."""

    term: str
    kind: str
    score: float


class WordMatch(NamedTuple):
    """Why a normalised word counts as an insult (a tuple: cached in bulk, see normalize)."""

    entry: Entry
    score: float
    how: str  # "word", "compound", "modifier", "intensifier", "masked"


class Lexicon:
    """An indexed insult lexicon."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.forms: dict[str, Entry] = {}
        self.heads: dict[str, Entry] = {}
        self.prefixes: list[str] = []
        self.persons: set[str] = set()
        self.harmless: set[str] = set()
        self.phrases: dict[tuple[str, ...], Entry] = {}
        self.idioms: list[tuple[str, ...]] = []
        self._cache: dict[str, WordMatch | None] = {}
        self.normalized_terms: dict[str, str] = {}
        for entry in entries:
            self._add(entry)
        self.max_phrase = max((len(p) for p in self.phrases), default=0)
        # multi-word entries indexed by their first word, longest first
        self.phrases_by_first: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}
        for words, phrase in sorted(self.phrases.items(), key=lambda kv: -len(kv[0])):
            self.phrases_by_first.setdefault(words[0], []).append((words, phrase))
        self.idioms_by_first: dict[str, list[tuple[str, ...]]] = {}
        for idiom in sorted(self.idioms, key=len, reverse=True):
            self.idioms_by_first.setdefault(idiom[0], []).append(idiom)
        # masked words ("Sch**ßblatt") are matched against all forms and prefix+person compounds
        intensified = {p + person for p in self.prefixes for person in self.persons}
        pool = sorted(set(self.forms) | set(self.heads) | intensified)
        self._masked_pool = "\n".join(pool)
        self._longest_form = max((len(form) for form in pool), default=0)
        # Longest harmless word and head: only slices up to these lengths can be found, so a
        # 10,000-letter "word" costs as much as a word of that length, not 10,000² (ReDoS).
        self._longest_harmless = max((len(w) for w in self.harmless), default=0)
        self._longest_head = max((len(w) for w in self.heads), default=0)

    def _add(self, entry: Entry) -> None:
        norm = normalize_word(entry.term)
        if not norm:
            return
        self.normalized_terms.setdefault(entry.term, norm)
        if entry.kind in ("head", "word", "slur", "adjective"):
            endings = ADJECTIVE_ENDINGS if entry.kind == "adjective" else NOUN_ENDINGS
            stems = [entry.term]
            if entry.kind != "adjective":
                stems += umlaut_plural_stems(entry.term)
            for stem in stems:
                for ending in endings if stem == entry.term else PLURAL_ENDINGS:
                    form = normalize_word(stem + ending)
                    self.forms.setdefault(form, entry)
                    if entry.kind in ("head", "slur"):
                        self.heads.setdefault(form, entry)
        elif entry.kind == "phrase":
            self.phrases[tuple(norm.split())] = entry
        elif entry.kind == "idiom":
            self.idioms.append(tuple(norm.split()))
        elif entry.kind == "prefix":
            self.prefixes.append(norm)
        elif entry.kind == "person":
            self.persons.update(normalize_word(entry.term + e) for e in NOUN_ENDINGS)
        elif entry.kind == "harmless":
            self.harmless.add(norm)

    def is_harmless(self, word: str) -> bool:
        """Does the word start or end with a known harmless word?"""
        harmless = self.harmless
        n = len(word)
        longest = min(n, self._longest_harmless)
        return any(word[:i] in harmless or word[n - i :] in harmless for i in range(4, longest + 1))

    def match(self, word: str) -> WordMatch | None:
        """Match one normalised word (cached)."""
        try:
            return self._cache[word]
        except KeyError:
            pass
        result = self._match(word)
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _match(self, word: str) -> WordMatch | None:
        if len(word) < 3 or self.is_harmless(word):
            return None
        if MASK in word:
            return self._match_masked(word)
        entry = self.forms.get(word)
        if entry is not None:
            return WordMatch(entry, entry.score, "word")
        n = len(word)
        first = max(_MIN_COMPOUND_PART, n - self._longest_head)  # longer tails are no head
        for i in range(first, n - _MIN_COMPOUND_PART + 1):
            head = self.heads.get(word[i:])
            if head is not None:
                return WordMatch(head, head.score, "compound")
        for prefix in self.prefixes:
            if word.startswith(prefix):
                rest = word[len(prefix) :]
                if rest in self.persons or rest in self.forms:
                    return WordMatch(
                        Entry(prefix, "prefix", INTENSIFIER_SCORE), INTENSIFIER_SCORE, "intensifier"
                    )
        # "Idiotenverein": an inflected insult noun (with linking "-en", "-s" ...) as first part
        for i in range(min(n - _MIN_MODIFIER_REST, self._longest_head), _MIN_MODIFIER_HEAD - 1, -1):
            head = self.heads.get(word[:i])
            if (
                head is not None
                and head.kind == "head"
                and word[:i] != self.normalized_terms.get(head.term)
                and len(self.normalized_terms.get(head.term, "")) >= _MIN_MODIFIER_HEAD
            ):
                return WordMatch(head, round(head.score * MODIFIER_FACTOR, 4), "modifier")
        return None

    def _visible_person(self, form: str, tail: str) -> bool:
        """``sch*sblatt``: the unmasked tail spells out a person noun ("blatt"), not just "e"."""
        return any(
            form.endswith(person) and tail.endswith(person) and len(person) >= 4
            for person in self.persons
        )

    def _match_masked(self, word: str) -> WordMatch | None:
        """``a*loch`` / ``arschl*ch``: each mask run stands for one to six hidden letters."""
        visible = len(word) - word.count(MASK)
        if visible < _MIN_VISIBLE:  # "Sch***" could be anything
            return None
        parts = word.split(MASK)
        # Bounded work (ReDoS): each mask hides at least one letter, so a word longer than the
        # longest form cannot match, and more than a few masks would make the pattern backtrack.
        if len(parts) - 1 > _MAX_MASKS or visible + len(parts) - 1 > self._longest_form:
            return None
        pattern = "^" + ".{1,6}".join(re.escape(p) for p in parts) + "$"
        if any(re.match(pattern, w) for w in MASKED_PROFANITY):
            return None  # "Schei*e" is far more likely swearing than an insult
        for found in re.finditer(pattern, self._masked_pool, re.MULTILINE):
            form = found.group()
            if visible >= 0.5 * len(form):
                entry = self.forms.get(form) or self.heads.get(form)
                if entry is None:  # an intensifier compound: the person noun must be visible
                    if not self._visible_person(form, parts[-1]):
                        continue
                    prefix = next(p for p in self.prefixes if form.startswith(p))
                    entry = Entry(prefix, "prefix", INTENSIFIER_SCORE)
                return WordMatch(entry, entry.score, "masked")
        return None


def umlaut_plural_stems(term: str) -> list[str]:
    """``Dummkopf`` → ``Dummköpf`` (for ``Dummköpfe``), ``Drecksack`` → ``Drecksäck``."""
    vowels = [i for i, c in enumerate(term) if c in "aeiouäöü"]
    if not vowels:
        return []
    last = vowels[-1]
    if term[last] == "u" and last > 0 and term[last - 1] == "a":  # au → äu
        last -= 1
    umlaut = _UMLAUT.get(term[last])
    if umlaut is None:
        return []
    stem = term[:last] + umlaut + term[last + 1 :]
    return [stem[:-1]] if stem.endswith("e") else [stem]


def parse_lexicon(text: str, *, source: str = "lexicon") -> list[Entry]:
    """Parse the lexicon file format; :class:`ConfigError` names the bad line."""
    entries: list[Entry] = []
    kind: str | None = None
    default = 0.0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            name, _, rest = line[1:].partition("]")
            if name not in _SECTIONS:
                raise ConfigError(
                    f"{source}:{number}: unknown section [{name}]", code="invalid_lexicon"
                )
            kind = name
            default = float(rest) if rest.strip() else _DEFAULT_SCORES.get(name, 0.0)
            continue
        if kind is None:
            raise ConfigError(
                f"{source}:{number}: entry before any [section]", code="invalid_lexicon"
            )
        entries.append(parse_entry(line, kind, default, where=f"{source}:{number}"))
    return entries


def parse_entry(line: str, kind: str, default: float, *, where: str) -> Entry:
    """``term`` or ``term | score``."""
    term, _, score_text = line.partition("|")
    try:
        score = float(score_text) if score_text.strip() else default
    except ValueError:
        raise ConfigError(
            f"{where}: score must be a number: {line!r}", code="invalid_lexicon"
        ) from None
    if not 0.0 <= score <= 1.0:
        raise ConfigError(f"{where}: score must be within [0, 1]: {line!r}", code="invalid_lexicon")
    return Entry(term.strip(), kind, score)


def load_entries(path: str = "") -> list[Entry]:
    """Entries from ``path``, or from the shipped lexicon when ``path`` is empty."""
    if path:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"insult lexicon not found: {path}", code="lexicon_not_found")
        return parse_lexicon(file.read_text(encoding="utf-8"), source=str(file))
    shipped = resources.files("netiquette.screening") / "data" / "insult_lexicon.txt"
    return parse_lexicon(shipped.read_text(encoding="utf-8"), source="insult_lexicon.txt")
