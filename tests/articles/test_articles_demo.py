"""The shipped demo article and comments are well-formed and extract cleanly."""

from __future__ import annotations

from netiquette.articles import extract_article, most_related_passage
from netiquette.demo import load_demo


def test_demo_article_shape_and_extraction() -> None:
    article, _ = load_demo()

    assert set(article) == {"id", "url", "title", "text"}
    extracted = extract_article(text=article["text"], url=article["url"])
    assert 6 <= len(extracted.paragraphs) <= 8
    # The body is sent without its title, so nothing may be taken for a headline.
    assert extracted.title == ""
    assert extracted.body == article["text"]


def test_demo_comments_shape_and_threading() -> None:
    article, comments = load_demo()

    ids = [comment["id"] for comment in comments]
    assert len(ids) == len(set(ids))
    assert 20 <= len(comments) <= 30
    seen: set[str] = set()
    replies = 0
    for comment in comments:
        assert set(comment) <= {"id", "article_id", "parent_id", "author", "text"}
        assert comment["article_id"] == article["id"]
        assert set(comment["author"]) == {"id", "name"}
        assert comment["text"].strip()
        if "parent_id" in comment:
            assert comment["parent_id"] in seen, "replies must follow their parent"
            replies += 1
        seen.add(comment["id"])
    assert 3 <= replies <= 5


def test_demo_comments_point_at_passages() -> None:
    article, comments = load_demo()
    extracted = extract_article(text=article["text"])
    by_id = {comment["id"]: comment["text"] for comment in comments}

    trees = most_related_passage(extracted, by_id["demo-c05"])
    assert trees.startswith("Umstritten ist vor allem der Abschnitt durch die Kastanienallee")
    assert most_related_passage(extracted, by_id["demo-c18"]) == ""
