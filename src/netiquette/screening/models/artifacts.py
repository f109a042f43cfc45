"""Read and write the model directory: ``tfidf.npz``, ``heads.npz``, ``meta.json``.

``heads.npz`` holds, per head ``H``, the arrays ``H.tfidf_coef``, ``H.use_coef`` (absent without
the encoder), ``H.meta_coef``, ``H.fallback_coef`` and the scalars ``H.biases`` =
``[tfidf_bias, use_bias, meta_bias, fallback_bias]``. Nothing is pickled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from netiquette.errors import ModelError
from netiquette.screening.models.heads import HeadModel

#: Bumped when the on-disk layout changes incompatibly.
FORMAT_VERSION = 1
HEADS_FILE = "heads.npz"
TFIDF_FILE = "tfidf.npz"
META_FILE = "meta.json"
CARD_FILE = "model_card.md"


def save_heads(path: Path, heads: dict[str, HeadModel]) -> None:
    """Write all heads into one compressed ``.npz``."""
    arrays: dict[str, np.ndarray] = {}
    for name, h in heads.items():
        arrays[f"{name}.tfidf_coef"] = h.tfidf_coef.astype(np.float32)
        if h.use_coef is not None:
            arrays[f"{name}.use_coef"] = h.use_coef.astype(np.float32)
        arrays[f"{name}.meta_coef"] = h.meta_coef
        arrays[f"{name}.fallback_coef"] = h.fallback_coef
        arrays[f"{name}.biases"] = np.array(
            [h.tfidf_bias, h.use_bias, h.meta_bias, h.fallback_bias], dtype=np.float64
        )
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def load_heads(path: Path) -> dict[str, HeadModel]:
    """Read what :func:`save_heads` wrote."""
    if not path.is_file():
        raise ModelError(f"model file missing: {path}", code="model_file_missing")
    heads: dict[str, HeadModel] = {}
    with np.load(path, allow_pickle=False) as data:
        names = sorted({k.split(".", 1)[0] for k in data.files})
        for name in names:
            b = data[f"{name}.biases"]
            use = data[f"{name}.use_coef"] if f"{name}.use_coef" in data.files else None
            heads[name] = HeadModel(
                tfidf_coef=data[f"{name}.tfidf_coef"],
                tfidf_bias=float(b[0]),
                use_coef=use,
                use_bias=float(b[1]),
                meta_coef=data[f"{name}.meta_coef"],
                meta_bias=float(b[2]),
                fallback_coef=data[f"{name}.fallback_coef"],
                fallback_bias=float(b[3]),
            )
    return heads


def read_meta(model_dir: Path) -> dict[str, Any]:
    """``meta.json`` of a model directory, checked for a compatible format."""
    path = model_dir / META_FILE
    if not path.is_file():
        raise ModelError(
            f"no trained model in {model_dir} (run `netiquette train`)", code="model_not_trained"
        )
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"model format {meta.get('format_version')} in {model_dir}, expected {FORMAT_VERSION}",
            code="model_format",
        )
    return meta


__all__ = [
    "CARD_FILE",
    "FORMAT_VERSION",
    "HEADS_FILE",
    "META_FILE",
    "TFIDF_FILE",
    "load_heads",
    "read_meta",
    "save_heads",
]
