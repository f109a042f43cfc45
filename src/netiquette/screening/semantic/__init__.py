"""The semantic text encoder: multilingual-e5-small, pruned, fine-tuned, served as int8 ONNX.

``tokenizer`` reproduces the model's SentencePiece Unigram tokenisation in plain Python;
``encoder`` runs the exported ONNX graph (no PyTorch at serving time). Training code that needs
torch lives in :mod:`netiquette.training.semantic`.
"""
