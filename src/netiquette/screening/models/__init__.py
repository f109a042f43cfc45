"""Shipped house-rule models: artifacts (``*.npz``, ``meta.json``, ``model_card.md``) and loaders.

The artifacts are written by :func:`netiquette.training.train.train`; the public entry point for
using them is :func:`netiquette.screening.classifier.load_default_models`.
"""

from __future__ import annotations

from pathlib import Path

#: Where the default model's artifacts live inside the installed package.
DEFAULT_MODEL_DIR: Path = Path(__file__).resolve().parent

__all__ = ["DEFAULT_MODEL_DIR"]
