"""HTML pages: trafilatura in precision mode, the <p> reader as fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from netiquette.articles import _htmlpage, _textpage, extract_article, extract_body, looks_like_html
from netiquette.errors import InputError

PAGES = Path(__file__).parent / "pages"
PAGE = (PAGES / "hallenbad.html").read_text(encoding="utf-8")


def test_html_page_keeps_article_and_drops_chrome() -> None:
    article = extract_article(html=PAGE, url="https://example.org/lokales/hallenbad-sued")

    assert article.source == "html"
    assert article.title == "Hallenbad Süd öffnet nach Sanierung wieder"
    assert article.lead.startswith("Nach zwei Jahren Bauzeit")
    assert len(article.paragraphs) == 6
    assert article.paragraphs[0].startswith("Die Stadt Lindau hat das Hallenbad Süd")
    assert "Teurer als geplant" in article.paragraphs
    assert article.paragraphs[-1].endswith("zusätzliche Termine am Vormittag.")
    for chrome in (
        "Cookies",
        "Lokales",
        "Lesen Sie auch",
        "Freibadsaison",
        "Foto:",
        "Kommentare",
        "Netiquette",
        "Endlich wieder offen",
        "Impressum",
        "Drucken",
    ):
        assert chrome not in article.body
        assert chrome not in article.lead


def test_paragraph_reader_fallback_drops_banner_and_comments() -> None:
    # The page through the fallback reader alone, as when trafilatura finds nothing.
    raw = _htmlpage._read_paragraphs(PAGE)
    body = _textpage.clean_body(raw.paragraphs, drop=(raw.title, raw.lead))
    assert raw.title == "Hallenbad Süd öffnet nach Sanierung wieder"
    assert len(body) == 6
    assert not any("Cookies" in p or "Netiquette" in p or "Endlich" in p for p in body)


def test_small_fragment_without_boilerplate() -> None:
    html = (
        "<div><p>Der Rat hat beschlossen, die Brücke am Hafen zu sanieren.</p>"
        "<p>Die Arbeiten beginnen im Mai &amp; dauern ein Jahr.</p></div>"
    )

    article = extract_article(html=html)

    assert article.paragraphs == [
        "Der Rat hat beschlossen, die Brücke am Hafen zu sanieren.",
        "Die Arbeiten beginnen im Mai & dauern ein Jahr.",
    ]


@pytest.mark.parametrize(
    "html", ["", "<<<>>>", "<html><body><nav>Start</nav></body></html>", "<p></p>"]
)
def test_html_without_text_raises_input_error_on_html(html: str) -> None:
    with pytest.raises(InputError) as caught:
        extract_article(html=html)
    assert caught.value.field == "html"


def test_html_falls_back_to_text_when_both_given() -> None:
    article = extract_article(html="<p></p>", text="Ein Satz mit genug Wörtern für den Text.")
    assert article.source == "text"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (PAGE, True),
        ("<p>Ein Absatz.</p><p>Noch einer.</p>", True),
        ("<!doctype html><title>x</title>", True),
        ("Ein ganz normaler Text ohne Auszeichnung.", False),
        ("Wenn a < b und b > c gilt, ist a < c.", False),
        ("Ich finde <b> kursiv nicht schön.", False),
    ],
)
def test_looks_like_html(raw: str, expected: bool) -> None:
    assert looks_like_html(raw) is expected


def test_extract_body_handles_both_kinds() -> None:
    from_html = extract_body(PAGE)
    from_text = extract_body((PAGES / "stadtbahn.txt").read_text(encoding="utf-8"))

    assert from_html.startswith("Hallenbad Süd öffnet nach Sanierung wieder\n\n")
    assert "Teurer als geplant" in from_html
    assert "Cookies" not in from_html
    assert from_text.startswith("Brakenfeld bekommt die Stadtbahn")
    assert "Liebe Leser" not in from_text
