"""Patterns behind the ``ad_link`` rule: links, contacts and sales talk, each with a weight.

Weights are probability-like: a signal of weight 0.85 alone means "85 % likely an ad"; several
signals combine as independent evidence (``1 - Π(1 - w)``). Strong signals (an unlisted link, a
phone number, a messenger contact) flag on their own; sales words like "Rabatt" only add up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netiquette.screening.prefilter import Haystack, Prefilter

_I = re.IGNORECASE

#: Top-level domains recognised without ``http://`` or ``www.``. Two-letter codes that are also
#: common German words ("es", "in", "so", "am", "um") are left out on purpose. The gambling,
#: loan and cheap spam domains (``bet``, ``casino``, ``poker``, ``loan``, ``icu``, ``cyou``,
#: ``buzz``, ``cfd``, ``sbs``) since 2026-12-08: a betting ad on ``….bet`` was published
#: automatically on the fifteenth blind set (read after its scoring).
TLDS = (
    "com|de|net|org|info|biz|eu|at|ch|io|co|uk|us|fr|it|nl|pl|ru|ua|cn|jp|be|dk|se|fi|pt|cz|tr|to|"
    "gr|hu|ro|li|lu|me|tv|cc|ws|xyz|top|online|shop|store|site|website|app|dev|link|club|live|"
    "news|blog|gov|edu|int|ly|gl|gg|ai|gd|su|nu|tk|ml|ga|cf|gq|email|finance|money|win|bid|vip|"
    "pro|world|today|media|click|agency|berlin|hamburg|bayern|koeln|wien|swiss|"
    "bet|casino|poker|loan|icu|cyou|buzz|cfd|sbs"
)
_DOT_WORD = (
    r"(?:\s*(?:\[\s*(?:dot|punkt)\s*\]|\(\s*(?:dot|punkt)\s*\)|\{\s*(?:dot|punkt)\s*\})\s*"
    r"|\s+dot\s+)"
)
_AT_WORD = (
    r"(?:\s*(?:\[\s*(?:at|ät|@)\s*\]|\(\s*(?:at|ät|@)\s*\)|\{\s*(?:at|@)\s*\})\s*"
    r"|\s+(?:at|ät)\s+)"
)

URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`]+", _I)
WWW = re.compile(r"\bwww\d?\.[^\s<>\"'`]+", _I)
BARE_DOMAIN = re.compile(
    rf"(?<![@\w.\-/])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:{TLDS})\b(?![\-@])"
    r"(?:[/?#][^\s<>\"'`]*)?",
    _I,
)
#: Labels are bounded and possessive (DNS allows 63 characters).
_LABEL = r"[a-z0-9\-]{1,63}+"
#: An obfuscated domain "x dot y [dot] de": up to eleven labels, then a top-level domain. Read
#: right to left (see :class:`ObfuscatedDomains`): a match can only end at a top-level domain,
#: so the scan starts there. Read left to right, every word of a long "dot dot dot …" run was
#: a possible start, each tried over ten labels (about 20 ms for a 10,000-character comment).
_DOT_WORD_REVERSED = (
    r"(?:\s*(?:\]\s*(?:tod|tknup)\s*\[|\)\s*(?:tod|tknup)\s*\(|\}\s*(?:tod|tknup)\s*\{)\s*"
    r"|\s+tod\s+)"
)
_TLDS_REVERSED = "|".join(tld[::-1] for tld in TLDS.split("|"))
OBFUSCATED_DOMAIN_REVERSED = re.compile(
    rf"\b(?:{_TLDS_REVERSED}){_DOT_WORD_REVERSED}{_LABEL}"
    rf"(?:{_DOT_WORD_REVERSED}{_LABEL}){{0,10}}(?![\w.\-])",
    _I,
)


@dataclass(frozen=True, slots=True)
class Found:
    """A match's span in the text (what the link patterns' callers use of a match)."""

    begin: int
    finish: int

    def start(self) -> int:
        """Where the match starts."""
        return self.begin

    def end(self) -> int:
        """Where the match ends."""
        return self.finish


class ObfuscatedDomains:
    r"""``finditer`` of the obfuscated-domain pattern, read right to left from each tail.

    A match ends in "dot" or "punkt" (bracketed or not) and a top-level domain: a cheap scan
    finds those tails, and the reversed pattern is tried only at them, from the rightmost one.
    Spans are given in the original text, left to right. Equivalent to reading left to right
    with ``(?<![\w.\-])label(?:DOT label){0,10}DOT tld\b`` (a property test compares both).
    """

    def finditer(self, text: str) -> list[Found]:
        """Every obfuscated domain in ``text``, left to right, not overlapping."""
        tails = [
            end
            for m in _DOT_TAIL.finditer(text)
            if m.group(2).lower() in _TLD_SET
            and _ends_a_word(text, end := m.start() + len(m.group(1)))
        ]
        n = len(text)
        reversed_text = text[::-1]
        found: list[Found] = []
        limit = n  # matches may not overlap: the next one ends at or before this
        for end in reversed(tails):
            if end > limit:
                continue
            m = OBFUSCATED_DOMAIN_REVERSED.match(reversed_text, n - end)
            if m is not None:
                found.append(Found(n - m.end(), end))
                limit = n - m.end()
        found.reverse()
        return found


_TLD_SET = frozenset(TLDS.split("|"))
#: Candidate tails: "dot"/"punkt", an optional closing bracket, a word that may be a TLD. Read
#: as a lookahead, so tails may overlap: in "dot dot shop" the second "dot" is both the first
#: tail's would-be domain and the start of the tail that ends the match.
_DOT_TAIL = re.compile(r"(?=((?:dot|punkt)\s*+[\])}]?\s*+([a-z]{2,7}+)))", _I)


def _ends_a_word(text: str, end: int) -> bool:
    r"""``\b`` after a word that ends at ``end``."""
    return end == len(text) or not (text[end].isalnum() or text[end] == "_")


OBFUSCATED_DOMAIN = ObfuscatedDomains()
#: A domain with its dot spaced out or replaced by a symbol: "shop . de", "shop · de",
#: "shop(.)de", "w w w . shop . de". A label starts only where no label character precedes it
#: and is bounded and possessive, separators are possessive: linear on any input. A plain
#: sentence end ("… Ende. De facto") has no space before its dot, and after a spaced-out dot
#: the top-level domain must be lower case ("Ende . De facto" is a typo, not a domain). So must
#: it after a spelled-out "punkt" ("shop punkt de") and after a comma with no space after it
#: ("shop,de": ordinary text puts a space after a comma).
SPACED_DOMAIN = re.compile(
    r"(?:(?<![\w.\-])w\s?+w\s?+w\s*+[.·•]\s*+)?"
    r"(?<![\w.\-])[a-z0-9][a-z0-9\-]{0,62}+"
    rf"(?:\s*+(?:\(\.\)|\[\.\]|\{{\.\}}|[·•])\s*+(?:{TLDS})|\s++\.\s*+(?-i:{TLDS})"
    rf"|\s++(?-i:punkt)\s++(?-i:{TLDS})|\s*+,(?-i:{TLDS}))"
    r"\b(?![\w\-])(?:/[^\s<>\"'`]{0,200}+)?",
    _I,
)
SPACED_DOMAIN_GATE = re.compile(r"\s\.|[·•]|\(\.\)|\[\.\]|\{\.\}|\spunkt\s|,[a-z]")
#: The local part (at most 64 characters, possessive) starts where no local-part character
#: precedes it, so a run like "a.a.a.…" is not rescanned from every position (ReDoS).
_LOCAL = r"(?<![\w.+\-])[\w.+\-]{1,64}+"
EMAIL = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL}){{0,10}}\.(?:{TLDS})\b", _I)
OBFUSCATED_EMAIL = re.compile(
    rf"{_LOCAL}\s{{0,3}}+{_AT_WORD}\s{{0,3}}+{_LABEL}\s{{0,3}}+(?:\.|{_DOT_WORD})\s{{0,3}}+"
    rf"(?:{TLDS})\b",
    _I,
)
#: German and international phone numbers: +49 / 0049 / 0…, with spaces, slashes or dashes.
PHONE = re.compile(r"(?<![\w.,+])(?:\+\s?|00)?\(?\d(?:[ \t/()\-]{0,3}\d){7,14}(?!\d)")
MESSENGER = re.compile(
    r"\b(?:whats\s?app|telegram|signal|threema|wickr|snapchat|instagram|insta|tiktok|discord|"
    r"viber|wechat|kik)\b",
    _I,
)
HANDLE = re.compile(r"@[a-z0-9_]{3,}", _I)
_MESSENGER_REACH = 60

UNIT_PRICE = r"(?:€|(?:euro|eur)\b)"


@dataclass(frozen=True, slots=True)
class Phrase:
    """A sales or contact phrase with its weight."""

    pattern: re.Pattern[str]
    weight: float
    reason: str
    #: Lower-case substrings of which one must occur before the regex is tried: a cheap gate
    #: that keeps the regexes off the vast majority of comments.
    triggers: tuple[str, ...]
    #: The literals every match contains (read from the pattern): a finer gate behind those,
    #: and where a match can start.
    gate: Prefilter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gate", Prefilter(self.pattern))

    def finditer(
        self, text: str, lowered: str, haystack: Haystack | None = None
    ) -> list[re.Match[str]]:
        """All matches; no regex work when no trigger occurs in ``lowered``. Given
        ``haystack`` (the same text), the pattern is tried only where a match can start, and
        not at all when a literal that every match contains is missing."""
        for trigger in self.triggers:
            if trigger in lowered:
                if haystack is not None:
                    return list(self.gate.finditer(haystack))
                return list(self.pattern.finditer(text))
        return []


def _p(pattern: str, weight: float, reason: str, triggers: str) -> Phrase:
    return Phrase(re.compile(pattern, _I), weight, reason, tuple(triggers.split("|")))


_MONEY = "€|euro|eur|$|dollar"
#: An amount ("1.000,50"): starts only at the beginning of a digit run and is bounded, so
#: "1.1.1.…" is read once, not again from every digit (that was quadratic: ReDoS).
_AMOUNT = r"(?<![\w.,])\d[\d.,]{0,24}+"
PHRASES: tuple[Phrase, ...] = (
    # contact me privately / see my profile
    _p(
        r"\b(?:schreib(?:t|en\s+sie)?|schick(?:t|en\s+sie)?|meld(?:e|et)\s+(?:dich|euch))\s+"
        r"(?:mir\s+|mich\s+|bei\s+mir\s+)?(?:doch\s+|gern[e]?\s+|einfach\s+)*"
        r"(?:eine\s+|ne\s+|'ne\s+)?(?:pn|dm|private\s+nachricht|privatnachricht)\b",
        0.8,
        "asks for private messages",
        "pn|dm|nachricht",
    ),
    _p(
        r"\b(?:schreib(?:t|en\s+sie)?|schick(?:t|en\s+sie)?)\s+(?:mir|uns)\s+"
        r"(?:doch\s+|gern[e]?\s+|einfach\s+|kurz\s+)*(?:eine\s+|ne\s+|'ne\s+)?"
        r"(?:nachricht|mail|e-mail|sms)\b",
        0.5,
        "asks for a message",
        "nachricht|mail|sms",
    ),
    _p(
        r"\b(?:nummer|telefonnummer|handynummer|kontakt(?:daten)?|whatsapp|infos?)\s+"
        r"(?:steht\s+|stehen\s+)?(?:im|in\s+meinem|in\s+unserem)\s+profil\b",
        0.8,
        "contact in profile",
        "profil",
    ),
    _p(
        r"\b(?:kontakt|bewerb\w*|anfrage\w*|schreib\w*(?:\s+mir)?|meld\w*(?:\s+dich|\s+euch)?)"
        r"\s+(?:gern[e]?\s+|einfach\s+|direkt\s+)*(?:per|über|auf|via|bei)\s+(?:die\s+app\s+)?"
        r"(?:whats\s?app|telegram|signal|threema|wickr|snapchat|discord|insta(?:gram)?|tiktok"
        r"|facebook|messenger)\b"
        r"|\bschreib\w*\s+(?:mir|uns)\s+(?:über|in|auf)\s+(?:die|der)\s+app\b",
        0.6,
        "contact through a messenger",
        "whats|telegram|signal|threema|wickr|snap|discord|insta|tiktok|facebook|messenger|app",
    ),
    _p(r"\banruf\s+genügt\b", 0.5, "asks for a call", "anruf"),
    _p(
        r"\b(?:infos?|preise|details|angebote?|weitere|termine|bilder|tipps|beratung)\b"
        r"[^.!?\n]{0,30}?\b(?:im|in\s+meinem|auf\s+meinem|über\s+mein(?:e|en)?)\s+(?:profil|bio)\b"
        r"|\b(?:in|über)\s+meine[rn]?\s+bio\b|\bprofil\s+(?:checken|anschauen|ansehen)\b"
        r"|\bklick\w*\s+auf\s+meinen\s+namen\b",
        0.75,
        "points to profile",
        "profil|bio|namen",
    ),
    _p(
        r"\b(?:per|via|über)\s+(?:direktnachricht|privatnachricht)\b"
        r"|\bmeldet\s+euch\s+(?:privat|per\s+nachricht)\b|\bbei\s+interesse\s+(?:dm|pn)\b",
        0.55,
        "asks for a message",
        "nachricht|privat|interesse",
    ),
    _p(
        r"\b(?:telegram|whats\s?app|signal)[\s\-]?(?:gruppe|kanal|channel)\b"
        r"|\bauf\s+(?:telegram|insta(?:gram)?|tiktok)\s+nach\b",
        0.6,
        "messenger group",
        "telegram|whats|signal|insta|tiktok",
    ),
    _p(
        r"\b(?:baue|suche)\b[^.!?\n]{0,40}?\bteam\b|\bplatz\s+für\s+\d{1,3}+\s+neue\b"
        r"|\bnoch\s+\d{1,3}+\s+(?:plätze|freie\s+plätze)\b",
        0.45,
        "team or seat pitch",
        "team|platz|plätze",
    ),
    _p(
        r"\b(?:werbe|empfehlungs|einladungs|referral)[\s\-]?(?:code|link)s?\b"
        r"|\bfreispiele\b|\bohne\s+einzahlung\b",
        0.55,
        "discount code",
        "code|link|freispiel|einzahlung",
    ),
    Phrase(
        re.compile(r"\b[Cc]ode:?\s+[A-Z][A-Z0-9\-]{3,15}+\b|\b[A-Z]{2,8}\s+kommentieren\b"),
        0.6,
        "code or keyword",
        ("code", "kommentieren"),
    ),
    _p(
        r"\b(?:wir|ich)\s+(?:vermittel\w*|vermittl\w*|installier\w*|repariere\w*|liefer[en]?)\b"
        r"|\bgünstig\s+und\s+schnell\b|\bschnell\s+und\s+(?:günstig|unkompliziert)\b",
        0.35,
        "service offer",
        "wir|ich|günstig|schnell",
    ),
    _p(
        r"\bverdien(?:e|t)\s+(?:jetzt\s+|schnell\s+|einfach\s+|auch\s+du\s+)*"
        r"(?:geld|nebenbei|bis\s+zu)\b",
        0.5,
        "income promise",
        "verdien",
    ),
    # "schreib mir privat", "schreiben Sie uns gern privat", "meldet euch privat bei mir",
    # "schreibt mich privat an": the request of "schreib mir eine PN" without the acronym. The
    # imperative needs its object ("Ich schreibe hier privat" is no request).
    _p(
        r"\b(?:schreib(?:t|en\s+sie)?|schick(?:t|en\s+sie)?)\s+(?:mir|uns)\s+"
        r"(?:doch\s+|gern[e]?\s+|einfach\s+|kurz\s+|ruhig\s+)*privat\b"
        r"|\b(?:meld(?:e|et)?\s+(?:dich|euch)|melden\s+sie\s+sich)\s+"
        r"(?:doch\s+|gern[e]?\s+|einfach\s+|kurz\s+|ruhig\s+)*"
        r"(?:bei\s+(?:mir|uns)\s+)?privat\b"
        r"|\b(?:schreib(?:t|en\s+sie)?|kontaktier(?:t|en\s+sie)?)\s+(?:mich|uns)\s+"
        r"(?:doch\s+|gern[e]?\s+|einfach\s+)*privat\s+an\b",
        0.75,
        "asks for private messages",
        "privat",
    ),
    # "Einfach PN schreiben", "PN mit Telefonnummer": the request without a verb before it.
    _p(
        r"\b(?:einfach|gern[e]?|bitte|kurz)\s+(?:eine\s+|ne\s+)?(?:pn|dm)\b"
        r"|\b(?:pn|dm)\s+(?:mit|an\s+uns|an\s+mich)\b",
        0.75,
        "asks for private messages",
        "pn|dm",
    ),
    # "20 % auf alles", a keyword to say at the till: a shop's offer without a link.
    _p(
        r"(?<![\d.,])\d{1,3}+\s?%\s+auf\s+(?:alles|das\s+ganze\s+sortiment|alle\s+\w+)\b",
        0.55,
        "price promise",
        "%",
    ),
    _p(
        r"\b(?:kennwort|stichwort|codewort)\b[^.!?\n]{0,40}?\b(?:sagen|nennen|angeben)\b"
        r"|\b(?:sagt|sagen\s+sie|sag)\s+(?:an\s+der\s+kasse|beim\s+bezahlen)\b"
        r"|\ban\s+der\s+kasse\s+(?:einfach\s+)?(?:sagen|nennen|zeigen)\b",
        0.6,
        "code or keyword",
        "kennwort|stichwort|codewort|kasse|bezahlen",
    ),
    _p(
        r"\b(?:preise?|konditionen|honorar)\s+(?:nach|auf)\s+(?:absprache|anfrage|vereinbarung)\b",
        0.45,
        "price on request",
        "absprache|anfrage|vereinbarung",
    ),
    # "per PN" asks unless a participle says it happened ("hat mir per PN geantwortet").
    _p(
        r"\b(?:pn|dm)\s+(?:me|mir|an\s+mich)\b"
        r"|\bper\s+(?:pn|dm)\b(?!\s+(?:ge\w+(?:t|en)|erhalten|bekommen|beantwortet|mitgeteilt)\b)",
        0.8,
        "asks for private messages",
        "pn|dm",
    ),
    # "Preis per PN", "PN für Infos": a price or details asked for in private, the sale itself.
    _p(
        r"\b(?:pn|dm)\s+(?:für|fuer|wegen)\s+(?:den\s+|die\s+)?"
        r"(?:preis|preise|infos?|details|kontakt|termin\w*|bestell\w*)\b"
        r"|\b(?:preis|preise|infos?|details)\s+(?:per|via|gegen|auf)\s+(?:pn|dm)\b",
        0.75,
        "asks for private messages",
        "pn|dm",
    ),
    _p(
        r"\b(?:see|check(?:\s+out)?|visit)\s+my\s+(?:profile|bio|page)\b",
        0.8,
        "points to profile",
        "my ",
    ),
    _p(
        r"\b(?:klick(?:t|en\s+sie)?|schau(?:t|en\s+sie)?|guck(?:t)?|besuch(?:t|en\s+sie)?|"
        r"sieh|seht)\s+(?:doch\s+|mal\s+|einfach\s+|gern[e]?\s+)*(?:auf\s+|in\s+|bei\s+|an\s+)?"
        r"mein(?:em|en)?\s+(?:profil|seite|bio)\b",
        0.8,
        "points to profile",
        "profil|seite|bio",
    ),
    _p(
        r"\blink\s+(?:in|im)\s+(?:meinem\s+|meiner\s+|unserem\s+|unserer\s+|der\s+)?(?:profil|bio)\b",
        0.8,
        "link in profile",
        "link",
    ),
    _p(
        r"\b(?:mehr\s+(?:infos?\s+)?|details\s+)(?:in|auf)\s+meinem\s+profil\b",
        0.8,
        "points to profile",
        "profil",
    ),
    # own channel / newsletter
    _p(
        r"\babonnier(?:t|en\s+sie)?\s+(?:doch\s+|gern[e]?\s+|jetzt\s+|einfach\s+)*"
        r"(?:meinen|meine|mein|unseren|unsere|unser)\s+(?:\w+\s+)?"
        r"(?:kanal|channel|newsletter|blog|podcast|seite|youtube\w*|telegram\w*)",
        0.85,
        "promotes own channel",
        "abonnier",
    ),
    _p(
        r"\bsubscribe\s+to\s+my\b|\bfolg(?:t|en\s+sie)\s+mir\s+auf\b",
        0.85,
        "promotes own channel",
        "subscribe|folg",
    ),
    # "Auf meinem Kanal gibt es jede Woche …", "Abonnieren lohnt sich!": the channel named
    # without "abonniert meinen Kanal"; each alone sends the comment to a person, both reject.
    _p(
        r"\b(?:auf|in)\s+meinem\s+(?:eigenen\s+)?(?:\w+[\s\-])?(?:kanal|channel|podcast|blog)\b",
        0.6,
        "promotes own channel",
        "kanal|channel|podcast|blog",
    ),
    _p(
        r"\babonnieren\s+(?:lohnt\s+sich|nicht\s+vergessen)\b"
        r"|\b(?:jetzt|gleich|einfach)\s+(?:kostenlos\s+)?abonnieren\b"
        r"|\blasst\s+(?:doch\s+|gern[e]?\s+)?(?:ein|'?n)\s+abo\s+da\b",
        0.6,
        "promotes own channel",
        "abonnieren|abo",
    ),
    _p(
        r"\bmein(?:em|en)?\s+(?:youtube|telegram|tiktok|insta(?:gram)?)[\s\-]?"
        r"(?:kanal|channel|account|gruppe)\b",
        0.7,
        "promotes own channel",
        "youtube|telegram|tiktok|insta",
    ),
    # sales talk
    _p(
        r"\bverdien\w*\s+(?:\S+\s+){0,6}von\s+zu\s*hause\b",
        0.75,
        "work-from-home offer",
        "verdien",
    ),
    _p(
        r"\bvon\s+zu\s*hause\s+(?:aus\s+)?(?:\S+\s+){0,6}verdien\w*",
        0.75,
        "work-from-home offer",
        "verdien",
    ),
    _p(
        rf"{_AMOUNT}\s*(?:{UNIT_PRICE}|\$|dollar)\s+(?:pro|am|jede[nm]?)\s+(?:tag|woche|stunde)\b"
        rf"|{_AMOUNT}\s*(?:{UNIT_PRICE}|\$|dollar)\s+(?:täglich|nebenbei|extra|zusätzlich)\b"
        rf"|\bverdien(?:en\s+sie|st\s+du|t\s+ihr)\b[^.!?\n]{{0,30}}?{_AMOUNT}\s*(?:{UNIT_PRICE}|\$)",
        0.5,
        "income promise",
        _MONEY,
    ),
    _p(
        r"\bjetzt\s+(?:\w+\s+)?(?:bestellen|vorbestellen|kaufen|zugreifen|registrieren|sichern"
        r"|buchen|anfragen|bewerben|handeln|gratis\s+testen)\b"
        r"|\b(?:sofort|gleich|schnell)\s+zugreifen\b",
        0.5,
        "call to buy",
        "jetzt|zugreifen",
    ),
    _p(
        r"(?<![\d.,])\d{1,3}+\s?%\s+(?:rabatt|reduziert|günstiger|nachlass|finanzierung)\b"
        r"|\b(?:zum\s+)?(?:tiefpreis|tiefstpreis|bestpreis|höchstpreis)(?:en|e)?\b"
        r"|\bzu\s+(?:fairen|günstigen|kleinen|top)[\s\-]?preisen\b|\bsofort\s+bargeld\b",
        0.55,
        "price promise",
        "%|preis|bargeld",
    ),
    _p(
        r"\b(?:kostenlose|unverbindliche|gratis)\s+(?:erst)?beratung\b"
        r"|\b(?:erste|erstes)\s+(?:beratung|gespräch)\s+(?:gratis|kostenlos)\b",
        0.45,
        "free consultation",
        "beratung|gespräch",
    ),
    _p(
        r"\b[\wäöüß\-]{3,40}+\s+gesucht\s*!"
        r"|\bwir\s+(?:suchen|stellen\s+ein)\b[^.!?\n]{0,60}?\b(?:m/w/d|w/m/d|ab\s+sofort)"
        r"|(?<![\w.,])\d[\d.,]{0,6}+\s?(?:€|euro)\s?/\s?(?:h|std)\b",
        0.45,
        "job offer",
        "gesucht|suchen|stellen|€|euro",
    ),
    _p(
        r"\bnur\s+(?:noch\s+)?(?:diesen\s+monat|diese\s+woche|heute|bis\s+sonntag)\b",
        0.35,
        "limited offer",
        "nur",
    ),
    _p(
        r"\b(?:rabatt|gutschein|promo|aktions)[\s\-]?codes?\b",
        0.55,
        "discount code",
        "code",
    ),
    _p(
        r"\b(?:gratis|kostenlos)\s+testen\b|\bkostenlose[nrs]?\s+probe\w*"
        r"|\berste[rns]?\s+(?:stunde|woche|monat|lektion|kurs|training|probestunde)\s+"
        r"(?:gratis|kostenlos|umsonst|frei)\b",
        0.45,
        "free trial",
        "testen|probe|erste",
    ),
    _p(
        r"\bnebenverdienst\w*|\bpassive[ns]?\s+einkommen\w*|\bzusatzeinkommen\w*",
        0.5,
        "side income",
        "verdienst|einkommen",
    ),
    _p(r"\bklick\w*\s+(?:hier|auf\s+den\s+link)\b", 0.5, "click here", "klick"),
    _p(
        r"\b(?:bitcoin|krypto|crypto|forex|trading)\w*\b.{0,40}?\b(?:verdien|gewinn|rendite|"
        r"investier)\w*",
        0.45,
        "investment pitch",
        "bitcoin|krypto|crypto|forex|trading",
    ),
    _p(
        r"\b(?:angebot|aktion)\s+gilt\s+nur\b|\bsolange\s+der\s+vorrat\s+reicht\b",
        0.45,
        "offer",
        "gilt nur|vorrat",
    ),
    _p(
        r"\b(?:rabatt|gutschein|sonderangebot|startguthaben|neukunden)\w*|\bversandkostenfrei\b",
        0.3,
        "sales word",
        "rabatt|gutschein|sonderangebot|versandkosten|startguthaben|neukunden",
    ),
    # prices
    _p(
        rf"\b(?:nur|ab|für\s+nur|statt|jetzt)\s+(?:noch\s+)?\d+(?:[.,]\d{{2}})?\s*{UNIT_PRICE}",
        0.45,
        "price offer",
        "€|eur",
    ),
    _p(rf"\b\d+,(?:99|95|90)\s*{UNIT_PRICE}", 0.3, "price", "€|eur"),
)

#: Gates for the link, contact and messenger patterns (lower-case substrings).
MESSENGER_GATE = re.compile(
    "whats|telegram|signal|threema|wickr|snap|insta|tiktok|discord|viber|wechat|kik"
)
OBFUSCATION_GATE = re.compile(r"[\[({]\s*(?:dot|punkt)|\sdot\s", _I)
AT_GATE = re.compile(r"[\[({]\s*(?:at|ät|@)|\s(?:at|ät)\s", _I)
#: A dot followed by a known top-level domain: the cheap gate for bare domains.
TLD_HINT = re.compile(rf"\.(?:{TLDS})\b", _I)
DIGIT = re.compile(r"\d")

WEIGHTS = {
    "link": 0.85,
    "obfuscated link": 0.9,
    "e-mail address": 0.8,
    "phone number": 0.75,
    "messenger contact": 0.9,
}


def phone_like(candidate: str) -> bool:
    """A German/international phone number rather than a count, date or code."""
    digits = sum(map(str.isdigit, candidate))
    stripped = candidate.lstrip("(")
    return 9 <= digits <= 15 and stripped[:1] in ("+", "0")
