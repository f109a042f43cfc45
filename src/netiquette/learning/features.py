"""What a site model reads: the comment's characters and, where it helps, the shipped rules' scores.

A newsroom's rejections are mostly the house rules' cases; the shipped models learned those
from tens of thousands of labelled comments, the site's history has a few thousand. So a
candidate may read, beside the character n-grams of the text, the shipped house rules' scores
of the same comment (:class:`ShippedScores`): the site's logistic regression then learns how
far this newsroom's line follows each shipped rule and where its own words differ.

The scores travel with the text: :class:`ScoredText` is a ``str`` that carries them, so the
artifact contract stays ``predict_proba(list_of_texts)``. The server and ``screen --site`` pass
the scores their pipeline just computed; a plain ``str`` (drift, recalibration) is scored on
the spot with the process's screening pipeline (:func:`use_pipeline`; the shipped one unless a
server or command registered its own). The promotion guard screens the held-back examples once
and hands both models the same scored texts.

Only the rules that read the comment alone are features: ``off_topic`` needs the article, which
imported histories mostly lack, so its score in training would not be its score in use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

#: The shipped rules whose scores a site model may read (each depends on the comment alone).
SHIPPED_FEATURES: tuple[str, ...] = ("insinuation", "insult", "aggression", "ad_link")
#: Scores are clipped to [EPS, 1 - EPS] before the log-odds (a missing score counts as EPS).
EPS = 0.01
#: Comments per call of the shipped pipeline while scoring examples.
BATCH = 64


class ScoredText(str):
    """A comment's text that carries the shipped house rules' scores for it (and, when known,
    whether any shipped rule flagged it: the shipped screening's "reject?" in the guard)."""

    shipped: dict[str, float | None]
    flagged: bool | None
    #: ``id()`` of the pipeline that scored it (the guard reuses flags only from its own).
    source: int | None

    def __new__(
        cls,
        text: str,
        shipped: Mapping[str, float | None],
        flagged: bool | None = None,
        source: int | None = None,
    ) -> ScoredText:
        obj = super().__new__(cls, text)
        obj.shipped = dict(shipped)
        obj.flagged = flagged
        obj.source = source
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickling and copying rebuild it with its scores (process pools, deepcopy).
        return (ScoredText, (str(self), self.shipped, self.flagged, self.source))


#: Where plain texts get their scores in this process (None: the shipped pipeline).
_source: Callable[[], Any] | None = None


def use_pipeline(source: Callable[[], Any] | None) -> None:
    """Score plain texts with ``source()`` in this process (the server's or the command's own
    screening pipeline, so no second copy of the models is loaded); None = the shipped one."""
    global _source
    _source = source


def scoring_pipeline() -> Any:
    """The pipeline plain texts are scored with (see :func:`use_pipeline`)."""
    if _source is not None:
        return _source()
    from netiquette.screening.pipeline import default_pipeline

    return default_pipeline()


def _features(meta: Mapping[str, Any]) -> Mapping[str, Any]:
    """meta.json's ``features`` (empty when absent or not an object: older candidates)."""
    value = meta.get("features")
    return value if isinstance(value, Mapping) else {}


def shipped_versions(meta: Mapping[str, Any]) -> dict[str, str]:
    """The shipped versions a site model read (``{"insult": "model-v1", "model": …}``)."""
    value = _features(meta).get("shipped_versions")
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def reads_shipped(meta: Mapping[str, Any]) -> bool:
    """Whether a site model (its meta.json) reads the shipped rules' scores."""
    rules = _features(meta).get("shipped_rules")
    return isinstance(rules, list) and bool(rules)


def scores_of(result: Any) -> dict[str, float | None]:
    """The per-rule scores of a screening result (None where a rule gave no score)."""
    return {name: rule.score for name, rule in result.results.items()}


def score_texts(
    pipeline: Any,
    texts: Sequence[str],
    step: Callable[[int], None] | None = None,
) -> list[ScoredText]:
    """``texts`` with the scores ``pipeline`` gives each (comment alone, no article).

    ``step`` is called with the number of comments after each batch (a progress bar).
    """
    from netiquette.screening import ScreeningInput

    out: list[ScoredText] = []
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        results = pipeline.screen_batch([ScreeningInput(text=t) for t in chunk])
        out.extend(
            ScoredText(t, scores_of(r), any(r.flags.values()), id(pipeline))
            for t, r in zip(chunk, results, strict=True)
        )
        if step is not None:
            step(len(chunk))
    return out


def stale_features(meta: Mapping[str, Any], versions: Mapping[str, str]) -> list[str]:
    """What a site model read that this pipeline runs in another version (``"name old → new"``).

    A site model trained on one release's scores reads another release's differently: after an
    upgrade of the shipped models (``model``, e.g. houserules-5 → houserules-6), such a site
    model should be trained again.
    """
    recorded = shipped_versions(meta)
    return [
        f"{name} {old} → {versions[name]}"
        for name, old in sorted(recorded.items())
        if versions.get(name) not in (None, old)
    ]


def _log_odds(value: float | None) -> float:
    p = EPS if value is None or not math.isfinite(value) else min(max(value, EPS), 1.0 - EPS)
    return math.log(p / (1.0 - p))


class ShippedScores:
    """scikit-learn transformer: the shipped rules' scores of each text as log-odds columns.

    Texts that are not :class:`ScoredText` are scored first (:func:`scoring_pipeline`).
    """

    def __init__(self, rules: tuple[str, ...] = SHIPPED_FEATURES) -> None:
        self.rules = rules

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (scikit-learn's estimator protocol)."""
        return {"rules": self.rules}

    def set_params(self, **params: Any) -> ShippedScores:
        """Set constructor parameters (scikit-learn's estimator protocol)."""
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, texts: Sequence[str], y: Any = None) -> ShippedScores:
        """Nothing to learn: the columns are the scores."""
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        """One row per text, one log-odds column per rule (sparse, to sit beside TF-IDF)."""
        from scipy.sparse import csr_matrix

        scored = [t if isinstance(t, ScoredText) else None for t in texts]
        missing = [i for i, t in enumerate(scored) if t is None]
        if missing:
            filled = score_texts(scoring_pipeline(), [str(texts[i]) for i in missing])
            for i, t in zip(missing, filled, strict=True):
                scored[i] = t
        rows = [[_log_odds((t.shipped if t else {}).get(r)) for r in self.rules] for t in scored]
        return csr_matrix(np.asarray(rows, dtype=np.float64).reshape(len(texts), len(self.rules)))

    def fit_transform(self, texts: Sequence[str], y: Any = None) -> Any:
        """:meth:`transform` (nothing to fit)."""
        return self.transform(texts)


__all__ = [
    "SHIPPED_FEATURES",
    "ScoredText",
    "ShippedScores",
    "score_texts",
    "scores_of",
    "stale_features",
]
