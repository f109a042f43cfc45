"""How well each model agrees with the moderators' later decisions (the shadow comparison).

Every comment screened while a site model was live or in the shadow has one
``site_model_scores`` row per model (the shipped one counts as ``shipped``). When a person
later decides the comment, its label is the site's example (:mod:`.examples`, site
``default``). Joining both gives, per model: the share of decided comments where its
"reject?" matched the people's, the share of approvals it would have approved, and per house
rule the share of the rejections citing that rule it would have rejected — each with a 95 %
Wilson interval. Only comments people decided count: automatic decisions are no labels, so
these figures describe the comments that reached a person (or a spot check).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.evaluation.intervals import wilson
from netiquette.learning.examples import live_site
from netiquette.store.models import SiteExample, SiteModelScore


@dataclass(frozen=True, slots=True)
class Share:
    """``agreed`` of ``n``, with its 95 % Wilson interval."""

    name: str
    agreed: int
    n: int

    @property
    def value(self) -> float | None:
        """The share (None without examples)."""
        return self.agreed / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        """95 % Wilson interval."""
        return wilson(self.agreed, self.n)


@dataclass
class ModelAgreement:
    """One model's agreement with the moderators."""

    version: str
    roles: list[str] = field(default_factory=list)
    scored: int = 0
    overall: Share = Share("overall", 0, 0)
    approvals: Share = Share("approvals", 0, 0)
    rules: list[Share] = field(default_factory=list)


def agreement(session: Session, site: str) -> list[ModelAgreement]:
    """Per model that scored the site's comments: its agreement, newest model first."""
    scored: dict[str, int] = {}
    roles: dict[str, set[str]] = {}
    newest: dict[str, int] = {}
    for version, role, row_id in session.execute(
        select(SiteModelScore.model_version, SiteModelScore.role, SiteModelScore.id).where(
            SiteModelScore.site == site
        )
    ):
        scored[version] = scored.get(version, 0) + 1
        roles.setdefault(version, set()).add(role)
        newest[version] = max(newest.get(version, 0), row_id)
    rows = session.execute(
        select(
            SiteModelScore.model_version,
            SiteModelScore.reject,
            SiteExample.label,
            SiteExample.rules,
        )
        .join(SiteExample, SiteExample.comment_id == SiteModelScore.comment_id)
        .where(SiteModelScore.site == site, SiteExample.site == live_site())
    ).all()
    tallies: dict[str, dict[str, list[int]]] = {}
    for version, reject, label, rules in rows:
        t = tallies.setdefault(version, {})
        truth = label == "reject"
        _count(t, "overall", bool(reject) == truth)
        if not truth:
            _count(t, "approvals", not reject)
        for rule in rules if truth else ():
            _count(t, f"rule:{rule}", bool(reject))
    out = []
    for version in sorted(scored, key=lambda v: -newest[v]):
        t = tallies.get(version, {})
        out.append(
            ModelAgreement(
                version=version,
                roles=sorted(roles[version]),
                scored=scored[version],
                overall=Share("overall", *t.get("overall", [0, 0])),
                approvals=Share("approvals", *t.get("approvals", [0, 0])),
                rules=[
                    Share(key.removeprefix("rule:"), *value)
                    for key, value in sorted(t.items())
                    if key.startswith("rule:")
                ],
            )
        )
    return out


def _count(tally: dict[str, list[int]], key: str, agreed: bool) -> None:
    counts = tally.setdefault(key, [0, 0])
    counts[0] += int(agreed)
    counts[1] += 1
