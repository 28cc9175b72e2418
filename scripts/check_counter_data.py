#!/usr/bin/env python3
"""Validate the starter counter-narrative library and its evaluation set.

Data tooling only (Python 3, standard library); it is not part of the build.

    python3 scripts/check_counter_data.py [--starter FILE] [--eval FILE]

Defaults: data/counter/starter.jsonl and data/counter/eval.jsonl next to this script's
repository. Checks the schema and enums of both files, unique ids, coverage per
language (themes, strategies, audiences, links, drafts), that every eval gold id is an
approved item of the same language, and that no eval message shares a run of 6 or more
consecutive words with any item's own text (title, body, source claims). Prints coverage
tables; exits 1 if anything is wrong, 0 otherwise.
"""

import argparse
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict

LANGUAGES = ["ar", "fr", "en"]
THEMES = [
    "religious_justification", "us_vs_them", "grievance_victimhood",
    "glorification_martyrdom", "recruitment_travel", "conspiracy",
    "hate_muslims", "hate_jews", "hate_christians", "hate_migrants",
    "hate_women", "hate_lgbt", "hate_other",
]
STRATEGIES = ["facts", "alternative_narrative", "denouncing", "humour", "question",
              "personal_story", "positive_values"]
AUDIENCES = ["youth", "general", "parents_educators"]
FORMATS = ["text", "article", "video_link", "image"]
MESSENGER_KINDS = ["religious_scholars", "ngo", "survivors", "former_extremists",
                   "educators", "public_institution"]
STATUSES = ["approved", "draft"]

ITEM_KEYS = ["id", "language", "title", "body", "link", "format", "themes", "strategy",
             "audience", "messenger", "licence", "status", "starter", "sources"]
MESSENGER_KEYS = ["name", "kind", "verified", "endorsements"]
EVAL_KEYS = ["id", "language", "message", "gold_themes", "gold_items"]

# Requirements of the brief.
MIN_ITEMS_PER_LANG = 22
MIN_STRATEGY_PER_LANG = 2      # approved items per strategy and language
MIN_THEME_PER_LANG = 1         # approved items per theme and language
MIN_LINKS_PER_LANG = 3
DRAFTS_PER_LANG = 1
BODY_WORDS = (40, 120)
MIN_EVAL_PER_LANG = 50
MIN_EVAL_TOTAL = 150
MIN_EVAL_THEME_PER_LANG = 3
MAX_MESSAGE_CHARS = 200
NGRAM = 6
MESSENGER_NAME = "Moderato starter example"

# A personal story must say it is fictional, in its title or in its body's last sentence.
FICTION_MARKERS = {
    "en": ["illustrative", "fictional", "composite"],
    "fr": ["illustrative", "fictif", "fictive", "composé"],
    "ar": ["توضيحية", "متخيلة", "مركبة"],
}

ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
WORD = re.compile(r"\w+", re.UNICODE)


class Report:
    def __init__(self):
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")


def normalise(text):
    """Lower-case, NFKC, no Arabic diacritics or tatweel, unified alef/ya/ta marbuta."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = ARABIC_DIACRITICS.sub("", t)
    t = re.sub("[إأآٱ]", "ا", t).replace("ى", "ي").replace("ة", "ه")
    t = t.replace("\u2019", "'").replace("'", " ")
    return t


def words(text):
    return WORD.findall(normalise(text))


def ngrams(tokens, n=NGRAM):
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def load_jsonl(path, rep):
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    rep.err(f"{path}:{n}", "empty line")
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    rep.err(f"{path}:{n}", f"invalid JSON: {e}")
                    continue
                if not isinstance(obj, dict):
                    rep.err(f"{path}:{n}", "not a JSON object")
                    continue
                rows.append((n, obj))
    except OSError as e:
        rep.err(path, str(e))
    return rows


def is_str(v):
    return isinstance(v, str) and v.strip() != ""


def check_enum_list(rep, where, name, value, enum, lo, hi):
    if not isinstance(value, list) or not lo <= len(value) <= hi:
        rep.err(where, f"{name} must be a list of {lo}-{hi} values")
        return
    if len(set(value)) != len(value):
        rep.err(where, f"{name} has duplicates")
    for v in value:
        if v not in enum:
            rep.err(where, f"{name}: unknown value {v!r}")


def last_sentence(text):
    parts = [p for p in re.split(r"(?<=[.!?؟])\s+", text.strip()) if p]
    return parts[-1] if parts else ""


def check_item(rep, where, it):
    keys = list(it.keys())
    if set(keys) != set(ITEM_KEYS):
        missing = [k for k in ITEM_KEYS if k not in it]
        extra = [k for k in keys if k not in ITEM_KEYS]
        rep.err(where, f"keys differ (missing {missing}, unexpected {extra})")
    iid = it.get("id")
    lang = it.get("language")
    if lang not in LANGUAGES:
        rep.err(where, f"language {lang!r} not in {LANGUAGES}")
    if not isinstance(iid, str) or not re.fullmatch(r"starter-(ar|fr|en)-\d{3}", iid):
        rep.err(where, f"id {iid!r} does not match starter-<lang>-NNN")
    elif iid.split("-")[1] != lang:
        rep.err(where, f"id {iid} does not match language {lang!r}")
    for k in ("title", "body"):
        if not is_str(it.get(k)):
            rep.err(where, f"{k} must be a non-empty string")
    body = it.get("body") if isinstance(it.get("body"), str) else ""
    n_words = len(body.split())
    if not BODY_WORDS[0] <= n_words <= BODY_WORDS[1]:
        rep.err(where, f"body has {n_words} words, expected {BODY_WORDS[0]}-{BODY_WORDS[1]}")
    if lang == "ar" and body:
        ar_letters = len(ARABIC_LETTER.findall(body))
        lat_letters = len(LATIN_LETTER.findall(body))
        if ar_letters < 0.95 * (ar_letters + lat_letters):
            rep.err(where, "Arabic item body is not written in Arabic script")
    link = it.get("link")
    fmt = it.get("format")
    if fmt not in FORMATS:
        rep.err(where, f"format {fmt!r} not in {FORMATS}")
    if link is not None:
        if not isinstance(link, str) or not re.fullmatch(r"https?://[^\s]+", link):
            rep.err(where, f"link {link!r} is not null or an http(s) URL")
    if fmt in ("article", "video_link") and link is None:
        rep.err(where, f"format {fmt} needs a link")
    if link is not None and fmt == "text":
        rep.err(where, "an item with a link should not have format text")
    check_enum_list(rep, where, "themes", it.get("themes"), THEMES, 1, 3)
    if it.get("strategy") not in STRATEGIES:
        rep.err(where, f"strategy {it.get('strategy')!r} not in {STRATEGIES}")
    check_enum_list(rep, where, "audience", it.get("audience"), AUDIENCES, 1, len(AUDIENCES))
    m = it.get("messenger")
    if not isinstance(m, dict) or set(m.keys()) != set(MESSENGER_KEYS):
        rep.err(where, f"messenger must be an object with keys {MESSENGER_KEYS}")
    else:
        if m.get("name") != MESSENGER_NAME:
            rep.err(where, f"messenger.name must be {MESSENGER_NAME!r} for starter items")
        if m.get("kind") not in MESSENGER_KINDS:
            rep.err(where, f"messenger.kind {m.get('kind')!r} not in {MESSENGER_KINDS}")
        if m.get("verified") is not False:
            rep.err(where, "messenger.verified must be false for starter items")
        if m.get("endorsements") != []:
            rep.err(where, "messenger.endorsements must be empty for starter items")
    if it.get("licence") != "CC-BY-4.0":
        rep.err(where, "licence must be CC-BY-4.0")
    if it.get("status") not in STATUSES:
        rep.err(where, f"status {it.get('status')!r} not in {STATUSES}")
    if it.get("starter") is not True:
        rep.err(where, "starter must be true")
    sources = it.get("sources")
    if not isinstance(sources, list):
        rep.err(where, "sources must be a list")
        sources = []
    for s in sources:
        if not isinstance(s, dict) or set(s.keys()) != {"claim", "source"} \
                or not is_str(s.get("claim")) or not is_str(s.get("source")):
            rep.err(where, "each source must be {\"claim\": str, \"source\": str}")
    # A number in the text (a year, an article, a verse) is a factual claim: it needs a source.
    if re.search(r"\d", body) and not sources:
        rep.err(where, "body contains a number but sources is empty")
    if it.get("strategy") == "personal_story":
        markers = FICTION_MARKERS.get(lang, [])
        hay = normalise(it.get("title", "") + " " + last_sentence(body))
        if not any(normalise(mk) in hay for mk in markers):
            rep.err(where, "personal story must say it is fictional/illustrative in its "
                           "title or its body's last sentence")


def check_eval(rep, where, ev, items_by_id):
    keys = list(ev.keys())
    if set(keys) != set(EVAL_KEYS):
        missing = [k for k in EVAL_KEYS if k not in ev]
        extra = [k for k in keys if k not in EVAL_KEYS]
        rep.err(where, f"keys differ (missing {missing}, unexpected {extra})")
    eid = ev.get("id")
    lang = ev.get("language")
    if lang not in LANGUAGES:
        rep.err(where, f"language {lang!r} not in {LANGUAGES}")
    if not isinstance(eid, str) or not re.fullmatch(r"eval-(ar|fr|en)-\d{3}", eid):
        rep.err(where, f"id {eid!r} does not match eval-<lang>-NNN")
    elif eid.split("-")[1] != lang:
        rep.err(where, f"id {eid} does not match language {lang!r}")
    msg = ev.get("message")
    if not is_str(msg):
        rep.err(where, "message must be a non-empty string")
    elif len(msg) > MAX_MESSAGE_CHARS:
        rep.err(where, f"message has {len(msg)} characters, max {MAX_MESSAGE_CHARS}")
    check_enum_list(rep, where, "gold_themes", ev.get("gold_themes"), THEMES, 1, 2)
    gold = ev.get("gold_items")
    if not isinstance(gold, list) or not 1 <= len(gold) <= 3:
        rep.err(where, "gold_items must be a list of 1-3 ids")
        return
    if len(set(gold)) != len(gold):
        rep.err(where, "gold_items has duplicates")
    gold_themes = set(ev.get("gold_themes") or [])
    for g in gold:
        it = items_by_id.get(g)
        if it is None:
            rep.err(where, f"gold item {g!r} does not exist")
            continue
        if it.get("language") != lang:
            rep.err(where, f"gold item {g} is in {it.get('language')!r}, not {lang!r}")
        if it.get("status") != "approved":
            rep.err(where, f"gold item {g} is not approved")
        if not gold_themes & set(it.get("themes") or []):
            rep.err(where, f"gold item {g} shares no theme with gold_themes")


def table(title, rows, cols, counts, mark_below=None):
    """Print a counts table; cells below mark_below get a '!'."""
    width = max(len(r) for r in rows) + 2
    colw = max(len(c) for c in cols) + 1
    print(f"\n{title}")
    print(" " * width + "".join(c.rjust(colw) for c in cols))
    for r in rows:
        cells = []
        for c in cols:
            v = counts.get((r, c), 0)
            s = str(v) + ("!" if mark_below is not None and v < mark_below else "")
            cells.append(s.rjust(colw))
        print(r.ljust(width) + "".join(cells))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--starter", default=os.path.join(root, "data/counter/starter.jsonl"))
    ap.add_argument("--eval", default=os.path.join(root, "data/counter/eval.jsonl"))
    args = ap.parse_args()
    rep = Report()

    items = load_jsonl(args.starter, rep)
    evals = load_jsonl(args.eval, rep)

    items_by_id = {}
    for n, it in items:
        where = f"starter:{n} {it.get('id')}"
        check_item(rep, where, it)
        if it.get("id") in items_by_id:
            rep.err(where, f"duplicate id {it.get('id')}")
        items_by_id[it.get("id")] = it

    seen_eval = set()
    seen_msg = {}
    for n, ev in evals:
        where = f"eval:{n} {ev.get('id')}"
        check_eval(rep, where, ev, items_by_id)
        if ev.get("id") in seen_eval:
            rep.err(where, f"duplicate id {ev.get('id')}")
        seen_eval.add(ev.get("id"))
        key = " ".join(words(ev.get("message") or ""))
        if key in seen_msg:
            rep.err(where, f"same message as {seen_msg[key]}")
        seen_msg.setdefault(key, ev.get("id"))

    # Keep the eval set apart from the items' own text: no run of NGRAM words in common.
    item_grams = {}
    for it in items_by_id.values():
        text = " ".join([it.get("title") or "", it.get("body") or ""] +
                        [s.get("claim", "") for s in it.get("sources") or [] if isinstance(s, dict)])
        for g in ngrams(words(text)):
            item_grams.setdefault(g, it.get("id"))
    for n, ev in evals:
        for g in sorted(ngrams(words(ev.get("message") or ""))):
            if g in item_grams:
                rep.err(f"eval:{n} {ev.get('id')}",
                        f"shares {NGRAM} consecutive words with {item_grams[g]}: {' '.join(g)!r}")
                break

    # Coverage.
    approved = [it for it in items_by_id.values() if it.get("status") == "approved"]
    by_theme, by_strat, by_aud, by_fmt, by_kind = Counter(), Counter(), Counter(), Counter(), Counter()
    per_lang, links, drafts = Counter(), Counter(), Counter()
    for it in items_by_id.values():
        lang = it.get("language")
        per_lang[lang] += 1
        if it.get("link"):
            links[lang] += 1
        if it.get("status") == "draft":
            drafts[lang] += 1
    for it in approved:
        lang = it.get("language")
        for t in it.get("themes") or []:
            by_theme[(t, lang)] += 1
        by_strat[(it.get("strategy"), lang)] += 1
        for a in it.get("audience") or []:
            by_aud[(a, lang)] += 1
        by_fmt[(it.get("format"), lang)] += 1
        kind = (it.get("messenger") or {}).get("kind")
        by_kind[(kind, lang)] += 1
    ev_theme, ev_lang = Counter(), Counter()
    for _, ev in evals:
        ev_lang[ev.get("language")] += 1
        for t in ev.get("gold_themes") or []:
            ev_theme[(t, ev.get("language"))] += 1

    for lang in LANGUAGES:
        if per_lang[lang] < MIN_ITEMS_PER_LANG:
            rep.err(f"starter/{lang}", f"{per_lang[lang]} items, need >= {MIN_ITEMS_PER_LANG}")
        if links[lang] < MIN_LINKS_PER_LANG:
            rep.err(f"starter/{lang}", f"{links[lang]} items with a link, need >= {MIN_LINKS_PER_LANG}")
        if drafts[lang] != DRAFTS_PER_LANG:
            rep.err(f"starter/{lang}", f"{drafts[lang]} draft items, need exactly {DRAFTS_PER_LANG}")
        for t in THEMES:
            if by_theme[(t, lang)] < MIN_THEME_PER_LANG:
                rep.err(f"starter/{lang}", f"theme {t}: {by_theme[(t, lang)]} approved items")
        for s in STRATEGIES:
            if by_strat[(s, lang)] < MIN_STRATEGY_PER_LANG:
                rep.err(f"starter/{lang}", f"strategy {s}: {by_strat[(s, lang)]} approved items, "
                                           f"need >= {MIN_STRATEGY_PER_LANG}")
        for a in AUDIENCES:
            if by_aud[(a, lang)] < 1:
                rep.err(f"starter/{lang}", f"audience {a}: no approved item")
        if ev_lang[lang] < MIN_EVAL_PER_LANG:
            rep.err(f"eval/{lang}", f"{ev_lang[lang]} messages, need >= {MIN_EVAL_PER_LANG}")
        for t in THEMES:
            if ev_theme[(t, lang)] < MIN_EVAL_THEME_PER_LANG:
                rep.err(f"eval/{lang}", f"theme {t}: {ev_theme[(t, lang)]} messages, "
                                        f"need >= {MIN_EVAL_THEME_PER_LANG}")
    if sum(ev_lang.values()) < MIN_EVAL_TOTAL:
        rep.err("eval", f"{sum(ev_lang.values())} messages, need >= {MIN_EVAL_TOTAL}")

    print(f"starter: {len(items_by_id)} items ("
          + ", ".join(f"{l} {per_lang[l]}" for l in LANGUAGES) + "); approved "
          + str(len(approved)) + "; drafts " + ", ".join(f"{l} {drafts[l]}" for l in LANGUAGES)
          + "; with link " + ", ".join(f"{l} {links[l]}" for l in LANGUAGES))
    print(f"eval: {sum(ev_lang.values())} messages ("
          + ", ".join(f"{l} {ev_lang[l]}" for l in LANGUAGES) + ")")
    table("Approved items per theme x language ('!' = below minimum)", THEMES, LANGUAGES,
          by_theme, MIN_THEME_PER_LANG)
    table("Approved items per strategy x language", STRATEGIES, LANGUAGES, by_strat,
          MIN_STRATEGY_PER_LANG)
    table("Approved items per audience x language", AUDIENCES, LANGUAGES, by_aud, 1)
    table("Approved items per format x language", FORMATS, LANGUAGES, by_fmt)
    table("Approved items per messenger kind x language", MESSENGER_KINDS, LANGUAGES, by_kind)
    table("Eval messages per gold theme x language", THEMES, LANGUAGES, ev_theme,
          MIN_EVAL_THEME_PER_LANG)

    if rep.errors:
        print(f"\n{len(rep.errors)} problem(s):")
        for e in rep.errors:
            print("  " + e)
        return 1
    print("\nOK: no problems found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
