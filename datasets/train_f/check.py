"""Validate datasets/train_f/comments.jsonl and print the counts used in DATASHEET.md.

Adapted from datasets/train_e/check.py (copied, then changed): ids are tf-<slug>-NNN; checks the
targets of this brief (at least 900 rows, at least 8 articles of 250-300 words, 95-120 comments per
article, 50-60 % clean, at least 180 insult positives of which at least 60 have 40+ words, at least
180 clean hard negatives for the insult forms, at least 150 long calm clean rows of 60-200 words,
at least 40 ad_link rows without any link and at least 40 clean rows mentioning prices, channels,
subscriptions or private messages, at least 60 aggression, 60 insinuation and 50 off_topic
positives, every row 3-200 words with a note, no URL anywhere) and counts the forms named in the
notes (approximate), the position of the violation in long rows, and rows by length and article.

Usage: python3 datasets/train_f/check.py   (from the repository root, or from anywhere)
Runs no netiquette code; reads only this directory.
"""
import collections, json, os, re, statistics

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = ["insinuation", "insult", "aggression", "ad_link", "off_topic"]
FIELDS = {"id", "article", "article_file", "text", "labels", "clean", "note"}

rows, ids = [], set()
for n, line in enumerate(open(os.path.join(HERE, "comments.jsonl"), encoding="utf-8"), 1):
    r = json.loads(line)  # every line parses
    assert set(r) == FIELDS, (n, sorted(set(r) ^ FIELDS))
    assert r["id"] not in ids, ("duplicate id", r["id"])
    ids.add(r["id"])
    assert r["id"].startswith(f"tf-{r['article']}-") and r["id"][-3:].isdigit(), r["id"]
    assert r["article_file"] == f"articles/{r['article']}.txt", r["id"]
    assert os.path.exists(os.path.join(HERE, r["article_file"])), r["article_file"]
    assert isinstance(r["text"], str) and r["text"].strip(), r["id"]
    assert set(r["labels"]) == set(KEYS), r["id"]
    assert all(r["labels"][k] in (0, 1) for k in KEYS), r["id"]
    assert r["clean"] == (0 if any(r["labels"].values()) else 1), r["id"]
    assert isinstance(r["note"], str) and r["note"].strip(), r["id"]
    rows.append(r)
dup = [t for t, c in collections.Counter(r["text"] for r in rows).items() if c > 1]
assert not dup, dup
URL = re.compile(r"https?://|www\.|\b[\w-]+\.(de|com|at|ch|net|org|io|ly)\b", re.I)
urls = [r["id"] for r in rows if URL.search(r["text"])]
assert not urls, urls
print(f"OK: {len(rows)} rows, all fields present, {len(ids)} unique ids, labels 0/1, clean consistent, no duplicate text, no URL\n")

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

def cnt(pred, rs=rows):
    return sum(1 for r in rs if pred(r))
def nw(r):
    return len(r["text"].split())

combo = collections.Counter("+".join(k for k in KEYS if r["labels"][k]) or "clean" for r in rows)
print("\nLabel combinations: " + "; ".join(f"{c} {n}" for c, n in combo.most_common()))
print(f"Rows with two or more labels: {cnt(lambda r: sum(r['labels'].values()) >= 2)}")
words = [nw(r) for r in rows]
print(f"Length in words: min {min(words)}, median {statistics.median(words)}, max {max(words)}")
buckets = [(3, 19), (20, 39), (40, 59), (60, 99), (100, 200)]
print("Rows by length (words): " + "; ".join(f"{lo}-{hi}: {cnt(lambda r, lo=lo, hi=hi: lo <= nw(r) <= hi)} (clean {cnt(lambda r, lo=lo, hi=hi: lo <= nw(r) <= hi and r['clean'])})" for lo, hi in buckets))
print(f"Rows with paragraph breaks: {cnt(lambda r: chr(10) in r['text'])}; @Name replies: {cnt(lambda r: r['text'].lstrip().startswith('@'))}; rows with emoji: {cnt(lambda r: any(ord(c) > 0x2100 for c in r['text']))}")
print("Per article median words: " + "; ".join(f"{a} {statistics.median(nw(r) for r in rows if r['article'] == a)}" for a in arts))
arts_dir = os.path.join(HERE, "articles")
aw = {}
for fn in sorted(os.listdir(arts_dir)):
    lines = open(os.path.join(arts_dir, fn), encoding="utf-8").read().split("\n")
    assert lines[0].strip() and lines[1] == "" and lines[2].strip(), ("article layout", fn)
    aw[fn[:-4]] = len("\n".join(lines).split())
assert set(aw) == set(arts), sorted(set(aw) ^ set(arts))
print("Article words (wc -w, title included): " + "; ".join(f"{a} {w}" for a, w in aw.items()) + f"; total {sum(aw.values())}")

# gap 1: insult by metaphor / creative name-calling
ins = [r for r in rows if r["labels"]["insult"]]
ins40 = [r for r in ins if nw(r) >= 40]
focus_ins = {"animal metaphor": ("animal",), "toy metaphor": ("toy",), "sleep metaphor": ("sleep",),
             "fossil / dinosaur metaphor": ("fossil", "dinosaur"), "clown metaphor": ("clown",), "amateur": ("amateur",),
             "object metaphor": ("object metaphor",), "child metaphor": ("child metaphor",), "invented compound / name": ("invented",),
             "aimed at another user": ("at user", "at other commenters"), "group / generation / profession / fans": ("group", "generation", "fans", "at pupils", "at parents", "at investors", "at activists"),
             "dialect": ("dialect",), "obfuscated spelling": ("obfuscat", "spelling"), "emoji": ("emoji",)}
print(f"\nInsult rows: {len(ins)}; of 40+ words: {len(ins40)} (insult as an aside inside a long calm comment)")
print("Insult rows by form (note keywords; a row can count twice): " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), ins)}" for k, w in focus_ins.items()))
print("Long insult rows by position of the insult: " + "; ".join(f"{p} {cnt(lambda r, p=p: f'at {p})' in r['note'], ins40)}" for p in ("start", "middle", "end")))

# gap 2: hard negatives for the insult forms
cln = [r for r in rows if r["clean"]]
hni = [r for r in cln if "(insult form)" in r["note"]]
print(f"\nClean hard negatives for the insult forms: {len(hni)} — " + "; ".join(
    f"{k} {cnt(lambda r, k=k: k in r['note'], hni)}" for k in ("metaphor aimed at a thing", "self-irony", "affectionate nickname", "sharp factual criticism", "quoting an insult")))

# gap 3: long calm comments that break no rule
lc = [r for r in cln if "(length)" in r["note"]]
assert all(60 <= nw(r) <= 200 for r in lc), [r["id"] for r in lc if not 60 <= nw(r) <= 200]
focus_lc = {"personal story": ("personal story",), "conditional": ("conditional",), "irony about newspaper / comment section": ("irony about",),
            "Austrian forum style": ("Austrian",), "Swiss forum style": ("Swiss",), "Berlin / Swabian / other dialect style": ("Berlin style", "Swabian forum"),
            "neutral mention of death / illness / accident / police": ("death", "illness", "accident", "police"),
            "sports vocabulary": ("sports",), "hyperbole, not a threat": ("hyperbole",), "tangent / other on-topic": ("tangent", "strong words", "comparison", "energy", "school", "economic", "residents", "girls", "environment", "visitor", "teacher", "cyclist", "midwife", "father", "apprentice", "partner", "volunteer", "youth", "family", "parent", "pupil", "staff", "costs", "budget", "traffic", "ecology", "landowners", "commuters", "lifeguards", "town finances", "retraining", "emergencies", "birth", "rural")}
WENN = re.compile(r"\bwenn\b", re.I)
n_wenn = cnt(lambda r: WENN.search(r["text"]) is not None, lc)
print(f"Long calm clean rows (60-200 words): {len(lc)}; median {statistics.median(nw(r) for r in lc)} words; with 'wenn': {n_wenn}")
print("Long calm rows by kind (note keywords; a row can count twice): " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), lc)}" for k, w in focus_lc.items()))

# gap 4: ads without links and their hard negatives
ads = [r for r in rows if r["labels"]["ad_link"]]
pm = [r for r in cln if "(ad form)" in r["note"]]
print(f"\nad_link rows: {len(ads)} (all without a link) — " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), ads)}" for k, w in {"sale via private message": ("sale",), "own channel / podcast": ("own channel", "own podcast"),
    "paid service / course / product": ("paid", "business", "real estate", "financial"), "tickets": ("tickets",), "side income / recruitment": ("side income", "recruitment")}.items()))
def extra(r):
    return r["note"].split("; ", 1)[1] if "; " in r["note"] else ""
print(f"Clean rows with prices, channels, subscriptions or private messages: {len(pm)} — " + "; ".join(
    f"{k} {cnt(lambda r, k=k: k in extra(r), pm)}" for k in ("price", "channel", "subscription", "private message")))

# gap 5: the other labels
agg = [r for r in rows if r["labels"]["aggression"]]
print(f"\nAggression rows: {len(agg)} (40+ words: {cnt(lambda r: nw(r) >= 40, agg)}) — " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), agg)}" for k, w in {"veiled threat inside a long comment": ("inside a long",), "veiled threat / intimidation / doxxing": ("veiled", "intimidation", "doxxing"),
    "harm / death wish": ("harm wish",), "sabotage / vandalism": ("sabotage", "vandalism"), "call to violence / vigilante": ("call to",), "shouted ultimatum": ("ultimatum",), "dehumanisation": ("dehumanisation",)}.items()))
insn = [r for r in rows if r["labels"]["insinuation"]]
print(f"Insinuation rows: {len(insn)} — " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), insn)}" for k, w in {"hidden motive": ("hidden motive",), "relative / friend benefits": ("relative", "friend"),
    "rhetorical question": ("rhetorical",), "ironic coincidence": ("ironic coincidence",), "arranged figures / report / vote": ("arranged",), "about the newspaper": ("newspaper",), "with insult": ("insult", "name-calling", "metaphor")}.items()))
ot = [r for r in rows if r["labels"]["off_topic"]]
print(f"Off_topic rows: {len(ot)} — " + "; ".join(
    f"{k} {cnt(lambda r, w=w: any(x in r['note'] for x in w), ot)}" for k, w in {"private search / offer": ("private",), "same town, other subject": ("same town",),
    "general complaint": ("general complaint",), "other subject / other town": ("other subject", "other town"), "chain message / test post": ("chain", "test post")}.items()))
oth = [r for r in cln if r not in hni and r not in lc and r not in pm]
print(f"Other clean rows: {len(oth)} — ordinary on-topic {cnt(lambda r: 'ordinary' in r['note'], oth)}; replies {cnt(lambda r: 'reply' in r['note'], oth)}")
print(f"Rows noted as dialect: {cnt(lambda r: 'dialect' in r['note'] or 'Austrian' in r['note'] or 'Swiss' in r['note'] or 'Berlin' in r['note'] or 'Swabian forum' in r['note'])} (clean {cnt(lambda r: r['clean'] and ('dialect' in r['note'] or 'Austrian' in r['note'] or 'Swiss' in r['note'] or 'Berlin' in r['note'] or 'Swabian forum' in r['note']))})")

w40 = [r for r in rows if nw(r) >= 40]
print(f"\nRows of 40+ words: {len(w40)} (clean {cnt(lambda r: r['clean'], w40)}, " + ", ".join(f"{k} {cnt(lambda r, k=k: r['labels'][k], w40)}" for k in KEYS) + f"); rows of 60+ words: {cnt(lambda r: nw(r) >= 60)}")
print("Violating long rows by position of the violation: " + "; ".join(f"{p} {cnt(lambda r, p=p: f'at {p})' in r['note'])}" for p in ("start", "middle", "end")))
print("Long rows (40+ words) per article: " + "; ".join(f"{a} {cnt(lambda r, a=a: r['article'] == a, w40)}" for a in arts))
per_art = collections.Counter(r["article"] for r in rows)

# targets from the brief
n_clean = len(cln)
assert len(rows) >= 900, len(rows)
assert len(arts) >= 8, len(arts)
assert all(250 <= w <= 300 for w in aw.values()), aw
assert all(95 <= n <= 120 for n in per_art.values()), per_art
assert 0.50 <= n_clean / len(rows) <= 0.60, n_clean / len(rows)
assert len(ins) >= 180 and len(ins40) >= 60, (len(ins), len(ins40))
assert len(hni) >= 180, len(hni)
assert len(lc) >= 150, len(lc)
assert len(ads) >= 40 and len(pm) >= 40, (len(ads), len(pm))
assert len(agg) >= 60 and len(insn) >= 60 and len(ot) >= 50, (len(agg), len(insn), len(ot))
assert all(3 <= nw(r) <= 200 for r in rows), [r["id"] for r in rows if not 3 <= nw(r) <= 200]
print(f"Targets met: {len(rows)} rows, {len(arts)} articles of 250-300 words, {100 * n_clean / len(rows):.1f} % clean, "
      f"insult {len(ins)} ({len(ins40)} of 40+ words), insult hard negatives {len(hni)}, long calm {len(lc)}, "
      f"ad_link {len(ads)} / ad hard negatives {len(pm)}, aggression {len(agg)}, insinuation {len(insn)}, off_topic {len(ot)}")
