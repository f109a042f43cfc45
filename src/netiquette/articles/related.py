"""Find the article passage a comment is most about, by plain lexical overlap.

Words are lower-cased, folded (ä→a, ß→ss), stripped of German stop words and cut to a crude
stem (a light CISTEM-style suffix stripper). A paragraph scores the summed rarity (idf within the
article, scaled up for longer words) of the comment's stems it contains; a stem that is a prefix
or suffix of a longer stem in the paragraph counts half, because German compounds
("Stadtbahnlinie") carry the word the reader used ("Stadtbahn"). No model, no index: about half
a millisecond per comment on a seven-paragraph article, cheap enough for every view.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (keeps long word lists readable)."""
    return frozenset(text.split())


_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_MIN_COMPOUND_PART = 5
_MIN_PASSAGE_WORDS = 6
_LONG_WORD = 12

STOP_WORDS = _words(
    """
    aber alle allem allen aller alles als also am an ander andere anderen anderer anderes auch
    auf aus bei beim bin bis bist bitte da dabei dadurch dafür dagegen daher damit dann dar
    daran darauf darf darum das dass dein deine dem den denn der des deshalb dessen dich die dies
    diese diesem diesen dieser dieses dir doch dort du durch eben ein eine einem einen einer
    eines einige einmal er es etwa etwas euch euer eure für gab gar gegen gehabt genau gewesen
    gibt ging habe haben hat hatte hätte hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren
    ihrer ihres im immer in ins ist ja jede jedem jeden jeder jedes jemand jetzt kann kein keine
    keinem keinen keiner können könnte man manche mehr mein meine mich mir mit muss musste müssen
    nach nein nicht nichts noch nun nur ob oder ohne schon sehr sein seine seinem seinen seiner
    sich sie sind so solche soll sollen sollte sondern sonst soweit über um und uns unser unsere
    unter viel viele vom von vor wann war waren warum was weil weiter welche welchem welchen
    welcher wenn wer werde werden wie wieder will wir wird wirklich wo wohl wollen worden würde
    würden zu zum zur zwar zwischen ganz mal halt eigentlich einfach gut dieses jenes sei seien
    wäre wären ab sagte sagt laut beiden jahr jahre jahren prozent euro lange lang heute gestern
    eins zwei drei vier fünf sechs sieben acht neun zehn hundert tausend neue neuen neu alt alte
    kommen kommt kam geht gehen ging macht machen gemacht steht stehen stand sagen gesagt finde
    finden glaube denke weiß wissen frage fragen meine meinen wurde wurden gerade bereits danke
    bekommt bekommen bekam
    """
)


def stem(word: str) -> str:
    """A crude German stem: folded, then common inflection suffixes stripped."""
    word = word.lower().translate(_FOLD)
    while len(word) > 4:
        if len(word) > 5 and word[-2:] in ("em", "er", "nd", "en", "es"):
            word = word[:-2]
        elif word[-1] in "ents":
            word = word[:-1]
        else:
            break
    return word


def stems(text: str) -> set[str]:
    """Stems of the content words in ``text`` (stop words and single letters dropped)."""
    words = (w.lower() for w in _WORD.findall(text))
    return {stem(w) for w in words if len(w) > 1 and w not in STOP_WORDS and not w.isdigit()}


def _idf(passages: Sequence[set[str]]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for passage in passages:
        for token in passage:
            counts[token] = counts.get(token, 0) + 1
    total = len(passages)
    return {token: math.log((1 + total) / (1 + n)) + 1.0 for token, n in counts.items()}


def _weight(token: str, idf: dict[str, float]) -> float:
    # Long German words are compounds and more specific: "Kastanienallee" over "bekommt".
    return idf.get(token, 1.0) * min(len(token), _LONG_WORD) / _LONG_WORD


def _score(comment: set[str], passage: set[str], idf: dict[str, float]) -> float:
    score = 0.0
    for token in comment:
        if token in passage:
            score += _weight(token, idf)
        elif len(token) >= _MIN_COMPOUND_PART and any(
            len(other) > len(token) and (other.startswith(token) or other.endswith(token))
            for other in passage
        ):
            score += 0.5 * _weight(token, idf)
    return score


def best_passage(passages: Iterable[str], comment: str) -> str:
    """The passage with the highest overlap with ``comment``; ``""`` when none shares a word.

    Passages of fewer than six words (intermediate headings) are only chosen when the article
    has nothing longer. Ties go to the earlier passage.
    """
    texts = [p for p in passages if p.strip()]
    long_texts = [p for p in texts if len(p.split()) >= _MIN_PASSAGE_WORDS]
    candidates = long_texts or texts
    comment_stems = stems(comment)
    if not candidates or not comment_stems:
        return ""
    passage_stems = [stems(p) for p in candidates]
    idf = _idf(passage_stems)
    best_text, best_score = "", 0.0
    for text, tokens in zip(candidates, passage_stems, strict=True):
        score = _score(comment_stems, tokens, idf)
        if score > best_score:
            best_text, best_score = text, score
    return best_text
