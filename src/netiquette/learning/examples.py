"""Every human verdict becomes a labelled example of its site, in the verdict's transaction.

Why in the transaction and not from the ``decision_committed`` hook: the hook runs after
commit and a process that dies in between loses the call, so an example could be missing for a
committed decision. :func:`learn_from_event` is called by
:func:`netiquette.review.events.record_decision_event` right after it writes the outbox row,
in the same session: the example exists exactly when the decision does, and a rollback takes
both away.

What counts as a label (the site's line, drawn by its people):

- a moderator's approve or reject (API, workspace, bulk) → source ``moderator``;
- a reversal or undo → source ``reversal``; it replaces the comment's earlier label, and an
  undo (the comment is pending again) removes it until the next decision;
- a spot-check verdict: "wrong" reverses the automatic decision, "correct" confirms it →
  source ``spot_check``;
- an appeal outcome (upheld: reject; reversed: approve) → source ``appeal``;
- ``comments:suggestscore`` feedback → source ``suggestscore``;
- imported history (:mod:`netiquette.learning.history`) → source ``import``.

Automatic decisions are never labels: a model must not learn from its own output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from netiquette.store.models import (
    Comment,
    Decision,
    DecisionEvent,
    FeedbackExample,
    SiteExample,
    utcnow,
)

#: The site of live decisions when the installation names none (setting ``site``).
LIVE_SITE = "default"
_live_site = LIVE_SITE


def set_live_site(site: str) -> None:
    """Name the site this process's live decisions label (the ``site`` setting; set when the
    app context is built). One installation serves one site, as its audit chain does: its
    moderators' decisions are examples of the site whose promoted model screens for it."""
    global _live_site
    _live_site = site


def live_site() -> str:
    """The site live decisions label (see :func:`set_live_site`)."""
    return _live_site


LABELS = ("approve", "reject")
SOURCES = ("moderator", "spot_check", "appeal", "reversal", "suggestscore", "import")
#: A suggestscore attribute at or above this value reads as "the client would reject it".
FEEDBACK_REJECT_AT = 0.5
_LABEL_OF_STATE = {"approved": "approve", "rejected": "reject"}


def text_digest(text: str) -> str:
    """The sha256 of a text, as the comments table keeps it (erasure matches on it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upsert_example(
    session: Session,
    *,
    site: str,
    example_id: str,
    text: str,
    label: str,
    rules: Sequence[str],
    source: str,
    decided_at: datetime,
    comment_id: str | None = None,
    article_id: str | None = None,
    article_title: str | None = None,
    article_text: str | None = None,
    actor: str | None = None,
    decision_event_id: int | None = None,
    row: SiteExample | None = None,
    look_up: bool = True,
    flush: bool = True,
) -> SiteExample:
    """Write the example ``(site, example_id)``, replacing its earlier label if it has one.

    Bulk imports look rows up in batches: they pass the stored ``row`` (or None with
    ``look_up=False`` for a new one) and ``flush=False``, and flush themselves.
    """
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown example source {source!r}")
    if row is None and look_up:
        row = find_example(session, site, example_id)
    now = utcnow()
    if row is None:
        row = SiteExample(site=site, example_id=example_id, created_at=now)
        session.add(row)
    row.comment_id = comment_id
    row.text = text
    row.text_sha256 = text_digest(text)
    row.article_id = article_id
    row.article_title = article_title
    row.article_text = article_text
    row.label = label
    row.rules = list(rules)
    row.source = source
    row.actor = actor
    row.decision_event_id = decision_event_id
    row.decided_at = decided_at
    row.updated_at = now
    if flush:
        session.flush()
    return row


def find_example(session: Session, site: str, example_id: str) -> SiteExample | None:
    """The example ``example_id`` of ``site``, if there is one."""
    return session.scalar(
        select(SiteExample).where(SiteExample.site == site, SiteExample.example_id == example_id)
    )


def _source_of(event: DecisionEvent) -> str:
    if event.source in ("spot_check", "appeal"):
        return event.source
    if event.event in ("reversed", "undone"):
        return "reversal"
    return "moderator"


def _rules_for(comment: Comment, event: DecisionEvent, label: str) -> list[str]:
    """The cited rules: the event's, or for an upheld appeal those of the last rejection."""
    if label != "reject":
        return []
    if event.rules:
        return list(event.rules)
    for decision in reversed(comment.decisions):
        if decision.action == "reject":
            return list(decision.rules)
    return []


def learn_from_event(session: Session, event: DecisionEvent, comment: Comment) -> None:
    """Label ``comment`` after a decision event (called in the decision's transaction)."""
    if event.automated:
        return
    label = _LABEL_OF_STATE.get(comment.state)
    if label is None or comment.text_removed_at is not None:
        # Undone (pending again) or a text that is gone: no label stands for this comment.
        session.execute(
            delete(SiteExample).where(
                SiteExample.site == live_site(), SiteExample.example_id == comment.id
            )
        )
        return
    upsert_example(
        session,
        site=live_site(),
        example_id=comment.id,
        comment_id=comment.id,
        text=comment.text,
        label=label,
        rules=_rules_for(comment, event, label),
        source=_source_of(event),
        decided_at=event.created_at,
        article_id=comment.article_id,
        article_title=comment.article.title if comment.article is not None else None,
        actor=event.actor,
        decision_event_id=event.id,
    )


def learn_from_spot_check(
    session: Session, comment: Comment, decision: Decision, moderator: str
) -> None:
    """A "correct" spot-check verdict: a person confirmed the automatic decision."""
    if comment.text_removed_at is not None or decision.action not in LABELS:
        return
    upsert_example(
        session,
        site=live_site(),
        example_id=comment.id,
        comment_id=comment.id,
        text=comment.text,
        label=decision.action,
        rules=list(decision.rules) if decision.action == "reject" else [],
        source="spot_check",
        decided_at=utcnow(),
        article_id=comment.article_id,
        article_title=comment.article.title if comment.article is not None else None,
        actor=moderator,
    )


def learn_from_feedback(session: Session, row: FeedbackExample) -> SiteExample | None:
    """A ``comments:suggestscore`` call: reject when any attribute reads ≥ 0.5, else approve.

    Feedback that names no attribute this site reads carries no label and leaves no example.
    """
    labels = row.rule_labels or {}
    if not labels:
        return None
    cited = sorted(k for k, v in labels.items() if k != "reject" and v >= FEEDBACK_REJECT_AT)
    reject = bool(cited) or labels.get("reject", 0.0) >= FEEDBACK_REJECT_AT
    return upsert_example(
        session,
        site=live_site(),
        example_id=f"suggestscore:{row.id}",
        comment_id=row.external_comment_id,
        text=row.text,
        label="reject" if reject else "approve",
        rules=cited,
        source="suggestscore",
        decided_at=row.created_at or utcnow(),
        actor=row.submitter,
    )


def forget(session: Session, *, comment_ids: Collection[str], hashes: Collection[str]) -> int:
    """Delete every example of these comments or with exactly these texts; how many went.

    Matching is on comment ids (live examples, and imported ones whose id is the CMS id) and
    on exact text digests (imports and feedback), never on substrings.
    """
    if not comment_ids and not hashes:
        return 0
    ids = sorted(comment_ids)
    condition = (
        SiteExample.comment_id.in_(ids)
        | SiteExample.example_id.in_(ids)
        | SiteExample.text_sha256.in_(sorted(hashes))
    )
    doomed = list(session.scalars(select(SiteExample.id).where(condition)))
    if doomed:
        session.execute(delete(SiteExample).where(SiteExample.id.in_(doomed)))
    return len(doomed)


def forget_rejected_before(session: Session, cutoff: datetime) -> int:
    """Retention: delete rejected examples decided before ``cutoff`` that no comment row holds.

    Examples of live comments go with their comment's text (:func:`forget` on the ids the
    retention run scrubbed, which respects open appeals); imported and feedback rejections
    have no comment row, so their decision date alone decides.
    """
    doomed = list(
        session.scalars(
            select(SiteExample.id).where(
                SiteExample.label == "reject",
                SiteExample.decided_at < cutoff,
                SiteExample.comment_id.is_(None)
                | SiteExample.comment_id.not_in(select(Comment.id)),
            )
        )
    )
    if doomed:
        session.execute(delete(SiteExample).where(SiteExample.id.in_(doomed)))
    return len(doomed)
