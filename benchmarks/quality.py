"""Print the shipped model's quality and speed figures.

    .venv/bin/python benchmarks/quality.py [--data-dir DIR] [--examples DIR] [--model-dir DIR]

* cross-validated figures per rule and the GermEval-2018 CV macro-F1, as recorded at training;
* figures on the shared development comments (``comments-dev.jsonl`` on the example article and
  ``dev-articles/comments.jsonl``) with a simple three-zone policy over the CV thresholds — note
  that these comments also calibrated the off-topic score, so its figure there is in-sample (the
  leave-one-article-out figure is printed from the model card);
* load time, and comments per second on one core for the text rules alone and with off-topic.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from netiquette.evaluation import evaluate
from netiquette.screening.classifier import HouseRuleModels, load_models
from netiquette.screening.models import DEFAULT_MODEL_DIR

RULES = ("insinuation", "insult", "aggression", "off_topic")


def screen_with(models: HouseRuleModels) -> Any:
    """A ``screen_fn`` from the models and their CV thresholds (stand-in for the pipeline)."""
    th = models.thresholds

    def screen(text: str, article_text: str | None) -> dict[str, Any]:
        scores: dict[str, float | None] = dict(models.predict_one(text))
        scores["off_topic"] = models.off_topic(text, article_text)
        flags = {r: s is not None and s >= th[r]["flag_at"] for r, s in scores.items() if r in th}
        known = {r: s for r, s in scores.items() if s is not None and r in RULES}
        if any(s >= th[r]["reject_at"] for r, s in known.items()):
            decision = "reject"
        elif all(s < th[r]["approve_below"] for r, s in known.items()):
            decision = "approve"
        else:
            decision = "review"
        return {"decision": decision, "flags": flags, "scores": scores}

    return screen


def dev_records(examples: Path) -> list[dict[str, Any]]:
    """Shared dev comments with their article text and rule labels (+ reject = not clean)."""
    out = []
    main_article = next(iter(sorted(examples.glob("0*.txt")))).read_text(encoding="utf-8")
    for line in (examples / "comments-dev.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        labels = dict(rec["labels"])
        labels["reject"] = 1 - int(rec["clean"])
        out.append(
            {
                "id": rec["id"],
                "text": rec["text"],
                "article_text": main_article,
                "labels": labels,
                "set": "comments-dev",
            }
        )
    extra = examples / "dev-articles" / "comments.jsonl"
    if extra.is_file():
        for line in extra.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            labels = dict(rec["labels"])
            labels["reject"] = 1 - int(rec["clean"])
            article = (examples / rec["article_file"]).read_text(encoding="utf-8")
            out.append(
                {
                    "id": rec["id"],
                    "text": rec["text"],
                    "article_text": article,
                    "labels": labels,
                    "set": "dev-articles",
                }
            )
    return out


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--examples", type=Path, default=Path("../shared/examples"))
    args = ap.parse_args()

    t0 = time.perf_counter()
    models = load_models(args.model_dir)
    load_s = time.perf_counter() - t0
    meta = models.meta
    print(f"model {models.version}; encoder: {meta.get('encoder')}; load {load_s:.2f} s")
    size = sum(p.stat().st_size for p in args.model_dir.glob("*") if p.suffix in (".npz", ".json"))
    print(f"artifact size {size / 1e6:.2f} MB\n")
    print("Cross-validated (out-of-fold) figures at the flag threshold:")
    for rule, m in meta["metrics"].items():
        print(
            f"  {rule:<22} n={m['n']:>6} pos={m['positives']:>5} P={m['precision']:.3f} "
            f"R={m['recall']:.3f} F1={m['f1']:.3f} AUC={m['roc_auc']:.3f} "
            f"macroF1={m['germeval_macro_f1']:.3f}"
        )
    ge = meta.get("germeval2018_cv", {})
    if ge:
        print(
            "  GermEval 2018 coarse, 5-fold CV on its train set: "
            f"macro-F1 {ge['macro_f1_at_0.5']:.4f}"
            f" (p>=0.5), {ge['macro_f1_at_flag']:.4f} (flag threshold), AUC {ge['roc_auc']:.4f}"
        )
    print("\nThresholds (CV): reject_at / precision, approve_below / NPV, share decided")
    for rule, t in meta["thresholds"].items():
        print(
            f"  {rule:<12} {t['reject_at']:.3f} / {t['precision_at_reject']}  "
            f"{t['approve_below']:.3f} / {t['npv_at_approve']}  {t['share_auto']:.1%}"
        )

    if (args.examples / "comments-dev.jsonl").is_file():
        records = dev_records(args.examples)
        screen = screen_with(models)
        for name in ("comments-dev", "dev-articles"):
            subset = [r for r in records if r["set"] == name]
            if subset:
                print(f"\nShared dev set {name} ({len(subset)} comments):")
                print(evaluate(subset, screen).to_text())

    texts = [
        json.loads(x)["text"]
        for x in (args.data_dir / "germeval2021" / "train.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()[:1600]
    ]
    t0 = time.perf_counter()
    models.predict(texts[:1000])
    batch = 1000 / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for t in texts[1000:1300]:
        models.predict_one(t)
    single = 300 / (time.perf_counter() - t0)
    article = "\n\n".join(texts[:20])
    models.off_topic(texts[0], article)  # article context is cached per article, as in use
    t0 = time.perf_counter()
    models.predict(texts[1300:1600])
    models.off_topic_many(texts[1300:1600], article)
    with_rel = 300 / (time.perf_counter() - t0)
    avg_chars = sum(map(len, texts)) / len(texts)
    print(
        f"\nthroughput (1 thread, GermEval 2021 comments, avg {avg_chars:.0f} chars):"
        f" batch {batch:.0f}/s, single {single:.0f}/s, batch + off-topic {with_rel:.0f}/s"
    )


if __name__ == "__main__":
    main()
