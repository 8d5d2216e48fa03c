"""The seed's gold format (`*.gold.json` beside its text): the rules of ../shared/tools/score_seed.py.

The numbers must equal that script's on the same system JSON, so this is a faithful port of its matching:

- Gold anchors and surface forms are found in the system's `document.text` after folding case, Markdown
  marks (* _ ` \\) and runs of white space. Surface forms match at word boundaries, longest forms first;
  a span already claimed by a longer form is not claimed again.
- Each system entity maps to the gold entity whose claimed spans its mentions overlap most often (ties: the
  first gold key to reach the top count, as Python's `max` over an insertion-ordered dict).
- entities found: gold entities some system entity maps to / gold entities.
- mention linking: gold mention spans for which a system mention overlapping it belongs to an entity mapped
  to that gold entity / gold mention spans (0.0 when there are none, as the script prints).
- claims matched: a gold claim is matched by the first system claim whose evidence overlaps an occurrence
  of the anchor, whose predicate is in the gold list ('*' = any), and whose subject and object entities map
  to one of the gold subject / object keys. Reported for must and stretch (`must: false`) claims apart.
- findings matched: same code, and evidence overlapping the anchor (or, for `reference.*` codes, the gold
  references included in the finding's), the gold references included in the finding's, and the gold
  `suggest` labels included in the suggestion's references. Each gold finding is matched independently
  (one system finding may match several gold findings, as in the script).
- unmatched errors/warnings: system findings of severity error or warning that matched no gold finding.

Over a folder of seeds the counts are summed (micro); each document's own numbers are kept under `documents`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from claimgraph.evaluate.detect import GoldSource, seed_text_path
from claimgraph.evaluate.metrics import m_count, m_ratio
from claimgraph.evaluate.run import Item, Outcome

DROP = set("*_`\\")


def fold(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each folded char, its offset in the original."""
    out: list[str] = []
    index: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        if ch in DROP:
            continue
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        out.append(ch.lower())
        index.append(i)
    return "".join(out), index


def find_all(folded: str, index: list[int], needle: str, word: bool = True) -> list[tuple[int, int]]:
    """All (start, end) in the original text where needle occurs (folded, optionally at word boundaries)."""
    f, _ = fold(needle)
    f = f.strip()
    if not f:
        return []
    pat = re.escape(f)
    if word:
        pat = r"(?<![\w])" + pat + r"(?![\w])"
    return [(index[m.start()], index[m.end() - 1] + 1) for m in re.finditer(pat, folded)]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def score_document(gold: dict[str, Any], system: dict[str, Any]) -> dict[str, Any]:
    """The raw counts of score_seed.py for one document (system: the document's JSON)."""
    text = (system.get("document") or {}).get("text") or ""
    folded, index = fold(text)

    forms = sorted(((m, e["key"]) for e in gold["entities"] for m in e["mentions"]), key=lambda x: -len(x[0]))
    claimed: list[tuple[tuple[int, int], str]] = []
    for form, key in forms:
        for sp in find_all(folded, index, form):
            if not any(_overlaps(sp, c[0]) for c in claimed):
                claimed.append((sp, key))

    emap: dict[str, str] = {}
    mention_owner: list[tuple[tuple[int, int], str]] = []
    for ent in system.get("entities", []):
        votes: dict[str, int] = {}
        for m in ent.get("mentions", []):
            sp = (m["start"], m["end"])
            mention_owner.append((sp, ent["id"]))
            for gsp, key in claimed:
                if _overlaps(sp, gsp):
                    votes[key] = votes.get(key, 0) + 1
        if votes:
            emap[ent["id"]] = max(votes, key=votes.get)  # type: ignore[arg-type]

    gold_keys = [e["key"] for e in gold["entities"]]
    found = set(emap.values())
    linked = 0
    for gsp, key in claimed:
        owners = {eid for sp, eid in mention_owner if _overlaps(sp, gsp)}
        linked += any(emap.get(eid) == key for eid in owners)
    splits = [k for k in gold_keys if sum(v == k for v in emap.values()) > 1]

    def ents(ids: Any) -> set[str]:
        return {emap.get(i) for i in _as_list(ids)} - {None}  # type: ignore[return-value]

    claims = system.get("claims", [])
    c_res = []
    for g in gold["claims"]:
        spans = find_all(folded, index, g["anchor"], word=False)
        hit = None
        for c in claims:
            ev = c.get("evidence") or {}
            if not spans or "start" not in ev:
                continue
            if not any(_overlaps((ev["start"], ev["end"]), sp) for sp in spans):
                continue
            preds = _as_list(g["predicate"])
            if "*" not in preds and c.get("predicate") not in preds:
                continue
            if not ents(c.get("subject")) & set(_as_list(g["subject"])):
                continue
            if not ents(c.get("object")) & set(_as_list(g["object"])):
                continue
            hit = c
            break
        c_res.append((g, hit))

    findings = system.get("findings", [])
    f_res: list[tuple[dict, int | None]] = []
    used: set[int] = set()
    for g in gold["findings"]:
        spans = find_all(folded, index, g["anchor"], word=False)
        fhit = None
        for i, f in enumerate(findings):
            if f.get("code") != g["code"]:
                continue
            refs = {str(r) for r in _as_list(f.get("references"))}
            ev = f.get("evidence") or {}
            near = "start" in ev and any(_overlaps((ev["start"], ev["end"]), sp) for sp in spans)
            by_ref = g["code"].startswith("reference.") and set(g.get("references", [])) <= refs and refs
            if not (near or by_ref):
                continue
            if g.get("references") and not set(g["references"]) <= refs:
                continue
            if g.get("suggest"):
                sug = f.get("suggestion") or {}
                sref = {str(r) for r in _as_list(sug.get("references") if isinstance(sug, dict) else sug)}
                if not set(g["suggest"]) <= sref:
                    continue
            fhit = i
            break
        if fhit is not None:
            used.add(fhit)
        f_res.append((g, fhit))
    extra = [f for i, f in enumerate(findings) if i not in used and f.get("severity") in ("error", "warning")]

    def tally(res: list, must: bool) -> tuple[int, int]:
        items = [(g, h) for g, h in res if g.get("must", True) == must]
        return sum(h is not None for g, h in items), len(items)

    cm, cn = tally(c_res, True)
    cs, csn = tally(c_res, False)
    fm, fn = tally(f_res, True)
    fs, fsn = tally(f_res, False)
    return {
        "entities_found": sum(k in found for k in gold_keys), "entities_gold": len(gold_keys),
        "mentions_linked": linked, "mentions_gold": len(claimed), "splits": splits,
        "claims_must": cm, "claims_must_gold": cn, "claims_stretch": cs, "claims_stretch_gold": csn,
        "system_claims": len(claims),
        "findings_must": fm, "findings_must_gold": fn, "findings_stretch": fs, "findings_stretch_gold": fsn,
        "unmatched_findings": len(extra),
        "missed_claims": [{"must": g.get("must", True), "subject": g["subject"], "predicate": g["predicate"],
                           "object": g["object"]} for g, h in c_res if h is None],
        "missed_findings": [{"must": g.get("must", True), "code": g["code"]} for g, h in f_res if h is None],
        "unmatched_system_findings": [{"code": f.get("code"), "severity": f.get("severity"),
                                       "evidence": (f.get("evidence") or {}).get("text")} for f in extra],
    }


def seed_summary(c: dict[str, Any]) -> dict[str, Any]:
    """The ratios of score_seed.py's last line, with its conventions (claims/findings: 1.0 when no must
    item; linking: 0.0 when no gold mention; entities: None when the gold lists no entity)."""
    eg = c["entities_gold"]
    return {
        "entities": c["entities_found"] / eg if eg else None,
        "linking": c["mentions_linked"] / c["mentions_gold"] if c["mentions_gold"] else 0.0,
        "claims_must": c["claims_must"] / c["claims_must_gold"] if c["claims_must_gold"] else 1.0,
        "findings_must": c["findings_must"] / c["findings_must_gold"] if c["findings_must_gold"] else 1.0,
        "unmatched_findings": c["unmatched_findings"],
    }


def load(source: GoldSource, limit: int | None = None) -> tuple[list[Item], list[dict[str, Any]]]:
    """One item per gold file (read like `claimgraph extract` reads the file: format sniffed from the
    extension and content, so Markdown marks are removed), and the gold dicts in the same order."""
    items, golds = [], []
    for gold_path in source.files[:limit] if limit else source.files:
        text_path = seed_text_path(gold_path)
        if text_path is None:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = text_path.read_bytes().decode("utf-8")
        items.append(Item(id=text_path.name, text=text, fmt=None, source=str(text_path)))
        golds.append({"gold": gold, "gold_path": str(gold_path), "text_path": str(text_path)})
    return items, golds


_SUM_KEYS = ("entities_found", "entities_gold", "mentions_linked", "mentions_gold", "claims_must",
             "claims_must_gold", "claims_stretch", "claims_stretch_gold", "system_claims", "findings_must",
             "findings_must_gold", "findings_stretch", "findings_stretch_gold", "unmatched_findings")


def score(golds: list[dict[str, Any]], outcomes: list[Outcome]) -> dict[str, Any]:
    """The seed section: summed counts as metrics, the score_seed summary, and each document's counts."""
    docs = []
    for g, o in zip(golds, outcomes, strict=True):
        system = o.json if o.ok else {"document": {"text": Path(g["text_path"]).read_text(encoding="utf-8")}}
        counts = score_document(g["gold"], system)
        docs.append({"id": o.id, "gold": g["gold_path"], "counts": counts, "summary": seed_summary(counts)})
    tot: dict[str, Any] = {k: sum(d["counts"][k] for d in docs) for k in _SUM_KEYS}
    tot["splits"] = sorted({s for d in docs for s in d["counts"]["splits"]})
    metrics = {
        "entities_found": m_ratio("entities found", tot["entities_found"], tot["entities_gold"]),
        "mention_linking": m_ratio("mention linking", tot["mentions_linked"], tot["mentions_gold"]),
        "entity_splits": m_count("gold entities split across ids", len(tot["splits"]),
                                 ", ".join(tot["splits"]) or "none"),
        "claims_must": m_ratio("claims matched (must)", tot["claims_must"], tot["claims_must_gold"]),
        "claims_stretch": m_ratio("claims matched (stretch)", tot["claims_stretch"], tot["claims_stretch_gold"]),
        "system_claims": m_count("system claims", tot["system_claims"]),
        "findings_must": m_ratio("findings matched (must)", tot["findings_must"], tot["findings_must_gold"]),
        "findings_stretch": m_ratio("findings matched (stretch)", tot["findings_stretch"],
                                    tot["findings_stretch_gold"]),
        "unmatched_findings": m_count("unmatched system errors/warnings", tot["unmatched_findings"]),
    }
    return {"metrics": metrics, "summary": seed_summary(tot), "documents": docs}
