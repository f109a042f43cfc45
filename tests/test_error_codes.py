"""Error codes are names from one catalogue, listed in docs/errors.md, and HTTP answers use them."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

from fastapi.testclient import TestClient

from netiquette.errors import ERROR_CODES, ErrorCode, NetiquetteError
from tests.conftest import CMS, post_article, post_comment

ROOT = Path(__file__).resolve().parent.parent
_ROW = re.compile(r"^\| `([a-z_]+)` \|(?: (\d{3}) \|)? ", re.MULTILINE)


def _documented() -> dict[str, int | None]:
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    return {m[1]: int(m[2]) if m[2] else None for m in _ROW.finditer(doc)}


def test_catalogue_type_and_docs_list_the_same_codes_with_the_same_status() -> None:
    assert set(get_args(ErrorCode)) == set(ERROR_CODES)
    assert _documented() == {code: status for code, (status, _) in ERROR_CODES.items()}


def test_codes_are_names_not_numbers() -> None:
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code) for code in ERROR_CODES)


def _error_classes() -> list[type[NetiquetteError]]:
    seen: list[type[NetiquetteError]] = []
    todo: list[type[NetiquetteError]] = [NetiquetteError]
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return seen


def test_every_error_class_has_a_catalogued_code_of_its_status() -> None:
    import netiquette.compat.fetch
    import netiquette.web.api.coral  # noqa: F401

    for cls in _error_classes():
        assert cls.code in ERROR_CODES, cls
        documented_status = ERROR_CODES[cls.code][0]
        if documented_status is not None:
            assert documented_status == cls.status, cls


def _literal_codes(path: Path) -> list[tuple[int, str]]:
    """String constants passed as ``code=``, assigned to ``code`` or stored under ``"code"``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        values: list[ast.expr] = []
        if isinstance(node, ast.keyword) and node.arg == "code":
            values.append(node.value)
        elif isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "code" for t in targets) and node.value:
                values.append(node.value)
        elif isinstance(node, ast.Dict):
            values.extend(
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "code"
            )
        found.extend(
            (v.lineno, v.value)
            for v in values
            if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return found


def test_every_code_written_in_the_source_is_catalogued() -> None:
    stray = [
        f"{path.relative_to(ROOT)}:{line}: {code!r}"
        for path in sorted((ROOT / "src" / "netiquette").rglob("*.py"))
        if path.parts[-3:] != ("src", "netiquette", "errors.py")
        and "compat" not in path.parts  # Google's error format carries HTTP statuses
        for line, code in _literal_codes(path)
        if code not in ERROR_CODES
    ]
    assert stray == []


def test_http_errors_answer_named_codes_and_name_the_field(client: TestClient) -> None:
    missing_route = client.get("/api/v1/no-such-thing")
    assert missing_route.status_code == 404
    assert missing_route.json()["error"]["code"] == "not_found"

    no_key = client.post("/api/v1/comments", json={})
    assert no_key.status_code == 401
    assert no_key.json()["error"] == {
        "code": "unauthorized",
        "message": no_key.json()["error"]["message"],
        "field": "Authorization",
    }


def test_a_conflict_is_named_conflict_not_a_server_error(client: TestClient) -> None:
    post_article(client)
    assert post_comment(client, "Gute Entscheidung.", id="c1").status_code == 202
    clash = post_comment(client, "Ganz anderer Text.", id="c1")
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "conflict"
    assert clash.json()["error"]["field"] == "id"

    missing = post_comment(client, "Text", article_id="nope")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "code": "not_found",
        "message": missing.json()["error"]["message"],
        "field": "article_id",
    }

    bad_json = client.post(
        "/api/v1/comments", content=b"{", headers={**CMS, "Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert bad_json.json()["error"]["code"] == "invalid_json"
    assert bad_json.json()["error"]["field"] == "body"


#: Errors about what the caller sent: each names the field (or header, or parameter) at fault.
#: A conflict is about stored state and names a field only where one is to blame.
_ABOUT_INPUT = {"InputError", "TooLongError", "NotFoundError", "AuthError", "ForbiddenError"}


def test_every_input_error_raised_names_its_field() -> None:
    unnamed = []
    for path in sorted((ROOT / "src" / "netiquette").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in _ABOUT_INPUT
                and not any(k.arg in ("field", None) for k in node.keywords)
            ):
                unnamed.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.id}")
    assert unnamed == []
