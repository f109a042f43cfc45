"""The ``netiquette screen`` JSONL contract."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from netiquette.errors import InputError
from netiquette.screening import Pipeline, check_text, load_pipeline, screen_file
from netiquette.screening.batch import Extractor, default_extractor
from netiquette.screening.houserules import shipped_house_rules

HOUSE_RULES = shipped_house_rules().keys  # the shipped five


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline()


def run(pipeline: Pipeline, lines: list[str], extract: Extractor | None = None) -> list[Any]:
    out = io.StringIO()
    written = screen_file(
        io.StringIO("".join(lines)), out, pipeline, progress=False, extract=extract
    )
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert written == len(records)
    return records


def line(**record: object) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def test_output_shape_and_order(pipeline: Pipeline) -> None:
    records = run(
        pipeline,
        [
            line(id="a", text="Danke für den Artikel."),
            line(id="b", text="Du Vollidiot, kauf bei www.shop-xy.de"),
            line(id=3, text="Ok.", parent_text=None, article_text=None),
        ],
    )
    assert [r["id"] for r in records] == ["a", "b", 3]
    first, second, _ = records
    assert set(first) == {"id", "decision", "reject", "flags", "scores", "evidence"}
    assert first["decision"] == "approve"
    assert first["reject"] is False
    assert list(first["flags"]) == list(HOUSE_RULES)
    assert first["scores"]["off_topic"] is None  # no article
    assert first["evidence"] == []
    assert second["reject"] is True
    assert second["decision"] == "review"
    assert second["flags"] == {
        "insinuation": False,
        "insult": True,
        "aggression": False,
        "ad_link": True,
        "off_topic": False,
    }
    text = "Du Vollidiot, kauf bei www.shop-xy.de"
    insult_at, link_at = text.index("Vollidiot"), text.index("www.")
    assert second["evidence"] == [
        {"rule": "insult", "start": insult_at, "end": insult_at + 9, "text": "Vollidiot"},
        {"rule": "ad_link", "start": link_at, "end": len(text), "text": "www.shop-xy.de"},
    ]


def test_evidence_offsets_point_into_the_text(pipeline: Pipeline) -> None:
    text = "Na, du I d i o t, schau auf www.shop-xy.de"
    (record,) = run(pipeline, [line(id="x", text=text)])
    spans = record["evidence"]
    assert isinstance(spans, list) and spans
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]


def test_reject_follows_flags_even_when_policy_reviews(pipeline: Pipeline) -> None:
    (record,) = run(pipeline, [line(id="x", text="Du Idiot")])
    assert record["reject"] is True
    assert record["decision"] == "review"
    (strict,) = run(load_pipeline(auto_reject=True), [line(id="x", text="Du Idiot")])
    assert strict["decision"] == "reject"


def test_blank_lines_are_skipped(pipeline: Pipeline) -> None:
    records = run(pipeline, [line(id="a", text="Hallo"), "\n", "   \n", line(id="b", text="Hi")])
    assert [r["id"] for r in records] == ["a", "b"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json}\n", r"line 2: malformed JSON"),
        ("[1, 2]\n", r"line 2: expected a JSON object"),
        ('{"text": "x"}\n', r'line 2: missing "id"'),
        ('{"id": null, "text": "x"}\n', r'line 2: "id" must be a string or an integer'),
        ('{"id": true, "text": "x"}\n', r'line 2: "id" must be'),
        ('{"id": "a"}\n', r'line 2: missing "text"'),
        ('{"id": "a", "text": 5}\n', r'line 2: "text" must be a string'),
        ('{"id": "a", "text": "x", "article_text": 1}\n', r'line 2: "article_text" must be'),
    ],
)
def test_bad_line_names_line_number_and_problem(pipeline: Pipeline, bad: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        run(pipeline, [line(id="ok", text="Hallo"), bad])
    assert "\n" not in info.value.message


def test_invalid_utf8_in_a_file(pipeline: Pipeline, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(line(id="a", text="Hallo").encode() + b'{"id": "b", "text": "\xff"}\n')
    out = io.StringIO()
    with pytest.raises(InputError, match=r"line 2: invalid UTF-8"):
        screen_file(path, out, pipeline, progress=False)
    assert len(out.getvalue().splitlines()) == 1


def test_invalid_utf8_in_a_stream(pipeline: Pipeline) -> None:
    raw = io.BytesIO(line(id="a", text="Hallo").encode() + b'{"id": "b", "text": "\xff"}\n')
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: invalid UTF-8"):
        screen_file(stream, io.StringIO(), pipeline, progress=False)


def test_lone_surrogates_count_as_invalid_utf8(pipeline: Pipeline) -> None:
    with pytest.raises(InputError, match=r"line 1: invalid UTF-8"):
        run(pipeline, ['{"id": "a", "text": "\udcff"}\n'])


def test_file_input_with_progress_bar(pipeline: Pipeline, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(line(id="a", text="Hallo") + line(id="b", text="Idiot"), encoding="utf-8")
    out = io.StringIO()
    assert screen_file(path, out, pipeline, progress=True) == 2
    assert len(out.getvalue().splitlines()) == 2


def test_missing_input_file(pipeline: Pipeline, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        screen_file(tmp_path / "missing.jsonl", io.StringIO(), pipeline, progress=False)


def test_article_text_goes_through_the_extractor(pipeline: Pipeline) -> None:
    seen: list[str] = []

    def extract(raw: str) -> str:
        seen.append(raw)
        return "extracted body"

    lines = [line(id=i, text="Hallo", article_text="<html>page</html>") for i in range(3)]
    records = run(pipeline, lines, extract=extract)
    assert len(records) == 3
    assert seen == ["<html>page</html>"]  # one extraction per distinct article


def test_default_extractor_is_callable() -> None:
    extract = default_extractor()
    assert isinstance(extract("Ein Artikel.\n\nMit zwei Absätzen, die lang genug sind."), str)


def test_check_text() -> None:
    result = check_text("Du A****loch", article_text="Ein Artikel über den Stadtrat.")
    assert result.flags["insult"]
    assert list(result.results) == list(HOUSE_RULES)
