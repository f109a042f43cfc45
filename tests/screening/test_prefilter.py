"""Literal prefilters change how much work a pattern costs, never what it finds.

Every screening pattern that runs through a :class:`Prefilter` must give the same matches as
the plain ``finditer``: on texts built from the very literals the prefilter looks for (so that
clauses are sometimes met and sometimes just missed), on case tricks (``İ``, ``ı``, ``ſ``,
capitals), on the adversarial inputs and on the comment corpora.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netiquette.screening.models.patterns import _COMPILED
from netiquette.screening.normalize import normalize
from netiquette.screening.prefilter import FOLD_SAFE, Haystack, Prefilter, fold
from netiquette.screening.rules import _ad_patterns as ad
from netiquette.screening.rules._aggression_patterns import CONDEMNATION, MEDIUM_RX, STRONG_RX
from tests.security.adversarial import adversarial_texts

PATTERNS: dict[str, re.Pattern[str]] = {
    **{f"aggression {i} {name}": rx for i, (name, rx) in enumerate(STRONG_RX + MEDIUM_RX)},
    "condemnation": CONDEMNATION,
    **{f"ad phrase {i} {p.reason}": p.pattern for i, p in enumerate(ad.PHRASES)},
    **{
        f"ad {name}": getattr(ad, name)
        for name in ("OBFUSCATED_EMAIL", "EMAIL", "URL", "WWW", "BARE_DOMAIN", "SPACED_DOMAIN")
    },
    "ad MESSENGER": ad.MESSENGER,
    **{f"cue {name}": rx for name, rx in _COMPILED},
}
PREFILTERS = {name: Prefilter(rx) for name, rx in PATTERNS.items()}
ROOT = Path(__file__).resolve().parents[2]


def _spans(matches: object) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in matches]  # type: ignore[attr-defined]


def _same(name: str, text: str) -> None:
    expected = _spans(PATTERNS[name].finditer(text))
    prefilter = PREFILTERS[name]
    assert _spans(prefilter.finditer(Haystack(text))) == expected, (name, text[:200])
    if not prefilter.admits(Haystack(text)):
        assert expected == [], (name, text[:200])


def _all_characters() -> str:
    return "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)


def test_fold_maps_each_character_to_its_ignorecase_partner() -> None:
    everything = _all_characters()
    folded = fold(everything)
    assert len(folded) == len(everything)  # one for one: offsets stay valid
    # Literals keep the characters of FOLD_SAFE and uncased ones: whatever IGNORECASE matches
    # them with must fold to them.
    kept = sorted(FOLD_SAFE | set(string.digits + string.punctuation + " €§°\n"))
    partners = set(re.findall("[" + re.escape("".join(kept)) + "]", everything, re.IGNORECASE))
    for char in kept:
        for partner in partners:
            if re.fullmatch(re.escape(char), partner, re.IGNORECASE):
                assert fold(partner) == char, (char, partner)
    # No cased character lowers to an uncased one (which a literal would keep unfolded).
    for original, low in zip(everything, folded, strict=True):
        if original != low:
            assert low.isupper() or low.islower() or low != low.swapcase(), original


@pytest.mark.parametrize(
    ("pattern", "clauses", "starts"),
    [
        (
            r"\bgehoer(?:t|en)? \w+",
            [{"gehoer ", "gehoert ", "gehoeren "}],
            {"gehoer ", "gehoert ", "gehoeren "},
        ),
        (r"(?i)\bVerdien(?:t|e)\b", [{"verdient", "verdiene"}], {"verdient", "verdiene"}),
        (r"\w+@\w+\.de", [{"@"}, {".de"}], None),
        (r"a|\d", [], None),
        (r"(?i)café au lait", [{"caf"}, {" au lait"}], {"caf"}),  # é: not folded, not kept
        (r"(?i)Straße", [{"straße"}], {"straße"}),
        (r"(?:nur|ab)\s+\d+\s*€", [{"€"}, {"nur", "ab"}], {"nur", "ab"}),
        (r"x(?-i:Y)z", [{"xYz"}], {"xYz"}),
    ],
)
def test_what_a_pattern_needs(
    pattern: str, clauses: list[set[str]], starts: set[str] | None
) -> None:
    prefilter = Prefilter(re.compile(pattern))
    found = sorted((set(c.strings) for c in prefilter.clauses), key=sorted)
    assert all(wanted in found for wanted in clauses), found
    if starts is None:
        assert prefilter.starts is None
    else:
        assert prefilter.starts is not None and set(prefilter.starts.strings) == starts


def test_what_it_cannot_read_adds_no_clause() -> None:
    prefilter = Prefilter(re.compile(r"(a)(?(1)b|c)"))  # a conditional: read as "anything"
    assert [set(c.strings) for c in prefilter.clauses] == [{"a"}]
    assert _spans(prefilter.finditer(Haystack("ab ac cb"))) == [(0, 2, "ab")]
    assert Prefilter(re.compile(r"\d+|x")).clauses == ()


def _pieces() -> list[str]:
    """The literals the prefilters look for, in several cases, and what separates them."""
    literals: set[str] = set()
    for prefilter in PREFILTERS.values():
        for clause in (*prefilter.clauses, prefilter.starts):
            if clause is not None:
                literals.update(sorted(clause.strings)[:12])
    pieces = set()
    for literal in literals:
        pieces.update({literal, literal.upper(), literal.capitalize()})
    pieces.update([" ", "  ", ".", ",", "!", "?", "\n", "1", "10", "€", "@", "-", "/", "x"])
    pieces.update(["İ", "ı", "ſ", "K", "Ä", "ü", "ß", "SS", "de", ".de", "www.", "http://x"])
    return sorted(pieces)


PIECES = _pieces()


@settings(max_examples=1000, deadline=None)
@given(
    st.sampled_from(sorted(PATTERNS)),
    st.lists(st.sampled_from(PIECES), max_size=30),
    st.integers(min_value=1, max_value=40),
)
def test_same_matches_on_texts_made_of_its_literals(
    name: str, pieces: list[str], repeat: int
) -> None:
    text = "".join(pieces)
    _same(name, text)
    _same(name, text * repeat)  # many candidates: past the budget, the plain scan takes over


def test_same_matches_on_adversarial_input() -> None:
    for _, text in adversarial_texts(500):
        skeleton = normalize(text).text
        for name in PATTERNS:
            _same(name, text)
            _same(name, skeleton)


def _unscored(path: Path) -> bool:
    """A blind set not yet scored: no code reads its rows, not even a test."""
    sheet = path.parent / "DATASHEET.md"
    return sheet.is_file() and "## Status: unscored" in sheet.read_text(encoding="utf-8")


def _corpus() -> list[str]:
    texts: list[str] = []
    for path in [*sorted(ROOT.glob("datasets/*/*.jsonl")), ROOT / "benchmarks/data/ad_dev.jsonl"]:
        if _unscored(path):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


@pytest.mark.slow
def test_same_matches_on_the_comment_corpora() -> None:
    texts = _corpus()
    assert len(texts) > 3000
    for text in texts[::5]:
        skeleton = normalize(text).text
        for name in PATTERNS:
            _same(name, text)
            _same(name, skeleton)
