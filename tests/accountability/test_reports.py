"""Readers report published comments; the reports form a queue for moderators."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.accountability.helpers import CLEAN, INSULT, admin, publish, submit


def test_a_report_lands_in_the_queue_illegal_content_first(client: TestClient) -> None:
    mod = admin(client)
    one, two = publish(client, mod, CLEAN), publish(client, mod, CLEAN + " Endlich!")
    r = client.post(
        f"/api/v1/comments/{one['id']}/reports",
        json={"reason": "off_topic", "reader_id": "reader-7"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "received"
    r = client.post(
        f"/api/v1/comments/{two['id']}/reports",
        json={
            "reason": "illegal_content",
            "explanation": "Das ist eine Drohung gegen den Bürgermeister.",
            "legal_ground": "§ 241 StGB",
            "contact": "leser@example.org",
        },
    )
    assert r.status_code == 201, r.text

    queue = client.get("/api/v1/reports", headers=mod).json()["reports"]
    assert [(q["comment_id"], q["reason"]) for q in queue] == [
        (two["id"], "illegal_content"),
        (one["id"], "off_topic"),
    ]
    assert queue[0]["legal_ground"] == "§ 241 StGB"
    assert queue[1]["reporter"].startswith("reader:") and "reader-7" not in queue[1]["reporter"]
    # The workspace shows them in its "reported" tab as well.
    counts = client.get("/api/v1/reports?open=true", headers=mod).json()["count"]
    assert counts == 2
    audit = client.get(f"/api/v1/audit?comment_id={two['id']}", headers=mod).json()["events"]
    reported = [e for e in audit if e["event"] == "reported"]
    assert reported[0]["details"] == {"reason": "illegal_content"}
    assert "Drohung" not in str(audit) and "leser@example.org" not in str(audit)


def test_reports_need_a_known_reason_and_a_published_comment(client: TestClient) -> None:
    rejected = submit(client, INSULT)
    published = publish(client, admin(client), CLEAN)
    url = f"/api/v1/comments/{published['id']}/reports"
    assert client.post(url, json={"reason": "weil"}).json()["error"]["field"] == "reason"
    missing = client.post(url, json={"reason": "illegal_content"})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "explanation"
    hidden = client.post(f"/api/v1/comments/{rejected['id']}/reports", json={"reason": "insult"})
    assert hidden.status_code == 404
    assert client.get("/api/v1/reports").status_code == 401
