"""Validate datasets/train_a/comments.jsonl and print the counts used in DATASHEET.md.

Adapted from datasets/blind5/check.py: ids are ta-<slug>-NNN; additionally checks the training-set
targets of the brief (960-1,040 rows, 55-60 % clean, at least 120 positives for insinuation, insult
and aggression and at least 60 for ad_link and off_topic) and prints the number of rows over 60
words and of one-word rows.

Usage: python3 datasets/train_a/check.py   (from the repository root, or from anywhere)
Runs no netiquette code; reads only this directory.
"""
import collections, json, os, statistics

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = ["insinuation", "insult", "aggression", "ad_link", "off_topic"]
FIELDS = {"id", "article", "article_file", "text", "labels", "clean", "note"}

rows, ids = [], set()
for n, line in enumerate(open(os.path.join(HERE, "comments.jsonl"), encoding="utf-8"), 1):
    r = json.loads(line)  # every line parses
    assert set(r) == FIELDS, (n, sorted(set(r) ^ FIELDS))
    assert r["id"] not in ids, ("duplicate id", r["id"])
    ids.add(r["id"])
    assert r["id"].startswith(f"ta-{r['article']}-") and r["id"][-3:].isdigit(), r["id"]
    assert r["article_file"] == f"articles/{r['article']}.txt", r["id"]
    assert os.path.exists(os.path.join(HERE, r["article_file"])), r["article_file"]
    assert isinstance(r["text"], str) and r["text"].strip(), r["id"]
    assert set(r["labels"]) == set(KEYS), r["id"]
    assert all(r["labels"][k] in (0, 1) for k in KEYS), r["id"]
    assert r["clean"] == (0 if any(r["labels"].values()) else 1), r["id"]
    assert isinstance(r["note"], str), r["id"]
    rows.append(r)
dup = [t for t, c in collections.Counter(r["text"] for r in rows).items() if c > 1]
assert not dup, dup
print(f"OK: {len(rows)} rows, all fields present, {len(ids)} unique ids, labels 0/1, clean consistent\n")

arts = list(dict.fromkeys(r["article"] for r in rows))
print("| article | comments | clean | insinuation | insult | aggression | ad_link | off_topic |")
print("|---|---|---|---|---|---|---|---|")
for a in arts + ["total"]:
    rs = [r for r in rows if a in (r["article"], "total")]
    cells = [str(len(rs)), str(sum(r["clean"] for r in rs))] + [str(sum(r["labels"][k] for r in rs)) for k in KEYS]
    if a == "total":
        cells[1] += f" ({100 * int(cells[1]) / len(rs):.1f} %)"
        print("| **total** | " + " | ".join(f"**{c}**" for c in cells) + " |")
    else:
        print(f"| {a} | " + " | ".join(cells) + " |")

combo = collections.Counter("+".join(k for k in KEYS if r["labels"][k]) or "clean" for r in rows)
print("\nLabel combinations: " + "; ".join(f"{c} {n}" for c, n in combo.most_common()))
print(f"Rows with two or more labels: {sum(1 for r in rows if sum(r['labels'].values()) >= 2)}")
notes = [r for r in rows if r["note"]]
print(f"Rows with a note: {len(notes)} (clean: {sum(r['clean'] for r in notes)})")
words = [len(r["text"].split()) for r in rows]
print(f"Length in words: min {min(words)}, median {statistics.median(words)}, max {max(words)}")
obf = [r for r in rows if any(w in r["note"].lower() for w in ("obfuscat", "leetspeak", "masked", "spaced", "dotted", "spelling"))]
print(f"Rows marked in the note as obfuscated spelling: {len(obf)} ({100 * len(obf) / len(rows):.1f} %; clean: {sum(r['clean'] for r in obf)})")
print(f"Rows over 60 words: {sum(1 for w in words if w > 60)} ({100 * sum(1 for w in words if w > 60) / len(rows):.1f} %); one-word rows: {sum(1 for w in words if w == 1)}; rows with paragraph breaks: {sum(1 for r in rows if chr(10) in r['text'])}")
long_v = [r for r in rows if not r["clean"] and len(r["text"].split()) > 60]
print(f"Violating rows over 60 words: {len(long_v)}")
print(f"Rows of 40 words or more: {sum(1 for w in words if w >= 40)}; @Name replies: {sum(1 for r in rows if r['text'].lstrip().startswith('@'))}")
print("Per article: " + "; ".join(f"{a} {statistics.median(len(r['text'].split()) for r in rows if r['article'] == a)} median words" for a in arts))
arts_dir = os.path.join(HERE, "articles")
aw = {}
for fn in sorted(os.listdir(arts_dir)):
    lines = open(os.path.join(arts_dir, fn), encoding="utf-8").read().split("\n")
    assert lines[0].strip() and lines[1] == "" and lines[2].strip(), ("article layout", fn)
    aw[fn[:-4]] = len("\n".join(lines).split())
assert set(aw) == set(arts), sorted(set(aw) ^ set(arts))
print("Article words (wc -w, title included): " + "; ".join(f"{a} {w}" for a, w in aw.items()) + f"; total {sum(aw.values())}")

# training-set targets from the brief
n_clean = sum(r["clean"] for r in rows)
assert 960 <= len(rows) <= 1040, len(rows)
assert 0.55 <= n_clean / len(rows) <= 0.60, n_clean / len(rows)
for k, need in (("insinuation", 120), ("insult", 120), ("aggression", 120), ("ad_link", 60), ("off_topic", 60)):
    assert sum(r["labels"][k] for r in rows) >= need, (k, need)
print(f"Targets met: {len(rows)} rows, {100 * n_clean / len(rows):.1f} % clean, positives per rule above the minimum")
