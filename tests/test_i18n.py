"""Every text people read comes from a gettext catalogue, translated in every language.

The ids are extracted from code and templates exactly as ``make messages`` does (``babel.cfg``),
so a new ``_("...")`` without a translation, or a catalogue not merged after a change, fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from netiquette.errors import ConfigError
from netiquette.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    format_when,
    gettext,
    po_path,
)
from netiquette.screening.reasons import ATOMS, TEMPLATES, translate_reason
from netiquette.screening.rules import _ad_patterns, _aggression_patterns
from netiquette.web.i18n import embed_catalogue

ROOT = Path(__file__).resolve().parent.parent


def _extracted_ids() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    return _extracted_ids()


def _catalog(lang: str) -> dict[str, list[str]]:
    """Message id (a plural's singular) -> its translations, one per plural form."""
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out: dict[str, list[str]] = {}
    for m in catalog:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        forms = list(m.string) if isinstance(m.string, tuple) else [m.string]
        out[key] = [] if m.fuzzy else forms
    return out


def test_there_are_german_and_english_catalogues() -> None:
    assert {"de", "en"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_of_code_and_templates_is_translated(lang: str, extracted: set[str]) -> None:
    catalog = _catalog(lang)
    missing = sorted(extracted - set(catalog))
    assert missing == [], f"not in {lang} catalogue (run `make messages`): {missing[:10]}"
    untranslated = sorted(i for i in extracted if not catalog[i] or not all(catalog[i]))
    assert untranslated == [], f"untranslated in {lang}: {untranslated[:10]}"
    stale = sorted(set(catalog) - extracted)
    assert stale == [], f"{lang} catalogue has ids no code uses (run `make messages`): {stale}"


def test_the_template_lists_exactly_the_extracted_ids(extracted: set[str]) -> None:
    with (LOCALE_DIR / "messages.pot").open("rb") as fh:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(fh) if m.id}
    assert template == extracted


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_ids(lang: str) -> None:
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    wrong = [
        (msgid, text)
        for msgid, forms in _catalog(lang).items()
        for text in forms
        if sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(text))
    ]
    assert wrong == []


def test_every_reason_the_pattern_tables_give_is_catalogued() -> None:
    produced = {name for name, _ in _aggression_patterns.STRONG + _aggression_patterns.MEDIUM}
    produced |= {phrase.reason for phrase in _ad_patterns.PHRASES}
    produced |= set(_ad_patterns.WEIGHTS)
    assert produced - set(ATOMS) == set()


def test_reasons_show_in_the_moderators_language() -> None:
    reason = "classifier in doubt, no insult word found"
    assert translate_reason(reason, "de") == "Klassifikator unsicher, kein Schimpfwort gefunden"
    assert translate_reason(reason, "en") == reason
    # Parts joined by "; " and values inside templates are translated one by one; the
    # comment's own words (the term) stay as they are.
    assert (
        translate_reason("word: Idiot; link (no sign of promotion)", "de")
        == "Wort: Idiot; Link (kein Hinweis auf Werbung)"
    )
    assert translate_reason("refers to the article ('der Autor')", "de") == (
        "bezieht sich auf den Artikel ('der Autor')"
    )
    # The comment's own words are never translated, even where they look like ours.
    assert translate_reason("word: offer", "de") == "Wort: offer"
    assert translate_reason("note: link", "de") == "note: link"
    # A text no catalogue knows (an old row, a model's own words) is shown unchanged.
    assert translate_reason("something new", "de") == "something new"
    assert all(gettext("de")(t) != t or "%(how)s" in t or "%(reason)s" in t for t in TEMPLATES)


def test_times_are_in_the_site_zone_and_the_language_format() -> None:
    at = datetime(2026, 12, 4, 15, 30, 5, tzinfo=UTC)
    assert format_when(at, "de", "Europe/Berlin") == "04.12.2026, 16:30:05 MEZ"
    assert format_when(at, "en", "Europe/Berlin").startswith("Dec 4, 2026, 4:30:05")
    assert format_when(at.replace(tzinfo=None), "de", "Europe/Berlin", "time") == "16:30:05 MEZ"
    assert format_when(at, "de", "UTC", "date") == "04.12.2026"
    with pytest.raises(ConfigError) as info:
        format_when(at, "de", "Mars/Olympus")
    assert info.value.field == "timezone"


def test_the_embed_carries_its_words_in_every_language(client: TestClient) -> None:
    words = embed_catalogue()
    assert set(words) == set(LANGUAGES)
    assert words["de"]["send"] == "Absenden"
    assert words["en"]["send"] == "Send"
    script = client.get("/embed.js").text
    assert "/*WORDS*/" not in script
    assert '"Absenden"' in script and '"Send"' in script


def test_statements_of_reasons_are_worded_by_the_catalogues_in_the_site_zone(
    client: TestClient,
) -> None:
    import re

    from tests.accountability.helpers import INSULT, own_view, submit

    submitted = submit(client, INSULT)
    assert submitted["status"] == "rejected"
    text = own_view(client, submitted)["statement_of_reasons"]["text"]
    # Europe/Berlin (the default `timezone`), each language's own format.
    assert re.match(
        r"Ihr Kommentar vom \d\d\.\d\d\.\d{4}, \d\d:\d\d:\d\d MES?Z zum Artikel „Stadtbahn“",
        text["de"],
    )
    assert re.match(
        r"Your comment of [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d:\d\d\s[AP]M \+0[12]00 "
        r"on the article “Stadtbahn”",
        text["en"],
    )
    assert re.search(
        r"Entschieden: automatisch, ohne menschliche Prüfung, am \d\d\.\d\d\.\d{4}\.", text["de"]
    )


def test_dashboard_days_are_the_sites_days_even_when_the_clocks_change() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from netiquette.review.stats import DateRange

    berlin = ZoneInfo("Europe/Berlin")
    # 30 March 2025: clocks go forward, the day has 23 hours; it starts at 23:00 UTC.
    spring = DateRange(date(2025, 3, 29), date(2025, 3, 31), berlin)
    assert spring.start == datetime(2025, 3, 28, 23, tzinfo=UTC)
    assert spring.end == datetime(2025, 3, 31, 22, tzinfo=UTC)
    assert spring.hours == 24 + 23 + 24
    assert [s.stop - s.start for s in spring.day_hours()] == [24, 23, 24]
    assert DateRange(date(2025, 1, 1), date(2025, 1, 1)).hours == 24  # UTC by default


def test_off_topic_reasons_and_insinuation_cues_show_in_the_moderators_language() -> None:
    from netiquette.screening.models.patterns import INSINUATION_CUES
    from netiquette.screening.reasons import CUES

    assert {name for name, _ in INSINUATION_CUES} == set(CUES)
    assert translate_reason("cue: paid_by", "de") == "Signal: von jemandem bezahlt"
    assert translate_reason("cue: paid_by", "en") == "cue: paid for by someone"
    assert translate_reason("cue: something else", "de") == "Signal: something else"
    flagged = "no reference to the article's subject, actors or discussion"
    assert translate_reason(flagged, "de") == (
        "kein Bezug zu Thema, Beteiligten oder Diskussion des Artikels"
    )
    reply = flagged + " nor to the parent comment"
    assert translate_reason(reply, "de").endswith("zum Kommentar, auf den er antwortet")
    assert translate_reason("refers to the discussion or the article", "de") == (
        "bezieht sich auf die Diskussion oder den Artikel"
    )
