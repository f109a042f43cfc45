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

#: Protected groups (religion, origin, colour, sex, sexual orientation, gender identity,
#: disability, and the regional "Ossis"), as plural nouns; "schwarze menschen" etc. allowed.
_GROUP = (
    r"(?:(?:die |diese |alle |den |euch |jeden |jede )?"
    r"(?:frauen|weiber|muslim(?:e|en|innen|as)?|moslems?|juden|juedinnen|fluechtling(?:e|en)?"
    r"|gefluechtete[n]?|migrant(?:en|innen)|auslaender(?:innen)?|asylanten|asylbewerber"
    r"|schwule[n]?|lesben|homos|homosexuelle[n]?|queere[n]?|transmenschen|transsexuelle[n]?"
    r"|trans(?: \w+)?|schwarze[n]?|afrikaner(?:innen)?|behinderte[n]?|menschen mit behinderung"
    r"|roma|sinti(?: und roma)?|zigeuner[n]?|ostdeutsche[n]?|ossis?|tuerken|araber|kanaken"
    r"|neger[n]?)(?: menschen| leute| personen)?)"
)
#: First parts of compounds that name a group ("Flüchtlingsheim", "Judenpack").
_GROUP_STEM = (
    r"(?:juden|zigeuner|asylanten|fluechtlings?|gefluechteten|auslaender|kanaken|neger"
    r"|schwulen|muslim|moslem|ossi|tuerken|roma|migranten)"
)
#: Compounds naming where a group lives or travels ("Flüchtlingsheime", "Flüchtlingsboote").
_GROUP_PLACE = r"(?:s?(?:heime?|lager|boote?|unterkuenfte|unterkunft|kinder|familien))?"
#: Filler between "sind" and a derogatory predicate ("sind doch alle nur …").
_FILL = (
    r"(?:(?:doch|nur|alle|alles|halt|eben|einfach|nun mal|ja|von natur aus|nichts als"
    r"|ein haufen|eine|ein|so|total|voellig|zu|echt|wirklich|sowieso|grundsaetzlich|allesamt"
    r"|samt und sonders|mehr oder weniger|im grunde|schon immer|immer) )*"
)
#: Dehumanising predicates: animals, vermin, disease, "no humans".
_BEAST = (
    rf"(?:{_VERMIN}|tiere|tier|viecher|vieh|bestien|monster|affen|abschaum|keine menschen"
    r"|keine richtigen menschen|lebensunwert\w*|heuschrecken)"
)
#: Derogatory predicates of a group (the group is "…", not one person).
_DEROG = (
    r"(?:dumm\w*|duemmer\w*|bloed\w*|doof\w*|krank im kopf|geisteskrank\w*|gestoert"
    r"|psychisch gestoert|kriminell\w*"
    r"|pervers\w*|rueckstaendig\w*|gewalttaetig\w*|minderwertig\w*|wertlos\w*|nutzlos\w*"
    r"|faul\w*|dreckig\w*|ekelhaft\w*|widerlich\w*|abartig\w*|primitiv\w*|unfaehig\w*"
    r"|asozial\w*|degeneriert\w*|verlogen\w*|hinterhaeltig\w*|geldgierig\w*|gierig\w*"
    r"|diebe|betrueger|verbrecher|vergewaltiger|schmarotzer|sozialschmarotzer|freaks"
    r"|dreck|muell|gesindel|pack|eine last|eine gefahr|ein problem|das uebel\w*|schuld an allem"
    r"|an allem schuld|weniger wert|weniger intelligent|nichts wert)"
)
#: What is called for when a group is the object of "sollte man …" / "gehören …".
_HARM = (
    r"(?:eingesperrt|einsperren|weggesperrt|wegsperren|deportier\w*|vertrieben|vertreiben"
    r"|verjag\w*|rausgeworfen|rauswerfen|rausschmeissen|rausgeschmissen|vernichte\w*"
    r"|beseitig\w*|ausgemerzt|ausmerzen|ausloeschen|in ketten|ins lager|in lager|verhungern"
    r"|sterilisier\w*|versenken|versenkt|anzuenden|abbrennen|niederbrennen"
    r"|fertigmachen|fertig machen|erledigen"
    rf"|{_KILL_INF}|{_KILL_PART})"
)
_MODAL = (
    r"(?:sollte|sollten|muesste|muessten|muss|muessen|soll|sollen|haette|haetten|gehoer\w*"
    r"|werden|werde|wird)"
)

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
        # "Ich weiß nicht, wo Sie wohnen" says the opposite (One Million Posts, twice).
        rf"\b(?:ich|wir) (?:weiss|wissen|kenne|kennen) (?!(?:nicht|nich|net|ned|gar nicht)\b)"
        rf"{_GAP % 3}wo {_GAP % 6}"
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
        r" (?:euch|dich)(?: \w+){0,2} (?:noch|schon|alle|irgendwann)\b",
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
    ("dehumanisation", rf"\b{_GROUP} (?:sind|ist|waren) {_FILL}{_BEAST}\b"),
    ("dehumanisation", rf"\bsind {_GROUP} {_FILL}{_BEAST}\b"),
    ("dehumanisation", rf"\b{_GROUP_STEM}\w*(?:pack|gesindel|gesocks|brut|geschmeiss|abschaum)\b"),
    (
        "call for violence against a group",
        rf"\b{_GROUP}{_GROUP_PLACE} {_GAP % 4}{_MODAL} (?:man |wir |ich )?{_GAP % 8}{_HARM}\b",
    ),
    (
        "threat against a group",
        rf"\b(?:euch|dich|{_GROUP}) {_GAP % 3}(?:werden|werde) (?:wir|ich) {_GAP % 4}{_HARM}\b",
    ),
    (
        "threat against a group",
        rf"\b(?:wir|ich) (?:werden|werde) {_GAP % 2}(?:euch|dich|{_GROUP}) {_GAP % 6}{_HARM}\b",
    ),
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
    ("group derogation", rf"\b{_GROUP} (?:sind|ist|waren|bleiben) {_FILL}{_DEROG}\b"),
    ("group derogation", rf"\bsind {_GROUP} (?:nicht )?{_FILL}{_DEROG}\b"),
    ("group derogation", rf"\b(?:halte|halten) {_GROUP} fuer {_FILL}{_DEROG}\b"),
    (
        "group derogation",
        rf"\b(?:scheiss|beschissene\w*|verfickte\w*|verdammte\w*|dreckige\w*|drecks"
        rf"|elende\w*|widerliche\w*) ?{_GROUP}\b",
    ),
    (
        "group hatred",
        rf"\b(?:ich|wir) (?:hasse|hassen|verachte|verachten|verabscheue|verabscheuen)"
        rf" {_GROUP}\b(?! nicht)",
    ),
    ("group hatred", rf"\b(?:ekeln|widern|kotzen) (?:mich|uns) {_GAP % 2}{_GROUP} an\b"),
    ("group hatred", rf"\b{_GROUP} (?:ekeln|widern|kotzen) (?:mich|uns) {_GAP % 2}an\b"),
    ("group exclusion", rf"\b{_GROUP} {_GAP % 4}nichts (?:verloren|zu suchen)\b"),
    ("group exclusion", rf"\b{_GROUP} {_GAP % 2}(?:passen|gehoeren) {_GAP % 2}nicht (?:nach|zu)\b"),
    ("group exclusion", rf"\b{_GROUP} raus\b"),
    (
        "denial of humanity",
        r"\b(?:ueberhaupt|wirklich|eigentlich) (?:als|wie) (?:normale |vollwertige |richtige )?"
        r"menschen\b",
    ),
    ("denial of rights", rf"\b(?:duerfen|sollten|sollen) {_GROUP} ueberhaupt\b"),
    ("violent wording", r"\b(?:ich|wir) (?:schlag|schlage|schlagen|stech|steche) (?:\w+ )?zu\b"),
    ("violent wording", rf"\b(?:schlag|schlage|stech|steche) (?:ich|wir) {_GAP % 2}(?:zu|ab)\b"),
)

#: Words that open a new clause: a negation before them does not reach the cue
#: ("Ist es nicht offensichtlich, dass …").
_CLAUSE = r"(?:dass|weil|ob|wenn|aber|sondern|und|denn|doch|die|der|das|wer|was)"
_NEGATION = re.compile(
    rf"\b(?:nicht|kein|keine|keiner|niemand|nie|niemals)\b(?: (?!{_CLAUSE}\b)\w+){{0,2}} ?$"
)
#: Words that condemn or report what is quoted: counter-speech, not the commenter's own threat.
CONDEMNATION = re.compile(
    r"\b(?:hetze\w*|rassis\w*|antisemit\w*|menschenverachtend\w*|menschenverachtung|propaganda"
    r"|nazi\w*|volksverhetzung|strafbar\w*|anzeige|angezeigt|loeschen|geloescht|melden|gemeldet"
    r"|schaem\w*|widersproch\w*|widerspreche\w*|entsetzt\w*|unfassbar|unertraeglich\w*"
    r"|geht gar nicht|nichts verloren)\b"
)

STRONG_RX = tuple((name, re.compile(p)) for name, p in STRONG)
MEDIUM_RX = tuple((name, re.compile(p)) for name, p in MEDIUM)


def negated(skeleton: str, start: int) -> bool:
    """Is the match at ``start`` preceded by a negation within three words?"""
    return bool(_NEGATION.search(skeleton[max(0, start - 40) : start]))


__all__ = ["CONDEMNATION", "MEDIUM", "MEDIUM_RX", "STRONG", "STRONG_RX", "negated"]
