"""The obfuscated-domain matcher reads right to left from each tail, with the same result.

The left-to-right pattern below is the one the ``ad_link`` rule used before issue 11 (every
word of a long "dot dot dot" run was a possible start). The matcher now starts only at tails
("dot de", "[punkt] com") and reads backwards; on any text both must find the same spans.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from netiquette.screening.rules._ad_patterns import (
    _DOT_WORD,
    _LABEL,
    OBFUSCATED_DOMAIN,
    TLDS,
)

LEFT_TO_RIGHT = re.compile(
    rf"(?<![\w.\-]){_LABEL}(?:{_DOT_WORD}{_LABEL}){{0,10}}{_DOT_WORD}(?:{TLDS})\b",
    re.IGNORECASE,
)

PIECES = [
    "x", "shop", "De", "com", "dev", "dot", "DOT", "punkt", "[dot]", "( punkt )", "{dot}", "]",
    " ", "  ", "\n", ".", "-", "_", "@", "ü", "1", "a" * 70, "Dot", "deu", "info", "x-y",
]  # fmt: skip


def _spans(matches: object) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in matches]  # type: ignore[attr-defined]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_same_spans_as_the_left_to_right_pattern(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _spans(OBFUSCATED_DOMAIN.finditer(text)) == _spans(LEFT_TO_RIGHT.finditer(text))


def test_examples() -> None:
    text = "Mehr bei shop dot example [punkt] de und bei x (dot) com, nicht bei dot dot dot."
    found = [text[m.start() : m.end()] for m in OBFUSCATED_DOMAIN.finditer(text)]
    assert found == ["shop dot example [punkt] de", "x (dot) com"]
    chain = " dot ".join(["a"] * 20) + " dot de"  # longer than eleven labels: the last eleven
    (m,) = OBFUSCATED_DOMAIN.finditer(chain)
    assert chain[m.start() : m.end()] == " dot ".join(["a"] * 11) + " dot de"


def test_a_dot_that_is_also_the_start_of_the_next_tail() -> None:
    """Found by the property test above: the second "dot" is both the would-be domain of the
    first "dot" and the start of the tail "dot shop"."""
    assert _spans(OBFUSCATED_DOMAIN.finditer("dot dot shop")) == [(0, 12)]
    assert _spans(OBFUSCATED_DOMAIN.finditer("Bestellt bei x dot punkt dot de")) == _spans(
        LEFT_TO_RIGHT.finditer("Bestellt bei x dot punkt dot de")
    )
