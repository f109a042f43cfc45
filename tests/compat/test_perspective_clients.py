"""The real Perspective clients, unchanged apart from the address, against a live netiquette.

* ``google-api-python-client``: ``discovery.build("commentanalyzer", "v1alpha1", ...,
  discoveryServiceUrl=...)`` reads netiquette's discovery document and calls it.
* the npm ``perspective-api-client``: its host redirected to netiquette (tests/compat/npm);
  installed at test time into ``.cache/`` under a lock, from the committed lock file. Without
  node/npm or the npm registry the test skips with the reason — never in CI, where .ci/run
  installs node and npm.

Both check the UTF-16 span offsets: in ``😀😀 Du Vollidiot`` JavaScript's ``slice`` must give
``Vollidiot``, as it does with Google's Perspective.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from netiquette.app import create_app
from tests.conftest import ADMIN_PASSWORD, API_KEY, IN_CI, make_context
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
NPM_PROJECT = Path(__file__).resolve().parent / "npm"
CACHE = ROOT / ".cache" / "npm-perspective"
TEXT = "😀😀 Du Vollidiot"


@dataclass
class Live:
    """A netiquette served by uvicorn on loopback."""

    url: str


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The real app with the shipped models, on a temp SQLite database."""
    import uvicorn

    ctx = make_context(f"sqlite:///{tmp_path_factory.mktemp('clients') / 'nq.db'}")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(context=ctx), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn did not start")
        threading.Event().wait(0.02)
    yield Live(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)
    ctx.db.dispose()


def _insult_slices(text: str, result: dict[str, object]) -> list[str]:
    """What JavaScript shows for each INSULT span: UTF-16 code units, end exclusive."""
    units = text.encode("utf-16-le")
    spans = result["attributeScores"]["INSULT"]["spanScores"]  # type: ignore[index]
    return [units[2 * s["begin"] : 2 * s["end"]].decode("utf-16-le") for s in spans]


def test_google_api_python_client_builds_from_our_discovery_document(live: Live) -> None:
    from googleapiclient import discovery
    from googleapiclient.errors import HttpError

    for discovery_url in (
        f"{live.url}/$discovery/rest?version={{apiVersion}}",
        f"{live.url}/discovery/v1/apis/{{api}}/{{apiVersion}}/rest",
    ):
        service = discovery.build(
            "commentanalyzer",
            "v1alpha1",
            developerKey=API_KEY,
            discoveryServiceUrl=discovery_url,
            static_discovery=False,
            cache_discovery=False,
        )
        result = (
            service.comments()
            .analyze(
                body={
                    "comment": {"text": TEXT},
                    "requestedAttributes": {"INSULT": {}, "TOXICITY": {}},
                    "languages": ["de"],
                    "spanAnnotations": True,
                }
            )
            .execute()
        )
        assert result["attributeScores"]["INSULT"]["summaryScore"]["value"] > 0.5
        assert "Vollidiot" in _insult_slices(TEXT, result)
        suggested = (
            service.comments()
            .suggestscore(
                body={
                    "comment": {"text": TEXT},
                    "attributeScores": {"INSULT": {"summaryScore": {"value": 1}}},
                    "clientToken": "comment:4711",
                }
            )
            .execute()
        )
        assert suggested == {"clientToken": "comment:4711"}
    # A wrong key is Google's 401, as the client knows it.
    wrong = discovery.build(
        "commentanalyzer",
        "v1alpha1",
        developerKey="nq_unknown_0123456789abcdefghij",
        discoveryServiceUrl=f"{live.url}/$discovery/rest?version={{apiVersion}}",
        static_discovery=False,
        cache_discovery=False,
    )
    with pytest.raises(HttpError) as refused:
        wrong.comments().analyze(
            body={"comment": {"text": "Hallo"}, "requestedAttributes": {"TOXICITY": {}}}
        ).execute()
    assert refused.value.resp.status == 401


def test_the_discovery_document_points_at_this_server(live: Live) -> None:
    import httpx

    doc = httpx.get(f"{live.url}/$discovery/rest", params={"version": "v1alpha1"}).json()
    assert doc["rootUrl"] == f"{live.url}/" and doc["id"] == "commentanalyzer:v1alpha1"
    analyze = doc["resources"]["comments"]["methods"]["analyze"]
    assert analyze["path"] == "v1alpha1/comments:analyze" and analyze["httpMethod"] == "POST"
    assert doc["parameters"]["key"]["location"] == "query"
    missing = httpx.get(f"{live.url}/$discovery/rest", params={"version": "v1"})
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == "NOT_FOUND"


def _npm_client() -> Path:
    """The npm client installed in the test cache (once, under a lock); skip when impossible."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if not (npm and node):
        if IN_CI:
            pytest.fail("node and npm are missing in CI: .ci/run must install them")
        pytest.skip("the npm client test needs node and npm (Debian packages nodejs, npm)")
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE.parent / "npm-perspective.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lockfile = (NPM_PROJECT / "package-lock.json").read_bytes()
        installed = CACHE / "package-lock.json"
        ready = (CACHE / "node_modules" / "perspective-api-client").is_dir()
        if not (ready and installed.exists() and installed.read_bytes() == lockfile):
            for name in ("package.json", "package-lock.json"):
                shutil.copy(NPM_PROJECT / name, CACHE / name)
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--cache", str(CACHE / ".npm")],
                cwd=CACHE,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if done.returncode != 0:
                if IN_CI:
                    pytest.fail(f"npm ci failed in CI: {done.stderr[-2000:]}")
                pytest.skip(f"npm registry unreachable: {done.stderr.strip()[-300:]}")
        shutil.copy(NPM_PROJECT / "analyze.js", CACHE / "analyze.js")
    return CACHE


def test_the_npm_perspective_client_works_with_only_the_address_changed(live: Live) -> None:
    project = _npm_client()
    run = subprocess.run(
        ["node", "analyze.js", f"{live.url}/", API_KEY, TEXT],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["result"]["attributeScores"]["INSULT"]["summaryScore"]["value"] > 0.5
    assert "TOXICITY" in out["result"]["attributeScores"]
    # JavaScript slices UTF-16: the highlighted evidence is the insult, not "u Vollidi".
    assert "Vollidiot" in out["slices"]
    assert out["wrongKey"]["status"] == 401


def test_an_admins_login_token_is_no_perspective_key(live: Live) -> None:
    import httpx

    token = httpx.post(
        f"{live.url}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["token"]
    r = httpx.post(
        f"{live.url}/v1alpha1/comments:analyze",
        params={"key": token},
        json={"comment": {"text": "Hallo"}, "requestedAttributes": {"TOXICITY": {}}},
    )
    assert r.status_code == 403 and r.json()["error"]["status"] == "PERMISSION_DENIED"
