"""House rule ``insult`` (Schimpfwort): a German insult lexicon matched through normalisation.

How a comment is read:

* The comment is normalised (:mod:`netiquette.screening.normalize`), so ``I d i o t``, ``Idi0t``,
  ``Vollpf0sten``, ``A****loch``, ``Ar$chl0ch`` and ``Dummkoepfe`` all meet the lexicon.
* Each word is matched whole (with inflection endings), as the last part of a compound
  (``Kunstidiot`` is flagged: the compound still calls someone an idiot), with an intensifier
  prefix on a person noun (``Drecksregierung``), or – with a lower score – as the first part of a
  compound (``Idiotenverein``).
* Words the lexicon lists as harmless are never flagged, whether they start or end the word:
  ``idiotensicher`` and ``Idiotentest`` are idioms, ``Trottellumme`` is a bird. ``Schweinfurt``,
  ``Ideologie`` and ``Pflaume`` contain no lexicon word in a matching position. ``Arschkälte`` is
  not flagged: it is vulgar about the weather, not an insult of a person.
* Idioms are skipped: ``kein Schwein``, ``Schwein gehabt``, ``innerer Schweinehund``, ``unter aller
  Sau`` and ``armes Schwein`` (decided: pity, not an insult, in how commenters use it).
* ``@handles`` are skipped: they are the account names of other commenters (``@Jani_Depp``).
* Quoting to condemn: a hit directly enclosed in quotation marks (``Wer andere „Idiot“ nennt …``)
  has its score multiplied by ``quoted_factor`` (default 0.5), which lands below the flag
  threshold and above the policy's approve threshold: the comment goes to a human, never to
  auto-reject, and is not auto-approved either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from netiquette.screening.base import RuleResult, ScreeningInput, Span
from netiquette.screening.normalize import Normalized, Token, normalize_shared
from netiquette.screening.prefilter import Haystack, Prefilter
from netiquette.screening.registry import register_rule, version_from_name
from netiquette.screening.rules._lexicon import (
    Entry,
    Lexicon,
    load_entries,
    parse_entry,
)

NAME = "netiquette.insult.lexicon.v1"
QUOTES = frozenset("'\"„“”‚‘’»«›‹`")
#: Each further hit adds this much to the best hit's score.
_EXTRA_HIT_BONUS = 0.03


@dataclass(frozen=True, slots=True)
class InsultConfig:
    """Configuration of the lexicon insult rule (``[rules.insult]`` in the TOML)."""

    threshold: float = 0.7
    quoted_factor: float = 0.5
    lexicon: str = ""
    extra_terms: tuple[str, ...] = ()
    harmless: tuple[str, ...] = ()
    idioms: tuple[str, ...] = ()


@lru_cache(maxsize=8)
def build_lexicon(
    path: str, extra_terms: tuple[str, ...], harmless: tuple[str, ...], idioms: tuple[str, ...]
) -> Lexicon:
    """The shipped (or configured) lexicon plus the site's own additions."""
    entries = load_entries(path)
    entries += [parse_entry(t, "head", 0.9, where="rules.insult.extra_terms") for t in extra_terms]
    entries += [Entry(t, "harmless", 0.0) for t in harmless]
    entries += [Entry(t, "idiom", 0.0) for t in idioms]
    return Lexicon(entries)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    score: float
    reason: str


class InsultRule:
    """Flags insults found in the lexicon."""

    name = "insult"

    def __init__(self, config: InsultConfig, lexicon: Lexicon) -> None:
        self.config = config
        self.lexicon = lexicon
        self.version = version_from_name(NAME)

    def evaluate(self, item: ScreeningInput) -> RuleResult:
        """Score one comment: 0 without a hit, the best hit's score otherwise."""
        hits = self.find(item.text)
        if not hits:
            return RuleResult(self.name, self.version, 0.0, False)
        best = max(h.score for h in hits)
        score = min(1.0, best + _EXTRA_HIT_BONUS * (len(hits) - 1))
        evidence = tuple(
            Span(self.name, h.start, h.end, item.text[h.start : h.end], h.reason) for h in hits
        )
        flag = score >= self.config.threshold
        reason = "; ".join(dict.fromkeys(h.reason for h in hits))
        return RuleResult(self.name, self.version, round(score, 4), flag, evidence, reason)

    def find(self, text: str) -> list[_Hit]:
        """All insult hits in ``text``, in order."""
        normalized = normalize_shared(text)
        tokens = normalized.tokens
        norms = [t.reading.norm for t in tokens]
        skip = self.idiom_tokens(norms)
        hits: list[_Hit] = []
        free = 0  # tokens before this one belong to a phrase already found
        for i in self._candidates(tokens, norms):
            if i < free or i in skip:
                continue
            phrase = self._phrase_at(norms, i, skip)
            if phrase is not None:
                length, entry = phrase
                start = tokens[i].span(0, len(norms[i]))[0]
                last = tokens[i + length - 1]
                end = last.span(0, len(last.norm))[1]
                hits.append(self._hit(normalized, start, end, entry.score, f"phrase: {entry.term}"))
                free = i + length
                continue
            token = tokens[i]
            if text[token.start] == "@":  # an @handle names another commenter's account
                continue
            hit = self._word_hit(normalized, token)
            if hit is not None:
                hits.append(hit)
        return hits

    def _candidates(self, tokens: tuple[Token, ...], norms: list[str]) -> list[int]:
        """Indices of the tokens that start a phrase or match the lexicon in some reading.

        Every other token yields nothing; a long comment repeats the same few words, so each
        distinct spelling is looked up once instead of once per token.
        """
        lexicon = self.lexicon
        hot = {
            norm
            for norm in set(norms)
            if norm in lexicon.phrases_by_first or lexicon.match(norm) is not None
        }
        return [
            i
            for i, token in enumerate(tokens)
            if norms[i] in hot or (token.alt is not None and lexicon.match(token.alt.norm))
        ]

    def idiom_tokens(self, norms: list[str]) -> set[int]:
        skip: set[int] = set()
        by_first = self.lexicon.idioms_by_first
        for i, norm in enumerate(norms):
            for idiom in by_first.get(norm, ()):
                if tuple(norms[i : i + len(idiom)]) == idiom:
                    skip.update(range(i, i + len(idiom)))
        return skip

    def _phrase_at(self, norms: list[str], i: int, skip: set[int]) -> tuple[int, Entry] | None:
        for words, entry in self.lexicon.phrases_by_first.get(norms[i], ()):
            size = len(words)
            if tuple(norms[i : i + size]) == words and not any(
                j in skip for j in range(i, i + size)
            ):
                return size, entry
        return None

    def _word_hit(self, normalized: Normalized, token: Token) -> _Hit | None:
        for alt, reading in enumerate(token.readings()):
            match = self.lexicon.match(reading.norm)
            if match is not None:
                start, end = token.span(0, len(reading.norm), alt=bool(alt))
                reason = f"{match.how}: {match.entry.term}"
                return self._hit(normalized, start, end, match.score, reason)
        return None

    def _hit(self, normalized: Normalized, start: int, end: int, score: float, why: str) -> _Hit:
        text = normalized.original
        quoted = start > 0 and end < len(text) and text[start - 1] in QUOTES and text[end] in QUOTES
        if quoted:
            score *= self.config.quoted_factor
            why += " (quoted)"
        elif reported(text, start, end):
            score *= self.config.quoted_factor
            why += " (reported speech)"
        elif negated(text, start):
            score *= self.config.quoted_factor
            why += " (negated)"
        return _Hit(start, end, round(score, 4), why)


# Someone else's words, reported rather than said: "er nannte sie eine …", "sie sei eine …",
# "Wörter wie …". The commenter discusses the insult; a human decides.
_REPORTED = re.compile(
    r"(?:\b(?:nannte\w*|nenn\w*|genannt|bezeichne\w*|beschimpf\w*|tituliert\w*|wörter wie"
    r"|worte wie|begriffe? wie|ausdrücke? wie|ausdruck)\s+(?:[\w-]+\s+){0,3}"
    r"|\b(?:sei|seien|wäre|wären)\s+(?:[\w-]+\s+){0,2})$",
    re.IGNORECASE,
)
_REPORTED_AFTER = re.compile(
    r"^[\w-]*\s+(?:[\w-]+\s+){0,3}(?:sei|seien|wäre|wären|beschimpf\w*|bezeichne\w*|genannt"
    r"|nenn\w*|tituliert\w*)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?]\s")
_CLAUSE_END = re.compile(r"[,.;:!?]")


# "X sind keine …", "du bist kein …", "ist doch kein …": the label is denied, not given.
_NEGATED = re.compile(
    r"\b(?:bin|bist|ist|sind|seid|war|waren|wäre|wären|sei)\s+(?:(?:doch|ja|auch|aber|gar|"
    r"überhaupt|eben|wirklich|sicher|bestimmt)\s+)*(?:kein|keine|keiner|keinen|nicht)\s+"
    r"(?:(?:ein|eine|einen|so|solche[rn]?|\w+e[rns]?)\s+){0,2}$",
    re.IGNORECASE,
)


# Each hit asks these of the words around it; most windows lack their words ("sei", "nicht"),
# and the prefilter answers those without running the pattern (same answers).
_REPORTED_WORDS = Prefilter(_REPORTED)
_REPORTED_AFTER_WORDS = Prefilter(_REPORTED_AFTER)
_NEGATED_WORDS = Prefilter(_NEGATED)


def negated(text: str, start: int) -> bool:
    """Is the word at ``start`` the object of a denial in the same clause ("sind keine …")?"""
    before = _CLAUSE_END.split(text[max(0, start - 60) : start])[-1]
    return _NEGATED_WORDS.search(Haystack(before)) is not None


def reported(text: str, start: int, end: int | None = None) -> bool:
    """Is the word at ``start:end`` someone else's, reported in the same sentence or clause?"""
    before = text[max(0, start - 80) : start]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    if _REPORTED_WORDS.search(Haystack(before)) is not None:
        return True
    if end is None:
        return False
    after = _CLAUSE_END.split(text[end : end + 60], maxsplit=1)[0]
    return _REPORTED_AFTER_WORDS.search(Haystack(after)) is not None


@register_rule(NAME)
def make_insult_rule(config: InsultConfig) -> InsultRule:
    """Factory for the lexicon insult rule."""
    lexicon = build_lexicon(config.lexicon, config.extra_terms, config.harmless, config.idioms)
    return InsultRule(config, lexicon)
