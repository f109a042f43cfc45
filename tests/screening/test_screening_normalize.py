"""Normalisation: each evasion trick reaches the same skeleton, and offsets lead back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netiquette.screening.normalize import (
    _SPACING,
    TOKEN_RE,
    _is_spaced_letter,
    _join_spaced,
    normalize,
    normalize_word,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Idiot", "idiot"),
        ("IDIOT", "idiot"),
        ("I d i o t", "idiot"),
        ("I.d.i.o.t", "idiot"),
        ("I-d-i-o-t", "idiot"),
        ("I - d - i - o - t", "idiot"),
        ("I_d_i_o_t", "idiot"),
        ("Idi0t", "idiot"),
        ("1d10t", "idiot"),
        ("Idiooooot", "idiot"),
        ("Іdiot", "idiot"),  # Cyrillic І
        ("Ιdιοt", "idiot"),  # Greek iota and omicron
        ("Id\u200biot", "idiot"),  # zero-width space
        ("Id\u00adiot", "idiot"),  # soft hyphen
        ("Ｉｄｉｏｔ", "idiot"),  # full-width
        ("𝐈𝐝𝐢𝐨𝐭", "idiot"),  # mathematical bold
        ("Idiót", "idiot"),
    ],
)
def test_evasions_reach_the_same_skeleton(written: str, expected: str) -> None:
    assert normalize(written).text == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Dummköpfe", "Dummkoepfe"),
        ("Straße", "Strasse"),
        ("über", "u\u0308ber"),  # precomposed vs combining diaeresis
        ("Ar$chl0ch", "Arschloch"),
        ("Vollpf0sten", "Vollpfosten"),
    ],
)
def test_spelling_variants_are_equal(left: str, right: str) -> None:
    assert normalize(left).text == normalize(right).text


def test_masks_are_kept_as_one_mask_character() -> None:
    assert normalize("A****loch").text == "a*loch"
    assert normalize("Arschl*ch").text == "arschl*ch"
    assert normalize("Arsch#loch").text == "arsch*loch"


def test_ambiguous_leet_has_an_alternative_reading() -> None:
    (token,) = normalize("Vo11idiot").tokens
    assert token.norm == "voidiot"
    assert token.alt is not None and token.alt.norm == "vollidiot"
    (at,) = normalize("Arschl@ch").tokens
    assert at.alt is not None and at.alt.norm == "arschl*ch"


def test_numbers_without_letters_stay_digits() -> None:
    assert normalize("Im Jahr 2024").text == "im jahr 2024"


def test_long_digit_runs_inside_words_are_numbers_not_leet() -> None:
    assert normalize("Slowenien1945").text == "slowenien1945"


def test_doubles_stay_and_longer_runs_collapse() -> None:
    assert normalize("Vollpfosten deep Depp").text == "vollpfosten deep depp"
    assert normalize("Idiooooot Schifffahrt").text == "idiot schifahrt"


def test_hashtags_and_handles_lose_their_marker() -> None:
    assert normalize("#Idiot @Idiot").text == "idiot idiot"


def test_ordinary_words_stay_apart() -> None:
    assert normalize("Das ist ein guter Artikel.").text == "das ist ein guter artikel"


def test_two_letter_abbreviations_are_not_joined() -> None:
    assert normalize("z.B. das").text == "z b das"


def test_to_original_maps_tokens_back() -> None:
    text = "Du bist ein I d i o t, echt."
    n = normalize(text)
    start = n.text.index("idiot")
    ostart, oend = n.to_original(start, start + len("idiot"))
    assert text[ostart:oend] == "I d i o t"


def test_to_original_covers_collapsed_repeats_and_removed_characters() -> None:
    text = "so ein Idiooooot\u200b!"
    n = normalize(text)
    start = n.text.index("idiot")
    ostart, oend = n.to_original(start, start + 5)
    assert text[ostart:oend] == "Idiooooot"


def test_to_original_across_tokens() -> None:
    text = "Kein  Schwein gehabt"
    n = normalize(text)
    ostart, oend = n.to_original(0, len("kein schwein"))
    assert text[ostart:oend] == "Kein  Schwein"


def test_to_original_of_empty_span_is_empty() -> None:
    n = normalize("abc def")
    ostart, oend = n.to_original(4, 4)
    assert ostart == oend


def test_empty_text() -> None:
    n = normalize("")
    assert n.text == ""
    assert n.tokens == ()
    assert n.to_original(0, 0) == (0, 0)


def test_normalize_word_matches_comment_normalisation() -> None:
    assert normalize_word("Dummköpfe") == normalize("DUMMKOEPFE").text


def _join_spaced_pair_by_pair(
    text: str, raws: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """The joining as written before it skipped stretches without two letters: each pair of
    neighbours checked character by character (the reference for the faster one)."""
    merged: list[tuple[int, int, str]] = []
    i, n = 0, len(raws)
    while i < n:
        j = i
        if _is_spaced_letter(raws[i][2]):
            while (
                j + 1 < n
                and _is_spaced_letter(raws[j + 1][2])
                and 1 <= raws[j + 1][0] - raws[j][1] <= 3
                and all(c in _SPACING for c in text[raws[j][1] : raws[j + 1][0]])
            ):
                j += 1
        run = raws[i : j + 1]
        if len(run) >= 3 and sum(r[2][0].isalpha() for r in run) >= 2:
            merged.append((run[0][0], run[-1][0] + 1, "".join(r[2][0] for r in run)))
        else:
            merged.extend(run)
        i = j + 1
    return merged


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from([*"aB1$!.-_ /,:x", "  ", "   ", "    ", "ab", "t!!", "\n", "ä"])))
def test_spaced_letters_join_as_checked_pair_by_pair(pieces: list[str]) -> None:
    text = "".join(pieces)
    raws = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
    assert _join_spaced(text, raws) == _join_spaced_pair_by_pair(text, raws)
