"""The workspace in the moderator's language: words, screening reasons and times."""

from __future__ import annotations

import re
from dataclasses import replace

from fastapi.testclient import TestClient

from netiquette.screening import ScreeningInput, ScreeningResult, Span
from netiquette.web.context import AppContext
from tests.web.views.conftest import QueueingPipeline, login, submit


class EnglishReasons(QueueingPipeline):
    """Like the queueing pipeline, with the reasons the shipped rules write (in English)."""

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        result = super().screen(item)
        insult = result.results["insult"]
        spans = tuple(
            Span(s.rule, s.start, s.end, s.text, f"word: {s.text}") for s in insult.evidence
        )
        reason = "classifier in doubt, no insult word found"
        results = {**result.results, "insult": replace(insult, evidence=spans, reason=reason)}
        return replace(result, results=results)


def _decide_page(web: TestClient, wctx: AppContext, lang: str) -> str:
    pipeline = EnglishReasons()
    wctx.pipeline = pipeline  # type: ignore[assignment]
    wctx.intake.pipeline = pipeline
    login(web)
    submit(web, "Du Idiot, das stimmt doch nicht.", "c1")
    return web.get(f"/moderate/comments/c1?lang={lang}").text


def test_german_workspace_shows_german_words_reasons_and_berlin_time(
    web: TestClient, wctx: AppContext
) -> None:
    page = _decide_page(web, wctx, "de")
    assert "Freigeben (a)" in page
    assert "Klassifikator unsicher, kein Schimpfwort gefunden" in page
    assert "(Wort: Idiot)" in page
    assert "classifier in doubt" not in page
    # Times in the site's zone (Europe/Berlin by default) and the German format, not UTC.
    assert re.search(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d:\d\d ME(S)?Z", page)
    assert " UTC" not in page


def test_english_workspace_shows_english_and_remembers_the_choice(
    web: TestClient, wctx: AppContext
) -> None:
    page = _decide_page(web, wctx, "en")
    assert "Approve (a)" in page
    assert "classifier in doubt, no insult word found" in page
    assert '<a href="?lang=de" class="lang" lang="de">Deutsch</a>' in page
    # The cookie keeps English for the next page without ?lang=.
    assert "Queue" in web.get("/moderate").text
