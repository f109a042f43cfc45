"""The server with site models: the promoted one decides, the shadow only scores, the admin
page shows both models' agreement with the moderators; a site without a promoted model is
screened exactly as by the shipped model."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from netiquette.accounts import upsert_user
from netiquette.app import create_app
from netiquette.errors import ConfigError
from netiquette.learning.agreement import agreement
from netiquette.learning.artifact import candidate_versions
from netiquette.learning.registry import state
from netiquette.screening import ScreeningInput
from netiquette.store.models import AuditEvent, SiteModelScore
from tests.conftest import CMS, make_context, post_article, post_comment
from tests.learning.simsite import decisions
from tests.learning.sitehelpers import SITE, TrainedSite, cli, flipped_candidate, invoke
from tests.web.views.conftest import MODERATOR_PASSWORD, login

VIDEO = "Die Stadtbahn finde ich gut. Passend dazu: https://www.youtube.com/watch?v=Xy12abcdEFG"
CRITICISM = "Das ist doch Schwachsinn, die Rente reicht nie."
INSULT = "Der Bürgermeister ist ein Vollidiot, die Grundsteuer beweist es."


def promoted(trained: TrainedSite, tmp_path: Path) -> tuple[str, Path, str]:
    """A copy of the site with its candidate promoted and given calibrated thresholds."""
    url, models = trained.copy(tmp_path)
    good = candidate_versions(models, SITE)[-1]
    code, output = invoke(["models", "promote", "--site", SITE, good, "--db", url], models)
    assert code == 0, output
    # The thresholds calibration writes into meta.json (train_site's part, issue 12).
    meta_file = models / SITE / good / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["thresholds"] = {"approve_below": 0.3, "reject_above": 0.7}
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    return url, models, good


def status(client: TestClient, comment_id: str) -> dict[str, object]:
    r = client.get(f"/api/v1/comments/{comment_id}", headers=CMS)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_the_promoted_model_decides_and_names_the_sites_rule(
    trained: TrainedSite, tmp_path: Path
) -> None:
    url, models, good = promoted(trained, tmp_path)
    ctx = make_context(url, site=SITE, models_dir=str(models))
    with TestClient(create_app(context=ctx)) as client:
        post_article(client)
        for comment_id, text in (("v", VIDEO), ("c", CRITICISM), ("i", INSULT)):
            r = post_comment(client, text, id=comment_id)
            assert r.status_code == 202, r.text
        video, criticism, insult = (status(client, c) for c in ("v", "c", "i"))
    assert video["status"] == "rejected"
    decision = video["decision"]
    assert isinstance(decision, dict)
    # The site's moderators cited ad_link for video links: the statement of reasons says so.
    assert decision["rules"] == ["ad_link"]
    assert decision["policy_version"] == "site-model-v1"
    assert decision["model_versions"]["site_model"] == good
    assert criticism["status"] == "approved"
    assert insult["status"] == "rejected"
    assert insult["decision"]["rules"] == ["insult"]  # type: ignore[index]
    with ctx.db.session() as session:
        scores = session.scalars(select(SiteModelScore).order_by(SiteModelScore.id)).all()
        assert [(s.comment_id, s.role, s.model_version) for s in scores] == [
            ("v", "live", good),
            ("c", "live", good),
            ("i", "live", good),
        ]
        assert scores[0].reject and not scores[1].reject
    ctx.db.dispose()


def test_a_shadow_scores_beside_the_live_model_and_the_page_compares_both(
    trained: TrainedSite, tmp_path: Path
) -> None:
    url, models, good = promoted(trained, tmp_path)
    bad = flipped_candidate(url, models)
    code, output = invoke(["models", "shadow", "--site", SITE, bad, "--db", url], models)
    assert code == 0, output
    # Nothing automatic: every comment waits for a person, who draws the site's line.
    ctx = make_context(
        url, site=SITE, models_dir=str(models), auto_approve="off", auto_reject="off"
    )
    comments = decisions(30, seed=99)
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        post_article(client)
        token = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "test-admin-password"}
        ).json()["token"]
        for d in comments:
            r = post_comment(client, d.text, id=d.id)
            assert r.json()["status"] == "pending", r.text
            body = {"action": d.label, "rules": list(d.rules)}
            r = client.post(
                f"/api/v1/comments/{d.id}/decision",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert r.status_code == 200, r.text
        with ctx.db.session() as session:
            figures = {m.version: m for m in agreement(session, SITE)}
        login(client)
        page = client.get("/moderate/admin/models?lang=en")
    assert set(figures) == {good, bad}
    assert figures[good].roles == ["live"] and figures[bad].roles == ["shadow"]
    assert figures[good].overall.n == 30 and figures[bad].overall.n == 30
    assert figures[good].overall.value >= 0.9  # type: ignore[operator]
    assert figures[bad].overall.value <= 0.2  # type: ignore[operator]
    low, high = figures[good].overall.interval
    assert low < figures[good].overall.value <= high  # type: ignore[operator]
    assert page.status_code == 200
    assert f'data-model="{good}"' in page.text and f'data-model="{bad}"' in page.text
    assert "n = 30" in page.text and "Rejections for ad_link caught" in page.text
    ctx.db.dispose()


def test_a_site_without_a_promoted_model_is_screened_as_by_the_shipped_model(
    trained: TrainedSite, tmp_path: Path
) -> None:
    url, models, _ = promoted(trained, tmp_path)  # promoted for 'lokal', not for 'other'
    ctx = make_context(url, site="other", models_dir=str(models))
    texts = {"v": VIDEO, "c": CRITICISM, "i": INSULT, "f": "Gute Entscheidung zur Stadtbahn."}
    with TestClient(create_app(context=ctx)) as client:
        post_article(client)
        article = client.get("/api/v1/articles/a1", headers=CMS).json()
        for comment_id, text in texts.items():
            post_comment(client, text, id=comment_id)
        answers = {c: status(client, c) for c in texts}
    outcome_state = {"approve": "approved", "reject": "rejected", "review": "pending"}
    assert {a["status"] for a in answers.values()} >= {"approved", "rejected"}
    for comment_id, text in texts.items():
        shipped = ctx.pipeline.screen(
            ScreeningInput(text=text, article_text=article.get("body"), article_title="Stadtbahn")
        )
        answer = answers[comment_id]
        assert answer["status"] == outcome_state[shipped.decision.outcome], comment_id
        decision = answer["decision"]  # None while it waits for a person
        if decision is not None:
            assert isinstance(decision, dict)
            assert "site_model" not in decision["model_versions"]
            assert decision["policy_version"] == shipped.decision.policy_version
            assert decision["rules"] == list(shipped.decision.rules)
    with ctx.db.session() as session:
        assert session.scalars(select(SiteModelScore)).all() == []
    ctx.db.dispose()


def test_a_running_server_takes_up_a_promotion_once_and_keeps_the_loaded_model(
    trained: TrainedSite, tmp_path: Path
) -> None:
    url, models = trained.copy(tmp_path)
    good = candidate_versions(models, SITE)[-1]
    meta_file = models / SITE / good / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["thresholds"] = {"approve_below": 0.3, "reject_above": 0.7}
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    ctx = make_context(url, site=SITE, models_dir=str(models))
    with TestClient(create_app(context=ctx)) as client:
        post_article(client)
        post_comment(client, VIDEO, id="before")
        code, output = invoke(["models", "promote", "--site", SITE, good, "--db", url], models)
        assert code == 0, output
        # What the server's watcher thread does every site_model_check_seconds.
        assert ctx.site_models.refresh(ctx.db) is True
        loaded = ctx.site_models.loaded.live
        assert ctx.site_models.refresh(ctx.db) is False
        assert ctx.site_models.loaded.live is loaded  # loaded once, not per check
        post_comment(client, VIDEO, id="after")
        # A recalibration rewrites meta.json in place: taken up like a promotion.
        meta["thresholds"] = {"approve_below": 0.3, "reject_above": None}
        meta_file.write_text(json.dumps(meta), encoding="utf-8")
        later = meta_file.stat().st_mtime_ns + 1_000_000_000
        os.utime(meta_file, ns=(later, later))
        assert ctx.site_models.refresh(ctx.db) is True
        post_comment(client, VIDEO, id="recalibrated")
        before, after = status(client, "before"), status(client, "after")
        assert status(client, "recalibrated")["status"] == "pending"  # never rejects alone now
        code, output = invoke(["models", "rollback", "--site", SITE, "--db", url], models)
        assert code == 0, output
        assert ctx.site_models.refresh(ctx.db) is True and ctx.site_models.loaded.live is None
    shipped_decision = before["decision"]  # the shipped model's (None: a person decides)
    assert isinstance(shipped_decision, dict | None)
    assert shipped_decision is None or "site_model" not in shipped_decision["model_versions"]
    assert after["status"] == "rejected"
    assert after["decision"]["model_versions"]["site_model"] == good  # type: ignore[index]
    with ctx.db.session() as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.comment_id == "after", AuditEvent.to_state == "rejected"
            )
        ).all()
        assert [e.details["model_versions"]["site_model"] for e in events] == [good]
    ctx.db.dispose()


def test_a_live_model_that_cannot_be_loaded_stops_the_start_with_one_line(
    trained: TrainedSite, tmp_path: Path
) -> None:
    url, models, good = promoted(trained, tmp_path)
    (models / SITE / good / "model.joblib").unlink()
    with pytest.raises(ConfigError, match=f"no model.joblib.*models rollback --site {SITE}"):
        make_context(url, site=SITE, models_dir=str(models))


def test_an_admin_switches_site_models_from_the_page_and_the_guard_still_holds(
    trained: TrainedSite, tmp_path: Path
) -> None:
    url, models = trained.copy(tmp_path)
    bad = flipped_candidate(url, models)  # the newest candidate, every label flipped
    good = candidate_versions(models, SITE)[0]
    ctx = make_context(url, site=SITE, models_dir=str(models))
    with ctx.db.session() as session:
        upsert_user(session, "bea", MODERATOR_PASSWORD, "moderator")

    def registry() -> tuple[str | None, str | None, int]:
        with ctx.db.session() as session:
            now = state(session, SITE)
            return now.live, now.shadow, len(now.changes)

    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        csrf = login(client)
        # No CSRF token: refused before anything is switched.
        r = client.post("/moderate/admin/models/promote", data={"version": good})
        assert r.status_code == 403
        # Hostile versions: a clear 4xx, the text shown inert, nothing switched.
        for hostile in ("../../etc", "<script>alert(1)</script>", "a\x00b", "x" * 201):
            r = client.post(
                "/moderate/admin/models/promote", data={"version": hostile, "csrf": csrf}
            )
            assert 400 <= r.status_code < 500, (hostile, r.status_code)
            assert "<script>alert(1)</script>" not in r.text
        assert registry() == (None, None, 0) and ctx.site_models.loaded.live is None
        # The guard refuses the worse candidate against the shipped model, figure by figure,
        # with the page's way past it (not the command line's).
        r = client.post(
            "/moderate/admin/models/promote?lang=en", data={"version": bad, "csrf": csrf}
        )
        assert r.status_code == 409
        assert f"candidate {bad} falls short of the shipped model by more than 0.020" in r.text
        assert "reject F1: 0.000 against" in r.text
        assert "--force" not in r.text and "Tick “past the guard”" in r.text
        assert registry() == (None, None, 0) and ctx.site_models.loaded.live is None
        r = client.post("/moderate/admin/models/promote", data={"version": good, "csrf": csrf})
        assert r.status_code == 303
        assert r.headers["location"] == "/moderate/admin/models?done=promoted"
        # This process decides with it at once, without waiting for its next check.
        assert ctx.site_models.loaded.live.version == good
        r = client.post("/moderate/admin/models/shadow", data={"version": bad, "csrf": csrf})
        assert r.status_code == 303 and ctx.site_models.loaded.shadow.version == bad
        page = client.get("/moderate/admin/models?done=shadow&lang=en")
        assert "scores new comments in the shadow" in page.text
        assert "Roll back to the shipped model" in page.text and "Stop the shadow run" in page.text
        r = client.post(
            "/moderate/admin/models/promote",
            data={"version": bad, "force": "on", "csrf": csrf},
        )
        assert r.status_code == 303
        assert r.headers["location"] == "/moderate/admin/models?done=forced"
        assert ctx.site_models.loaded.live.version == bad
        assert f"Roll back to {good}" in client.get("/moderate/admin/models?lang=en").text
        r = client.post("/moderate/admin/models/rollback", data={"csrf": csrf})
        assert r.status_code == 303 and ctx.site_models.loaded.live.version == good
        r = client.post("/moderate/admin/models/shadow", data={"version": "off", "csrf": csrf})
        assert r.status_code == 303 and ctx.site_models.loaded.shadow is None
        assert registry()[:2] == (good, None)
        # A moderator sees no page and may switch nothing.
        client.cookies.clear()
        bea = login(client, "bea", MODERATOR_PASSWORD)
        assert client.get("/moderate/admin/models").status_code == 403
        for path, form in (
            ("rollback", {}),
            ("promote", {"version": bad, "force": "on"}),
            ("shadow", {"version": bad}),
        ):
            r = client.post(f"/moderate/admin/models/{path}", data={**form, "csrf": bea})
            assert r.status_code == 403, path
        assert registry()[:2] == (good, None)
    with ctx.db.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.event.like("site_model_%")).order_by(AuditEvent.id)
        ).all()
        kinds = [(e.event, e.actor) for e in events]
    assert [k for k, _ in kinds] == [
        "site_model_promoted",
        "site_model_shadowed",
        "site_model_promoted",
        "site_model_rolled_back",
        "site_model_unshadowed",
    ]
    assert {actor for _, actor in kinds} == {"moderator:admin"}  # the admin who clicked
    assert events[2].details.get("forced") is True
    ctx.db.dispose()


def test_a_rollback_to_a_model_that_can_no_longer_be_read_is_refused_before_it_is_recorded(
    trained: TrainedSite, tmp_path: Path
) -> None:
    url, models = trained.copy(tmp_path)
    bad = flipped_candidate(url, models)
    good = candidate_versions(models, SITE)[0]
    for version, force in ((good, []), (bad, ["--force"])):
        code, output = invoke(
            ["models", "promote", "--site", SITE, version, *force, "--db", url], models
        )
        assert code == 0, output
    (models / SITE / good / "model.joblib").write_bytes(b"not a pickle")
    ctx = make_context(url, site=SITE, models_dir=str(models))
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        csrf = login(client)
        r = client.post("/moderate/admin/models/rollback?lang=en", data={"csrf": csrf})
        assert r.status_code == 422 and "model.joblib cannot be read" in r.text
        assert ctx.site_models.loaded.live.version == bad
    code, output = cli(["models", "rollback", "--site", SITE, "--db", url], models)
    assert code != 0 and "model.joblib cannot be read" in output
    assert "Traceback" not in output
    with ctx.db.session() as session:
        assert state(session, SITE).live == bad  # nothing recorded that no server could load
    ctx.db.dispose()


def test_the_page_says_what_each_candidate_reads_and_which_to_train_again(
    trained: TrainedSite, tmp_path: Path
) -> None:
    url, models = trained.copy(tmp_path)
    text_only = candidate_versions(models, SITE)[0]
    # A candidate that read an older release's scores (its meta.json as training writes it).
    older = f"{SITE}-20200101-000000"
    target = models / SITE / older
    target.mkdir()
    (target / "model.joblib").write_bytes((models / SITE / text_only / "model.joblib").read_bytes())
    meta = json.loads((models / SITE / text_only / "meta.json").read_text(encoding="utf-8"))
    meta["model_version"] = older
    meta["features"] = {
        "chosen": "text+shipped",
        "shipped_rules": ["insult"],
        "shipped_versions": {"insult": "model-v1", "model": "houserules-0"},
    }
    (target / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    ctx = make_context(url, site=SITE, models_dir=str(models))
    running = ctx.pipeline.versions["model"]
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        login(client)
        page = client.get("/moderate/admin/models?lang=de").text
    row = {v: page.split(f'data-candidate="{v}"')[1].split("</tr>")[0] for v in (older, text_only)}
    assert 'data-reads=""' in row[text_only] and "data-stale" not in row[text_only]
    assert "Text und die Werte von houserules-0" in row[older]
    assert f"dieser Server läuft mit {running}: neu trainieren" in row[older]
    code, output = invoke(["models", "list", "--site", SITE, "--db", url], models, COLUMNS="200")
    assert code == 0 and "text + houserules-0 scores" in output
