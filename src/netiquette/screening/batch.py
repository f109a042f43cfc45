"""The stable ``netiquette screen`` contract: JSONL in, JSONL out, one line per comment.

Input, one JSON object per line (blank lines are skipped)::

    {"id": "c1", "text": "…", "article_text": "…"?, "parent_text": "…"?}

``id`` is a string or an integer and is echoed unchanged; ``text`` is a string; the optional
fields are strings or null. ``article_text`` may be a captured page or HTML: it goes through the
article extractor (``netiquette.articles.extract.extract_body`` when present) before screening.

Output, in input order::

    {"id", "decision": "approve"|"reject"|"review", "reject": bool,
     "flags": {rule: bool}, "scores": {rule: float in [0, 1] | null},
     "evidence": [{"rule", "start", "end", "text"}]}

``reject`` is true when any house rule flags, whatever the site's policy switches decide.
With ``netiquette screen --site`` and a promoted site model, ``reject`` is that model's answer
and each line also carries ``site_model`` (its version) and ``reject_probability``.
A bad line raises :class:`InputError` naming the line number; lines before it have been written.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from netiquette.errors import InputError, NetiquetteError
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.screening.pipeline import Pipeline, default_pipeline

Extractor = Callable[[str], str]
_OPTIONAL_TEXT_FIELDS = ("article_text", "parent_text")
_ARTICLE_CACHE_SIZE = 64
#: Comments per classifier call in :func:`screen_file`.
BATCH_SIZE = 64
#: Characters JSON leaves raw but some line readers (str.splitlines) treat as line breaks.
_LINE_SAFE = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def default_extractor() -> Extractor:
    """``netiquette.articles.extract.extract_body`` if it exists, else pass-through."""
    try:
        module = importlib.import_module("netiquette.articles.extract")
    except ImportError:
        return _identity
    extract_body = getattr(module, "extract_body", None)
    return extract_body if callable(extract_body) else _identity


def _identity(raw: str) -> str:
    return raw


def cached_extractor(extract: Extractor | None = None) -> Extractor:
    """The article extractor (default :func:`default_extractor`), cached and failure-safe."""
    return _safe(extract or default_extractor())


def _safe(extract: Extractor) -> Extractor:
    """Extract once per distinct article; an unusable page is screened as given."""

    @lru_cache(maxsize=_ARTICLE_CACHE_SIZE)
    def run(raw: str) -> str:
        try:
            return extract(raw) or raw
        except NetiquetteError:
            return raw

    return run


def result_to_json(comment_id: str | int, result: ScreeningResult) -> dict[str, Any]:
    """One output object of the contract."""
    flags = result.flags
    scores = result.scores
    # Every house rule of the site's pipeline, in its order.
    record: dict[str, Any] = {
        "id": comment_id,
        "decision": result.decision.outcome,
        "reject": any(flags.values()),
        "flags": {rule: bool(flag) for rule, flag in flags.items()},
        "scores": {rule: (None if s is None else round(float(s), 4)) for rule, s in scores.items()},
        "evidence": [
            {"rule": s.rule, "start": s.start, "end": s.end, "text": s.text}
            for s in result.evidence
        ],
    }
    # With --site and a promoted model: its answer is the line's "reject" (see site-models.md).
    for score in getattr(result, "model_scores", ()):
        if score.role == "live" and score.reject_probability is not None:
            record["reject"] = bool(score.reject)
            record["site_model"] = score.model_version
            record["reject_probability"] = round(float(score.reject_probability), 4)
    return record


def parse_line(line: str, number: int) -> tuple[str | int, ScreeningInput] | None:
    """Validate one input line; None for a blank line."""
    if not line.strip():
        return None
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"line {number}: invalid UTF-8", field="line") from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {number}: malformed JSON ({exc.msg})", field="line") from None
    if not isinstance(record, dict):
        raise InputError(f"line {number}: expected a JSON object", field="line")
    if "id" not in record:
        raise InputError(f'line {number}: missing "id"', field="id")
    comment_id = record["id"]
    if isinstance(comment_id, bool) or not isinstance(comment_id, str | int):
        raise InputError(f'line {number}: "id" must be a string or an integer', field="id")
    if "text" not in record:
        raise InputError(f'line {number}: missing "text"', field="text")
    if not isinstance(record["text"], str):
        raise InputError(f'line {number}: "text" must be a string', field="text")
    for name in _OPTIONAL_TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f'line {number}: "{name}" must be a string or null', field=name)
    item = ScreeningInput(
        text=record["text"],
        article_text=record.get("article_text"),
        parent_text=record.get("parent_text"),
    )
    return comment_id, item


def _binary_lines(handle: BinaryIO) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(handle, start=1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"line {number}: invalid UTF-8", field="line") from None


def _lines(source: Path | TextIO) -> Iterator[tuple[int, str]]:
    """Numbered text lines; invalid UTF-8 becomes an InputError naming the line.

    Streams with a binary buffer (``sys.stdin``) are read as bytes, so that the line number of
    undecodable input is exact; a text wrapper decodes in chunks and would report too early.
    """
    if isinstance(source, Path):
        try:
            handle = source.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror}", field="input") from None
        with handle:
            yield from _binary_lines(handle)
        return
    buffer = getattr(source, "buffer", None)
    if buffer is not None and hasattr(buffer, "readline"):
        yield from _binary_lines(buffer)
        return
    number = 0
    while True:
        try:
            line = source.readline()
        except UnicodeDecodeError:
            raise InputError(f"line {number + 1}: invalid UTF-8", field="line") from None
        if not line:
            return
        number += 1
        yield number, line


def _count_lines(path: Path) -> int | None:
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None


def screen_file(
    input: Path | TextIO,
    output: TextIO,
    pipeline: Pipeline | None = None,
    *,
    progress: bool = True,
    extract: Extractor | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Screen a JSONL file or stream into ``output``; returns the number of lines written.

    ``pipeline`` defaults to the shipped one; ``extract`` defaults to :func:`default_extractor`.
    Comments are screened ``batch_size`` at a time (:meth:`Pipeline.screen_batch`: one classifier
    call per chunk) and written in input order. The progress bar goes to stderr and is off when
    ``progress`` is False.
    """
    pipeline = pipeline or default_pipeline()
    article_body = _safe(extract or default_extractor())
    total = _count_lines(input) if isinstance(input, Path) else None
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not progress,
        transient=True,
    )
    written = 0
    chunk: list[tuple[str | int, ScreeningInput]] = []

    def flush() -> int:
        results = pipeline.screen_batch([item for _, item in chunk])
        for (comment_id, _), result in zip(chunk, results, strict=True):
            record = result_to_json(comment_id, result)
            output.write(json.dumps(record, ensure_ascii=False).translate(_LINE_SAFE) + "\n")
        done = len(chunk)
        chunk.clear()
        return done

    with bar:
        task = bar.add_task("screen", total=total)
        try:
            for number, line in _lines(input):
                parsed = parse_line(line, number)
                bar.advance(task)
                if parsed is None:
                    continue
                comment_id, item = parsed
                if item.article_text:
                    item = ScreeningInput(
                        text=item.text,
                        article_text=article_body(item.article_text),
                        parent_text=item.parent_text,
                    )
                chunk.append((comment_id, item))
                if len(chunk) >= batch_size:
                    written += flush()
        except InputError:
            # The contract: every line before the bad one is written, then the error.
            written += flush()
            raise
        if chunk:
            written += flush()
    return written


def check_text(
    text: str, article_text: str | None = None, *, pipeline: Pipeline | None = None
) -> ScreeningResult:
    """Screen one comment, e.g. for the CLI's per-rule table."""
    pipeline = pipeline or default_pipeline()
    if article_text:
        article_text = _safe(default_extractor())(article_text)
    return pipeline.screen(ScreeningInput(text=text, article_text=article_text))
