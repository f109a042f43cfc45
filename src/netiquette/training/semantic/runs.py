"""Find or make the fine-tuned e5 run that ``netiquette train`` stacks (no torch needed to reuse).

A run directory (``var/e5run`` by default) holds ``run.json``, ``heldout.npz``, ``encoder.onnx``
and ``vocab.json``. It is reused only when it was trained on exactly the current pool (same texts,
labels, folds and sources: ``pool_fingerprint``) with the same settings; otherwise it is
trained again, so one command always reproduces the shipped model from the data in the checkout.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from netiquette.training.semantic.data import PoolRecord, build_pool

DEFAULT_RUN_DIR = Path("var/e5run")
#: Wall-clock budget of the fine-tuning pass on two cores (the learning rate decays with it).
DEFAULT_SECONDS = 2400.0


class TrainingExtraMissing(RuntimeError):
    """torch (the ``train`` extra) is needed to fine-tune and is not installed."""


def pool_fingerprint(pool: Sequence[PoolRecord]) -> str:
    """A digest of everything the fine-tuning reads from the pool."""
    h = hashlib.sha256()
    for r in pool:
        h.update(
            json.dumps(
                [r.text, r.source, r.fold, sorted(r.labels.items())], ensure_ascii=False
            ).encode("utf-8")
        )
    return h.hexdigest()


def reusable(run_dir: Path, fingerprint: str, settings: dict[str, Any]) -> bool:
    """Whether ``run_dir`` is a finished run on this pool with these settings."""
    path = run_dir / "run.json"
    if not path.is_file() or not (run_dir / "heldout.npz").is_file():
        return False
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    config = run.get("config", {})
    return run.get("pool_fingerprint") == fingerprint and all(
        config.get(k) == v for k, v in settings.items()
    )


def ensure_run(
    data_dir: Path,
    run_dir: Path = DEFAULT_RUN_DIR,
    *,
    seconds: float = DEFAULT_SECONDS,
    log: Callable[[str], None] = print,
) -> Path:
    """``run_dir`` after making sure it holds a run on the current pool; fine-tunes if not."""
    pool = build_pool(data_dir)
    fingerprint = pool_fingerprint(pool)
    if reusable(run_dir, fingerprint, {"max_seconds": seconds}):
        log(f"reusing the fine-tuned encoder in {run_dir} (same data and settings)")
        return run_dir
    try:
        from netiquette.training.semantic.finetune import FinetuneConfig, finetune
    except ImportError as exc:  # torch is a training extra
        raise TrainingExtraMissing(
            "fine-tuning the encoder needs the training extra: "
            "pip install -e '.[train]' (or pass --no-semantic)"
        ) from exc
    log(f"fine-tuning the encoder into {run_dir} (budget {seconds:.0f} s)")
    finetune(data_dir, run_dir, FinetuneConfig(max_seconds=seconds), log=log, pool=pool)
    return run_dir


__all__ = [
    "DEFAULT_RUN_DIR",
    "DEFAULT_SECONDS",
    "TrainingExtraMissing",
    "ensure_run",
    "pool_fingerprint",
    "reusable",
]
