"""Find or make the fine-tuned e5 run that ``netiquette train`` stacks (no torch needed to reuse).

A run directory (``var/e5run`` by default) holds ``run.json``, ``heldout.npz``, ``encoder.onnx``
and ``vocab.json``. It is reused only when it was trained on exactly the current pool (same texts,
labels, folds and sources: ``pool_fingerprint``) with the same settings (every field of
:class:`FinetuneConfig`, the time budget included); otherwise it is
trained again, so one command always reproduces the shipped model from the data in the checkout.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netiquette.screening.semantic.encoder import (
    LOGITS_VERSION,
    ONNX_FILE,
    VOCAB_FILE,
    load_semantic,
)
from netiquette.training.semantic.data import PoolRecord, build_pool

DEFAULT_RUN_DIR = Path("var/e5run")
#: Wall-clock budget of the fine-tuning pass on two cores (the learning rate decays with it).
DEFAULT_SECONDS = 2400.0


@dataclass
class FinetuneConfig:
    """Fine-tuning hyper-parameters (recorded in ``run.json`` and ``meta.json``); kept here,
    free of torch, so a run can be checked against them without the training extra."""

    layers: int = 4
    max_tokens: int = 64
    epochs: float = 3.0
    batch_size: int = 32
    lr: float = 1e-4
    freeze_layers: int = 1  # lowest layers kept as they are (with the word embeddings)
    max_train_texts: int = 40_000  # corpus rows subsampled to this (own rows always kept)
    max_seconds: float = 0.0  # > 0: stop training after this long (learning rate decays in time)
    warmup: float = 0.06
    own_weight: float = 2.0  # our own comments count double: they are the product's domain
    seed: int = 13
    threads: int = 2


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


def logits_version(run_dir: Path) -> int:
    """How the run's held-out logits were read (1 for runs from before versions were kept)."""
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return int(run.get("logits_version", 1))


def onnx_logits(
    run_dir: Path, texts: Sequence[str], tasks: Sequence[str], max_tokens: int, threads: int = 2
) -> NDArray[np.float32]:
    """Logits of the run's exported graph, read the way the server reads them (no torch)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copyfile(run_dir / "encoder.onnx", Path(tmp) / ONNX_FILE)
        shutil.copyfile(run_dir / "vocab.json", Path(tmp) / VOCAB_FILE)
        model = load_semantic(Path(tmp), tasks, max_tokens, threads=threads)
        return model.logits(texts)


def rescore_heldout(run_dir: Path) -> None:
    """Score the run's held-out texts again with :func:`onnx_logits`, as the end of a
    fine-tuning run does, and record the current :data:`LOGITS_VERSION`."""
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    with np.load(run_dir / "heldout.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    texts = [str(t) for t in arrays["texts"]]
    arrays["logits"] = onnx_logits(run_dir, texts, run["tasks"], int(run["config"]["max_tokens"]))
    np.savez_compressed(run_dir / "heldout.npz", **arrays)
    run["logits_version"] = LOGITS_VERSION
    (run_dir / "run.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")


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
    config = FinetuneConfig(max_seconds=seconds)
    if reusable(run_dir, fingerprint, asdict(config)):
        log(f"reusing the fine-tuned encoder in {run_dir} (same data and settings)")
        if logits_version(run_dir) != LOGITS_VERSION:
            log("scoring its held-out texts again: logits are read differently since it ran")
            rescore_heldout(run_dir)
        return run_dir
    try:
        from netiquette.training.semantic.finetune import finetune
    except ImportError as exc:  # torch is a training extra
        raise TrainingExtraMissing(
            "fine-tuning the encoder needs the training extra: "
            "pip install -e '.[train]' (or pass --no-semantic)"
        ) from exc
    log(f"fine-tuning the encoder into {run_dir} (budget {seconds:.0f} s)")
    finetune(data_dir, run_dir, config, log=log, pool=pool)
    return run_dir


__all__ = [
    "DEFAULT_RUN_DIR",
    "DEFAULT_SECONDS",
    "FinetuneConfig",
    "TrainingExtraMissing",
    "ensure_run",
    "logits_version",
    "onnx_logits",
    "pool_fingerprint",
    "rescore_heldout",
    "reusable",
]
