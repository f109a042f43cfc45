"""Off-topic score: how well a comment relates to its article (and, for replies, its parent).

Features per (comment, context) pair:

* lexical overlap on crude German stems (lower-cased, umlauts folded, inflection suffixes cut,
  truncated to 7 letters, so "Militärübungen" and "militärischen" meet at "militar"),
  measured as the share of the comment's content stems found in the context, and the number of
  long (≥ 7 letters) shared stems;
* cosine similarity of sentence embeddings between the comment and the best-matching article
  paragraph and the whole article (when the embedding runtime is installed);
* comment length, since short comments share fewer words by chance.

For a reply every feature is the larger of its value against the article and against the parent.

A logistic regression trained on labelled pairs (see :mod:`netiquette.training.relevance_pairs`)
turns them into ``P(off_topic)``. Without an article the rule is not evaluated (``None``).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s"})
_SUFFIXES = ("ungen", "ern", "em", "en", "er", "es", "e", "n", "s")
_BOILERPLATE = re.compile(
    r"cookie|akzeptieren|zustimmen|foto:|bild:|getty|dpa|afp|newsletter|abonn|anzeige|"
    r"kommentar|netiquette|teilen|datenschutz|impressum|podcast|werbung",
    re.IGNORECASE,
)
_STOPWORD_TEXT = """
aber alle allem allen aller alles also auch auf aus bei beim bin bis bist dabei damit dann
darum das dass dein deine dem den denn der des dessen deshalb die dies diese diesem diesen
dieser dieses doch dort durch ein eine einem einen einer eines einfach etwa euch euer eure
für gar gegen gibt ganz gerade haben hab habe hat hatte hätte hier hin hinter ich ihm ihn
ihnen ihr ihre ihrem ihren ihrer im immer in ins ist jede jedem jeden jeder jedes jetzt kann
kein keine keinem keinen keiner können könnte man manche mehr mein meine meinem meinen mich
mir mit muss müssen nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine seinem
seinen seiner seit sich sie sind so solche soll sollte sondern sonst über um und uns unser
unsere unter viel vom von vor war waren warum was weil welche welchen wenn wer werden wie
wieder will wir wird wo wohl wollen würde zu zum zur zwar zwischen leider eigentlich
wirklich mal halt eben klar genau danke bitte artikel text bericht thema frage meinung finde
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

FEATURES: tuple[str, ...] = (
    "stem_share",
    "long_shared_stems",
    "cos_best_paragraph",
    "cos_mean",
    "log_tokens",
)


def stem(word: str) -> str:
    """A crude German stem: fold, cut one inflection suffix, keep at most 7 letters."""
    w = word.lower().translate(_FOLD)
    for suffix in _SUFFIXES:
        if len(w) - len(suffix) >= 4 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    return w[:7]


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text`` (stopwords and short words dropped)."""
    return [stem(w) for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) >= 4]


def article_paragraphs(article_text: str) -> list[str]:
    """Paragraphs of the article body: long lines without consent, credit or navigation words."""
    lines = [ln.strip() for ln in article_text.splitlines() if ln.strip()]
    body = [ln for ln in lines if len(ln) >= 60 and not _BOILERPLATE.search(ln[:80])]
    if lines:
        body = [lines[0], *[ln for ln in body if ln != lines[0]]]  # the headline counts
    return body or lines


class TextEncoder(Protocol):
    """Anything that embeds texts as L2-normalised rows (the shipped ``SentenceEncoder``)."""

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One vector per text."""
        ...


@dataclass
class _Context:
    stems: frozenset[str]
    paragraph_vectors: NDArray[np.float32] | None
    mean_vector: NDArray[np.float32] | None


@dataclass
class RelevanceModel:
    """Calibrated ``P(off_topic)`` from overlap and embedding features."""

    coef: NDArray[np.float64]
    bias: float
    encoder: TextEncoder | None = None
    fallback_coef: NDArray[np.float64] | None = None
    fallback_bias: float = 0.0
    _cache: OrderedDict[str, _Context] = field(default_factory=OrderedDict, repr=False)

    def _context(self, text: str, paragraphs: bool) -> _Context:
        key = hashlib.sha1(text.encode("utf-8")).hexdigest() + ("p" if paragraphs else "t")
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        parts = article_paragraphs(text) if paragraphs else [text]
        vectors = mean = None
        if self.encoder is not None:
            vectors = self.encoder.encode(parts)
            m = vectors.mean(axis=0)
            mean = m / max(float(np.linalg.norm(m)), 1e-9)
        ctx = _Context(frozenset(s for p in parts for s in content_stems(p)), vectors, mean)
        self._cache[key] = ctx
        if len(self._cache) > 256:
            self._cache.popitem(last=False)
        return ctx

    def _pair(
        self, stems: list[str], vec: NDArray[np.float32] | None, ctx: _Context
    ) -> list[float]:
        shared = [s for s in stems if s in ctx.stems]
        share = len(shared) / len(stems) if stems else 0.0
        n_long = float(len({s for s in shared if len(s) >= 7}))
        cos_best = cos_mean = 0.0
        if vec is not None and ctx.paragraph_vectors is not None and ctx.mean_vector is not None:
            cos_best = float((ctx.paragraph_vectors @ vec).max())
            cos_mean = float(ctx.mean_vector @ vec)
        return [share, min(n_long, 5.0), cos_best, cos_mean]

    def features(
        self,
        comment: str,
        article_text: str,
        parent_text: str | None = None,
        vector: NDArray[np.float32] | None = None,
    ) -> NDArray[np.float64]:
        """Feature vector (see :data:`FEATURES`) for one pair.

        For a reply each feature is the larger of its value against the article and against the
        parent: a reply that only picks up its parent's point is still on topic.
        """
        stems = content_stems(comment)
        vec = vector
        if vec is None and self.encoder is not None:
            vec = self.encoder.encode([comment])[0]
        values = self._pair(stems, vec, self._context(article_text, paragraphs=True))
        if parent_text and parent_text.strip():
            par = self._pair(stems, vec, self._context(parent_text, paragraphs=False))
            values = [max(a, b) for a, b in zip(values, par, strict=True)]
        n_tokens = len(_WORD.findall(comment))
        return np.array([*values, math.log1p(n_tokens)])

    def _proba(self, x: NDArray[np.float64]) -> float:
        if self.encoder is None and self.fallback_coef is not None:
            z = float(x @ self.fallback_coef + self.fallback_bias)
        else:
            z = float(x @ self.coef + self.bias)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def off_topic(
        self, comment: str, article_text: str | None, parent_text: str | None = None
    ) -> float | None:
        """``P(off_topic)`` for a comment under an article; ``None`` without an article."""
        if not article_text or not article_text.strip():
            return None
        return self._proba(self.features(comment, article_text, parent_text))

    def off_topic_many(
        self, comments: Sequence[str], article_text: str | None, parent_text: str | None = None
    ) -> list[float | None]:
        """:meth:`off_topic` for several comments under the same article, embedded in one batch."""
        if not article_text or not article_text.strip():
            return [None] * len(comments)
        vectors = self.encoder.encode(comments) if self.encoder is not None else None
        return [
            self._proba(
                self.features(c, article_text, parent_text, None if vectors is None else vectors[i])
            )
            for i, c in enumerate(comments)
        ]


#: Columns of :data:`FEATURES` the fallback (no-embedding) model uses.
LEXICAL_FEATURES: tuple[int, ...] = (0, 1, 4)


def lexical_only(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Zero the embedding columns, so one coefficient vector serves the fallback model."""
    out = np.array(x, dtype=np.float64)
    mask = np.ones(out.shape[-1], dtype=bool)
    mask[list(LEXICAL_FEATURES)] = False
    out[..., mask] = 0.0
    return out


__all__ = [
    "FEATURES",
    "LEXICAL_FEATURES",
    "STOPWORDS",
    "RelevanceModel",
    "TextEncoder",
    "article_paragraphs",
    "content_stems",
    "lexical_only",
    "stem",
]
