"""The package's public surface is what ``__all__`` says."""

from __future__ import annotations

import inspect

import netiquette.screening as screening


def test_all_names_exist() -> None:
    missing = [name for name in screening.__all__ if not hasattr(screening, name)]
    assert missing == []


def test_all_has_no_duplicates() -> None:
    assert len(set(screening.__all__)) == len(screening.__all__)


def test_public_functions_have_docstrings() -> None:
    undocumented = [
        name
        for name in screening.__all__
        if (inspect.isfunction(obj := getattr(screening, name)) or inspect.isclass(obj))
        and not inspect.getdoc(obj)
    ]
    assert undocumented == []


def test_load_pipeline_signature() -> None:
    signature = inspect.signature(screening.load_pipeline)
    assert list(signature.parameters) == ["path", "auto_approve", "auto_reject"]
    assert signature.parameters["auto_approve"].kind is inspect.Parameter.KEYWORD_ONLY
