"""Validate datasets/train_g/comments.jsonl and print the counts used in DATASHEET.md.

Adapted from datasets/train_e/check.py: ids are tg-<slug>-NNN; checks the targets of this brief
(at least 600 rows, at least 6 articles of 250-300 words, at least 380 clean rows that are all
noted as threat-like-vocabulary hard negatives, replies or condemnations, at least 150 aggression,
20 insult, 20 insinuation, 20 off_topic and 10 ad_link positives, short rows of 2-8 words and long
rows of 60-200 words present, every row 2-200 words with a note) and counts the clean and
aggression forms named in the notes, the threat-like vocabulary families in clean vs aggression
rows (the contrast pairs), and rows by length band.

Usage: python3 datasets/train_g/check.py   (from the repository root, or from anywhere)
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
    assert r["id"].startswith(f"tg-{r['article']}-") and r["id"][-3:].isdigit(), r["id"]
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
print(f"Rows of 60+ words (>60): {sum(1 for w in words if w > 60)} ({100 * sum(1 for w in words if w > 60) / len(rows):.1f} %); one-word rows: {sum(1 for w in words if w == 1)}; rows with paragraph breaks: {sum(1 for r in rows if chr(10) in r['text'])}")
long_v = [r for r in rows if not r["clean"] and len(r["text"].split()) >= 40]
print(f"Violating rows of 40+ words: {len(long_v)}")
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

# forms (counted from the notes; approximate)
def cnt(pred, rs=rows):
    return sum(1 for r in rs if pred(r))
agg = [r for r in rows if r["labels"]["aggression"]]
cln = [r for r in rows if r["clean"]]
AF = ("harm wish", "death wish", "conditional threat", "veiled threat", "doxxing", "call to violence", "vandalism", "dehumanisation")
print("Aggression rows by form (from notes): " + "; ".join(f"{k} {cnt(lambda r, k=k: k in r['note'], agg)}" for k in AF))
print(f"Aggression rows inside a long calm comment: {cnt(lambda r: 'threat inside calm' in r['note'], agg)}; aimed at a user (@reply): {cnt(lambda r: r['text'].lstrip().startswith('@') or '@' in r['text'], agg)}; also insult: {cnt(lambda r: r['labels']['insult'], agg)}")
CF = ("good wish", "hanging up", "knallen", "abstechen", "fire of", "shooting photos", "sport vocabulary", "kaputt lachen", "ich bring dich heim",
      "wir kriegen", "hat was gebracht", "wenn … dann", "wundern", "ich weiß, wo", "other figurative", "short row", "long neutral personal story", "condemn", "dialect", "reply;")
print("Clean rows by form (from notes): " + "; ".join(f"{k} {cnt(lambda r, k=k: k in r['note'], cln)}" for k in CF))
hn = [r for r in cln if "hard negative" in r["note"] or "reply" in r["note"]]
print(f"Clean rows noted as hard negative or reply: {len(hn)} of {len(cln)}")
print(f"Rows from shared templates: {cnt(lambda r: 'shared template' in r['note'])} (clean {cnt(lambda r: 'shared template' in r['note'], cln)}, aggression {cnt(lambda r: 'shared template' in r['note'], agg)})")
print(f"Rows noted as dialect: {cnt(lambda r: 'dialect' in r['note'])} (clean {cnt(lambda r: 'dialect' in r['note'], cln)}, aggression {cnt(lambda r: 'dialect' in r['note'], agg)}); rows with emoji: {cnt(lambda r: any(ord(c) > 0x2100 for c in r['text']))}")

# contrast pairs: threat-like vocabulary families in clean vs aggression rows (regex on the text)
import re
FAM = {"wünsch": r"w[üu]nsch", "Wand / aufhängen / hängen": r"\bwand\b|h[äa]ng", "knallen / abknallen": r"knall",
       "fertigmachen / fertig": r"fertig", "abstechen / stechen": r"stech|stich|sticht|stoch", "Kopf / Kopf ab": r"\bkopf|köpfe",
       "Feuer / anzünden / brennen / abfackeln": r"feuer|zünd|brenn|fackel", "schießen / abschießen": r"schie[ßs]|schoss|geschossen",
       "kaputt": r"kaputt", "heim / heimbringen": r"\bheim\b|heimweg", "kriegen": r"\bkrieg", "wundern": r"wunder",
       "ich weiß, wo": r"wei[ßs],? wo|wissen, wo|kennen eure", "wenn … dann": r"\bwenn\b.*\bdann\b", "Krankenhaus / Unfall / Tod": r"krankenhaus|unfall|\btod\b|gestorben|sterben|verreck"}
print("\n| vocabulary family (regex on text) | clean rows | aggression rows |\n|---|---|---|")
fam_counts = {}
for k, rx in FAM.items():
    c = cnt(lambda r: re.search(rx, r["text"], re.I), cln); a = cnt(lambda r: re.search(rx, r["text"], re.I), agg)
    fam_counts[k] = (c, a)
    print(f"| {k} | {c} | {a} |")

# length bands
def band(w):
    return "2-8" if w <= 8 else "9-20" if w <= 20 else "21-39" if w <= 39 else "40-59" if w <= 59 else "60-200"
print("\nRows by length band (words): " + "; ".join(f"{b} {cnt(lambda r, b=b: band(len(r['text'].split())) == b)} (clean {cnt(lambda r, b=b: band(len(r['text'].split())) == b, cln)}, aggression {cnt(lambda r, b=b: band(len(r['text'].split())) == b, agg)})" for b in ("2-8", "9-20", "21-39", "40-59", "60-200")))
print("Per article: " + "; ".join(f"{a} {per} rows" for a, per in collections.Counter(r['article'] for r in rows).items()))

# training-set targets from the brief
n_clean = sum(r["clean"] for r in rows)
short = [r for r in rows if len(r["text"].split()) <= 8]
long60 = [r for r in rows if len(r["text"].split()) >= 60]
assert len(rows) >= 600, len(rows)
assert len(arts) >= 6, len(arts)
assert all(250 <= w <= 300 for w in aw.values()), aw
assert n_clean >= 380, n_clean
assert len(hn) == n_clean, (len(hn), n_clean)
assert all(r["note"].strip() for r in rows)
assert all(2 <= len(r["text"].split()) <= 200 for r in rows), [r["id"] for r in rows if not 2 <= len(r["text"].split()) <= 200]
assert len(short) >= 30 and len(long60) >= 30, (len(short), len(long60))
assert all(c > 0 and a > 0 for c, a in fam_counts.values()), fam_counts
for k, need in (("aggression", 150), ("insult", 20), ("insinuation", 20), ("off_topic", 20), ("ad_link", 10)):
    assert sum(r["labels"][k] for r in rows) >= need, (k, need)
print(f"Targets met: {len(rows)} rows, {n_clean} clean ({100 * n_clean / len(rows):.1f} %), {len(arts)} articles of 250-300 words, {len(short)} rows of 2-8 words, {len(long60)} rows of 60+ words, every vocabulary family in both clean and aggression rows, positives per rule above the minimum")
