"""Validate datasets/train_e/comments.jsonl and print the counts used in DATASHEET.md.

Adapted from datasets/train_d/check.py: ids are te-<slug>-NNN; checks the targets of this brief
(760-900 rows, 8 articles of 250-300 words, 48-58 % clean, at least 140 insinuation, 120 off_topic,
35 insult, 35 aggression and 35 ad_link positives, at least 120 rows of 40+ words, at least 400
clean rows noted as hard negatives or replies, 90-115 comments per article) and counts the focus
forms named in the notes (insinuation forms, off_topic forms, hard-negative kinds, violation
position in long rows) and long rows by label.

Usage: python3 datasets/train_e/check.py   (from the repository root, or from anywhere)
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
    assert r["id"].startswith(f"te-{r['article']}-") and r["id"][-3:].isdigit(), r["id"]
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

# focus forms (counted from the notes and the text; approximate)
def cnt(pred, rs=rows):
    return sum(1 for r in rs if pred(r))
agg = [r for r in rows if r["labels"]["aggression"]]
ins = [r for r in rows if r["labels"]["insult"]]
cln = [r for r in rows if r["clean"]]
focus_agg = {"harm wish / death wish": ("harm wish", "death wish"), "veiled threat / intimidation / doxxing": ("veiled", "intimidation", "doxxing", "routine", "vergessen", "merken"),
             "conditional threat": ("conditional",), "sabotage / vandalism / arson / poisoning": ("sabotage", "vandalism", "arson", "poison"),
             "mob imagery": ("mob",), "shouted ultimatum": ("ultimatum",), "vermin / parasite / pest label": ("vermin", "parasite", "dehumanisation")}
print("Aggression rows by form (note keywords; a row can count twice): " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), agg)}" for k, w in focus_agg.items()))
focus_ins = {"apposition inside a long calm comment": ("apposition",),
             "generalisation about a profession or group": ("generalisation", "group", "profession"),
             "animal metaphor": ("animal",), "obfuscated spelling": ("obfuscat", "leetspeak", "masked", "spaced", "dotted"),
             "aimed at another user": ("at user",)}
print("Insult rows by form (note keywords; a row can count twice): " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), ins)}" for k, w in focus_ins.items()))
hn = [r for r in cln if "hard negative" in r["note"] or "reply" in r["note"]]
print(f"Clean rows noted as hard negative or reply: {len(hn)} of {len(cln)}")
hope = [r for r in rows if "hoffentlich" in r["text"].lower() or "ich hoffe" in r["text"].lower() or "hoffe, " in r["text"].lower()]
print(f"Rows with 'Hoffentlich'/'ich hoffe': {len(hope)} (clean {cnt(lambda r: r['clean'], hope)}, aggression {cnt(lambda r: r['labels']['aggression'], hope)})")
caps = [r for r in rows if sum(c.isupper() for c in r["text"]) >= 20 and sum(c.isupper() for c in r["text"]) > 0.6 * sum(c.isalpha() for c in r["text"])]
print(f"Rows mostly in capitals: {len(caps)} (aggression {cnt(lambda r: r['labels']['aggression'], caps)})")
print(f"Rows noted as dialect: {cnt(lambda r: 'dialect' in r['note'])}; rows with emoji: {cnt(lambda r: any(ord(c) > 0x2100 for c in r['text']))}")

# focus forms of set E (from the notes; approximate)
insn = [r for r in rows if r["labels"]["insinuation"]]
focus_insn = {"rhetorical question": ("rhetorical question",), "about the newspaper": ("newspaper",), "relative/friend benefits": ("relative",),
              "ironic coincidence": ("ironic coincidence",), "irony": ("(irony", ", irony"), "article-specific vs template": ()}
print("Insinuation rows by form (note keywords; a row can count twice): " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), insn)}" for k, w in focus_insn.items() if w))
ot = [r for r in rows if r["labels"]["off_topic"]]
print("Off_topic rows by form: " + "; ".join(f"{k} {cnt(lambda r, k=k: k in r['note'], ot)}" for k in
      ("private search/offer/request", "general complaint", "chain message / test post", "same town, other subject", "other subject (same town or another town)")))
print("Clean rows by kind: " + "; ".join(f"{k} {cnt(lambda r, k=k: k in r['note'], cln)}" for k in
      ("legitimate sceptical question", "on-topic experience", "reply;", "ordinary clean comment", "cue-like words without accusation", "long calm on-topic")))
print("Violating long rows by position of the violation: " + "; ".join(f"{p} {cnt(lambda r, p=p: f'at {p})' in r['note'])}" for p in ("start", "middle", "end")))

# long rows (brief: at least 120 rows of 40+ words)
w40 = [r for r in rows if len(r["text"].split()) >= 40]
w60 = [r for r in rows if len(r["text"].split()) >= 60]
print(f"Rows of 40+ words: {len(w40)} (clean {cnt(lambda r: r['clean'], w40)}, " + ", ".join(f"{k} {cnt(lambda r, k=k: r['labels'][k], w40)}" for k in KEYS) + f"); rows of 60+ words: {len(w60)}")
print("Long rows (40+ words) per article: " + "; ".join(f"{a} {cnt(lambda r, a=a: r['article'] == a, w40)}" for a in arts))
per_art = collections.Counter(r["article"] for r in rows)

# training-set targets from the brief
n_clean = sum(r["clean"] for r in rows)
assert 760 <= len(rows) <= 900, len(rows)
assert len(arts) == 8, len(arts)
assert all(250 <= w <= 300 for w in aw.values()), aw
assert all(90 <= n <= 115 for n in per_art.values()), per_art
assert 0.48 <= n_clean / len(rows) <= 0.58, n_clean / len(rows)
assert len(hn) >= 400, len(hn)
assert len(w40) >= 120, len(w40)
assert all(r["note"].strip() for r in rows)
assert all(3 <= len(r["text"].split()) <= 120 for r in rows), [r["id"] for r in rows if not 3 <= len(r["text"].split()) <= 120]
for k, need in (("insinuation", 140), ("insult", 35), ("aggression", 35), ("ad_link", 35), ("off_topic", 120)):
    assert sum(r["labels"][k] for r in rows) >= need, (k, need)
print(f"Targets met: {len(rows)} rows, {100 * n_clean / len(rows):.1f} % clean, 8 articles of 250-300 words, {len(w40)} rows of 40+ words, positives per rule above the minimum")
