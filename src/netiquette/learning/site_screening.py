"""Screening with the site's promoted model beside the shipped house rules, and its shadow.

:class:`SiteScreener` stands where the pipeline stands (the intake, ``netiquette screen
--site``): it runs the shipped pipeline, then lets the live site model decide
(:mod:`.combine`) and scores the shadow model without deciding. Without a promoted model and
without a shadow it hands back the pipeline's result unchanged.

Models are loaded once and swapped, never loaded on the request path: :meth:`refresh` asks the
database which versions are live and shadow (one query), loads a changed one beside the old
and swaps the reference; a server calls it from a background thread every
``site_model_check_seconds`` (:meth:`start`), commands once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.learning.artifact import SHIPPED, SiteModel, load_model, meta_mtime
from netiquette.learning.combine import (
    ModelScore,
    RuleAttribution,
    SiteScreeningResult,
    decide_with_site_model,
)
from netiquette.learning.examples import live_site
from netiquette.learning.features import ScoredText, scores_of, stale_features, use_pipeline
from netiquette.learning.registry import live_versions
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.store.db import Database
from netiquette.store.models import SiteExample, SiteModelScore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """The models in use: swapped as a whole, so a comment never sees half a change."""

    live: SiteModel | None = None
    shadow: SiteModel | None = None
    attribution: RuleAttribution | None = None


def _current(model: SiteModel | None, version: str | None) -> bool:
    """Is ``model`` the loaded form of ``version`` as it is on disk now?

    A recalibration rewrites a model's meta.json (its thresholds) in place: a changed file is
    loaded again, like a promotion.
    """
    if model is None or version is None:
        return model is None and version is None
    return model.version == version and model.meta_mtime == meta_mtime(model.path)


def rejected_references(session: Session, site: str) -> list[tuple[str, list[str]]]:
    """The site's rejected examples that cite rules, oldest first (for :class:`RuleAttribution`)."""
    rows = session.execute(
        select(SiteExample.text, SiteExample.rules)
        .where(SiteExample.site.in_({site, live_site()}), SiteExample.label == "reject")
        .order_by(SiteExample.decided_at)
    ).all()
    return [(text, list(rules)) for text, rules in rows if rules]


class SiteScreener:
    """The shipped pipeline plus the site's live and shadow models."""

    def __init__(self, pipeline: Any, site: str, models_dir: Path) -> None:
        self.pipeline = pipeline
        # Plain texts a site model scores in this process (the guard on the models page,
        # drift) get their shipped scores from this pipeline, not from a second copy.
        use_pipeline(lambda: pipeline)
        self.site = site
        self.models_dir = models_dir
        self.loaded = Loaded()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __getattr__(self, name: str) -> Any:
        # Everything else (house_rules, effective_policy, rules, ...) is the pipeline's.
        return getattr(self.pipeline, name)

    @property
    def versions(self) -> dict[str, str]:
        """The pipeline's component versions, plus the live site model's."""
        versions = dict(self.pipeline.versions)
        if self.loaded.live is not None:
            versions["site_model"] = self.loaded.live.version
        return versions

    # --- loading -----------------------------------------------------------------------------

    def refresh(self, db: Database) -> bool:
        """Load what the registry says is live and shadow now; True when something changed."""
        with db.session() as session:
            live, shadow = live_versions(session, self.site)
            old = self.loaded
            keep_live, keep_shadow = _current(old.live, live), _current(old.shadow, shadow)
            if keep_live and keep_shadow:
                return False
            references = rejected_references(session, self.site) if live is not None else []
        new_live = old.live if keep_live else None
        if live is not None and new_live is None:
            new_live = load_model(self.models_dir, self.site, live)
        new_shadow = old.shadow if keep_shadow else None
        if shadow is not None and new_shadow is None:
            new_shadow = load_model(self.models_dir, self.site, shadow)
        attribution = RuleAttribution(references) if live is not None else None
        versions = dict(getattr(self.pipeline, "versions", {}))
        for model in (new_live, new_shadow):
            stale = stale_features(model.meta, versions) if model is not None else []
            if model is not None and stale:
                log.warning(
                    "site %s: model %s was trained on other versions of the shipped models "
                    "than this server runs (%s); train it again (netiquette train --site %s)",
                    self.site,
                    model.version,
                    ", ".join(stale),
                    self.site,
                )
        self.loaded = Loaded(new_live, new_shadow, attribution)
        log.info("site %s: live model %s, shadow %s", self.site, live or SHIPPED, shadow)
        return True

    def start(self, db: Database, every_seconds: float) -> None:
        """Look for promotions and rollbacks every ``every_seconds`` in a background thread."""
        if self._thread is not None or every_seconds <= 0:
            return
        self._stop = threading.Event()  # a fresh one: the app may be started again

        def run() -> None:
            while not self._stop.wait(every_seconds):
                try:
                    self.refresh(db)
                except Exception:  # a broken candidate must not stop the watching
                    log.exception("site %s: loading the site models failed", self.site)

        self._thread = threading.Thread(target=run, name="site-models", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # --- screening ---------------------------------------------------------------------------

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        """The pipeline's result, decided by the live site model where it is confident."""
        if self.loaded.live is None and self.loaded.shadow is None:
            return self.pipeline.screen(item)  # type: ignore[no-any-return]
        return self.screen_batch([item])[0]

    def screen_batch(self, items: Sequence[ScreeningInput]) -> list[ScreeningResult]:
        """:meth:`screen` for many comments, in order (each model scores the batch at once)."""
        results = self.pipeline.screen_batch(items)
        loaded = self.loaded  # one snapshot for the whole batch
        if loaded.live is None and loaded.shadow is None:
            return list(results)
        # The texts carry the shipped rules' scores just computed: a site model that reads
        # them (learning.features) does not screen the comment a second time.
        texts = [
            ScoredText(item.text, scores_of(r)) for item, r in zip(items, results, strict=True)
        ]
        live_p = loaded.live.reject_probabilities(texts) if loaded.live else None
        shadow_p = loaded.shadow.reject_probabilities(texts) if loaded.shadow else None
        config = getattr(self.pipeline.policy, "config", None)
        auto_approve = bool(getattr(config, "auto_approve", True))
        auto_reject = bool(getattr(config, "auto_reject", False))
        out: list[ScreeningResult] = []
        for i, (item, result) in enumerate(zip(items, results, strict=True)):
            scores: list[ModelScore] = []
            decision = result.decision
            versions = dict(result.model_versions)
            p: float | None = None
            if loaded.live is not None and live_p is not None:
                p = live_p[i]
                attribution = loaded.attribution
                text = item.text

                def cite(a: RuleAttribution | None = attribution, t: str = text) -> list[str]:
                    return a.cite(t) if a is not None else []

                decision = decide_with_site_model(
                    result, p, loaded.live, cite, auto_approve=auto_approve, auto_reject=auto_reject
                )
                versions["site_model"] = loaded.live.version
                scores.append(
                    ModelScore(loaded.live.version, "live", p, p >= loaded.live.reject_at)
                )
            else:
                scores.append(ModelScore(SHIPPED, "live", None, any(result.flags.values())))
            if loaded.shadow is not None and shadow_p is not None:
                q = shadow_p[i]
                versions["site_model_shadow"] = loaded.shadow.version
                scores.append(
                    ModelScore(loaded.shadow.version, "shadow", q, q >= loaded.shadow.reject_at)
                )
            out.append(
                SiteScreeningResult(
                    results=result.results,
                    decision=decision,
                    model_versions=versions,
                    model_scores=tuple(scores),
                    reject_probability=p,
                    site=self.site,
                )
            )
        return out


def store_model_scores(session: Session, comment_id: str, result: ScreeningResult) -> None:
    """One row per model that scored the comment (nothing for a plain pipeline result)."""
    if not isinstance(result, SiteScreeningResult):
        return
    for score in result.model_scores:
        session.add(
            SiteModelScore(
                comment_id=comment_id,
                site=result.site,
                model_version=score.model_version,
                role=score.role,
                reject_probability=score.reject_probability,
                reject=score.reject,
            )
        )
