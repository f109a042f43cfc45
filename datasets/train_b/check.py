"""Validate datasets/train_b/comments.jsonl and print the counts used in DATASHEET.md.

Adapted from datasets/train_a/check.py: ids are tb-<slug>-NNN; the targets are those of this set's
brief (at least 520 rows, about 62 % clean, 8 articles of 200-280 words). Additionally it checks the
contrast pairs (every "pair <id>" named in a note has at least one clean and one violating row) and
prints, per identity group, how many rows mention the group and how many of those are clean, so that
one can see that the identity word alone predicts nothing.

Usage: python3 datasets/train_b/check.py   (from the repository root, or from anywhere)
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
    assert r["id"].startswith(f"tb-{r['article']}-") and r["id"][-3:].isdigit(), r["id"]
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
cl = [r for r in rows if r["clean"]]
for tag in ("identity-positive", "identity-neutral", "counter-speech", "hard negative", "quotes slur", "metalinguistic"):
    print(f"Clean rows whose note says '{tag}': {sum(1 for r in cl if tag in r['note'])}")
words = [len(r["text"].split()) for r in rows]
print(f"Length in words: min {min(words)}, median {statistics.median(words)}, max {max(words)}")
print(f"Rows over 60 words: {sum(1 for w in words if w > 60)}; rows of 40 words or more: {sum(1 for w in words if w >= 40)}; rows under 6 words: {sum(1 for w in words if w < 6)}; rows with paragraph breaks: {sum(1 for r in rows if chr(10) in r['text'])}")
print(f"Violating rows over 60 words: {sum(1 for r in rows if not r['clean'] and len(r['text'].split()) > 60)}")
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
n_emoji = sum(1 for r in rows if EMOJI.search(r["text"]))
print(f"@Name replies: {sum(1 for r in rows if r['text'].lstrip().startswith('@'))}; rows with emoji: {n_emoji}")
print("Per article: " + "; ".join(f"{a} {statistics.median(len(r['text'].split()) for r in rows if r['article'] == a)} median words" for a in arts))

# contrast pairs: same identity word or subject, opposite intent
pairs = collections.defaultdict(list)
for r in rows:
    for p in re.findall(r"pair ([a-z]+-\d+)", r["note"]):
        pairs[p].append(r)
bad = [p for p, rs in pairs.items() if not (any(r["clean"] for r in rs) and any(not r["clean"] for r in rs))]
assert not bad, ("pairs without both a clean and a violating row", bad)
print(f"Contrast pairs: {len(pairs)} (rows in pairs: {sum(len(v) for v in pairs.values())}; "
      f"clean {sum(r['clean'] for v in pairs.values() for r in v)}, violating {sum(1 - r['clean'] for v in pairs.values() for r in v)}); every pair has both")

# identity mentions: the group word alone must not predict the label
GROUPS = {
    "gay/lesbian/bi/queer": r"schwul|lesb|homo|queer|\bbi\b|regenbogen",
    "trans": r"\btrans(frau|frauen|mann|en)?\b",
    "Muslims/Islam": r"muslim|moslem|islam|muselman|kopftuch",
    "Jews/Jewish": r"\bjud|jüd|zionist",
    "refugees/migrants/foreigners": r"geflüchtet|flüchtling|migrant|ausländer|asyl|\bsyrer|syrisch|afghan|ukrain|kanak",
    "Turkish-Germans/Kurds": r"türk|kurde",
    "women": r"\bfrauen\b|weiber|\bweib|emanze|feminist|tussi|mannweib|\bmädchen|feuerwehrfrau|kommandantin",
    "disability": r"behindert|behinderung|rollstuhl|down-syndrom|trisomie|autist|spast|mongo|krüppel|gehörlos|ballastexist",
    "Sinti and Roma": r"\bsint|\broma\b|zigeuner|landfahrer|antiziganis",
    "Black people": r"\bschwarze",
    "East Germans": r"ostdeutsch|ossi|thüring",
    "Christians/Catholics": r"kathol|\bchrist(?!opher)|evangel|pfaffe|pfarr|freikirch",
    "atheists": r"atheist",
}
print("\n| identity group (words in text) | rows | clean | violating | clean share |")
print("|---|---|---|---|---|")
for g, rx in GROUPS.items():
    rs = [r for r in rows if re.search(rx, r["text"], re.I)]
    c = sum(r["clean"] for r in rs)
    print(f"| {g} | {len(rs)} | {c} | {len(rs) - c} | {100 * c / len(rs):.0f} % |")
    if g not in ("Black people", "atheists", "East Germans", "Turkish-Germans/Kurds", "Christians/Catholics"):
        assert c >= 5 and len(rs) - c >= 3, ("identity group needs clean and violating rows", g, c, len(rs) - c)
any_id = [r for r in rows if any(re.search(rx, r["text"], re.I) for rx in GROUPS.values())]
print(f"Rows mentioning at least one group: {len(any_id)} (clean {sum(r['clean'] for r in any_id)}, "
      f"{100 * sum(r['clean'] for r in any_id) / len(any_id):.1f} %)")

arts_dir = os.path.join(HERE, "articles")
aw = {}
for fn in sorted(os.listdir(arts_dir)):
    lines = open(os.path.join(arts_dir, fn), encoding="utf-8").read().split("\n")
    assert lines[0].strip() and lines[1] == "" and lines[2].strip(), ("article layout", fn)
    aw[fn[:-4]] = len("\n".join(lines).split())
    assert 200 <= aw[fn[:-4]] <= 280, ("article length", fn, aw[fn[:-4]])
assert set(aw) == set(arts), sorted(set(aw) ^ set(arts))
print("\nArticle words (wc -w, title included): " + "; ".join(f"{a} {w}" for a, w in aw.items()) + f"; total {sum(aw.values())}")

# targets of this set's brief
n_clean = sum(r["clean"] for r in rows)
assert len(arts) == 8, len(arts)
assert len(rows) >= 520, len(rows)
assert 0.60 <= n_clean / len(rows) <= 0.65, n_clean / len(rows)
for k, need in (("insinuation", 48), ("insult", 80), ("aggression", 56), ("ad_link", 16), ("off_topic", 16)):
    assert sum(r["labels"][k] for r in rows) >= need, (k, need)
for a in arts:
    rs = [r for r in rows if r["article"] == a]
    assert 0.57 <= sum(r["clean"] for r in rs) / len(rs) <= 0.67, (a, "clean share")
print(f"Targets met: {len(rows)} rows, {100 * n_clean / len(rows):.1f} % clean, 8 articles, positives per rule above the minimum, every pair complete")
