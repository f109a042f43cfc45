"""The model registry of each site: candidates on disk, live and shadow model in the database.

Candidates are the directories ``netiquette train --site`` writes (``<models_dir>/<site>/
<version>/``, :mod:`.artifact`). Which one is *live* (screens and decides) and which one is
*shadow* (scores beside it, decides nothing) is database state, so every server process and
every command sees the same answer: the append-only table ``site_model_changes``. Replaying its
rows gives the state: ``promote`` pushes a version on the site's live stack, ``rollback`` pops
it (back to the version live before it, or to the shipped model at the bottom); ``shadow`` and
``unshadow`` set and clear the shadow. Each change is also an event of the audit chain
(``site_model_promoted``, ``site_model_rolled_back``, ``site_model_shadowed``,
``site_model_unshadowed``), with the guard's figures for a promotion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.errors import ConflictError, InputError, NotFoundError
from netiquette.learning.artifact import (
    SHIPPED,
    SiteModel,
    candidate_versions,
    load_model,
    read_meta,
)
from netiquette.learning.features import reads_shipped, shipped_versions
from netiquette.learning.guard import Comparison, Scorer, compare, held_back, site_model_scorer
from netiquette.learning.train_site import load_examples
from netiquette.review.audit import record_event
from netiquette.store.models import SiteModelChange, utcnow

LATEST = "latest"


@dataclass
class RegistryState:
    """A site's live and shadow model (None = shipped / no shadow) and its change history."""

    site: str
    live: str | None = None
    shadow: str | None = None
    #: The live versions in promotion order; rollback returns to the one below the top.
    stack: list[str] = field(default_factory=list)
    changes: list[SiteModelChange] = field(default_factory=list)

    @property
    def previous(self) -> str | None:
        """The model a rollback returns to (None: the shipped model)."""
        return self.stack[-2] if len(self.stack) > 1 else None


def state(session: Session, site: str) -> RegistryState:
    """Replay the site's changes into its current state."""
    rows = list(
        session.scalars(
            select(SiteModelChange).where(SiteModelChange.site == site).order_by(SiteModelChange.id)
        )
    )
    out = RegistryState(site, changes=rows)
    for row in rows:
        if row.action == "promote" and row.version is not None:
            out.stack.append(row.version)
        elif row.action == "rollback" and out.stack:
            out.stack.pop()
        elif row.action == "shadow":
            out.shadow = row.version
        elif row.action == "unshadow":
            out.shadow = None
    out.live = out.stack[-1] if out.stack else None
    if out.shadow is not None and out.shadow == out.live:
        out.shadow = None  # a promoted shadow watches no more: it decides
    return out


def live_versions(session: Session, site: str) -> tuple[str | None, str | None]:
    """``(live, shadow)`` of a site: one cheap query for servers that look for changes."""
    s = state(session, site)
    return s.live, s.shadow


def resolve(models_dir: Path, site: str, version: str) -> str:
    """A version name, ``latest`` meaning the newest candidate on disk."""
    versions = candidate_versions(models_dir, site)
    if version == LATEST:
        if not versions:
            raise NotFoundError(
                f"site {site!r} has no candidate in {models_dir} (train one: netiquette train "
                f"--site {site})",
                field="version",
            )
        return versions[-1]
    if version not in versions:
        known = ", ".join(versions[-5:]) or "none"
        raise NotFoundError(
            f"site {site!r} has no model {version!r} in {models_dir} (newest: {known})",
            field="version",
        )
    return version


@dataclass(frozen=True)
class Promotion:
    """What a promotion did."""

    site: str
    version: str
    previous: str | None
    comparison: Comparison | None
    forced: bool


#: How the command line gets past a refusal of the guard (the workspace has its own box).
FORCE_HINT = "promote with --force to switch anyway"


class GuardRefused(ConflictError):
    """The guard will not promote: ``reason`` in one line, and ``comparison`` when it compared
    the two models (None when it could not compare them). ``force`` gets past it."""

    def __init__(self, reason: str, comparison: Comparison | None = None) -> None:
        super().__init__(f"{reason}; {FORCE_HINT}", field="version")
        self.reason = reason
        self.comparison = comparison


def guard(
    session: Session,
    site: str,
    candidate: SiteModel,
    live: tuple[str, Scorer],
    *,
    margin: float,
    needs_scores: bool = False,
) -> Comparison:
    """The candidate against the live model on the candidate's held-back examples.

    ``needs_scores``: a model reads the shipped rules' scores (or the live one is the shipped
    screening): the examples are screened once with :func:`.features.scoring_pipeline` and
    both models read the same scored texts.
    """
    if candidate.split_at is None:
        raise GuardRefused(
            f"model {candidate.version}: meta.json names no examples.split_at, so the guard "
            "cannot tell which examples it never saw"
        )
    try:
        examples = held_back(load_examples(session, site), candidate.split_at)
    except (TypeError, ValueError):  # not an ISO time, or one without its zone
        raise GuardRefused(
            f"model {candidate.version}: examples.split_at {candidate.split_at!r} is not an ISO "
            "time with zone"
        ) from None
    if not examples:
        raise GuardRefused(
            f"site {site!r} has no example decided since {candidate.split_at} to compare "
            f"{candidate.version} with the live model"
        )
    prepared = None
    if needs_scores:
        from netiquette.learning.features import score_texts, scoring_pipeline

        prepared = score_texts(scoring_pipeline(), [e.text for e in examples])
    return compare(
        examples,
        (candidate.version, site_model_scorer(candidate)),
        live,
        margin=margin,
        prepared=prepared,
    )


def promote(
    session: Session,
    site: str,
    models_dir: Path,
    version: str,
    *,
    actor: str,
    margin: float,
    shipped: Callable[[], Scorer],
    force: bool = False,
) -> Promotion:
    """Make ``version`` (or ``latest``) the site's live model, if the guard lets it.

    ``shipped`` builds the shipped screening's scorer (only called when no site model is
    live: loading it takes seconds). A refusal is a :class:`ConflictError` with one line.
    """
    current = state(session, site)
    version = resolve(models_dir, site, version)
    if version == current.live:
        raise ConflictError(f"model {version} is live for site {site!r} already", field="version")
    candidate = load_model(models_dir, site, version)
    comparison: Comparison | None = None
    try:
        needs_scores = reads_shipped(candidate.meta)
        if current.live is None:
            live: tuple[str, Scorer] = (SHIPPED, shipped())
            needs_scores = True
        else:
            live_model = load_model(models_dir, site, current.live)
            live = (live_model.version, site_model_scorer(live_model))
            needs_scores = needs_scores or reads_shipped(live_model.meta)
        comparison = guard(session, site, candidate, live, margin=margin, needs_scores=needs_scores)
    except GuardRefused:
        if not force:
            raise
    refusal = comparison.refusal() if comparison is not None else None
    if refusal is not None and not force:
        raise GuardRefused(refusal, comparison)
    details: dict[str, Any] = {
        "site": site,
        "version": version,
        "previous": current.live or SHIPPED,
        "forced": bool(force and (refusal is not None or comparison is None)),
        "guard": comparison.as_dict() if comparison is not None else None,
    }
    _change(session, site, "promote", version, current.live, actor, details)
    record_event(session, "site_model_promoted", actor, details=details)
    return Promotion(site, version, current.live, comparison, bool(details["forced"]))


def rollback(
    session: Session, site: str, *, actor: str, models_dir: Path | None = None
) -> tuple[str, str | None]:
    """Back to the model live before the current one (or the shipped); ``(left, now live)``.

    With ``models_dir`` the model rolled back to is loaded first: one that can no longer be
    read is refused here, before the switch is recorded, not by every server afterwards.
    """
    current = state(session, site)
    if current.live is None:
        raise ConflictError(
            f"site {site!r} screens with the shipped model: nothing to roll back", field="site"
        )
    back_to = current.previous
    if back_to is not None and models_dir is not None:
        load_model(models_dir, site, back_to)
    details = {"site": site, "version": back_to or SHIPPED, "left": current.live}
    _change(session, site, "rollback", back_to, current.live, actor, details)
    record_event(session, "site_model_rolled_back", actor, details=details)
    return current.live, back_to


def set_shadow(
    session: Session, site: str, models_dir: Path, version: str | None, *, actor: str
) -> str | None:
    """Run ``version`` (or ``latest``) in the shadow of the live model; None switches it off."""
    current = state(session, site)
    if version is None:
        if current.shadow is None:
            raise ConflictError(f"site {site!r} has no shadow model", field="site")
        off = {"site": site, "version": current.shadow}
        _change(session, site, "unshadow", None, current.shadow, actor, off)
        record_event(session, "site_model_unshadowed", actor, details=off)
        return None
    version = resolve(models_dir, site, version)
    if version == current.live:
        raise ConflictError(f"model {version} is live for site {site!r}", field="version")
    load_model(models_dir, site, version)  # a broken candidate is refused now, not per comment
    details: dict[str, Any] = {"site": site, "version": version, "previous": current.shadow}
    _change(session, site, "shadow", version, current.shadow, actor, details)
    record_event(session, "site_model_shadowed", actor, details=details)
    return version


def _change(
    session: Session,
    site: str,
    action: str,
    version: str | None,
    previous: str | None,
    actor: str,
    details: dict[str, Any],
) -> None:
    session.add(
        SiteModelChange(
            site=site,
            action=action,
            version=version,
            previous=previous,
            actor=actor,
            forced=bool(details.get("forced", False)),
            details=details,
            created_at=utcnow(),
        )
    )
    session.flush()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One version on disk, for ``models list``."""

    version: str
    trained_at: str
    examples: int
    reject_f1: float | None
    role: str  # live, shadow or candidate
    #: Whether the model reads the shipped rules' scores beside the text.
    reads_shipped: bool = False
    #: The shipped release it read them from, when recorded (``houserules-5``).
    release: str | None = None


def _release(meta: dict[str, Any]) -> str | None:
    return shipped_versions(meta).get("model") or None


def candidates(session: Session, site: str, models_dir: Path) -> list[Candidate]:
    """Every version on disk with its role, oldest first."""
    current = state(session, site)
    out = []
    for version in candidate_versions(models_dir, site):
        try:
            meta = read_meta(models_dir / site / version)
        except InputError:
            continue
        ex = meta.get("examples") or {}
        f1 = (meta.get("metrics") or {}).get("reject_f1")
        role = "live" if version == current.live else "shadow" if version == current.shadow else ""
        out.append(
            Candidate(
                version,
                str(meta.get("trained_at", "")),
                int(ex.get("training", 0)) + int(ex.get("held_back", 0)),
                float(f1) if isinstance(f1, int | float) else None,
                role or "candidate",
                reads_shipped(meta),
                _release(meta) if reads_shipped(meta) else None,
            )
        )
    return out
