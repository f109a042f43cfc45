"""Workers mode: acceptance answers at once, workers screen; nothing lost, nothing applied twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from netiquette.app import create_app
from netiquette.review.audit import intake_chain, sites, verify_chain
from netiquette.review.intake import Intake
from netiquette.review.rescreen import collect_run, queue_rescreen, run_outstanding
from netiquette.screening.harm import SCREENING_FAILED
from netiquette.store.models import AuditEvent, Comment, Decision, Screening, ScreeningJob
from netiquette.web.context import AppContext
from netiquette.work import jobs
from netiquette.work.worker import Worker
from tests.conftest import CMS, make_context, post_article


@pytest.fixture
def wctx(database_url: str) -> Iterator[AppContext]:
    """An instance in workers mode; the tests run the worker themselves (no lifespan)."""
    context = make_context(database_url, screening_queue="workers", delivery_loop=False)
    yield context
    context.db.dispose()


@pytest.fixture
def wclient(wctx: AppContext) -> TestClient:
    """The real app without its lifespan: no background worker thread races the test."""
    client = TestClient(create_app(context=wctx))
    post_article(client)
    return client


def _post(
    client: TestClient, comment_id: str, text: str = "Gute Entscheidung."
) -> dict[str, object]:
    body = {"id": comment_id, "article_id": "a1", "author": {"id": "u1", "name": "L"}, "text": text}
    r = client.post("/api/v1/comments", json=body, headers=CMS)
    assert r.status_code == 202, r.text
    answer: dict[str, object] = r.json()
    return answer


def _worker(ctx: AppContext, intake: Intake | None = None, **options: Any) -> Worker:
    return Worker(ctx.db, intake or ctx.intake, concurrency=1, **options)  # type: ignore[arg-type]


def _counts(ctx: AppContext, comment_id: str) -> tuple[int, int, int]:
    """(policy decisions — transitions out of ``received`` —, screening rows, jobs)."""
    with ctx.db.session() as session:
        decided = session.scalar(
            select(func.count()).where(
                AuditEvent.comment_id == comment_id, AuditEvent.from_state == "received"
            )
        )
        screenings, queued = (
            session.scalar(select(func.count()).where(model.comment_id == comment_id))
            for model in (Screening, ScreeningJob)
        )
        return int(decided or 0), int(screenings or 0), int(queued or 0)


def test_acceptance_answers_received_with_a_wait_and_a_worker_decides(
    wctx: AppContext, wclient: TestClient
) -> None:
    answer = _post(wclient, "q1")
    assert answer["status"] == "received"
    assert isinstance(answer["estimated_wait_seconds"], int)
    assert answer["estimated_wait_seconds"] >= 1  # not screened yet: never "0, decided"
    assert answer["public_status_url"]
    assert _counts(wctx, "q1") == (0, 0, 1)  # stored with its job, nothing screened yet
    with wctx.db.session() as session:  # its receipt is chained on an intake chain
        received = session.scalars(select(AuditEvent).where(AuditEvent.comment_id == "q1")).one()
        assert received.site == intake_chain("q1") and received.seq == 1
        assert all(verify_chain(session, site).ok for site in sites(session))
    # The commenter's page and the CMS see it as being reviewed.
    page = wclient.get(str(answer["public_status_url"]))
    assert page.status_code == 200 and page.json()["status"] == "received"
    assert wclient.get("/api/v1/comments/q1", headers=CMS).json()["status"] == "received"

    assert _worker(wctx).run_once() == 1
    status = wclient.get("/api/v1/comments/q1", headers=CMS).json()
    assert status["status"] == "pending"  # the shipped policy leaves clean comments to a human
    rules = len(status["screening"])
    assert _counts(wctx, "q1") == (1, rules, 0)  # one decision, one screening, job gone
    assert _worker(wctx).run_once() == 0


def test_a_repeat_while_queued_answers_received_and_adds_no_job(
    wctx: AppContext, wclient: TestClient
) -> None:
    first = _post(wclient, "q2")
    again = _post(wclient, "q2")
    assert again["status"] == "received" and again["id"] == first["id"]
    assert _counts(wctx, "q2") == (0, 0, 1)


def test_a_job_applied_twice_leaves_one_decision(wctx: AppContext, wclient: TestClient) -> None:
    """Two workers holding the same job (a lease ran out under a slow one) decide it once."""
    _post(wclient, "q3", "Du Vollidiot, halt die Klappe!")
    (job,) = jobs.claim(wctx.db, "w1", lease_s=60)
    with wctx.db.session() as session:  # the lease ran out while w1 was still busy
        session.execute(update(ScreeningJob).values(locked_until=datetime.now(UTC)))
    (again,) = jobs.claim(wctx.db, "w2", lease_s=60)
    assert again.id == job.id and again.attempts == 2
    _worker(wctx).process(again)
    _worker(wctx).process(job)
    decisions, screenings, left = _counts(wctx, "q3")
    assert decisions == 1 and left == 0
    assert screenings == len(wctx.pipeline.house_rules.keys)


def test_a_dead_workers_job_is_taken_again_after_its_lease(
    wctx: AppContext, wclient: TestClient
) -> None:
    _post(wclient, "q4")
    assert len(jobs.claim(wctx.db, "dies", lease_s=60)) == 1  # claimed, then the worker died
    assert _worker(wctx).run_once() == 0  # leased: nobody else takes it
    with wctx.db.session() as session:
        session.execute(
            update(ScreeningJob).values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert _worker(wctx).run_once() == 1
    assert _counts(wctx, "q4")[0] == 1


class BrokenIntake(Intake):
    """An intake whose database step fails every time (not the screening: that has a fallback)."""

    def screen_and_decide(self, comment_id: str, finish: object = None) -> tuple[str, int]:
        raise RuntimeError("the database went away")


def test_a_job_that_keeps_failing_is_retried_then_sent_to_a_human(
    wctx: AppContext, wclient: TestClient
) -> None:
    _post(wclient, "q5")
    broken = BrokenIntake(wctx.db, wctx.pipeline, 10_000, 60)
    worker = _worker(wctx, broken, max_attempts=2)
    for attempt in (1, 2):
        assert worker.run_once() == 1
        with wctx.db.session() as session:
            job = session.scalars(select(ScreeningJob)).one()
            assert (job.attempts, job.last_error) == (attempt, "RuntimeError")
            assert job.run_after > datetime.now(UTC)  # backs off
            assert job.locked_until is None
            session.execute(update(ScreeningJob).values(run_after=datetime.now(UTC)))
    assert worker.run_once() == 1  # the third claim is past the limit: a human decides
    with wctx.db.session() as session:
        comment = session.get(Comment, "q5")
        assert comment is not None
        assert (comment.state, comment.priority) == ("pending", SCREENING_FAILED)
        queued = session.scalars(
            select(AuditEvent).where(AuditEvent.comment_id == "q5", AuditEvent.event == "queued")
        ).one()
        assert "RuntimeError" in str(queued.details)
        assert session.scalar(select(func.count()).select_from(ScreeningJob)) == 0
        assert verify_chain(session).ok


def test_comments_left_without_a_job_get_one_at_start(wctx: AppContext) -> None:
    """A comment an inline-mode process stored and never screened is queued by the next start."""
    inline = make_context(wctx.settings.database_url, delivery_loop=False)
    client = TestClient(create_app(context=inline))
    post_article(client)
    with inline.db.session() as session:
        inline.intake._store(session, "orphan", _new("orphan"), "Hallo.", "0" * 64, "x" * 64, "t")
    inline.db.dispose()
    create_app(context=wctx)  # start in workers mode
    assert _counts(wctx, "orphan") == (0, 0, 1)
    assert _worker(wctx).run_once() == 1
    assert _counts(wctx, "orphan")[0] == 1


def _new(comment_id: str) -> object:
    from netiquette.review.intake import NewComment

    return NewComment("a1", "u1", "L", "Hallo.", id=comment_id)


def test_rescreen_through_the_workers_keeps_every_decision(
    wctx: AppContext, wclient: TestClient
) -> None:
    for i in range(3):
        _post(wclient, f"r{i}")
    worker = _worker(wctx)
    while worker.run_once():
        pass
    with wctx.db.session() as session:
        states = dict(session.execute(select(Comment.id, Comment.state)).all())
        decisions = session.scalar(select(func.count()).select_from(Decision))
    since = datetime(2000, 1, 1, tzinfo=UTC)
    run, queued, skipped = queue_rescreen(wctx.db, since)
    assert (queued, skipped, run_outstanding(wctx.db, run)) == (3, 0, 3)
    while worker.run_once():
        pass
    assert run_outstanding(wctx.db, run) == 0
    report = collect_run(wctx.db, run, since, wctx.pipeline.versions)
    assert (report.screened, report.flags_changed, report.policy_differs) == (3, 0, 0)
    with wctx.db.session() as session:
        assert dict(session.execute(select(Comment.id, Comment.state)).all()) == states
        assert session.scalar(select(func.count()).select_from(Decision)) == decisions
        rows = session.scalar(select(func.count()).select_from(Screening))
        assert rows == 2 * 3 * len(wctx.pipeline.house_rules.keys)  # old rows stay, new added
        assert session.scalar(select(func.count()).select_from(ScreeningJob)) == 0
        event = session.scalars(select(AuditEvent).where(AuditEvent.event == "rescreened")).one()
        assert event.details["by"] == "workers" and event.details["comments"] == 3


def test_metrics_show_the_job_backlog_and_the_jobs_done(
    wctx: AppContext, wclient: TestClient
) -> None:
    from tests.test_operations import _metric

    for i in range(3):
        _post(wclient, f"m{i}")
    body = wclient.get("/metrics").text
    assert _metric(body, "netiquette_screening_jobs_queued", kind="screen") == 3
    assert _metric(body, "netiquette_screening_backlog") == 3
    before = _metric(body, "netiquette_screening_jobs_total", kind="screen", result="done")
    _worker(wctx).run_once()
    body = wclient.get("/metrics").text
    assert _metric(body, "netiquette_screening_jobs_queued", kind="screen") == 2
    assert _metric(body, "netiquette_screening_jobs_total", kind="screen", result="done") == (
        before + 1
    )


def test_sqlite_serve_screens_in_a_thread_of_its_own(tmp_path: object) -> None:
    """One command on SQLite: the app's lifespan runs the worker."""
    ctx = make_context(
        f"sqlite:///{tmp_path}/one.db", screening_queue="workers", delivery_loop=False
    )
    with TestClient(create_app(context=ctx)) as client:
        post_article(client)
        assert _post(client, "s1")["status"] == "received"
        deadline = time.monotonic() + 30
        state = "received"
        while state == "received" and time.monotonic() < deadline:
            time.sleep(0.1)
            state = client.get("/api/v1/comments/s1", headers=CMS).json()["status"]
        assert state == "pending"  # screened and queued for a human, as inline
    ctx.db.dispose()


def test_a_stale_wait_estimate_is_answered_at_once_and_renewed_in_the_background(
    wctx: AppContext, wclient: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Acceptance never waits for the queue arithmetic (it grows with the comments table):
    the first estimate is computed, later ones are renewed by one background thread."""
    intake = wctx.intake
    assert intake.known_acceptance_wait() is None
    first = _post(wclient, "e1")["estimated_wait_seconds"]
    assert intake._estimate[1] == first  # read without starting a renewal

    computed: list[int] = []
    release = threading.Event()

    def slow_compute() -> int:
        release.wait(10)
        computed.append(4321)
        return 4321

    monkeypatch.setattr(intake, "_compute_acceptance_wait", slow_compute)
    intake._estimate = (time.monotonic() - 60, 1234)  # stale
    # Answered with the estimate held while the renewal is still running, by any number.
    assert [_post(wclient, f"e{i}")["estimated_wait_seconds"] for i in (2, 3, 4)] == [1234] * 3
    release.set()
    deadline = time.monotonic() + 10
    while intake.known_acceptance_wait() != 4321 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert intake.known_acceptance_wait() == 4321
    assert computed == [4321]  # one renewal for the three stale answers

    def broken() -> int:
        raise RuntimeError("database gone")

    monkeypatch.setattr(intake, "_compute_acceptance_wait", broken)
    intake._estimate = (time.monotonic() - 60, 777)
    assert _post(wclient, "e5")["estimated_wait_seconds"] == 777
    deadline = time.monotonic() + 10
    while intake._estimate_lock.locked() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not intake._estimate_lock.locked()  # a failed renewal lets the next one try
    assert intake.known_acceptance_wait() == 777


def test_a_claim_reads_the_jobs_it_takes_not_the_whole_backlog(pg_url: str) -> None:
    """A queue table swings from empty to tens of thousands of rows between two autoanalyze
    runs; with statistics taken while it was empty, a claim must still not read and sort every
    waiting job (it did: 4.4 ms per claim at 11,000 jobs, growing with the backlog)."""
    from sqlalchemy import insert
    from sqlalchemy.dialects import postgresql

    ctx = make_context(pg_url, screening_queue="workers", delivery_loop=False)
    try:
        client = TestClient(create_app(context=ctx))
        post_article(client)
        _post(client, "c1")  # one comment; the jobs below all point to it
        with ctx.db.session() as session:
            session.execute(text("ANALYZE screening_jobs"))  # statistics of a tiny queue
            due = datetime.now(UTC) - timedelta(minutes=5)
            rows = [jobs.job_row("c1", at=due + timedelta(milliseconds=i)) for i in range(5000)]
            session.execute(insert(ScreeningJob), rows)
        query = jobs.claim_query("postgresql", datetime.now(UTC))
        dialect = postgresql.dialect()
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        with ctx.db.session() as session:
            plan = "\n".join(session.scalars(text("EXPLAIN ANALYZE " + sql)))
        assert "Sort" not in plan, plan
        assert "ix_screening_jobs_due" in plan, plan
        assert "rows=1 loops=1" in plan.splitlines()[0], plan  # the one job it takes
    finally:
        ctx.db.dispose()


def test_a_worker_yields_to_a_burst_for_at_most_its_longest_pause(wctx: AppContext) -> None:
    """worker_yield_above: no jobs taken while comments arrive faster, but never for longer
    than worker_yield_max_seconds in a row, and at once again when the burst ends."""
    now = [0.0]
    worker = _worker(wctx, yield_above=100, yield_max_s=60, clock=lambda: now[0])
    assert worker.observe_arrivals(80) is False  # below the threshold
    assert worker.observe_arrivals(500) is True  # a burst: yield
    now[0] = 59.0
    assert worker.observe_arrivals(450) is True
    now[0] = 61.0
    assert worker.observe_arrivals(450) is False  # a minute is the longest pause
    now[0] = 90.0
    assert worker.observe_arrivals(450) is False  # still the same burst: screened as it comes
    assert worker.observe_arrivals(20) is False  # the burst ends ...
    now[0] = 95.0
    assert worker.observe_arrivals(300) is True  # ... and the next one is yielded to again
    off = _worker(wctx)  # the default: never yields
    assert off.observe_arrivals(100_000) is False


def test_a_yielding_worker_takes_no_job_until_the_burst_ends(
    wctx: AppContext, wclient: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netiquette.work.worker as worker_module

    monkeypatch.setattr(worker_module, "ARRIVALS_EVERY_S", 3600.0)  # the test reads for it
    started = datetime.now(UTC)
    worker = _worker(wctx, yield_above=100, poll_s=0.05)
    worker.observe_arrivals(400)
    worker.start()
    try:
        for i in range(3):
            _post(wclient, f"y{i}")
        assert jobs.received_since(wctx.db, started) == 3  # the arrival count the worker reads
        time.sleep(1.0)
        assert [_counts(wctx, f"y{i}") for i in range(3)] == [(0, 0, 1)] * 3  # all waiting
        worker.observe_arrivals(3)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_counts(wctx, f"y{i}")[2] for i in range(3)):
            time.sleep(0.05)
        rules = len(wclient.get("/api/v1/comments/y0", headers=CMS).json()["screening"])
        # Each screened once: one decision, one screening row per rule, its job gone.
        assert [_counts(wctx, f"y{i}") for i in range(3)] == [(1, rules, 0)] * 3
    finally:
        worker.stop()
