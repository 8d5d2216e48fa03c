"""Questions to the knowledge base: the Python API the `actors`, `claims`, `timeline` and `disagreements`
commands are thin over.

    from claimgraph.store.kb import KnowledgeBase
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

import contextlib
import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from claimgraph import rules
from claimgraph.entities.gazetteer import fold
from claimgraph.errors import NotFound, QueryError
from claimgraph.records import SEVERITIES, PartialDate
from claimgraph.store import Store
from claimgraph.store import network as edges
from claimgraph.store import schema as t
from claimgraph.store.database import LATEST_DOCUMENTS
from claimgraph.store.loader import CLAIM_SPAN_KEY

#: Entity types that act (the `actors` command lists these unless asked for others).
#: The entity types, actors first (data/entities.yaml: one list, also the gazetteer's).
ACTOR_TYPES = rules.word_list("entities", "actor_types")
ENTITY_TYPES = (*ACTOR_TYPES, *rules.word_list("entities", "other_types"))
MODALITIES = rules.word_list("modality", "kinds")  # one list: data/modality.yaml, as claims/modality.KINDS
_CHUNK = 500
#: Claims of one entity up to which kb.claims() fetches them by id rather than walking the time-order index
#: (calibrated on the 434k-claim bench_kb base: 10,000 ids fetch and sort in tens of ms; SQLite binds up to
#: 32,766 parameters, PostgreSQL 65,535).
FEW_CLAIMS = 10_000
#: Documents up to which kb.claims(source=...) fetches their claims by document (about ten claims each: the
#: same bound as FEW_CLAIMS), else walks the time-order index checking each claim's document.
FEW_DOCUMENTS = FEW_CLAIMS // 10
#: PostgreSQL: the claims (or events) of the named entities, as its planner expects them (EXPLAIN; accurate
#: with the statistics on (entity_id, role) of 0011_pg1m), up to which a filter on more than FEW_CLAIMS of them
#: is "id IN (their ids)" evaluated as one hashed subplan while the time-order index is walked, rather than
#: EXISTS per walked row. Given EXISTS, the planner joined every claim of the range to all of the entity's and
#: sorted them (a mid-frequency place, 14,000 claims: 690 ms at a million claims; an actor's 60,000 claims
#: with --predicate ASSAULT --since: 54-73 ms), where the hashed walk took 28 and 31-64 ms. Reading the ids into
#: the hash costs more than EXISTS saves for a very frequent entity, whose first page is near the start of the
#: walk: 105,000 claims of a place, 6 ms with EXISTS against 65 ms to hash them. PostgreSQL hashes the subplan
#: only when it expects the table to fit in work_mem times hash_mem_multiplier (8 MB by default, ~50 bytes an
#: id), else scans the ids again per row: 70,000 keeps inside the default. Calibrated on the 1M-claim bench_kb
#: base (pg1m; bench/README.md "PostgreSQL at a million claims").
PG_HASHED = 70_000



def _predicates() -> tuple[str, ...]:
    from claimgraph.store.exporters import QUAD

    return tuple(QUAD)


#: Every predicate a claim can carry: PLOVER 0.8's event types and the standing relations (exporters.QUAD).
PREDICATES = _predicates()


def parse_predicate(value: str) -> tuple[str, str | None]:
    """'ASSAULT', 'assault' or 'COERCE/deport' as (PREDICATE, mode or None); an unknown predicate is a
    QueryError listing the valid ones (a typo must not silently answer nothing)."""
    pred, _, mode = value.strip().partition("/")
    pred = pred.strip().upper()
    if pred not in PREDICATES:
        raise QueryError(f"unknown predicate {value!r} (one of {', '.join(PREDICATES)}; a mode as PRED/mode)")
    return pred, (mode.strip().lower() or None)


def what_values() -> tuple[str, ...]:
    """The kinds of figure (`quantities.what`) the rules can give: the categories of data/quantities.yaml."""
    from claimgraph.rules import load

    return tuple(load("quantities")["categories"])


def parse_what(value: str) -> str:
    what = value.strip().lower()
    valid = what_values()
    if what not in valid:
        raise QueryError(f"unknown kind of figure {value!r} (one of {', '.join(valid)})")
    return what


def _predicate_filter(column_pred, column_mode, values: Sequence[str] | str | None):
    """A WHERE clause for one or several predicates (OR-ed), each PRED or PRED/mode; None when no filter."""
    if not values:
        return None
    if isinstance(values, str):
        values = [values]
    parts = []
    for v in values:
        pred, mode = parse_predicate(v)
        parts.append(sa.and_(column_pred == pred, sa.func.lower(column_mode) == mode) if mode else column_pred == pred)
    return sa.or_(*parts)


def _as_list(value: Sequence[str] | str | None) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


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


def ids_in(column: sa.Column, ids: Sequence[int]):
    """`column IN (ids)` with the ids written into the SQL text. Bound one by one, the up to FEW_CLAIMS ids of
    `KnowledgeBase._few` cost SQLAlchemy more Python than the question itself (5,000 ids: 40 ms of its
    compiling, 230k-claim bench_kb base); they are integers read from the database, made int() again here,
    so there is nothing to escape."""
    if not ids:
        return sa.false()
    return column.op("IN", is_comparison=True)(sa.literal_column("(" + ",".join(str(int(i)) for i in ids) + ")"))


def names_in(dialect: str, column: sa.Column, names: Sequence[str]):
    """`column IN (names)` with the names (entity or document ids) bound as one value (PostgreSQL:
    `= ANY(array)`; SQLite: the elements of one JSON array): bound one by one, the network's 1,300 node ids
    cost SQLAlchemy and the driver 20 ms of rendering and parsing (a fifth of `network --predicate` at a
    million claims)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, list(names), type_=ARRAY(sa.String)))
    listed = sa.select(sa.column("value")).select_from(sa.func.json_each(sa.bindparam(None, json.dumps(list(names)))))
    return column.in_(listed)


@contextlib.contextmanager
def planner_setting(conn: sa.Connection, name: str, value: str):
    """PostgreSQL: the planner setting `name` is `value` for the statements run inside (`set_config(...,
    true)`, as SET LOCAL: this transaction only), then put back. Not put back when a statement fails: the
    transaction is then rolled back, and the setting with it."""
    old = conn.scalar(sa.text("SELECT current_setting(:name)"), {"name": name})
    conn.execute(sa.text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})
    yield
    conn.execute(sa.text("SELECT set_config(:name, :value, true)"), {"name": name, "value": old})


def _planned_rows(conn: sa.Connection, query: sa.Select) -> float:
    """PostgreSQL: the rows its planner expects `query` to return (EXPLAIN, nothing run). The planner decides
    from this estimate whether a subplan is hashed (see PG_HASHED); counting instead read a top actor's
    100,000 index entries on every question (65-68 ms at a million claims, timed under auto_explain)."""
    sql = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar()[0]["Plan"]["Plan Rows"]


def _sort_date(value: str | None) -> tuple[int, str]:
    return (0, value) if value else (1, "")


# The escape character for LIKE patterns, named in every LIKE (ESCAPE '\\'): SQLite has no default one.
LIKE_ESCAPE = "\\"


def like_escaped(text: str) -> str:
    """`text` with LIKE's wildcards (`%`, `_`) and the escape character escaped: it then matches itself only
    (a `--source %` that matched every document was a filter that filtered nothing)."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


class SearchHits(list):
    """A page of search results (a list of dicts, best first) that says what was ranked: `ranked`, how many
    matches (at most `newest`, KnowledgeBase.SEARCH_NEWEST); `newest_only`, whether that bound was reached,
    so that older matches, if any, were not ranked."""

    def __init__(self, hits: Iterable[dict[str, Any]], ranked: int, newest: int) -> None:
        super().__init__(hits)
        self.ranked = ranked
        self.newest = newest
        self.newest_only = ranked >= newest

    def scope(self) -> dict[str, Any]:
        """What was ranked, as JSON: {"ranked", "newest", "newest_only"}."""
        return {"ranked": self.ranked, "newest": self.newest, "newest_only": self.newest_only}


class KnowledgeBase:
    """Questions over an open knowledge base (a `Store`, or a URL/path to open one)."""

    def __init__(self, db: Store | str | None = None, regroup: bool = True) -> None:
        """regroup: bring events and measures up to date first when the claims changed since they were grouped
        (False: leave them as they are; what `timeline` and `disagreements` answer may then be stale)."""
        self._owns = not isinstance(db, Store)
        self.store = db if isinstance(db, Store) else Store(db)
        self.engine = self.store.engine
        #: whether the grouping (and the network's kept edges) is current: False only where a stale base
        #: cannot be regrouped (a read-only copy) or was not (regroup=False), and then the network sums the
        #: claims instead
        self.grouped = self.store.ensure_grouped() if regroup else self.store.grouping_marker() is not None

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
            # the gazetteer's names for the same entities, even those no stored document used ("Pakistani
            # Taliban" finds TTP when the articles only wrote "Tehreek-e-Taliban"); metonyms are left out (a
            # capital names its government only in some years)
            from claimgraph.entities import gazetteer

            gaz_ids = sorted({n.entity for n in gazetteer.load().lookup(term.strip()) if n.kind != "metonym"})
            if gaz_ids:
                ids |= set(conn.scalars(sa.select(e.c.id).where(e.c.id.in_(gaz_ids))))
            if not ids:  # diacritics, hyphens, spacing: compare folded names (one pass over names and aliases)
                key = fold(term)
                ids = {eid for eid, name in conn.execute(sa.select(e.c.id, e.c.name)) if fold(name) == key}
                ids |= {eid for eid, alias in conn.execute(sa.select(a.c.entity_id, a.c.alias))
                        if fold(alias) == key}
        if not ids:
            raise QueryError(f"no entity is named {term!r} in the knowledge base")
        return sorted(ids)

    def within(self, ids: Iterable[str]) -> list[str]:
        """The places `ids` name and every place inside them: entities whose `parent` chain or `country`
        leads to one of them ("Afghanistan" -> Helmand -> Musa Qala), so that a question about a country or
        a province rolls up its districts and towns."""
        e = t.entities
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(e.c.id, e.c.parent, e.c.country).where(
                sa.or_(e.c.parent.is_not(None), e.c.country.is_not(None)))).all()
        children: dict[str, set[str]] = defaultdict(set)
        for eid, parent, country in rows:
            for up in (parent, country):
                if up and up != eid:
                    children[up].add(eid)
        out, todo = set(ids), list(ids)
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        return sorted(out)

    def _names(self, conn: sa.Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = sorted(set(ids))
        out: dict[str, dict[str, Any]] = {}
        e = t.entities
        if not ids:
            return out
        # one bound value (names_in): the ids of a page of events bound one by one took PostgreSQL 65 ms once
        # the driver had prepared the statement (a generic plan for hundreds of parameters)
        for row in conn.execute(sa.select(e.c.id, e.c.name, e.c.type).where(names_in(self.store.dialect, e.c.id, ids))):
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

    def claims(self, actor: Sequence[str] | str | None = None, predicate: Sequence[str] | str | None = None,
               since: str | None = None, until: str | None = None, place: Sequence[str] | str | None = None,
               modality: Sequence[str] | str | None = None, source: Sequence[str] | str | None = None,
               limit: int | None = None, all_versions: bool = False, offset: int = 0) -> list[dict[str, Any]]:
        """Claims matching every filter given, in time order (the claim's time, else its document's date).

        actor: as subject or object. predicate: a PLOVER type or relation (case-insensitive). since/until: ISO
        dates; a claim matches when its time (else its document's date) overlaps. place: an entity named as the
        claim's place, or a place inside it (a country's provinces and their districts: see `within`).
        modality: asserted, reported, quoted, speculative or opinion. source: a document id, or
        a piece of its path/URL, title or outlet. Each filter but the dates takes one value or several: several
        values of one filter are OR-ed (`actor=["TTP", "PAK"]`: either), different filters AND-ed. A predicate
        may carry a mode: "COERCE/deport".
        """
        c, d = t.claims, t.documents
        columns = [c, d.c.title, d.c.source, d.c.outlet, d.c.published, d.c.published_start, d.c.published_end]
        filters = {"actor": actor, "predicate": predicate, "since": since, "until": until, "place": place,
                   "modality": modality, "source": source}
        # time order in SQL (undated last), so that a page of a large knowledge base reads only its rows: off
        # the index on the claim's kept days (0006_scale)
        if limit is None or all_versions:
            query = self._claims_select(columns, **filters, all_versions=all_versions, ordered=True).offset(offset)
            with self.engine.connect() as conn:
                return self._claim_dicts(conn, conn.execute(query if limit is None else query.limit(limit)).all())
        # every filter but the version's, on the claims alone (their documents are joined for the page only)
        matching = self._claims_select([c.c.id], **filters, all_versions=True, documents=False, ordered=True)
        with self.engine.connect() as conn:
            return self._claim_dicts(conn, self._latest_page(conn, matching, columns, offset, limit))

    def _claim_order(self, listed: bool = False) -> tuple:
        """The claims' order: undated last, first day, document, position, key (by code point). listed: as
        expressions no index gives (SQLite, see _unindexed), for a short list of claims, which is then sorted:
        with the planner's statistics SQLite otherwise walked the time-order index checking each entry against
        the list (every entry, for a list whose claims are few and late)."""
        c = t.claims
        col = self._unindexed if listed else (lambda column: column)
        return (col(c.c.undated), col(c.c.first_day), self._text(col(c.c.document_id)), col(c.c.evidence_start),
                self._text(col(c.c.key)))

    #: Matching claims taken per round of `_latest_page`, as a multiple of the rows asked for (times four each
    #: round). The bench_kb base has one old version per several hundred documents: one round does.
    PAGE_ROUND = 2

    def _latest_page(self, conn: sa.Connection, matching: sa.Select, columns: list, offset: int,
                     limit: int) -> list[Any]:
        """Rows `offset` to `offset + limit` of the latest-version claims of `matching` (claim ids, in the
        claims' order).

        The first k matching claims in that order, of any version, are read (their ids), and only they are
        joined to their documents for the latest-version check. Checking it for every match before sorting
        read a document row (rows that hold the whole text) for each: 10,000 of them for an actor named in
        10,000 claims. Exact: when the first k hold `offset + limit` latest claims, those are the first of all
        latest claims; otherwise k grows, until the first k are every match."""
        c, d = t.claims, t.documents
        k = max(64, (offset + limit) * self.PAGE_ROUND)
        while True:
            # the first k ids are read once, then written into the page's SQL (ids_in): as a subquery, the
            # filters ran twice when the page fell short (the page, then counting the k to see whether every
            # match was taken), a rare actor's question since a year took 40-60 ms of CPU at a million claims
            first = conn.scalars(matching.limit(k)).all()
            on = d.c.id == self._unindexed(c.c.document_id)  # the listed claims first (see _claims_select)
            rows = conn.execute(sa.select(*columns).select_from(c.join(d, on))
                                .where(ids_in(c.c.id, first), d.c.is_latest).order_by(*self._claim_order(True))
                                .offset(offset).limit(limit)).all()
            if len(rows) >= limit or len(first) < k:
                return rows
            k *= 4

    def _claims_select(self, columns: list[Any], actor=None, predicate=None, since=None, until=None, place=None,
                       modality=None, source=None, all_versions: bool = False, documents: bool = True,
                       ordered: bool = False) -> sa.Select:
        """SELECT `columns` FROM claims JOIN documents WHERE every filter of `claims()` holds (ordered: in the
        claims' order, see _claim_order). documents=False:
        FROM claims alone where no filter reads the documents (all versions, and --source found its documents
        through the index): a page's first claims were each looked up in documents for nothing (every claim
        has its document: a foreign key)."""
        c, d, ce = t.claims, t.documents, t.claim_entities
        query = sa.select(*columns)
        documents = documents or not all_versions
        if not all_versions:
            query = query.where(d.c.is_latest)
        actors, places = _as_list(actor), _as_list(place)
        # whether a short list of claim ids (a rare actor's or place's, see _few) or of documents (--source)
        # is in the query: the claims are then found through that list, and the other filters are checked on
        # each (see _unindexed)
        listed = False
        for terms, roles, widen in ((actors, ["subject", "object"], None), (places, ["place"], self.within)):
            if terms:
                ids = sorted({i for term in terms for i in self.resolve(term)})
                members = sa.select(ce.c.claim_id).where(ce.c.entity_id.in_(widen(ids) if widen else ids),
                                                         ce.c.role.in_(roles))
                with self.engine.connect() as conn:
                    few = self._few(conn, members)
                    query = query.where(ids_in(c.c.id, few) if few is not None
                                        else self._many(conn, c.c.id, members, ce.c.claim_id))
                listed = listed or few is not None
        sources = _as_list(source)
        if sources:
            # each value is matched literally: LIKE's wildcards in it are escaped (see like_escaped)
            named = sa.or_(*(sa.or_(d.c.id == src, *(
                sa.func.lower(col).like(f"%{like_escaped(src.lower())}%", escape=LIKE_ESCAPE)
                for col in (d.c.source, d.c.title, d.c.outlet, d.c.url))) for src in sources))
            docs, few = self._source_documents(sources, named)
            if docs is not None and isinstance(few, list):  # PostgreSQL: the documents' ids, read
                query = query.where(self._of_documents(few))
                listed = True
            elif docs is not None and few:
                query = query.where((self._unindexed(c.c.document_id) if listed else c.c.document_id).in_(docs))
                listed = True
            elif docs is not None:  # many: their set is made once, and each claim walked is looked up in it
                query = query.where(self._unindexed(c.c.document_id).in_(docs))
            else:
                query = query.where(named)
                documents = True

        def column(name: str):
            return self._unindexed(c.c[name]) if listed else c.c[name]

        pred = _predicate_filter(column("predicate"), c.c.mode, predicate)
        if pred is not None:
            query = query.where(pred)
        modalities = [m.lower() for m in _as_list(modality)]
        for m in modalities:
            if m not in MODALITIES:
                raise QueryError(f"unknown modality {m!r} (one of {', '.join(MODALITIES)})")
        if modalities:
            query = query.where(column("modality").in_(modalities))
        lo, hi = parse_date(since), parse_date(until, end=True)
        # first_day/last_day: the claim's time, else its document's date (kept on the claim, 0006_scale)
        if lo or hi:
            # implied by either bound (a claim with a day is dated), said so that the time-order indexes, which
            # begin with `undated`, are searched at the day range: without it SQLite walked ix_claims_order from
            # its first entry, past every claim before `since` (1.3 s at a million claims, bench/README.md)
            query = query.where(sa.not_(column("undated")))
        if lo:
            query = query.where(column("last_day") >= lo)
            span = self.store.info(CLAIM_SPAN_KEY)
            if span is not None:  # the same claims, bounded on the index's first_day: no claim spans longer
                query = query.where(column("first_day") >= lo - dt.timedelta(days=int(span)))
        if hi:
            query = query.where(column("first_day") <= hi)
        # beside a short list, claims come first and each finds its document (with the planner's statistics,
        # SQLite otherwise scanned every document and looked each one's claims up in the list: 2.3 s of CPU
        # for an actor's 3,108 claims in a base of 100,000 after ANALYZE)
        on = d.c.id == (self._unindexed(c.c.document_id) if listed else c.c.document_id)
        if ordered:
            query = query.order_by(*self._claim_order(listed))
        return query.select_from(c.join(d, on) if documents else c)

    def _unindexed(self, column: sa.Column):
        """`column` as SQLite's `+claims.column`: the same value, which the planner will not look up through an
        index. Used beside a short list of claims or documents, which is then where the claims are found: a
        rare actor's 23 claims in 2017 were found by walking the index on (predicate, day) past every assault
        since 2017, checking each against the list, because that index also gave the time order (20-30 ms of
        CPU at a million claims, against 0.1 ms for the 23 lookups; without the planner's statistics, which
        no knowledge base keeps unless ANALYZE is run). PostgreSQL: `coalesce(column, column)`, which no index
        serves either. Its planner weighs a list's length, but not beside a frequent actor's hashed subplan
        (`_many`): for a rare actor's 21 events with a frequent one's, it expected 705 and walked the order
        index past all 490,000 events of the million-claim base for them (106 ms, against a millisecond)."""
        if self.store.dialect != "sqlite":
            return sa.func.coalesce(column, column, type_=column.type)
        return sa.literal_column(f"+{column.table.name}.{column.name}", type_=column.type)

    def _source_documents(self, sources: list[str], named) -> tuple[sa.Select | None, bool | list[str]]:
        """The documents `named` (the `--source` condition) holds for, as a subquery of their ids, and whether
        they are at most FEW_DOCUMENTS (their claims are then fetched by document and sorted; on PostgreSQL
        their ids, read once to be bound as one array: see _of_documents); when more, the
        claims are walked along the time-order index, where a frequent source's first page is near, each
        looked up in the documents' set (made once: checking each walked claim's document row with the
        condition cost 230 ms of CPU for a source of 1,500 documents at a million claims). None when no index
        can find them (a value under three characters on SQLite): the condition is then checked per claim.

        SQLite: the candidates come from the trigram index over the documents' source, title, outlet and URL
        (`documents_names_fts`, 0008_kbquery), which finds every document one of those columns contains the
        value in, ignoring case (a superset of what the LIKE keeps: its folding covers ASCII's); the same
        condition as without the index then keeps exactly the documents it kept, plus a document whose id
        is the value. PostgreSQL: the condition itself, which the GIN trigram indexes on lower() serve.

        SQLite: the documents are counted in the database and left there (the claims' query asks the same
        subquery again, a millisecond): fetched into Python and bound back one by one, a thousand ids cost more
        than the question's SQL (at a million claims, 12 ms of CPU of a 20-40 ms question). PostgreSQL: the
        first FEW_DOCUMENTS + 1 ids are read once, counted in Python, and bound back as one array if few."""
        d = t.documents
        if self.store.dialect == "sqlite":
            if any(len(src) < 3 for src in sources):  # a trigram index holds nothing shorter
                return None, False
            match = " OR ".join('"' + src.replace('"', '""') + '"' for src in sources)
            rowids = sa.text("SELECT rowid FROM documents_names_fts WHERE documents_names_fts MATCH :q") \
                .bindparams(q=match).columns(sa.column("rowid"))
            candidates = sa.or_(sa.literal_column("documents.rowid").in_(rowids.subquery().select()),
                                d.c.id.in_(sources))
            docs = sa.select(d.c.id).where(candidates, named)
        else:
            docs = sa.select(d.c.id).where(named)
        # its own FROM documents, not the claims query's (which joins documents too)
        docs = docs.correlate(None)
        with self.engine.connect() as conn:
            if self.store.dialect == "sqlite":
                n = conn.scalar(sa.select(sa.func.count()).select_from(docs.limit(FEW_DOCUMENTS + 1).subquery()))
                return docs, n <= FEW_DOCUMENTS
            # off the trigram indexes: expecting 3% of the documents to match, the planner scanned the table
            # until 1,001 did (54-61 ms at a million claims for an outlet of 2,900; its indexes: 7 ms)
            with planner_setting(conn, "enable_seqscan", "off"):
                ids = list(conn.scalars(docs.limit(FEW_DOCUMENTS + 1)))
        return docs, (ids if len(ids) <= FEW_DOCUMENTS else False)

    def _of_documents(self, ids: list[str]):
        """PostgreSQL: the condition "the claim is of one of the documents `ids`" (at most FEW_DOCUMENTS, the
        --source filter), bound as one array. Given `document_id IN (docs)`,
        the planner misjudged how many claims 141 documents hold (3,119 for 1,410: it estimates claims per
        document from a sample) and walked the time-order index past 116,000 claims for the first page
        (100-120 ms at a million claims), or expected 7,241 documents for 936 and hashed them against all
        million claims' document index (215-270 ms); given the array, it looks each document's claims up and
        sorts them (the query's other columns are unindexable, as for a rare actor's claims: see _few)."""
        return names_in(self.store.dialect, t.claims.c.document_id, ids)

    def _many(self, conn: sa.Connection, key: sa.Column, members: sa.Select, member: sa.Column):
        """The condition "`key` is one of `members`" (more than FEW_CLAIMS ids, `member` their column): EXISTS
        per row, or on PostgreSQL, where its planner expects up to PG_HASHED of them, `key IN (members) IS TRUE`:
        written so, the subquery is not turned into a join, and becomes a hashed subplan built once."""
        if self.store.dialect == "postgresql" and _planned_rows(conn, members) <= PG_HASHED:
            return key.in_(members).is_(sa.true())
        return sa.exists(members.where(member == key))

    @staticmethod
    def _few(conn: sa.Connection, members: sa.Select) -> list[int] | None:
        """The claim ids of `members` when there are at most FEW_CLAIMS of them (read off the claim_entities
        index), else None. A rarely named entity's claims are then fetched and sorted (milliseconds); left as a
        subquery, the planner walks the whole time-order index looking for them (seconds on 400,000 claims).
        A frequent one is checked per claim (EXISTS) while walking that index: its first page is near the start.
        (Planners given `IN (subquery)` for a frequent one fetched and sorted all its claims: seconds.)"""
        # counted in the database first: a frequent one's FEW_CLAIMS + 1 ids, made into Python objects only to
        # be dropped, cost 7-20 ms of CPU at a million claims (the count: 2 ms)
        if conn.scalar(sa.select(sa.func.count()).select_from(members.limit(FEW_CLAIMS + 1).subquery())) \
                > FEW_CLAIMS:
            return None
        return conn.scalars(members).all()

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
        names = self._names(conn, [*(e for r in roles.values() for es in r.values() for e in es),
                                   *(r.attributed_entity_id for r in rows if r.attributed_entity_id)])

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
                # the speaker's name where the claim links an entity (the stored value may be its id)
                "attributed_to": names[r.attributed_entity_id]["name"] if r.attributed_entity_id in names
                else r.attributed_to,
                "attributed_to_id": r.attributed_entity_id,
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

    def timeline(self, actor: Sequence[str] | str | None = None, with_: Sequence[str] | str | None = None,
                 predicate: Sequence[str] | str | None = None, limit: int | None = None,
                 place: Sequence[str] | str | None = None, since: str | None = None, until: str | None = None,
                 offset: int = 0) -> list[dict[str, Any]]:
        """The events an actor (and, with `with_`, another actor too) took part in, in time order, each with
        every document that reports it. Without an actor: every event. place: where; since/until: ISO dates
        the event's time (else its first report) overlaps. Several values of one filter are OR-ed."""
        ev, ee = t.events, t.event_entities
        query = sa.select(ev.c.id)
        listed = False  # a short list of events drives the query (as in kb.claims, see _unindexed)
        wanted = [parse_predicate(p) for p in _as_list(predicate)]
        with_modes = any(mode for _, mode in wanted)
        filters: list[tuple[int, list[str], list[str]]] = []  # (mentions, ids, roles) of each entity filter
        with self.engine.connect() as conn:
            for names, roles in ((actor, ["subject", "object"]), (with_, ["subject", "object"]),
                                 (place, ["place"])):
                terms = _as_list(names)
                if terms:
                    ids = sorted({i for term in terms for i in self.resolve(term)})
                    filters.append((conn.scalar(sa.select(sa.func.sum(t.entities.c.mention_count))
                                                .where(t.entities.c.id.in_(ids))) or 0, ids, roles))
            if len(filters) > 1:  # two entities (actor and with, or a place): the rarer one's events, see _walk_rarest
                filters.sort(key=lambda f: f[0])
                events = self._walk_rarest(conn, filters, since, until, wanted,
                                           None if limit is None or with_modes else offset + limit)
                if with_modes:
                    events = [r for r in events if any(r.predicate == p and (mode is None or mode in (r.modes or []))
                                                       for p, mode in wanted)]
                return self._event_dicts(conn, events[offset:offset + limit] if limit is not None else events[offset:])
        frequent: list[sa.Select] = []
        for _, ids, roles in filters:
            members = sa.select(ee.c.event_id).where(ee.c.entity_id.in_(ids), ee.c.role.in_(roles))
            # few events: fetched by id and sorted; many: checked per event along the order index (as
            # kb.claims does for claims, see _few)
            with self.engine.connect() as conn:
                few = self._few(conn, members)
            if few is not None:
                query = query.where(ids_in(ev.c.id, few))
                listed = True
            else:
                frequent.append(members)
        with self.engine.connect() as conn:
            for members in frequent:
                query = query.where(self._many(conn, ev.c.id, members, ee.c.event_id))
        query = self._timeline_order(query, since, until, wanted, listed)
        with self.engine.connect() as conn:
            if with_modes:  # modes are a JSON list on events: filtered here, then paged
                rows = conn.execute(query.add_columns(ev.c.predicate, ev.c.modes)).all()
                rows = [r for r in rows if any(r.predicate == p and (mode is None or mode in (r.modes or []))
                                               for p, mode in wanted)]
                ids = [r.id for r in (rows[offset:offset + limit] if limit is not None else rows[offset:])]
            else:
                query = query.offset(offset)
                ids = list(conn.scalars(query.limit(limit) if limit is not None else query))
            return self._event_dicts(conn, self._events_by_id(conn, ids))

    def _walk_rarest(self, conn: sa.Connection, filters: list, since: str | None, until: str | None,
                     wanted: list, need: int | None) -> list[Any]:
        """The events of several entities (`filters`, rarest first by mentions: (mentions, ids, roles)),
        the filters applied, in the timeline's order: the first `need` of them and any that share the last
        one's day (None: all). The rarest entity's events are read in time order off
        ix_event_entities_entity_time (0012_timeline: the event's undated and sort_day kept on each row),
        each checked against the others' until `need` are found; then the events of the last day read come
        whole, and label and key order them (as the SQL order does, by code point). Walking the base's order
        index checking both read most of its events for a pair whose shared events are few among them, and
        their intersection read both lists: 90-150 ms at a million claims; this walk, 2-14 ms. A rare entity's
        list of events, fetched and sorted with the other's checked (as a single filter's is, `_few`), cost
        up to 56 ms for 10,000 of them on PostgreSQL: the walk stops at the page there too."""
        ev, ee = t.events, t.event_entities
        (_, ids, roles), *others = filters
        walk = sa.select(ee.c.event_id, ee.c.undated, ee.c.sort_day).where(
            ee.c.entity_id.in_(ids), ee.c.role.in_(roles)).distinct()
        for _, other_ids, other_roles in others:
            o = ee.alias()
            walk = walk.where(sa.exists().where(o.c.event_id == ee.c.event_id, o.c.entity_id.in_(other_ids),
                                                o.c.role.in_(other_roles)))
        if wanted or since or until:
            walk = self._timeline_filters(walk.join(ev, ev.c.id == ee.c.event_id), since, until, wanted)
        order = (ee.c.undated, ee.c.sort_day, ee.c.event_id)  # the index's: read in order, no sort
        # PostgreSQL: no parallel workers, which cannot stop at the page (each walked its share: 66 ms at a
        # million claims for a walk that takes 9.5 alone)
        serial = (planner_setting(conn, "max_parallel_workers_per_gather", "0")
                  if self.store.dialect == "postgresql" else contextlib.nullcontext())
        with serial:
            found = conn.execute(walk.order_by(*order).limit(need) if need else walk).all()
            if need and len(found) == need:
                last = (found[-1].undated, found[-1].sort_day)
                day = ee.c.sort_day.is_(None) if last[1] is None else ee.c.sort_day == last[1]
                found = [r for r in found if (r.undated, r.sort_day) != last]
                found += conn.execute(walk.where(ee.c.undated == last[0], day)).all()
        events = self._events_by_id(conn, sorted({r.event_id for r in found}))
        events.sort(key=lambda e: (e.undated, e.sort_day or dt.date.min, e.label, e.key))
        return events[:need] if need else events

    def _timeline_filters(self, query: sa.Select, since: str | None, until: str | None, wanted: list
                          ) -> sa.Select:
        """`timeline`'s predicate and date filters on `query` (which reads events)."""
        ev = t.events
        if wanted:
            query = query.where(ev.c.predicate.in_(sorted({p for p, _ in wanted})))
        lo, hi = parse_date(since), parse_date(until, end=True)
        if lo:
            query = query.where(sa.func.coalesce(ev.c.time_end, ev.c.time_start, ev.c.last_reported) >= lo)
        if hi:
            query = query.where(sa.func.coalesce(ev.c.time_start, ev.c.time_end, ev.c.first_reported) <= hi)
        return query

    def _timeline_order(self, query: sa.Select, since: str | None, until: str | None, wanted: list,
                        listed: bool) -> sa.Select:
        """`timeline`'s query with its predicate and date filters, in time order."""
        ev = t.events
        query = self._timeline_filters(query, since, until, wanted)
        # time order in SQL, off the events' order index (0008_kbquery): the event's time, else its first
        # report (`sort_day`), undated last, then label and key by code point (as Python compares them)
        col = self._unindexed if listed else (lambda column: column)
        return query.order_by(col(ev.c.undated), col(ev.c.sort_day), self._text(col(ev.c.label)),
                              self._text(col(ev.c.key)))

    @staticmethod
    def _events_by_id(conn: sa.Connection, ids: list[int]) -> list[Any]:
        """The event rows of `ids`, in that order."""
        ev = t.events
        full: dict[int, Any] = {}
        for chunk in _chunks(ids):
            full.update((r.id, r) for r in conn.execute(sa.select(ev).where(ev.c.id.in_(chunk))))
        return [full[i] for i in ids]

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

    def disagreements(self, what: Sequence[str] | str | None = None, contradictions_only: bool = False,
                      limit: int | None = None, offset: int = 0, most_reported: bool = False
                      ) -> list[dict[str, Any]]:
        """Figures reported differently: each measure with every value, its document and its sentence.
        contradictions_only: leave out measures whose ranges still overlap ('at least 14' beside '21').
        limit, offset: a page, in period order (with most_reported: the most documents first, then the most
        distinct values, then label; ties in period order), ordered and cut in SQL: a million claims give
        thousands of disagreements, each with its values, documents and sentences."""
        m = t.measures
        query = sa.select(m).where(m.c.disagreement)
        whats = [parse_what(w) for w in _as_list(what)]
        if whats:
            query = query.where(sa.func.lower(m.c.what).in_(whats))
        if contradictions_only:
            query = query.where(sa.not_(m.c.compatible))
        if most_reported:
            query = query.order_by(m.c.document_count.desc(), m.c.distinct_values.desc(), self._text(m.c.label))
        query = query.order_by(m.c.period_start.is_(None), m.c.period_start, self._text(m.c.label),
                               self._text(m.c.key)).offset(offset)
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
                sa.select(mv, c.c.key, c.c.modality, c.c.attributed_to, c.c.attributed_entity_id, d.c.title,
                          d.c.source, d.c.outlet, d.c.published, s.c.text.label("sentence"))
                .join(c, c.c.id == mv.c.claim_id).join(d, d.c.id == mv.c.document_id)
                .outerjoin(s, s.c.id == mv.c.sentence_id).where(mv.c.measure_id.in_(chunk))
            ):
                values[v.measure_id].append({
                    "value": v.value, "low": v.low, "high": v.high, "qualifier": v.qualifier, "text": v.text,
                    "claim": v.key, "modality": v.modality, "attributed_to": v.attributed_to,
                    "attributed_to_id": v.attributed_entity_id,
                    "sentence": v.sentence,
                    "document": {"id": v.document_id, "title": v.title, "source": v.source, "outlet": v.outlet,
                                 "published": v.published}})
        names = self._names(conn, [*(p for r in rows for p in r.place_ids),
                                   *(v["attributed_to_id"] for vs in values.values() for v in vs
                                     if v["attributed_to_id"])])
        for vs in values.values():  # the speaker's name, not its id
            for v in vs:
                if v["attributed_to_id"] in names:
                    v["attributed_to"] = names[v["attributed_to_id"]]["name"]
                v["told_by"] = v["attributed_to"]  # who reported the value (the disagreement view)
        return [{
            "key": r.key, "label": r.label, "what": r.what, "whom": r.whom, "unit": r.unit,
            "period": {"start": _iso(r.period_start), "end": _iso(r.period_end)},
            "place": [names.get(p, {"id": p, "name": p, "type": "other"}) for p in r.place_ids],
            "documents": r.document_count, "distinct_values": r.distinct_values, "min": r.min_value,
            "max": r.max_value, "disagreement": bool(r.disagreement), "compatible": bool(r.compatible),
            "values": sorted(values[r.id], key=lambda v: (v["value"], v["document"]["id"], v["claim"])),
        } for r in rows]

    # -- text ------------------------------------------------------------------------------------------------

    def search(self, text: str, limit: int = 20) -> SearchHits:
        """Sentences matching words of `text` (SQLite FTS5 / PostgreSQL tsvector), best first, ranked among the
        newest SEARCH_NEWEST matches (see `_ranked`; the answer says how many it ranked)."""
        words = re.findall(r"\w+", text)
        if not words:
            return SearchHits([], 0, self.SEARCH_NEWEST)
        with self.engine.connect() as conn:
            rows, ranked = self._ranked(conn, "sentences", words, limit,
                                        ", s.document_id, s.idx, s.char_start, s.char_end, s.text, d.title, d.source")
        return SearchHits([{"document": {"id": r.document_id, "title": r.title, "source": r.source},
                            "sentence": r.idx, "start": r.char_start, "end": r.char_end, "text": r.text}
                           for r in rows], ranked, self.SEARCH_NEWEST)

    #: The matches search ranks: the newest this many (the last stored) of the latest versions. Ranking every
    #: match ranks a common word's 160,000 sentences at a million claims (FTS5's bm25 costs about a
    #: microsecond a match, 160-200 ms of CPU; PostgreSQL's ts_rank reads each match's tsvector). The newest
    #: are the reporting a reader of the news most likely looks for, and the bound is a latency budget: ranking
    #: a candidate on PostgreSQL costs 2.5-3 us (reading its row, ts_rank, the sorts), so that 10,000 of them
    #: (session 6's bound, set by SQLite's 17-20 ms) took search claims to 93-133 ms at p95 at a million
    #: claims on the 2-core machine; 5,000 keep every search within 100 ms there (bench/README.md).
    SEARCH_NEWEST = 5_000

    def _ranked(self, conn: sa.Connection, table: str, words: list[str], limit: int, columns: str
                ) -> tuple[list[Any], int]:
        """The best `limit` rows of `table` (sentences or claims) matching `words` among the SEARCH_NEWEST
        newest matches of the latest versions, in the order of the full-text rank, then id: `id` and `columns`
        (SQL over `s`, the table, and `d`, documents); and how many matches were ranked.

        The newest matches are the highest ids (rows are numbered as they are stored), read off the full-text
        index backwards (FTS5 serves `ORDER BY rowid DESC` from its index; PostgreSQL: `_ranked_by_window`),
        a replaced version's rows left out through the small partial index
        of replaced documents (`ix_documents_replaced`, 0011_kbquery) — not at all when the kept counts say
        that no document was replaced. Only those candidates are ranked (SQLite's bm25, PostgreSQL's ts_rank,
        each with the statistics of the whole index, as before), and only the best `limit` are joined to
        their documents for the columns shown."""
        counts = self.store.counts()
        replaced = counts["documents"] > counts[LATEST_DOCUMENTS]
        latest = " AND s.document_id NOT IN (SELECT id FROM documents WHERE NOT is_latest)" if replaced else ""
        if self.store.dialect != "sqlite":
            return self._ranked_by_window(conn, table, " ".join(words), limit, columns, latest)
        fts = f"{table}_fts"
        join = f" JOIN {table} s ON s.id = {fts}.rowid" if replaced else ""
        candidates = (f"SELECT {fts}.rowid AS id, bm25({fts}) AS score FROM {fts}{join} "
                      f"WHERE {fts} MATCH :q{latest} ORDER BY {fts}.rowid DESC LIMIT :newest")
        q = " ".join('"' + w.replace('"', "") + '"' for w in words)
        best = f"SELECT id, score, count(*) OVER () AS ranked FROM ({candidates}) c ORDER BY score, id LIMIT :n"
        rows = conn.execute(sa.text(
            f"SELECT f.id, f.score, f.ranked{columns} FROM ({best}) f JOIN {table} s ON s.id = f.id "
            f"JOIN documents d ON d.id = s.document_id ORDER BY f.score, f.id"),
            {"q": q, "newest": self.SEARCH_NEWEST, "n": limit}).all()
        return rows, (rows[0].ranked if rows else 0)

    #: PostgreSQL: the most ids search's first window covers (then below, in windows sized by the matches
    #: found), for a query whose planner's estimate of matches is far too low (estimates of several words
    #: often are): a query in 5% of the rows has its newest SEARCH_NEWEST (5,000) among the highest 100,000.
    SEARCH_WINDOW = 100_000

    #: PostgreSQL: the ids per block whose lexeme each row's search vector holds (`# ` and id // SEARCH_BLOCK,
    #: written by migration 0013_search_blocks, with the same number: tests/test_postgres.py checks that they
    #: agree). Why 16,384, measured at a million claims: the GIN index walks the shorter of the word's entries
    #: and the window's blocks' (0.13-0.22 us an entry), so blocks of 65,536 let a 5%-word lead (8.6 ms for
    #: three blocks) where these lead the walk (2.1 ms a block); but a window is whole blocks, and with 65,536
    #: one read up to a block's matches past the newest (a 16%-word: 13,000 rows for 5,000). Over the bench's
    #: words the two sizes were within noise of each other; this one reads fewer rows it does not rank.
    SEARCH_BLOCK = 16_384

    def _ranked_by_window(self, conn: sa.Connection, table: str, q: str, limit: int, columns: str, latest: str
                          ) -> tuple[list[Any], int]:
        """`_ranked` on PostgreSQL: the newest SEARCH_NEWEST matches taken window by window of ids, from the
        highest down, until enough are found or the ids run out; each window's matches ranked by ts_rank there
        and its best `limit` kept; the best `limit` of all, by rank then id (ts_rank is a row's own: no
        statistics of the others).

        A window is a run of whole blocks of ids (SEARCH_BLOCK), asked of the GIN index as the words and any
        of the blocks' lexemes (`words & ('# 15' | '# 14')`, 0013_search_blocks): the index intersects them itself, and
        only the window's matches are read from the table. (Intersecting the words' bitmap, which holds every
        match, with the primary key's range of ids cost a 5%-word at a million claims 28 ms of bitmaps before a
        row was read.) The last window, down to the first id, is the words alone: a rare word's few matches."""
        top = conn.scalar(sa.text(f"SELECT max(id) FROM {table}")) or 0
        # the first window: about the ids that hold the newest matches by the planner's estimate of how many
        # rows match (a quarter more), at most SEARCH_WINDOW (estimates of several words are often far too low)
        expected = conn.execute(sa.text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} WHERE search_vector @@ "
                                        "plainto_tsquery('english', :q)"), {"q": q}).scalar()[0]["Plan"]["Plan Rows"]
        width = min(self.SEARCH_WINDOW, max(1_000, -(-self.SEARCH_NEWEST * top * 5 // (4 * max(expected, 1)))))
        # every window's matches read off the GIN index (a bitmap scan), never by walking the primary key
        # backwards checking each row: for a word in 5% of the claims the planner chose that walk, which read
        # 190,000 claims for 10,000 matches (105-115 ms at a million claims); with the blocks it still chose it
        # for one word in 16% of the sentences
        with planner_setting(conn, "enable_indexscan", "off"):
            return self._windows(conn, table, q, limit, columns, latest, top, width)

    def _windows(self, conn: sa.Connection, table: str, q: str, limit: int, columns: str, latest: str, top: int,
                 width: int) -> tuple[list[Any], int]:
        """`_ranked_by_window`'s walk down the ids, window by window of whole blocks."""
        hits: list[Any] = []
        found, hi = 0, top  # hi: the highest id of the next window
        while hi > 0 and found < self.SEARCH_NEWEST:
            first = max(hi - width + 1, 0) // self.SEARCH_BLOCK  # the window's lowest block
            if first == 0:  # down to the first id: the words alone, below the ids already walked
                where = "s.search_vector @@ plainto_tsquery('english', :q) AND s.id <= :hi"
                blocks = None
            else:
                where = "s.search_vector @@ (plainto_tsquery('english', :q) && CAST(:blocks AS tsquery))"
                blocks = " | ".join(f"'# {b}'" for b in range(hi // self.SEARCH_BLOCK, first - 1, -1))
            # the window's newest `newest` matches, each ranked as it is read (sorting the ids and ranks costs
            # less than sorting the ids with their vectors to rank fewer), kept once for the count and the best
            ranked = (f"SELECT s.id, ts_rank(s.search_vector, plainto_tsquery('english', :q)) AS score "
                      f"FROM {table} s WHERE {where}{latest} ORDER BY s.id DESC LIMIT :newest")
            rows = conn.execute(sa.text(
                f"WITH c AS MATERIALIZED ({ranked}) SELECT f.id, f.score, (SELECT count(*) FROM c) AS ranked"
                f"{columns} FROM (SELECT id, score FROM c ORDER BY score DESC, id LIMIT :n) f "
                f"JOIN {table} s ON s.id = f.id JOIN documents d ON d.id = s.document_id ORDER BY f.score DESC, f.id"),
                {"q": q, "blocks": blocks, "hi": hi, "newest": self.SEARCH_NEWEST - found, "n": limit}).all()
            window = rows[0].ranked if rows else 0
            found += window
            hits += rows
            walked = hi - first * self.SEARCH_BLOCK + 1
            # the next window below: as wide as this one's share of matches says the rest needs (a quarter
            # more), four times as wide where it had none
            width = (4 * walked if not window else
                     max(walked, -(-(self.SEARCH_NEWEST - found) * walked * 5 // (4 * window))))
            hi = first * self.SEARCH_BLOCK - 1
        hits.sort(key=lambda r: (-r.score, r.id))
        return hits[:limit], found

    # -- overview --------------------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        counts = self.store.counts()  # kept by triggers (0008_kbquery, 0010_kbscale), not counted
        latest = counts[LATEST_DOCUMENTS]
        with self.engine.connect() as conn:
            disagreements = conn.scalar(sa.select(sa.func.count()).select_from(t.measures)
                                        .where(t.measures.c.disagreement))
        keep = ("documents", "sentences", "entities", "mentions", "claims", "quantities", "findings", "events",
                "measures")
        return {**{k: counts[k] for k in keep}, "latest_documents": latest, "disagreements": disagreements}

    # -- documents -------------------------------------------------------------------------------------------

    def documents(self, limit: int | None = None, offset: int = 0, all_versions: bool = False,
                  source: str | None = None) -> list[dict[str, Any]]:
        """Stored documents, newest ingested first, with how many claims and findings (by severity) each has.
        source: a document id, or a piece of its path/URL, title or outlet."""
        d, c, f = t.documents, t.claims, t.findings
        query = sa.select(d.c.id, d.c.source, d.c.url, d.c.outlet, d.c.title, d.c.published, d.c.version,
                          d.c.is_latest, d.c.char_count, d.c.ingested_at)
        if not all_versions:
            query = query.where(d.c.is_latest)
        if source:
            like = f"%{source.lower()}%"
            query = query.where(sa.or_(d.c.id == source, *(sa.func.lower(col).like(like) for col in
                                                           (d.c.source, d.c.title, d.c.outlet, d.c.url))))
        with self.engine.connect() as conn:
            rows = sorted(conn.execute(query).all(), key=lambda r: (r.ingested_at, r.id), reverse=True)
            rows = rows[offset:offset + limit] if limit is not None else rows[offset:]
            ids = [r.id for r in rows]
            claims: dict[str, int] = {}
            findings: dict[str, dict[str, int]] = defaultdict(dict)
            for chunk in _chunks(ids):
                claims.update(conn.execute(sa.select(c.c.document_id, sa.func.count()).where(
                    c.c.document_id.in_(chunk)).group_by(c.c.document_id)).all())
                for doc_id, severity, n in conn.execute(sa.select(f.c.document_id, f.c.severity, sa.func.count())
                                                        .where(f.c.document_id.in_(chunk))
                                                        .group_by(f.c.document_id, f.c.severity)):
                    findings[doc_id][severity] = n
        return [{"id": r.id, "source": r.source, "url": r.url, "outlet": r.outlet, "title": r.title,
                 "published": r.published, "version": r.version, "latest": bool(r.is_latest),
                 "characters": r.char_count, "claims": claims.get(r.id, 0),
                 "findings": {s: findings[r.id].get(s, 0) for s in SEVERITIES}} for r in rows]

    def document(self, doc_id: str) -> dict[str, Any]:
        """One stored document as the JSON contract of `extract` (README, "The JSON contract"), rebuilt from the
        tables: entity ids are the knowledge base's (a local entity's `local:type:slug`); `dispatches` is null
        for a document stored before schema 0007_layers kept them. Raises NotFound for an unknown id."""
        d, s, m, e = t.documents, t.sentences, t.mentions, t.entities
        r, cit, f, c = t.reference_entries, t.citations, t.findings, t.claims
        with self.engine.connect() as conn:
            doc = conn.execute(sa.select(d).where(d.c.id == doc_id)).first()
            if doc is None:
                raise NotFound(f"no document {doc_id!r} in the knowledge base")
            sentences = [{"start": x.char_start, "end": x.char_end, "paragraph": x.paragraph}
                         for x in conn.execute(sa.select(s).where(s.c.document_id == doc_id).order_by(s.c.idx))]
            mentions: dict[str, list[dict]] = defaultdict(list)
            for x in conn.execute(sa.select(m).where(m.c.document_id == doc_id).order_by(m.c.char_start, m.c.id)):
                mention = {"start": x.char_start, "end": x.char_end, "text": x.text, "how": x.how}
                if x.facet:
                    mention["facet"] = x.facet
                mentions[x.entity_id].append(mention)
            claim_rows = conn.execute(sa.select(c, d.c.title, d.c.source, d.c.outlet, d.c.published)
                                      .join(d, d.c.id == c.c.document_id).where(c.c.document_id == doc_id)
                                      .order_by(c.c.id)).all()
            claim_dicts = self._claim_dicts(conn, claim_rows)
            ent_ids = set(mentions) | {x["id"] for cl in claim_dicts for role in ("subject", "object", "place")
                                       for x in cl[role]}
            ents = {x.id: x for chunk in _chunks(sorted(ent_ids))
                    for x in conn.execute(sa.select(e).where(e.c.id.in_(chunk)))}
            cited: dict[int, list[dict]] = defaultdict(list)
            for x in conn.execute(sa.select(cit).where(cit.c.document_id == doc_id).order_by(cit.c.marker_start)):
                if x.reference_id is not None:
                    cited[x.reference_id].append({"start": x.marker_start, "end": x.marker_end})
            markers = [{"label": x.label, "start": x.marker_start, "end": x.marker_end, "text": x.marker_text,
                        "resolved": x.reference_id is not None}
                       for x in conn.execute(sa.select(cit).where(cit.c.document_id == doc_id)
                                             .order_by(cit.c.marker_start, cit.c.id))]
            references = [{
                "label": x.label, "publisher": x.publisher, "date": x.published, "title": x.title, "url": x.url,
                "url_date": x.url_date, "authors": list(x.authors or []), "accessed": x.accessed,
                "start": x.char_start, "end": x.char_end, "cited_at": cited.get(x.id, [])}
                for x in conn.execute(sa.select(r).where(r.c.document_id == doc_id).order_by(r.c.idx))]
            findings = []
            sd = t.source_documents
            passage = sa.func.substr(sd.c.text, f.c.source_start + 1, f.c.source_end - f.c.source_start)
            query = (sa.select(f, passage.label("source_text"))
                     .outerjoin(sd, sd.c.id == f.c.source_document_id)
                     .where(f.c.document_id == doc_id).order_by(f.c.idx))
            for x in conn.execute(query):
                suggestion = None
                if x.suggestion_message is not None:
                    suggestion = {"message": x.suggestion_message, "references": list(x.suggestion_references or [])}
                    if x.suggestion_start is not None:
                        suggestion["evidence"] = {"start": x.suggestion_start, "end": x.suggestion_end,
                                                  "text": doc.text[x.suggestion_start:x.suggestion_end]}
                findings.append({"code": x.code, "severity": x.severity, "message": x.message,
                                 "evidence": {"start": x.evidence_start, "end": x.evidence_end,
                                              "text": x.evidence_text},
                                 "references": list(x.reference_labels or []), "suggestion": suggestion,
                                 **({"source": {"reference": x.source_reference, "url": x.source_url,
                                                "document": x.source_document_id, "start": x.source_start,
                                                "end": x.source_end, "text": x.source_text}}
                                    if x.source_document_id is not None else {})})
        inferred = None
        if doc.published_not_before or doc.published_not_after or doc.published_why:
            inferred = {"not_before": doc.published_not_before, "not_after": doc.published_not_after,
                        "why": doc.published_why}
        return {
            "document": {"id": doc.id, "source": doc.source, "url": doc.url, "outlet": doc.outlet,
                         "format": doc.format, "title": doc.title, "authors": list(doc.authors or []),
                         "published": doc.published, "published_inferred": inferred, "dispatches": doc.dispatches,
                         "language": doc.language, "text": doc.text, "rules_version": doc.rules_version,
                         "claimgraph_version": doc.claimgraph_version, "version": doc.version,
                         "latest": bool(doc.is_latest)},
            "entities": [{"id": x.id, "name": x.name, "type": x.type, "wikidata": x.wikidata, "country": x.country,
                          "mentions": mentions.get(x.id, [])} for x in (ents[i] for i in sorted(ents))],
            "claims": [{
                "id": cl["key"].rsplit(":", 1)[-1], "key": cl["key"],
                "subject": [x["id"] for x in cl["subject"]], "predicate": cl["predicate"],
                "object": [x["id"] for x in cl["object"]], "mode": cl["mode"], "negated": cl["negated"],
                "modality": cl["modality"], "attributed_to": cl["attributed_to"], "time": cl["time"],
                "place": [x["id"] for x in cl["place"]], "quantities": cl["quantities"],
                "citations": cl["citations"], "evidence": cl["evidence"], "rule": cl["rule"],
                "rules_version": cl["rules_version"], "sentence": row.sentence_id and _sentence_idx(
                    sentences, cl["evidence"]["start"]), "event": cl["event"], "support": row.support}
                for cl, row in zip(claim_dicts, claim_rows, strict=True)],
            "references": references,
            "citations": markers,
            "sentences": sentences,
            "findings": findings,
        }

    # -- actors ----------------------------------------------------------------------------------------------

    def actor(self, term: str, top: int = 15) -> dict[str, Any]:
        """One entity's profile: names and aliases with counts, its claims as actor and as target by month, the
        actors it is most often linked with (by claims, either direction), the documents that mention it."""
        ids = self.resolve(term)
        eid = ids[0] if len(ids) == 1 or term not in ids else term
        e, a, ce, c, d, de = (t.entities, t.entity_aliases, t.claim_entities, t.claims, t.documents,
                              t.document_entities)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(e).where(e.c.id == eid)).first()
            if row is None:
                raise NotFound(f"no entity {eid!r} in the knowledge base")
            aliases = sorted(conn.execute(sa.select(a.c.alias, a.c.mention_count).where(a.c.entity_id == eid)).all(),
                             key=lambda x: (-x[1], x[0]))
            by_month: dict[tuple[str, str], int] = defaultdict(int)
            claim_ids: dict[str, set[int]] = {"subject": set(), "object": set()}
            for claim_id, role, start, published in conn.execute(
                    sa.select(c.c.id, ce.c.role, c.c.time_start, d.c.published_start)
                    .join(c, c.c.id == ce.c.claim_id).join(d, d.c.id == c.c.document_id)
                    .where(ce.c.entity_id == eid, ce.c.role.in_(["subject", "object"]), d.c.is_latest)):
                day = start or published
                by_month[(day.strftime("%Y-%m") if day else "undated", role)] += 1
                claim_ids[role].add(claim_id)
            mine = sorted(claim_ids["subject"] | claim_ids["object"])
            linked: dict[str, int] = defaultdict(int)
            for chunk in _chunks(mine):
                for other, n in conn.execute(sa.select(ce.c.entity_id, sa.func.count(sa.distinct(ce.c.claim_id)))
                                             .where(ce.c.claim_id.in_(chunk), ce.c.role.in_(["subject", "object"]),
                                                    ce.c.entity_id != eid).group_by(ce.c.entity_id)):
                    linked[other] += n
            top_linked = sorted(linked.items(), key=lambda x: (-x[1], x[0]))[:top]
            names = self._names(conn, (x for x, _ in top_linked))
            docs = conn.execute(sa.select(d.c.id, d.c.title, d.c.source, d.c.outlet, d.c.published,
                                          de.c.mention_count).join(de, de.c.document_id == d.c.id)
                                .where(de.c.entity_id == eid, d.c.is_latest)).all()
        docs = sorted(docs, key=lambda x: (-x.mention_count, _sort_date(x.published), x.id))
        months = sorted({m for m, _ in by_month})
        return {
            "id": row.id, "name": row.name, "type": row.type, "wikidata": row.wikidata, "country": row.country,
            "parent": row.parent, "local": bool(row.is_local), "mentions": row.mention_count,
            "documents": row.document_count, "also": [i for i in ids if i != eid],
            "aliases": [{"alias": x, "count": n} for x, n in aliases],
            "claims_as_subject": len(claim_ids["subject"]), "claims_as_object": len(claim_ids["object"]),
            "over_time": [{"month": mo, "as_subject": by_month.get((mo, "subject"), 0),
                           "as_object": by_month.get((mo, "object"), 0)} for mo in months],
            "linked": [{**names.get(x, {"id": x, "name": x, "type": "other"}), "claims": n} for x, n in top_linked],
            "mentioned_in": [{"id": x.id, "title": x.title, "source": x.source, "outlet": x.outlet,
                              "published": x.published, "mentions": x.mention_count} for x in docs],
        }

    # -- the network -----------------------------------------------------------------------------------------

    def network(self, since: str | None = None, until: str | None = None,
                predicate: Sequence[str] | str | None = None, min_sources: int = 1,
                actor: Sequence[str] | str | None = None, max_edges: int | None = None) -> dict[str, Any]:
        """The actor network for the web page: nodes are entities (with mention counts), one edge per (subject,
        predicate, object) with its claim and source counts, its PLOVER `kind` and first and last date (see
        `exporters.network_tables`, which this filters). since/until: dates the edge's claims overlap (a
        claim's time, else its document's date); predicate: PRED or PRED/mode, several OR-ed; min_sources:
        documents reporting the edge; actor: only edges touching it. max_edges keeps the most reported edges."""
        from claimgraph.store.exporters import KIND_COLOURS, OTHER_COLOUR, TYPE_COLOURS, hex_colour, kind_of, quad_of

        modes = [parse_predicate(p)[1] for p in _as_list(predicate)]  # (also checks each predicate)
        with self.engine.connect() as conn:
            if self.grouped and not (since or until or actor or any(modes)):
                rows, total = self._kept_edges(conn, predicate, min_sources, max_edges)
            else:  # the edges of the claims the filters keep, summed in the database
                c = t.claims
                claims = self._claims_select([c.c.id, c.c.predicate, c.c.document_id, edges.day_column()],
                                             actor=actor, predicate=predicate, since=since, until=until) \
                    .where(sa.not_(c.c.negated)).subquery("edge_claims")
                rows = conn.execute(edges.edge_select(claims, min_sources)).all()
                total = len(rows)
        # rows are (id, source, predicate, target, claims, sources, first, last), kept or summed alike, read by
        # position (a named attribute of a row costs more: the 3,000 edges of a page are most of its CPU)
        kinds = {p: (kind_of(p), quad_of(p), hex_colour(KIND_COLOURS[kind_of(p)])) for p in {r[2] for r in rows}}
        out_edges = [{"id": i, "source": s, "target": o, "predicate": p, "kind": kinds[p][0], "quad": kinds[p][1],
                      "claims": n, "first": first, "last": last, "sources": docs, "colour": kinds[p][2]}
                     for i, s, p, o, n, docs, first, last in rows]
        # the order is Python's, not the database's collation, so SQLite and PostgreSQL cut at the same edge
        out_edges.sort(key=lambda x: (-x["sources"], -x["claims"], x["id"]))
        if max_edges is not None:
            out_edges = out_edges[:max_edges]
        used = {x for edge in out_edges for x in (edge["source"], edge["target"])}
        e = t.entities
        with self.engine.connect() as conn:
            nodes = {i: {"id": i, "name": name, "type": kind, "mentions": mentions, "documents": documents}
                     for i, name, kind, mentions, documents in conn.execute(
                         sa.select(e.c.id, e.c.name, e.c.type, e.c.mention_count, e.c.document_count)
                         .where(names_in(self.store.dialect, e.c.id, sorted(used)))).all()}
        for i in used - set(nodes):  # an id no entity row has (never, unless the tables were edited by hand)
            nodes[i] = {"id": i, "name": i, "type": "other", "mentions": 0, "documents": 0}
        colours = {kind: hex_colour(TYPE_COLOURS.get(kind, OTHER_COLOUR))
                   for kind in {n["type"] for n in nodes.values()}}
        for node in nodes.values():
            node["colour"] = colours[node["type"]]
        return {"nodes": [nodes[i] for i in sorted(used)], "edges": out_edges, "total_edges": total}

    def _kept_edges(self, conn: sa.Connection, predicate, min_sources: int, max_edges: int | None
                    ) -> tuple[list, int]:
        """The edges `network_edges` keeps (see store/network.py) that pass the predicate and min_sources
        filters, and how many pass. With max_edges, the first ones in the network's order (most documents,
        then most claims, then id) read along the rank index: the groups above the cut whole, and the group
        the cut falls in by id, compared as Python compares strings (PostgreSQL: collation "C")."""
        ne = t.network_edges
        keep = [ne.c.sources >= min_sources]
        predicates = sorted({parse_predicate(p)[0] for p in _as_list(predicate)})
        if predicates:
            keep.append(ne.c.predicate.in_(predicates))
        ranked = sa.select(ne).where(*keep)
        # every kept edge has a claim and a document: with no filter, the kept count is the answer (counting
        # the 337,000 edges of the million-claim base read them all: 20-30 ms); with predicates, the counts
        # the grouping kept for them (network.edge_counts), if they add up to the kept count
        kept = self.store.counts()["network_edges"] if min_sources <= 1 else None
        by_predicate = edges.edge_counts(conn) if kept is not None and predicate else None
        if kept is not None and not predicate:
            total = kept
        elif by_predicate is not None and sum(by_predicate.values()) == kept:
            total = sum(by_predicate.get(p, 0) for p in predicates)
        else:
            total = conn.scalar(sa.select(sa.func.count()).select_from(ne).where(*keep))
        if max_edges is None or total <= max_edges:
            return conn.execute(ranked).all(), total
        # the cut: the last kept edge's (sources, claims), read off the index alone; then only the kept rows
        # (reading the first max_edges rows whole and dropping the cut's group read up to 2,500 rows twice)
        cut = conn.execute(sa.select(ne.c.sources, ne.c.claims).where(*keep)
                           .order_by(ne.c.sources.desc(), ne.c.claims.desc()).offset(max_edges - 1).limit(1)).one()
        # two ranges of the rank index, bounded by the cut alone (the cut passes min_sources): as one OR, or
        # with `sources >= min_sources` beside `sources > cut`, SQLite walked all 337,000 edges' index entries
        named = sa.select(ne).where(*keep[1:])
        above = conn.execute(sa.union_all(named.where(ne.c.sources > cut.sources),
                                          named.where(ne.c.sources == cut.sources, ne.c.claims > cut.claims))).all()
        by_id = ne.c.id if self.store.dialect == "sqlite" else sa.collate(ne.c.id, "C")
        rest = conn.execute(named.where(ne.c.sources == cut.sources, ne.c.claims == cut.claims)
                            .order_by(by_id).limit(max_edges - len(above))).all()
        return above + rest, total

    def edge_claims(self, source: str, predicate: str, target: str, limit: int | None = 200) -> list[dict[str, Any]]:
        """The claims behind one network edge (subject `source`, `predicate`, object `target`; ids)."""
        pred, _ = parse_predicate(predicate)
        c, ce, d = t.claims, t.claim_entities, t.documents
        subj = sa.select(ce.c.claim_id).where(ce.c.entity_id == source, ce.c.role == "subject")
        obj = sa.select(ce.c.claim_id).where(ce.c.entity_id == target, ce.c.role == "object")
        query = (sa.select(c, d.c.title, d.c.source, d.c.outlet, d.c.published, d.c.published_start)
                 .join(d, d.c.id == c.c.document_id)
                 .where(d.c.is_latest, c.c.predicate == pred, sa.not_(c.c.negated), c.c.id.in_(subj),
                        c.c.id.in_(obj)))
        with self.engine.connect() as conn:
            rows = sorted(conn.execute(query).all(),
                          key=lambda r: (_sort_date(_iso(r.time_start or r.published_start)), r.key))
            return self._claim_dicts(conn, rows[:limit] if limit is not None else rows)

    def search_claims(self, text: str, limit: int = 20) -> SearchHits:
        """Claims whose evidence (or predicate) matches words of `text`, best first (FTS5 / tsvector), ranked
        among the newest SEARCH_NEWEST matches (as `search`)."""
        words = re.findall(r"\w+", text)
        if not words:
            return SearchHits([], 0, self.SEARCH_NEWEST)
        c, d = t.claims, t.documents
        with self.engine.connect() as conn:
            best, ranked = self._ranked(conn, "claims", words, limit, "")
            rank = {r.id: i for i, r in enumerate(best)}
            rows = conn.execute(sa.select(c, d.c.title, d.c.source, d.c.outlet, d.c.published)
                                .join(d, d.c.id == c.c.document_id).where(ids_in(c.c.id, list(rank)))).all()
            rows.sort(key=lambda r: rank[r.id])
            return SearchHits(self._claim_dicts(conn, rows), ranked, self.SEARCH_NEWEST)


def _sentence_idx(sentences: list[dict[str, Any]], offset: int) -> int | None:
    for i, s in enumerate(sentences):
        if s["start"] <= offset < s["end"]:
            return i
    return None
