"""What the command line writes: the transparency report in a format, statements as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.dsa import validate
from netiquette.accountability.report_html import render_standalone
from netiquette.accountability.sor import export_statements
from netiquette.accountability.transparency import Period, build_report, to_csv
from netiquette.errors import InputError
from netiquette.i18n import LANGUAGES

FORMATS = ("json", "csv", "html")


def report_text(
    session: Session,
    first: date,
    last: date,
    config: AccountabilityConfig,
    fmt: str = "json",
    lang: str = "de",
) -> str:
    """The transparency report for ``first``..``last`` as JSON, CSV or a standalone HTML page."""
    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}", field="format")
    if lang not in LANGUAGES:
        raise InputError(f"--lang must be one of {', '.join(LANGUAGES)}", field="lang")
    report = build_report(session, first, last, config)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "html":
        return render_standalone(report, lang)
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def statement_lines(
    session: Session, first: date, last: date, config: AccountabilityConfig
) -> Iterator[str]:
    """One DSA Transparency Database statement per rejection in the period, as JSON lines.

    Each is checked against the schema first; an invalid one stops the export with the reason.
    """
    period = Period.of(first, last, config)
    for statement in export_statements(session, period.start, period.end, config):
        problems = validate(statement)
        if problems:
            raise InputError(
                f"statement {statement.get('puid')} would be refused: {problems[0]}",
                field="statement",
            )
        yield json.dumps(statement, ensure_ascii=False, sort_keys=True)
