"""The transparency report: figures in JSON and CSV, charts in HTML, and the workspace pages."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.report_html import CHAR_WIDTH, horizontal_bars
from netiquette.app import create_app
from netiquette.cli import app as cli
from netiquette.review.decide import decide as decide_comment
from netiquette.review.machine import Actor
from netiquette.review.spotchecks import record_check
from netiquette.store.models import AuditEvent, Comment, Decision, StatementOfReasons, User, utcnow
from netiquette.web.context import AppContext
from netiquette.web.views.sessions import COOKIE, start_session
from tests.accountability.helpers import CLEAN, INSULT, admin, decide, second_moderator, submit
from tests.conftest import make_context


def _days() -> list[str]:
    today = utcnow().date()
    return ["--from", str(today - timedelta(days=1)), "--to", str(today + timedelta(days=1))]


def _scenario(ctx: AppContext, client: TestClient) -> dict[str, str]:
    mod = admin(client)
    auto = submit(client, INSULT)  # automatic rejection
    held = submit(client, CLEAN, id="comment-under-appeal")
    decide(client, mod, held["id"], "reject", "off_topic")  # human rejection
    r = client.post(
        f"/api/v1/public/comments/{held['id']}/appeal",
        json={"text": "Der Kommentar gehört zum Thema.", "token": held["status_token"]},
    )
    assert r.status_code == 201
    published = submit(client, CLEAN, id="published")
    decide(client, mod, published["id"], "approve")
    r = client.post(
        f"/api/v1/comments/{published['id']}/reports",
        json={"reason": "illegal_content", "explanation": "Beleidigung nach § 185 StGB"},
    )
    assert r.status_code == 201
    with ctx.db.session() as session:
        first = session.scalar(
            select(Decision).where(Decision.comment_id == auto["id"]).order_by(Decision.id)
        )
        assert first is not None
        record_check(
            session, first.id, Actor("admin", "admin"), "correct", config=AccountabilityConfig()
        )
    return {"auto": auto["id"], "held": held["id"]}


def test_report_figures_in_json_csv_and_html(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    runner = CliRunner()
    with TestClient(create_app(context=ctx)) as client:
        ids = _scenario(ctx, client)
        result = runner.invoke(cli, ["report", *_days(), "--db", database_url])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["comments_received"] == 3
        assert report["decisions"]["reject"] == 2
        assert report["decisions"]["automatic_reject"] == 1
        assert report["decisions"]["human_reject"] == 1
        assert report["decisions"]["human_approve"] == 1
        assert report["rejections_by_rule"]["insult"] == {"automatic": 1, "human": 0}
        assert report["rejections_by_rule"]["off_topic"] == {"automatic": 0, "human": 1}
        assert report["decision_time"]["decided"] == 3
        assert report["decision_time"]["median_s"] is not None
        assert report["appeals"]["received"] == 1 and report["appeals"]["open"] == 1
        assert report["reports"]["received"] == 1
        assert report["reports"]["illegal_content_notices"] == 1
        assert report["reports"]["open"] == 1
        with ctx.db.session() as session:  # statements as they exist, not one per rejection
            existing = session.scalar(select(func.count(StatementOfReasons.id)))
        assert report["statements"]["issued"] == existing
        assert report["spot_checks"][0]["precision"] == 1.0
        assert report["wait_estimates"]["all"]["comments"] == 2

        second = second_moderator(ctx, client)
        appeal_id = client.get("/api/v1/appeals", headers=second).json()["appeals"][0]["id"]
        r = client.post(
            f"/api/v1/appeals/{appeal_id}/decision",
            json={"outcome": "reversed", "reason": "Passt zum Artikel."},
            headers=second,
        )
        assert r.status_code == 200
        rows = runner.invoke(cli, ["report", *_days(), "--format", "csv", "--db", database_url])
        figures = dict(csv.reader(io.StringIO(rows.output)))
        assert figures["appeals.reversed"] == "1" and figures["appeals.open"] == "0"
        assert ids["held"] not in rows.output

        html = runner.invoke(
            cli, ["report", *_days(), "--format", "html", "--lang", "en", "--db", database_url]
        ).output
        assert html.startswith("<!doctype html>") and "Transparency report" in html
        assert html.count("<svg") >= 3 and "<rect" in html
        assert "<script" not in html and 'src="http' not in html and 'href="http' not in html
    ctx.db.dispose()


def _browser(ctx: AppContext, client: TestClient, username: str) -> str:
    """Log ``username`` in to the workspace; returns the CSRF token."""
    with ctx.db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        token = start_session(session, user, 3600)
    client.cookies.set(COOKIE, token)
    page = client.get("/moderate/appeals")
    assert page.status_code == 200, page.text
    return page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_workspace_pages_for_appeals_and_the_report(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        _scenario(ctx, client)
        second_moderator(ctx, client)
        assert client.get("/moderate/appeals", follow_redirects=False).status_code == 303

        csrf = _browser(ctx, client, "admin")
        page = client.get("/moderate/appeals?lang=en").text
        assert "Der Kommentar gehört zum Thema." in page
        assert "You took this decision" in page  # admin rejected it: no form for them

        csrf = _browser(ctx, client, "bea")
        page = client.get("/moderate/appeals?lang=en").text
        assert "Reverse and publish" in page
        appeal_id = page.split('action="/moderate/appeals/', 1)[1].split("/", 1)[0]
        r = client.post(
            f"/moderate/appeals/{appeal_id}/decide",
            data={"csrf": csrf, "outcome": "upheld", "reason": "Kein Bezug zum Artikel."},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert "Kein Bezug zum Artikel." in client.get("/moderate/appeals").text

        report = client.get("/moderate/transparency?lang=en")
        assert report.status_code == 200 and report.text.count("<svg") >= 3
        assert "script-src 'self'" in report.headers["content-security-policy"]
        data = client.get("/moderate/transparency.json").json()
        assert data["appeals"]["upheld"] == 1
        assert client.get("/moderate/transparency.csv").text.startswith("figure,value")
    ctx.db.dispose()


def test_the_default_period_ends_today_in_the_sites_time_zone(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 22:30 UTC on 1 June is 00:30 on 2 June in Berlin: the last 30 days end on 2 June there,
    # or a report opened after midnight would leave out the newest decisions and appeals.
    late = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)
    monkeypatch.setattr("netiquette.web.views.accountability.utcnow", lambda: late)
    ctx = make_context(database_url)
    with TestClient(create_app(context=ctx)) as client:
        _browser(ctx, client, "admin")
        period = client.get("/moderate/transparency.json").json()["period"]
        assert (period["from"], period["to"]) == ("2026-05-04", "2026-06-02")
        assert period["timezone"] == "Europe/Berlin"
    ctx.db.dispose()


def _from_the_log(session: Session) -> dict[str, Counter[str]]:
    """Every count of the report, rebuilt from the audit chain alone (no decision rows)."""
    last: dict[str, tuple[int, str, bool]] = {}
    taken: list[tuple[int, str, bool, list[str]]] = []
    undone: set[int] = set()
    issued: list[int] = []
    out: dict[str, Counter[str]] = {k: Counter() for k in ("decisions", "rules", "other")}
    for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        d = e.details or {}
        if e.event == "received":
            out["other"]["received"] += 1
        elif e.event == "statement_issued":
            issued.append(int(d["decision_id"]))
        elif e.event == "appealed":
            out["other"]["appeals"] += 1
        elif e.event == "appeal_decided":
            out["other"][f"appeal_{d['outcome']}"] += 1
        elif e.event == "reported":
            out["other"]["reports"] += 1
        if d.get("action") not in ("approve", "reject", "undo") or "decision_id" not in d:
            continue
        assert e.comment_id is not None
        previous = last.get(e.comment_id)
        if d["action"] == "undo":
            assert previous is not None
            undone.add(previous[0])
        elif previous is not None and previous[1] not in (d["action"], "undo"):
            out["decisions"][
                "reversed_rejection" if d["action"] == "approve" else "reversed_approval"
            ] += 1
            taken.append((int(d["decision_id"]), "reversal", bool(d["automated"]), []))
        else:
            taken.append((int(d["decision_id"]), d["action"], bool(d["automated"]), d["rules"]))
        last[e.comment_id] = (int(d["decision_id"]), d["action"], bool(d.get("automated")))
    automated = {i: a for i, _, a, _ in taken}
    for decision_id, action, auto, rules in taken:
        if decision_id in undone:
            out["decisions"]["undone"] += 1
        elif action != "reversal":
            who = "automatic" if auto else "human"
            out["decisions"].update(["total", who, action, f"{who}_{action}"])
            if action == "reject":
                out["rules"].update(f"{rule}.{who}" for rule in rules)
    for decision_id in issued:
        if decision_id in undone:
            out["other"]["statements_withdrawn"] += 1
        else:
            out["other"]["statements"] += 1
            human = not automated[decision_id]
            out["other"]["statements_" + ("human" if human else "automated")] += 1
    return out


def test_every_count_rebuilds_from_the_audit_log(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False)
    runner = CliRunner()
    with TestClient(create_app(context=ctx)) as client:
        _scenario(ctx, client)
        second = second_moderator(ctx, client)
        appeal_id = client.get("/api/v1/appeals", headers=second).json()["appeals"][0]["id"]
        r = client.post(
            f"/api/v1/appeals/{appeal_id}/decision",
            json={"outcome": "reversed", "reason": "Passt zum Artikel."},
            headers=second,
        )
        assert r.status_code == 200
        # A rejection taken back at once (the report once counted it as a rejection).
        taken_back = submit(client, CLEAN, id="taken-back")
        mod = Actor("moderator", "carl")
        config = AccountabilityConfig()
        with ctx.db.session() as session:  # the rejection issues its statement
            comment = session.get(Comment, taken_back["id"])
            assert comment is not None
            decide_comment(
                session, comment, mod, "reject", config=config, source="api", rules=["off_topic"]
            )
        with ctx.db.session() as session:  # and is taken back: the statement is withdrawn
            comment = session.get(Comment, taken_back["id"])
            assert comment is not None
            decide_comment(session, comment, mod, "undo", config=config, source="workspace")
        result = runner.invoke(cli, ["report", *_days(), "--db", database_url])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
    with ctx.db.session() as session:
        log = _from_the_log(session)
    assert report["decisions"] == {k: log["decisions"].get(k, 0) for k in report["decisions"]}
    assert report["decisions"]["undone"] == 1 and report["decisions"]["reversed_rejection"] == 1
    assert report["decisions"]["human_reject"] == 1  # the reversed one; not the undone one
    for rule, counts in report["rejections_by_rule"].items():
        for who, n in counts.items():
            assert n == log["rules"].get(f"{rule}.{who}", 0), (rule, who)
    other = log["other"]
    assert report["comments_received"] == other["received"]
    assert report["statements"]["issued"] == other["statements"]
    assert report["statements"]["withdrawn"] == other["statements_withdrawn"] == 1
    assert report["statements"]["automated_decision_not_automated"] == other["statements_human"]
    assert report["statements"]["automated_decision_fully"] == other["statements_automated"]
    assert report["appeals"]["received"] == other["appeals"]
    assert report["appeals"]["reversed"] == other["appeal_reversed"] == 1
    assert report["appeals"]["upheld"] == other["appeal_upheld"]
    assert report["reports"]["received"] == other["reports"]
    ctx.db.dispose()


def test_chart_labels_fit_in_the_drawing() -> None:
    # "Meldungen von Leserinnen und Lesern" was drawn from x < 0 and showed "dungen von …".
    label = "Meldungen von Leserinnen und Lesern"
    chart = horizontal_bars("Ergebnisse", ["a", "b"], [(label, [3, 1]), ("Einsprüche", [1, 0])])
    for text in chart.labels:
        if text.anchor == "end":
            assert text.x - CHAR_WIDTH * len(text.text) >= 0, text.text
    assert all(r.x + r.width <= chart.width for r in chart.rects)
