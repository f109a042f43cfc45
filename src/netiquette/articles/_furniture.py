"""Recognise page furniture in one line of a captured German news page.

A captured page is the visible text of an article page, one paragraph a line: title, teaser,
image marker and caption with photo credit, source and date, consent placeholders for embedded
media, the article, share buttons and menus, and the comment section with its house rules.
Each function here looks at a single line; :mod:`._textpage` decides by position what to keep.
The patterns are written for German news sites in general, not for one publisher.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (keeps long word lists readable)."""
    return frozenset(text.split())


_MONTHS = (
    "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    "|Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez"
)
# "14. Oktober 2024", "14.10.2024", "14.10.24"; no \b before the day because captured pages glue
# the outlet name to the date ("Epoch Times14. Oktober 2024").
_DATE = re.compile(rf"(?<!\d)\d{{1,2}}\.\s?(?:\d{{1,2}}\.\s?\d{{2,4}}|(?:{_MONTHS})\.?\s+\d{{4}})")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:Uhr)?")
# Lower-case words a date line may contain; any other lower-case word makes it a sentence.
_DATELINE_FILLERS = _words(
    "am um von vom und aktualisiert veröffentlicht erstellt geändert zuletzt stand uhr min "
    "lesezeit minuten"
)

_IMAGE_MARKER = re.compile(
    r"^(?:Titelbild|Titelfoto|Aufmacherbild|Bild|Foto|Symbolbild|Archivbild|Archivfoto|"
    r"Vorschaubild|Bildergalerie|Galerie|Fotostrecke)(?:\s+\d+\s+von\s+\d+|\s+vergrößern)?$",
    re.IGNORECASE,
)
_CREDIT_START = re.compile(
    r"^(?:Foto|Fotos|Bild|Bilder|Bildquelle|Photo|Titelbild|Grafik|Illustration|Copyright)"
    r"\s?:|^©",
    re.IGNORECASE,
)
# A credit glued to the end of a caption: "… in Singapur.Foto: NAME/AFP via Getty Images".
_CREDIT_TAIL = re.compile(
    r"(?:Foto|Fotos|Bild|Bildquelle|Photo|Grafik)\s?:\s?[^.!?]{1,120}$|©[^.!?]{1,120}$"
)
_STOCK_AGENCIES = re.compile(
    r"via Getty Images|Getty Images|picture[ -]alliance|imago images|IMAGO|dpa-Bildfunk|"
    r"Shutterstock|iStock|Adobe Stock|Pixabay|Unsplash",
)

_CONSENT_OPENER = re.compile(
    r"^(?:An dieser Stelle|Hier (?:finden|sehen|hören|wird|ist|steht)|"
    r"Um (?:den|die|das|diesen|diese|dieses|den externen|externe)\b.{0,40}"
    r"(?:anzuzeigen|abzuspielen|zu laden|anzuhören|zu sehen)|Dieser Inhalt|Externer Inhalt|"
    r"Empfohlener (?:redaktioneller )?Inhalt|Mit (?:Ihrer|der) Zustimmung|"
    r"Wir benötigen Ihre Zustimmung|Zum Anzeigen)",
)
_CONSENT_WORDS = (
    re.compile(r"cookie", re.IGNORECASE),
    re.compile(r"datenschutz", re.IGNORECASE),
    re.compile(r"einwillig", re.IGNORECASE),
    re.compile(r"zustimm|stimmen sie", re.IGNORECASE),
    re.compile(r"akzeptier", re.IGNORECASE),
    re.compile(r"personenbezogen", re.IGNORECASE),
    re.compile(r"drittanbieter|anbieter", re.IGNORECASE),
    re.compile(r"extern", re.IGNORECASE),
    re.compile(r"ip-adresse", re.IGNORECASE),
    re.compile(r"widerruf", re.IGNORECASE),
    re.compile(r"tracking", re.IGNORECASE),
)

# One to three words ending in a button verb: "Video abspielen", "Karte anzeigen", "Teilen".
_BUTTON = re.compile(
    r"^(?:\S+\s){0,2}(?:abspielen|anzeigen|laden|nachladen|anhören|ansehen|öffnen|teilen|"
    r"drucken|merken|abonnieren|kommentieren|schließen|akzeptieren|ablehnen|weiterlesen|"
    r"herunterladen)$",
    re.IGNORECASE,
)
_NAV_WORDS = _words(
    "teilen drucken merken e-mail mail facebook twitter x whatsapp telegram linkedin xing "
    "pinterest threads bluesky mastodon flipboard startseite home menü menu suche anzeige werbung "
    "newsletter podcast podcasts impressum datenschutz kontakt agb login anmelden abo "
    "mediathek mehr zurück weiter nach oben"
)
_TEASER_PREFIX = re.compile(
    r"^(?:Lesen Sie (?:auch|mehr|hier)|Mehr zum Thema|Mehr dazu|Auch interessant|"
    r"Das könnte Sie (?:auch )?interessieren|Weitere Artikel|Weiterlesen|Zum Thema|"
    r"Empfehlungen der Redaktion|Hier geht(?:'s| es) zu|Jetzt (?:abonnieren|weiterlesen))\b",
    re.IGNORECASE,
)
_META_LINE = re.compile(
    r"^(?:Lesezeit\b|Artikel (?:anhören|vorlesen)\b|"
    r"(?:Stand|Quelle|Kategorie|Schlagworte|Tags|Themen|Audio)\s?:)[^!?]{0,40}$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:Von|Ein (?:Kommentar|Gastbeitrag|Interview) von)\s+[A-ZÄÖÜ][\w.-]+"
    r"(?:\s+(?:und\s+)?[A-ZÄÖÜ][\w.-]+){0,5}(?:\s*[|,]\s*.{0,40})?$"
)
_SIGN_OFF = re.compile(
    r"^(?:Ihre?|Eure?|Viele Grüße,?\s*(?:Ihre?)?)\s.{0,60}(?:Redaktion|Team|Moderation)\.?$|"
    r"^(?:Ihre?|Die)\s+Redaktion\b.{0,40}$",
    re.IGNORECASE,
)
_KICKERS = _words(
    "kommentar meinung analyse exklusiv interview eilmeldung liveblog reportage hintergrund "
    "porträt kolumne leitartikel gastbeitrag plus"
)

_COMMENTS_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:Leser)?[Kk]ommentare(?:\s*\(\d+\))?:?$|^\d+\s+Kommentar$|"
    r"^(?:Kommentar (?:schreiben|verfassen|abgeben|hinzufügen)|Diskutieren Sie mit|"
    r"Leserdiskussion|Kommentarbereich|(?:Alle )?Kommentare (?:anzeigen|lesen|laden)|"
    r"Zu den Kommentaren)[.!:]?$",
)
_POLICY_START = re.compile(
    r"^Liebe (?:Leserinnen und Leser|Leser(?:innen)?|Community|Nutzerinnen und Nutzer|"
    r"Nutzer(?:innen)?|User(?:innen)?|Kommentatorinnen und Kommentatoren)\b",
)
_POLICY_WORDS = re.compile(r"kommentar|netiquette|diskussion|veröffentlich", re.IGNORECASE)

_SENTENCE_END = re.compile(r"[.!?…:;\"“”»«)’']$")


def word_count(line: str) -> int:
    """Number of whitespace-separated words."""
    return len(line.split())


def ends_like_sentence(line: str) -> bool:
    """True when the line ends with sentence punctuation or a closing quote."""
    return bool(_SENTENCE_END.search(line))


def is_image_marker(line: str) -> bool:
    """A lone "Titelbild", "Foto", "Bild 2 von 7" standing for an image."""
    return bool(_IMAGE_MARKER.match(line))


def is_photo_credit(line: str) -> bool:
    """A photo credit, or an image caption that ends in one."""
    if _CREDIT_START.match(line):
        return True
    if ends_like_sentence(line) or word_count(line) > 60:
        return False
    return bool(_CREDIT_TAIL.search(line) or _STOCK_AGENCIES.search(line))


def is_dateline(line: str) -> bool:
    """A source and date line such as "Mittelland-Echo 6. November 2025, 14:05 Uhr"."""
    if word_count(line) > 12 or not _DATE.search(line):
        return False
    rest = _TIME.sub(" ", _DATE.sub(" ", line))
    words = re.findall(r"[^\W\d_][\w-]*", rest)
    return all(w[0].isupper() or w.lower() in _DATELINE_FILLERS for w in words)


def is_consent_notice(line: str) -> bool:
    """A placeholder asking to accept cookies or external content before media is shown."""
    hits = sum(1 for pattern in _CONSENT_WORDS if pattern.search(line))
    if _CONSENT_OPENER.match(line):
        return hits >= 1
    return hits >= 4 and bool(re.search(r"\bbitte\b|\bklicken\b|Sie\b", line))


def is_navigation(line: str) -> bool:
    """Share buttons, menu entries, "Lesen Sie auch" teasers, bylines and similar chrome."""
    if _TEASER_PREFIX.match(line) or _BYLINE.match(line):
        return True
    if word_count(line) <= 3 and _BUTTON.match(line):
        return True
    words = re.findall(r"[\w-]+", line.lower())
    if words and len(words) <= 6 and all(w in _NAV_WORDS for w in words):
        return True
    return bool(word_count(line) <= 8 and _META_LINE.match(line))


def is_kicker(line: str) -> bool:
    """A one-word genre label above a title ("Kommentar", "Analyse", "Exklusiv")."""
    return line.strip(" :|").lower() in _KICKERS


def is_sign_off(line: str) -> bool:
    """A closing such as "Ihre Epoch Times - Redaktion" under the comment rules."""
    return word_count(line) <= 10 and bool(_SIGN_OFF.match(line))


def is_comments_heading(line: str) -> bool:
    """The heading that opens the reader comment section."""
    return word_count(line) <= 5 and bool(_COMMENTS_HEADING.match(line))


def starts_comment_policy(line: str, following: list[str]) -> bool:
    """A "Liebe Leser," salutation that opens the comment rules (checked on the next lines)."""
    if not _POLICY_START.match(line):
        return False
    return any(_POLICY_WORDS.search(text) for text in [line, *following[:5]])


def is_furniture(line: str) -> bool:
    """Any line that is page furniture wherever it stands."""
    return (
        is_image_marker(line)
        or is_photo_credit(line)
        or is_dateline(line)
        or is_consent_notice(line)
        or is_navigation(line)
        or is_sign_off(line)
    )
