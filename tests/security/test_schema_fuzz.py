"""Schema-driven fuzzing of the public API (schemathesis, in process, offline).

Every operation in the OpenAPI document gets generated requests, valid and invalid: no answer
may be a 5xx, and every documented answer must match its schema. CMS operations are called with
the CMS key, the others as the admin (so moderator routes are fuzzed past authentication).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from netiquette.app import create_app
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, CMS, make_context
from tests.fakes import ScriptedPipeline

_CMS_WRITES = {("POST", "/api/v1/comments"), ("POST", "/api/v1/articles")}


@pytest.fixture(scope="module")
def fuzz_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    db = tmp_path_factory.mktemp("fuzz") / "n.db"
    ctx = make_context(
        f"sqlite:///{db}",
        public_posts_per_minute=0,
        login_attempts_per_minute=0,
        author_comments_per_minute=0,  # hundreds of comments by one author, by design
        coral_signing_secret="fuzz-secret",  # off, the phase answers 503 by design
    )
    ctx.intake.pipeline = ScriptedPipeline()
    yield ctx
    ctx.db.dispose()


@pytest.fixture(scope="module")
def api(fuzz_ctx: AppContext) -> Any:
    app = create_app(context=fuzz_ctx)
    with TestClient(app) as client:
        client.post(
            "/api/v1/articles", json={"id": "a1", "title": "T", "text": "Text."}, headers=CMS
        )
        login = {"username": "admin", "password": ADMIN_PASSWORD}
        app.state.fuzz_admin = client.post("/api/v1/auth/login", json=login).json()["token"]
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# schemathesis' pytest plugin does not run on this pytest; its strategies are driven directly.
FUZZ = settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_no_operation_answers_5xx_and_answers_match_the_schema(api: Any) -> None:
    token = api.app.state.fuzz_admin
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        _fuzz(operation, token)


def _fuzz(operation: Any, token: str) -> None:
    if (operation.method.upper(), operation.path) in _CMS_WRITES:
        headers = dict(CMS)
    else:
        headers = {"Authorization": f"Bearer {token}"}

    @FUZZ
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    fuzz()
