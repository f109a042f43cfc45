"""Article-comment sets the text models train on: blind test sets retired after their one
scoring, and sets written as training data in the same format.

A blind set (``datasets/blind*/``) is written by a helper who never saw the training data and is
scored once, for one release (issue 9). After that its figures are published and its rows are
ordinary labelled article comments: they are the only training text we have that looks like the
product's traffic (comments under a news article, all five house rules labelled). Each retired
set's datasheet says when it was retired and what it trains. A set is listed here only after its
one scoring; the next release is measured on a newer set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

#: Read from a source checkout (training runs there); absent from an installed wheel.
DATASETS = Path(__file__).resolve().parents[3] / "datasets"
#: Retired sets, oldest first: scored once for the releases of 2026-12-04 and 2026-12-05
#: (``blind``, ``blind2``) and of 2026-12-07 (``blind8``: houserules-5, ``blind9``: houserules-6,
#: ``blind10``: houserules-7, ``blind11`` and ``blind12``: houserules-8, ``blind13``:
#: houserules-10; ``blind14``: houserules-11, ``blind15``: houserules-11 with commit 5c75bb6; the
#: misses of blind8-blind10 and blind13-blind15 were read after the scoring, so they are no
#: longer blind). ``blind3``–``blind7`` are not here: they calibrate the policy and must
#: never be training text.
RETIRED_SETS: tuple[str, ...] = (
    "blind",
    "blind2",
    "blind8",
    "blind9",
    "blind10",
    "blind11",
    "blind12",
    "blind13",
    "blind14",
    "blind15",
)
#: Sets written as training data in the same format (article comments, five rules); never scored.
#: ``train_a`` and ``train_b`` (written 2026-12-06) joined with houserules-5, ``train_c``
#: (written 2026-12-07: veiled threats, wishes of harm, group insults, insinuations without cue
#: words, and their hard negatives) with houserules-6, ``train_d`` (written 2026-12-07: insults
#: as an aside in long calm comments, group generalisations, veiled local intimidation, local
#: questions and private searches off the article's topic, and their hard negatives) with
#: houserules-11, ``train_e`` (written 2026-12-08: hedged insinuations without cue words,
#: off-topic private searches, local questions and general complaints, and their hard negatives)
#: with houserules-12, ``train_f`` (insults by metaphor, long calm comments, ads without a link)
#: and ``train_g`` (threat-like words used harmlessly, and threats with the same words) with
#: houserules-13.
WRITTEN_SETS: tuple[str, ...] = (
    "train_a",
    "train_b",
    "train_c",
    "train_d",
    "train_e",
    "train_f",
    "train_g",
)
#: Every article-comment set the text models train on.
TRAINING_SETS: tuple[str, ...] = RETIRED_SETS + WRITTEN_SETS
RULES: tuple[str, ...] = ("insinuation", "insult", "aggression", "ad_link", "off_topic")


@dataclass(frozen=True, slots=True)
class RetiredComment:
    """One labelled comment of a retired blind set, with the file of its article."""

    set_name: str
    id: str
    article: str
    article_file: Path
    text: str
    labels: dict[str, int] = field(default_factory=dict)

    @property
    def topic(self) -> str:
        """The article, unique across sets: whole articles are held out together."""
        return f"{self.set_name}-{self.article}"


def retired_comments(
    names: tuple[str, ...] = TRAINING_SETS, root: Path = DATASETS
) -> list[RetiredComment]:
    """Every comment of the named sets (default: all training sets; an absent set contributes
    nothing)."""
    out: list[RetiredComment] = []
    for name in names:
        path = root / name / "comments.jsonl"
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                out.append(
                    RetiredComment(
                        name,
                        str(row["id"]),
                        str(row["article"]),
                        root / name / str(row["article_file"]),
                        str(row["text"]),
                        {rule: int(row["labels"][rule]) for rule in RULES},
                    )
                )
    return out


__all__ = [
    "DATASETS",
    "RETIRED_SETS",
    "RULES",
    "TRAINING_SETS",
    "WRITTEN_SETS",
    "RetiredComment",
    "retired_comments",
]
