"""A reply is screened with its parent's text: relevance to the parent counts for off-topic.

The CMS sends ``parent_id`` with a reply; intake looks the parent up and hands its text to the
pipeline, so the off-topic rule can compare the reply with what it answers.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.screening.base import ScreeningInput, ScreeningResult
from tests.conftest import CMS, make_context, post_article
from tests.fakes import ScriptedPipeline


class RecordingPipeline(ScriptedPipeline):
    """The scripted pipeline, remembering every input it screened."""

    def __init__(self) -> None:
        self.seen: list[ScreeningInput] = []

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        self.seen.append(item)
        return super().screen(item)


def test_a_reply_is_screened_with_its_parents_text(tmp_path: Path) -> None:
    ctx = make_context(f"sqlite:///{tmp_path / 'parent.db'}")
    pipeline = RecordingPipeline()
    ctx.pipeline = pipeline  # type: ignore[assignment]
    ctx.intake.screener.pipeline = pipeline
    with TestClient(create_app(context=ctx)) as client:
        post_article(client)
        parent = "Hat jemand das Pokalspiel gestern gesehen?"
        for cid, text, parent_id in (
            ("c1", parent, None),
            ("c2", "Ja, der Torwart war überragend.", "c1"),
        ):
            body = {
                "id": cid,
                "article_id": "a1",
                "author": {"id": "u", "name": "L"},
                "text": text,
                "parent_id": parent_id,
            }
            assert client.post("/api/v1/comments", json=body, headers=CMS).status_code == 202
    # Start-up screens a warm-up text and /readyz a probe: keep only the two comments.
    first, reply = [
        i for i in pipeline.seen if i.text in (parent, "Ja, der Torwart war überragend.")
    ]
    assert first.parent_text is None
    assert reply.parent_text == parent
    assert reply.article_text and "Stadtbahn" in reply.article_text
    ctx.db.dispose()
