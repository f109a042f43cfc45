"""Workers mode stores concurrent acceptances together: one transaction, each comment once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from netiquette.app import create_app
from netiquette.errors import ConflictError, InputError, NotFoundError
from netiquette.review import intake as intake_module
from netiquette.review.audit import sites, verify_chain
from netiquette.review.intake import Accepted, Intake, NewComment
from netiquette.store.models import AuditEvent, Comment, NotifyAddress, ScreeningJob
from netiquette.web.context import AppContext
from tests.conftest import make_context, post_article


@pytest.fixture
def wctx(database_url: str) -> Iterator[AppContext]:
    context = make_context(database_url, screening_queue="workers", delivery_loop=False)
    client = TestClient(create_app(context=context))
    post_article(client, "a1")
    post_article(client, "a2")
    yield context
    context.db.dispose()


def _new(comment_id: str, article: str = "a1", text: str = "Gut so.", **extra: Any) -> NewComment:
    return NewComment(
        article_id=article, author_id="u1", author_name="L", text=text, id=comment_id, **extra
    )


def _all_at_once(intake: Intake, items: Sequence[NewComment]) -> list[Accepted | Exception]:
    """Submit ``items`` from one thread each while the writer is held, so they form one batch
    (the first item goes alone: the writer took it before the others arrived)."""
    gate = threading.Event()
    real: Callable[[Sequence[Any]], list[Any]] = intake.batch._store

    def held(batch: Sequence[Any]) -> list[Any]:
        gate.wait(10)
        return real(batch)

    intake.batch._store = held
    answers: list[Accepted | Exception] = [ValueError("not answered")] * len(items)

    def one(index: int) -> None:
        try:
            answers[index] = intake.submit(items[index], submitter="cms:test")
        except Exception as exc:  # the caller's own error, as its request would get
            answers[index] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(items))]
    threads[0].start()
    while intake.batch._queue.qsize():  # the writer holds the first item
        time.sleep(0.01)
    for thread in threads[1:]:
        thread.start()
    deadline = time.monotonic() + 10
    while intake.batch._queue.qsize() < len(items) - 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    for thread in threads:
        thread.join(30)
    intake.batch._store = real
    return answers


def test_concurrent_acceptances_are_stored_in_one_transaction_each_once(
    wctx: AppContext,
) -> None:
    intake = wctx.intake
    first = intake.submit(_new("c0"), submitter="cms:test")  # a parent already stored
    batches_before = intake.batch.batches
    items = [
        _new("lead"),
        *[_new(f"c{n}") for n in range(1, 21)],
        _new("c0"),  # a repeat of a stored comment: answered as before, not stored again
        _new("twice"),
        _new("twice"),  # the same id twice in one batch: stored once, both answered
        _new("r1", parent_id="c0"),  # a reply to a stored comment
        _new("r2", parent_id="c5"),  # a reply to a comment of the same batch
        _new("x1", article="no-such-article"),
        _new("x2", parent_id="no-such-comment"),
        _new("x3", article="a2", parent_id="c0"),  # parent under another article
        _new("c0", text="Etwas anderes."),  # the stored id with other content
        _new("mail", notify_email="leserin@example.org"),
    ]
    answers = _all_at_once(intake, items)
    by_id: dict[str, list[Accepted | Exception]] = {}
    for item, answer in zip(items, answers, strict=True):
        by_id.setdefault(str(item.id), []).append(answer)

    assert intake.batch.batches - batches_before == 2  # the lead alone, then all the others
    accepted = [a for a in answers if isinstance(a, Accepted)]
    assert all(a.state == "received" and a.estimated_wait_seconds >= 1 for a in accepted)
    assert all(a.created for a in accepted if a.id not in {"c0", "twice"})
    repeat = next(a for a in by_id["c0"] if isinstance(a, Accepted))
    assert not repeat.created and first.created
    twice = by_id["twice"]
    assert all(isinstance(a, Accepted) for a in twice)
    assert sorted(a.created for a in twice if isinstance(a, Accepted)) == [False, True]
    assert isinstance(by_id["x1"][0], NotFoundError) and by_id["x1"][0].field == "article_id"
    assert isinstance(by_id["x2"][0], NotFoundError) and by_id["x2"][0].field == "parent_id"
    assert isinstance(by_id["x3"][0], InputError) and by_id["x3"][0].field == "parent_id"
    assert any(isinstance(a, ConflictError) for a in by_id["c0"])

    stored_ids = {"c0", "lead", "twice", "r1", "r2", "mail", *(f"c{n}" for n in range(1, 21))}
    with wctx.db.session() as session:
        comments = session.scalars(select(Comment.id)).all()
        assert sorted(comments) == sorted(stored_ids)  # each once, no refused one
        jobs = session.execute(
            select(ScreeningJob.comment_id, func.count()).group_by(ScreeningJob.comment_id)
        ).all()
        assert {cid: n for cid, n in jobs} == dict.fromkeys(stored_ids, 1)
        receipts = session.execute(
            select(AuditEvent.comment_id, func.count())
            .where(AuditEvent.event == "received")
            .group_by(AuditEvent.comment_id)
        ).all()
        assert {cid: n for cid, n in receipts} == dict.fromkeys(stored_ids, 1)
        assert session.get(Comment, "r2").parent_id == "c5"  # type: ignore[union-attr]
        assert session.get(NotifyAddress, "mail") is not None
        assert all(verify_chain(session, site).ok for site in sites(session))


def test_a_batch_that_fails_is_stored_one_by_one_and_nothing_is_lost(
    wctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error in the shared transaction costs only time: each comment is then
    stored on its own, and each caller gets its own answer."""
    calls = []

    def broken(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(intake_module, "record_events", broken)
    answers = _all_at_once(wctx.intake, [_new(f"f{n}") for n in range(8)])
    assert calls  # the batch path was tried and failed
    assert all(isinstance(a, Accepted) and a.created for a in answers)
    with wctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 8
        assert session.scalar(select(func.count()).select_from(ScreeningJob)) == 8
        assert all(verify_chain(session, site).ok for site in sites(session))


def test_a_request_cancelled_while_waiting_is_not_written_and_the_others_are_answered() -> None:
    """A client that went away before its batch started (uvicorn cancels requests at the end
    of a graceful shutdown) is skipped; the writer keeps answering everyone else."""
    import asyncio

    from netiquette.store.batching import GroupCommit

    busy, release = threading.Event(), threading.Event()
    written: list[list[int]] = []

    def store(items: Sequence[int]) -> list[int | BaseException | None]:
        if items and items[0] == 0:
            busy.set()
            release.wait(10)  # hold the writer so the others queue behind this batch
        written.append(list(items))
        return [item * 10 for item in items]

    batch: GroupCommit[int, int] = GroupCommit(store, name="test-writer")
    first = batch.submit_future(0)
    assert busy.wait(10)

    async def scenario() -> tuple[list[int | None], bool]:
        waiting = [asyncio.ensure_future(batch.submit_async(n)) for n in (1, 2, 3)]
        await asyncio.sleep(0.05)
        waiting[1].cancel()  # item 2's client goes away while the writer is busy
        await asyncio.sleep(0.05)
        release.set()
        answered = [await asyncio.wait_for(waiting[i], 10) for i in (0, 2)]
        return answered, waiting[1].cancelled()

    answered, cancelled = asyncio.run(scenario())
    assert first.result(10) == 0
    assert answered == [10, 30]
    assert cancelled
    assert written == [[0], [1, 3]]
    assert batch.submit(4) == 40  # the same writer thread is still answering
