"""multilingual-e5-small as a small PyTorch module (XLM-R/BERT encoder, post-layer-norm).

Built from :class:`~netiquette.training.semantic.weights.E5Checkpoint`, optionally keeping only
the first ``keep_layers`` layers and the embedding rows of a pruned vocabulary. Multi-task heads
read the mean of the last hidden states (the e5 sentence embedding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from netiquette.training.semantic.weights import E5Checkpoint


class Layer(nn.Module):
    """One encoder layer: self-attention, add & norm, GELU feed-forward, add & norm."""

    def __init__(self, hidden: int, heads: int, ffn: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.ao = nn.Linear(hidden, hidden)
        self.aln = nn.LayerNorm(hidden, eps=eps)
        self.fi = nn.Linear(hidden, ffn)
        self.fo = nn.Linear(ffn, hidden)
        self.oln = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        hd = h // self.heads

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, hd).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + bias
        ctx = torch.matmul(torch.softmax(att, dim=-1), v).transpose(1, 2).reshape(b, t, h)
        x = self.aln(x + self.ao(ctx))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


class E5Encoder(nn.Module):
    """Embeddings + encoder layers + mean pooling + one logit per task."""

    def __init__(
        self,
        vocab: int,
        hidden: int,
        layers: int,
        heads: int,
        ffn: int,
        positions: int,
        eps: float,
        tasks: Sequence[str],
    ) -> None:
        super().__init__()
        self.tasks = list(tasks)
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(positions, hidden)
        self.type_emb = nn.Parameter(torch.zeros(hidden))
        self.eln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(Layer(hidden, heads, ffn, eps) for _ in range(layers))
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, len(self.tasks))

    def embed(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean-pooled last hidden states (the e5 sentence embedding, not normalised)."""
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.eln(self.word(ids) + self.pos(positions)[None] + self.type_emb)
        maskf = mask.to(x.dtype)
        bias = (1.0 - maskf)[:, None, None, :] * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        return (x * maskf[..., None]).sum(1) / maskf.sum(1, keepdim=True)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits ``[batch, tasks]``."""
        return self.head(self.dropout(self.embed(ids, mask)))


def build_encoder(
    ck: E5Checkpoint, keep_ids: np.ndarray, keep_layers: int, tasks: Sequence[str]
) -> E5Encoder:
    """An :class:`E5Encoder` with the checkpoint's weights: rows ``keep_ids`` of the word
    embedding (in that order) and the first ``keep_layers`` layers."""
    h = ck.hidden
    model = E5Encoder(len(keep_ids), h, keep_layers, ck.heads, ck.ffn, ck.positions, ck.eps, tasks)

    def t(name: str, shape: tuple[int, ...]) -> torch.Tensor:
        return torch.from_numpy(ck.tensor(name).reshape(shape))

    with torch.no_grad():
        model.word.weight.copy_(
            torch.from_numpy(ck.tensor("emb.word", rows=keep_ids.astype(np.int64)).reshape(-1, h))
        )
        model.pos.weight.copy_(t("emb.pos", (ck.positions, h)))
        model.type_emb.copy_(t("emb.type", (2, h))[0])
        model.eln.weight.copy_(t("emb.ln.w", (h,)))
        model.eln.bias.copy_(t("emb.ln.b", (h,)))
        for i, layer in enumerate(model.layers):
            for part, out_dim, in_dim in (
                ("q", h, h),
                ("k", h, h),
                ("v", h, h),
                ("ao", h, h),
                ("fi", ck.ffn, h),
                ("fo", h, ck.ffn),
            ):
                lin = getattr(layer, part)
                lin.weight.copy_(t(f"l{i}.{part}.w", (out_dim, in_dim)))
                lin.bias.copy_(t(f"l{i}.{part}.b", (out_dim,)))
            for ln in ("aln", "oln"):
                getattr(layer, ln).weight.copy_(t(f"l{i}.{ln}.w", (h,)))
                getattr(layer, ln).bias.copy_(t(f"l{i}.{ln}.b", (h,)))
    return model


__all__ = ["E5Encoder", "Layer", "build_encoder"]
