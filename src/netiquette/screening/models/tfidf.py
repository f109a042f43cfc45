"""TF-IDF features (word 1–2 grams + character 2–5 grams) stored as plain arrays.

The vocabularies and IDF weights are saved in an ``.npz`` file rather than a pickle, so a model
survives scikit-learn upgrades and loading it executes no code.

Training fits the vocabularies with scikit-learn's ``TfidfVectorizer``; serving counts the same
n-grams itself (:func:`word_terms`, :func:`char_terms`, the analysers of scikit-learn's
``CountVectorizer`` with these options), so screening never imports scikit-learn (about 0.4 s
of every ``netiquette screen``'s start-up). ``tests/screening/test_tfidf_features.py`` checks
the rows against scikit-learn's own on generated text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import CountVectorizer

_WORD_PATTERN = r"(?u)\b\w+\b|[!?]{2,}"
_WORD_RE = re.compile(_WORD_PATTERN)
_SEP = "\x00"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)


def word_terms(text: str) -> list[str]:
    """Word 1- and 2-grams of ``text``, lower-cased (scikit-learn's ``word`` analyser)."""
    tokens = _WORD_RE.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


def char_terms(text: str) -> list[str]:
    """Character 2- to 5-grams inside words padded with a space (``char_wb``)."""
    low, high = CHAR_NGRAMS
    grams: list[str] = []
    add = grams.append
    for word in text.lower().split():
        w = f" {word} "
        size = len(w)
        for n in range(low, high + 1):
            if size <= n:  # a word no longer than n yields itself once, and no longer grams
                add(w)
                break
            grams += [w[start : start + n] for start in range(size - n + 1)]
    return grams


def _word_vectorizer(vocabulary: dict[str, int] | None = None) -> CountVectorizer:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        lowercase=True,
        token_pattern=_WORD_PATTERN,
        ngram_range=WORD_NGRAMS,
        vocabulary=vocabulary,
    )


def _char_vectorizer(vocabulary: dict[str, int] | None = None) -> CountVectorizer:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        lowercase=True, analyzer="char_wb", ngram_range=CHAR_NGRAMS, vocabulary=vocabulary
    )


def _counts(
    terms: Callable[[str], list[str]], vocabulary: dict[str, int], texts: Sequence[str]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
    """``(per_row, indices, counts)`` of the known terms, each row's columns ascending."""
    per_row = np.zeros(len(texts), dtype=np.int64)
    columns: list[int] = []
    values: list[int] = []
    get = vocabulary.get
    for row, text in enumerate(texts):
        found: Counter[int | None] = Counter(map(get, terms(text)))
        del found[None]  # the terms outside the vocabulary
        keys = sorted(cast("list[int]", list(found)))
        per_row[row] = len(keys)
        columns += keys
        values += [found[k] for k in keys]
    return per_row, np.asarray(columns, dtype=np.int64), np.asarray(values, dtype=np.float32)


def _pack(vocabulary: dict[str, int]) -> NDArray[np.uint8]:
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    return np.frombuffer(_SEP.join(terms).encode("utf-8"), dtype=np.uint8)


def _unpack(blob: NDArray[np.uint8]) -> dict[str, int]:
    terms = blob.tobytes().decode("utf-8").split(_SEP)
    return {term: i for i, term in enumerate(terms)}


@dataclass
class TfidfFeatures:
    """Sublinear TF-IDF over word and character n-grams, L2-normalised per block."""

    word_vocabulary: dict[str, int]
    char_vocabulary: dict[str, int]
    word_idf: NDArray[np.float32]
    char_idf: NDArray[np.float32]
    _blocks: list[tuple[Callable[[str], list[str]], dict[str, int], NDArray[np.float32]]] = field(
        init=False, repr=False, default_factory=list
    )

    def __post_init__(self) -> None:
        self._blocks = [
            (word_terms, self.word_vocabulary, self.word_idf),
            (char_terms, self.char_vocabulary, self.char_idf),
        ]

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        *,
        max_word_features: int = 60_000,
        max_char_features: int = 150_000,
        min_df: int = 2,
    ) -> TfidfFeatures:
        """Learn vocabularies and IDF weights from training texts (needs scikit-learn).

        As scikit-learn's ``TfidfVectorizer(min_df=min_df, max_features=limit,
        sublinear_tf=True)``, except that terms tied in frequency at the cut-off are kept in
        alphabetical order. scikit-learn orders them with numpy's unstable ``argsort``: the
        same data and library versions gave another vocabulary here than when houserules-8
        was trained (2,341 of 60,000 word terms, 2026-12-07; probably another CPU, whose SIMD
        sort breaks ties differently, not proven).
        """
        blocks = []
        for base, limit in (
            (_word_vectorizer(), max_word_features),
            (_char_vectorizer(), max_char_features),
        ):
            base.set_params(min_df=min_df, dtype=np.float32)
            counts = sp.csc_matrix(base.fit_transform(texts))
            terms = base.get_feature_names_out()  # alphabetical, as the columns
            total = np.asarray(counts.sum(axis=0), dtype=np.float64).ravel()
            # Most frequent first; among equals the alphabetically first (stable sort).
            keep = np.sort(np.argsort(-total, kind="stable")[:limit])
            df = np.diff(counts.indptr)[keep].astype(np.float64)
            # scikit-learn's smoothed IDF: ln((1 + n) / (1 + df)) + 1.
            idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
            vocabulary = {str(terms[j]): i for i, j in enumerate(keep.tolist())}
            blocks.append((vocabulary, idf.astype(np.float32)))
        (wv, wi), (cv, ci) = blocks
        return cls(wv, cv, wi, ci)

    @property
    def n_features(self) -> int:
        """Width of the feature matrix (word block then char block)."""
        return len(self.word_vocabulary) + len(self.char_vocabulary)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Feature matrix for prepared texts, shape ``(len(texts), n_features)``.

        Works on plain arrays: the screening pipeline transforms one comment at a time, where
        each scipy operation's own overhead outweighed its arithmetic.
        """
        rows = len(texts)
        data: list[NDArray[np.float32]] = []
        indices: list[NDArray[np.int32]] = []
        lengths: list[NDArray[np.int64]] = []
        offset = 0
        for terms, vocabulary, idf in self._blocks:
            per_row, columns, counts = _counts(terms, vocabulary, texts)
            row_of = np.repeat(np.arange(rows), per_row)
            tf = np.log(counts) + np.float32(1.0)
            values = tf * idf[columns]
            norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=rows))
            norms[norms == 0] = 1.0
            # Each block has unit norm; scale so the whole row has unit norm too.
            scale = (np.float32(1 / np.sqrt(2)) / norms).astype(np.float32)
            data.append(values * scale[row_of])
            indices.append(columns.astype(np.int32) + np.int32(offset))
            lengths.append(per_row)
            offset += len(idf)
        # Row by row: the word block's entries, then the char block's.
        order = np.argsort(
            np.concatenate([np.repeat(np.arange(rows), n) for n in lengths]), kind="stable"
        )
        indptr = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(lengths[0] + lengths[1], out=indptr[1:])
        return sp.csr_matrix(
            (np.concatenate(data)[order], np.concatenate(indices)[order], indptr),
            shape=(rows, offset),
        )

    def terms(self) -> list[str]:
        """Feature names in column order (word terms, then ``"c:"``-prefixed char n-grams)."""
        words = sorted(self.word_vocabulary, key=self.word_vocabulary.__getitem__)
        chars = sorted(self.char_vocabulary, key=self.char_vocabulary.__getitem__)
        return words + [f"c:{c}" for c in chars]

    def save(self, path: Path) -> None:
        """Write vocabularies and IDF weights to ``path`` (``.npz``)."""
        np.savez_compressed(
            path,
            word_vocabulary=_pack(self.word_vocabulary),
            char_vocabulary=_pack(self.char_vocabulary),
            word_idf=self.word_idf,
            char_idf=self.char_idf,
        )

    @classmethod
    def load(cls, path: Path) -> TfidfFeatures:
        """Read what :meth:`save` wrote."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                _unpack(data["word_vocabulary"]),
                _unpack(data["char_vocabulary"]),
                data["word_idf"].astype(np.float32),
                data["char_idf"].astype(np.float32),
            )


__all__ = ["TfidfFeatures"]
