"""A site model on disk, as the registry and the screening read it (the artifact contract).

``<models_dir>/<site>/<version>/`` holds what ``netiquette train --site`` writes
(:mod:`netiquette.learning.train_site`). This module relies on exactly this, nothing more:

- ``model.joblib``: an object with ``predict_proba(list_of_texts)`` whose column 1 is the
  probability that the site rejects the text (a scikit-learn pipeline);
- ``meta.json``: ``model_version`` (the directory's name), ``site``, ``trained_at``;
  ``examples.split_at`` (ISO time: examples decided from then on were held back, never
  trained on) — the promotion guard compares models there; optionally
  ``thresholds: {"approve_below": float|null, "reject_above": float|null}`` (calibrated; null
  or absent: never decide that way alone) and ``metrics.threshold`` (the point at which the
  model's answer reads "reject" in reports; 0.5 when absent).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netiquette.errors import InputError

#: Where the model reads "reject" when its meta.json names no ``metrics.threshold``.
DEFAULT_REJECT_AT = 0.5
SHIPPED = "shipped"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The calibrated decision points; None = the model never decides that way alone."""

    approve_below: float | None = None
    reject_above: float | None = None


@dataclass(frozen=True)
class SiteModel:
    """A loaded site model: its version, metadata and the fitted pipeline."""

    version: str
    path: Path
    meta: dict[str, Any]
    estimator: Any = field(repr=False)
    #: meta.json's modification time when it was read (a recalibration rewrites it).
    meta_mtime: int = 0

    @property
    def reject_at(self) -> float:
        """Probability from which the model's answer reads "reject" (reports, the guard)."""
        value = (self.meta.get("metrics") or {}).get("threshold")
        return float(value) if isinstance(value, int | float) else DEFAULT_REJECT_AT

    @property
    def thresholds(self) -> Thresholds:
        """The calibrated thresholds of meta.json (both None when it has none)."""
        raw = self.meta.get("thresholds") or {}
        return Thresholds(
            _probability(raw.get("approve_below")), _probability(raw.get("reject_above"))
        )

    @property
    def split_at(self) -> str | None:
        """ISO time from which the site's examples were held back (None when unknown)."""
        value = (self.meta.get("examples") or {}).get("split_at")
        return value if isinstance(value, str) else None

    def reject_probabilities(self, texts: Sequence[str]) -> list[float]:
        """P(the site rejects) per text, in order."""
        if not texts:
            return []
        return [float(p) for p in self.estimator.predict_proba(list(texts))[:, 1]]


def _probability(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return float(value)
    return None


def model_dir(models_dir: Path, site: str, version: str) -> Path:
    """Where a version of a site's model lives."""
    return models_dir / site / version


def meta_mtime(path: Path) -> int:
    """Modification time of ``path``/meta.json in nanoseconds (0 when it is gone)."""
    try:
        return (path / "meta.json").stat().st_mtime_ns
    except OSError:
        return 0


def read_meta(path: Path) -> dict[str, Any]:
    """A candidate's meta.json; InputError naming the version when it is missing or broken."""
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"model {path.name}: no meta.json in {path}", field="version") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"model {path.name}: meta.json is not JSON ({exc})", field="version"
        ) from None
    if not isinstance(meta, dict):
        raise InputError(f"model {path.name}: meta.json is not an object", field="version")
    return meta


def load_model(models_dir: Path, site: str, version: str) -> SiteModel:
    """Load ``<models_dir>/<site>/<version>``; InputError naming what is missing."""
    import joblib

    path = model_dir(models_dir, site, version)
    if not path.is_dir():
        raise InputError(f"site {site!r} has no model {version!r} in {models_dir}", field="version")
    mtime = meta_mtime(path)
    meta = read_meta(path)
    file = path / "model.joblib"
    if not file.is_file():
        raise InputError(f"model {version}: no model.joblib in {path}", field="version")
    try:
        estimator = joblib.load(file)
    except Exception as exc:  # a truncated or foreign pickle raises whatever it raises
        raise InputError(
            f"model {version}: model.joblib cannot be read ({type(exc).__name__})", field="version"
        ) from exc
    if not callable(getattr(estimator, "predict_proba", None)):
        raise InputError(f"model {version}: model.joblib has no predict_proba", field="version")
    return SiteModel(version=version, path=path, meta=meta, estimator=estimator, meta_mtime=mtime)


def candidate_versions(models_dir: Path, site: str) -> list[str]:
    """The versions on disk for ``site``, oldest first (names sort by training time)."""
    root = models_dir / site
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "meta.json").is_file())
