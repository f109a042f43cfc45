"""Properties that must hold for any input: no crash, spans point into the text, scores in range."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from netiquette.screening import ScreeningInput, load_pipeline, screen_file
from netiquette.screening.houserules import shipped_house_rules
from netiquette.screening.normalize import normalize

HOUSE_RULES = shipped_house_rules().keys  # the shipped five

PIPELINE = load_pipeline()

# Text biased towards the characters the normaliser treats specially.
TRICKY = st.sampled_from(
    [
        *"Idiot Arschloch Schwein 0134579@$*#!|.-_ ",
        "\u200b",
        "\u0308",
        "ß",
        "Ä",
        "İ",
        "ﬁ",
        "Ⅷ",
        "𝐈",
        "\u00ad",
        "\n",
        "www.",
        "https://",
        ".de",
        "+49 ",
        "[dot]",
        "(at)",
        "„",
        "“",
    ]
)
TEXTS = st.one_of(st.text(), st.lists(TRICKY, max_size=60).map("".join))


@given(TEXTS)
@settings(max_examples=300, deadline=None)
def test_normalize_never_crashes_and_maps_inside_the_text(text: str) -> None:
    normalized = normalize(text)
    for token in normalized.tokens:
        assert 0 <= token.start < token.end <= len(text)
        for reading in token.readings():
            assert len(reading.starts) == len(reading.ends) == len(reading.norm)
            start, end = token.span(0, len(reading.norm), alt=reading is token.alt)
            assert token.start <= start <= end <= token.end
    length = len(normalized.text)
    for a in range(0, length + 1, max(1, length // 7 or 1)):
        ostart, oend = normalized.to_original(a, min(length, a + 3))
        assert 0 <= ostart <= oend <= len(text)


@given(TEXTS)
@settings(max_examples=300, deadline=None)
def test_evidence_span_text_is_the_original_text(text: str) -> None:
    result = PIPELINE.screen(ScreeningInput(text))
    for span in result.evidence:
        assert 0 <= span.start <= span.end <= len(text)
        assert span.text == text[span.start : span.end]
    for score in result.scores.values():
        assert score is None or 0.0 <= score <= 1.0
    assert list(result.results) == list(HOUSE_RULES)
    assert 0 <= result.decision.priority <= 100


@given(st.lists(st.tuples(st.text(max_size=5), TEXTS), max_size=5))
@settings(max_examples=50, deadline=None)
def test_screen_file_writes_one_line_per_input(records: list[tuple[str, str]]) -> None:
    lines = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in records)
    try:
        lines.encode("utf-8")
    except UnicodeEncodeError:
        return  # lone surrogates: covered by the InputError tests
    out = io.StringIO()
    written = screen_file(io.StringIO(lines), out, PIPELINE, progress=False)
    outputs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert written == len(records) == len(outputs)
    assert [o["id"] for o in outputs] == [i for i, _ in records]
    for (_, text), output in zip(records, outputs, strict=True):
        assert output["reject"] == any(output["flags"].values())
        for span in output["evidence"]:
            assert text[span["start"] : span["end"]] == span["text"]
