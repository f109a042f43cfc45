"""German patterns for threats, calls for violence, intimidation and dehumanisation.

Written for the normalised skeleton of :mod:`netiquette.screening.normalize` (lower case, umlauts
as ``ae/oe/ue``, ``ß`` as ``ss``, no punctuation, one space between words), so that ``gehört
ausgeräuchert``, ``GEHÖRT AUSGERÄUCHERT`` and ``geh0rt ausgeraeuchert`` meet the same pattern.

Two tiers: ``strong`` patterns are unambiguous in a comment (a call to kill or hurt someone, a
threat formula such as "wir wissen, wo du wohnst"); ``medium`` ones are aggressive in most uses but
have harmless readings ("aufhängen", "warm anziehen", a dehumanising noun without a predicate).
"""

from __future__ import annotations

import re

_GAP = r"(?:\w+ ){0,%d}"

_KILL_INF = (
    r"(?:erschiessen|abknallen|aufhaengen|aufknuepfen|umbringen|umlegen|kaltmachen|kalt machen"
    r"|totschlagen|tot schlagen|erschlagen|vergasen|abfackeln|ausraeuchern"
    r"|ausrotten|lynchen|steinigen|abstechen|erstechen|abschlachten|plattmachen|platt machen"
    r"|wegbomben|wegballern|verpruegeln|zusammenschlagen|totpruegeln|runterschubsen"
    r"|runterstossen|erwuergen|hinrichten|an die wand stellen"
    r"|aufs maul hauen|die fresse polieren|ertraenken|ersaeufen|erhaengen|in die luft jagen)"
)
_KILL_PART = (
    r"(?:aufgehaengt|aufgeknuepft|erschossen|abgeknallt|vergast|ausgeraeuchert|ausgerottet"
    r"|erschlagen|totgeschlagen|gelyncht|gesteinigt|verbrannt|ertraenkt|ersaeuft|kastriert"
    r"|ausgeloescht|abgeschlachtet|geschlachtet|hingerichtet|eingeschlaefert|vergiftet"
    r"|abgestochen|an die wand gestellt|an den galgen|an die laterne|an die wand|verpruegelt"
    r"|zusammengeschlagen|totgepruegelt|erhaengt|weggesperrt und vergessen)"
)
_VERMIN = (
    r"(?:ungeziefer|parasiten|parasit|schaedlinge|schaedling|ratten|ratte|kakerlaken|maden"
    r"|gewuerm|untermenschen|untermensch|krebsgeschwuer|seuche|pest|plage|gezuecht|viehzeug)"
)
_ADDRESSEE = r"(?:du|dich|dir|ihr|euch|sie|ihn|ihm|die|den|der|denen)"

#: (name, pattern) for unambiguous calls to violence, threats and dehumanising predicates.
STRONG: tuple[tuple[str, str], ...] = (
    ("call for violence", rf"\bgehoer(?:t|en|te|ten)? {_GAP % 4}{_KILL_PART}\b"),
    (
        "call for violence",
        rf"\b(?:man|wir|ich|ihr|alle|jemand) (?:sollte|sollten|muesste|muessten|muss|muessen"
        rf"|soll|sollen|werde|werden|wuerde|wuerden|koennte|koennten) {_GAP % 10}{_KILL_INF}\b",
    ),
    (
        "call for violence",
        rf"\b(?:sollte|sollten|muesste|muss|soll) man {_GAP % 10}{_KILL_INF}\b",
    ),
    ("call for violence", rf"\bam besten {_GAP % 6}{_KILL_INF}\b"),
    (
        "call for violence",
        r"\b(?:aufknuepfen|aufgeknuepft|an die wand (?:stellen|gestellt)|an den galgen"
        r"|an die laterne|standrechtlich|kopf (?:abreissen|abschlagen|abhacken)"
        r"|kehle (?:durchschneiden|aufschlitzen)|fresse polieren|zaehne ausschlagen"
        r"|krankenhausreif|totpruegeln|vergasen|ins gas|ausraeuchern|ausgeraeuchert|lynchen"
        r"|kugel (?:in den kopf|verdient|zwischen die augen)|ueber den haufen (?:schiessen|fahren)"
        r"|(?:atom)?bomben? drauf|abknallen|abstechen|abschlachten)\b",
    ),
    ("call for violence", rf"\bfack\w* {_GAP % 5}ab\b"),
    ("call for violence", rf"\btret\w* {_GAP % 6}(?:unterm hintern weg|tot|zusammen)\b"),
    ("call for violence", rf"\bschlag\w* {_GAP % 4}(?:tot|zusammen|krankenhausreif)\b"),
    (
        "threat",
        rf"\b(?:ich|wir) (?:weiss|wissen|kenne|kennen) {_GAP % 3}wo {_GAP % 3}"
        r"(?:wohn|park|arbeit|schlaf|leb)\w*",
    ),
    (
        "threat",
        r"\b(?:euch|dich|die|den|sie) (?:kriegen|krieg|erwischen|finden|holen) (?:wir|ich)"
        r" (?:noch|schon|auch noch|alle|irgendwann)\b",
    ),
    (
        "threat",
        r"\b(?:wir|ich) (?:kriegen|kriege|erwischen|erwische|finden|finde|holen|hole)"
        r" (?:euch|dich) (?:noch|schon|alle|irgendwann)\b",
    ),
    ("threat", rf"\brechne\w* {_GAP % 4}mit (?:euch|dir|ihnen|denen|dem|der) {_GAP % 2}ab\b"),
    ("threat", r"\b(?:eure|deine|ihre|seine) tage sind gezaehlt\b"),
    (
        "threat",
        r"\b(?:ihr|du|sie) (?:werdet|wirst|werden) (?:euch|dich|sich) (?:noch )?"
        r"(?:wundern|umschauen|umsehen|umgucken)\b",
    ),
    ("threat", rf"\b(?:kann|koennen|koennt|kannst|wird|werden) {_GAP % 3}was erleben\b"),
    (
        "threat",
        rf"\b(?:sollte|sollten|soll|sollen|wird|werden|kann|koennte) {_GAP % 5}besuch "
        rf"{_GAP % 8}(?:bekommen|kriegen|erhalten)\b",
    ),
    ("threat", r"\bman sieht sich (?:immer )?(?:zweimal|zwei mal|2 mal)\b"),
    (
        "threat",
        rf"\b(?:bevor|sonst|ehe) {_ADDRESSEE} {_GAP % 3}"
        r"(?:hilft|nachhilft|was passiert|etwas passiert|was zustoesst|etwas zustoesst)\b",
    ),
    ("threat", r"\bwaere (?:doch |ja |echt )?schade wenn\b"),
    ("threat", r"\bfreiwild\b"),
    (
        "threat",
        rf"\b(?:kann|koennen|sollte|sollten) {_GAP % 3}(?:sein|ihr|euer|dein) (?:testament|grab)",
    ),
    (
        "wish of harm",
        rf"\b(?:soll|sollen|sollte|sollten|moege|moegen) {_GAP % 4}"
        r"(?:verrecken|krepieren|abkratzen|elendig sterben)\b",
    ),
    ("wish of harm", rf"\bhoffentlich {_GAP % 6}(?:verreckt|krepiert|abkratzt)\b"),
    (
        "dehumanisation",
        rf"\b(?:sind|ist|seid|waren) (?:doch |nur |alle |alles |halt |eben |einfach |wie )*"
        rf"{_VERMIN}\b",
    ),
    ("dehumanisation", rf"\bvermehren sich wie (?:die )?(?:{_VERMIN}|karnickel|kaninchen)\b"),
)

#: (name, pattern) for aggressive wording with harmless readings: flagged, but a human decides.
MEDIUM: tuple[tuple[str, str], ...] = (
    (
        "call for violence",
        rf"\bgehoer(?:t|en|te|ten)? {_GAP % 4}(?:bekaempft|gejagt|vernichtet|beseitigt"
        r"|plattgemacht|ausgemerzt|weggesperrt|verjagt|rausgepruegelt)\b",
    ),
    (
        "violent wording",
        r"\b(?:aufhaengen|aufgehaengt|plattmachen|platt machen|verpruegeln|runterschubsen"
        r"|runterholen|runtergeholt|runterstossen|abfackeln|verrecken|krepieren)\b",
    ),
    ("violent wording", r"\b(?:in die fresse|auf die fresse|aufs maul|eins aufs maul)\b"),
    (
        "wish of harm",
        rf"\bhoffentlich {_GAP % 6}(?:erwischt es|trifft es|stirbt|abbrennt|ueberfahren"
        rf"|brennt {_GAP % 10}ab|fliegt {_GAP % 6}in die luft)\b",
    ),
    ("wish of harm", rf"\b(?:erwischt|trifft) es {_GAP % 2}(?:bald|endlich|mal)\b"),
    (
        "intimidation",
        r"\b(?:warm anziehen|tag der abrechnung|abrechnen|besuch abstatten"
        r"|auf die harte tour|manieren beibring\w*|einschuechter\w*|selbstjustiz"
        r"|selbst in die hand nehmen|buergerwehr|man sieht sich wieder)\b",
    ),
    ("intimidation", r"\b(?:vergisst|vergessen|vergesse) (?:man|wir|ich) nicht\b"),
    ("intimidation", r"\bwenn es (?:hier |mal )?(?:knallt|kracht)\b"),
    (
        "intimidation",
        r"\bvor (?:der|seiner|ihrer|deiner|eurer) (?:haus)?tuer (?:stehen|steht|stehn|warten"
        r"|wartet|auftauchen)\b",
    ),
    ("intimidation", rf"\bholen wir uns {_GAP % 3}(?:selbst|zurueck)\b"),
    ("intimidation", r"\b(?:das|die) (?:\w+ )?selbst regeln\b"),
    (
        "intimidation",
        rf"\bbehandel\w* {_GAP % 8}wie (?:sie|er|die|es) {_GAP % 1}verdien\w*",
    ),
    ("intimidation", r"\b(?:als erste |zuerst )?an die (?:front|ostfront)\b"),
    (
        "dehumanisation",
        r"\b\w*(?:brut|ungeziefer|parasiten|schaedlinge|ratten|kakerlaken|gezuecht|geschmeiss)\b"
        r"|\b(?:untermenschen?|gewuerm|viehzeug)\b",
    ),
)

_NEGATION = re.compile(r"\b(?:nicht|kein|keine|keiner|niemand|nie|niemals)\b(?: \w+){0,2} ?$")

STRONG_RX = tuple((name, re.compile(p)) for name, p in STRONG)
MEDIUM_RX = tuple((name, re.compile(p)) for name, p in MEDIUM)


def negated(skeleton: str, start: int) -> bool:
    """Is the match at ``start`` preceded by a negation within three words?"""
    return bool(_NEGATION.search(skeleton[max(0, start - 40) : start]))


__all__ = ["MEDIUM", "MEDIUM_RX", "STRONG", "STRONG_RX", "negated"]
