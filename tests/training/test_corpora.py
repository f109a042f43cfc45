from __future__ import annotations

from pathlib import Path

import pytest

from netiquette.errors import ConfigError
from netiquette.screening.models.text import prepare_text
from netiquette.training.corpora import (
    LabelledComment,
    germeval2021_labels,
    germeval_labels,
    load_corpora,
    load_germeval2018,
    load_wuerzburg,
    merge_duplicates,
    wuerzburg_labels,
)


def test_prepare_text_decodes_corpus_quirks() -> None:
    text = "@spdde Hallo|LBR|Welt <U+1F602> siehe https://example.org/x  ok"
    assert prepare_text(text) == "@USER Hallo\nWelt 😂 siehe ok"


def test_prepare_text_keeps_case_and_acronyms_of_ordinary_text() -> None:
    assert prepare_text("Die CDU und der BUND klagen.") == "Die CDU und der BUND klagen."
    assert prepare_text("@MODERATOR bitte") == "@USER bitte"


def test_prepare_text_reads_shouted_stretches_in_ordinary_case() -> None:
    # The encoder splits capitals into rare pieces: a threat in capitals scored far below the
    # same words in ordinary case. Only the shouted sentence is folded; the rest keeps its case.
    text = "Ich sage es euch. RÜCKTRITT, SONST STEHEN WIR VOR DEINER TÜR!!! Bis Montag, CDU."
    assert prepare_text(text) == (
        "Ich sage es euch. Rücktritt, sonst stehen wir vor deiner tür!!! Bis Montag, CDU."
    )
    assert prepare_text("SCHLUSS JETZT") == "Schluss jetzt"
    assert prepare_text("EHC, TSV") == "EHC, TSV"  # too few letters to be shouting


@pytest.mark.parametrize(
    ("coarse", "fine", "expected"),
    [
        ("OFFENSE", "INSULT", {"reject": 1, "insult": 1}),
        ("OFFENSE", "PROFANITY", {"reject": 1, "insult": 1}),
        ("OFFENSE", "ABUSE", {"reject": 1, "aggression": 1}),
        ("OTHER", "OTHER", {"reject": 0, "insult": 0, "aggression": 0}),
    ],
)
def test_germeval_mapping(coarse: str, fine: str, expected: dict[str, int]) -> None:
    assert germeval_labels(coarse, fine) == expected


def test_germeval2021_mapping() -> None:
    # "toxic" covers insults and threats: a comment not toxic is neither; a toxic one may be
    # either, so it only says "reject".
    assert germeval2021_labels(0) == {"reject": 0, "insult": 0, "aggression": 0}
    assert germeval2021_labels(1) == {"reject": 1}


def test_wuerzburg_mapping() -> None:
    assert wuerzburg_labels("hs") == {"reject": 1, "aggression": 1}
    assert wuerzburg_labels("p") == {"reject": 1, "insult": 1}
    # "n" only rules out threats: GermEval OFFENSE tweets were re-annotated "n" there.
    assert wuerzburg_labels("n") == {"aggression": 0}
    assert wuerzburg_labels(None) is None


def test_loaders_read_files(data_dir: Path) -> None:
    rows = list(load_germeval2018(data_dir))
    assert rows[0].text.startswith("@USER ")
    assert "|LBR|" not in rows[0].text
    assert all("<U+" not in r.text for r in rows)
    wue = list(load_wuerzburg(data_dir))
    assert [r.labels for r in wue] == [
        {"reject": 1, "aggression": 1},
        {"reject": 1, "insult": 1},
        {"aggression": 0},
    ]


def test_merge_keeps_first_label_and_adds_missing_tasks() -> None:
    a = LabelledComment("a", "Gleicher  Text", "ge", {"reject": 1, "insult": 1})
    b = LabelledComment("b", "gleicher text", "wue", {"reject": 0, "aggression": 0})
    merged = merge_duplicates([a, b])
    assert len(merged) == 1
    assert merged[0].labels == {"reject": 1, "insult": 1, "aggression": 0}


def test_load_corpora_dedupes_and_rejects_unknown(data_dir: Path) -> None:
    records = load_corpora(data_dir)
    assert len({r.text.lower() for r in records}) == len(records)
    with pytest.raises(ConfigError):
        load_corpora(data_dir, ["nope"])
    with pytest.raises(ConfigError):
        load_corpora(data_dir / "missing", ["germeval2018"])
