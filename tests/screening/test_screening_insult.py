"""House rule ``insult``: insults are found through every obfuscation, harmless words are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netiquette.errors import ConfigError
from netiquette.screening.base import ScreeningInput
from netiquette.screening.normalize import normalize_shared
from netiquette.screening.registry import get_component
from netiquette.screening.rules.insult import InsultConfig, InsultRule, make_insult_rule


@pytest.fixture(scope="module")
def rule() -> InsultRule:
    return make_insult_rule(InsultConfig())


def check(rule: InsultRule, text: str) -> tuple[float, bool, list[str]]:
    result = rule.evaluate(ScreeningInput(text))
    assert result.score is not None
    return result.score, result.flag, [span.text for span in result.evidence]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Du bist ein Idiot.", "Idiot"),
        ("Du bist ein I d i o t!", "I d i o t"),
        ("Was für ein I.d.i.o.t", "I.d.i.o.t"),
        ("Nur Vollpf0sten glauben das.", "Vollpf0sten"),
        ("So ein A****loch!", "A****loch"),
        ("Du Arschl*ch", "Arschl*ch"),
        ("So ein Sch**ßblatt", "Sch**ßblatt"),
        ("Idi0t", "Idi0t"),
        ("Du Arschloch", "Arschloch"),
        ("Du Ar$chl0ch", "Ar$chl0ch"),
        ("Ihr Dummkoepfe", "Dummkoepfe"),
        ("Ihr Dummköpfe", "Dummköpfe"),
        ("Idiooooot", "Idiooooot"),
        ("Du Іdiot", "Іdiot"),  # Cyrillic І
        ("Du Vo11idiot", "Vo11idiot"),
        ("Ein Kunstidiot", "Kunstidiot"),
        ("Diese Drecksregierung", "Drecksregierung"),
        ("Diese Scheiß-Politiker", "Scheiß-Politiker"),
        ("Lauter Covidioten hier", "Covidioten"),
        ("Du dumme Kuh", "dumme Kuh"),
        ("Id\u200biot", "Id\u200biot"),
    ],
)
def test_insults_are_flagged_through_obfuscation(
    rule: InsultRule, text: str, evidence: str
) -> None:
    score, flag, spans = check(rule, text)
    assert flag
    assert score >= 0.85
    assert evidence in spans


@pytest.mark.parametrize(
    "text",
    [
        "Wir fahren morgen nach Schweinfurt.",
        "Die Ideologie dahinter ist gefährlich.",
        "Das System ist idiotensicher.",
        "Das Gerät ist Idiotensicher gebaut.",
        "Eine Pflaume ist ein Steinobst.",
        "Heute ist eine Arschkälte draußen.",
        "Kein Schwein interessiert sich dafür.",
        "Da haben wir Schwein gehabt.",
        "Das arme Schwein hat alles verloren.",
        "Mein innerer Schweinehund sagt nein.",
        "Das Essen war unter aller Sau.",
        "Die Trottellumme ist ein Seevogel.",
        "Der Einmarsch begann im Februar.",
        "Die Brutalität der Angriffe.",
        "Die Mongolei liegt zwischen Russland und China.",
        "Nach zehn Minuten war alles vorbei.",
        "Arbeitslose und Obdachlose brauchen Hilfe.",
        "Die Schlamperei bei der Bahn nervt.",
        "Wildschweine im Garten, Meerschweinchen im Käfig.",
        "Ein Oxymoron ist ein Widerspruch in sich.",
        "Die Wirtschaft in Asien wächst.",
        "Die Tiere fressen das Futter.",
        "Die Milch ist sauer geworden.",
        "Die Nazis kamen 1933 an die Macht.",
        "Neonazis marschierten durch die Stadt.",
        "Ein Misthaufen und eine Mistgabel.",
        "Danke für den sachlichen Artikel.",
        "Niger und Nigeria sind Nachbarländer.",
        "That was a deep analysis.",
        "Slowenien1945 war ein anderes Land.",
        "Die Debatte über Transsexualität.",
        "Wir mussten uns abstrampeln.",
        "So eine Sch***, schon wieder Stau.",
        "Schei*e, schon wieder Stau.",
        "Die Vogelbrut ist geschützt, brutto und netto.",
        "@Jani_Depp: da stimme ich zu.",
        "Der Packer im Lager.",
    ],
)
def test_harmless_words_and_idioms_are_not_flagged(rule: InsultRule, text: str) -> None:
    score, flag, spans = check(rule, text)
    assert not flag
    assert score == 0.0
    assert spans == []


def test_idiom_does_not_hide_a_separate_insult(rule: InsultRule) -> None:
    _, flag, spans = check(rule, "Schwein gehabt, du Idiot.")
    assert flag
    assert spans == ["Idiot"]


def test_quoted_insult_goes_to_review_not_to_a_flag(rule: InsultRule) -> None:
    score, flag, spans = check(rule, "Wer andere „Idiot“ nennt, hat schon verloren.")
    assert not flag
    assert 0.3 < score < 0.7
    assert spans == ["Idiot"]


def test_more_hits_score_higher(rule: InsultRule) -> None:
    one, _, _ = check(rule, "Du Idiot.")
    two, _, _ = check(rule, "Du Idiot, du Trottel.")
    assert two > one


def test_score_is_zero_without_hit(rule: InsultRule) -> None:
    result = rule.evaluate(ScreeningInput("Ein ganz normaler Kommentar."))
    assert result.score == 0.0
    assert not result.flag
    assert result.version == "lexicon-v1"


def test_site_terms_and_harmless_words_are_configurable() -> None:
    component = get_component("netiquette.insult.lexicon.v1")
    custom = component.build({"extra_terms": ["Blitzbirne | 0.9"], "harmless": ["idiotenwitz"]})
    assert custom.evaluate(ScreeningInput("Du Blitzbirne")).flag
    assert not custom.evaluate(ScreeningInput("Ein Idiotenwitz")).flag


def test_own_lexicon_file(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("[word] 0.95\nquatschkopf\n", encoding="utf-8")
    rule = make_insult_rule(InsultConfig(lexicon=str(lexicon)))
    assert rule.evaluate(ScreeningInput("Du Quatschkopf")).flag
    assert not rule.evaluate(ScreeningInput("Du Idiot")).flag


def test_broken_lexicon_file_names_the_line(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("[word]\nfoo | lots\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lexicon\.txt:2"):
        make_insult_rule(InsultConfig(lexicon=str(lexicon)))


@pytest.mark.parametrize(
    "text",
    [
        "Er nannte sie eine Hure, das ist widerlich.",
        "Sie musste sich anhören, was für ein Idiot sie eigentlich sei.",
        "Wer andere als Idiot beschimpft, sollte sich schämen.",
        "Wörter wie Vollidiot haben in dieser Debatte nichts zu suchen.",
    ],
)
def test_reported_insults_go_to_a_human_not_rejected(text: str) -> None:
    result = make_insult_rule(InsultConfig()).evaluate(ScreeningInput(text))
    assert not result.flag
    assert result.score is not None and 0 < result.score < 0.7


@pytest.mark.parametrize(
    "text", ["Du Idiot, sei still.", "Der Minister ist ein Idiot und sollte zurücktreten."]
)
def test_insults_said_outright_stay_flagged(text: str) -> None:
    assert make_insult_rule(InsultConfig()).evaluate(ScreeningInput(text)).flag


@pytest.mark.parametrize(
    "text",
    [
        "Geflüchtete sind keine Schmarotzer, sondern unsere Nachbarn.",
        "Du bist doch kein Idiot, du hast einfach recht.",
    ],
)
def test_a_denied_label_is_not_an_insult(text: str) -> None:
    result = make_insult_rule(InsultConfig()).evaluate(ScreeningInput(text))
    assert not result.flag
    assert result.score is not None and 0 < result.score < 0.7


def test_not_only_an_insult_is_still_one() -> None:
    text = "Der ist nicht nur ein Idiot, sondern auch gefährlich."
    assert make_insult_rule(InsultConfig()).evaluate(ScreeningInput(text)).flag


def _find_token_by_token(rule: InsultRule, text: str) -> list[object]:
    """The lexicon walk as written before it looked up each distinct spelling once: every
    token in turn (the reference for the faster one)."""
    normalized = normalize_shared(text)
    tokens = normalized.tokens
    norms = [t.norm for t in tokens]
    skip = rule.idiom_tokens(norms)
    hits: list[object] = []
    i = 0
    while i < len(tokens):
        if i in skip:
            i += 1
            continue
        phrase = rule._phrase_at(norms, i, skip)
        if phrase is not None:
            length, entry = phrase
            start = tokens[i].span(0, len(norms[i]))[0]
            last = tokens[i + length - 1]
            end = last.span(0, len(last.norm))[1]
            hits.append(rule._hit(normalized, start, end, entry.score, f"phrase: {entry.term}"))
            i += length
            continue
        token = tokens[i]
        if text[token.start] == "@":
            i += 1
            continue
        hit = rule._word_hit(normalized, token)
        if hit is not None:
            hits.append(hit)
        i += 1
    return hits


WORDS = [
    "du", "Opfer", "dumme", "Kuh", "kein", "Schwein", "gehabt", "Idiot", "Idi0t", "1d10t",
    "@Idiot", "„Idiot“", "A****loch", "Drecksregierung", "idiotensicher", "Vollpfosten",
    "Sch**ßblatt", "I d i o t", "sind keine", "nannte ihn", "Stadtrat", "1", "!", ".", ",",
    "Trotte1", "Arsch|och",
]  # fmt: skip
LEXICON_RULE = make_insult_rule(InsultConfig())


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25), st.sampled_from([" ", "  ", ", ", "\n"]))
def test_hits_as_found_token_by_token(words: list[str], separator: str) -> None:
    text = separator.join(words)
    assert LEXICON_RULE.find(text) == _find_token_by_token(LEXICON_RULE, text)
