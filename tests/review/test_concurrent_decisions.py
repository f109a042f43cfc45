"""Several OS processes deciding and reversing the same comments at the same moment.

Four processes, each with its own database connections, act on the same ten comments in
rounds that start together (a barrier): first decisions and reversals seen at one version,
then the same approval sent without a version. Exactly one action per comment and round takes
effect, every other one is a conflict (409), no reversal is lost, and the audit chain stays
intact — on PostgreSQL and on SQLite.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from netiquette.accountability.config import AccountabilityConfig
from netiquette.cli import app
from netiquette.errors import ConflictError
from netiquette.review.audit import verify_chain
from netiquette.review.decide import comment_to_decide, decide
from netiquette.review.intake import Intake, NewComment
from netiquette.store.db import Database
from netiquette.store.models import Article, Comment, Decision, DecisionEvent, StatementOfReasons
from tests.fakes import ScriptedPipeline

PROCESSES = 4
COMMENTS = 10
#: Rounds: which comments, and whether the deciders send the version they saw.
ROUNDS = (("v", True), ("v", True), ("v", True), ("b", False))


def _action(state: str, process: int, versioned: bool) -> tuple[str, list[str]]:
    """The action a moderator takes on a comment in ``state``; rejections cite a rule.

    Without a version only the same action can race: a rejection sent without one for an
    approved comment is a reversal by design (the API's ``version`` is what tells them apart).
    """
    if state == "approved":
        return "reject", ["insult"]
    if state == "rejected":
        return "approve", []
    if not versioned:
        return "approve", []
    # Pending: half of the processes approve, half reject, so the winner's action varies.
    return ("approve", []) if process % 2 else ("reject", ["off_topic"])


def _decider(url: str, process: int, start: Any, results: Any) -> None:
    """One moderator's process: every round, every comment, at the same moment as the others."""
    from netiquette.review.machine import Actor

    db = Database(url)
    actor = Actor("moderator", f"mod{process}")
    config = AccountabilityConfig()
    outcomes: list[tuple[int, str, str, str]] = []
    try:
        for number, (prefix, versioned) in enumerate(ROUNDS):
            ids = [f"{prefix}{n}" for n in range(COMMENTS)]
            with db.session() as session:  # what this moderator sees before acting
                seen = {i: (c.state, c.version) for i in ids if (c := session.get(Comment, i))}
            start.wait(60)  # every process has read the same versions; now all act
            for comment_id in ids:
                state, version = seen[comment_id]
                action, rules = _action(state, process, versioned)
                try:
                    with db.session() as session:
                        decide(
                            session,
                            comment_to_decide(session, comment_id),
                            actor,
                            action,
                            config=config,
                            source="api",
                            rules=rules,
                            expected_version=version if versioned else None,
                        )
                    outcomes.append((number, comment_id, action, "ok"))
                except ConflictError as exc:
                    outcomes.append((number, comment_id, action, f"409 {exc.field}"))
                except Exception as exc:  # anything else is a failure the test names
                    outcomes.append((number, comment_id, action, f"error {exc!r}"))
            start.wait(60)  # the round is over everywhere before the next one is read
    finally:
        results.put(outcomes)
        db.dispose()


def _held_comments(url: str) -> Database:
    db = Database(url)
    db.migrate()
    with db.session() as session:
        session.add(Article(id="a", body="Artikel über die Stadtbahn"))
    intake = Intake(db, ScriptedPipeline(), 10_000, 600)
    for comment_id in [f"{prefix}{n}" for prefix in ("v", "b") for n in range(COMMENTS)]:
        text = f"Kommentar {comment_id} zur Stadtbahn"  # the scripted policy queues it
        new = NewComment(article_id="a", author_id="u", author_name="U", text=text, id=comment_id)
        intake.submit(new, submitter="cms:test")
    return db


def test_racing_decisions_and_reversals_take_effect_once_each(database_url: str) -> None:
    db = _held_comments(database_url)
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(PROCESSES)
    results = spawn.Queue()
    procs = [
        spawn.Process(target=_decider, args=(database_url, p, start, results))
        for p in range(PROCESSES)
    ]
    for proc in procs:
        proc.start()
    outcomes = [o for _ in procs for o in results.get(timeout=120)]
    for proc in procs:
        proc.join(60)
    assert [proc.exitcode for proc in procs] == [0] * PROCESSES

    assert [o for o in outcomes if o[3].startswith("error")] == []
    effective = Counter((number, cid) for number, cid, _, result in outcomes if result == "ok")
    conflicts = Counter((number, cid) for number, cid, _, result in outcomes if "409" in result)
    for number, (prefix, _) in enumerate(ROUNDS):
        for n in range(COMMENTS):
            key = (number, f"{prefix}{n}")
            assert (effective[key], conflicts[key]) == (1, PROCESSES - 1), key

    with db.session() as session:
        for n in range(COMMENTS):
            # First decision, its reversal, and the reversal of that: a chain of three.
            chain = list(
                session.scalars(
                    select(Decision).where(Decision.comment_id == f"v{n}").order_by(Decision.id)
                )
            )
            assert len(chain) == 3
            assert chain[1].reverses_id == chain[0].id and chain[2].reverses_id == chain[1].id
            assert chain[0].action != chain[1].action != chain[2].action  # each one flipped
            final = session.get(Comment, f"v{n}")
            assert final is not None
            assert final.state == ("approved" if chain[-1].action == "approve" else "rejected")
            blind = session.get(Comment, f"b{n}")
            assert blind is not None and blind.state in ("approved", "rejected")
        decisions = session.scalar(select(func.count(Decision.id)))
        events = session.scalar(select(func.count(DecisionEvent.id)))
        rejections = session.scalar(
            select(func.count(Decision.id)).where(Decision.action == "reject")
        )
        statements = session.scalar(select(func.count(StatementOfReasons.id)))
        report = verify_chain(session)
    db.dispose()
    assert decisions == events == COMMENTS * len(ROUNDS)  # one outbox row per effective one
    assert statements == rejections
    assert report.ok, report.problem
    verified = CliRunner().invoke(app, ["audit", "verify", "--db", database_url])
    assert verified.exit_code == 0 and "chain intact" in verified.output


def _append_first_events(url: str, start: Any) -> None:
    from netiquette.review.audit import record_event

    db = Database(url)
    start.wait(60)
    for n in range(20):
        with db.session() as session:
            record_event(session, "benchmark", "test:race", details={"n": n}, site="fresh")
    db.dispose()


def test_processes_appending_the_first_events_of_a_new_chain_do_not_collide(
    database_url: str,
) -> None:
    """A new chain (a new site) starts without a head row: the first appends race for it."""
    Database(database_url).migrate()
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(PROCESSES)
    procs = [
        spawn.Process(target=_append_first_events, args=(database_url, start))
        for _ in range(PROCESSES)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0] * PROCESSES
    db = Database(database_url)
    with db.session() as session:
        report = verify_chain(session, "fresh")
    db.dispose()
    assert report.ok and report.events == 20 * PROCESSES
