"""Claims: a moderator's short lease on a comment, so two people never decide it at once.

Opening a comment claims it for :data:`LEASE_SECONDS`; the open page renews the lease while it
stays open. Anyone else sees the comment as taken by its holder until the lease runs out or is
released. Taking a lease is one conditional ``UPDATE`` (or an ``INSERT`` that the primary key
lets only one writer win), so it is atomic on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from netiquette.errors import ConflictError
from netiquette.store.models import Claim, utcnow

LEASE_SECONDS = 90


@dataclass(frozen=True, slots=True)
class Lease:
    """Who holds a comment, and until when."""

    comment_id: str
    moderator: str
    expires_at: datetime

    def held_by(self, moderator: str) -> bool:
        """True if ``moderator`` holds this lease."""
        return self.moderator == moderator


def claim(
    session: Session,
    comment_id: str,
    moderator: str,
    *,
    now: datetime | None = None,
    seconds: int = LEASE_SECONDS,
) -> Lease:
    """Take or renew the lease on a comment; returns the lease as it now stands.

    When someone else holds a live lease, theirs is returned unchanged: check
    :meth:`Lease.held_by` to know whether you got it.
    """
    now = now or utcnow()
    expires = now + timedelta(seconds=seconds)
    taken = session.execute(
        update(Claim)
        .where(
            Claim.comment_id == comment_id,
            or_(Claim.moderator == moderator, Claim.expires_at <= now),
        )
        .values(moderator=moderator, claimed_at=now, expires_at=expires)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) == 1:
        return Lease(comment_id, moderator, expires)
    existing = session.get(Claim, comment_id)
    if existing is None:
        try:
            with session.begin_nested():
                session.add(
                    Claim(
                        comment_id=comment_id,
                        moderator=moderator,
                        claimed_at=now,
                        expires_at=expires,
                    )
                )
            return Lease(comment_id, moderator, expires)
        except IntegrityError:
            pass  # a second moderator inserted first: theirs stands
    session.expire_all()
    row = session.get(Claim, comment_id)
    if row is None:  # released between our statements; the lease is free again
        return claim(session, comment_id, moderator, now=now, seconds=seconds)
    return Lease(row.comment_id, row.moderator, row.expires_at)


def holder(session: Session, comment_id: str, *, now: datetime | None = None) -> Lease | None:
    """The live lease on a comment, or None when nobody holds it."""
    row = session.get(Claim, comment_id)
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return Lease(row.comment_id, row.moderator, row.expires_at)


def holders(
    session: Session, comment_ids: Iterable[str], *, now: datetime | None = None
) -> dict[str, Lease]:
    """Live leases of several comments at once, by comment id."""
    ids = list(comment_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(Claim).where(Claim.comment_id.in_(ids), Claim.expires_at > (now or utcnow()))
    )
    return {r.comment_id: Lease(r.comment_id, r.moderator, r.expires_at) for r in rows}


def _taken(lease: Lease) -> ConflictError:
    return ConflictError(
        f"comment {lease.comment_id} is taken by {lease.moderator} until "
        f"{lease.expires_at:%H:%M:%S} UTC",
        field="comment_id",
    )


def require_claim(session: Session, comment_id: str, moderator: str) -> Lease:
    """Take the lease for a decision, or raise ConflictError naming who holds it."""
    lease = claim(session, comment_id, moderator)
    if not lease.held_by(moderator):
        raise _taken(lease)
    return lease


def require_free_or_held(session: Session, comment_id: str, moderator: str) -> None:
    """Raise ConflictError naming the holder unless the comment is free or ``moderator``'s.

    Writes nothing: two deciders racing past this check meet at the comment's version.
    """
    lease = holder(session, comment_id)
    if lease is not None and not lease.held_by(moderator):
        raise _taken(lease)


def release(session: Session, comment_id: str, moderator: str) -> None:
    """Give up one's lease on a comment (after deciding it, or when moving on)."""
    session.execute(
        delete(Claim).where(Claim.comment_id == comment_id, Claim.moderator == moderator)
    )


def release_all(session: Session, moderator: str) -> None:
    """Give up every lease a moderator holds (at logout)."""
    session.execute(delete(Claim).where(Claim.moderator == moderator))


def release_others(session: Session, moderator: str, keep: str) -> None:
    """Give up every lease of a moderator except the one on ``keep`` (one comment at a time)."""
    session.execute(delete(Claim).where(Claim.moderator == moderator, Claim.comment_id != keep))
