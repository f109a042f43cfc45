"""House rule ``aggression``: threats, calls for violence, intimidation, dehumanisation, shouting.

The trained classifier learnt aggression from tweets (GermEval ABUSE, Würzburg hate speech) and
misses most threats in news comments ("Wir wissen, wo ihr wohnt"). German patterns
(:mod:`netiquette.screening.rules._aggression_patterns`) carry the rule and supply the evidence;
the classifier adds what they miss where it is confident. Scores sit on the classifier's
calibrated scale, so the CV thresholds from the model metadata keep their meaning:

* a ``strong`` pattern, or two different ``medium`` cues, put the comment in the reject zone
  (``max(p, reject_at)``);
* one ``medium`` cue flags it for a human (``max(p, flag_at)``, below ``reject_at`` unless the
  classifier itself is that sure);
* shouting (a sentence in capitals ending in ``!!``) is a weak cue: alone it only keeps the
  comment from auto-approval; together with a ``medium`` cue it takes it into the reject zone;
* a negated cue ("niemand sollte …") only keeps the comment from auto-approval; one in quotation
  marks drops one tier, and to that weak level when the comment condemns or reports it
  (counter-speech: "Hetze", "bitte löschen", "ich schäme mich", …);
* without any cue the classifier flags from halfway between ``flag_at`` and ``reject_at``
  (``classifier_flag_point = 0.5``; 1.0 = only in the reject zone, as before houserules-2); its
  best sentence is the evidence; below that its score is held just under ``flag_at``. Since
  houserules-2 the classifier has learnt threats, calls to violence and dehumanisation from
  our own written comments (TF-IDF heads and the fine-tuned semantic encoder).

Patterns run on the normalised skeleton, so obfuscations ("a u f h ä n g e n", "Ungez1efer")
are caught, and every span maps back to exact offsets in the original comment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from netiquette.screening.base import RuleResult, ScreeningInput, Span
from netiquette.screening.normalize import normalize_shared
from netiquette.screening.prefilter import Haystack, Prefilter
from netiquette.screening.registry import register_rule, version_from_name
from netiquette.screening.rules._aggression_patterns import (
    CONDEMNATION,
    MEDIUM_RX,
    STRONG_RX,
    negated,
)
from netiquette.screening.rules._models import ModelBackedRule, Zones
from netiquette.screening.rules.insult import QUOTES

NAME = "netiquette.aggression.model.v1"
_BELOW = 0.001
_STRONG, _MEDIUM, _WEAK = 2, 1, 0
#: Most cues read per pattern: the overlap check is pairwise, and a few cues already decide.
_MAX_CUES = 20
# A segment starts only after a sentence end (or at the start): without the look-behind a
# long segment without "!!" was rescanned from every one of its characters (ReDoS).
_SHOUT_SEGMENT = re.compile(r"(?<![^.!?\n])[^.!?\n]++!{2,}")
_CONDEMNATION = Prefilter(CONDEMNATION)
_ADDRESS = re.compile(r"\b(?:IHR|EUCH|EUER|EURE|DU|DICH|DIR|DEIN|DEINE)\b")


@dataclass(frozen=True, slots=True)
class AggressionConfig:
    """Configuration of the aggression rule (``[rules.aggression]`` in the TOML)."""

    model_dir: str = ""  # "" = the shipped model
    use_encoder: bool = True  # false: TF-IDF only (faster, less accurate)
    shouting: bool = True  # count capitals + "!!" aimed at the reader as a cue
    min_shout_letters: int = 12
    extra_strong: tuple[str, ...] = ()  # site patterns (regex on the normalised skeleton)
    extra_medium: tuple[str, ...] = ()
    # Without any cue the classifier flags from this point between its best-F1 point ``flag_at``
    # (0.0) and its reject zone ``reject_at`` (1.0, the behaviour before houserules-2).
    classifier_flag_point: float = 0.5
    # A comment in doubt is also read sentence by sentence; a sentence at least this far from
    # ``reject_at`` (0.0) to certainty (1.0 = never) lifts it (``read_sentences``). 0.5 since
    # houserules-10, chosen on the calibration sets blind3-blind7 (never a blind set): aggression
    # F1 0.829 -> 0.840, insult 0.906 -> 0.908, any rule 0.899 -> 0.902; 0.3 and 0.7 the same
    # within 0.003; every sentence at any probability dropped aggression to 0.788.
    sentence_point: float = 0.5


@dataclass(frozen=True, slots=True)
class Cue:
    """One piece of evidence: where, how strong, why."""

    start: int
    end: int
    tier: int
    reason: str


class AggressionRule(ModelBackedRule):
    """Pattern evidence plus classifier probability."""

    name = "aggression"

    def __init__(self, config: AggressionConfig) -> None:
        self.config = config
        self.version = version_from_name(NAME)
        self._strong = STRONG_RX + tuple(
            ("site pattern", re.compile(p)) for p in config.extra_strong
        )
        self._medium = MEDIUM_RX + tuple(
            ("site pattern", re.compile(p)) for p in config.extra_medium
        )
        # Most comments hold none of a pattern's words: skip the pattern then (same cues).
        self._tiers = tuple(
            (tier, tuple((reason, Prefilter(rx)) for reason, rx in patterns))
            for tier, patterns in ((_STRONG, self._strong), (_MEDIUM, self._medium))
        )

    def evaluate_many(self, items: Sequence[ScreeningInput]) -> list[RuleResult]:
        """Score a batch of comments with one classifier call."""
        return self.combine_many(items)

    def _combine(self, text: str, p: float, zones: Zones) -> RuleResult | None:
        cues = self.cues(text)
        flagging = [c for c in cues if c.tier >= _MEDIUM]
        strong = any(c.tier == _STRONG for c in cues)
        kinds = {c.reason for c in flagging}
        if strong or len(kinds) >= 2 or (flagging and len(cues) > len(flagging)):
            score = max(p, zones.reject_at)
        elif flagging:
            score = max(p, zones.flag_at)
        elif p >= zones.reject_at or (not cues and p >= _alone_at(zones, self.config)):
            return None
        elif cues:
            middle = (zones.approve_below + zones.flag_at) / 2
            score = min(max(p, middle), zones.flag_at - _BELOW)
        else:
            score = min(p, zones.flag_at - _BELOW)
        shown = flagging or []
        evidence = tuple(
            Span(self.name, c.start, c.end, text[c.start : c.end], c.reason) for c in shown
        )
        reason = "; ".join(dict.fromkeys(c.reason for c in cues))
        return RuleResult(self.name, self.version, round(score, 4), bool(shown), evidence, reason)

    def cues(self, text: str) -> list[Cue]:
        """All aggression cues in ``text`` with spans into the original, in order."""
        normalized = normalize_shared(text)
        skeleton = normalized.text
        haystack = Haystack(skeleton)
        condemned = _CONDEMNATION.search(haystack) is not None
        found: list[Cue] = []
        taken: list[tuple[int, int]] = []
        for tier, patterns in self._tiers:
            for reason, pattern in patterns:
                for n, m in enumerate(pattern.finditer(haystack)):
                    if n >= _MAX_CUES:
                        break
                    if any(m.start() < e and s < m.end() for s, e in taken):
                        continue
                    taken.append((m.start(), m.end()))
                    start, end = normalized.to_original(m.start(), m.end())
                    level = tier
                    if negated(skeleton, m.start()):
                        level = _WEAK
                    elif _quoted(text, start, end):
                        # quoted to condemn it ("… „X sollte man …“. Bitte löschen"): no flag
                        level = _WEAK if condemned else level - 1
                    found.append(Cue(start, end, level, reason))
        if self.config.shouting:
            found.extend(self._shouting(text))
        return sorted(found, key=lambda c: (c.start, c.end))

    def _shouting(self, text: str) -> list[Cue]:
        cues: list[Cue] = []
        if "!!" not in text:
            return cues
        for m in _SHOUT_SEGMENT.finditer(text):
            segment = m.group(0)
            letters = [ch for ch in segment if ch.isalpha()]
            if len(letters) < self.config.min_shout_letters:
                continue
            if sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
                continue
            start = m.start() + len(segment) - len(segment.lstrip())
            # Shouting alone is anger, not yet aggression: it only counts with another cue.
            reason = "shouting at the reader" if _ADDRESS.search(segment) else "shouting"
            cues.append(Cue(start, m.end(), _WEAK, reason))
        return cues


def _alone_at(zones: Zones, config: AggressionConfig) -> float:
    """Where the classifier flags without a cue (``classifier_flag_point`` of the way from
    ``flag_at`` to ``reject_at``)."""
    return zones.flag_at + config.classifier_flag_point * (zones.reject_at - zones.flag_at)


def _quoted(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` inside a pair of quotation marks on the same line?"""
    before = text[:start].rsplit("\n", 1)[-1]
    after = text[end:].split("\n", 1)[0]
    opened = sum(ch in QUOTES for ch in before) % 2 == 1
    return opened and any(ch in QUOTES for ch in after)


@register_rule(NAME)
def make_aggression_rule(config: AggressionConfig) -> AggressionRule:
    """Factory for the aggression rule."""
    return AggressionRule(config)
