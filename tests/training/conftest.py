"""A tiny synthetic corpus directory in the shapes of the shared corpora (text we wrote)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

OFFENSIVE = [
    "Du bist ein elender Idiot und Vollpfosten",
    "Halt die Fresse du Arschloch",
    "So ein dummer Trottel, unfassbar",
    "Dieser Depp ist ein Vollidiot",
    "Was für ein erbärmlicher Idiot",
    "Du Arschloch verstehst gar nichts",
]
THREATS = [
    "Die gehören alle an die Wand gestellt und erschossen",
    "Man sollte sie aufhängen und verbrennen",
    "Ich schlage dir die Fresse ein, warte nur ab",
    "Alle erschießen, dann ist Ruhe",
]
CLEAN = [
    "Der Bericht über die Schule war interessant",
    "Ich finde die neue Buslinie sehr praktisch",
    "Danke für die ausführliche Recherche",
    "Das Wetter am Wochenende soll schön werden",
    "Die Stadt plant einen neuen Radweg am Fluss",
    "Wann beginnt die Sitzung des Gemeinderats",
    "Der Haushalt wurde gestern beschlossen",
    "Ich lese die Zeitung jeden Morgen beim Frühstück",
]


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A synthetic corpus directory under ``tmp_path``."""
    return write_corpus(tmp_path)


def write_corpus(tmp_path: Path) -> Path:
    """Write germeval2018/2019/2021 and wuerzburg files with repeated synthetic rows."""
    root = tmp_path / "data"
    ge: list[dict[str, object]] = []
    for k in range(4):
        for i, t in enumerate(OFFENSIVE):
            ge.append(
                {
                    "id": f"ge18-{k}-o{i}",
                    "text": f"@someone {t} |LBR| nr {k}",
                    "labels": {"coarse": "OFFENSE", "fine": "INSULT"},
                }
            )
        for i, t in enumerate(THREATS):
            ge.append(
                {
                    "id": f"ge18-{k}-t{i}",
                    "text": f"{t} {k}",
                    "labels": {"coarse": "OFFENSE", "fine": "ABUSE"},
                }
            )
        for i, t in enumerate(CLEAN):
            ge.append(
                {
                    "id": f"ge18-{k}-c{i}",
                    "text": f"{t} <U+1F602> {k}",
                    "labels": {"coarse": "OTHER", "fine": "OTHER"},
                }
            )
    _write(root / "germeval2018" / "train.jsonl", ge)
    _write(root / "germeval2019" / "train.jsonl", ge[:3])
    _write(root / "germeval2019" / "test.jsonl", ge[3:6])
    _write(
        root / "germeval2021" / "train.jsonl",
        [
            {
                "id": f"ge21-{i}",
                "text": f"@USER {t} heute",
                "labels": {"toxic": int(i < len(OFFENSIVE)), "engaging": 0, "fact_claiming": 0},
            }
            for i, t in enumerate(OFFENSIVE + CLEAN)
        ],
    )
    _write(
        root / "wuerzburg_hatespeech" / "all.jsonl",
        [
            {"id": "wue-1", "text": THREATS[0] + " sofort", "labels": {"hate": "hs"}},
            {"id": "wue-2", "text": OFFENSIVE[0] + " echt", "labels": {"hate": "p"}},
            {"id": "wue-3", "text": CLEAN[0] + " wirklich", "labels": {"hate": "n"}},
            {"id": "wue-4", "text": "ohne Label", "labels": {"hate": None}},
        ],
    )
    return root
