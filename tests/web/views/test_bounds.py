"""Huge numbers and far-off dates from a logged-in user answer 4xx or an empty page, never 500."""

from __future__ import annotations

from fastapi.testclient import TestClient

from netiquette.app import create_app
from tests.conftest import ADMIN_PASSWORD, post_article
from tests.web.views.conftest import login, workspace_context

HUGE = "99999999999999999999"

API_GETS = [
    f"/api/v1/audit?after_id={HUGE}",
    f"/api/v1/audit?after_id=-{HUGE}",
    "/api/v1/audit?after_id=1e20",
    f"/api/v1/audit?limit={HUGE}",
    "/api/v1/queue?offset=1e20",
    f"/api/v1/queue?offset={HUGE}",
    f"/api/v1/queue?limit={HUGE}",
    f"/api/v1/appeals/{HUGE}",
    f"/api/v1/appeals/-{HUGE}",
    f"/api/v1/appeals?limit={HUGE}",
    f"/api/v1/wait/accuracy?days={HUGE}",
]
PAGES = [
    "/moderate/stats?from=0001-01-01&to=9999-12-31",
    "/moderate/stats?from=9999-12-31&to=9999-12-31",
    "/moderate/stats?from=0001-01-01&to=0001-01-01",
    "/moderate/stats?from=9999-12-31&to=0001-01-01",
    "/moderate/transparency?from=0001-01-01&to=9999-12-31",
    "/moderate/transparency?from=9999-12-31&to=9999-12-31",
    "/moderate/transparency?from=0001-01-01&to=0001-01-01",
    "/moderate/transparency.json?from=9999-12-31&to=9999-12-31",
    "/moderate/transparency.csv?from=0001-01-01&to=0001-01-02",
]
FORMS = [f"/moderate/spot/{HUGE}", f"/moderate/appeals/{HUGE}/decide", "/moderate/spot/-1"]


def test_out_of_range_numbers_and_dates_are_refused_not_crashed(database_url: str) -> None:
    ctx = workspace_context(database_url)
    with TestClient(
        create_app(context=ctx), follow_redirects=False, raise_server_exceptions=False
    ) as client:
        post_article(client)
        token = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        answers = {url: client.get(url, headers=bearer).status_code for url in API_GETS}
        r = client.post(
            f"/api/v1/appeals/{HUGE}/decision",
            json={"outcome": "upheld", "reason": "Begründung"},
            headers=bearer,
        )
        answers["POST appeal decision"] = r.status_code

        csrf = login(client)
        answers |= {url: client.get(url).status_code for url in PAGES}
        for url in FORMS:
            r = client.post(url, data={"csrf": csrf, "verdict": "correct", "outcome": "upheld"})
            answers["POST " + url] = r.status_code
        assert {url: code for url, code in answers.items() if not 200 <= code < 500} == {}
        # The API refuses what it cannot look up (not a silent empty page).
        assert all(400 <= answers[url] < 500 for url in API_GETS), answers
        # The dashboard clamps the days and still renders.
        assert answers["/moderate/stats?from=0001-01-01&to=9999-12-31"] == 200
    ctx.db.dispose()
