"""Every human verdict becomes the site's labelled example; automatic ones never do.

Driven through the real app (API decisions, appeals, suggestscore) and the domain functions
(undo, spot checks, erasure, retention), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.privacy import erase_author, run_retention
from netiquette.app import create_app
from netiquette.learning.examples import LIVE_SITE, set_live_site
from netiquette.review.decide import decide as decide_directly
from netiquette.review.machine import Actor
from netiquette.review.spotchecks import record_check
from netiquette.store.models import Comment, Decision, SiteExample, utcnow
from netiquette.web.context import AppContext
from tests.accountability.helpers import CLEAN, INSULT, admin, decide, second_moderator, submit
from tests.compat.test_suggestscore import URL, coral_feedback
from tests.conftest import make_context

ADMIN = Actor("admin", "admin")


def _examples(ctx: AppContext) -> list[dict[str, Any]]:
    with ctx.db.session() as session:
        rows = session.scalars(select(SiteExample).order_by(SiteExample.id)).all()
        return [
            {
                "example_id": r.example_id,
                "text": r.text,
                "label": r.label,
                "rules": r.rules,
                "source": r.source,
                "site": r.site,
                "article_id": r.article_id,
            }
            for r in rows
        ]


def test_moderator_decisions_are_examples_and_a_reversal_replaces_the_label(
    database_url: str,
) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        mod = admin(client)
        held = submit(client, CLEAN)
        assert held["status"] == "pending"
        assert _examples(ctx) == []  # queueing is not a decision
        decide(client, mod, held["id"], "reject", "off_topic")
        [example] = _examples(ctx)
        assert example == {
            "example_id": held["id"],
            "text": CLEAN,
            "label": "reject",
            "rules": ["off_topic"],
            "source": "moderator",
            "site": "default",
            "article_id": "a1",
        }
        decide(client, mod, held["id"], "approve")
        [example] = _examples(ctx)
        assert (example["label"], example["rules"], example["source"]) == (
            "approve",
            [],
            "reversal",
        )
    ctx.db.dispose()


def test_automatic_decisions_are_not_labels_but_a_person_confirming_them_is(
    database_url: str,
) -> None:
    ctx = make_context(database_url)
    with TestClient(create_app(context=ctx)) as client:
        rejected = submit(client, INSULT)
        assert rejected["status"] == "rejected"
        assert _examples(ctx) == []
        with ctx.db.session() as session:
            decision = session.scalars(
                select(Decision).where(Decision.comment_id == rejected["id"])
            ).one()
            record_check(session, decision.id, ADMIN, "correct", config=AccountabilityConfig())
        [example] = _examples(ctx)
        assert (example["label"], example["source"]) == ("reject", "spot_check")
        assert example["rules"] == decision.rules and example["rules"]
    ctx.db.dispose()


def test_an_upheld_appeal_labels_the_automatic_rejection(database_url: str) -> None:
    ctx = make_context(database_url)
    with TestClient(create_app(context=ctx)) as client:
        rejected = submit(client, INSULT)
        r = client.post(
            f"/api/v1/public/comments/{rejected['id']}/appeal",
            json={"text": "Das war Ironie.", "token": rejected["status_token"]},
        )
        assert r.status_code == 201, r.text
        mod = second_moderator(ctx, client)
        appeal_id = client.get("/api/v1/appeals", headers=mod).json()["appeals"][0]["id"]
        r = client.post(
            f"/api/v1/appeals/{appeal_id}/decision",
            json={"outcome": "upheld", "reason": "Bleibt eine Beleidigung."},
            headers=mod,
        )
        assert r.status_code == 200, r.text
        [example] = _examples(ctx)
        assert (example["label"], example["source"]) == ("reject", "appeal")
        assert example["rules"], "the upheld rejection's rules are kept"
    ctx.db.dispose()


def test_an_undo_withdraws_the_label(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        held = submit(client, CLEAN)
        config = AccountabilityConfig()
        with ctx.db.session() as session:
            comment = session.get(Comment, held["id"])
            assert comment is not None
            decide_directly(session, comment, ADMIN, "approve", config=config, source="workspace")
        assert [e["label"] for e in _examples(ctx)] == ["approve"]
        with ctx.db.session() as session:
            comment = session.get(Comment, held["id"])
            assert comment is not None
            decide_directly(session, comment, ADMIN, "undo", config=config, source="workspace")
        assert _examples(ctx) == []
    ctx.db.dispose()


def test_a_rolled_back_decision_leaves_no_example(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        held = submit(client, CLEAN)
        try:
            with ctx.db.session() as s:
                comment = s.get(Comment, held["id"])
                assert comment is not None
                decide_directly(
                    s, comment, ADMIN, "approve", config=AccountabilityConfig(), source="api"
                )
                raise RuntimeError("the caller fails after deciding")
        except RuntimeError:
            pass
        assert _examples(ctx) == []
    ctx.db.dispose()


def test_suggestscore_feedback_is_an_example(client: TestClient, ctx: AppContext) -> None:
    assert (
        client.post(URL, json=coral_feedback("Du Vollpfosten.", rejected=True)).status_code == 200
    )
    r = client.post(URL, json=coral_feedback("Gute Idee.", rejected=False, comment_id="c2"))
    assert r.status_code == 200
    assert [(e["text"], e["label"], e["source"]) for e in _examples(ctx)] == [
        ("Du Vollpfosten.", "reject", "suggestscore"),
        ("Gute Idee.", "approve", "suggestscore"),
    ]


def test_erasure_removes_the_authors_examples_only(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        mod = admin(client)
        hers = submit(client, CLEAN, author={"id": "mara", "name": "Mara"})
        other = submit(client, CLEAN + " Und die Linie 8?", author={"id": "olaf", "name": "O"})
        decide(client, mod, hers["id"], "approve")
        decide(client, mod, other["id"], "approve")
        with ctx.db.session() as session:
            removal = erase_author(session, "mara", "admin", AccountabilityConfig())
        assert removal.site_examples == 1
        assert [e["example_id"] for e in _examples(ctx)] == [other["id"]]
    ctx.db.dispose()


def test_retention_removes_examples_with_the_rejected_texts(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        mod = admin(client)
        rejected = submit(client, CLEAN)
        published = submit(client, CLEAN + " Endlich.")
        decide(client, mod, rejected["id"], "reject", "off_topic")
        decide(client, mod, published["id"], "approve")
        with ctx.db.session() as session:
            removal = run_retention(
                session, AccountabilityConfig(), days=30, now=utcnow() + timedelta(days=31)
            )
        assert removal.comments == 1 and removal.site_examples == 1
        assert [e["example_id"] for e in _examples(ctx)] == [published["id"]]
    ctx.db.dispose()


def test_a_named_site_learns_from_its_own_decisions(database_url: str) -> None:
    # An installation with site = "lokal" screens with lokal's promoted model; its moderators'
    # decisions must be lokal's examples too, or `train --site lokal` would never see them.
    ctx = make_context(database_url, auto_approve=False, site="lokal")
    try:
        with TestClient(create_app(context=ctx)) as client:
            mod = admin(client)
            held = submit(client, CLEAN)
            decide(client, mod, held["id"], "reject", "off_topic")
            assert [(e["site"], e["label"]) for e in _examples(ctx)] == [("lokal", "reject")]
    finally:
        ctx.db.dispose()
        set_live_site(LIVE_SITE)  # as a context with the default settings would set it
