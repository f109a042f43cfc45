"""Sentence spans: offsets into the original text, German abbreviations kept inside."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from netiquette.compat.spans import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s.begin : s.end] for s in split_sentences(text)]


def test_sentences_end_at_stops_and_line_breaks() -> None:
    text = "Gute Entscheidung! Die Linie 7 kommt endlich. Warum erst 2031?\nIch warte."
    assert sentences(text) == [
        "Gute Entscheidung!",
        "Die Linie 7 kommt endlich.",
        "Warum erst 2031?",
        "Ich warte.",
    ]


def test_abbreviations_ordinals_and_lower_case_continuations_do_not_split() -> None:
    text = (
        "Das kostet z. B. 118 Mio. Euro bzw. mehr. Am 31. Dezember ist Schluss. Dr. Meier sagt das."
    )
    assert sentences(text) == [
        "Das kostet z. B. 118 Mio. Euro bzw. mehr.",
        "Am 31. Dezember ist Schluss.",
        "Dr. Meier sagt das.",
    ]


def test_quotes_after_the_stop_stay_with_the_sentence() -> None:
    assert sentences("Er sagte: „Nie wieder.“ Dann ging er.") == [
        "Er sagte: „Nie wieder.“",
        "Dann ging er.",
    ]


@given(st.text(max_size=300))
def test_spans_are_ordered_trimmed_and_inside_the_text(text: str) -> None:
    spans = split_sentences(text)
    if text.strip():
        assert spans
    last = 0
    for span in spans:
        assert last <= span.begin < span.end <= len(text)
        piece = text[span.begin : span.end]
        assert piece == piece.strip()
        last = span.end
