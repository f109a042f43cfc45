"""The transparency report: figures in JSON and CSV, charts in HTML, and the workspace pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from netiquette.accountability.config import AccountabilityConfig
from netiquette.app import create_app
from netiquette.cli import app as cli
from netiquette.review.machine import Actor
from netiquette.review.spotchecks import record_check
from netiquette.store.models import Decision, User, utcnow
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
        assert report["statements"]["issued"] == 2
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
