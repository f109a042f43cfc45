"""Evidence highlighting: split a comment into plain and marked segments by the spans' offsets.

The template escapes every segment; no markup is ever built from comment text here. Spans may
overlap (two rules citing the same words): the text is cut at every span boundary and each
segment lists all the rules whose spans cover it. Spans whose offsets do not fit the text are
ignored rather than trusted.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the comment and the house rules whose evidence covers it (maybe none)."""

    text: str
    rules: tuple[str, ...] = ()


def evidence_spans(screening: Mapping[str, Mapping[str, Any]]) -> list[tuple[int, int, str]]:
    """(start, end, rule) of every evidence span in a screening result."""
    out: list[tuple[int, int, str]] = []
    for rule, result in screening.items():
        for span in result.get("evidence") or []:
            try:
                out.append((int(span["start"]), int(span["end"]), str(span.get("rule") or rule)))
            except (KeyError, TypeError, ValueError):
                continue
    return out


def segments(
    text: str, spans: Iterable[tuple[int, int, str]], rule_order: Sequence[str] = ()
) -> list[Segment]:
    """Cut ``text`` at span boundaries; each piece carries the rules covering it.

    Rules covering the same piece are listed in ``rule_order`` (the site's), others after.
    """
    valid = [(s, e, r) for s, e, r in spans if 0 <= s < e <= len(text)]
    if not valid:
        return [Segment(text)] if text else []
    cuts = sorted({0, len(text), *(s for s, _, _ in valid), *(e for _, e, _ in valid)})
    order = {rule: i for i, rule in enumerate(rule_order)}
    out: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        covering = {r for s, e, r in valid if s <= start and end <= e}
        rules = tuple(sorted(covering, key=lambda r: (order.get(r, 99), r)))
        if out and out[-1].rules == rules:
            out[-1] = Segment(out[-1].text + text[start:end], rules)
        else:
            out.append(Segment(text[start:end], rules))
    return out
