"""Demo content for ``make run``: one invented local-news article and reader comments on it.

All text is written for this project (the town of Marlenfeld, its people and quotes are
invented). The comments cover the house rules on purpose: mostly clean and on topic, plus
insults (one obfuscated), a threat, insinuations, advertising links, off-topic posts, a link to
an official source that should stay clean, and a few replies (``parent_id``). Replies come after
their parents, so the file can be submitted in order.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

ARTICLE_FILE = "article.json"
COMMENTS_FILE = "comments.jsonl"


def load_demo() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The demo article (``id``, ``url``, ``title``, ``text``) and its comments in order.

    Each comment is ``{"id", "article_id", "parent_id"?, "author": {"id", "name"}, "text"}``.
    """
    package = files(__name__)
    article: dict[str, Any] = json.loads(package.joinpath(ARTICLE_FILE).read_text("utf-8"))
    lines = package.joinpath(COMMENTS_FILE).read_text("utf-8").splitlines()
    comments: list[dict[str, Any]] = [json.loads(line) for line in lines if line.strip()]
    return article, comments


__all__ = ["load_demo"]
