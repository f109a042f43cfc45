"""Coral-style requests, signed as Coral signs them, and pipelines for the tests."""

from __future__ import annotations

import json
import re
import time
from typing import Any, ClassVar

from fastapi.testclient import TestClient
from httpx import Response

from netiquette.compat.signature import sign
from netiquette.screening.base import (
    PolicyDecision,
    RuleResult,
    ScreeningInput,
    ScreeningResult,
)
from netiquette.screening.houserules import shipped_house_rules
from netiquette.web.context import AppContext

HOUSE_RULES = shipped_house_rules().keys  # the shipped five

SECRET = "coral-signing-secret-for-tests"
MODERATE = "/coral/v1/moderate"


def coral_request(
    body: str,
    *,
    story_id: str = "story-radwege",
    story_url: str = "https://zeitung.example/lokales/radwege",
    action: str = "NEW",
    role: str = "COMMENTER",
    parent_id: str | None = None,
) -> dict[str, Any]:
    """An ExternalModerationRequest as Coral documents it."""
    return {
        "action": action,
        "comment": {"body": body, "parentID": parent_id},
        "author": {"id": "user-7f3a9c", "role": role},
        "story": {"id": story_id, "url": story_url},
        "site": {"id": "site-lokales"},
        "tenantID": "tenant-0d1e",
        "tenantDomain": "kommentare.zeitung.example",
    }


def post_signed(client: TestClient, request: dict[str, Any], secret: str = SECRET) -> Response:
    """POST the request with Coral's signature header over the exact bytes sent."""
    raw = json.dumps(request).encode()
    headers = {"Content-Type": "application/json", "X-Coral-Signature": sign(raw, secret)}
    response: Response = client.post(MODERATE, content=raw, headers=headers)
    return response


class SlowPipeline:
    """Another pipeline, after a pause: a model that takes longer than Coral's budget."""

    def __init__(self, inner: Any, delay_s: float) -> None:
        self.inner = inner
        self.delay_s = delay_s
        self.versions = inner.versions

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        time.sleep(self.delay_s)
        result: ScreeningResult = self.inner.screen(item)
        return result


_WORD = re.compile(r"[^\W\d_]{5,}")


class OverlapOffTopic:
    """A scripted pipeline whose only verdict is off_topic: no long word shared with the article.

    Keeps the Coral plumbing test (fetch → article → screening → policy → answer) independent
    of how the shipped models and policy evolve.
    """

    versions: ClassVar[dict[str, str]] = {"off_topic": "overlap-test", "policy": "test-1"}

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        results = {rule: RuleResult(rule, "test", 0.0, False) for rule in HOUSE_RULES}
        if item.article_text:
            comment = {w.lower() for w in _WORD.findall(item.text)}
            article = {w.lower() for w in _WORD.findall(item.article_text)}
            score = 0.05 if comment & article else 0.95
            results["off_topic"] = RuleResult("off_topic", "overlap-test", score, score >= 0.7)
        if results["off_topic"].flag:
            decision = PolicyDecision("reject", 0, ("off_topic",), "test-1")
        else:
            decision = PolicyDecision("approve", 0, (), "test-1")
        return ScreeningResult(results, decision, dict(self.versions))


def use_pipeline(ctx: AppContext, pipeline: object) -> None:
    """Screen with ``pipeline`` in this context (the intake and the Perspective endpoints)."""
    ctx.pipeline = pipeline  # type: ignore[assignment]
    ctx.intake.pipeline = pipeline
