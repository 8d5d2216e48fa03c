"""The actor network's edges: one row per (subject, predicate, object) of the latest versions' claims that are
not negated, with how many claims and documents report it and its first and last day.

The edges are summed in the database, never over every claim in Python. The grouping keeps them in the table
`network_edges` (0010_network): a full regroup rebuilds it, an incremental one re-sums only the edges the new
documents' claims (and the versions they replace) have, so `KnowledgeBase.network()` without a date or actor
filter reads the most reported edges off an index instead of summing a million claims. With a filter it sums
the claims the filter keeps (`edge_select`), which is the same sum over fewer claims.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa

from claimgraph.store import schema as t
from claimgraph.store.loader import _chunks


def day_column() -> sa.ColumnElement:
    """An edge's day for one claim: the claim's time, else its document's date (ISO text, as published)."""
    return sa.func.coalesce(sa.cast(t.claims.c.time_start, sa.String), t.documents.c.published).label("day")


def edge_select(claims: sa.Subquery, min_sources: int = 1) -> sa.Select:
    """The edges of `claims` (a subquery with id, predicate, document_id and day): id, source, predicate,
    target, claims, sources, first, last; an entity is never its own edge's other end."""
    ce = t.claim_entities
    subj, obj = ce.alias("subj"), ce.alias("obj")
    sources = sa.func.count(sa.distinct(claims.c.document_id))
    query = (
        sa.select((subj.c.entity_id + "|" + claims.c.predicate + "|" + obj.c.entity_id).label("id"),
                  subj.c.entity_id.label("source"), claims.c.predicate, obj.c.entity_id.label("target"),
                  sa.func.count(sa.distinct(claims.c.id)).label("claims"), sources.label("sources"),
                  sa.func.min(claims.c.day).label("first"), sa.func.max(claims.c.day).label("last"))
        .select_from(claims.join(subj, sa.and_(subj.c.claim_id == claims.c.id, subj.c.role == "subject"))
                     .join(obj, sa.and_(obj.c.claim_id == claims.c.id, obj.c.role == "object")))
        .where(subj.c.entity_id != obj.c.entity_id)
        .group_by(subj.c.entity_id, claims.c.predicate, obj.c.entity_id))
    return query.having(sources >= min_sources) if min_sources > 1 else query


def _latest_claims(where: Iterable[sa.ColumnElement] = ()) -> sa.Subquery:
    c, d = t.claims, t.documents
    return (sa.select(c.c.id, c.c.predicate, c.c.document_id, day_column())
            .select_from(c.join(d, d.c.id == c.c.document_id))
            .where(d.c.is_latest, sa.not_(c.c.negated), *where).subquery("edge_claims"))


#: kb_info key: how many edges `network_edges` keeps of each predicate, as JSON ({"ASSAULT": 46780, ...}),
#: written with the edges (rebuild, refresh). The network page of one predicate says how many edges it has:
#: counted off the index, 5-14 ms of its 50 at a million claims.
EDGE_COUNTS_KEY = "network_edges_by_predicate"


def rebuild(conn: sa.Connection) -> int:
    """Sum every edge again into `network_edges` (inside the regroup's transaction). Returns the edges."""
    ne = t.network_edges
    conn.execute(sa.delete(ne))
    conn.execute(sa.insert(ne).from_select(_COLUMNS, edge_select(_latest_claims())))
    _count_predicates(conn)
    return conn.scalar(sa.select(sa.func.count()).select_from(ne))


def _count_predicates(conn: sa.Connection, predicates: set[str] | None = None) -> None:
    """Count the kept edges of `predicates` (None: of all) again into kb_info's EDGE_COUNTS_KEY."""
    ne, info = t.network_edges, t.kb_info
    counts = edge_counts(conn) if predicates is not None else None
    query = sa.select(ne.c.predicate, sa.func.count()).group_by(ne.c.predicate)
    if counts is None:  # all of them (also when none were kept before: a base grouped before they were)
        counts = {}
    else:
        query = query.where(ne.c.predicate.in_(sorted(predicates)))
        counts = {p: n for p, n in counts.items() if p not in predicates}
    counts.update({p: n for p, n in conn.execute(query).all()})
    conn.execute(sa.delete(info).where(info.c.key == EDGE_COUNTS_KEY))
    conn.execute(sa.insert(info).values(key=EDGE_COUNTS_KEY, value=json.dumps(counts, sort_keys=True)))


def edge_counts(conn: sa.Connection) -> dict[str, int] | None:
    """The kept edges of each predicate, as the grouping last wrote them (None: never written). Check them
    against the kept total before use (`KnowledgeBase._kept_edges`): a write to `network_edges` other than
    rebuild and refresh (the tables cleared by a deletion) does not update them."""
    stored = conn.scalar(sa.select(t.kb_info.c.value).where(t.kb_info.c.key == EDGE_COUNTS_KEY))
    return json.loads(stored) if stored is not None else None


def refresh(conn: sa.Connection, edges: set[tuple[str, str, str]]) -> None:
    """Sum again the `edges` (source, predicate, target) that changed claims have: their rows are replaced
    by the sums over the current latest claims (an edge no claim has any more disappears)."""
    if not edges:
        return
    ne, ce = t.network_edges, t.claim_entities
    for chunk in _chunks(sorted(edges)):
        conn.execute(sa.delete(ne).where(ne.c.id.in_(["|".join(edge) for edge in chunk])))
        sources = sorted({s for s, _, _ in chunk})
        # the claims of the chunk's subjects (found along claim_entities' entity index), then their edges
        named = sa.select(ce.c.claim_id).where(ce.c.entity_id.in_(sources), ce.c.role == "subject")
        claims = _latest_claims([t.claims.c.id.in_(named), t.claims.c.predicate.in_(sorted({p for _, p, _ in chunk}))])
        wanted = set(chunk)
        rows = [tuple(r) for r in conn.execute(edge_select(claims)) if (r.source, r.predicate, r.target) in wanted]
        if rows:
            conn.execute(sa.insert(ne), [dict(zip(_COLUMNS, r, strict=True)) for r in rows])
    _count_predicates(conn, {p for _, p, _ in edges})


def claim_edges(subjects: Iterable[str], predicate: str, objects: Iterable[str]) -> set[tuple[str, str, str]]:
    """The edges one claim contributes to."""
    objs = list(dict.fromkeys(objects))
    return {(s, predicate, o) for s in dict.fromkeys(subjects) for o in objs if s != o}


_COLUMNS = ("id", "source", "predicate", "target", "claims", "sources", "first", "last")
