"""Split a captured text page into title, lead and body paragraphs.

Line-level recognition lives in :mod:`._furniture`; this module adds what only position tells:
the comment section ends the article, the lead sits between the title and the image or date
block, and short lines count as intermediate headings only between two body paragraphs (menus
and channel links such as "Epoch TV" look the same but stand before or after the article).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netiquette.articles import _furniture as furniture

# "(afp/red)", "(dpa)", "(red, kna)" closing the last paragraph; capitals only for agencies,
# so that "… sagte Albers (CDU)" keeps its party.
_AGENCY_TAG = re.compile(
    r"(?<!\s)\s*+\((?:[a-zäöü]{2,6}|AFP|AP|DPA|KNA|EPD|SID|APA|SDA|DDP|RTR|dts)"
    r"(?:\s?[/,]\s?(?:[a-zäöü]{2,6}|AFP|AP|DPA|KNA|EPD|SID|APA|SDA|DDP|RTR|dts))*\)$"
)
# "Berlin (dpa) - " opening the first paragraph.
_AGENCY_DATELINE = re.compile(
    r"^[A-ZÄÖÜ][\w./-]*(?:\s[A-ZÄÖÜ/][\w./-]*){0,3}\s\((?:dpa|afp|ap|rtr|reuters|kna|epd|dts|"
    r"sid|apa|sda|ddp|AFP|AP|KNA|dpa-AFX)(?:/\w+)*\)\s*[-–—]\s*"
)
_WRAP_END = re.compile(r"[.!?:;\"“”»«)]$")
_STATEMENT_END = re.compile(r"[.!…]$")
_MAX_TITLE_WORDS = 30
_MAX_LEAD_LINES = 2


@dataclass(frozen=True)
class TextPage:
    """Title, lead and body paragraphs found in a captured text page."""

    title: str
    lead: str
    paragraphs: list[str]


def split_lines(raw: str) -> list[str]:
    """Non-empty, whitespace-normalised lines; hard-wrapped blocks are joined into one line."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines: list[str] = []
    for block in re.split(r"\n\s*\n", raw):
        rows = [" ".join(row.split()) for row in block.split("\n")]
        rows = [row for row in rows if row]
        if _is_hard_wrapped(rows):
            lines.append(" ".join(rows))
        else:
            lines.extend(rows)
    return lines


def _is_hard_wrapped(rows: list[str]) -> bool:
    """A block typed or pasted with line breaks at a fixed width rather than per paragraph."""
    if len(rows) < 2:
        return False
    inner = rows[:-1]
    widths = [len(row) for row in inner]
    if min(widths) < 40 or max(widths) > 120 or max(widths) - min(widths) > 40:
        return False
    open_ended = sum(1 for row in inner if not _WRAP_END.search(row))
    return open_ended >= 0.6 * len(inner)


def is_body_text(line: str) -> bool:
    """A line that reads like a paragraph of running text rather than a heading or menu."""
    words = furniture.word_count(line)
    return words >= 12 or (words >= 5 and furniture.ends_like_sentence(line))


def cut_comment_section(lines: list[str]) -> list[str]:
    """Everything before the comment heading or the comment rules, once the article has begun."""
    started = False
    for index, line in enumerate(lines):
        if started and (
            furniture.is_comments_heading(line)
            or furniture.starts_comment_policy(line, lines[index + 1 :])
        ):
            return lines[:index]
        started = started or (index > 0 and is_body_text(line))
    return lines


def clean_body(lines: list[str], *, drop: tuple[str, ...] = ()) -> list[str]:
    """Body paragraphs: furniture removed, short lines kept only between two text paragraphs."""
    kept: list[str] = []
    seen = {text.casefold() for text in drop if text}
    for line in cut_comment_section(lines):
        if furniture.is_furniture(line) or line.casefold() in seen:
            continue
        seen.add(line.casefold())
        kept.append(line)
    text_rows = [i for i, line in enumerate(kept) if is_body_text(line)]
    if not text_rows:
        return []
    kept = kept[text_rows[0] : text_rows[-1] + 1]
    kept[0] = _AGENCY_DATELINE.sub("", kept[0]) or kept[0]
    kept[-1] = _AGENCY_TAG.sub("", kept[-1]).rstrip() or kept[-1]
    return kept


def _is_header_marker(line: str) -> bool:
    """Lines of the block between teaser and article: image, credit, date, consent, byline."""
    return (
        furniture.is_image_marker(line)
        or furniture.is_photo_credit(line)
        or furniture.is_dateline(line)
        or furniture.is_consent_notice(line)
        or furniture.is_navigation(line)
    )


def _looks_like_title(lines: list[str], index: int) -> bool:
    """True for a headline: short, and without a full stop unless an image or date block follows.

    The first paragraph of a bare body text (a CMS sending only the article) ends with one.
    """
    line = lines[index]
    if furniture.word_count(line) > _MAX_TITLE_WORDS:
        return False
    if not _STATEMENT_END.search(line):
        return True
    return any(_is_header_marker(row) for row in lines[index + 1 : index + 2 + _MAX_LEAD_LINES])


def parse_text_page(raw: str) -> TextPage:
    """Find title, lead and body paragraphs in a captured page (see the module docstring)."""
    lines = cut_comment_section(split_lines(raw))
    start = 0
    while start < len(lines) and (
        furniture.is_kicker(lines[start]) or furniture.is_furniture(lines[start])
    ):
        start += 1
    if start == len(lines):
        return TextPage(title="", lead="", paragraphs=[])
    title = ""
    if _looks_like_title(lines, start):
        title = lines[start]
        start += 1
    lead_end = start
    while (
        lead_end < len(lines)
        and lead_end - start < _MAX_LEAD_LINES
        and not _is_header_marker(lines[lead_end])
    ):
        lead_end += 1
    has_header = lead_end < len(lines) and _is_header_marker(lines[lead_end])
    lead = " ".join(lines[start:lead_end]) if title and has_header else ""
    body_start = lead_end if lead else start
    paragraphs = clean_body(lines[body_start:], drop=(title, lead))
    return TextPage(title=title, lead=lead, paragraphs=paragraphs)
