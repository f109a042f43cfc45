"""The TF-IDF features the shipped heads read: sublinear counts times IDF, each block of unit
norm, the row scaled to unit norm; one comment or many, the same rows."""

from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from netiquette.screening.models.tfidf import TfidfFeatures, char_terms, word_terms

TEXTS = [
    "der rat hat die kosten für die radwege wieder verschoben!!",
    "die radwege sind zu schmal, und die kosten steigen",
    "",  # empty: a zero row, never a division by zero
    "qqqq",  # nothing of the vocabulary
    "radwege radwege radwege, immer nur radwege",
]


def _reference(features: TfidfFeatures, texts: list[str]) -> np.ndarray:
    """The same features through scikit-learn's own TF-IDF with the fitted vocabularies."""
    blocks = []
    word = {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b|[!?]{2,}"}
    char = {"analyzer": "char_wb", "ngram_range": (2, 5)}
    for options, vocabulary, idf in (
        (word, features.word_vocabulary, features.word_idf),
        (char, features.char_vocabulary, features.char_idf),
    ):
        vec = TfidfVectorizer(vocabulary=vocabulary, sublinear_tf=True, **options)
        vec.fit(["x"])  # the vocabulary is fixed; the IDF is replaced below
        vec.idf_ = idf.astype(np.float64)
        blocks.append(vec.transform(texts).toarray())
    out: np.ndarray = np.hstack(blocks) / np.sqrt(2)
    return out


def test_rows_match_scikit_learns_tfidf_one_at_a_time_and_in_a_batch() -> None:
    features = TfidfFeatures.fit(TEXTS[:2] * 2 + TEXTS[4:] * 2, min_df=1)
    batch = features.transform(TEXTS)
    assert isinstance(batch, sp.csr_matrix) and batch.dtype == np.float32
    assert batch.shape == (len(TEXTS), features.n_features)
    expected = _reference(features, TEXTS)
    assert np.allclose(batch.toarray(), expected, atol=1e-6)
    singles = sp.vstack([features.transform([t]) for t in TEXTS]).toarray()
    assert np.allclose(singles, batch.toarray(), atol=1e-7)
    norms = np.linalg.norm(batch.toarray(), axis=1)
    assert np.allclose(norms[[0, 1, 4]], 1.0, atol=1e-5)
    assert norms[2] == 0.0 and norms[3] == 0.0


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from([*"aäbß Éz1_!?.,-\n\t\u00a0\u2003", "ǅ", "İ", "😀", "ﬁ"]),
        max_size=40,
    )
)
def test_serving_counts_the_n_grams_scikit_learn_counts(text: str) -> None:
    # Serving counts n-grams without scikit-learn; every term and count must be scikit-learn's,
    # whitespace, case folding that changes a string's length and short words included.
    from sklearn.feature_extraction.text import CountVectorizer

    for ours, options in (
        (word_terms, {"token_pattern": r"(?u)\b\w+\b|[!?]{2,}", "ngram_range": (1, 2)}),
        (char_terms, {"analyzer": "char_wb", "ngram_range": (2, 5)}),
    ):
        analyse = CountVectorizer(lowercase=True, **options).build_analyzer()  # type: ignore[arg-type]
        assert Counter(ours(text)) == Counter(analyse(text))


def test_fitting_without_a_cut_off_is_scikit_learns_vocabulary_and_idf() -> None:
    texts = TEXTS[:2] * 3 + TEXTS[4:] + ["die kosten, die kosten!!"]
    features = TfidfFeatures.fit(texts, max_word_features=10**6, max_char_features=10**6)
    word = {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b|[!?]{2,}"}
    char = {"analyzer": "char_wb", "ngram_range": (2, 5)}
    for options, vocabulary, idf in (
        (word, features.word_vocabulary, features.word_idf),
        (char, features.char_vocabulary, features.char_idf),
    ):
        vec = TfidfVectorizer(min_df=2, sublinear_tf=True, **options).fit(texts)
        assert vocabulary == dict(vec.vocabulary_)
        assert np.allclose(idf, vec.idf_, atol=1e-6)


def test_terms_tied_at_the_cut_off_are_kept_alphabetically_on_every_machine() -> None:
    """Most frequent terms first; among equally frequent ones the alphabetically first, so the
    same data gives the same vocabulary whatever the CPU and the order of the texts."""
    texts = ["zebra zebra zebra", "zebra", "otter", "otter", "biber", "biber", "dachs", "dachs"]
    for order in (texts, texts[::-1], sorted(texts)):
        features = TfidfFeatures.fit(order, max_word_features=3, max_char_features=20)
        assert set(features.word_vocabulary) == {"zebra", "biber", "dachs"}
        assert features.word_vocabulary == {"biber": 0, "dachs": 1, "zebra": 2}


@settings(max_examples=50, deadline=None)
@given(st.permutations(TEXTS[:2] * 2 + TEXTS[4:] * 2 + ["kosten radwege rat", "rat kosten"]))
def test_the_fitted_vocabulary_does_not_depend_on_the_order_of_texts(texts: list[str]) -> None:
    reference = TfidfFeatures.fit(sorted(texts), max_word_features=5, max_char_features=40)
    fitted = TfidfFeatures.fit(texts, max_word_features=5, max_char_features=40)
    assert fitted.word_vocabulary == reference.word_vocabulary
    assert fitted.char_vocabulary == reference.char_vocabulary
    assert len(fitted.word_vocabulary) == 5 and len(fitted.char_vocabulary) == 40
    assert np.array_equal(fitted.word_idf, reference.word_idf)
    assert np.array_equal(fitted.char_idf, reference.char_idf)
