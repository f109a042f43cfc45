"""Regression tests for findings of issue 11: retries, status tokens."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from netiquette.errors import ConflictError
from netiquette.review.intake import Accepted, NewComment
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.store.models import Article
from netiquette.web.context import AppContext
from tests.conftest import make_context
from tests.fakes import ScriptedPipeline


class SlowPipeline(ScriptedPipeline):
    """Takes a moment, so concurrent retries overlap while the first is being screened."""

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        time.sleep(0.3)
        return super().screen(item)


@pytest.fixture
def rctx(database_url: str) -> Iterator[AppContext]:
    ctx = make_context(database_url)
    ctx.intake.pipeline = SlowPipeline()
    with ctx.db.session() as session:
        session.add(Article(id="a", title="T", body="Text."))
    yield ctx
    ctx.db.dispose()


def test_concurrent_identical_retries_all_answer_the_same_decision(rctx: AppContext) -> None:
    new = NewComment("a", "u", "U", "Gleich [reject]", id="c1")
    answers: list[Accepted | Exception] = []

    def send() -> None:
        try:
            answers.append(rctx.intake.submit(new, "cms:test"))
        except Exception as exc:  # collected: the assertion shows it
            answers.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(a, Accepted) for a in answers), answers
    assert {a.state for a in answers if isinstance(a, Accepted)} == {"rejected"}


def test_another_key_or_author_cannot_take_over_the_status_link(rctx: AppContext) -> None:
    first = rctx.intake.submit(NewComment("a", "u", "U", "Text [approve]", id="c2"), "cms:one")
    assert first.status_token
    with pytest.raises(ConflictError):  # same id and text, another author
        rctx.intake.submit(NewComment("a", "mallory", "M", "Text [approve]", id="c2"), "cms:one")
    other_key = rctx.intake.submit(NewComment("a", "u", "U", "Text [approve]", id="c2"), "cms:two")
    assert other_key.state == "approved" and other_key.status_token is None
    again = rctx.intake.submit(NewComment("a", "u", "U", "Text [approve]", id="c2"), "cms:one")
    assert again.status_token and again.status_token != first.status_token
