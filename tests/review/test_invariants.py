"""Under any sequence of submissions, decisions and reversals the publication rules hold."""

from __future__ import annotations

import itertools
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select

from netiquette.accountability.config import AccountabilityConfig
from netiquette.errors import ConflictError
from netiquette.review.decide import decide
from netiquette.review.intake import Intake, NewComment
from netiquette.review.machine import Actor
from netiquette.review.queries import public_thread
from netiquette.store.db import Database
from netiquette.store.models import (
    Article,
    AuditEvent,
    Comment,
    Decision,
    DecisionEvent,
    StatementOfReasons,
)
from tests.fakes import ScriptedPipeline


class ModerationMachine(RuleBasedStateMachine):
    """Random traffic against the real intake, state machine and database."""

    @initialize()
    def setup(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.db = Database(f"sqlite:///{Path(self.tmp.name) / 'm.db'}")
        self.db.migrate()
        with self.db.session() as session:
            session.add(Article(id="a", body="Artikel"))
        self.intake = Intake(self.db, ScriptedPipeline(), 10_000, 600)
        self.ids: list[str] = []
        self.transitions: Counter[str] = Counter()
        self.n = 0

    def teardown(self) -> None:
        if hasattr(self, "db"):
            self.db.dispose()
            self.tmp.cleanup()

    @rule(outcome=st.sampled_from(["approve", "reject", "review"]), reply=st.booleans())
    def submit(self, outcome: str, reply: bool) -> None:
        self.n += 1
        parent = self.ids[-1] if reply and self.ids else None
        accepted = self.intake.submit(
            NewComment(
                article_id="a",
                author_id="u",
                author_name="U",
                text=f"Kommentar {self.n} [{outcome}]",
                id=f"c{self.n}",
                parent_id=parent,
            ),
            submitter="cms:test",
        )
        self.ids.append(accepted.id)
        self.transitions[accepted.id] += 2  # received, then the policy's transition

    @precondition(lambda self: bool(getattr(self, "ids", None)))
    @rule(
        data=st.data(),
        action=st.sampled_from(["approve", "reject"]),
        who=st.sampled_from(["anna", "ben"]),
    )
    def decide(self, data: st.DataObject, action: str, who: str) -> None:
        comment_id = data.draw(st.sampled_from(self.ids))
        with self.db.session() as session:
            comment = session.get(Comment, comment_id)
            assert comment is not None
            try:
                decide(
                    session,
                    comment,
                    Actor("moderator", who),
                    action,
                    config=AccountabilityConfig(),
                    source="api",
                    rules=["insult"],
                )
            except ConflictError:
                # Approving an approved comment (or rejecting a rejected one) is refused.
                target = "approved" if action == "approve" else "rejected"
                assert comment.state == target
                return
        self.transitions[comment_id] += 1

    @invariant()
    def public_only_if_latest_decision_is_approve(self) -> None:
        if not hasattr(self, "db"):
            return
        with self.db.session() as session:
            for comment in session.scalars(select(Comment)):
                latest = comment.decisions[-1].action if comment.decisions else None
                assert (comment.state == "approved") == (latest == "approve")
            thread = public_thread(session, "a", 1, 10_000)
            shown: list[str] = []
            stack = list(thread["comments"])
            while stack:
                node = stack.pop()
                shown.append(node["id"])
                stack.extend(node["replies"])
            for cid in shown:
                c = session.get(Comment, cid)
                assert c is not None and c.state == "approved"

    @invariant()
    def one_audit_event_per_state_change(self) -> None:
        if not hasattr(self, "db"):
            return
        with self.db.session() as session:
            events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        by_comment: dict[str, list[AuditEvent]] = {}
        for e in events:
            if e.comment_id and e.to_state is not None:  # a state change, not e.g. a statement
                by_comment.setdefault(e.comment_id, []).append(e)
        for cid in self.ids:
            chain = by_comment.get(cid, [])
            assert len(chain) == self.transitions[cid]
            for before, after in itertools.pairwise(chain):
                assert before.to_state == after.from_state
                assert before.to_state != after.to_state

    @invariant()
    def every_decision_one_event_every_rejection_one_statement(self) -> None:
        if not hasattr(self, "db"):
            return
        with self.db.session() as session:
            decisions = list(session.scalars(select(Decision)))
            events = list(session.scalars(select(DecisionEvent)))
            statements = {s.decision_id: s for s in session.scalars(select(StatementOfReasons))}
        assert sorted(e.decision_id or 0 for e in events) == sorted(d.id for d in decisions)
        rejections = {d.id: d for d in decisions if d.action == "reject"}
        assert set(statements) == set(rejections)
        for decision_id, statement in statements.items():
            assert statement.created_at == rejections[decision_id].created_at


ModerationMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None
)
TestModeration = ModerationMachine.TestCase
