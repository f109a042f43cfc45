"""What a comment is about, relative to its article: subject area, actors, discussion, parent.

:mod:`netiquette.screening.relevance` measures *overlap* with the article (shared stems, sentence
embeddings). Comments on topic often share no word with it: "Mal sehen, wer da wieder
mitverdient hat" under a pension bill, "Meine Mutter bekommt 900 Euro nach 40 Jahren" under the
same, "Liebe Redaktion, …", "Das sehe ich wie mein Vorredner". Four more signals:

* ``same_area`` — the probability that comment and article fall into the same *subject area*
  (public affairs, sport, weather, food, celebrities and entertainment, private life, products and
  shopping): each area is a handful of generic German prototype sentences, embedded with the same
  encoder; a text's area distribution is a softmax over its best similarity per area. A
  political remark under a political article agrees; a football result under a pension article
  does not. Without an encoder the feature is 0.
* ``actor`` — the comment names an actor of the article: a person, party, place or organisation
  named there (acronyms, capitalised names that are not ordinary nouns of the comment's own
  sentence start, the names after titles such as "Ministerin"), or refers to one by role
  ("die Regierung", "der Bürgermeister", "die Partei") while the article has that role.
* ``discussion`` — the comment talks about the discussion itself: other commenters ("Vorredner",
  "@Name", "wie Sie schreiben"), the comment section, moderation or the newsroom.
* ``article_reference`` — the comment talks about the article ("der Artikel", "die Autorin").

For a reply each overlap feature is the larger of its value against the article and the parent
(as in :mod:`relevance`), and ``same_area`` too. A logistic regression over the overlap features
plus these four, fitted on our own invented pairs and the shared development articles
(:mod:`netiquette.training.topicality`), gives ``P(off_topic)``.

The encoder is any function from texts to L2-normalised vectors (``embed``); the shipped one is
the multilingual Universal Sentence Encoder. Coefficients are stored per encoder id, so another
encoder needs its own calibration (``netiquette.training.topicality``).
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from netiquette.screening.relevance import RelevanceModel, content_stems

#: Any sentence-embedding function: texts -> L2-normalised row vectors.
Embed = Callable[[Sequence[str]], NDArray[np.float32]]

TOPIC_FEATURES: tuple[str, ...] = (
    "stem_share",
    "long_shared_stems",
    "cos_best_paragraph",
    "cos_mean",
    "log_tokens",
    "same_area",
    "actor",
    "discussion",
    "article_reference",
    "aside",
)
#: The features of the first context model (``context.v2``): no ``aside``, no place rule.
TOPIC_FEATURES_V2: tuple[str, ...] = TOPIC_FEATURES[:9]
#: Generation 4 (``context.v4``) adds two blocks of embedding columns after the named features:
#: the comment's own vector (what kind of text it is: a reaction, a question to the community,
#: a football result) and its element-wise product with the article's vector, scaled by
#: :data:`INTERACTION_SCALE` (which of its directions the article shares). Only with an encoder.
VECTOR_FEATURES: tuple[str, ...] = ("comment_vector", "comment_x_article")
#: Scale of the interaction block: the products of two unit vectors' coordinates are about
#: ``1/dim`` each, too small for the regularised regression to weigh at all.
INTERACTION_SCALE = 10.0

# Generic prototypes of subject areas, written for this purpose (not taken from any data set).
AREAS: dict[str, tuple[str, ...]] = {
    "public_affairs": (
        "Die Regierung und die Parteien streiten im Parlament über das neue Gesetz.",
        "Die Politiker denken doch nur an sich und ihre Posten.",
        "Steuern, Renten, Mieten und Löhne: die Bürger zahlen am Ende die Rechnung.",
        "Der Gemeinderat hat über die Schule, die Klinik und den Haushalt der Stadt entschieden.",
        "Die Gewerkschaft streikt, die Arbeitgeber kritisieren die Kosten.",
        "Wer profitiert davon, wer hat da wieder mitverdient, das ist doch Vetternwirtschaft.",
        "Das Klima, die Energie und der Verkehr müssen sich ändern, sagt die Ministerin.",
    ),
    "sport": (
        "Das Spiel endete 3:1, der Stürmer traf zweimal.",
        "Der Verein hat einen neuen Trainer verpflichtet.",
        "Die Bundesliga, die Champions League und die Tabelle am Wochenende.",
    ),
    "weather": (
        "Morgen wird es regnerisch und kalt, am Wochenende kommt die Sonne zurück.",
        "Was für ein Wetter heute, schon wieder Regen und Sturm.",
    ),
    "food": (
        "Mein Rezept: Zwiebeln anbraten, Sahne dazu und zwanzig Minuten köcheln lassen.",
        "Der Kuchen ist gestern super geworden, mit viel Butter und Zucker.",
    ),
    "celebrity": (
        "Die Sängerin hat sich von ihrem Freund getrennt, sagt ihr Management.",
        "Die neue Staffel der Serie ist langweilig, der Film im Kino war besser.",
    ),
    "private_life": (
        "Mein Nachbar mäht jeden Sonntag um sieben Uhr den Rasen.",
        "Unser Hund hat heute wieder den ganzen Garten umgegraben.",
        "Weiß jemand, wann bei uns der Müll abgeholt wird?",
    ),
    "products": (
        "Welches Handy könnt ihr empfehlen, der Akku meines alten hält nicht mehr.",
        "Im Angebot gibt es diese Woche Reifen und Werkzeug zum halben Preis.",
    ),
}
_AREA_TEMPERATURE = 0.05
_LONG_SHARED = TOPIC_FEATURES.index("long_shared_stems")

_DISCUSSION = re.compile(
    r"(?:^|\s)@\w"
    r"|\b(?:Vor(?:redner|schreiber|poster|kommentator)\w*|Mitforist\w*|Foris\w*|Kommentator\w*"
    r"|Kommentar(?:e|en|s|spalte|bereich|funktion)?|Forum|Diskussion\w*|Moderat(?:ion|or\w*)"
    r"|Netiquette|zensier\w*|gelöscht|freigeschaltet|Redaktion|Leserbrief\w*|Beitr(?:a|ä)g\w*)\b"
    r"|\büber mir\b|\bunter mir\b|\bwie (?:Sie|du|ihr) (?:schreib|sag|meint|sagt)\w*"
    r"|\b(?:Sie|du) ha(?:ben|st) (?:völlig |absolut |vollkommen )?(?:recht|Recht)\b"
    r"|\bda (?:stimme|gebe) ich (?:Ihnen|dir|euch)\b",
    re.IGNORECASE,
)
#: Openers of an aside: a question to the community ("Kennt jemand einen Schlüsseldienst?"),
#: a change of subject ("Was ist eigentlich mit dem Glasfaserausbau?", "Off topic:") or the
#: complaint that another subject goes unreported ("Darüber schreibt keiner"), or a private
#: search or offer ("Suche jemanden, der …", a comment opening with "Suche", "Biete",
#: "Verkaufe": 39 rows of the training sets, 30 of them off topic and 9 ads). Off topic only
#: where nothing else in the comment refers to the article: a feature, not a verdict.
_ASIDE = re.compile(
    r"^\W{0,5}(?:off[ -]?topic|OT\b|(?:ganz |mal )?(?:was )?(?:ganz )?anderes(?: thema)?\b"
    r"|anderes thema|apropos|nebenbei bemerkt|übrigens)"
    r"|\b(?:weiß|weiss|kennt|hat|hätte|kann|könnte) (?:hier )?(?:jemand|einer|wer|irgendwer)\b"
    r"|\b(?:wer|jemand) (?:verkauft|verschenkt|vermietet|verleiht|sucht)\b"
    r"|\bsuche (?:eine?[nm]?|gebraucht\w*|dringend|jemanden|für)\b"
    r"|^\W{0,5}(?:suche|biete|verkaufe|verschenke|vermiete)\b"
    r"|\bwas ist (?:eigentlich |denn |übrigens |nun |jetzt )*mit\b"
    r"|\b(?:darüber|dazu|davon) (?:schreibt|berichtet|liest|hört|redet) (?:man |ihr |hier )?"
    r"(?:keiner|niemand|nix|nichts|nie)\b"
    r"|\b(?:darüber|dazu) (?:sollte|müsste|könnte|solltet|müsstet) (?:mal |man |ihr )*"
    r"(?:berichte|schreibe)\w*"
    r"|\b(?:warum|wieso|weshalb) (?:wird|werden|schreibt|berichtet)\b[^.?!\n]{0,60}?"
    r"\b(?:nicht|nie|keiner|niemand|nix|nichts)\b",
    re.IGNORECASE,
)
#: A comment that says it is about *another* article: "Zum Artikel über die Brückensperrung:",
#: "Zum Bericht von gestern über die Realschule …", "beim Artikel über den Kreistag". The
#: subject after "über"/"zum Thema" decides: when none of its content stems occurs in this
#: article, the comment answers another one (an aside, and neither a reference to this article
#: nor to its discussion); "Zum Artikel über die Grundsteuer" under the property-tax article is
#: a reference to this one; only the subject's nouns count when it has any ("über den neuen
#: Supermarkt": "neu" is in most articles). A past day alone ("zum Artikel von gestern", "zu dem
#: Artikel gestern") means another article.
_OTHER_ARTICLE = re.compile(
    r"\b(?:zu[mr]?|zu dem|zu der|bei[mr]?|bei dem|im|in dem|unter dem|unterm)\s+"
    r"(?:artikel|bericht|beitrag|text|meldung)\s+"
    r"(?P<when>(?:(?:von|vom)\s+(?:gestern|vorgestern|heute(?:\s+(?:morgen|früh|mittag))?"
    r"|letzte[rnms]?\s+\w+|neulich|vorwoche|(?:montag|dienstag|mittwoch|donnerstag|freitag"
    r"|samstag|sonnabend|sonntag)(?:abend|morgen)?)"
    r"|gestern|vorgestern|neulich|letzte\s+woche)\s*)?"
    r"(?:(?:über|zu[mr]?|zur|zum\s+thema)\s+(?P<subject>[^.:;!?\n]{3,80}))?",
    re.IGNORECASE,
)


_SUBJECT_WORD = re.compile(r"\w+")


def other_article(comment: str, article_stems: frozenset[str]) -> bool:
    """Does the comment say it is about another article (see :data:`_OTHER_ARTICLE`)?"""
    for m in _OTHER_ARTICLE.finditer(comment):
        subject = m.group("subject")
        if subject:
            # The nouns name the subject ("den neuen Supermarkt in der Weststadt"): an adjective
            # such as "neu" occurs in nearly every article and is no reference to this one.
            nouns = [w for w in _SUBJECT_WORD.findall(subject) if w[0].isupper()]
            stems = content_stems(" ".join(nouns)) or content_stems(subject)
            if stems and not any(s in article_stems for s in stems):
                return True
        elif m.group("when"):
            return True
    return False


#: Endings of institutions an article names after "im"/"vom" ("im Kreistag"): actors, not places.
_INSTITUTION = (
    "tag", "rat", "amt", "gericht", "ministerium", "verwaltung", "ausschuss", "haus", "klinik",
    "klinikum", "schule", "verein", "partei", "verband", "kammer", "behörde", "senat",
)  # fmt: skip
#: A place name: after a preposition without an article ("in Kernbach", "aus Hollfeld"; a noun
#: takes one: "in der Sitzung", "im Sommer") or after a word for a place ("im Raum Wendlingen").
_PLACE = re.compile(
    r"\b(?:in|aus|nach|zwischen|Raum|Landkreis|Kreis|Gemeinde|Stadt|Ortsteil|Stadtteil"
    r"|Dorf|Ort)\s+([A-ZÄÖÜ][\wäöüß]+(?:-[A-ZÄÖÜ][\wäöüß]+)?)"
)
#: Nouns that follow those prepositions without an article ("nach Angaben", "in Zukunft").
_NOT_PLACES = frozenset((
    "angaben", "zukunft", "höhe", "gericht", "ende", "anfang", "hinblick", "bezug", "zeiten",
    "jahren", "monaten", "wochen", "tagen", "stunden", "folge", "kraft", "betrieb", "frage",
    "gefahr", "not", "sicht", "summe", "zusammenarbeit", "teilen", "januar", "februar", "märz",
    "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember",
    "sommer", "winter", "frühjahr", "herbst", "deutschland", "europa",
))  # fmt: skip
_ARTICLE_REFERENCE = re.compile(
    r"\b(?:(?:de[nmrs]|dies\w*|im|ihr\w*|eur\w*|zum|vom) (?:Artikel|Bericht|Text)"
    r"|Artikels?|Autor(?:in|en)?|Überschrift|Schlagzeile|Journalist\w*|Reporter\w*)\b",
    re.IGNORECASE,
)
# Roles an article's actors are referred to by, grouped so that "Regierung" in the comment
# matches "Kabinett" in the article. Each group: a pattern on the comment, one on the article.
_ROLE_GROUPS: tuple[str, ...] = (
    r"regierung\w*|kabinett\w*|minister\w*|kanzler\w*|staatssekretär\w*|bundesrat\w*",
    r"bundestag\w*|parlament\w*|landtag\w*|abgeordnete\w*|fraktion\w*",
    r"partei\w*|spd|cdu|csu|fdp|afd|grünen?|linken?|bsw|opposition\w*|koalition\w*",
    r"bürgermeister\w*|gemeinderat\w*|stadtrat\w*|rathaus\w*|kämmerer\w*|landrat\w*|verwaltung\w*",
    r"gewerkschaft\w*|arbeitgeber\w*|verband\w*|verbände\w*|lobby\w*|konzern\w*|unternehmen\w*",
    r"polizei\w*|gericht\w*|richter\w*|staatsanwalt\w*|justiz\w*",
    r"verein\w*|trainer\w*|spieler\w*|mannschaft\w*|manager\w*",
    r"klinik\w*|krankenhaus\w*|ärzt\w*|arzt\w*|kasse\w*|apothek\w*",
    r"bahn\w*|lokführer\w*|fahrgäst\w*|pendler\w*",
    r"schule\w*|lehrer\w*|schüler\w*|eltern\w*",
    r"bauern\w*|landwirt\w*|vermieter\w*|mieter\w*|rentner\w*",
)
_ROLES = tuple(re.compile(rf"\b(?:{g})\b", re.IGNORECASE) for g in _ROLE_GROUPS)
_ACRONYM = re.compile(r"\b[A-ZÄÖÜ]{2,6}\b")
_TITLE_NAME = re.compile(
    r"\b\w*(?:[Mm]inister|[Kk]anzler|[Bb]ürgermeister|[Pp]räsident|[Tt]rainer|[Cc]hef|"
    r"[Ss]precher|[Ss]enator|[Vv]orsitzende)(?:in|r)?\s+|\b(?:Frau|Herrn?|Landrat|Landrätin)\s+"
)
_NAME_AFTER = re.compile(r"((?:[A-ZÄÖÜ][\wäöüß-]+\s+)?[A-ZÄÖÜ][\wäöüß-]+)")
_CAPITALISED = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?\b")


def _at_sentence_start(before: str) -> bool:
    """Whether a word preceded by ``before`` begins a sentence: nothing before it, a line
    break, or a closing mark and white space. (A regex ending in ``\\n\\s*$`` rescanned runs
    of line breaks from every start: quadratic.)"""
    tail = before.rstrip()
    space = before[len(tail) :]
    return before == "" or "\n" in space or (space != "" and tail[-1:] in (".", "!", "?", ":"))


def article_actors(article_text: str) -> frozenset[str]:
    """Lower-cased names of the article's actors: acronyms, titled names, name-like words.

    German capitalises every noun, so a capitalised word counts as a name only when the
    article uses it at least twice and never in lower case; acronyms and names after a title
    ("Ministerin Albers") always count.
    """
    names: set[str] = {a.lower() for a in _ACRONYM.findall(article_text)}
    for m in _TITLE_NAME.finditer(article_text):
        name = _NAME_AFTER.match(article_text, m.end())
        if name:
            names.update(part.lower() for part in name.group(1).split())
    counts: dict[str, int] = {}
    inside: set[str] = set()  # seen at least once away from a sentence start
    for m in _CAPITALISED.finditer(article_text):
        word = m.group()
        counts[word] = counts.get(word, 0) + 1
        if not _at_sentence_start(article_text[max(0, m.start() - 3) : m.start()]):
            inside.add(word)
    lower = set(re.findall(r"\b[a-zäöüß]+\b", article_text))
    for word, n in counts.items():
        if n >= 2 and word in inside and word.lower() not in lower and len(word) >= 4:
            names.add(word.lower())
    return frozenset(names)


def article_roles(article_text: str) -> tuple[re.Pattern[str], ...]:
    """The role patterns (government, party, club, …) the article has an actor for."""
    return tuple(role for role in _ROLES if role.search(article_text))


def article_places(article_text: str, actors: frozenset[str]) -> frozenset[str]:
    """The article's actors that it names as places ("in Kernbach", "im Raum Wendlingen").

    A local paper names its town in every article, so a comment that shares nothing with the
    article but the town ("Kennt jemand einen Schlüsseldienst in Wendlingen?") is not about it.
    """
    return frozenset(
        name
        for m in _PLACE.finditer(article_text)
        if (name := m.group(1).lower()) in actors
        and name not in _NOT_PLACES
        and not name.endswith(_INSTITUTION)
        and not any(role.search(name) for role in _ROLES)
    )


#: Articles whose actors, places and stems are kept, and (per model) contexts whose vectors are.
_CONTEXT_CACHE = 64


class ArticleFacts(NamedTuple):
    """What the off-topic features read of an article (:func:`article_facts`)."""

    actors: frozenset[str]
    roles: tuple[re.Pattern[str], ...]
    places: frozenset[str]
    stems: frozenset[str]


@lru_cache(maxsize=_CONTEXT_CACHE)
def article_facts(article_text: str) -> ArticleFacts:
    """The article's actors, roles, places and content stems, worked out once per article
    (they cost about a millisecond, and screening sends one comment at a time)."""
    actors = article_actors(article_text)
    return ArticleFacts(
        actors,
        article_roles(article_text),
        article_places(article_text, actors),
        frozenset(content_stems(article_text)),
    )


def place_only(
    comment: str,
    actors: frozenset[str],
    roles: tuple[re.Pattern[str], ...],
    places: frozenset[str],
    article_stems: frozenset[str],
) -> bool:
    """Does the comment refer to the article only by one of its places?

    True when it names a place of the article and, without those place names, names no actor,
    refers to no role and shares no long word stem (7 letters, as ``long_shared_stems``) with
    the article.
    """
    words = re.findall(r"[\wäöüßÄÖÜ-]+", comment)
    named = {w.lower() for w in words} & places
    if not named:
        return False
    rest = " ".join(w for w in words if w.lower() not in named)
    if mentions_actor(rest, actors - named, roles):
        return False
    return not any(len(s) >= 7 and s in article_stems for s in content_stems(rest))


def mentions_actor(
    comment: str, actors: frozenset[str], roles: tuple[re.Pattern[str], ...]
) -> bool:
    """Does the comment name one of ``actors`` or refer to one of the article's ``roles``?"""
    words = {w.lower() for w in re.findall(r"[\wäöüßÄÖÜ-]+", comment)}
    if words & actors:
        return True
    return any(role.search(comment) for role in roles)


def talks_about_discussion_or_article(comment: str) -> bool:
    """Is the comment about the discussion, the site, the newsroom or the article itself?"""
    return bool(_DISCUSSION.search(comment) or _ARTICLE_REFERENCE.search(comment))


@dataclass
class TopicalityModel:
    """``P(off_topic)`` from overlap, subject area, actors and discussion features."""

    coef: NDArray[np.float64]
    bias: float
    embed: Embed | None = None
    #: 4: generation 3 plus :data:`VECTOR_FEATURES` (with an encoder); 3: all of
    #: :data:`TOPIC_FEATURES` and the place rule; 2: :data:`TOPIC_FEATURES_V2`.
    generation: int = 3
    _overlap: RelevanceModel = field(init=False, repr=False)
    _areas: NDArray[np.float32] | None = field(init=False, repr=False, default=None)
    _area_of: list[int] = field(init=False, repr=False, default_factory=list)
    #: Sentence vectors of recent (article, parent) contexts: screening sends one comment at a
    #: time, and the article was encoded again for every comment under it.
    _contexts: OrderedDict[tuple[str, ...], NDArray[np.float32]] = field(
        init=False, repr=False, default_factory=OrderedDict
    )

    @property
    def features(self) -> tuple[str, ...]:
        """The named feature columns of this generation (the first columns ``coef`` weighs)."""
        return TOPIC_FEATURES if self.generation >= 3 else TOPIC_FEATURES_V2

    @property
    def reads_vectors(self) -> bool:
        """Generation 4 with an encoder: :data:`VECTOR_FEATURES` follow the named columns."""
        return self.generation >= 4 and self.embed is not None

    @property
    def record_features(self) -> list[str]:
        """The ``features`` a calibration record for this model names."""
        return [*self.features, *(VECTOR_FEATURES if self.reads_vectors else ())]

    def __post_init__(self) -> None:
        encoder = _Adapter(self.embed) if self.embed is not None else None
        self._overlap = RelevanceModel(np.zeros(5), 0.0, encoder=encoder)
        if self.embed is not None:
            texts = [t for group in AREAS.values() for t in group]
            self._area_of = [i for i, group in enumerate(AREAS.values()) for _ in group]
            self._areas = self.embed(texts)

    def area_distribution(self, vectors: NDArray[np.float32]) -> NDArray[np.float64]:
        """Per row of ``vectors``: a probability per subject area (see :data:`AREAS`)."""
        if self._areas is None:
            return np.zeros((len(vectors), len(AREAS)))
        sims = vectors @ self._areas.T
        best = np.full((len(vectors), len(AREAS)), -1.0)
        for col, area in enumerate(self._area_of):
            best[:, area] = np.maximum(best[:, area], sims[:, col])
        z = (best - best.max(axis=1, keepdims=True)) / _AREA_TEMPERATURE
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)

    def features_many(
        self, comments: Sequence[str], article_text: str, parent_text: str | None = None
    ) -> NDArray[np.float64]:
        """Feature rows (see :data:`TOPIC_FEATURES`) for comments under one article."""
        vectors = self.embed(list(comments)) if self.embed is not None else None
        rows = [
            self._overlap.features(c, article_text, parent_text, None if vectors is None else v)
            for c, v in zip(
                comments, vectors if vectors is not None else [None] * len(comments), strict=True
            )
        ]
        same = np.zeros(len(comments))
        context_vectors = None
        if vectors is not None and self.embed is not None:
            contexts = (article_text,) + (
                (parent_text,) if parent_text and parent_text.strip() else ()
            )
            context_vectors = self._contexts.get(contexts)
            if context_vectors is None:
                # Encoded together, as always: the same vectors as before caching.
                context_vectors = self.embed(list(contexts))
                self._contexts[contexts] = context_vectors
                if len(self._contexts) > _CONTEXT_CACHE:
                    self._contexts.popitem(last=False)
            else:
                self._contexts.move_to_end(contexts)
            ctx_dist = self.area_distribution(context_vectors)
            com_dist = self.area_distribution(vectors)
            same = (com_dist @ ctx_dist.T).max(axis=1)
        actors, roles, places, article_stems = article_facts(article_text)
        overlap = np.vstack(rows)
        extra = []
        v3 = self.generation >= 3
        for i, c in enumerate(comments):
            actor = mentions_actor(c, actors, roles)
            if v3 and places and place_only(c, actors, roles, places, article_stems):
                # Only the town every local article names: no actor, no long shared stem.
                actor = False
                if parent_text is None:
                    overlap[i, _LONG_SHARED] = 0.0
            if v3 and other_article(c, article_stems):
                # About another article: an aside, not this article's discussion.
                extra.append([float(same[i]), float(actor), 0.0, 0.0, 1.0])
                continue
            extra.append(
                [
                    float(same[i]),
                    float(actor),
                    float(bool(_DISCUSSION.search(c))),
                    float(bool(_ARTICLE_REFERENCE.search(c))),
                    float(bool(_ASIDE.search(c))),
                ]
            )
        columns = np.hstack([overlap, np.asarray(extra, dtype=np.float64)])
        named = columns[:, : len(self.features)]
        if not self.reads_vectors or vectors is None or context_vectors is None:
            return named
        # The article's vector (the encoder reads its beginning), not the parent's: the
        # overlap columns above already take the parent into account for a reply.
        article_vector = context_vectors[0]
        return np.hstack(
            [
                named,
                vectors.astype(np.float64),
                INTERACTION_SCALE * (vectors * article_vector).astype(np.float64),
            ]
        )

    def off_topic_many(
        self, comments: Sequence[str], article_text: str | None, parent_text: str | None = None
    ) -> list[float | None]:
        """``P(off_topic)`` per comment under one article; ``None`` without an article."""
        if not article_text or not article_text.strip():
            return [None] * len(comments)
        if not comments:
            return []
        z = self.features_many(comments, article_text, parent_text) @ self.coef + self.bias
        return [1.0 / (1.0 + math.exp(-max(min(float(v), 30.0), -30.0))) for v in z]


class _Adapter:
    """An :data:`Embed` function in the shape :class:`RelevanceModel` expects (``encode``)."""

    def __init__(self, embed: Embed | None) -> None:
        self._embed = embed

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        assert self._embed is not None
        return self._embed(texts)


__all__ = [
    "AREAS",
    "TOPIC_FEATURES",
    "TOPIC_FEATURES_V2",
    "VECTOR_FEATURES",
    "ArticleFacts",
    "Embed",
    "TopicalityModel",
    "article_actors",
    "article_facts",
    "article_places",
    "article_roles",
    "mentions_actor",
    "place_only",
    "talks_about_discussion_or_article",
]
