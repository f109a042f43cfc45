"""Every way to decide a comment has the same effects, because every one goes through decide().

Each entry point — the CMS API, the workspace form, bulk decisions, spot checks, appeals, undo
and the automatic policy — is driven through the real app, and the same effects are asserted:
the lease is respected and released, open reader reports are resolved, the note has one limit,
a rejection's statement of reasons exists right after the decision (dated with it), and exactly
one outbox row and one ``decision_committed`` call follow each committed decision — none follow
a refused or rolled-back one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from netiquette.accountability.config import AccountabilityConfig
from netiquette.hookspecs import hookimpl
from netiquette.plugins import pm
from netiquette.review.claims import claim, holder
from netiquette.review.decide import MAX_NOTE_CHARS, decide
from netiquette.review.events import CommittedDecision
from netiquette.review.machine import Actor
from netiquette.store.db import Database
from netiquette.store.models import (
    Appeal,
    Comment,
    Decision,
    DecisionEvent,
    Report,
    StatementOfReasons,
)
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, CMS
from tests.web.views.conftest import login, workspace_context

HX = {"HX-Request": "true"}


class Recorder:
    """A plugin that notes every decision_committed call, and whether it came after commit."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.calls: list[CommittedDecision] = []
        self.committed_before_call: list[bool] = []

    @hookimpl
    def decision_committed(self, event: CommittedDecision) -> None:
        # A fresh transaction sees the outbox row only if the decision's has committed.
        with self.db.session() as session:
            row = session.scalar(select(DecisionEvent.id).where(DecisionEvent.key == event.key))
        self.committed_before_call.append(row is not None)
        self.calls.append(event)


@dataclass
class Site:
    """The real app with a queueing pipeline, a logged-in admin (form and API) and a recorder."""

    ctx: AppContext
    client: TestClient
    csrf: str
    api: dict[str, str]
    recorder: Recorder

    def session(self) -> Any:
        """A database session in one transaction."""
        return self.ctx.db.session()

    def version(self, comment_id: str) -> int:
        """The comment's current version."""
        with self.session() as s:
            return int(s.get(Comment, comment_id).version)

    def submit(self, comment_id: str, text: str) -> dict[str, Any]:
        """A comment from the CMS (``[approve]``/``[reject]`` steer the policy)."""
        r = self.client.post(
            "/api/v1/comments",
            json={
                "id": comment_id,
                "article_id": "a1",
                "author": {"id": "u1", "name": "Leserin"},
                "text": text,
            },
            headers=CMS,
        )
        assert r.status_code == 202, r.text
        body: dict[str, Any] = r.json()
        return body

    def report(self, comment_id: str) -> None:
        """A reader reports the published comment."""
        r = self.client.post(
            f"/api/v1/comments/{comment_id}/reports",
            json={"reason": "insult", "reader_id": "reader-1"},
        )
        assert r.status_code == 201, r.text


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    ctx = workspace_context(database_url)
    recorder = Recorder(ctx.db)
    pm.register(recorder, name="test-recorder")
    try:
        with TestClient(_app(ctx), follow_redirects=False) as client:
            r = client.post(
                "/api/v1/articles",
                json={"id": "a1", "title": "Stadtbahn", "text": "Die Linie 7 kommt."},
                headers=CMS,
            )
            assert r.status_code == 200, r.text
            csrf = login(client)
            token = client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            ).json()["token"]
            yield Site(ctx, client, csrf, {"Authorization": f"Bearer {token}"}, recorder)
    finally:
        pm.unregister(name="test-recorder")
        ctx.db.dispose()


def _app(ctx: AppContext) -> Any:
    from netiquette.app import create_app

    return create_app(context=ctx)


# --- The entry points ----------------------------------------------------------------------


def _published_and_reported(site: Site, comment_id: str) -> str:
    assert site.submit(comment_id, "Die Linie 7 kommt zu spät. [approve]")["status"] == "approved"
    site.report(comment_id)
    return comment_id


def _api(site: Site, cid: str, note: str | None) -> httpx.Response:
    return site.client.post(
        f"/api/v1/comments/{cid}/decision",
        json={"action": "reject", "rules": ["insult"], "note": note or ""},
        headers=site.api,
    )


def _workspace(site: Site, cid: str, note: str | None) -> httpx.Response:
    data = {"csrf": site.csrf, "choice": "reject:insult", "version": str(site.version(cid))}
    return site.client.post(
        f"/moderate/comments/{cid}/decide", data=data | {"note": note or ""}, headers=HX
    )


def _bulk(site: Site, cid: str, note: str | None) -> httpx.Response:
    data = {
        "csrf": site.csrf,
        "item": [f"{cid}:{site.version(cid)}"],
        "action": "reject",
        "reject_rule": "insult",
        "note": note or "",
    }
    return site.client.post("/moderate/bulk", data=data)


def _spot(site: Site, cid: str, note: str | None) -> httpx.Response:
    with site.session() as s:
        automatic = s.scalar(
            select(Decision.id).where(Decision.comment_id == cid, Decision.automated.is_(True))
        )
    data = {"csrf": site.csrf, "verdict": "wrong:insult", "note": note or ""}
    return site.client.post(f"/moderate/spot/{automatic}", data=data)


def _rejected_and_appealed(site: Site, comment_id: str) -> str:
    submitted = site.submit(comment_id, "Du Idiot. [reject]")
    assert submitted["status"] == "rejected"
    r = site.client.post(
        f"/api/v1/public/comments/{comment_id}/appeal",
        json={"text": "Das war Ironie.", "token": submitted["status_token"]},
    )
    assert r.status_code == 201, r.text
    return comment_id


def _appeal(site: Site, cid: str, note: str | None) -> httpx.Response:
    with site.session() as s:
        appeal_id = s.scalar(select(Appeal.id).where(Appeal.comment_id == cid))
    return site.client.post(
        f"/api/v1/appeals/{appeal_id}/decision",
        json={"outcome": "reversed", "reason": note or "Ironie, keine Beleidigung."},
        headers=site.api,
    )


def _approved_by_hand_and_reported(site: Site, comment_id: str) -> str:
    assert site.submit(comment_id, "Die Linie 7 kommt zu spät.")["status"] == "pending"
    site.client.get(f"/moderate/comments/{comment_id}")
    r = site.client.post(
        f"/moderate/comments/{comment_id}/decide",
        data={"csrf": site.csrf, "choice": "approve", "version": str(site.version(comment_id))},
        headers=HX,
    )
    assert r.status_code == 200, r.text
    site.report(comment_id)
    return comment_id


def _undo(site: Site, cid: str, note: str | None) -> httpx.Response:
    return site.client.post(f"/moderate/comments/{cid}/undo", data={"csrf": site.csrf}, headers=HX)


def _policy(site: Site, cid: str, note: str | None) -> httpx.Response:
    return site.client.post(
        "/api/v1/comments",
        json={
            "id": cid,
            "article_id": "a1",
            "author": {"id": "u1", "name": "Leserin"},
            "text": "Du Idiot. [reject]",
        },
        headers=CMS,
    )


def _decision_note(session: Any, cid: str) -> str:
    latest = session.scalar(
        select(Decision).where(Decision.comment_id == cid).order_by(Decision.id.desc())
    )
    return str(latest.note)


def _appeal_reason(session: Any, cid: str) -> str:
    return str(session.scalar(select(Appeal.outcome_reason).where(Appeal.comment_id == cid)))


@dataclass(frozen=True)
class EntryPoint:
    """One way to decide, with what it looks like from outside."""

    name: str
    prepare: Callable[[Site, str], str]
    act: Callable[[Site, str, str | None], httpx.Response]
    ok: Callable[[httpx.Response], bool]
    event: str
    source: str
    to_state: str
    rejects: bool = False
    reported: bool = False  # the comment is published and reported before the decision
    person: bool = True  # a moderator decides (so the lease applies)
    note_field: str | None = None  # the request field that carries the moderator's text
    stored_text: Callable[[Any, str], str] | None = None
    taken: Callable[[httpx.Response], bool] = field(
        default=lambda r: r.status_code == 409 and "taken by bea" in r.text
    )


PATHS = [
    EntryPoint(
        "api",
        _published_and_reported,
        _api,
        lambda r: r.status_code == 200,
        "reversed",
        "api",
        "rejected",
        rejects=True,
        reported=True,
        note_field="note",
        stored_text=_decision_note,
    ),
    EntryPoint(
        "workspace",
        _published_and_reported,
        _workspace,
        lambda r: r.status_code == 200 and 'role="alert"' not in r.text,
        "reversed",
        "workspace",
        "rejected",
        rejects=True,
        reported=True,
        note_field="note",
        stored_text=_decision_note,
    ),
    EntryPoint(
        "bulk",
        _published_and_reported,
        _bulk,
        lambda r: r.status_code == 303 and "bulk%3A1%3A0" in r.headers["location"],
        "reversed",
        "bulk",
        "rejected",
        rejects=True,
        reported=True,
        note_field="note",
        stored_text=_decision_note,
        # A bulk decision skips (and counts) a comment someone else holds, never overwrites it.
        taken=lambda r: r.status_code == 303 and "bulk%3A0%3A1" in r.headers["location"],
    ),
    EntryPoint(
        "spot_check",
        _published_and_reported,
        _spot,
        lambda r: r.status_code == 303 and "spot.recorded" in r.headers["location"],
        "reversed",
        "spot_check",
        "rejected",
        rejects=True,
        reported=True,
        note_field="note",
        stored_text=_decision_note,
    ),
    EntryPoint(
        "appeal",
        _rejected_and_appealed,
        _appeal,
        lambda r: r.status_code == 200,
        "appeal_decided",
        "appeal",
        "approved",
        note_field="reason",
        stored_text=_appeal_reason,
    ),
    EntryPoint(
        "undo",
        _approved_by_hand_and_reported,
        _undo,
        lambda r: r.status_code == 200 and 'role="alert"' not in r.text,
        "undone",
        "workspace",
        "pending",
        reported=True,
    ),
    EntryPoint(
        "policy",
        lambda site, cid: cid,
        _policy,
        lambda r: r.status_code == 202 and r.json()["status"] == "rejected",
        "rejected",
        "policy",
        "rejected",
        rejects=True,
        person=False,
    ),
]
BY_PERSON = [p for p in PATHS if p.person]
WITH_NOTE = [p for p in PATHS if p.note_field]


def _outbox(site: Site) -> list[DecisionEvent]:
    with site.session() as s:
        return list(s.scalars(select(DecisionEvent).order_by(DecisionEvent.id)))


def _open_reports(site: Site, cid: str) -> int:
    with site.session() as s:
        query = select(func.count(Report.id)).where(
            Report.comment_id == cid, Report.resolved_at.is_(None)
        )
        return int(s.scalar(query) or 0)


# --- The same effects on every path --------------------------------------------------------


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_every_path_has_the_same_effects(site: Site, path: EntryPoint) -> None:
    cid = path.prepare(site, "c1")
    assert _open_reports(site, cid) == (1 if path.reported else 0)
    events_before, calls_before = len(_outbox(site)), len(site.recorder.calls)
    note = "n" * MAX_NOTE_CHARS if path.note_field else None  # exactly at the limit: kept whole

    r = path.act(site, cid, note)
    assert path.ok(r), (r.status_code, r.text[:500])

    with site.session() as s:
        comment = s.get(Comment, cid)
        assert comment is not None and comment.state == path.to_state
        latest = s.scalar(
            select(Decision).where(Decision.comment_id == cid).order_by(Decision.id.desc())
        )
        assert latest is not None
        statement = s.scalar(
            select(StatementOfReasons).where(StatementOfReasons.decision_id == latest.id)
        )
        lease = holder(s, cid)
        if path.stored_text is not None:
            assert path.stored_text(s, cid) == note
    # The statement exists right after the decision, before anyone asked for it: dated with
    # the rejection, citing exactly the rules the decision cited.
    if path.rejects:
        assert statement is not None
        assert statement.created_at == latest.created_at
        assert set(statement.rule_texts["de"]) == set(latest.rules) == {"insult"}
    else:
        assert statement is None
    # Reports are resolved by a person's decision; the lease is given up (an undone comment is
    # shown again to its moderator, who now holds it anew).
    assert _open_reports(site, cid) == 0
    if path.name == "undo":
        assert lease is not None and lease.moderator == "admin"
    else:
        assert lease is None
    # Exactly one outbox row, and exactly one hook call, after the commit.
    new = _outbox(site)[events_before:]
    assert [(e.event, e.source, e.comment_id) for e in new] == [(path.event, path.source, cid)]
    calls = site.recorder.calls[calls_before:]
    assert [c.key for c in calls] == [new[0].key]
    assert site.recorder.committed_before_call[calls_before:] == [True]
    assert calls[0].to_state == path.to_state and calls[0].automated == (not path.person)


@pytest.mark.parametrize("path", BY_PERSON, ids=[p.name for p in BY_PERSON])
def test_a_comment_someone_else_holds_is_refused_on_every_path(
    site: Site, path: EntryPoint
) -> None:
    cid = path.prepare(site, "c1")
    with site.session() as s:
        assert claim(s, cid, "bea").held_by("bea")
        state = s.get(Comment, cid).state
    events_before, calls_before = len(_outbox(site)), len(site.recorder.calls)

    r = path.act(site, cid, None)

    assert path.taken(r), (r.status_code, r.text[:500])
    with site.session() as s:
        assert s.get(Comment, cid).state == state
        lease = holder(s, cid)
        assert lease is not None and lease.moderator == "bea"  # bea's lease stands
    assert _open_reports(site, cid) == (1 if path.reported else 0)
    assert len(_outbox(site)) == events_before
    assert site.recorder.calls[calls_before:] == []


@pytest.mark.parametrize("path", WITH_NOTE, ids=[p.name for p in WITH_NOTE])
def test_a_note_over_the_one_limit_is_refused_naming_the_field(
    site: Site, path: EntryPoint
) -> None:
    cid = path.prepare(site, "c1")
    with site.session() as s:
        state = s.get(Comment, cid).state
    events_before, calls_before = len(_outbox(site)), len(site.recorder.calls)

    r = path.act(site, cid, "n" * (MAX_NOTE_CHARS + 1))

    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    if r.headers["content-type"].startswith("application/json"):
        assert r.json()["error"]["field"] == path.note_field
    else:  # the workspace shows the error in the page, never cuts the note silently
        assert 'role="alert"' in r.text and f"{path.note_field} has" in r.text
    assert str(MAX_NOTE_CHARS) in r.text
    with site.session() as s:
        assert s.get(Comment, cid).state == state
    assert len(_outbox(site)) == events_before
    assert site.recorder.calls[calls_before:] == []


def test_a_rolled_back_decision_leaves_no_event_and_calls_no_hook(site: Site) -> None:
    cid = _published_and_reported(site, "c1")
    events_before, calls_before = len(_outbox(site)), len(site.recorder.calls)
    with pytest.raises(RuntimeError), site.session() as s:
        decided = decide(
            s,
            s.get(Comment, cid),
            Actor("moderator", "admin"),
            "reject",
            config=AccountabilityConfig(),
            source="api",
            rules=["insult"],
        )
        assert decided.event is not None and decided.statement is not None
        raise RuntimeError("a later step of the same transaction fails")
    with site.session() as s:
        assert s.get(Comment, cid).state == "approved"
        assert s.scalar(select(func.count(StatementOfReasons.id))) == 0
    assert len(_outbox(site)) == events_before
    assert site.recorder.calls[calls_before:] == []
    assert _open_reports(site, cid) == 1


def test_savepoints_neither_fire_nor_drop_the_hook(site: Site) -> None:
    """Only the outermost transaction counts (SQLAlchemy reports savepoints as commits too)."""
    first = _published_and_reported(site, "c1")
    second = _published_and_reported(site, "c2")
    calls_before = len(site.recorder.calls)

    def reject(s: Any, cid: str) -> None:
        decide(
            s,
            s.get(Comment, cid),
            Actor("moderator", "admin"),
            "reject",
            config=AccountabilityConfig(),
            source="api",
            rules=["insult"],
        )

    # A savepoint released after the decision, then the transaction fails: no call.
    with pytest.raises(RuntimeError), site.session() as s:
        reject(s, first)
        with s.begin_nested():
            pass
        assert site.recorder.calls[calls_before:] == []
        raise RuntimeError("a later step fails")
    # A savepoint rolled back after the decision, then the transaction commits: one call.
    with site.session() as s:
        reject(s, second)
        with pytest.raises(ValueError), s.begin_nested():
            raise ValueError("a step that may fail")
    assert [c.comment_id for c in site.recorder.calls[calls_before:]] == [second]
    assert [e.comment_id for e in _outbox(site)][-1:] == [second]


def test_a_failing_plugin_does_not_undo_the_decision_nor_silence_the_others(
    site: Site,
) -> None:
    class Broken:
        @hookimpl
        def decision_committed(self, event: CommittedDecision) -> None:
            raise RuntimeError("webhook endpoint down")

    pm.register(Broken(), name="test-broken")
    try:
        cid = _published_and_reported(site, "c1")
        calls_before = len(site.recorder.calls)
        assert _api(site, cid, "ok").status_code == 200
    finally:
        pm.unregister(name="test-broken")
    with site.session() as s:
        assert s.get(Comment, cid).state == "rejected"
    assert [c.event for c in site.recorder.calls[calls_before:]] == ["reversed"]
