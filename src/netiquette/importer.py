"""Importing articles and comments from JSONL, with a progress bar.

A line with ``article_id`` is a comment (``{"id"?, "article_id", "parent_id"?, "author":
{"id","name"}, "text"}``); a line with ``text`` or ``html`` and no ``article_id`` is an article
(``{"id", "url"?, "title"?, "text"|"html"}``). ``"kind": "article"|"comment"`` may say it
explicitly. Every line is checked before anything is written, so a bad file writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError
from rich.progress import Progress

from netiquette.articles.schemas import ArticleBody
from netiquette.articles.store import upsert_article
from netiquette.errors import ConflictError, InputError
from netiquette.review.intake import Intake
from netiquette.review.schemas import CommentBody
from netiquette.settings import Settings
from netiquette.store.db import Database
from netiquette.store.models import Comment


class Site(Protocol):
    """What an import needs of a running site (the web app's context is one)."""

    settings: Settings
    db: Database
    intake: Intake


def _parse(path: Path) -> list[ArticleBody | CommentBody]:
    records: list[ArticleBody | CommentBody] = []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"file {path} does not exist", field="file") from None
    for number, line_bytes in enumerate(raw.splitlines(), start=1):
        if not line_bytes.strip():
            continue
        try:
            line = line_bytes.decode("utf-8")
            data = json.loads(line)
        except UnicodeDecodeError:
            raise InputError(f"line {number}: not valid UTF-8", field="file") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}: not valid JSON ({exc.msg})", field="file") from None
        if not isinstance(data, dict):
            raise InputError(f"line {number}: must be a JSON object", field="file")
        kind = data.pop("kind", None) or ("comment" if "article_id" in data else "article")
        model: type[ArticleBody] | type[CommentBody] = (
            CommentBody if kind == "comment" else ArticleBody
        )
        try:
            records.append(model.model_validate(data))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise InputError(f"line {number}: {where}: {first['msg']}", field="file") from None
    return records


def import_file(ctx: Site, path: Path, *, progress: bool = True) -> dict[str, int]:
    """Import a JSONL file into the database behind ``ctx``; returns counts."""
    records = _parse(path)
    counts = {"articles": 0, "comments": 0, "skipped": 0}
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("importing", total=len(records))
        for record in records:
            if isinstance(record, ArticleBody):
                with ctx.db.session() as session:
                    upsert_article(
                        session,
                        record.to_article(),
                        actor="system:import",
                        max_chars=ctx.settings.max_article_chars,
                    )
                counts["articles"] += 1
            else:
                counts[_import_comment(ctx, record)] += 1
            bar.advance(task)
    return counts


def _import_comment(ctx: Site, record: CommentBody) -> str:
    if record.id is not None:
        with ctx.db.session() as session:
            if session.get(Comment, record.id) is not None:
                return "skipped"
    try:
        accepted = ctx.intake.submit(record.to_new_comment(), submitter="system:import")
    except ConflictError as exc:
        raise InputError(f"comment {record.id}: {exc.message}", field="file") from None
    return "comments" if accepted.created else "skipped"


def dump_records(records: list[dict[str, Any]]) -> str:
    """JSONL text of records (used by tests and the benchmarks to build import files)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
