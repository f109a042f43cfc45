"""The passage a comment is most about, for the moderator view."""

from __future__ import annotations

from pathlib import Path

from netiquette.articles import extract_article, most_related_passage
from netiquette.articles.related import stem, stems

PAGES = Path(__file__).parent / "pages"
TRAM = extract_article(text=(PAGES / "stadtbahn.txt").read_text(encoding="utf-8"))


def test_inflected_forms_share_a_stem() -> None:
    assert stem("Bäumen") == stem("Bäume")
    assert stem("Haltestellen") == stem("Haltestelle")
    assert stem("Verkehrsbetriebe") == stem("Verkehrsbetrieben")
    assert stems("Die und der oder aber") == set()


def test_comment_about_trees_finds_the_paragraph_about_trees() -> None:
    comment = "Dass für die Trasse 63 Bäume gefällt werden, ist traurig."
    passage = most_related_passage(TRAM, comment)
    assert passage.startswith("Kritik kommt von einer Bürgerinitiative")


def test_comment_about_costs_finds_the_cost_paragraph() -> None:
    passage = most_related_passage(TRAM, "Wer zahlt den Eigenanteil, wenn die Baukosten steigen?")
    assert passage.startswith("Die Baukosten schätzt die Verwaltung")


def test_compound_words_count() -> None:
    # "Planfeststellung" is a prefix of the paragraph's "Planfeststellungsverfahren".
    passage = most_related_passage(TRAM, "Was bedeutet eigentlich Planfeststellung?")
    assert passage.startswith("Als Nächstes folgt das Planfeststellungsverfahren")


def test_headings_are_not_chosen_over_paragraphs() -> None:
    passage = most_related_passage(TRAM, "zehn neue Haltestellen")
    assert passage.startswith("Die Linie 4 soll")


def test_off_topic_comment_has_no_passage() -> None:
    assert most_related_passage(TRAM, "Hat jemand das Pokalspiel gestern gesehen?") == ""
    assert most_related_passage(TRAM, "") == ""


def test_raw_page_is_accepted() -> None:
    raw = (PAGES / "stadtbahn.txt").read_text(encoding="utf-8")
    passage = most_related_passage(raw, "Die CDU will lieber Schnellbusse.")
    assert passage.startswith("Die CDU-Fraktion stimmte geschlossen")
    assert most_related_passage("", "irgendwas") == ""
