"""House rule ``ad_link`` (Werbe-Link): advertising, spam links and contact solicitation.

Signals (see :mod:`._ad_patterns` for the weights): links with or without scheme, ``www.`` or a
bare domain (``shop-xy.de``), obfuscated links (``example [dot] com``), e-mail addresses (also
``name (at) domain``), phone numbers, messenger contacts (WhatsApp/Telegram/Signal with a number or
an ``@handle``), "schreib mir eine PN" / "Link in meinem Profil", own-channel promotion and sales
talk with prices. Signals combine to a probability-like score ``1 - Π(1 - w)``.

A link or e-mail address on an allow-listed domain (news agencies, governments, research, public
broadcasters; configurable) is a *source*, not an ad: it adds nothing to the score, so a comment
citing only such sources is clean. A comment whose only signals are links on other domains,
with words that cite a source ("Quelle", "laut", "Studie", "Zur Einordnung"), no selling words
("jetzt im Shop", "sparen Sie bis zu 30 %") and no allow-listed source beside them, has their
weight multiplied by ``cited_link_factor``: a human decides whether the site is a source or an
ad. So has a comment whose only signals are plain links with no
promotion cue at all (no invitation to visit or buy, no shop or affiliate address, no shortener):
``plain_link_factor``. A link to a video or another newspaper is not an ad by itself; on real
newspaper comments (One Million Posts, development use) flagging every such link made most
automatic rejections wrong. Allow-list entries match the domain and its subdomains;
``*.gov`` matches any host under ``.gov``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from netiquette.screening.base import RuleResult, ScreeningInput, Span
from netiquette.screening.prefilter import Haystack, Prefilter
from netiquette.screening.registry import register_rule, version_from_name
from netiquette.screening.rules import _ad_patterns as pat

NAME = "netiquette.ad_link.patterns.v1"

DEFAULT_ALLOWED_DOMAINS: tuple[str, ...] = (
    # news agencies and public broadcasters
    "dpa.de", "dpa.com", "reuters.com", "apnews.com", "afp.com", "epd.de", "kna.de",
    "tagesschau.de", "zdf.de", "ard.de", "deutschlandfunk.de", "dw.com", "br.de", "ndr.de",
    "wdr.de", "swr.de", "mdr.de", "hr.de", "rbb24.de", "orf.at", "srf.ch", "bbc.co.uk", "bbc.com",
    # newspapers and magazines cited as sources (a link to an article is not an advertisement)
    "faz.net", "sueddeutsche.de", "zeit.de", "spiegel.de", "welt.de", "handelsblatt.com",
    "tagesspiegel.de", "taz.de", "fr.de", "stern.de", "n-tv.de", "rnd.de", "heise.de", "nzz.ch",
    "derstandard.at", "diepresse.com", "wienerzeitung.at", "nytimes.com", "washingtonpost.com",
    "theguardian.com", "ft.com", "economist.com", "bloomberg.com", "wsj.com", "lemonde.fr",
    "politico.eu", "politico.com", "euronews.com", "npr.org", "aljazeera.com",
    # governments, parliaments, courts, statistics
    "bundesregierung.de", "bundestag.de", "bundesrat.de", "bundesverfassungsgericht.de",
    "destatis.de", "bundesbank.de", "bmi.bund.de", "bund.de", "europa.eu", "europarl.europa.eu",
    "*.gov", "*.gov.*", "*.gouv.fr", "*.gv.at", "*.admin.ch", "un.org", "who.int", "oecd.org",
    "imf.org", "worldbank.org", "unesco.org", "unicef.org", "unhcr.org", "ilo.org", "nato.int",
    "gesetze-im-internet.de", "bundesgesetzblatt.de", "rki.de", "pei.de", "umweltbundesamt.de",
    "dwd.de",
    # research and reference
    "*.edu", "*.edu.*", "*.ac.*", "nature.com", "science.org", "sciencedirect.com", "springer.com",
    "arxiv.org", "doi.org", "pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "thelancet.com",
    "nejm.org", "bmj.com", "mpg.de", "fraunhofer.de", "helmholtz.de", "leibniz-gemeinschaft.de",
    "wikipedia.org", "wikimedia.org", "bpb.de", "ipcc.ch",
)  # fmt: skip

_Add = Callable[[int, int, float, str], None]
#: Most signals read from one comment. The score has long saturated by then (``1 - Π(1 - w)``),
#: and the overlap checks are pairwise: without a bound a comment of 1,000 links cost ~0.2 s.
MAX_SIGNALS = 40
_TRAILING = ".,;:!?\"'»«“”‘’)]}>"
# Starts only at the first space of a run (look-behind) and never gives spaces back
# (possessive): linear on long runs of spaces, where ``\s*…`` tried every start to the end.
_DOT_WORDS = re.compile(r"(?<!\s)\s*+[\[({]?\s*+(?:dot|punkt)\s*+[\])}]?\s*+", re.IGNORECASE)


#: What every match of a link pattern contains ("@", "www", a top-level domain) and where
#: it can start: the same matches, without trying the pattern at every character.
_LINK_PREFILTERS = {
    rx: Prefilter(rx)
    for rx in (
        pat.OBFUSCATED_EMAIL,
        pat.EMAIL,
        pat.URL,
        pat.WWW,
        pat.BARE_DOMAIN,
        pat.SPACED_DOMAIN,
    )
}

_MESSENGER = Prefilter(pat.MESSENGER)


def _matches(pattern: Any, text: str, haystack: Haystack) -> Iterable[Any]:
    """``pattern.finditer(text)``, through the pattern's prefilter where it has one."""
    prefilter = _LINK_PREFILTERS.get(pattern) if isinstance(pattern, re.Pattern) else None
    return pattern.finditer(text) if prefilter is None else prefilter.finditer(haystack)


@dataclass(frozen=True, slots=True)
class AdLinkConfig:
    """Configuration of the ``ad_link`` rule (``[rules.ad_link]`` in the TOML)."""

    threshold: float = 0.7
    allowed_domains: tuple[str, ...] = DEFAULT_ALLOWED_DOMAINS
    extra_allowed_domains: tuple[str, ...] = ()
    cited_link_factor: float = 0.5  # weight factor for a lone link given as a source
    # Weight factor for links with no sales talk, contact, shortener or promotion cue: a link
    # to a video or another newspaper is not an ad by itself, so a human decides.
    plain_link_factor: float = 0.5


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence with its weight."""

    start: int
    end: int
    weight: float
    reason: str


def host_of(link: str) -> str:
    """The lower-cased host of a link, e-mail address or obfuscated domain."""
    text = _DOT_WORDS.sub(".", link.strip()).lower()
    if "@" in text and "://" not in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", text)
    text = re.split(r"[/?#:]", text, maxsplit=1)[0]
    text = text.rstrip(".")
    return text[4:] if text.startswith("www.") else text


def is_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Is ``host`` one of the allow-listed (lower-case) domains or under one?

    ``*.gov`` matches any host under ``.gov``; a trailing ``.*`` stands for one country label, so
    ``*.gov.*`` matches ``mod.gov.cn`` and ``*.ac.*`` matches ``ox.ac.uk``.
    """
    for domain in allowed:
        if domain.endswith(".*"):
            if "." in host and is_allowed(host.rsplit(".", 1)[0], (domain[:-2],)):
                return True
            continue
        if domain.startswith("*."):
            if host == domain[2:] or host.endswith(domain[1:]):
                return True
        elif host == domain or host.endswith("." + domain):
            return True
    return False


def _trim(text: str, start: int, end: int) -> int:
    """Drop trailing punctuation from a link, keeping balanced parentheses."""
    while end > start and text[end - 1] in _TRAILING:
        if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
            break
        end -= 1
    return end


class AdLinkRule:
    """Flags advertising, spam links and contact solicitation."""

    name = "ad_link"

    def __init__(self, config: AdLinkConfig) -> None:
        self.config = config
        self.version = version_from_name(NAME)
        domains = tuple(config.allowed_domains) + tuple(config.extra_allowed_domains)
        self.allowed = tuple(d.strip().lower() for d in domains if d.strip())

    def evaluate(self, item: ScreeningInput) -> RuleResult:
        """Score one comment from its link, contact and sales signals."""
        sources: list[str] = []
        signals = self.signals(item.text, sources)
        if not signals:
            return RuleResult(self.name, self.version, 0.0, False)
        damped = False
        if not sources and _cited_link(item.text, signals):
            # A link given as a source, with no sales talk or contact: a human decides.
            signals = _damped(signals, self.config.cited_link_factor, "given as a source")
            damped = True
        elif _plain_links(item.text, signals):
            signals = _damped(signals, self.config.plain_link_factor, "no sign of promotion")
            damped = True
        remaining = 1.0
        for signal in signals:
            remaining *= 1.0 - signal.weight
        score = round(1.0 - remaining, 4)
        if damped:
            # However many such links: a person decides, the rule does not reject (three photo
            # links of one's old cars summed to 0.81 on One Million Posts).
            score = min(score, _BELOW_THRESHOLD * self.config.threshold)
        text = item.text
        evidence = tuple(
            Span(self.name, s.start, s.end, text[s.start : s.end], s.reason) for s in signals
        )
        reason = "; ".join(dict.fromkeys(s.reason for s in signals))
        return RuleResult(
            self.name, self.version, score, score >= self.config.threshold, evidence, reason
        )

    def signals(self, text: str, sources: list[str] | None = None) -> list[Signal]:
        """All signals in ``text``, ordered by position, without overlaps of the same kind.

        Allow-listed links add no signal; they are appended to ``sources`` when given.
        """
        taken: list[tuple[int, int]] = []
        found: list[Signal] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        def add(start: int, end: int, weight: float, reason: str) -> None:
            taken.append((start, end))
            found.append(Signal(start, end, weight, reason))

        def new_phrase(start: int, end: int) -> bool:
            # sales phrases may overlap each other, but not links, and not nest in one another
            for other in found:
                if other.reason in pat.WEIGHTS and not (end <= other.start or start >= other.end):
                    return False
                if other.start <= start and end <= other.end:
                    return False
                if start <= other.start and other.end <= end:
                    return False
            return True

        lowered = text.lower()
        haystack = Haystack(text)
        link_patterns = (
            (pat.OBFUSCATED_EMAIL, "e-mail address", pat.AT_GATE.search(text) is not None),
            (pat.EMAIL, "e-mail address", "@" in text),
            (pat.URL, "link", "://" in text),
            (pat.WWW, "link", "www" in lowered),
            (
                pat.OBFUSCATED_DOMAIN,
                "obfuscated link",
                pat.OBFUSCATION_GATE.search(text) is not None,
            ),
            (pat.BARE_DOMAIN, "link", pat.TLD_HINT.search(text) is not None),
            (
                pat.SPACED_DOMAIN,
                "obfuscated link",
                pat.SPACED_DOMAIN_GATE.search(text) is not None,
            ),
        )
        for pattern, kind, gate in link_patterns:
            if not gate:
                continue
            for m in _matches(pattern, text, haystack):
                if len(taken) >= MAX_SIGNALS:
                    break
                start, end = m.start(), _trim(text, m.start(), m.end())
                if end <= start or not free(start, end):
                    continue
                if is_allowed(host_of(text[start:end]), self.allowed):
                    taken.append((start, end))  # a source: occupies the span, adds nothing
                    if sources is not None:
                        sources.append(text[start:end])
                    continue
                add(start, end, pat.WEIGHTS[kind], kind)
        phones: list[re.Match[str]] = []
        if pat.DIGIT.search(text):
            phones = [m for m in pat.PHONE.finditer(text) if pat.phone_like(m.group())]
        for m in phones[:MAX_SIGNALS]:
            if free(m.start(), m.end()):
                add(m.start(), m.end(), pat.WEIGHTS["phone number"], "phone number")
        if pat.MESSENGER_GATE.search(lowered):
            self._messengers(text, haystack, phones, add)
        for phrase in pat.PHRASES:
            for m in phrase.finditer(text, lowered, haystack)[:MAX_SIGNALS]:
                if new_phrase(m.start(), m.end()):
                    found.append(Signal(m.start(), m.end(), phrase.weight, phrase.reason))
        return sorted(found, key=lambda s: (s.start, s.end))

    @staticmethod
    def _messengers(text: str, haystack: Haystack, phones: list[re.Match[str]], add: _Add) -> None:
        for m in islice(_MESSENGER.finditer(haystack), MAX_SIGNALS):
            window_end = m.end() + pat._MESSENGER_REACH
            contact = next((p for p in phones if m.end() <= p.start() < window_end), None)
            handle = pat.HANDLE.search(text, m.end(), window_end)
            if contact is not None or handle is not None:
                add(m.start(), m.end(), pat.WEIGHTS["messenger contact"], "messenger contact")


_CITATION = re.compile(
    r"\b(?:quelle|laut|zur einordnung|einordnung|korrektur|ergänzung|bericht|studie|original"
    r"|rechtsgrundlage|mitteilung|nachzulesen|nachlesen|siehe|vgl|steht|stehts|urteil|gesetz"
    r"|gutachten|statistik|pressemitteilung)\b",
    re.IGNORECASE,
)
_SHORTENER = re.compile(
    r"\b(?:bit\.ly|t\.me|tinyurl|goo\.gl|ow\.ly|is\.gd|t\.co|wa\.me|amzn\.to|amzn\.eu)\b", re.I
)


# Words that turn a link into promotion: an invitation to visit, buy or profit, or commerce in
# the address itself (shop, offer, casino, affiliate parameters).
#: Words that sell, not cite, whatever stands around them: part of :data:`_PROMO`, and on their
#: own (:data:`_SELLING`) they keep a link from being taken as a source.
_SELLING_WORDS = (
    r"shop\w*|bestell\w*|rabatt\w*|gutschein\w*"
    # "Wechseln Sie jetzt", "jetzt auf …", "bis zu 30 %", a clearance sale, an outlet, a bonus
    r"|\w+en sie jetzt|jetzt (?:auf|unter|bei|im|hier|online|direkt|neu)|bis zu \d{1,3}\s?%"
    r"|räumungsverkauf\w*|outlet\w*|sparen sie|\w*bonus\w*|sportwette\w*"
)
_PROMO = re.compile(
    r"\b(?:mehr (?:unter|auf|bei)|gibt(?:'?s| es) (?:bei|hier|unter|auf)|erhältlich|schaut?"
    r"|besuch\w*|klick\w*|günstig\w*|billig\w*|angebot\w*"
    # Not "verdienen" or "investieren" as such: words of every wage and pension debate; an
    # income promise is a phrase of its own (_ad_patterns), an invitation to invest is here.
    r"|kauf\w*|gratis|kostenlos\w*|deal\w*|investiere|investieren sie|investiert jetzt"
    r"|\d\s?% rendite"
    r"|casino|kredit\w*|promo\w*|jetzt (?:kaufen|bestellen|anmelden|sichern|klicken)"
    r"|hier (?:klicken|kaufen|bestellen|anmelden)|anmelden|registrier\w*|buchen|testen"
    r"|infos? (?:unter|auf|bei)|biete\w*|find(?:est du|en sie) (?:mich )?unter"
    r"|zu finden unter|mein(?:e|em)? (?:profil|kanal|seite|blog|shop)"
    r"|vermittl\w*|provision\w*|ankauf\w*|reduziert|tiefpreis\w*|höchstpreis\w*"
    r"|free|buy|cheap|offer|click|visit|subscribe"
    rf"|{_SELLING_WORDS}"
    # sales talk around an address: "Tarif berechnen", "Infos: …", "ohne Termin"
    r"|tarif(?:rechner|vergleich)\w*|tarif (?:berechnen|vergleichen|wechseln|sichern|abschließen)"
    r"|preisvergleich\w*|infos?:|ausverkauf\w*"
    r"|sale|spar\w* bis zu|ohne termin|unverbindlich\w*|erfolgsquote\w*|wettquote\w*)\b"
    r"|👉|➡"
    r"|[?&](?:ref|aff\w*|utm_\w+|partner|tag)="
    # A price next to a link: only searched for, so one digit before the currency says as
    # much as the whole number (``\d(?:[\d.,]*\d)?`` rescanned every run of digits: quadratic).
    r"|\d\s?(?:€|euro\b)",
    re.IGNORECASE,
)


#: What keeps a link from being taken as a source: the selling words, or "Jetzt … sichern".
#: Narrower than :data:`_PROMO` ("kostenlos" or a price also appear beside sources).
_SELLING = re.compile(
    rf"\b(?:{_SELLING_WORDS}"
    r"|jetzt\b[^!?\n]{0,60}?\b(?:sichern|bestellen|kaufen|buchen|anmelden|holen))\b",
    re.IGNORECASE,
)


#: Where damped links stop: just under the rule's threshold, in the human's zone.
_BELOW_THRESHOLD = 0.99


def _damped(signals: list[Signal], factor: float, why: str) -> list[Signal]:
    return [Signal(s.start, s.end, s.weight * factor, f"{s.reason} ({why})") for s in signals]


#: Commerce in an address itself: a shop, an offer, a casino, a bonus, affiliate parameters.
#: Other promotion words count only in the words around a link: "kostenlose-monatskarte" in a
#: newspaper's address is no invitation to buy.
_ADDRESS_PROMO = re.compile(
    r"shop|angebot|deal|promo|rabatt|gutschein|outlet|casino|bonus|sportwett|kredit|affiliate"
    r"|bestell|kaufen|billig|guenstig|günstig|discount|invest"
    r"|[?&](?:ref|aff\w*|utm_\w+|partner|tag)=",
    re.IGNORECASE,
)


def _plain_links(text: str, signals: list[Signal]) -> bool:
    """Only plain links (no obfuscation, contact or sales talk), no shortener, no promotion cue
    in the words around them or commerce in the addresses themselves."""
    if any(s.reason != "link" for s in signals):
        return False
    links = [text[s.start : s.end] for s in signals]
    if any(_SHORTENER.search(link) for link in links):
        return False
    prose = text
    for s in signals:
        prose = prose[: s.start] + " " * (s.end - s.start) + prose[s.end :]
    if _PROMO.search(prose) is not None:
        return False
    return not any(_ADDRESS_PROMO.search(link) for link in links)


def _cited_link(text: str, signals: list[Signal]) -> bool:
    """Only links (no sales phrases, no contacts), no shortener, and words that cite a source."""
    if any(s.reason not in ("link", "obfuscated link") for s in signals):
        return False
    links = [text[s.start : s.end] for s in signals]
    if any(_SHORTENER.search(link) for link in links):
        return False
    # "Original-Postkarten jetzt im Shop: …" cites nothing: selling words make it promotion.
    return _CITATION.search(text) is not None and _SELLING.search(text) is None


@register_rule(NAME)
def make_ad_link_rule(config: AdLinkConfig) -> AdLinkRule:
    """Factory for the pattern-based ``ad_link`` rule."""
    return AdLinkRule(config)
