"""Validate datasets/train_h/comments.jsonl and print the counts used in DATASHEET.md.

Adapted from datasets/train_e/check.py: ids are th-<slug>-NNN; checks the targets of this brief
(420-460 rows, 4 articles of 180-230 words, at least 280 clean rows noted as harmless conditionals
that contain a conditional word, at least 100 aggression rows noted as conditional threats or harm
wishes, at least 30 other violating rows, every row 3-120 words with a note) and counts rows by
label, article, length class, conditional form and idiom.

Usage: python3 datasets/train_h/check.py   (from the repository root, or from anywhere)
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
    assert r["id"].startswith(f"th-{r['article']}-") and r["id"][-3:].isdigit(), r["id"]
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

# focus forms of set H (from the notes and the text)
import re
COND = re.compile(r"\b(wenn|wenns|falls|sobald|sollte|sollten|wer)\b", re.I)
def cls(r):
    n = len(r["text"].split()); return "short (<=15)" if n <= 15 else ("medium (16-40)" if n <= 40 else "long (>40)")
print("\n| length | rows | clean | aggression | other violating |")
print("|---|---|---|---|---|")
for c in ("short (<=15)", "medium (16-40)", "long (>40)"):
    rs = [r for r in rows if cls(r) == c]
    print(f"| {c} | {len(rs)} | {cnt(lambda r: r['clean'], rs)} | {cnt(lambda r: r['labels']['aggression'], rs)} | {cnt(lambda r: not r['clean'] and not r['labels']['aggression'], rs)} |")
hc = [r for r in cln if "harmless conditional" in r["note"]]
assert all(COND.search(r["text"]) for r in hc), [r["id"] for r in hc if not COND.search(r["text"])]
cagg = [r for r in agg if "conditional" in r["note"]]
assert all(COND.search(r["text"]) for r in cagg), [r["id"] for r in cagg if not COND.search(r["text"])]
print(f"Clean harmless conditionals: {len(hc)}; aggression conditional threats {cnt(lambda r: 'threat' in r['note'], cagg)}, harm wishes {cnt(lambda r: 'harm wish' in r['note'], cagg)}")
for name, rs in (("clean", hc), ("aggression", cagg)):
    print(f"Conditional form in {name} rows (a row can count twice): " + "; ".join(f"{k} {cnt(lambda r, k=k: k in r['note'].split('(')[1].split(')')[0].split('/'), rs)}" for k in ("wenn", "falls", "sobald", "sollte", "wer-der")))
for name, rs in (("clean", cln), ("aggression", agg)):
    print(f"Idioms in {name} rows: " + "; ".join(f"'{k}' {cnt(lambda r, k=k: k in r['text'].lower(), rs)}" for k in ("was zu hören", "was los", "gnade")))
other = [r for r in rows if not r["clean"] and not r["labels"]["aggression"]]
print(f"Other violating rows: {len(other)} (" + ", ".join(f"{k} {sum(r['labels'][k] for r in other)}" for k in KEYS if k != "aggression") + ")")
print(f"Replies (@): {cnt(lambda r: 'reply' in r['note'])}; dialect: {cnt(lambda r: 'dialect' in r['note'])}")

# training-set targets from the brief
per_art = collections.Counter(r["article"] for r in rows)
assert 420 <= len(rows) <= 460, len(rows)
assert len(arts) == 4, len(arts)
assert all(180 <= w <= 230 for w in aw.values()), aw
assert len(hc) >= 280, len(hc)
assert len(cagg) >= 100, len(cagg)
assert len(other) >= 30, len(other)
assert all(r["note"].strip() for r in rows)
assert all(3 <= len(r["text"].split()) <= 120 for r in rows), [r["id"] for r in rows if not 3 <= len(r["text"].split()) <= 120]
print(f"Targets met: {len(rows)} rows, 4 articles of 180-230 words, {len(hc)} clean conditionals, {len(cagg)} conditional aggression rows, {len(other)} other violating rows")
