"""The labelled sets under ``datasets/`` are written for the project, never copied from
``../shared``: each has a datasheet with its licence, and none of its comments is a text of the
shared corpora or examples (whose licences keep them out of the repository)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
#: The shared corpora: ``../shared`` beside the checkout (where the brief keeps them), or
#: ``NETIQUETTE_SHARED_DIR`` for a checkout elsewhere (a fresh clone in CI).
SHARED = Path(os.environ.get("NETIQUETTE_SHARED_DIR") or ROOT.parent / "shared")


def _own_texts() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in sorted(DATASETS.glob("*/*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            texts = {json.loads(line)["text"].strip().lower() for line in fh if line.strip()}
        out[str(path.relative_to(ROOT))] = texts
    return out


def test_every_set_has_a_datasheet_with_a_licence() -> None:
    folders = sorted(p for p in DATASETS.iterdir() if p.is_dir())
    assert len(folders) >= 20  # the loop below is not vacuous
    for folder in folders:
        sheet = (folder / "DATASHEET.md").read_text(encoding="utf-8")
        assert "licen" in sheet.lower(), folder.name


def test_no_comment_is_a_text_of_the_shared_corpora() -> None:
    if not (SHARED / "data").is_dir():
        pytest.skip(
            f"{SHARED / 'data'} not found (set NETIQUETTE_SHARED_DIR): nothing to compare with"
        )
    shared: set[str] = set()
    for path in [*SHARED.glob("data/*/*.jsonl"), *SHARED.glob("examples/**/*.jsonl")]:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                text = str(json.loads(line).get("text") or "").strip().lower()
                if len(text) > 30:  # short stock phrases ("Danke!") may well repeat
                    shared.add(text)
    assert len(shared) > 10_000  # the corpora were read
    copied = {name: len(texts & shared) for name, texts in _own_texts().items()}
    assert sum(copied.values()) == 0, {k: v for k, v in copied.items() if v}
