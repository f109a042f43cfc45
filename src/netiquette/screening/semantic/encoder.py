"""Serve the fine-tuned e5 encoder: tokenise, batch by length, run the int8 ONNX graph.

``SemanticModel.logits(texts)`` returns one logit per task (``tasks`` from ``meta.json``).
The encoder is fine-tuned on ``max_tokens`` (64) tokens but reads up to :data:`READ_TOKENS`
(128) at once: a comment of that length is one window. A longer comment is read in overlapping
windows of that length (stride :data:`WINDOW_STRIDE`, at most :data:`MAX_WINDOWS` spread over
the whole comment, first and last always among them), and its logit is the mean of the first
window's and the largest window's: a threat in the last sentence of a long comment counts, and
the opening, which usually says what the comment is about, keeps its weight.

How logits are read is versioned (:data:`READINGS`); a model is read the way its thresholds
were chosen (``logits_version`` in its ``meta.json``). Version 2 read windows of 64 tokens
(stride 48). Version 3 (one window up to 128 tokens) raised e5's ROC-AUC on the shipped
encoder's 1,037 held-out texts longer than 64 tokens (reject 0.848 → 0.857, insult 0.872 →
0.876, aggression 0.868 → 0.888) and reads about a quarter fewer tokens there (docs/models.md).
Windows run one at a time: the int8 graph quantises activations per run, so in a batch one
comment's score would depend (in the third decimal) on its neighbours and padding. No PyTorch:
only ``onnxruntime`` and the plain-Python tokenizer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from netiquette.errors import ModelError
from netiquette.screening.semantic.tokenizer import UnigramTokenizer

ONNX_FILE = "e5.onnx"
VOCAB_FILE = "e5_vocab.json"
#: Version of how logits are read from the graph (1: the first window only; 2: windows of the
#: training length; 3: windows of :data:`READ_TOKENS`). A fine-tuning run records it; held-out
#: logits of another version are scored again.
LOGITS_VERSION = 3
PREFIX = "query: "
#: Tokens one window reads (version 3), ``<s>`` and ``</s>`` included.
READ_TOKENS = 128
#: Tokens between the starts of two windows (version 3).
WINDOW_STRIDE = 96
MAX_WINDOWS = 8


@dataclass(frozen=True)
class Reading:
    """How one version of :data:`LOGITS_VERSION` reads a comment: window length (``None``: the
    training length), stride, and windows at most."""

    window: int | None
    stride: int
    max_windows: int


READINGS: dict[int, Reading] = {
    1: Reading(None, 48, 1),
    2: Reading(None, 48, MAX_WINDOWS),
    3: Reading(READ_TOKENS, WINDOW_STRIDE, MAX_WINDOWS),
}
#: Tokens read from a comment at most (a 10,000-character comment has about 3,000).
MAX_IDS = 4_000


@dataclass
class SemanticModel:
    """Tokenizer + ONNX session; ``tasks`` name the logit columns."""

    tokenizer: UnigramTokenizer
    session: object  # onnxruntime.InferenceSession
    tasks: tuple[str, ...]
    max_tokens: int
    load_seconds: float = 0.0
    #: How logits are read (a key of :data:`READINGS`): the version the model was calibrated on.
    logits_version: int = LOGITS_VERSION
    #: The ids of the "query:" prefix every window starts with (tokenised once).
    prefix: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.prefix = self.tokenizer.content_ids(PREFIX.rstrip())

    @property
    def window_tokens(self) -> int:
        """Tokens one window reads, ``<s>`` and ``</s>`` included."""
        return READINGS[self.logits_version].window or self.max_tokens

    def windows(self, text: str) -> list[list[int]]:
        """The id sequences the graph reads for ``text``: one, or overlapping windows."""
        tok, prefix, reading = self.tokenizer, self.prefix, READINGS[self.logits_version]
        length = self.window_tokens
        span = length - 2 - len(prefix)
        ids = tok.content_ids(PREFIX + text, MAX_IDS)
        body = ids[len(prefix) :]
        if ids[: len(prefix)] != prefix or len(body) <= span or reading.max_windows == 1:
            return [[tok.bos, *ids[: length - 2], tok.eos]]
        last = len(body) - span
        stride = reading.stride
        starts = sorted({min(s, last) for s in range(0, last + stride, stride)})
        if len(starts) > reading.max_windows:
            picks = np.linspace(0, len(starts) - 1, reading.max_windows).round().astype(int)
            starts = [starts[i] for i in sorted(set(picks.tolist()))]
        return [[tok.bos, *prefix, *body[s : s + span], tok.eos] for s in starts]

    def logits(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """``[len(texts), len(tasks)]`` logits, in input order."""
        out = np.zeros((len(texts), len(self.tasks)), dtype=np.float32)
        run = self.session.run  # type: ignore[attr-defined]
        for i, text in enumerate(texts):
            per_window = []
            for seq in self.windows(text):
                ids = np.asarray([seq], dtype=np.int64)
                mask = np.ones_like(ids)
                per_window.append(run(["logits"], {"ids": ids, "mask": mask})[0][0])
            first = per_window[0]
            out[i] = first if len(per_window) == 1 else (first + np.max(per_window, axis=0)) / 2
        return out


def load_semantic(
    model_dir: Path,
    tasks: Sequence[str],
    max_tokens: int,
    threads: int = 1,
    logits_version: int = LOGITS_VERSION,
) -> SemanticModel:
    """Load ``e5.onnx`` and ``e5_vocab.json`` from ``model_dir`` (:class:`ModelError` if broken
    or read in a way this release does not know)."""
    import onnxruntime as ort  # type: ignore[import-untyped]

    if logits_version not in READINGS:
        raise ModelError(
            f"the semantic model in {model_dir} was calibrated on logits read as version "
            f"{logits_version}; this release reads versions {sorted(READINGS)}: "
            "run `netiquette train` again",
            code="model_format",
        )

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
        tokenizer,
        session,
        tuple(tasks),
        max_tokens,
        load_seconds=time.perf_counter() - started,
        logits_version=logits_version,
    )


__all__ = [
    "LOGITS_VERSION",
    "MAX_WINDOWS",
    "ONNX_FILE",
    "READINGS",
    "READ_TOKENS",
    "VOCAB_FILE",
    "WINDOW_STRIDE",
    "Reading",
    "SemanticModel",
    "load_semantic",
]
