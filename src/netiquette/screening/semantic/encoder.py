"""Serve the fine-tuned e5 encoder: tokenise, batch by length, run the int8 ONNX graph.

``SemanticModel.logits(texts)`` returns one logit per task (``tasks`` from ``meta.json``).
Texts are cut to ``max_tokens`` (the training length) and run one at a time (see
:attr:`SemanticModel.batch_size`), so a comment's score never depends on its batch. No
PyTorch: only ``onnxruntime`` and the plain-Python tokenizer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from netiquette.errors import ModelError
from netiquette.screening.semantic.tokenizer import UnigramTokenizer

ONNX_FILE = "e5.onnx"
VOCAB_FILE = "e5_vocab.json"


@dataclass
class SemanticModel:
    """Tokenizer + ONNX session; ``tasks`` name the logit columns."""

    tokenizer: UnigramTokenizer
    session: object  # onnxruntime.InferenceSession
    tasks: tuple[str, ...]
    max_tokens: int
    #: One comment per run: the int8 graph quantises activations per run, so in a batch one
    #: comment's score would depend (in the third decimal) on its neighbours and padding.
    batch_size: int = 1
    load_seconds: float = 0.0

    def logits(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """``[len(texts), len(tasks)]`` logits, in input order."""
        out = np.zeros((len(texts), len(self.tasks)), dtype=np.float32)
        if not texts:
            return out
        seqs = self.tokenizer.encode_batch(texts, self.max_tokens)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        run = self.session.run  # type: ignore[attr-defined]
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            width = max(len(seqs[i]) for i in idx)
            ids = np.full((len(idx), width), self.tokenizer.pad, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : len(seqs[i])] = seqs[i]
                mask[row, : len(seqs[i])] = 1
            out[idx] = run(["logits"], {"ids": ids, "mask": mask})[0]
        return out


def load_semantic(
    model_dir: Path, tasks: Sequence[str], max_tokens: int, threads: int = 1
) -> SemanticModel:
    """Load ``e5.onnx`` and ``e5_vocab.json`` from ``model_dir`` (:class:`ModelError` if broken)."""
    import onnxruntime as ort  # type: ignore[import-untyped]

    started = time.perf_counter()
    onnx_path, vocab_path = model_dir / ONNX_FILE, model_dir / VOCAB_FILE
    if not onnx_path.is_file() or not vocab_path.is_file():
        raise ModelError(f"semantic model files missing in {model_dir}", code="model_file_missing")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    try:
        session = ort.InferenceSession(
            str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        tokenizer = UnigramTokenizer.load(vocab_path)
    except Exception as exc:  # onnxruntime raises its own types for broken graphs
        raise ModelError(
            f"broken semantic model in {model_dir}: {exc}", code="model_broken"
        ) from exc
    return SemanticModel(
        tokenizer, session, tuple(tasks), max_tokens, load_seconds=time.perf_counter() - started
    )


__all__ = ["ONNX_FILE", "VOCAB_FILE", "SemanticModel", "load_semantic"]
