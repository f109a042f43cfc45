"""Extraction never raises anything but InputError, whatever it is fed."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netiquette.articles import extract_article, extract_body, most_related_passage
from netiquette.errors import InputError

# Pieces that steer the heuristics into their branches, mixed with arbitrary text.
_LINES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "Titelbild",
            "Kommentare",
            "Liebe Leser,",
            "Foto: A/B via Getty Images",
            "Zeitung3. März 2025",
            "An dieser Stelle wird ein Video angezeigt. Bitte akzeptieren Sie Cookies.",
            "Teilen",
            "Ihre Redaktion",
            "(dpa/red)",
            "Berlin (dpa) - ",
            "Ein Satz mit genügend Wörtern, damit er als Absatz zählt.",
            "",
        ]
    ),
)
_PAGES = st.lists(_LINES, max_size=30).map("\n".join)
_TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<nav>",
        "</nav>",
        "<h1>",
        "</h1>",
        "<script>",
        "<!--",
        "<html>",
        "<body>",
        "<meta name='description' content='x y z w'>",
        "&amp;",
        "&#0;",
        "<",
        ">",
    ]
)
_HTML = st.lists(st.one_of(_TAGS, _LINES), max_size=40).map("".join)

_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(_PAGES)
def test_text_pages_raise_only_input_error(text: str) -> None:
    try:
        article = extract_article(text=text)
    except InputError as error:
        assert error.field == "text"
    else:
        assert article.body == "\n\n".join(article.paragraphs)


@_FUZZ
@given(_HTML)
def test_html_raises_only_input_error(html: str) -> None:
    try:
        extract_article(html=html)
    except InputError as error:
        assert error.field == "html"


@_FUZZ
@given(st.text(max_size=400))
def test_extract_body_on_any_text(raw: str) -> None:
    with contextlib.suppress(InputError):
        extract_body(raw)


@_FUZZ
@given(st.one_of(_PAGES, _HTML), st.text(max_size=200))
def test_related_passage_never_raises(page: str, comment: str) -> None:
    passage = most_related_passage(page, comment)
    assert isinstance(passage, str)
