"""ISAF press releases (`isaf-*.jsonl`): killed and captured counts, event date, province, armed group.

Gold per record: `min_killed`, `min_captured` (ints in the data), `start_date` (YYYY-MM-DD), `province`
(list of lowercase names, "" = none), `target_group` (list of ';'-joined lowercase codes: taliban, haqqani,
aq, imu, hig, let, criminal; "" = none). Definitions (docs/metrics.md has them with examples):

- system killed = sum of each figure's least value (`low`, else `value`: "more than 30" = 31, "several" = 3)
  over the figures of the record's first dispatch (a bundle of releases is coded for its first) that restate
  nothing (`restates`, claims/tally.py), each figure once, leaving out negated, speculative and period-tally
  claims, whose `what` names a death (killed, dead, deaths, died, fatalities) and neither `what` nor `whom`
  names the reporting side's forces (security, soldiers, troops, police, ISAF, coalition, Afghan forces...).
  Civilians are *counted*: the gold's civilian-casualty releases count civilians in `min_killed`. system
  captured = the same over `what` naming a capture (captured, arrested, detained, apprehended, detainees).
- presence P/R/F1: each record is one item; predicted positive = system count > 0, gold positive = gold > 0.
- exact count accuracy: over records where gold > 0 or system > 0, system count == gold count.
- event date: the `time.start` of the first claim (list order) dated in the week up to `document.published`,
  else of the first claim with one, else `document.published`; accuracy of exact string equality with
  `start_date`, over records with a gold date.
- province: each gold province (non-empty) is one item; found when a system entity of type place has a
  name, id or mention whose normalised form (lowercase, 'province' and punctuation removed, the
  transliteration variants of PROVINCE_VARIANTS folded) equals the gold's.
- separate operations: the records are ingested together into a temporary knowledge base (as
  `claimgraph ingest` would) and each reported disagreement (a measure with differing values) is checked
  against the gold: it *joins different operations* when two of its values come from releases whose gold
  `start_date`s differ or whose gold provinces are disjoint (both named). The rate is such groups over all
  reported disagreements (lower is better; the issue's bar is 1 in 10).
- armed group: each gold group code (split on ';', "" and 'criminal' skipped: not a named group) is one
  item; found when a system entity of type armed_group has a name, id or mention equal (lowercase, 'the'
  and punctuation removed) to one of the code's GROUP_ALIASES.

A record whose processing failed scores as an empty system output.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from claimgraph.claims.extract import LEAD_DAYS
from claimgraph.evaluate.detect import GoldSource, jsonl_records
from claimgraph.evaluate.metrics import m_prf_counts, m_ratio
from claimgraph.evaluate.run import Item, Outcome

DEATH_WORDS = {"killed", "dead", "deaths", "died", "fatalities"}
CAPTURE_WORDS = {"captured", "arrested", "detained", "apprehended", "detainees"}
#: Words naming the reporting side (ISAF and Afghan forces): their losses are not in `min_killed`.
OWN_FORCES = {"security", "soldier", "soldiers", "troops", "police", "policemen", "policeman", "personnel",
              "isaf", "coalition", "ansf", "servicemember", "servicemembers", "service", "army", "forces"}

#: Transliterations of Afghan province names seen in the gold and in ISAF's prose, folded to one form.
PROVINCE_VARIANTS = {
    "paktia": "paktya", "paktiya": "paktya", "hilmand": "helmand", "konar": "kunar", "wardag": "wardak",
    "maidan wardak": "wardak", "oruzgan": "uruzgan", "urozgan": "uruzgan", "khowst": "khost",
    "jawzjan": "jowzjan", "nooristan": "nuristan", "sar e pol": "sar e pul", "sari pul": "sar e pul",
    "sar i pul": "sar e pul", "sare pul": "sar e pul", "sar pul": "sar e pul", "qandahar": "kandahar",
    "kondoz": "kunduz", "ghazny": "ghazni", "lagman": "laghman", "nimruz": "nimroz", "badakshan": "badakhshan",
}

#: The gold's armed-group codes and the names they stand for (normalised as `norm_group` does).
GROUP_ALIASES = {
    "taliban": {"taliban", "afghan taliban", "taleban", "islamic emirate of afghanistan", "quetta shura"},
    "haqqani": {"haqqani", "haqqani network", "haqqanis", "hqn"},
    "aq": {"aq", "al qaeda", "al qaida", "al qa ida", "alqaeda", "al qaeda network"},
    "imu": {"imu", "islamic movement of uzbekistan"},
    "hig": {"hig", "hezb e islami gulbuddin", "hizb e islami gulbuddin", "hezb i islami gulbuddin",
            "hizb i islami gulbuddin", "hezb e islami", "hizb i islami", "hezb i islami", "hizb e islami"},
    "let": {"let", "lashkar e taiba", "lashkar e tayyiba", "lashkar e toiba", "lashkar e tayyaba"},
}
SKIP_GROUPS = {"", "criminal"}

_PUNCT = re.compile(r"[^\w\s]|_")
_WS = re.compile(r"\s+")


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"[a-z]+", (text or "").lower()))


def _squash(text: str) -> str:
    return _WS.sub(" ", _PUNCT.sub(" ", text.lower())).strip()


def norm_province(name: str | None) -> str:
    """'Paktiya Province' -> 'paktya'; 'Sar-e Pul' -> 'sar e pul'."""
    s = _squash(name or "")
    s = re.sub(r"\bprovince\b", " ", s)
    s = _WS.sub(" ", s).strip()
    return PROVINCE_VARIANTS.get(s, s)


def norm_group(name: str | None) -> str:
    """'the Haqqani Network' -> 'haqqani network'; 'al-Qaeda' -> 'al qaeda'."""
    s = _squash(name or "")
    s = re.sub(r"^the\b", " ", s)
    return _WS.sub(" ", s).strip()


def _value(q: dict[str, Any]) -> float:
    """The least number a quantity allows: its low bound ("more than 30" -> 31, "several" -> 3), else its
    value ("around 30", "up to 30" -> 30)."""
    v = q.get("low")
    if v is None:
        v = q.get("value")
    try:
        return float(v) if v is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def _quantities(system: dict[str, Any]) -> list[dict[str, Any]]:
    """The first dispatch's figures, each once (a figure shared by two claims is one), leaving out those that
    restate another (`restates`: a release's detail of its summary, or its summary made precise) and those of
    negated and speculative claims ("no civilians were hurt"; "he is suspected in the killing of two
    officials" is the target's alleged past, not the operation's toll) and of tallies over a period ("have
    captured 17 leaders in the last month")."""
    seen, out = set(), []
    for c in _first_dispatch(system):
        if c.get("negated") or c.get("modality") == "speculative" or _cumulative(c):
            continue
        for q in c.get("quantities") or []:
            key = (q.get("start"), q.get("end"))
            if key in seen or q.get("restates"):
                continue
            seen.add(key)
            out.append(q)
    return out


#: A claim whose time spans more days than this reports a tally over a period ("17 leaders captured in the
#: last month"), not the operation's toll: the claims stage's LEAD_DAYS, the span of a news lead's "when".
TALLY_DAYS = LEAD_DAYS


def _cumulative(claim: dict[str, Any]) -> bool:
    t = claim.get("time") or {}
    try:
        return (dt.date.fromisoformat(t["end"]) - dt.date.fromisoformat(t["start"])).days > TALLY_DAYS
    except (KeyError, TypeError, ValueError):
        return False


def _first_dispatch(system: dict[str, Any]) -> list[dict[str, Any]]:
    """The claims of the document's first dispatch: a record that bundles releases (a later release
    confirming or updating the first) is coded by the gold for its first release."""
    claims = system.get("claims", [])
    dispatches = (system.get("document") or {}).get("dispatches") or []
    if len(dispatches) < 2:
        return claims
    end = dispatches[0]["end"]
    return [c for c in claims if (c.get("evidence") or {}).get("start", 0) < end]


def system_killed(system: dict[str, Any]) -> int:
    total = 0.0
    for q in _quantities(system):
        what, whom = _words(q.get("what")), _words(q.get("whom"))
        if what & DEATH_WORDS and not (what | whom) & OWN_FORCES:
            total += _value(q)
    return round(total)


def system_captured(system: dict[str, Any]) -> int:
    return round(sum(_value(q) for q in _quantities(system) if _words(q.get("what")) & CAPTURE_WORDS))


def system_date(system: dict[str, Any]) -> str | None:
    """The release's event date: the time of its first claim dated in the week up to the document's date (a
    release reports a recent operation; "the May 11 attack" in September is its background), else of its
    first claim with a time, else the document's date."""
    published = (system.get("document") or {}).get("published")
    starts = [str(s) for c in system.get("claims", []) if (s := (c.get("time") or {}).get("start"))]
    try:
        day = dt.date.fromisoformat(published) if published and len(published) == 10 else None
    except ValueError:
        day = None
    if day is not None:
        for start in starts:
            try:
                if 0 <= (day - dt.date.fromisoformat(start)).days <= TALLY_DAYS:
                    return start
            except ValueError:
                continue
    return starts[0] if starts else published


def _entity_forms(system: dict[str, Any], types: set[str]) -> list[list[str]]:
    """For each entity of one of `types`: its name, id and mention texts."""
    out = []
    for e in system.get("entities", []):
        if e.get("type") in types:
            forms = [e.get("name") or "", str(e.get("id") or "")]
            forms += [m.get("text") or "" for m in e.get("mentions", [])]
            out.append(forms)
    return out


def provinces_found(gold: list[str], system: dict[str, Any]) -> list[bool]:
    names = {norm_province(f) for forms in _entity_forms(system, {"place"}) for f in forms} - {""}
    return [norm_province(g) in names for g in gold if g.strip()]


def gold_groups(target_group: list[str]) -> list[str]:
    return [code.strip() for item in target_group for code in item.split(";") if code.strip() not in SKIP_GROUPS]


def groups_found(gold: list[str], system: dict[str, Any]) -> list[bool]:
    names = {norm_group(f) for forms in _entity_forms(system, {"armed_group"}) for f in forms} - {""}
    return [bool(GROUP_ALIASES.get(code, {norm_group(code)}) & names) for code in gold_groups(gold)]


def _int(x: Any) -> int:
    try:
        return int(x)
    except (TypeError, ValueError):
        return 0


def load(source: GoldSource, limit: int | None = None) -> tuple[list[Item], list[dict[str, Any]]]:
    items, golds = [], []
    for lineno, rec in jsonl_records(source, limit):
        # ids repeat in this set (titles such as "[leader/facilitator]"), so the line number is the key
        items.append(Item(id=f"{source.name}:{lineno}", text=rec["text"], rows=True))
        golds.append({"line": lineno, "id": rec.get("id"), "item": f"{source.name}:{lineno}", **rec["gold"]})
    return items, golds


def score(golds: list[dict[str, Any]], outcomes: list[Outcome]) -> dict[str, Any]:
    empty: dict[str, Any] = {"claims": [], "entities": [], "document": {}}
    counts = {k: {"tp": 0, "fp": 0, "fn": 0, "exact": 0, "scored": 0} for k in ("killed", "captured")}
    dates = [0, 0]
    prov: list[bool] = []
    groups: list[bool] = []
    for g, o in zip(golds, outcomes, strict=True):
        system = o.json if o.ok else empty
        for key, got in (("killed", system_killed(system)), ("captured", system_captured(system))):
            want = _int(g.get(f"min_{key}"))
            c = counts[key]
            c["tp"] += got > 0 and want > 0
            c["fp"] += got > 0 and want == 0
            c["fn"] += got == 0 and want > 0
            if got > 0 or want > 0:
                c["scored"] += 1
                c["exact"] += got == want
        if g.get("start_date"):
            dates[1] += 1
            dates[0] += system_date(system) == g["start_date"]
        prov += provinces_found(g.get("province") or [], system)
        groups += groups_found(g.get("target_group") or [], system)
    k, c = counts["killed"], counts["captured"]
    metrics = {
        "killed_presence": m_prf_counts("killed: presence (count > 0)", k["tp"], k["fp"], k["fn"]),
        "killed_exact": m_ratio("killed: exact count", k["exact"], k["scored"]),
        "captured_presence": m_prf_counts("captured: presence (count > 0)", c["tp"], c["fp"], c["fn"]),
        "captured_exact": m_ratio("captured: exact count", c["exact"], c["scored"]),
        "event_date": m_ratio("event date: exact", dates[0], dates[1]),
        "province": m_ratio("province found", sum(prov), len(prov)),
        "armed_group": m_ratio("armed group found", sum(groups), len(groups)),
    }
    joined, n_groups, examples = separate_operations(golds, outcomes)
    metrics["separate_operations"] = m_ratio("disagreements joining different operations (lower is better)",
                                             joined, n_groups)
    return {"metrics": metrics, "separate_operations": examples}


def _operation(g: dict[str, Any]) -> tuple[str, frozenset[str]]:
    return (g.get("start_date") or "", frozenset(norm_province(p) for p in g.get("province") or [] if p.strip()))


def different_operations(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two releases' gold describe different operations: other days, or provinces with none in common."""
    (da, pa), (db, pb) = _operation(a), _operation(b)
    return bool(da and db and da != db) or bool(pa and pb and not pa & pb)


def separate_operations(golds: list[dict[str, Any]], outcomes: list[Outcome]) -> tuple[int, int, list[str]]:
    """(disagreements joining different operations, reported disagreements, up to 10 labels of the former)."""
    from claimgraph.evaluate.realnews import knowledge_base_groups

    by_item = {g["item"]: g for g in golds if "item" in g}
    groups, _ = knowledge_base_groups(outcomes)
    joined, examples = 0, []
    for grp in groups:
        records = [by_item[v["document"]["source"]] for v in grp["values"] if v["document"]["source"] in by_item]
        if any(different_operations(a, b) for i, a in enumerate(records) for b in records[i + 1:]):
            joined += 1
            if len(examples) < 10:
                examples.append(grp["label"] + ": " + ", ".join(f"{v['value']:g}" for v in grp["values"]))
    return joined, len(groups), examples
