"""Recalibration: the automatic-decision thresholds recomputed from a site's recent decisions.

The mix of comments moves (an election, a new section, a troll wave), and a threshold that
agreed with the moderators 95 % of the time last spring may not today. :func:`recalibrate`
scores the site's latest decisions that the model never trained on (decided from its
``examples.split_at`` on, at most ``window`` of them) and chooses ``reject_above`` and
``approve_below`` again with :func:`~netiquette.learning.calibration.auto_thresholds`, so the
agreement target holds on the current mix. It rewrites ``meta.json`` (atomically) and the
model card, and appends the change to ``meta["recalibrations"]`` with the thresholds before.

Only the automatic-decision thresholds change: the model, its calibration and the held-back
metrics (and ``metrics.threshold``, where they were measured) stay as trained.

A caveat the docs repeat: once a model decides alone, people only label what it left to them
(plus spot checks), so later decisions over-represent the uncertain middle. Spot checks of
automatic decisions are what keeps the ends of the score range in the recent sample.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from netiquette.errors import InputError, ModelError, NotFoundError
from netiquette.learning.calibration import DEFAULT_TARGET, AutoThresholds, auto_thresholds
from netiquette.learning.card import model_card
from netiquette.learning.train_site import Example, load_examples
from netiquette.store.models import utcnow

#: Fewest recent decisions (and of each label) a recalibration accepts.
MIN_RECENT = 200
MIN_PER_LABEL = 20
DEFAULT_WINDOW = 2000


@dataclass(frozen=True, slots=True)
class Recalibration:
    """What a recalibration did."""

    version: str
    examples: int
    rejections: int
    before: dict[str, float | None]
    after: AutoThresholds


def version_dir(models_dir: Path, site: str, version: str | None = None) -> Path:
    """A version of the site's models (None: the newest candidate on disk)."""
    root = models_dir / site
    if version is not None:
        path = root / version
        if not (path / "meta.json").is_file():
            raise NotFoundError(f"--version: no model {version!r} in {root}", field="version")
        return path
    versions = sorted(p for p in root.glob("*/meta.json")) if root.is_dir() else []
    if not versions:
        raise NotFoundError(
            f"--site {site!r}: no model in {root}; train one: netiquette train --site {site}",
            field="site",
        )
    return versions[-1].parent


def read_meta(path: Path) -> dict[str, Any]:
    """The meta.json of a model directory; ModelError naming it when missing or broken."""
    try:
        data: dict[str, Any] = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        datetime.fromisoformat(data["examples"]["split_at"])
        str(data["model_version"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"{path / 'meta.json'} is missing or broken ({type(exc).__name__}: {exc})",
            field="version",
        ) from None
    return data


def write_meta(path: Path, meta: dict[str, Any]) -> None:
    """Write meta.json and the card; a reader never sees half a file (rename is atomic)."""
    for name, text in (
        ("meta.json", json.dumps(meta, indent=2)),
        ("model_card.md", model_card(meta)),
    ):
        tmp = path / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path / name)


def load_model(path: Path) -> Any:
    """The fitted model of a directory (``predict_proba(texts)[:, 1]`` = P(reject))."""
    import joblib

    try:
        return joblib.load(path / "model.joblib")
    except Exception as exc:  # unpickling can fail in many ways; all mean "unusable"
        raise ModelError(
            f"{path / 'model.joblib'} cannot be loaded ({type(exc).__name__}: {exc})",
            field="version",
        ) from None


def unseen_examples(session: Any, site: str, meta: dict[str, Any]) -> list[Example]:
    """The site's examples the model never trained on, oldest first."""
    split_at = datetime.fromisoformat(meta["examples"]["split_at"])
    return load_examples(session, site, since=split_at)


def recalibrate(
    session: Any,
    site: str,
    path: Path,
    *,
    target: float = DEFAULT_TARGET,
    window: int = DEFAULT_WINDOW,
) -> Recalibration:
    """Choose the model's auto thresholds again on the latest ``window`` unseen decisions."""
    if not 0.5 < target < 1.0:
        raise InputError(
            "site_auto_precision must lie between 0.5 and 1", field="site_auto_precision"
        )
    if window < MIN_RECENT:
        raise InputError(
            f"site_recalibration_window must be at least {MIN_RECENT}",
            field="site_recalibration_window",
        )
    meta = read_meta(path)
    recent = unseen_examples(session, site, meta)[-window:]
    y = np.array([e.reject for e in recent], dtype=np.int64)
    rejections = int(y.sum())
    if len(recent) < MIN_RECENT or min(rejections, len(recent) - rejections) < MIN_PER_LABEL:
        raise InputError(
            f"site {site!r} has {len(recent)} decisions ({rejections} rejections) since "
            f"{meta['examples']['split_at']}, the model's training end; recalibration needs "
            f"{MIN_RECENT} with at least {MIN_PER_LABEL} of each label",
            field="site",
        )
    scores = np.asarray(
        load_model(path).predict_proba([e.text for e in recent])[:, 1], dtype=np.float64
    )
    reads_reject_at = float((meta.get("metrics") or {}).get("threshold", 0.5))
    after = auto_thresholds(scores, y, target, reads_reject_at=reads_reject_at)
    before = dict(meta.get("thresholds") or {"approve_below": None, "reject_above": None})
    meta["thresholds"] = after.as_meta()
    meta.setdefault("recalibrations", []).append(
        {
            "at": utcnow().isoformat(),
            "from": recent[0].decided_at.isoformat(),
            "to": recent[-1].decided_at.isoformat(),
            "examples": len(recent),
            "rejections": rejections,
            "target": target,
            "thresholds": after.as_meta(),
            "before": before,
            "auto_share": round(after.auto_share, 4),
            "approve_agreement": after.approve_agreement,
            "reject_agreement": after.reject_agreement,
        }
    )
    write_meta(path, meta)
    return Recalibration(str(meta["model_version"]), len(recent), rejections, before, after)
