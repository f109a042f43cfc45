"""Validate datasets/blind18/comments.jsonl and print the counts used in DATASHEET.md.

Adapted from datasets/blind17/check.py: ids are b18-<slug>-NNN and the nine article slugs are those
of the eighteenth set. The targets follow this set's brief: at least 450 rows, 40-70 comments per
article, a clean share of 45-55 %, 40-65 positives each for insinuation, insult, aggression and
off_topic (the brief asks for about 40-60), 15-25 for ad_link (about 20), articles of 240-300 words
and at least 60 rows of 40 words or more. Added: upper bounds for the per-rule targets; the
"notes naming a form" line also counts typos, masked, other place/time, near-miss, metaphor,
reporting on crime and experience; a line with the position of the violation in long violating
rows (from the notes). Everything else is unchanged (the notes below are carried over from the
seventeenth set's script):

Adapted from datasets/blind16/check.py: ids are b17-<slug>-NNN and the nine article slugs are those
of the seventeenth set. The targets follow that set's brief: at least 450 rows, 40-70 comments per
article, a clean share of 45-55 %, at least 45 positives for insinuation and insult, at least 50 for
aggression, at least 40 for off_topic, at least 20 for ad_link, articles of 240-300 words and at
least 60 rows of 40 words or more. Added: a line counting notes that name a form (dialect, lower
case, partly English, emoji, reply, quoted and condemned, borderline) with their clean/violating
split. Everything else is unchanged (the notes below are carried over from the sixteenth set's
script):

Adapted from datasets/blind15/check.py: ids are b16-<slug>-NNN and the eight article slugs are those
of the sixteenth set. The targets follow that set's brief: at least 440 rows, 50-70 comments per
article, a clean share of 55-62 %, at least 25 positives for insinuation, insult, aggression and
off_topic, at least 18 for ad_link, articles of 260-300 words and at least 45 rows of 40 words or
more. Added: a line with the number of rows of 40 words or more per article and per label (clean or
violating). Everything else is unchanged (the notes below are carried over from the fifteenth set's
script):

Adapted from datasets/blind14/check.py: ids are b15-<slug>-NNN and the eight article slugs are those
of the fifteenth set. The targets follow this set's brief: at least 440 rows, 55-65 comments per
article, a clean share of 55-60 %, at least 25 positives for insinuation, insult, aggression and
off_topic, at least 18 for ad_link, articles of 260-300 words, and (a new target) at least 45 rows of
40 words or more. Everything else is unchanged (the notes below are carried over from the fourteenth
set's script):

Adapted from datasets/blind13/check.py: ids are b14-<slug>-NNN and the eight article slugs are those
of the fourteenth set. The targets follow this set's brief: at least 450 rows, 70-80 comments per
article, a clean share of 55-75 %, at least 40 positives for insinuation, insult and aggression, at
least 30 for off_topic and at least 25 for ad_link. The brief allows articles of 250-500 words
(earlier sets: 280-300), so the article-length check now uses that range. Two convention checks were
added: an ad_link row carries no other label (convention 23), and an `@Name` reply is never
off_topic. The script also prints the share of rows of 40 words or more. Everything else is
unchanged (the notes below are carried over from the thirteenth set's script):

Adapted from datasets/blind12/check.py: ids are b13-<slug>-NNN and the eight article slugs are those
of the thirteenth set. The targets follow this set's brief, which asked for a smaller set than the
earlier ones: at least 420 rows, 50-60 comments per article (a new check), at least 20 positives for
insinuation, insult, aggression and off_topic, at least 15 for ad_link, and a clean share of 55-75 %
(the brief asks that most rows be clean). Everything else is unchanged (the notes below are carried
over from the twelfth set's script):

Adapted from datasets/blind11/check.py: ids are b12-<slug>-NNN and the eight article slugs are those
of the twelfth set. Everything else is unchanged (the notes below are carried over from the eleventh
set's script):

Adapted from datasets/blind10/check.py: ids are b11-<slug>-NNN and the eight article slugs are those
of the eleventh set. Everything else is unchanged (the notes below are carried over from the tenth
set's script):

Adapted from datasets/blind9/check.py: ids are b10-<slug>-NNN and the eight article slugs are those
of the tenth set. Everything else is unchanged (the notes below are carried over from the ninth
set's script):

Adapted from datasets/blind8/check.py: ids are b9-<slug>-NNN and the eight article slugs are those
of the ninth set. Everything else is unchanged: at the end it prints whether the targets of the
brief are met (at least 640 rows, 55-65 % clean, at least 60 positives for insinuation, insult and
aggression, at least 40 for ad_link and off_topic) and exits with status 1 if any target is missed.

Notes carried over from the eighth set's script:

Adapted from datasets/blind7/check.py: ids are b8-<slug>-NNN; the eight article slugs are listed
and checked; at the end it prints whether the targets of the brief are met (at least 640 rows,
55-65 % clean, at least 60 positives for insinuation, insult and aggression, at least 40 for
ad_link and off_topic) and exits with status 1 if any target is missed.

Notes carried over from the seventh set's script:

Adapted from datasets/blind6/check.py (itself adapted from the fifth set's): ids are b7-<slug>-NNN;
prints the word count of each article (as `wc -w`) and checks that every article has a title line
followed by a blank line. Prints the number of rows per rule with at least one other label, the
number of one- and two-word rows and the number of multi-paragraph rows. Additionally (blind7)
checks that each article has 280-300 words and prints the share of violating rows.

Usage: python3 datasets/blind18/check.py   (from the repository root, or with any working directory)
Runs no netiquette code; reads only this directory.
"""
import collections, json, os, statistics, sys

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = ["insinuation", "insult", "aggression", "ad_link", "off_topic"]
FIELDS = {"id", "article", "article_file", "text", "labels", "clean", "note"}
ARTICLES = ["pflegebetrug-wettenau", "polizeiwache-lindscheid", "werksschliessung-ruhlbach",
            "notaufnahme-sandhagen", "stadttheater-merzenau", "unterkunft-gernsried",
            "kirchenglocken-auenrode", "kitagebuehren-elmshagen", "strassenname-tessenburg"]
TARGETS = {"rows": 450, "insinuation": 40, "insult": 40, "aggression": 40, "ad_link": 15, "off_topic": 40}
MAXIMA = {"insinuation": 65, "insult": 65, "aggression": 65, "ad_link": 25, "off_topic": 65}
LONG_ROWS = 60
PER_ARTICLE = (40, 70)
ARTICLE_WORDS = (240, 300)
CLEAN_SHARE = (45.0, 55.0)

rows, ids = [], set()
for n, line in enumerate(open(os.path.join(HERE, "comments.jsonl"), encoding="utf-8"), 1):
    r = json.loads(line)  # every line parses
    assert set(r) == FIELDS, (n, sorted(set(r) ^ FIELDS))
    assert r["id"] not in ids, ("duplicate id", r["id"])
    ids.add(r["id"])
    assert r["article"] in ARTICLES, (n, r["article"])
    assert r["id"].startswith(f"b18-{r['article']}-") and r["id"][-3:].isdigit(), r["id"]
    assert r["article_file"] == f"articles/{r['article']}.txt", r["id"]
    assert os.path.exists(os.path.join(HERE, r["article_file"])), r["article_file"]
    assert isinstance(r["text"], str) and r["text"].strip(), r["id"]
    assert set(r["labels"]) == set(KEYS), r["id"]
    assert all(r["labels"][k] in (0, 1) for k in KEYS), r["id"]
    assert r["clean"] == (0 if any(r["labels"].values()) else 1), r["id"]
    assert isinstance(r["note"], str), r["id"]
    assert not r["labels"]["ad_link"] or sum(r["labels"].values()) == 1, ("ad_link with another label", r["id"])
    assert not (r["text"].lstrip().startswith("@") and r["labels"]["off_topic"]), ("@reply labelled off_topic", r["id"])
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
print(f"Rows of one or two words: {sum(1 for w in words if w <= 2)}; rows with more than one paragraph: {sum(1 for r in rows if chr(10) in r['text'].strip())}")
print("Violating rows per rule (of them with another label too): " + "; ".join(f"{k} {sum(r['labels'][k] for r in rows)} ({sum(1 for r in rows if r['labels'][k] and sum(r['labels'].values()) > 1)})" for k in KEYS))
print(f"Rows of 40 words or more: {sum(1 for w in words if w >= 40)} ({100 * sum(1 for w in words if w >= 40) / len(rows):.1f} %), of them over 100 words: {sum(1 for w in words if w > 100)}; @Name replies: {sum(1 for r in rows if r['text'].lstrip().startswith('@'))}")
print("Rows of 40 words or more per article (clean/violating): " + "; ".join(f"{a} {sum(1 for r in rows if r['article'] == a and len(r['text'].split()) >= 40)} ({sum(1 for r in rows if r['article'] == a and r['clean'] and len(r['text'].split()) >= 40)}/{sum(1 for r in rows if r['article'] == a and not r['clean'] and len(r['text'].split()) >= 40)})" for a in arts))
forms = ["dialect", "lower case", "partly english", "emoji", "reply", "quoted and condemned", "borderline",
         "typos", "masked", "other place", "other time", "near-miss", "metaphor", "reporting on crime", "experience"]
print("Notes naming a form (clean/violating): " + "; ".join(f"{w} {sum(1 for r in rows if w in r['note'].lower())} ({sum(1 for r in rows if w in r['note'].lower() and r['clean'])}/{sum(1 for r in rows if w in r['note'].lower() and not r['clean'])})" for w in forms))
longv = [r for r in rows if not r["clean"] and len(r["text"].split()) >= 40]
where = collections.Counter(next((w for w in ("start", "middle", "last sentence", "end", "throughout", "spread", "whole row") if w in r["note"]), "not noted") for r in longv)
print(f"Long violating rows: {len(longv)}; position of the violation (from notes): " + "; ".join(f"{w} {n}" for w, n in where.most_common()))
print("Per article: " + "; ".join(f"{a} {statistics.median(len(r['text'].split()) for r in rows if r['article'] == a)} median words" for a in arts))
arts_dir = os.path.join(HERE, "articles")
aw = {}
for fn in sorted(os.listdir(arts_dir)):
    lines = open(os.path.join(arts_dir, fn), encoding="utf-8").read().split("\n")
    assert lines[0].strip() and lines[1] == "" and lines[2].strip(), ("article layout", fn)
    aw[fn[:-4]] = len("\n".join(lines).split())
    assert ARTICLE_WORDS[0] <= aw[fn[:-4]] <= ARTICLE_WORDS[1], ("article length", fn, aw[fn[:-4]])
assert set(aw) == set(arts) == set(ARTICLES), sorted(set(aw) ^ set(ARTICLES))
print("Article words (wc -w, title included): " + "; ".join(f"{a} {w}" for a, w in aw.items()) + f"; total {sum(aw.values())}")
viol = sum(1 - r["clean"] for r in rows)
print(f"Violating rows: {viol} of {len(rows)} ({100 * viol / len(rows):.1f} %)")

print("\nTargets:")
ok = True
def target(name, value, good, want):
    global ok
    ok = ok and good
    print(f"  {name}: {value} (target {want}) -> {'met' if good else 'NOT MET'}")
target("rows", len(rows), len(rows) >= TARGETS["rows"], f">= {TARGETS['rows']}")
per = collections.Counter(r["article"] for r in rows)
target("comments per article", f"{min(per.values())}-{max(per.values())}",
       all(PER_ARTICLE[0] <= per[a] <= PER_ARTICLE[1] for a in ARTICLES), f"{PER_ARTICLE[0]}-{PER_ARTICLE[1]} each")
share = 100 * sum(r["clean"] for r in rows) / len(rows)
target("clean share", f"{share:.1f} %", CLEAN_SHARE[0] <= share <= CLEAN_SHARE[1], f"{CLEAN_SHARE[0]:.0f}-{CLEAN_SHARE[1]:.0f} %")
for k in KEYS:
    v = sum(r["labels"][k] for r in rows)
    target(k, v, TARGETS[k] <= v <= MAXIMA[k], f"{TARGETS[k]}-{MAXIMA[k]}")
nlong = sum(1 for w in words if w >= 40)
target("rows of 40 words or more", nlong, nlong >= LONG_ROWS, f">= {LONG_ROWS}")
print("All targets met." if ok else "Some targets NOT met.")
sys.exit(0 if ok else 1)
