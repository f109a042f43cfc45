"""The policy's approve and reject thresholds, calibrated on article comments no model trained on.

``python -m netiquette.training.policy_calibration [--write]``

The model's own thresholds (``meta.json``) are chosen per rule on the pooled held-out texts of
its training corpora, mostly tweets and forum posts without an article. There a rule may let
through at most 1 % of *its* positives, and the approve zones came out so narrow that 7 % of the
fifth blind set's comments were approved (docs/screening.md). What a newsroom needs is the share
of *all* rule-breaking article comments that the policy publishes, the issue's ≤ 1 %.

This step reads the blind sets retired to calibration after their one scoring
(:data:`CALIBRATION_SETS`, never training data: their scores under the shipped model are
out-of-sample), screens every comment under its article through the shipped pipeline, and
chooses:

* **approve thresholds**, one family for the five rules: a rule approves a comment at scores
  below the ``alpha``-quantile of its own positives' scores (ad_link keeps its pattern
  threshold). ``alpha`` is the largest value on :data:`ALPHA_GRID` whose *leave-one-set-out*
  share of published violations (thresholds from the other sets, published violations counted on
  the set left out, pooled) stays at or below ``target`` (default :data:`TARGET_PUBLISHED`,
  half the issue's 1 %). One parameter for all rules, chosen across sets: a joint search
  over five thresholds published 1.5–2.4 % on the set left out, this family 0.8 % at alpha 0.02.
* **reject threshold** of ``insinuation``: the lowest score at which the comments at or above
  it break that rule with precision ≥ :data:`REJECT_PRECISION` on the calibration comments
  (at least :data:`MIN_SUPPORT` of them), never below the model's own ``reject_at``.

``--write`` stores the record beside the model, in ``screening/models/policy_calibration.json``.
The policy (``thresholds.v2``) reads it with the model's ``meta.json`` as long as its
``model_version`` is the model's (:func:`netiquette.screening.policy.model_thresholds`); values a
site writes in its TOML still override it per rule. After ``netiquette train`` gives a new model
version, run this step again: until then the policy falls back to the model's own thresholds.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.progress import track
from rich.table import Table

from netiquette.screening.models import DEFAULT_MODEL_DIR
from netiquette.screening.policy import CALIBRATION_FILE
from netiquette.training.retired import DATASETS, RULES, RetiredComment, retired_comments

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int_]

#: Blind sets retired to calibration after their one scoring (never training data).
#: ``blind7`` joined after its one scoring (houserules-5, 2026-12-06), for the release with
#: ``off_topic`` v4; ``blind8`` measures that release.
CALIBRATION_SETS: tuple[str, ...] = ("blind3", "blind4", "blind5", "blind6", "blind7")
#: Rules whose approve threshold is calibrated (ad_link keeps its pattern threshold).
APPROVE_RULES: tuple[str, ...] = ("insinuation", "insult", "aggression", "off_topic")
#: Rules whose reject threshold is calibrated. insult and aggression keep the model's
#: ``reject_at``: their rules place clear lexicon and pattern evidence exactly there, so a higher
#: policy threshold would stop a shouted threat from rejecting (off_topic never rejects; ad_link
#: is patterns).
REJECT_RULES: tuple[str, ...] = ("insinuation",)
#: The alphas tried. Quarter steps below 0.01 since houserules-12: there one more published
#: violation on the set left out moves the choice, and 0.005 → 0.01 was 17.8 % → 24.1 % approved.
ALPHA_GRID: tuple[float, ...] = (
    0.0,
    0.0025,
    0.005,
    0.0075,
    0.01,
    0.015,
    0.02,
    0.025,
    0.03,
    0.04,
    0.05,
)
#: Share of violations the leave-one-set-out policy may publish (issue 9: ≤ 1 %). Half of it,
#: since houserules-8: on the blind sets scored after a calibration at 0.85 % the published
#: share came out at 0.4 %, 0.4 %, 1.4 % and 2.0 % (the later sets written harder on purpose),
#: up to 2–3 times the leave-one-set-out figure.
TARGET_PUBLISHED = 0.005
REJECT_PRECISION = 0.95
MIN_SUPPORT = 10
OUT = DEFAULT_MODEL_DIR / CALIBRATION_FILE


@dataclass(frozen=True)
class Scored:
    """Rule scores (rows: comments, columns: :data:`RULES`), labels and each comment's set."""

    scores: FloatArray
    labels: IntArray
    sets: NDArray[np.str_]

    @property
    def violations(self) -> NDArray[np.bool_]:
        """Comments that break at least one house rule."""
        out: NDArray[np.bool_] = np.asarray(self.labels.any(axis=1), dtype=bool)
        return out

    def subset(self, mask: NDArray[np.bool_]) -> Scored:
        """The comments where ``mask`` holds."""
        return Scored(self.scores[mask], self.labels[mask], self.sets[mask])


def score_comments(comments: Sequence[RetiredComment], progress: bool = True) -> Scored:
    """Screen every comment under its article through the shipped pipeline (scores only)."""
    from netiquette.screening.base import ScreeningInput
    from netiquette.screening.batch import cached_extractor
    from netiquette.screening.pipeline import default_pipeline

    pipeline = default_pipeline()
    article_body = cached_extractor()
    scores = np.zeros((len(comments), len(RULES)), dtype=np.float64)
    items = track(comments, description="screening", disable=not progress)
    for i, c in enumerate(items):
        article = article_body(c.article_file.read_text(encoding="utf-8"))
        result = pipeline.screen(ScreeningInput(text=c.text, article_text=article))
        for j, rule in enumerate(RULES):
            r = result.results.get(rule)
            scores[i, j] = float(r.score) if r is not None and r.score is not None else 0.0
    labels = np.array([[c.labels[rule] for rule in RULES] for c in comments], dtype=int)
    sets = np.array([c.set_name for c in comments])
    return Scored(scores, labels, sets)


def quantile_threshold(positive_scores: FloatArray, alpha: float) -> float:
    """Highest four-decimal score that approves fewer than ``⌊alpha · n⌋ + 1`` positives.

    The policy approves ``score <= t``; ``t`` sits just below the ``k``-th lowest positive
    score (``k = ⌊alpha · n⌋``), so at most ``k`` positives (ties aside) fall in the zone.
    """
    p = np.sort(np.asarray(positive_scores, dtype=np.float64))
    if p.size == 0:
        return 0.0
    k = int(np.floor(alpha * p.size))
    if k >= p.size:
        return 1.0
    return max(0.0, round(float(p[k]) - 0.0001, 4))


def approve_thresholds(data: Scored, alpha: float, fixed: dict[str, float]) -> dict[str, float]:
    """Approve thresholds of :data:`APPROVE_RULES` at ``alpha``, the ``fixed`` ones as given."""
    out = dict(fixed)
    for rule in APPROVE_RULES:
        j = RULES.index(rule)
        out[rule] = quantile_threshold(data.scores[data.labels[:, j] == 1, j], alpha)
    return out


def approved(data: Scored, thresholds: dict[str, float]) -> NDArray[np.bool_]:
    """Comments every rule approves (score at or below its approve threshold)."""
    t = np.array([thresholds.get(rule, 0.0) for rule in RULES])
    out: NDArray[np.bool_] = np.asarray((data.scores <= t).all(axis=1), dtype=bool)
    return out


def leave_one_set_out(data: Scored, alpha: float, fixed: dict[str, float]) -> dict[str, Any]:
    """Thresholds from the other sets, applied to each set in turn; pooled counts."""
    n = approved_n = published = violations = 0
    per_set: dict[str, Any] = {}
    for name in sorted(set(data.sets.tolist())):
        here = data.sets == name
        th = approve_thresholds(data.subset(~here), alpha, fixed)
        test = data.subset(here)
        app = approved(test, th)
        pub = int((app & test.violations).sum())
        per_set[name] = {"approved": int(app.sum()), "n": int(here.sum()), "published": pub}
        n += int(here.sum())
        approved_n += int(app.sum())
        published += pub
        violations += int(test.violations.sum())
    return {
        "alpha": alpha,
        "approved_share": round(approved_n / n, 4) if n else 0.0,
        "published": published,
        "violations": violations,
        "published_share": round(published / violations, 4) if violations else 0.0,
        "agreement": round(1 - published / approved_n, 4) if approved_n else None,
        "per_set": per_set,
    }


def choose_alpha(
    data: Scored, fixed: dict[str, float], target: float = TARGET_PUBLISHED
) -> tuple[float, list[dict[str, Any]]]:
    """Largest alpha on :data:`ALPHA_GRID` whose leave-one-set-out published share ≤ target."""
    rows = [leave_one_set_out(data, alpha, fixed) for alpha in ALPHA_GRID]
    ok = [r["alpha"] for r in rows if r["published_share"] <= target]
    return (max(ok) if ok else 0.0), rows


def reject_threshold(rule_scores: FloatArray, y: IntArray, floor: float) -> float:
    """Lowest score ``t ≥ floor`` whose zone ``score ≥ t`` keeps :data:`REJECT_PRECISION`.

    The zone must hold at least :data:`MIN_SUPPORT` comments; without one the zone is closed
    (1.0, no calibrated score reaches it).
    """
    s = np.asarray(rule_scores, dtype=np.float64)
    y = np.asarray(y, dtype=int)
    for t in np.unique(s[s >= floor]):
        zone = s >= t
        if zone.sum() < MIN_SUPPORT:
            break
        if y[zone].mean() >= REJECT_PRECISION:
            return round(float(t), 4)
    return 1.0


def reject_leave_one_set_out(data: Scored, model_reject: dict[str, float]) -> dict[str, Any]:
    """Per rule: reject thresholds from the other sets, precision on the set left out (pooled)."""
    out: dict[str, Any] = {}
    for rule in REJECT_RULES:
        j = RULES.index(rule)
        zone_n = correct = 0
        for name in sorted(set(data.sets.tolist())):
            here = data.sets == name
            t = reject_threshold(data.scores[~here, j], data.labels[~here, j], model_reject[rule])
            zone = data.scores[here, j] >= t
            zone_n += int(zone.sum())
            correct += int(data.labels[here, j][zone].sum())
        out[rule] = {
            "rejected": zone_n,
            "precision": round(correct / zone_n, 4) if zone_n else None,
        }
    return out


def calibrate(data: Scored, target: float = TARGET_PUBLISHED) -> dict[str, Any]:
    """The calibration record: chosen alpha, thresholds and the figures behind them."""
    from netiquette.screening.models import artifacts
    from netiquette.screening.policy import model_thresholds

    meta = artifacts.read_meta(DEFAULT_MODEL_DIR)
    model_reject, _ = model_thresholds(calibrated=False)
    fixed = {"ad_link": 0.3}
    alpha, rows = choose_alpha(data, fixed, target)
    approve = approve_thresholds(data, alpha, fixed)
    reject = {
        rule: reject_threshold(
            data.scores[:, RULES.index(rule)],
            data.labels[:, RULES.index(rule)],
            model_reject[rule],
        )
        for rule in REJECT_RULES
    }
    app = approved(data, approve)
    published = int((app & data.violations).sum())
    return {
        "reject_leave_one_set_out": reject_leave_one_set_out(data, model_reject),
        "model_version": meta.get("model_version"),
        "sets": sorted(set(data.sets.tolist())),
        "n": len(data.sets),
        "violations": int(data.violations.sum()),
        "target_published": target,
        "alpha": alpha,
        "approve_thresholds": {rule: approve[rule] for rule in APPROVE_RULES},
        "reject_thresholds": reject,
        "model_reject_thresholds": {rule: round(model_reject[rule], 4) for rule in REJECT_RULES},
        "in_sample": {
            "approved_share": round(float(app.mean()), 4),
            "published": published,
            "published_share": round(published / max(int(data.violations.sum()), 1), 4),
        },
        "leave_one_set_out": rows,
    }


def main() -> None:
    """Command line: screen the calibration sets, print the alpha table, optionally write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the record beside the model")
    parser.add_argument("--target", type=float, default=TARGET_PUBLISHED)
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--scores", type=Path, help="reuse (or save) the screened scores here (.npz)"
    )
    args = parser.parse_args()
    if args.scores is not None and args.scores.is_file():
        with np.load(args.scores) as npz:
            data = Scored(npz["scores"], npz["labels"], npz["sets"])
    else:
        comments = retired_comments(CALIBRATION_SETS, DATASETS)
        if not comments:
            raise SystemExit(f"no calibration sets under {DATASETS}: run from a source checkout")
        data = score_comments(comments, progress=not args.no_progress)
        if args.scores is not None:
            np.savez_compressed(args.scores, scores=data.scores, labels=data.labels, sets=data.sets)
    record = calibrate(data, args.target)
    out = Console()
    table = Table(title=f"approve zone, leave one set out ({', '.join(record['sets'])})")
    for col in ("alpha", "approved", "published", "of violations", "agreement"):
        table.add_column(col, justify="right")
    for row in record["leave_one_set_out"]:
        mark = " ←" if row["alpha"] == record["alpha"] else ""
        table.add_row(
            f"{row['alpha']:.4f}{mark}",
            f"{row['approved_share']:.1%}",
            str(row["published"]),
            f"{row['published_share']:.2%}",
            "–" if row["agreement"] is None else f"{row['agreement']:.1%}",
        )
    out.print(table)
    out.print(f"approve thresholds: {record['approve_thresholds']}")
    out.print(
        f"reject thresholds: {record['reject_thresholds']}"
        f" (model: {record['model_reject_thresholds']});"
        f" leave one set out: {record['reject_leave_one_set_out']}"
    )
    if args.write:
        OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        out.print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
