"""Importing a newsroom's past verdicts (``netiquette import-decisions``) as site examples.

One JSON object per line::

    {"id", "text", "decision": "approve"|"reject", "rules"?: [...], "article_id"?,
     "article_text"?, "decided_at"?}

Every line is checked before anything is written: the first bad line raises
:class:`~netiquette.errors.InputError` naming its number and field, and nothing is written.
The import is idempotent by ``id``: a line equal to the stored example changes nothing, a
changed line updates it, and an ``id`` a live decision has already labelled keeps the live
label (the newsroom decided it again, here). Cited rules must be house rules of the site; an
approval cites none. A line without ``decided_at`` is dated with the import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.progress import Progress
from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.errors import InputError
from netiquette.learning.examples import LABELS, upsert_example
from netiquette.screening.houserules import HouseRules
from netiquette.store.models import SiteExample, utcnow

FIELDS = frozenset({"id", "text", "decision", "rules", "article_id", "article_text", "decided_at"})
#: Characters no comment text may hold (tab, line breaks are fine); the same as at intake.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
MAX_ID_CHARS = 200
MAX_ARTICLE_CHARS = 2_000_000
_BATCH = 500


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One checked line of a decisions file."""

    number: int
    id: str
    text: str
    label: str
    rules: tuple[str, ...]
    article_id: str | None
    article_text: str | None
    decided_at: datetime | None


@dataclass(slots=True)
class ImportCounts:
    """What an import did: new examples, unchanged ones, updated ones, live labels kept."""

    new: int = 0
    unchanged: int = 0
    updated: int = 0
    kept_live: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts, for the CLI line."""
        return {
            "new": self.new,
            "unchanged": self.unchanged,
            "updated": self.updated,
            "kept_live": self.kept_live,
        }


def check_site(site: str) -> str:
    """A site name: lower-case letters, digits, ``_ . -``; at most 100 characters."""
    if not SITE_NAME.match(site):
        raise InputError(
            f"--site {site!r}: use lower-case letters, digits, '_', '.', '-' (at most 100)",
            field="site",
        )
    return site


def _fail(number: int, name: str, message: str) -> InputError:
    return InputError(f"line {number}: {name}: {message}", field=name)


def _string(data: dict[str, Any], number: int, name: str, limit: int, *, required: bool) -> Any:
    value = data.get(name)
    if value is None:
        if required:
            raise _fail(number, name, "is missing")
        return None
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # many systems number their comments
    if not isinstance(value, str) or not value.strip():
        raise _fail(number, name, "must be a non-empty string")
    if len(value) > limit:
        raise _fail(number, name, f"has {len(value)} characters; the limit is {limit}")
    bad = CONTROL.search(value)
    if bad:
        raise _fail(number, name, f"contains the control character U+{ord(bad.group()):04X}")
    return value


def _date(value: Any, number: int) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(number, "decided_at", "must be an ISO 8601 date or time string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(number, "decided_at", f"{value!r} is not an ISO 8601 date or time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _rules(data: dict[str, Any], number: int, label: str, house_rules: HouseRules) -> list[str]:
    rules = data.get("rules")
    if rules is None:
        return []
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise _fail(number, "rules", "must be a list of house-rule names")
    unknown = [r for r in rules if r not in house_rules]
    if unknown:
        known = ", ".join(house_rules.keys)
        raise _fail(number, "rules", f"{unknown[0]!r} is not a house rule here ({known})")
    if rules and label != "reject":
        raise _fail(number, "rules", "an approval cites no rules")
    return house_rules.ordered(rules)


def check_line(
    raw: bytes, number: int, house_rules: HouseRules, *, max_chars: int
) -> HistoryLine | None:
    """One line checked (None for a blank line); InputError naming line and field otherwise."""
    if not raw.strip():
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _fail(number, "line", "not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _fail(number, "line", f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise _fail(number, "line", "must be a JSON object")
    extra = sorted(set(data) - FIELDS)
    if extra:
        raise _fail(number, extra[0], f"is not a field here (fields: {', '.join(sorted(FIELDS))})")
    example_id = _string(data, number, "id", MAX_ID_CHARS, required=True)
    text = _string(data, number, "text", max_chars, required=True)
    label = data.get("decision")
    if label not in LABELS:
        raise _fail(number, "decision", f"must be 'approve' or 'reject', not {label!r}")
    return HistoryLine(
        number=number,
        id=example_id,
        text=text,
        label=label,
        rules=tuple(_rules(data, number, label, house_rules)),
        article_id=_string(data, number, "article_id", MAX_ID_CHARS, required=False),
        article_text=_string(data, number, "article_text", MAX_ARTICLE_CHARS, required=False),
        decided_at=_date(data.get("decided_at"), number),
    )


def read_history(
    path: Path,
    house_rules: HouseRules,
    *,
    max_chars: int = 10_000,
    progress: bool = True,
) -> list[HistoryLine]:
    """Every line of ``path`` checked; the first bad one raises, naming line and field."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise InputError(f"file {path} does not exist", field="file") from None
    lines = raw.splitlines()
    out: list[HistoryLine] = []
    first_line: dict[str, int] = {}
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("checking", total=len(lines))
        for number, line in enumerate(lines, start=1):
            checked = check_line(line, number, house_rules, max_chars=max_chars)
            bar.advance(task)
            if checked is None:
                continue
            if checked.id in first_line:
                raise _fail(number, "id", f"{checked.id!r} is on line {first_line[checked.id]} too")
            first_line[checked.id] = number
            out.append(checked)
    return out


def _same(row: SiteExample, line: HistoryLine, decided_at: datetime | None) -> bool:
    return (
        row.text == line.text
        and row.label == line.label
        and list(row.rules) == list(line.rules)
        and row.article_id == line.article_id
        and row.article_text == line.article_text
        and (decided_at is None or row.decided_at == decided_at)
    )


def _chunks(lines: Sequence[HistoryLine]) -> Iterator[Sequence[HistoryLine]]:
    for start in range(0, len(lines), _BATCH):
        yield lines[start : start + _BATCH]


def write_history(
    session: Session, site: str, lines: Sequence[HistoryLine], *, progress: bool = True
) -> ImportCounts:
    """Store checked lines as the site's examples, idempotently by ``id``; returns the counts."""
    counts = ImportCounts()
    now = utcnow()
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("importing", total=len(lines))
        for chunk in _chunks(lines):
            existing = {
                row.example_id: row
                for row in session.scalars(
                    select(SiteExample).where(
                        SiteExample.site == site,
                        SiteExample.example_id.in_([line.id for line in chunk]),
                    )
                )
            }
            for line in chunk:
                row = existing.get(line.id)
                if row is not None and row.source != "import":
                    counts.kept_live += 1
                elif row is not None and _same(row, line, line.decided_at):
                    counts.unchanged += 1
                else:
                    if row is None:
                        counts.new += 1
                    else:
                        counts.updated += 1
                    # An undated line keeps the date its example was first imported with.
                    when = line.decided_at or (row.decided_at if row is not None else now)
                    upsert_example(
                        session,
                        site=site,
                        example_id=line.id,
                        text=line.text,
                        label=line.label,
                        rules=line.rules,
                        source="import",
                        decided_at=when,
                        article_id=line.article_id,
                        article_text=line.article_text,
                        actor="import",
                        row=row,
                        look_up=False,
                        flush=False,
                    )
                bar.advance(task)
            session.flush()
    return counts
