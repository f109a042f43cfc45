"""The promotion guard: a candidate against the live model on the same held-back examples.

The examples are the site's own, decided from the candidate's ``split_at`` on (time-ordered:
the candidate never trained on them). Both models answer "reject or not" for each; the
figures compared are the reject F1 overall and, per house rule the site's people cited at
least :data:`MIN_RULE_SUPPORT` times there, the share of those rejections the model also
rejects (figure ``rule <name>``; ``n`` = the rejections citing it). A candidate below the
live model by more than the margin on any of them is refused.

The live model is the promoted site model, or the shipped screening when none is promoted
(its answer is the batch contract's ``reject``: any house rule flags). A live site model
trained after the candidate may have seen some of these examples; that favours the live
model, so the guard errs on the side of keeping it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from netiquette.learning.artifact import SiteModel
from netiquette.learning.features import ScoredText
from netiquette.learning.train_site import Example

MIN_RULE_SUPPORT = 5
#: A scorer answers "reject?" for each text, in order.
Scorer = Callable[[Sequence[str]], list[bool]]


@dataclass(frozen=True, slots=True)
class Figure:
    """One compared figure: the candidate's, the live model's, how many examples it rests on."""

    name: str
    candidate: float
    live: float
    support: int


@dataclass
class Comparison:
    """The candidate against the live model on the held-back examples."""

    candidate: str
    live: str
    examples: int
    margin: float
    figures: list[Figure] = field(default_factory=list)

    @property
    def worse(self) -> list[Figure]:
        """The figures on which the candidate falls short by more than the margin."""
        return [f for f in self.figures if f.candidate < f.live - self.margin - 1e-9]

    def refusal(self) -> str | None:
        """One readable line naming every worse figure, or None when the guard passes."""
        if not self.worse:
            return None
        figures = "; ".join(
            f"{f.name} {f.candidate:.3f} against {f.live:.3f} (n={f.support})" for f in self.worse
        )
        return (
            f"candidate {self.candidate} is worse than the live model {self.live} by more than "
            f"{self.margin:g} on {figures}"
        )

    def as_dict(self) -> dict[str, object]:
        """For the audit event and ``models list``."""
        return {
            "examples": self.examples,
            "margin": self.margin,
            "figures": {
                f.name: {
                    "candidate": round(f.candidate, 4),
                    "live": round(f.live, 4),
                    "n": f.support,
                }
                for f in self.figures
            },
        }


def held_back(examples: Sequence[Example], split_at: str) -> list[Example]:
    """The examples decided from ``split_at`` (ISO time) on."""
    cut = datetime.fromisoformat(split_at)
    return [e for e in examples if e.decided_at >= cut]


def f1(truth: Sequence[int], predicted: Sequence[bool]) -> float:
    """F1 of the reject class."""
    tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t and p)
    fp = sum(1 for t, p in zip(truth, predicted, strict=True) if not t and p)
    fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def pipeline_scorer(pipeline: Any) -> Scorer:
    """The shipped screening's answer: any house rule flags the text (the comparison a site
    model is promoted against while none is live)."""
    from netiquette.screening import ScreeningInput

    def score(texts: Sequence[str]) -> list[bool]:
        known = [
            t.flagged if isinstance(t, ScoredText) and t.source == id(pipeline) else None
            for t in texts
        ]
        if all(k is not None for k in known):  # this pipeline screened them (the guard's pass)
            return [bool(k) for k in known]
        results = pipeline.screen_batch([ScreeningInput(text=t) for t in texts])
        return [any(r.flags.values()) for r in results]

    return score


def site_model_scorer(model: SiteModel) -> Scorer:
    """A site model's answer: its reject probability at or above its ``reject_at``."""

    def score(texts: Sequence[str]) -> list[bool]:
        return [p >= model.reject_at for p in model.reject_probabilities(texts)]

    return score


def compare(
    examples: Sequence[Example],
    candidate: tuple[str, Scorer],
    live: tuple[str, Scorer],
    *,
    margin: float,
    prepared: Sequence[str] | None = None,
) -> Comparison:
    """Score both models on ``examples`` and line the figures up.

    ``prepared``: the examples' texts already screened (:class:`ScoredText`, in order), so
    that neither model screens them again.
    """
    texts: Sequence[str] = [e.text for e in examples] if prepared is None else prepared
    truth = [e.reject for e in examples]
    mine, theirs = candidate[1](texts), live[1](texts)
    out = Comparison(candidate[0], live[0], len(examples), margin)
    out.figures.append(Figure("reject F1", f1(truth, mine), f1(truth, theirs), len(examples)))
    for rule in sorted({r for e in examples for r in e.rules}):
        idx = [i for i, e in enumerate(examples) if e.reject and rule in e.rules]
        if len(idx) < MIN_RULE_SUPPORT:
            continue
        out.figures.append(
            Figure(
                f"rule {rule}",
                sum(mine[i] for i in idx) / len(idx),
                sum(theirs[i] for i in idx) / len(idx),
                len(idx),
            )
        )
    return out
