"""re3d (dstl/re3d) folders: entity precision/recall/F1 by type, untyped span overlap, relation recall.

Each folder holds `documents.json` (`_id`, `text`), `entities.json` (`documentId`, `begin`, `end`, `type`,
`value`, `confidence`) and `relations.json` (`documentId`, `type`, `sourceBegin`, `sourceEnd`,
`targetBegin`, `targetEnd`, `begin`/`end` of the relation's words, `confidence`), all JSON Lines with a
byte-order mark. Only items with confidence >= MIN_CONFIDENCE are gold; identical items (same document,
span and type) count once.

The reader may change white space (it collapses line breaks), so system offsets are first mapped back onto
the gold text: non-white-space characters are aligned (exactly when the two texts differ only in white
space, else by difflib's longest matching blocks) and a system span maps to the gold span from its first
to its last aligned character. A span with no aligned character is dropped.

Definitions (docs/metrics.md has them with examples):

- typed entities: the gold types ENTITY_TYPES map onto our entity types. A system mention (each mention of
  each entity) is correct when it overlaps a gold entity whose type maps to the mention's type; it then
  counts for that gold type (the mention type's HOME type first when several fit), else it is a false
  positive of its HOME type. Mentions of types that map to no gold type (e.g. 'other') are not scored.
  precision(T) = correct mentions counted for T / mentions counted for T;
  recall(T) = gold entities of T overlapped by a mention whose type maps to T / gold entities of T.
  'all types' sums the counts of the four types.
- untyped: gold = entities of the four types; precision = system mentions (any type) overlapping a gold
  entity / system mentions; recall = gold entities overlapped by any system mention / gold entities.
- relations: gold relations of the types in RELATION_PREDICATES. Found when a system claim with a predicate
  in the mapped set has a subject mention overlapping the gold source span and an object mention
  overlapping the gold target span, or the other way round. A claim's subject (object) mentions are the
  mentions of its subject (object) entities that overlap the claim's evidence span (all their mentions
  when the claim has no evidence span). Recall per type, over all three, and over FightingAgainst and AlliesOf
  together. Relation precision: of the claims with a mapped predicate and both sides in the gold text, those
  that find a gold relation of their type (`relation_claims`).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claimgraph.evaluate.detect import GoldSource
from claimgraph.evaluate.metrics import Span, any_overlap, m_prf, m_ratio, overlaps
from claimgraph.evaluate.run import Item, Outcome

MIN_CONFIDENCE = 0.5

#: re3d entity type -> our entity types that can realise it.
# re3d's Organisation is "a named or unnamed group of people", which takes in a state acting as a polity
# ("France said", "the UK supports") and groups of people ("Syrians", "civilians"): so a state or a population
# mention may realise it, as a state may realise a Location and a population a Nationality.
#: A population mention named by a common noun or pronoun, not a demonym (see `system_mentions`).
GROUP = "population:group"
#: Mention `how`s that do not name a people (a common-noun phrase, a pronoun): such a population mention
#: cannot be a re3d Nationality; a demonym or a people's name from the gazetteer can.
GROUP_HOWS = frozenset({"common", "pronoun"})
ENTITY_TYPES: dict[str, set[str]] = {
    "Organisation": {"organization", "government", "military", "agency", "armed_group", "political_org", "state",
                     "population", GROUP},
    "Person": {"person"},
    "Location": {"place", "state", "border", "infrastructure"},
    "Nationality": {"population", "state"},  # a demonym mention ("Syrian") links to the state or a people
}
#: Our entity type -> the re3d type its false positives count against.
HOME: dict[str, str] = {
    t: gold for gold, ours in ENTITY_TYPES.items() for t in ours if t not in ("state", "population")
}
HOME["state"] = "Location"
HOME["population"] = "Nationality"
# a group of people named by a common noun ("civilians") is not a nationality: re3d annotates such groups as
# Organisation ("a named or unnamed group of people"), so its false positives count there
HOME[GROUP] = "Organisation"

#: re3d relation type -> our predicates that express it.
RELATION_PREDICATES: dict[str, set[str]] = {
    "FightingAgainst": {"ASSAULT", "HOSTILE_TO", "COERCE", "THREATEN"},
    "AlliesOf": {"ALLIED_WITH", "COOPERATE", "SUPPORT", "AID", "AGREE"},
    "BelongsTo": {"MEMBER_OF", "LEADS"},
}


ClaimSides = tuple[str, list[Span], list[Span]]
Mapper = Callable[[int, int], Span | None]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """JSON Lines, with or without a UTF-8 byte-order mark."""
    with path.open(encoding="utf-8-sig") as f:
        return [json.loads(line) for line in f if line.strip()]


# ------------------------------------------------------------------------------------------- alignment


def _nonspace(text: str) -> tuple[str, list[int]]:
    pos = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in pos), pos


def offset_mapper(system_text: str, gold_text: str) -> Mapper:
    """A function mapping a span of `system_text` onto `gold_text` (None when nothing of it aligns)."""
    if system_text == gold_text:
        return lambda s, e: (s, e) if s < e else None
    a, apos = _nonspace(system_text)
    b, bpos = _nonspace(gold_text)
    to_gold: list[int | None] = [None] * len(a)
    if a == b:
        to_gold = list(bpos)
    else:
        for blk in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            for k in range(blk.size):
                to_gold[blk.a + k] = bpos[blk.b + k]
    # system char offset -> index among its non-space chars
    rank = {p: k for k, p in enumerate(apos)}

    def mapped(start: int, end: int) -> Span | None:
        hits = [to_gold[rank[p]] for p in range(max(start, 0), min(end, len(system_text))) if p in rank]
        hits = [h for h in hits if h is not None]
        return (min(hits), max(hits) + 1) if hits else None

    return mapped


# ------------------------------------------------------------------------------------------- scoring


def system_mentions(system: dict[str, Any], to_gold: Mapper) -> list[tuple[Span, str]]:
    """(span in gold text, type) of every mention of every system entity. A mention of a state through one of
    its organs ("Iraqi security forces": facet military) has that organ's type. A population mention by a
    common noun or pronoun ("civilians", "the refugees", "they") is a GROUP of people: re3d's Nationality is a
    demonym ("Iraqi", "Syrian"), and its Organisation takes in unnamed groups of people."""
    out = []
    for e in system.get("entities", []):
        for m in e.get("mentions", []):
            sp = to_gold(m["start"], m["end"])
            if sp:
                mtype = m.get("facet") or e.get("type") or "other"
                if mtype == "population" and m.get("how") in GROUP_HOWS:
                    mtype = GROUP
                out.append((sp, mtype))
    return out


def score_entities(gold: list[tuple[Span, str]], mentions: list[tuple[Span, str]]) -> dict[str, list[int]]:
    """Counts per re3d type and for 'untyped': [matched_sys, n_sys, matched_gold, n_gold]."""
    c = {t: [0, 0, 0, 0] for t in [*ENTITY_TYPES, "untyped"]}
    for t in ENTITY_TYPES:
        spans = [sp for sp, gt in gold if gt == t]
        c[t][3] = len(spans)
        c[t][2] = sum(any(overlaps(sp, m) and mt in ENTITY_TYPES[t] for m, mt in mentions) for sp in spans)
    for m, mt in mentions:
        if mt not in HOME:
            continue
        fits = [gt for sp, gt in gold if overlaps(sp, m) and mt in ENTITY_TYPES[gt]]
        if fits:
            t = HOME[mt] if HOME[mt] in fits else fits[0]
            c[t][0] += 1
            c[t][1] += 1
        else:
            c[HOME[mt]][1] += 1
    gold_spans = [sp for sp, _ in gold]
    c["untyped"] = [sum(any_overlap(m, gold_spans) for m, _ in mentions), len(mentions),
                    sum(any_overlap(sp, [m for m, _ in mentions]) for sp in gold_spans), len(gold_spans)]
    return c


def claim_sides(system: dict[str, Any], to_gold: Mapper) -> list[ClaimSides]:
    """(predicate, subject mention spans, object mention spans) of every claim, in gold-text offsets."""
    mentions = {e.get("id"): [(m["start"], m["end"]) for m in e.get("mentions", [])]
                for e in system.get("entities", [])}
    out = []
    for c in system.get("claims", []):
        ev = c.get("evidence") or {}
        window = (ev["start"], ev["end"]) if "start" in ev and "end" in ev else None

        def spans(ids: Any, window: Span | None = window) -> list[Span]:
            got = []
            for i in ids if isinstance(ids, list) else [ids]:
                for sp in mentions.get(i, []):
                    if window is None or overlaps(sp, window):
                        g = to_gold(*sp)
                        if g:
                            got.append(g)
            return got

        pred = str(c.get("predicate") or "").upper().split("/")[0].strip()
        out.append((pred, spans(c.get("subject") or []), spans(c.get("object") or [])))
    return out


def relation_found(rel: tuple[str, Span, Span], claims: list[ClaimSides]) -> bool:
    rtype, src, tgt = rel
    preds = RELATION_PREDICATES[rtype]
    for pred, subj, obj in claims:
        if pred not in preds:
            continue
        if (any_overlap(src, subj) and any_overlap(tgt, obj)) or (any_overlap(tgt, subj) and any_overlap(src, obj)):
            return True
    return False


def relation_claims(rels: list[tuple[str, Span, Span]], claims: list[ClaimSides]) -> dict[str, list[int]]:
    """Relation precision counts per re3d type: [right, predicted]. A claim predicts a relation of type T when
    its predicate is in T's mapped set and it has a subject and an object mention in the gold text; it is
    right when it finds a gold relation of T (`relation_found` with that claim alone)."""
    out = {t: [0, 0] for t in RELATION_PREDICATES}
    for claim in claims:
        pred, subj, obj = claim
        rtype = next((t for t, preds in RELATION_PREDICATES.items() if pred in preds), None)
        if rtype is None or not subj or not obj:
            continue
        out[rtype][1] += 1
        out[rtype][0] += any(r[0] == rtype and relation_found(r, [claim]) for r in rels)
    return out


def load(source: GoldSource, limit: int | None = None) -> tuple[list[Item], list[dict[str, Any]]]:
    items, golds = [], []
    for folder in source.files:
        docs = read_jsonl(folder / "documents.json")
        ents = [e for e in read_jsonl(folder / "entities.json") if float(e.get("confidence", 0)) >= MIN_CONFIDENCE]
        rels = [r for r in read_jsonl(folder / "relations.json") if float(r.get("confidence", 0)) >= MIN_CONFIDENCE]
        for d in docs:
            if limit is not None and len(items) >= limit:
                return items, golds
            did = d["_id"]
            gold_ents = sorted({((e["begin"], e["end"]), e["type"]) for e in ents
                                if e["documentId"] == did and e["type"] in ENTITY_TYPES})
            gold_rels = sorted({(r["type"], (r["sourceBegin"], r["sourceEnd"]), (r["targetBegin"], r["targetEnd"]))
                                for r in rels if r["documentId"] == did and r["type"] in RELATION_PREDICATES})
            items.append(Item(id=f"{folder.name}:{did}", text=d["text"]))
            golds.append({"text": d["text"], "entities": gold_ents, "relations": gold_rels})
    return items, golds


def score(golds: list[dict[str, Any]], outcomes: list[Outcome]) -> dict[str, Any]:
    ent = {t: [0, 0, 0, 0] for t in [*ENTITY_TYPES, "untyped"]}
    rel = {t: [0, 0] for t in RELATION_PREDICATES}
    made = {t: [0, 0] for t in RELATION_PREDICATES}  # relation precision: [right, predicted] claims
    for g, o in zip(golds, outcomes, strict=True):
        system = o.json if o.ok else {"entities": [], "claims": []}
        text = (system.get("document") or {}).get("text") or g["text"]
        to_gold = offset_mapper(text, g["text"])
        for t, counts in score_entities(g["entities"], system_mentions(system, to_gold)).items():
            ent[t] = [x + y for x, y in zip(ent[t], counts, strict=True)]
        claims = claim_sides(system, to_gold)
        for r in g["relations"]:
            rel[r[0]][1] += 1
            rel[r[0]][0] += relation_found(r, claims)
        for t, (right, n) in relation_claims(g["relations"], claims).items():
            made[t] = [made[t][0] + right, made[t][1] + n]
    all_types = [sum(ent[t][k] for t in ENTITY_TYPES) for k in range(4)]
    metrics: dict[str, Any] = {f"entity_{t.lower()}": m_prf(f"entities: {t}", *ent[t]) for t in ENTITY_TYPES}
    metrics["entity_all_types"] = m_prf("entities: all four types", *all_types)
    metrics["entity_untyped"] = m_prf("entities: untyped span overlap", *ent["untyped"])
    for t, (found, n) in rel.items():
        metrics[f"relation_{t}"] = m_ratio(f"relation recall: {t}", found, n)
    metrics["relation_all"] = m_ratio("relation recall: all three", sum(v[0] for v in rel.values()),
                                      sum(v[1] for v in rel.values()))
    # issue 12's figure: FightingAgainst and AlliesOf together, found (recall) and right (precision)
    fa = ("FightingAgainst", "AlliesOf")
    metrics["relation_fighting_allies"] = m_ratio("relation recall: FightingAgainst + AlliesOf",
                                                  sum(rel[t][0] for t in fa), sum(rel[t][1] for t in fa))
    for t, (right, n) in made.items():
        metrics[f"relation_precision_{t}"] = m_ratio(f"relation precision: {t}", right, n)
    metrics["relation_precision_fighting_allies"] = m_ratio(
        "relation precision: FightingAgainst + AlliesOf", sum(made[t][0] for t in fa), sum(made[t][1] for t in fa))
    return {"metrics": metrics}
