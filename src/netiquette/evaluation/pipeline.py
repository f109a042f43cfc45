"""Score the real screening pipeline on a labelled JSONL file (``netiquette eval``).

Each record goes through the same path as ``netiquette screen``: the article text (a captured
page or HTML is fine) through the article extractor, the comment through the pipeline, the result
through :func:`netiquette.screening.batch.result_to_json`. The harness then compares the output's
``flags`` per rule, its ``reject`` field and its ``decision`` with the labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from netiquette.evaluation.report import Report, ScreenFn, evaluate, load_records
from netiquette.screening.base import ScreeningInput
from netiquette.screening.batch import Extractor, cached_extractor, result_to_json
from netiquette.screening.pipeline import Pipeline


def pipeline_screen_fn(pipeline: Pipeline, extract: Extractor | None = None) -> ScreenFn:
    """A ``screen_fn`` for :func:`evaluate` backed by ``pipeline``."""
    article_body = cached_extractor(extract)

    def screen(text: str, article_text: str | None) -> Mapping[str, Any]:
        article = article_body(article_text) if article_text else None
        result = pipeline.screen(ScreeningInput(text=text, article_text=article))
        return result_to_json("", result)

    return screen


def evaluate_file(path: Path, pipeline: Pipeline, extract: Extractor | None = None) -> Report:
    """Load labelled records from ``path`` and score ``pipeline`` on them."""
    return evaluate(load_records(path), pipeline_screen_fn(pipeline, extract))


__all__ = ["evaluate_file", "pipeline_screen_fn"]
