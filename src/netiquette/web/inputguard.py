"""One input guard for every text field of every route and form.

Comments and everything around them are written by strangers. Before a request body reaches a
route, :func:`check_body` reads it the way the route will (JSON, URL-encoded or multipart form)
and refuses, with 400 (unreadable) or 422 (a bad value) and the field's name:

* text that is not UTF-8 ;
* a string (value or key) with NUL, another C0 control character than tab, newline and carriage
  return, DEL, a C1 control character or a lone surrogate : PostgreSQL cannot store NUL,
  and none of these belongs in a comment, a name or a note (a browser form's URL-encoded body
  is cleaned of them instead, :func:`clean_urlencoded`);
* JSON nested deeper than :data:`MAX_DEPTH`  or an integer of more than
  :data:`MAX_DIGITS` digits : both made Python's parser raise, which answered 500;
* a file in a form : no form of netiquette takes files, and a file field was stored as
  the text ``UploadFile(...)``.

Fields that are stricter (ids, names) keep their own checks; this guard is the floor for all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from netiquette.errors import ErrorCode

#: Deepest JSON nesting accepted (our bodies are at most four levels deep).
MAX_DEPTH = 32
#: Longest integer accepted in JSON, in digits (Python refuses to convert over 4,300).
MAX_DIGITS = 100
#: What no text field may contain (tab, newline and carriage return are allowed).
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class BadInput(Exception):
    """A refused body: HTTP status, error code, message and the field at fault."""

    code: ErrorCode
    message: str
    field: str
    status: int = 400


class _BigInt:
    """Stands in for an integer too long to convert, so the walk can name its field."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _parse_int(text: str) -> int | _BigInt:
    digits = len(text.lstrip("-"))
    return _BigInt(digits) if digits > MAX_DIGITS else int(text)


def check_text(value: str, field: str) -> None:
    """Refuse control characters and lone surrogates in one text value."""
    bad = FORBIDDEN.search(value)
    if bad is not None:
        char = ord(bad.group())
        kind = "a lone surrogate" if 0xD800 <= char <= 0xDFFF else "a control character"
        message = f"{field} contains {kind} (U+{char:04X}) at position {bad.start()}"
        raise BadInput("invalid_input", message, field, 422)


def _depth(raw: str) -> int:
    """Deepest bracket nesting of a JSON text, strings skipped (linear, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _walk(value: Any, path: str) -> None:
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            check_text(item, where or "body")
        elif isinstance(item, _BigInt):
            message = f"{where or 'body'} has {item.digits} digits; at most {MAX_DIGITS}"
            raise BadInput("invalid_input", message, where or "body", 422)
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                check_text(key, name)
                stack.append((child, name))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))


def _decoded(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            "invalid_encoding", f"body is not valid UTF-8 (byte {exc.start})", "body"
        ) from None


def check_json(body: bytes) -> None:
    """Check a JSON body; invalid JSON itself is left to the route (it answers 422)."""
    raw = _decoded(body)
    if _depth(raw) > MAX_DEPTH:
        raise BadInput("invalid_json", f"body is nested deeper than {MAX_DEPTH} levels", "body")
    try:
        value = json.loads(raw, parse_int=_parse_int)
    except ValueError:
        return
    _walk(value, "")


def check_urlencoded(body: bytes) -> None:
    """Check every name and value of a URL-encoded form."""
    for name, value in _form_pairs(body):
        check_text(name, name or "body")
        check_text(value, name or "body")


def _form_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(body.decode("ascii"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise BadInput("invalid_encoding", "form is not valid UTF-8", "body") from None


def clean_urlencoded(body: bytes) -> bytes:
    """A URL-encoded form (what a browser's form sends) without forbidden characters.

    A reader cannot type a control character into a text field, only paste one along with the
    text; refusing the whole comment for it lost what they wrote behind a bare error. So form
    values lose those characters, and the body is returned unchanged when nothing was removed.
    JSON and multipart bodies (the API, programs) are still refused by :func:`check_body`.
    """
    pairs = _form_pairs(body)
    if not any(FORBIDDEN.search(name) or FORBIDDEN.search(value) for name, value in pairs):
        return body
    return urlencode([(FORBIDDEN.sub("", n), FORBIDDEN.sub("", v)) for n, v in pairs]).encode()


_DISPOSITION = re.compile(rb"(?i)content-disposition:[^\r\n]*")
_PARAM = re.compile(rb'(?i);\s*(name|filename\*?)\s*=\s*(?:"([^"]*)"|([^;\s]*))')


def check_multipart(body: bytes, content_type: str) -> None:
    """Check every part of a multipart form: no files, clean UTF-8 text."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise BadInput("invalid_encoding", "multipart body without a boundary", "body")
    delimiter = b"--" + match.group(1).encode("latin-1")
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part.partition(b"\r\n\r\n")
        disposition = _DISPOSITION.search(head)
        params = {
            m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
            for m in _PARAM.finditer(disposition.group() if disposition else b"")
        }
        name = (params.get(b"name") or b"").decode("utf-8", "replace")
        if b"filename" in params or b"filename*" in params:
            message = f"{name or 'a field'} is a file; no form takes files"
            raise BadInput("invalid_input", message, name or "body", 422)
        try:
            text = value.removesuffix(b"\r\n").decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput(
                "invalid_encoding", f"{name or 'a field'} is not valid UTF-8", name
            ) from None
        check_text(name, name or "body")
        check_text(text, name or "body")


def check_body(content_type: str, body: bytes) -> None:
    """Raise :class:`BadInput` for a body no route of netiquette should see."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return
    if kind == "application/json" or kind.endswith("+json"):
        check_json(body)
    elif kind == "application/x-www-form-urlencoded":
        check_urlencoded(body)
    elif kind == "multipart/form-data":
        check_multipart(body, content_type)
