"""Captured text pages: keep title, lead and body; drop credits, consent, menus, comment rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from netiquette.articles import ExtractedArticle, extract_article
from netiquette.errors import InputError

PAGES = Path(__file__).parent / "pages"

# Page furniture that must not survive in any extracted field.
FURNITURE = (
    "Titelbild",
    "Foto:",
    "Bild:",
    "Getty Images",
    "imago",
    "Cookies",
    "Video abspielen",
    "Inhalt laden",
    "Nordstadt TV",
    "Anzeiger Plus",
    "Kommentare",
    "Liebe Leser",
    "Liebe Community",
    "Redaktion des",
    "Moderationsteam",
    "Lesen Sie auch",
    "Artikel teilen",
    "Drucken",
    "Mehr aus dem Sport",
    "Lesezeit",
    "Von Jana Petersen",
    "Aktualisiert am",
    "Kurvenkind",
    "(dpa/red)",
)


def _read(name: str) -> ExtractedArticle:
    return extract_article(text=(PAGES / name).read_text(encoding="utf-8"))


def _assert_no_furniture(article: ExtractedArticle) -> None:
    for field_text in (article.title, article.lead, article.body, *article.paragraphs):
        for marker in FURNITURE:
            assert marker not in field_text, f"{marker!r} left in {field_text[:60]!r}"


def test_tram_page_keeps_title_lead_and_every_paragraph() -> None:
    article = _read("stadtbahn.txt")

    assert article.source == "text"
    assert article.title == (
        "Brakenfeld bekommt die Stadtbahn nach Osterholz – Stadtrat stimmt knapp zu"
    )
    assert article.lead.startswith("Nach fast drei Jahren Planung")
    assert article.lead.endswith("kündigen Widerstand an.")
    assert len(article.paragraphs) == 10
    assert article.paragraphs[0].startswith("Brakenfeld baut eine neue Stadtbahnlinie")
    assert article.paragraphs[-1].endswith("frühestens im Sommer 2027.")
    for heading in ("Zehn neue Haltestellen", "Anwohner fürchten Lärm und Baustellen"):
        assert heading in article.paragraphs
    assert article.body == "\n\n".join(article.paragraphs)
    _assert_no_furniture(article)


def test_stadium_page_of_another_layout() -> None:
    article = _read("stadion.txt")

    assert article.title == "Neues Stadion für Eintracht Wiesenau: Wer zahlt die 140 Millionen?"
    assert article.lead.startswith("Der Zweitligist will bis 2028")
    assert len(article.paragraphs) == 7
    assert article.paragraphs[0].startswith("Eintracht Wiesenau plant den größten Bau")
    assert "Kämmerin warnt vor Risiken" in article.paragraphs
    assert article.paragraphs[-1].startswith("Der Stadtrat will im Mai")
    assert "Anzeige" not in article.paragraphs
    _assert_no_furniture(article)


def test_bare_body_text_keeps_its_first_paragraph() -> None:
    # A CMS that sends only the article text: the first paragraph is not a headline.
    text = (
        "Der Kreistag hat am Dienstag den Haushalt für das kommende Jahr beschlossen.\n\n"
        "Die Kreisumlage steigt um zwei Punkte, die Gemeinden müssen mehr zahlen.\n"
    )

    article = extract_article(text=text)

    assert article.title == ""
    assert article.lead == ""
    assert article.paragraphs == [
        "Der Kreistag hat am Dienstag den Haushalt für das kommende Jahr beschlossen.",
        "Die Kreisumlage steigt um zwei Punkte, die Gemeinden müssen mehr zahlen.",
    ]


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "Freibad bleibt länger offen\n\n"
        "Wegen des warmen Septembers verlängert die Stadt die Saison im\n"
        "Freibad am Wall um zwei Wochen, wie die Bäderbetriebe am Montag\n"
        "mitteilten. Die Preise bleiben unverändert.\n"
    )

    article = extract_article(text=text)

    assert article.title == "Freibad bleibt länger offen"
    assert article.paragraphs == [
        "Wegen des warmen Septembers verlängert die Stadt die Saison im Freibad am Wall um"
        " zwei Wochen, wie die Bäderbetriebe am Montag mitteilten. Die Preise bleiben"
        " unverändert."
    ]


def test_agency_dateline_and_party_in_brackets() -> None:
    text = (
        "Rathaus bekommt Solardach\n\n"
        "Hannover (dpa) - Auf dem Neuen Rathaus werden ab Juni Solarmodule montiert.\n\n"
        "Das teilte Baudezernentin Karin Weiß mit, unterstützt von Ratsherr Peter Ohm (CDU)\n"
    )

    article = extract_article(text=text)

    assert article.paragraphs[0] == "Auf dem Neuen Rathaus werden ab Juni Solarmodule montiert."
    assert article.paragraphs[-1].endswith("Peter Ohm (CDU)")


@pytest.mark.parametrize("text", ["", "   \n\n  ", "Titelbild\nFoto: Agentur\nTeilen\nDrucken"])
def test_nothing_usable_raises_input_error(text: str) -> None:
    with pytest.raises(InputError) as caught:
        extract_article(text=text)
    assert caught.value.field == "text"


def test_neither_text_nor_html_is_an_input_error() -> None:
    with pytest.raises(InputError):
        extract_article()


def test_article_about_cookies_is_not_a_consent_notice() -> None:
    text = (
        "Bußgeld gegen Onlinehändler\n\n"
        "Die Landesdatenschutzbehörde hat ein Bußgeld verhängt, weil ein Händler Cookies ohne "
        "Einwilligung setzte und Daten an Drittanbieter weitergab.\n\n"
        "Hier wird nun nachgebessert, sagte ein Sprecher des Unternehmens.\n"
    )

    article = extract_article(text=text)

    assert len(article.paragraphs) == 2
    assert article.paragraphs[0].startswith("Die Landesdatenschutzbehörde")
