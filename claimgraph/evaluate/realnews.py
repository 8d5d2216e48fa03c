"""Real news reports (`real-news-dev/`: `articles/NN-incident-outlet.txt` + `gold.json`): do outlets' figures
about one incident land in one measure, and are the claims right?

The set's format is described in ../shared/data/README.md. The figures are the same as those of
`../shared/tools/score_real_news.py` (the set's own scorer), computed the same way, so the two can be compared
number for number:

- disagreements: a gold disagreement is *found* when one system disagreement group (a measure of the
  knowledge base with differing values) holds two of the differing gold values, each from its own gold file;
  *clean* when that group holds no value from another incident's files. *False* groups: system disagreement
  groups that match no gold disagreement.
- agreements: found when one system measure (agreeing or not) holds the agreed value from two gold files.
- claims (rough recall): a gold claim is matched by an extracted claim of its file with the same predicate,
  whose subject names (entity name and mentions, as tokens) overlap the gold subject's (any subject when the
  gold names none) and whose quantities include the gold value (when the gold has one): in the gold evidence
  sentence (strict), anywhere in the file, or with value / subject ignored.

Added here: **precision by field**. Over the system claims whose evidence starts inside a gold evidence
sentence (claims about sentences the gold annotates), each field the system states is right when some gold
claim of that sentence agrees: predicate equal; subject tokens overlapping; a quantity matching a gold value;
time starting with the gold time (its first day for a span "a/b"; the gold's precision, so "2024-03" accepts
any day of March 2024); place tokens overlapping. The predicate is judged only for claims whose predicate the
gold uses somewhere in the set: the gold annotates events, so a standing relation ("the X-backed Y" ->
SUPPORT) is outside what it judges, neither right nor wrong. A field the system leaves empty is not counted (that is
recall's business). And the set split in two halves by a hash of the incident id (`half`), every figure
reported for each half too, so that rules developed on one half are checked on the other.

The knowledge base is a temporary SQLite file filled with the documents' rows (`Item.rows`), grouped by
`store.grouping` exactly as `claimgraph ingest` does.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from claimgraph.errors import UnsupportedFormat
from claimgraph.evaluate.detect import GoldSource
from claimgraph.evaluate.metrics import m_count, m_ratio, ratio
from claimgraph.evaluate.run import Item, Outcome

GOLD_FILE = "gold.json"
ARTICLES = "articles"


def is_realnews_folder(path: Path) -> bool:
    return (path / GOLD_FILE).is_file() and (path / ARTICLES).is_dir()


def incident(fname: str) -> str:
    """'01-some-incident-outlet.txt' -> 'some-incident' (the set's naming: NN-incident-outlet)."""
    stem = Path(fname).stem
    return "-".join(stem.split("-")[1:-1])


def half(incident_id: str) -> str:
    """'A' or 'B': a fixed split of the incidents by a hash of their id (develop on A, check on B)."""
    return "AB"[int(hashlib.sha1(incident_id.encode()).hexdigest(), 16) % 2]


def value_matches(gold_value: Any, v: float | None, low: float | None = None, high: float | None = None) -> bool:
    """gold_value: a number or [low, high]; v/low/high: a system value ("more than 30": low 31 matches 30)."""
    if v is None:
        return False
    if isinstance(gold_value, list):
        lo, hi = gold_value
        return (low == lo and high == hi) or v in (lo, hi)
    g = float(gold_value)
    return v == g or low == g or high == g or (low is not None and low == g + 1)


STOP = {"the", "a", "an", "of", "and", "from", "in", "its", "his", "their", "to", "on", "for", "by", "with",
        "group", "s", "other", "members", "member"}


def toks(s: str | None) -> set[str]:
    """Content tokens of a name, lower-cased, a plural 's' dropped (the set scorer's matching)."""
    s = (s or "").lower().replace("u.s.", "us").replace("’", "'")
    out = set()
    for tok in re.findall(r"[a-z0-9]+", s):
        if tok in STOP:
            continue
        out.add(tok[:-1] if len(tok) > 3 and tok.endswith("s") else tok)
    return out


# ------------------------------------------------------------------------------------------------ loading


def load(source: GoldSource, limit: int | None = None) -> tuple[list[Item], list[dict[str, Any]]]:
    """One item per article (its path as the source, so documents keep their file names); one gold: the
    whole gold.json (it is scored as a set, not per record), with the article names in the run."""
    folder = source.path
    try:
        gold = json.loads((folder / GOLD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UnsupportedFormat(f"cannot read the real-news gold: {exc}", str(folder / GOLD_FILE)) from exc
    for key in ("disagreements", "agreements", "claims"):
        if not isinstance(gold.get(key), list):
            raise UnsupportedFormat(f"the real-news gold has no '{key}' list", str(folder / GOLD_FILE))
    paths = sorted((folder / ARTICLES).glob("*.txt"))
    if limit is not None:
        paths = paths[:limit]
    items = [Item(id=p.name, text=p.read_text(encoding="utf-8"), fmt=None, source=str(p), rows=True)
             for p in paths]
    # one gold per article, all sharing the set's gold; its `id` is the incident, so `eval --half` keeps an
    # incident's reports together (the same split as `half`)
    return items, [{"id": incident(p.name), "file": p.name, "gold": gold} for p in paths]


# ------------------------------------------------------------------------------------------------ grouping


def knowledge_base_groups(outcomes: list[Outcome]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(disagreement groups, all measures) of a temporary knowledge base holding the outcomes' documents."""
    from claimgraph.store.database import Store
    from claimgraph.store.kb import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="claimgraph-eval-") as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'kb.db'}")
        try:
            for o in outcomes:
                if o.rows is not None:
                    store.write(o.rows)
            store.regroup()
            kb = KnowledgeBase(store)
            return kb.disagreements(), kb.measures()
        finally:
            store.close()


def _values(group: dict[str, Any]) -> list[tuple[str, float, float | None, float | None]]:
    return [(Path(v["document"]["source"]).name, v["value"], v.get("low"), v.get("high")) for v in group["values"]]


def score_disagreements(gold: dict[str, Any], groups: list[dict[str, Any]],
                        keep: set[str] | None = None) -> dict[str, Any]:
    """found / clean / false, as the set scorer counts them; `keep`: only these incidents (a half)."""
    sys_groups = [(g, _values(g)) for g in groups]
    golds = [gd for gd in gold["disagreements"] if keep is None or {incident(f) for f in gd["values"]} & keep]
    found = clean = 0
    matched: set[int] = set()
    detail = []
    for gd in gold["disagreements"]:
        items = list(gd["values"].items())
        hit = None
        for gi, (_g, vals) in enumerate(sys_groups):
            for i in range(len(items)):
                for j in range(i + 1, len(items)):
                    (fa, (va, _)), (fb, (vb, _)) = items[i], items[j]
                    if va == vb:
                        continue
                    if (any(f == fa and value_matches(va, v, lo, hi) for f, v, lo, hi in vals)
                            and any(f == fb and value_matches(vb, v, lo, hi) for f, v, lo, hi in vals)):
                        hit = gi
                        break
                if hit is not None:
                    break
            if hit is not None:
                break
        if hit is not None:
            matched.add(hit)
        if gd not in golds:
            continue
        inc = {incident(f) for f in gd["values"]}
        status = "missed"
        if hit is not None:
            found += 1
            foreign = [f for f, *_ in sys_groups[hit][1] if incident(f) not in inc]
            clean += not foreign
            status = "found" if not foreign else f"found, mixed ({len(foreign)} value(s) of other incidents)"
        detail.append({"about": gd["about"], "status": status,
                       "group": sys_groups[hit][0]["label"] if hit is not None else None})
    false = []
    for i, (g, vals) in enumerate(sys_groups):
        if i in matched:
            continue
        kinds = {incident(f) for f, *_ in vals}
        if keep is not None and not kinds & keep:
            continue
        false.append({"label": g["label"], "values": [f"{v:g} ({f[:2]})" for f, v, *_ in vals]})
    return {"found": found, "clean": clean, "n": len(golds), "false": false,
            "groups": len(sys_groups), "detail": detail}


def score_agreements(gold: dict[str, Any], measures: list[dict[str, Any]],
                     keep: set[str] | None = None) -> dict[str, Any]:
    golds = [ga for ga in gold["agreements"] if keep is None or {incident(f) for f in ga["values"]} & keep]
    found = 0
    detail = []
    for ga in golds:
        hit = None
        for m in measures:
            files = {f for f, v, lo, hi in _values(m)
                     if f in ga["values"] and value_matches(ga["values"][f][0], v, lo, hi)}
            if len(files) >= 2:
                hit = m
                break
        found += hit is not None
        detail.append({"about": ga["about"], "status": "found" if hit else "missed",
                       "group": hit["label"] if hit else None})
    return {"found": found, "n": len(golds), "detail": detail}


# ------------------------------------------------------------------------------------------------ claims


def _system_claims(doc: dict[str, Any]) -> list[dict[str, Any]]:
    ents = {e["id"]: e for e in doc.get("entities", [])}

    def names(ids: list[str]) -> set[str]:
        out: set[str] = set()
        for i in ids:
            e = ents.get(i)
            if e:
                out |= toks(e["name"])
                for m in e.get("mentions", []):
                    out |= toks(m["text"])
        return out

    return [{"predicate": c["predicate"], "subject_toks": names(c["subject"]), "place_toks": names(c["place"]),
             "time": (c.get("time") or {}).get("start"), "quantities": c.get("quantities", []),
             "start": c["evidence"]["start"]} for c in doc.get("claims", [])]


def _located(text: str, evidence: str) -> tuple[int, int]:
    gs = text.find(evidence)
    if gs < 0:  # whitespace may differ in the plain text
        gs = text.find(evidence[:60])
    return (gs, gs + len(evidence)) if gs >= 0 else (-1, -1)


CHECKS = ("pred+subj+value, same sentence", "pred+subj+value, anywhere in file",
          "pred+subj, same sentence (value ignored)", "pred+value, same sentence (subject ignored)")


def score_claims(gold: dict[str, Any], docs: dict[str, dict[str, Any]], keep: set[str] | None = None
                 ) -> dict[str, Any]:
    claims = {name: _system_claims(d) for name, d in docs.items()}
    golds = [g for g in gold["claims"] if keep is None or incident(g["file"]) in keep]
    tallies: dict[str, int] = defaultdict(int)
    misses = []
    for g in golds:
        d = docs.get(g["file"])
        if d is None:
            misses.append(g)
            continue
        gs, ge = _located(d["document"]["text"], g["evidence"])
        gsub = toks(g["subject"]) | toks(g.get("subject_ref"))

        def in_sentence(c, gs=gs, ge=ge):
            return gs >= 0 and gs <= c["start"] < ge

        def subj_ok(c, g=g, gsub=gsub):
            return not g["subject"] or bool(gsub & c["subject_toks"])

        def val_ok(c, g=g):
            return not g["quantity"] or any(value_matches(g["quantity"]["value"], q.get("value"), q.get("low"),
                                                          q.get("high")) for q in c["quantities"])

        pred = [c for c in claims[g["file"]] if c["predicate"] == g["predicate"]]
        hits = {
            CHECKS[0]: any(subj_ok(c) and val_ok(c) and in_sentence(c) for c in pred),
            CHECKS[1]: any(subj_ok(c) and val_ok(c) for c in pred),
            CHECKS[2]: any(subj_ok(c) and in_sentence(c) for c in pred),
            CHECKS[3]: any(val_ok(c) and in_sentence(c) for c in pred),
        }
        for k, v in hits.items():
            tallies[k] += v
        strict = hits[CHECKS[0]]
        tallies["subject_strict"] += bool(g["subject"]) and strict
        tallies["quantity_strict"] += bool(g["quantity"]) and strict
        if g["quantity"] and any(in_sentence(c) and val_ok(c) for c in claims[g["file"]]):
            tallies["quantity_in_sentence"] += 1
        if not strict:
            misses.append(g)
    return {"n": len(golds), "with_subject": sum(1 for g in golds if g["subject"]),
            "with_quantity": sum(1 for g in golds if g["quantity"]), "tallies": dict(tallies),
            "misses": [f"{g['file'][:2]} {g['predicate']} subj={g['subject']!r} "
                       f"q={g['quantity']['value'] if g['quantity'] else None} :: {g['evidence'][:90]}"
                       for g in misses]}


def _gold_time_ok(system: str, gold: str | None) -> bool:
    if not gold:
        return False
    return system.startswith(gold.split("/")[0])


def field_precision(gold: dict[str, Any], docs: dict[str, dict[str, Any]], keep: set[str] | None = None
                    ) -> dict[str, tuple[int, int]]:
    """field -> (right, stated) over system claims inside gold evidence sentences (see the module doc)."""
    by_sentence: dict[tuple[str, int, int], list[dict[str, Any]]] = defaultdict(list)
    for g in gold["claims"]:
        if (keep is not None and incident(g["file"]) not in keep) or g["file"] not in docs:
            continue
        span = _located(docs[g["file"]]["document"]["text"], g["evidence"])
        if span[0] >= 0:
            by_sentence[(g["file"], *span)].append(g)
    # the gold annotates events only: a predicate it never uses anywhere (a standing relation such as "the
    # X-backed Y" -> SUPPORT) is something it does not judge, not a wrong predicate
    judged = {g["predicate"] for g in gold["claims"]}
    out = {k: [0, 0] for k in ("predicate", "subject", "value", "time", "place")}
    for (fname, gs, ge), gl in by_sentence.items():
        for c in _system_claims(docs[fname]):
            if not gs <= c["start"] < ge:
                continue
            if c["predicate"] in judged:
                out["predicate"][1] += 1
                out["predicate"][0] += any(c["predicate"] == g["predicate"] for g in gl)
            if c["subject_toks"]:
                out["subject"][1] += 1
                out["subject"][0] += any(toks(g["subject"]) & c["subject_toks"] for g in gl)
            if c["quantities"]:
                out["value"][1] += 1
                out["value"][0] += any(g["quantity"] and value_matches(g["quantity"]["value"], q.get("value"),
                                                                       q.get("low"), q.get("high"))
                                       for g in gl for q in c["quantities"])
            if c["time"]:
                out["time"][1] += 1
                out["time"][0] += any(_gold_time_ok(c["time"], g["time"]) for g in gl)
            if c["place_toks"]:
                out["place"][1] += 1
                out["place"][0] += any(toks(g["place"]) & c["place_toks"] for g in gl)
    return {k: (a, b) for k, (a, b) in out.items()}


# ------------------------------------------------------------------------------------------------ score


def _metrics(gold, groups, measures, docs, keep, suffix: str) -> dict[str, Any]:
    dis = score_disagreements(gold, groups, keep)
    agr = score_agreements(gold, measures, keep)
    cl = score_claims(gold, docs, keep)
    fp = field_precision(gold, docs, keep)
    t, n = cl["tallies"], cl["n"]
    lab = f" [{suffix}]" if suffix else ""
    key = f"_{suffix}" if suffix else ""
    m = {
        f"disagreements_found{key}": m_ratio(f"disagreements found{lab}", dis["found"], dis["n"]),
        f"disagreements_clean{key}": m_ratio(f"disagreements found cleanly{lab}", dis["clean"], dis["n"]),
        f"false_groups{key}": m_count(f"false disagreement groups{lab}", len(dis["false"]),
                                      f"of {dis['groups']} groups" if not suffix else ""),
        f"agreements_found{key}": m_ratio(f"agreements grouped{lab}", agr["found"], agr["n"]),
    }
    for i, name in enumerate(CHECKS):
        m[f"claims_{i}{key}"] = m_ratio(f"claims: {name}{lab}", t.get(name, 0), n)
    if not suffix:
        m["claims_subject"] = m_ratio("claims:   of gold naming a subject (strict)", t.get("subject_strict", 0),
                                      cl["with_subject"])
        m["claims_quantity"] = m_ratio("claims:   of gold with a figure (strict)", t.get("quantity_strict", 0),
                                       cl["with_quantity"])
        m["claims_quantity_any"] = m_ratio("claims:   figure extracted in its sentence (any claim)",
                                           t.get("quantity_in_sentence", 0), cl["with_quantity"])
    for f, (a, b) in fp.items():
        m[f"precision_{f}{key}"] = m_ratio(f"precision: {f}{lab}", a, b)
    return {"metrics": m, "disagreements": dis, "agreements": agr, "claims_misses": cl["misses"]}


def score(golds: list[dict[str, Any]], outcomes: list[Outcome]) -> dict[str, Any]:
    if not golds:
        return {"metrics": {}, "disagreements": {"detail": [], "false": []}, "agreements": {"detail": []},
                "claims_misses": [], "halves": {"A": [], "B": []}}
    gold = golds[0]["gold"]
    names = [g["file"] for g in golds]
    docs = {name: o.json for name, o in zip(names, outcomes, strict=True) if o.ok}
    groups, measures = knowledge_base_groups(outcomes)
    incidents = {incident(n) for n in names}
    in_gold = {incident(f) for key in ("disagreements", "agreements") for x in gold[key] for f in x["values"]}
    in_gold |= {incident(c["file"]) for c in gold["claims"]}
    # scored on the incidents read (all of them, or one half with `eval --half`)
    everything = _metrics(gold, groups, measures, docs, None if in_gold <= incidents else incidents, "")
    metrics = dict(everything["metrics"])
    for h in "AB":
        keep = {i for i in incidents if half(i) == h}
        metrics.update(_metrics(gold, groups, measures, docs, keep, f"half {h}")["metrics"])
    return {"metrics": metrics, "disagreements": everything["disagreements"],
            "agreements": everything["agreements"], "claims_misses": everything["claims_misses"],
            "halves": {h: sorted(i for i in incidents if half(i) == h) for h in "AB"}}


__all__ = ["field_precision", "half", "incident", "is_realnews_folder", "knowledge_base_groups", "load",
           "ratio", "score", "score_agreements", "score_claims", "score_disagreements", "value_matches"]
