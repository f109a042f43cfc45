"""Words and times in the reader's language: one gettext catalogue per language.

``src/netiquette/locale/<lang>/LC_MESSAGES/messages.po`` holds every text people read — the
workspace, screening reasons, statements of reasons, the transparency report, the embed. The
source language is English: a message id is the English text, so code and templates stay
readable, and a missing translation shows English rather than a key. The ``.po`` files are read
at start (Babel compiles them in memory), so adding a language is adding one ``.po`` file
(docs/architecture.md, "Add a language"); ``make messages`` re-extracts the ids from code and
templates and merges them into every catalogue.

Times are shown in the site's ``timezone`` setting and in the language's format
(:func:`format_when`), everywhere: templates use the ``when`` filter, statements and reports call
the function.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

from netiquette.errors import ConfigError

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
#: The language a site speaks when the reader has not chosen one.
DEFAULT = "de"
#: The language message ids are written in.
SOURCE = "en"


def _discover() -> tuple[str, ...]:
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(found) or (SOURCE,)


#: Every language with a catalogue, found on disk: a new ``.po`` file is a new language.
LANGUAGES: tuple[str, ...] = _discover()


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (it is stored in English)."""
    return message


def po_path(lang: str) -> Path:
    """The catalogue file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (English, the source, for an unknown language)."""
    if lang not in LANGUAGES:
        lang = SOURCE if SOURCE in LANGUAGES else DEFAULT
    path = po_path(lang)
    if not path.is_file():
        return Translations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    # Fuzzy entries are guesses of `pybabel update`; like gettext, never show them.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(lang: str) -> Callable[[str], str]:
    """``_(message)`` for one language."""
    return translations(lang).gettext


def language_name(lang: str) -> str:
    """The language's own name for itself ("Deutsch", "English")."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, UnknownLocaleError):  # a catalogue for a code CLDR does not know
        return lang
    return name[:1].upper() + name[1:]


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``; ConfigError naming the ``timezone`` setting if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {name!r}", field="timezone") from None


def format_when(value: datetime | None, lang: str, timezone: str, style: str = "medium") -> str:
    """``value`` (naive = UTC) in the site's time zone and the language's format, with the zone.

    ``style``: ``medium`` (date and time), ``short`` (short date and time), ``time`` (time of
    day) or ``date`` (the day alone, no zone).
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    tz = zone(timezone)
    if style == "date":
        return format_date(value.astimezone(tz), "medium", locale=lang)
    if style == "time":
        text = format_time(value, "medium", tzinfo=tz, locale=lang)
    else:
        text = format_datetime(value, style, tzinfo=tz, locale=lang)
    return f"{text} {format_datetime(value, 'z', tzinfo=tz, locale=lang)}"


def tidy_catalogues() -> int:
    """After ``pybabel update``: fill the English catalogue, keep headers still; returns fills.

    English is the source language, so its translation of an id is the id itself unless an
    editor rewords it; filling them keeps "every id translated in every catalogue" checkable.
    The creation date ``pybabel update`` stamps on every run is set back to the revision date,
    so a catalogue changes only where its messages change (fewer merge conflicts).
    """
    filled = 0
    for lang in LANGUAGES:
        path = po_path(lang)
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
        revised = catalog.revision_date
        if isinstance(revised, datetime):
            catalog.creation_date = revised
        for message in catalog:
            if lang != SOURCE or not message.id:
                continue
            if isinstance(message.id, str) and not message.string:
                message.string = message.id
                filled += 1
            elif isinstance(message.id, tuple) and not any(message.string or ()):
                message.string = tuple(message.id)
                filled += 1
        with path.open("wb") as fh:
            write_po(fh, catalog, width=0, sort_by_file=True)
    return filled
