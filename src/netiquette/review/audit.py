"""The append-only, tamper-evident audit log.

Every event is written by :func:`record_event`. Events of one site form a hash chain: each
carries a sequence number, the hash of the previous event and its own hash over a canonical
JSON form of its fields. The chain holds no comment texts (only their sha256), so erasing an
author's texts (GDPR) leaves it verifiable. :func:`verify_chain` recomputes it and names the
first event that does not fit.

Appending locks the site's :class:`AuditHead` row, so writers in several processes take turns.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from netiquette.store.models import AuditEvent, AuditHead, utcnow

GENESIS = "0" * 64
DEFAULT_SITE = "default"
#: With ``screening_queue = workers`` the receipt of a comment is chained on one of this many
#: intake chains (``default/intake-00`` …, chosen by the comment id), not on the site's main
#: chain: every acceptance appends to a chain, and with one head row for all of them the
#: acceptances of every app process would queue behind that row's lock (benchmarks/load.py).
#: Decisions stay on the main chain. Each chain verifies on its own (``audit verify``).
INTAKE_CHAINS = 16


def intake_chain(comment_id: str, site: str = DEFAULT_SITE) -> str:
    """The intake chain that records the receipt of ``comment_id`` (workers mode)."""
    lane = int(hashlib.sha256(comment_id.encode("utf-8")).hexdigest()[:8], 16) % INTAKE_CHAINS
    return f"{site}/intake-{lane:02d}"


def _canonical(event: AuditEvent) -> bytes:
    return _canonical_values(
        {
            "site": event.site,
            "seq": event.seq,
            "prev_hash": event.prev_hash,
            "event": event.event,
            "actor": event.actor,
            "comment_id": event.comment_id,
            "article_id": event.article_id,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "details": event.details,
            "created_at": event.created_at,
        }
    )


def _canonical_values(row: dict[str, Any]) -> bytes:
    """The canonical JSON form of an event given as its column values."""
    created = row["created_at"]
    payload = {
        "site": row["site"],
        "seq": row["seq"],
        "prev": row["prev_hash"],
        "event": row["event"],
        "actor": row["actor"],
        "comment_id": row["comment_id"],
        "article_id": row["article_id"],
        "from": row["from_state"],
        "to": row["to_state"],
        "details": row["details"],
        "at": created.isoformat(timespec="microseconds") if created else None,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: AuditEvent) -> str:
    """The hash an event must carry, given its fields and its ``prev_hash``."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def record_event(
    session: Session,
    event: str,
    actor: str,
    *,
    comment_id: str | None = None,
    article_id: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
    site: str = DEFAULT_SITE,
) -> AuditEvent:
    """Append one event to the site's chain, in the session's transaction."""
    head = session.get(AuditHead, site, with_for_update=True)
    if head is None:
        head = _new_head(session, site)
    # Round-trip through JSON now, so the hash covers exactly what the database will return.
    clean_details = json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))
    when = at or utcnow()
    row = AuditEvent(
        comment_id=comment_id,
        article_id=article_id,
        event=event,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        details=clean_details,
        created_at=when,
        site=site,
        seq=head.seq + 1,
        prev_hash=head.hash,
    )
    row.hash = event_hash(row)
    head.seq, head.hash = row.seq or 0, row.hash
    session.add(row)
    return row


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One event for :func:`record_events`."""

    event: str
    actor: str
    comment_id: str | None = None
    article_id: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    details: dict[str, Any] | None = None
    at: datetime | None = None


def record_events(connection: Connection, events: list[NewEvent], site: str = DEFAULT_SITE) -> None:
    """Append several events to one chain, in order, taking its head's lock once.

    The same chain as that many :func:`record_event` calls, written with Core statements on
    the transaction's connection (batched acceptance, workers mode: it runs for every batch,
    and the ORM's unit of work cost more than the statements). The caller must not hold this
    chain's head as an ORM object in a session on the same transaction.
    """
    if not events:
        return
    head = connection.execute(_HEAD_FOR_UPDATE, {"site": site}).one_or_none()
    if head is None:  # as _new_head does for record_event
        connection.execute(_insert_genesis(connection.dialect.name, site))
        head = connection.execute(_HEAD_FOR_UPDATE, {"site": site}).one()
    seq, prev = int(head[0]), str(head[1])
    rows: list[dict[str, Any]] = []
    for new in events:
        seq += 1
        row = {
            "comment_id": new.comment_id,
            "article_id": new.article_id,
            "event": new.event,
            "actor": new.actor,
            "from_state": new.from_state,
            "to_state": new.to_state,
            # Through JSON now, so the hash covers exactly what the database will return.
            "details": json.loads(json.dumps(new.details or {}, ensure_ascii=False, default=str)),
            "created_at": new.at or utcnow(),
            "site": site,
            "seq": seq,
            "prev_hash": prev,
        }
        prev = row["hash"] = hashlib.sha256(_canonical_values(row)).hexdigest()
        rows.append(row)
    connection.execute(insert(AuditEvent), rows)
    connection.execute(update(AuditHead).where(AuditHead.site == site).values(seq=seq, hash=prev))


_HEAD_FOR_UPDATE = (
    select(AuditHead.seq, AuditHead.hash)
    .where(AuditHead.site == bindparam("site"))
    .with_for_update()
)


def _new_head(session: Session, site: str) -> AuditHead:
    """Create the site's head row and lock it, when two processes may append its first event
    at once: the second insert waits for the first and does nothing, then both lock the row
    in turn (a plain insert would fail one of them with a duplicate key)."""
    session.execute(_insert_genesis(session.get_bind().dialect.name, site))
    head = session.get(AuditHead, site, with_for_update=True, populate_existing=True)
    if head is None:  # pragma: no cover - the row was inserted or found just above
        raise RuntimeError(f"audit head of site {site!r} is missing")
    return head


def _insert_genesis(dialect: str, site: str) -> Any:
    """The site's head row at the start of its chain, unless another writer created it."""
    insert_head = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert_head(AuditHead).values(site=site, seq=0, hash=GENESIS).on_conflict_do_nothing()


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of checking one site's chain."""

    site: str
    events: int
    ok: bool
    broken_event_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""


def verify_chain(session: Session, site: str = DEFAULT_SITE) -> ChainReport:
    """Recompute the site's chain; report the first event that was changed, removed or inserted."""
    prev, expected_seq, count = GENESIS, 1, 0
    query = select(AuditEvent).where(AuditEvent.site == site).order_by(AuditEvent.seq)
    for event in session.scalars(query.execution_options(yield_per=1000)):
        count += 1
        problem = ""
        if event.seq != expected_seq:
            problem = (
                f"expected event number {expected_seq}, found {event.seq} (removed or inserted)"
            )
        elif event.prev_hash != prev:
            problem = "does not link to the event before it"
        elif event.hash != event_hash(event):
            problem = "its content was changed after it was written"
        if problem:
            return ChainReport(site, count, False, event.id, event.seq, problem)
        prev, expected_seq = event.hash or "", expected_seq + 1
    head = session.get(AuditHead, site)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        return ChainReport(
            site, count, False, None, head.seq, "events at the end of the chain were removed"
        )
    return ChainReport(site, count, True)


def sites(session: Session) -> list[str]:
    """Every site that has an audit chain."""
    return list(session.scalars(select(AuditHead.site).order_by(AuditHead.site)))
