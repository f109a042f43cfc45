"""What one decision costs through ``review.decide`` compared with the bare state machine.

    .venv/bin/python benchmarks/decide.py [--n 200] [--db sqlite:///var/bench-decide.db]

Decides ``n`` pending comments per variant, each in its own transaction (commit included), on a
fresh database (default: a temporary SQLite file; pass a PostgreSQL URL to measure that), the
variants taking turns, and prints the median and 90th percentile milliseconds per decision:

* ``perform approve`` / ``perform reject`` — the state machine alone (transition, decision row,
  audit event), as the entry points called it before;
* ``decide approve`` — plus note check, lease check, reports, lease release, the outbox row and
  the after-commit hook;
* ``decide reject`` — the same plus the statement of reasons, which used to be written later, at
  its first reading: the cost moved to the decision, it was not added.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table
from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.review.decide import decide
from netiquette.review.machine import Actor, perform
from netiquette.store.db import Database
from netiquette.store.models import Article, Comment, Screening, utcnow

MODERATOR = Actor("moderator", "bench")
CONFIG = AccountabilityConfig()


def _comments(db: Database, prefix: str, n: int) -> list[str]:
    ids = [f"{prefix}{i}" for i in range(n)]
    with db.session() as session:
        for cid in ids:
            session.add(
                Comment(
                    id=cid,
                    article_id="a",
                    author_id="u",
                    author_name="U",
                    text="Du Vollpfosten, die Linie 7 kommt zu spät.",
                    text_sha256="0" * 64,
                    received_at=utcnow(),
                    state="pending",
                )
            )
            session.add(
                Screening(
                    comment_id=cid,
                    rule="insult",
                    rule_version="bench",
                    score=0.9,
                    flag=True,
                    evidence=[{"start": 3, "end": 14, "text": "Vollpfosten"}],
                )
            )
    return ids


def _one(db: Database, comment_id: str, step: Callable[[Session, Comment], None]) -> float:
    started = time.perf_counter()
    with db.session() as session:
        comment = session.get(Comment, comment_id)
        assert comment is not None
        step(session, comment)
    return (time.perf_counter() - started) * 1000


def _perform_approve(session: Session, comment: Comment) -> None:
    perform(session, comment, MODERATOR, "approve")


def _perform_reject(session: Session, comment: Comment) -> None:
    perform(session, comment, MODERATOR, "reject", rules=["insult"])


def _decide_approve(session: Session, comment: Comment) -> None:
    decide(session, comment, MODERATOR, "approve", config=CONFIG, source="api")


def _decide_reject(session: Session, comment: Comment) -> None:
    decide(session, comment, MODERATOR, "reject", config=CONFIG, source="api", rules=["insult"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="decisions per variant")
    parser.add_argument("--db", default="", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        with db.session() as session:
            session.add(Article(id="a", title="Stadtbahn", body="Die Linie 7 kommt."))
        variants: dict[str, Callable[[Session, Comment], None]] = {
            "perform approve": _perform_approve,
            "perform reject": _perform_reject,
            "decide approve": _decide_approve,
            "decide reject": _decide_reject,
        }
        table = Table(title=f"ms per decision ({db.backend}, n={args.n})")
        for column in ("variant", "median", "p90"):
            table.add_column(column)
        ids = {label: _comments(db, f"v{n}-", args.n) for n, label in enumerate(variants)}
        ms: dict[str, list[float]] = {label: [] for label in variants}
        # Round robin: every variant meets the same load on a shared machine.
        for i in track(range(args.n), description="deciding"):
            for label, step in variants.items():
                ms[label].append(_one(db, ids[label][i], step))
        for label, times in ms.items():
            p90 = statistics.quantiles(times, n=10)[-1]
            table.add_row(label, f"{statistics.median(times):.2f}", f"{p90:.2f}")
        db.dispose()
    Console().print(table)


if __name__ == "__main__":
    main()
