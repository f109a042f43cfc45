"""How a site model's reject probability and the shipped house rules make one decision.

The shipped rules always run: their scores, flags and evidence spans are stored and shown to
moderators as before. The site model (trained on this site's own verdicts) then decides where
its calibrated thresholds (``meta.json`` ``thresholds``) are confident:

- ``p >= reject_above``: reject, citing the rules this site's moderators cited for the most
  similar comments they rejected (:class:`RuleAttribution`), else the shipped rules that
  flagged; with no rule to cite, or ``auto_reject`` off, a human decides (priority "would
  reject"). A statement of reasons always names a rule.
- ``p < approve_below``: approve (``auto_approve`` on), unless a shipped rule in
  :data:`NEVER_OVERRIDDEN` flagged: a threat is never waved through by a site model; a human
  decides.
- otherwise, or where a threshold is null or absent: the human queue, with the shipped
  screening's priority and flagged rules. A model without calibrated thresholds decides nothing
  alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from netiquette.learning.artifact import SiteModel
from netiquette.screening.base import PolicyDecision, ScreeningResult
from netiquette.screening.harm import THREAT_RULE, WOULD_REJECT

POLICY_VERSION = "site-model-v1"
#: Shipped rules whose flag a site model's approval never overrides.
NEVER_OVERRIDDEN = (THREAT_RULE,)
#: Neighbours that vote on the rule to cite, and the fewest rejected examples worth asking.
NEIGHBOURS = 5
MAX_REFERENCE = 5000


@dataclass(frozen=True, slots=True)
class ModelScore:
    """What one model said about one comment (stored per comment for the shadow comparison)."""

    model_version: str
    role: str  # live or shadow
    reject_probability: float | None
    reject: bool


@dataclass(frozen=True, slots=True)
class SiteScreeningResult(ScreeningResult):
    """A screening result with the site models' scores beside the shipped rules' results."""

    model_scores: tuple[ModelScore, ...] = ()
    reject_probability: float | None = None
    site: str = ""


class RuleAttribution:
    """The rules a site's moderators cited for the rejected comments most like a new one."""

    def __init__(self, rejected: Sequence[tuple[str, Sequence[str]]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.rules = [list(r) for _, r in rejected[-MAX_REFERENCE:]]
        texts = [t for t, _ in rejected[-MAX_REFERENCE:]]
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(texts) if texts else None

    def cite(self, text: str) -> list[str]:
        """The rule with most similarity-weighted votes among the nearest neighbours, or []."""
        if self.matrix is None:
            return []
        similarity = (self.matrix @ self.vectorizer.transform([text]).T).toarray().ravel()
        votes: dict[str, float] = {}
        for i in similarity.argsort()[::-1][:NEIGHBOURS]:
            if similarity[i] <= 0:
                break
            for rule in self.rules[i]:
                votes[rule] = votes.get(rule, 0.0) + float(similarity[i])
        if not votes:
            return []
        return [max(sorted(votes), key=lambda r: votes[r])]


def decide_with_site_model(
    result: ScreeningResult,
    p: float,
    model: SiteModel,
    cite: Callable[[], list[str]],
    *,
    auto_approve: bool,
    auto_reject: bool,
) -> PolicyDecision:
    """The decision for one comment (see the module doc)."""
    t = model.thresholds
    shipped = result.decision
    flagged = tuple(rule for rule, flag in result.flags.items() if flag)
    why = f"site model {model.version}: p(reject) {p:.2f}"
    if t.reject_above is not None and p >= t.reject_above:
        rules = cite() or list(flagged)
        priority = max(shipped.priority, WOULD_REJECT)
        if not rules:
            return _decision("review", priority, (), f"{why}; no rule to cite: a human decides")
        if not auto_reject:
            return _decision("review", priority, tuple(rules), f"{why}; auto-reject is off")
        return _decision("reject", priority, tuple(rules), f"{why} >= {t.reject_above:.2f}")
    if t.approve_below is not None and p < t.approve_below:
        threats = [r for r in flagged if r in NEVER_OVERRIDDEN]
        if threats:
            reason = f"{why}; flagged {', '.join(threats)}: a human decides"
            return _decision("review", shipped.priority, tuple(threats), reason)
        if not auto_approve:
            return _decision("review", shipped.priority, (), f"{why}; auto-approve is off")
        return _decision("approve", 0, (), f"{why} < {t.approve_below:.2f}")
    return _decision("review", shipped.priority, shipped.rules, f"{why}: in doubt")


def _decision(outcome: str, priority: int, rules: tuple[str, ...], reason: str) -> PolicyDecision:
    return PolicyDecision(
        outcome=outcome,  # type: ignore[arg-type]
        priority=max(0, min(100, priority)),
        rules=rules,
        policy_version=POLICY_VERSION,
        reason=reason,
    )
