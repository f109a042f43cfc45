"""The moderators' work list: filtered queues, their counts, and the next comment to take.

Queues (tabs of the workspace):

- ``pending``  comments awaiting a human by harm level (``screening.harm``: threats first,
  off-topic last; the level is the ``priority`` set at screening time), oldest first within one;
- ``reported`` comments readers reported that nobody has looked at since, those with a notice of
  illegal content (DSA Art. 16) first, then by harm level, then oldest first;
- ``decided``  comments people decided today (latest first), to review or undo.

Spot checks of automatic decisions have their own list in :mod:`netiquette.review.spotchecks`.
Every list takes the same :class:`QueueFilter` (article, house rule, age, keyword).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from netiquette.review.spotchecks import open_count
from netiquette.store.models import (
    Claim,
    Comment,
    Decision,
    Report,
    ReportNotice,
    Screening,
    utcnow,
)

TABS = ("pending", "reported", "decided")
AGES = (0, 1, 6, 24)  # "older than" choices in hours

_RULE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the moderator narrowed the list to. Unknown values are dropped, not errors."""

    tab: str = "pending"
    article: str = ""
    rule: str = ""
    older_than_h: int = 0
    q: str = ""

    @classmethod
    def parse(cls, params: dict[str, str]) -> QueueFilter:
        """Read a filter from query parameters."""
        tab = params.get("tab", "pending")
        rule = params.get("rule", "")
        try:
            age = int(params.get("age", "0") or 0)
        except ValueError:
            age = 0
        return cls(
            tab=tab if tab in TABS else "pending",
            article=params.get("article", "").strip()[:200],
            # Any well-formed rule key: one the site does not have simply matches nothing.
            rule=rule if _RULE_KEY.match(rule) else "",
            older_than_h=age if age in AGES else 0,
            q=params.get("q", "").strip()[:200],
        )

    def query_string(self, **changes: Any) -> str:
        """This filter (with ``changes``) as a query string, empty values left out."""
        values = {
            "tab": self.tab,
            "article": self.article,
            "rule": self.rule,
            "age": self.older_than_h or "",
            "q": self.q,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 0)})


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _start_of_today() -> datetime:
    return datetime.combine(utcnow().date(), time.min, tzinfo=UTC)


def _narrow(query: Any, f: QueueFilter) -> Any:
    if f.article:
        query = query.where(Comment.article_id == f.article)
    if f.rule:
        query = query.where(
            Comment.id.in_(
                select(Screening.comment_id).where(
                    Screening.rule == f.rule, Screening.flag.is_(True)
                )
            )
        )
    if f.older_than_h:
        query = query.where(Comment.received_at <= utcnow() - timedelta(hours=f.older_than_h))
    if f.q:
        pattern = _like(f.q)
        query = query.where(
            or_(
                Comment.text.ilike(pattern, escape="\\"),
                Comment.author_name.ilike(pattern, escape="\\"),
            )
        )
    return query


def _base(f: QueueFilter) -> Any:
    if f.tab == "reported":
        open_report = exists().where(Report.comment_id == Comment.id, Report.resolved_at.is_(None))
        return select(Comment).where(open_report)
    if f.tab == "decided":
        return select(Comment).where(
            Comment.decided_at >= _start_of_today(),
            exists().where(
                Decision.comment_id == Comment.id,
                Decision.automated.is_(False),
                Decision.created_at >= _start_of_today(),
            ),
        )
    return select(Comment).where(Comment.state == "pending")


def open_illegal_notice() -> Any:
    """SQL condition: the comment has an open reader's notice of illegal content."""
    return exists().where(
        Report.comment_id == Comment.id,
        Report.resolved_at.is_(None),
        ReportNotice.report_id == Report.id,
        ReportNotice.category == "illegal_content",
    )


def _ordered(query: Any, f: QueueFilter) -> Any:
    if f.tab == "decided":
        return query.order_by(Comment.decided_at.desc(), Comment.id)
    if f.tab == "reported":
        # Few rows (open reports only): sorting them in the database costs nothing.
        illegal_first = case((open_illegal_notice(), 0), else_=1)
        return query.order_by(
            illegal_first, Comment.priority.desc(), Comment.received_at, Comment.id
        )
    return query.order_by(Comment.priority.desc(), Comment.received_at, Comment.id)


def list_comments(session: Session, f: QueueFilter, limit: int, offset: int = 0) -> list[Comment]:
    """One page of the filtered list."""
    query = _ordered(_narrow(_base(f), f), f).offset(offset).limit(limit)
    return list(session.scalars(query))


def count_filtered(session: Session, f: QueueFilter) -> int:
    """How many comments the filtered list holds."""
    # count(*) is answered from the work-list index alone; count(id) would read every row.
    query = _narrow(_base(f).with_only_columns(func.count()), f)
    return int(session.scalar(query) or 0)


def counts(session: Session) -> dict[str, int]:
    """Counts per queue: pending, spot checks waiting, reported (of them illegal), decided today."""
    today = _start_of_today()
    illegal = select(func.count(func.distinct(Report.comment_id))).where(
        Report.resolved_at.is_(None),
        ReportNotice.report_id == Report.id,
        ReportNotice.category == "illegal_content",
    )
    return {
        "illegal": int(session.scalar(illegal) or 0),
        "pending": int(session.scalar(select(func.count()).where(Comment.state == "pending")) or 0),
        "spot": open_count(session),
        "reported": int(
            session.scalar(
                select(func.count(func.distinct(Report.comment_id))).where(
                    Report.resolved_at.is_(None)
                )
            )
            or 0
        ),
        "decided": int(
            session.scalar(
                select(func.count(Decision.id)).where(
                    Decision.automated.is_(False),
                    Decision.action != "undo",
                    Decision.created_at >= today,
                )
            )
            or 0
        ),
    }


def flags_of(session: Session, comment_ids: list[str]) -> dict[str, list[str]]:
    """The house rules that flagged each comment (latest screening), in screening order."""
    out: dict[str, dict[str, bool]] = {cid: {} for cid in comment_ids}
    if not comment_ids:
        return {}
    rows = session.execute(
        select(Screening.comment_id, Screening.rule, Screening.flag)
        .where(Screening.comment_id.in_(comment_ids))
        .order_by(Screening.id)
    )
    for comment_id, rule, flag in rows:
        out[comment_id][rule] = bool(flag)
    return {cid: [r for r, flag in flags.items() if flag] for cid, flags in out.items()}


def neighbour(
    session: Session, f: QueueFilter, current: Comment, moderator: str, *, forward: bool = True
) -> Comment | None:
    """The next (or previous) comment in the filtered pending list that nobody else holds."""
    p, r, i = current.priority, current.received_at, current.id
    if forward:
        after = or_(
            Comment.priority < p,
            and_(
                Comment.priority == p,
                or_(Comment.received_at > r, and_(Comment.received_at == r, Comment.id > i)),
            ),
        )
        order: tuple[Any, ...] = (Comment.priority.desc(), Comment.received_at, Comment.id)
    else:
        after = or_(
            Comment.priority > p,
            and_(
                Comment.priority == p,
                or_(Comment.received_at < r, and_(Comment.received_at == r, Comment.id < i)),
            ),
        )
        order = (Comment.priority, Comment.received_at.desc(), Comment.id.desc())
    query = _narrow(select(Comment).where(Comment.state == "pending", after), f)
    return session.scalars(_not_taken(query, moderator).order_by(*order).limit(1)).first()


def first_free(session: Session, f: QueueFilter, moderator: str) -> Comment | None:
    """The first comment of the filtered pending list that nobody else holds."""
    query = _narrow(select(Comment).where(Comment.state == "pending"), f)
    query = _not_taken(query, moderator).order_by(
        Comment.priority.desc(), Comment.received_at, Comment.id
    )
    return session.scalars(query.limit(1)).first()


def _not_taken(query: Any, moderator: str) -> Any:
    taken = exists().where(
        Claim.comment_id == Comment.id,
        Claim.expires_at > utcnow(),
        Claim.moderator != moderator,
    )
    return query.where(~taken)
