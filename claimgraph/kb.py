"""Questions to the knowledge base: the Python API the `actors`, `claims`, `timeline` and `disagreements`
commands are thin over.

    from claimgraph.kb import KnowledgeBase
    with KnowledgeBase("claimgraph.db") as kb:          # None: CLAIMGRAPH_DB, else ./claimgraph.db
        kb.actors(limit=10)
        kb.claims(actor="TTP", predicate="ASSAULT", since="2024")
        kb.timeline("PAK", with_="AFG")
        kb.disagreements()
        kb.search("truce")

Every answer is a list of plain dicts (JSON-ready: dates as ISO strings), sorted in Python by explicit keys so
that SQLite and PostgreSQL give identical answers. Actors are named by id ("TTP"), name or any alias seen
("Tehreek-e-Taliban"), case-insensitively. Only the newest version of each source is asked unless
`all_versions=True`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from claimgraph.entities.gazetteer import fold
from claimgraph.errors import QueryError
from claimgraph.records import PartialDate
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.loader import CLAIM_SPAN_KEY

#: Entity types that act (the `actors` command lists these unless asked for others).
ACTOR_TYPES = ("state", "government", "military", "agency", "armed_group", "political_org", "organization",
               "person", "population")
ENTITY_TYPES = (*ACTOR_TYPES, "place", "border", "infrastructure", "other")
MODALITIES = ("asserted", "reported", "quoted", "speculative", "opinion")
_CHUNK = 500
#: Claims of one entity up to which kb.claims() fetches them by id rather than walking the time-order index
#: (calibrated on the 434k-claim bench_kb base: 10,000 ids fetch and sort in tens of ms; SQLite binds up to
#: 32,766 parameters, PostgreSQL 65,535).
FEW_CLAIMS = 10_000


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def parse_date(value: str | None, end: bool = False) -> dt.date | None:
    """'2024' / '2024-03' / '2024-03-05' as the first (or, with end, the last) day it covers."""
    if value is None or value == "":
        return None
    try:
        d = PartialDate.from_iso(value)
    except ValueError:
        raise QueryError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return d.last_day() if end else d.first_day()


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(values), size):
        yield values[i: i + size]


def _sort_date(value: str | None) -> tuple[int, str]:
    return (0, value) if value else (1, "")


class KnowledgeBase:
    """Questions over an open knowledge base (a `Store`, or a URL/path to open one)."""

    def __init__(self, db: Store | str | None = None) -> None:
        self._owns = not isinstance(db, Store)
        self.store = db if isinstance(db, Store) else Store(db)
        self.engine = self.store.engine
        self.store.ensure_grouped()

    def close(self) -> None:
        if self._owns:
            self.store.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _text(self, column):
        """A text column compared by code point on both databases (PostgreSQL's default collation may not)."""
        return column.collate("C") if self.store.dialect == "postgresql" else column

    # -- entities --------------------------------------------------------------------------------------------

    def resolve(self, term: str) -> list[str]:
        """Entity ids a user's word names: an id, a name or an alias (case- and diacritic-insensitive).
        Raises QueryError when nothing matches."""
        e, a = t.entities, t.entity_aliases
        with self.engine.connect() as conn:
            if conn.scalar(sa.select(e.c.id).where(e.c.id == term)) is not None:
                return [term]
            low = term.strip().lower()
            ids = set(conn.scalars(sa.select(e.c.id).where(sa.or_(sa.func.lower(e.c.id) == low,
                                                                      sa.func.lower(e.c.name) == low))))
            ids |= set(conn.scalars(sa.select(a.c.entity_id).where(sa.func.lower(a.c.alias) == low)))
            if not ids:  # diacritics, hyphens, spacing: compare folded names (one pass over names and aliases)
                key = fold(term)
                ids = {eid for eid, name in conn.execute(sa.select(e.c.id, e.c.name)) if fold(name) == key}
                ids |= {eid for eid, alias in conn.execute(sa.select(a.c.entity_id, a.c.alias))
                        if fold(alias) == key}
        if not ids:
            raise QueryError(f"no entity is named {term!r} in the knowledge base")
        return sorted(ids)

    def _names(self, conn: sa.Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = sorted(set(ids))
        out: dict[str, dict[str, Any]] = {}
        e = t.entities
        for chunk in _chunks(ids):
            for row in conn.execute(sa.select(e.c.id, e.c.name, e.c.type).where(e.c.id.in_(chunk))):
                out[row.id] = {"id": row.id, "name": row.name, "type": row.type}
        return out

    def actors(self, types: Sequence[str] | None = ACTOR_TYPES, limit: int | None = None,
               min_documents: int = 1) -> list[dict[str, Any]]:
        """Entities (of `types`; None: every type) with their counts and their most frequent names, the most
        widely reported first."""
        e, a = t.entities, t.entity_aliases
        query = sa.select(e).where(e.c.document_count >= min_documents)
        if types:
            query = query.where(e.c.type.in_(list(types)))
        query = query.order_by(e.c.document_count.desc(), e.c.mention_count.desc(), self._text(e.c.id))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            aliases: dict[str, list[tuple[str, int]]] = defaultdict(list)
            for chunk in _chunks(ids):
                for eid, alias, n in conn.execute(sa.select(a.c.entity_id, a.c.alias, a.c.mention_count)
                                                  .where(a.c.entity_id.in_(chunk))):
                    aliases[eid].append((alias, n))
        return [{
            "id": r.id, "name": r.name, "type": r.type, "wikidata": r.wikidata, "country": r.country,
            "local": bool(r.is_local), "mentions": r.mention_count, "documents": r.document_count,
            # kept on the entity by the writer (0006_scale): counting claim_entities per question is too slow
            "claims_as_subject": r.subject_claims, "claims_as_object": r.object_claims,
            "aliases": [{"alias": al, "count": n} for al, n in sorted(aliases[r.id], key=lambda x: (-x[1], x[0]))],
        } for r in rows]

    # -- claims ----------------------------------------------------------------------------------------------

    def claims(self, actor: str | None = None, predicate: str | None = None, since: str | None = None,
               until: str | None = None, place: str | None = None, modality: str | None = None,
               source: str | None = None, limit: int | None = None,
               all_versions: bool = False) -> list[dict[str, Any]]:
        """Claims matching every filter given, in time order (the claim's time, else its document's date).

        actor: as subject or object. predicate: a PLOVER type or relation (case-insensitive). since/until: ISO
        dates; a claim matches when its time (else its document's date) overlaps. place: an entity named as the
        claim's place. modality: asserted, reported, quoted, speculative or opinion. source: a document id, or
        a piece of its path/URL, title or outlet.
        """
        c, d, ce = t.claims, t.documents, t.claim_entities
        # The page's claim ids first, from claims alone: documents are asked per claim (EXISTS), not joined —
        # a join makes SQLite scan the whole documents table (texts and all) for a Bloom filter first (0.3 s
        # for 46,000 documents, against 0.1 ms for a page read off the claims index).
        query = sa.select(c.c.id)
        if not all_versions:
            query = query.where(sa.exists(sa.select(d.c.id).where(d.c.id == c.c.document_id, d.c.is_latest)))
        named = []
        if actor:
            named.append(sa.select(ce.c.claim_id).where(ce.c.entity_id.in_(self.resolve(actor)),
                                                        ce.c.role.in_(["subject", "object"])))
        if place:
            named.append(sa.select(ce.c.claim_id).where(ce.c.entity_id.in_(self.resolve(place)),
                                                        ce.c.role == "place"))
        with self.engine.connect() as conn:
            for members in named:
                few = self._few(conn, members)
                query = query.where(c.c.id.in_(few) if few is not None else
                                    sa.exists(members.where(ce.c.claim_id == c.c.id)))
        if predicate:
            query = query.where(c.c.predicate == predicate.strip().upper())
        if modality:
            if modality.lower() not in MODALITIES:
                raise QueryError(f"unknown modality {modality!r} (one of {', '.join(MODALITIES)})")
            query = query.where(c.c.modality == modality.lower())
        if source:
            like = f"%{source.lower()}%"
            query = query.where(c.c.document_id.in_(sa.select(d.c.id).where(sa.or_(
                d.c.id == source, *(sa.func.lower(col).like(like) for col in
                                    (d.c.source, d.c.title, d.c.outlet, d.c.url))))))
        lo, hi = parse_date(since), parse_date(until, end=True)
        # first_day/last_day: the claim's time, else its document's date (kept on the claim, 0006_scale)
        if lo:
            query = query.where(c.c.last_day >= lo)
            span = self.store.info(CLAIM_SPAN_KEY)
            if span is not None:  # the same claims, bounded on the index's first_day: no claim spans longer
                query = query.where(c.c.first_day >= lo - dt.timedelta(days=int(span)))
        if hi:
            query = query.where(c.c.first_day <= hi)
        # in SQL, so that a page of a million claims is read off an index (ix_claims_..._first_day_...)
        query = query.order_by(c.c.undated, c.c.first_day, self._text(c.c.document_id), c.c.evidence_start,
                               self._text(c.c.key))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            ids = list(conn.scalars(query))
            rows = []
            for chunk in _chunks(ids):
                rows += conn.execute(sa.select(c, d.c.title, d.c.source, d.c.outlet, d.c.published,
                                               d.c.published_start, d.c.published_end)
                                     .join(d, d.c.id == c.c.document_id).where(c.c.id.in_(chunk))).all()
            position = {claim_id: i for i, claim_id in enumerate(ids)}
            rows.sort(key=lambda r: position[r.id])  # the order the index gave
            return self._claim_dicts(conn, rows)

    @staticmethod
    def _few(conn: sa.Connection, members: sa.Select) -> list[int] | None:
        """The claim ids of `members` when there are at most FEW_CLAIMS of them (read off the claim_entities
        index), else None. A rarely named entity's claims are then fetched and sorted (milliseconds); left as a
        subquery, the planner walks the whole time-order index looking for them (seconds on 400,000 claims).
        A frequent one is checked per claim (EXISTS) while walking that index: its first page is near the start.
        (Planners given `IN (subquery)` for a frequent one fetched and sorted all its claims: seconds.)"""
        ids = list(conn.scalars(members.limit(FEW_CLAIMS + 1)))
        return ids if len(ids) <= FEW_CLAIMS else None

    def _claim_dicts(self, conn: sa.Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
        ce, q, cc, s, ec, ev = (t.claim_entities, t.quantities, t.claim_citations, t.sentences, t.event_claims,
                                t.events)
        ids = [r.id for r in rows]
        roles: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        quantities: dict[int, list[dict]] = defaultdict(list)
        cites: dict[int, list[str]] = defaultdict(list)
        sentences: dict[int, str] = {}
        events: dict[int, str] = {}
        for chunk in _chunks(ids):
            for claim_id, role, eid in conn.execute(sa.select(ce.c.claim_id, ce.c.role, ce.c.entity_id)
                                                    .where(ce.c.claim_id.in_(chunk))
                                                    .order_by(ce.c.claim_id, ce.c.role, ce.c.position)):
                roles[claim_id][role].append(eid)
            for qr in conn.execute(sa.select(q).where(q.c.claim_id.in_(chunk)).order_by(q.c.claim_id, q.c.idx)):
                quantities[qr.claim_id].append({
                    "value": qr.value, "low": qr.low, "high": qr.high, "qualifier": qr.qualifier, "unit": qr.unit,
                    "what": qr.what, "whom": qr.whom, "vague": qr.vague, "text": qr.text,
                    "start": qr.char_start, "end": qr.char_end,
                    "restates": {"start": qr.restates_start, "end": qr.restates_end}
                    if qr.restates_start is not None else None})
            for claim_id, label in conn.execute(sa.select(cc.c.claim_id, cc.c.label).where(cc.c.claim_id.in_(chunk))
                                                .order_by(cc.c.claim_id, cc.c.position)):
                cites[claim_id].append(label)
            for claim_id, key in conn.execute(sa.select(ec.c.claim_id, ev.c.key).join(ev, ev.c.id == ec.c.event_id)
                                              .where(ec.c.claim_id.in_(chunk))):
                events[claim_id] = key
        sentence_ids = sorted({r.sentence_id for r in rows if r.sentence_id is not None})
        for chunk in _chunks(sentence_ids):
            sentences.update(conn.execute(sa.select(s.c.id, s.c.text).where(s.c.id.in_(chunk))).all())
        names = self._names(conn, (e for r in roles.values() for es in r.values() for e in es))

        def ents(eids: list[str]) -> list[dict[str, Any]]:
            return [names.get(e, {"id": e, "name": e, "type": "other"}) for e in eids]

        out = []
        for r in rows:
            rl = roles.get(r.id, {})
            out.append({
                "key": r.key,
                "document": {"id": r.document_id, "title": r.title, "source": r.source, "outlet": r.outlet,
                             "published": r.published},
                "subject": ents(rl.get("subject", [])),
                "predicate": r.predicate,
                "mode": r.mode,
                "object": ents(rl.get("object", [])),
                "negated": bool(r.negated),
                "modality": r.modality,
                "attributed_to": r.attributed_to,
                "time": {"text": r.time_text, "start": _iso(r.time_start), "end": _iso(r.time_end)}
                if (r.time_text or r.time_start or r.time_end) else None,
                "place": ents(rl.get("place", [])),
                "quantities": quantities.get(r.id, []),
                "citations": cites.get(r.id, []),
                "evidence": {"start": r.evidence_start, "end": r.evidence_end, "text": r.evidence_text},
                "sentence": sentences.get(r.sentence_id),
                "event": events.get(r.id),
                "rule": r.rule,
                "rules_version": r.rules_version,
            })
        return out

    # -- events ----------------------------------------------------------------------------------------------

    def timeline(self, actor: str, with_: str | None = None, predicate: str | None = None,
                 limit: int | None = None) -> list[dict[str, Any]]:
        """The events an actor (and, with `with_`, another actor too) took part in, in time order, each with
        every document that reports it."""
        ev, ee = t.events, t.event_entities
        mine = self.resolve(actor)
        query = sa.select(ev).where(ev.c.id.in_(sa.select(ee.c.event_id).where(
            ee.c.entity_id.in_(mine), ee.c.role.in_(["subject", "object"]))))
        if with_:
            theirs = self.resolve(with_)
            query = query.where(ev.c.id.in_(sa.select(ee.c.event_id).where(
                ee.c.entity_id.in_(theirs), ee.c.role.in_(["subject", "object"]))))
        if predicate:
            query = query.where(ev.c.predicate == predicate.strip().upper())
        when = sa.func.coalesce(ev.c.time_start, ev.c.first_reported)
        query = query.order_by(when.is_(None), when, self._text(ev.c.label), self._text(ev.c.key))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            return self._event_dicts(conn, rows)

    def _event_dicts(self, conn: sa.Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
        ec, c, d = t.event_claims, t.claims, t.documents
        sources: dict[int, list[dict]] = defaultdict(list)
        for chunk in _chunks([r.id for r in rows]):
            for row in conn.execute(
                sa.select(ec.c.event_id, c.c.key, c.c.modality, c.c.evidence_text, d.c.id, d.c.title, d.c.source,
                          d.c.outlet, d.c.published)
                .join(c, c.c.id == ec.c.claim_id).join(d, d.c.id == c.c.document_id).where(ec.c.event_id.in_(chunk))
            ):
                sources[row.event_id].append({
                    "claim": row.key, "modality": row.modality, "evidence": row.evidence_text,
                    "document": {"id": row.id, "title": row.title, "source": row.source, "outlet": row.outlet,
                                 "published": row.published}})
        names = self._names(conn, (e for r in rows for e in (*r.subject_ids, *r.object_ids, *r.place_ids)))

        def ents(eids: list[str]) -> list[dict[str, Any]]:
            return [names.get(e, {"id": e, "name": e, "type": "other"}) for e in eids]

        return [{
            "key": r.key, "label": r.label, "predicate": r.predicate, "negated": bool(r.negated),
            "modes": list(r.modes), "subject": ents(r.subject_ids), "object": ents(r.object_ids),
            "place": ents(r.place_ids), "time": {"start": _iso(r.time_start), "end": _iso(r.time_end)},
            "first_reported": _iso(r.first_reported), "last_reported": _iso(r.last_reported),
            "claims": r.claim_count, "documents": r.document_count,
            "sources": sorted(sources[r.id], key=lambda s: (_sort_date(s["document"]["published"]),
                                                            s["document"]["id"], s["claim"])),
        } for r in rows]

    # -- measures --------------------------------------------------------------------------------------------

    def disagreements(self, what: str | None = None, contradictions_only: bool = False,
                      limit: int | None = None) -> list[dict[str, Any]]:
        """Figures reported differently: each measure with every value, its document and its sentence.
        contradictions_only: leave out measures whose ranges still overlap ('at least 14' beside '21').
        limit: the first so many, in period order."""
        m = t.measures
        query = sa.select(m).where(m.c.disagreement)
        if what:
            query = query.where(sa.func.lower(m.c.what) == what.lower())
        if contradictions_only:
            query = query.where(sa.not_(m.c.compatible))
        query = query.order_by(m.c.period_start.is_(None), m.c.period_start, self._text(m.c.label),
                               self._text(m.c.key))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return self._measure_dicts(conn, conn.execute(query).all())

    def measures(self) -> list[dict[str, Any]]:
        """Every measure (figures grouped across documents), agreeing or not."""
        with self.engine.connect() as conn:
            rows = sorted(conn.execute(sa.select(t.measures)).all(),
                          key=lambda r: (_sort_date(_iso(r.period_start)), r.label, r.key))
            return self._measure_dicts(conn, rows)

    def _measure_dicts(self, conn: sa.Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
        mv, c, d, s = t.measure_values, t.claims, t.documents, t.sentences
        values: dict[int, list[dict]] = defaultdict(list)
        for chunk in _chunks([r.id for r in rows]):
            for v in conn.execute(
                sa.select(mv, c.c.key, c.c.modality, c.c.attributed_to, d.c.title, d.c.source, d.c.outlet,
                          d.c.published, s.c.text.label("sentence"))
                .join(c, c.c.id == mv.c.claim_id).join(d, d.c.id == mv.c.document_id)
                .outerjoin(s, s.c.id == mv.c.sentence_id).where(mv.c.measure_id.in_(chunk))
            ):
                values[v.measure_id].append({
                    "value": v.value, "low": v.low, "high": v.high, "qualifier": v.qualifier, "text": v.text,
                    "claim": v.key, "modality": v.modality, "attributed_to": v.attributed_to,
                    "sentence": v.sentence,
                    "document": {"id": v.document_id, "title": v.title, "source": v.source, "outlet": v.outlet,
                                 "published": v.published}})
        names = self._names(conn, (p for r in rows for p in r.place_ids))
        return [{
            "key": r.key, "label": r.label, "what": r.what, "whom": r.whom, "unit": r.unit,
            "period": {"start": _iso(r.period_start), "end": _iso(r.period_end)},
            "place": [names.get(p, {"id": p, "name": p, "type": "other"}) for p in r.place_ids],
            "documents": r.document_count, "distinct_values": r.distinct_values, "min": r.min_value,
            "max": r.max_value, "disagreement": bool(r.disagreement), "compatible": bool(r.compatible),
            "values": sorted(values[r.id], key=lambda v: (v["value"], v["document"]["id"], v["claim"])),
        } for r in rows]

    # -- text ------------------------------------------------------------------------------------------------

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """Sentences matching words of `text` (SQLite FTS5 / PostgreSQL tsvector), best first."""
        words = re.findall(r"\w+", text)
        if not words:
            return []
        with self.engine.connect() as conn:
            if self.store.dialect == "sqlite":
                match = " ".join('"' + w.replace('"', "") + '"' for w in words)
                rows = conn.execute(sa.text(
                    "SELECT s.id, s.document_id, s.idx, s.char_start, s.char_end, s.text, d.title, d.source "
                    "FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
                    "JOIN documents d ON d.id = s.document_id "
                    "WHERE sentences_fts MATCH :q AND d.is_latest ORDER BY sentences_fts.rank, s.id LIMIT :n"),
                    {"q": match, "n": limit}).all()
            else:
                rows = conn.execute(sa.text(
                    "SELECT s.id, s.document_id, s.idx, s.char_start, s.char_end, s.text, d.title, d.source "
                    "FROM sentences s JOIN documents d ON d.id = s.document_id "
                    "WHERE s.search_vector @@ plainto_tsquery('english', :q) AND d.is_latest "
                    "ORDER BY ts_rank(s.search_vector, plainto_tsquery('english', :q)) DESC, s.id LIMIT :n"),
                    {"q": " ".join(words), "n": limit}).all()
        return [{"document": {"id": r.document_id, "title": r.title, "source": r.source}, "sentence": r.idx,
                 "start": r.char_start, "end": r.char_end, "text": r.text} for r in rows]

    # -- overview --------------------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        counts = self.store.counts()
        with self.engine.connect() as conn:
            latest = conn.scalar(sa.select(sa.func.count()).select_from(t.documents).where(t.documents.c.is_latest))
            disagreements = conn.scalar(sa.select(sa.func.count()).select_from(t.measures)
                                        .where(t.measures.c.disagreement))
        keep = ("documents", "sentences", "entities", "mentions", "claims", "quantities", "findings", "events",
                "measures")
        return {**{k: counts[k] for k in keep}, "latest_documents": latest, "disagreements": disagreements}
