"""PLOVER gold standard records (`plover-*.jsonl`): event type, source and target actors.

Definitions (docs/metrics.md has them with examples):

- gold event: the record's `event`, older names mapped to PLOVER 0.8 (OLD_EVENTS: FIGHT -> ASSAULT).
  A system predicate is compared upper-cased, without a '/mode' suffix.
- event among claims: over all records, the gold event equals the predicate of some system claim.
- event, first claim: over all records, the gold event equals the predicate of the system's first claim
  (list order).
- source / target country: over records whose gold source (resp. target) list holds an actor with a country
  code (ISO 3166-1 alpha-3; the gold's JAP read as JPN; IGO, NGO, IMG... are not countries and not scored).
  Matched when some claim's subject (resp. object) ids resolve to an entity whose `country` or `id` is one
  of those codes.
- source / target sector: over records whose gold actor list holds an actor whose `sector` (first three
  letters, e.g. REBkur -> REB) is in SECTOR_TYPES. Matched when some claim's subject (resp. object) ids
  resolve to an entity that acts in one of the sector's types there: its `type`, its `sector` (a person's
  title: "President X" -> government), or the `facet` of one of its mentions inside the claim's evidence
  ("the Israeli army" -> Israel, facet military: the state acting through its military).

A record whose processing failed scores as an empty system output.
"""

from __future__ import annotations

from typing import Any

from claimgraph.evaluate.detect import GoldSource, jsonl_records
from claimgraph.evaluate.metrics import m_ratio
from claimgraph.evaluate.run import Item, Outcome

#: Event names of older PLOVER versions used in the gold standard records, as PLOVER 0.8 names them.
OLD_EVENTS = {"FIGHT": "ASSAULT"}

#: Gold codes that are actor kinds, not countries.
NOT_COUNTRIES = {"IGO", "NGO", "IMG", "MNC", "UNO", "EUR", "AFR", "ASA", "MEA", "WST"}
#: Misspelt country codes in the gold, read as the ISO code.
CODE_FIXES = {"JAP": "JPN"}

#: PLOVER/CAMEO sector codes -> our entity types that can stand for them.
SECTOR_TYPES: dict[str, set[str]] = {
    "GOV": {"government", "state"},
    "LEG": {"government", "political_org"},
    "ELI": {"person", "government"},
    "MIL": {"military"},
    "COP": {"police", "military", "agency"},
    "SPY": {"agency"},
    "REB": {"armed_group"},
    "INS": {"armed_group"},
    "UAF": {"armed_group"},
    "OPP": {"political_org", "armed_group"},
    "CRM": {"armed_group", "organization"},
    "CVL": {"population"},
    "REF": {"population"},
    "EDU": {"organization", "population"},
    "LAB": {"organization", "population"},
    "MED": {"organization", "population"},
    "JRN": {"organization", "population", "person"},
    "AGR": {"organization", "population"},
    "REL": {"organization", "population"},
    "BUS": {"organization"},
    "MOS": {"organization", "population"},
}


def gold_event(event: str) -> str:
    e = (event or "").strip().upper()
    return OLD_EVENTS.get(e, e)


def predicate_of(claim: dict[str, Any]) -> str:
    return str(claim.get("predicate") or "").upper().split("/")[0].strip()


def _actors(side: Any) -> list[dict[str, Any]]:
    return [a for a in side if isinstance(a, dict)] if isinstance(side, list) else []


def gold_countries(side: Any) -> set[str]:
    out = set()
    for a in _actors(side):
        code = str(a.get("code") or "").strip().upper()
        code = CODE_FIXES.get(code, code)
        if len(code) == 3 and code.isalpha() and code not in NOT_COUNTRIES:
            out.add(code)
    return out


def gold_sectors(side: Any) -> set[str]:
    return {s for a in _actors(side) if (s := str(a.get("sector") or "")[:3].upper()) in SECTOR_TYPES}


def _side_entities(system: dict[str, Any], field: str) -> list[dict[str, Any]]:
    return [e for e, _ in _side_roles(system, field)]


def _side_roles(system: dict[str, Any], field: str) -> list[tuple[dict[str, Any], set[str]]]:
    """(entity, the types it acts as in the claim) for every entity on one side of every claim: its type, its
    sector, and the facets of its mentions within the claim's evidence."""
    by_id = {e.get("id"): e for e in system.get("entities", [])}
    out = []
    for c in system.get("claims", []):
        ids = c.get(field) or []
        ev = c.get("evidence") or {}
        lo, hi = ev.get("start", 0), ev.get("end", 0)
        for i in ids if isinstance(ids, list) else [ids]:
            if i in by_id:
                e = by_id[i]
                acts = {e.get("type"), e.get("sector")} | {
                    m.get("facet") for m in e.get("mentions", [])
                    if lo <= m.get("start", -1) and m.get("end", hi + 1) <= hi}
                out.append((e, {a for a in acts if a}))
    return out


def country_match(codes: set[str], entities: list[dict[str, Any]]) -> bool:
    return any(e.get("country") in codes or e.get("id") in codes for e in entities)


def sector_match(sectors: set[str], roles: list[tuple[dict[str, Any], set[str]]]) -> bool:
    types = set().union(*(SECTOR_TYPES[s] for s in sectors)) if sectors else set()
    return any(acts & types for _, acts in roles)


def load(source: GoldSource, limit: int | None = None) -> tuple[list[Item], list[dict[str, Any]]]:
    items, golds = [], []
    for lineno, rec in jsonl_records(source, limit):
        items.append(Item(id=f"{source.name}:{lineno}", text=rec["text"]))
        golds.append({"line": lineno, "id": rec.get("id"), "event": rec.get("event"),
                      "source": rec.get("source"), "target": rec.get("target")})
    return items, golds


def score(golds: list[dict[str, Any]], outcomes: list[Outcome]) -> dict[str, Any]:
    empty: dict[str, Any] = {"claims": [], "entities": []}
    among = first = 0
    side = {k: [0, 0] for k in ("source_country", "source_sector", "target_country", "target_sector")}
    for g, o in zip(golds, outcomes, strict=True):
        system = o.json if o.ok else empty
        want = gold_event(g.get("event") or "")
        preds = [predicate_of(c) for c in system.get("claims", [])]
        among += want in preds
        first += bool(preds) and preds[0] == want
        for gold_side, field in (("source", "subject"), ("target", "object")):
            roles = _side_roles(system, field)
            ents = [e for e, _ in roles]
            codes, sectors = gold_countries(g.get(gold_side)), gold_sectors(g.get(gold_side))
            if codes:
                side[f"{gold_side}_country"][1] += 1
                side[f"{gold_side}_country"][0] += country_match(codes, ents)
            if sectors:
                side[f"{gold_side}_sector"][1] += 1
                side[f"{gold_side}_sector"][0] += sector_match(sectors, roles)
    n = len(golds)
    metrics = {
        "event_among_claims": m_ratio("event type among claims", among, n),
        "event_first_claim": m_ratio("event type of first claim", first, n),
        "source_country": m_ratio("source actor: country", *side["source_country"]),
        "source_sector": m_ratio("source actor: sector", *side["source_sector"]),
        "target_country": m_ratio("target actor: country", *side["target_country"]),
        "target_sector": m_ratio("target actor: sector", *side["target_sector"]),
    }
    return {"metrics": metrics}
