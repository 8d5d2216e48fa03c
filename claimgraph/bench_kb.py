"""Questions at scale: fill a knowledge base with synthetic reporting, then time every question on it.

    python -m claimgraph.bench_kb --claims 1000000 --db /tmp/kb.db          # SQLite
    python -m claimgraph.bench_kb --claims 1000000 --postgres               # a throwaway Debian PostgreSQL
    python -m claimgraph.bench_kb --db /tmp/kb.db --no-generate              # time the questions again

The generator writes through the same path ingest does (`DocumentRows` -> `loader.write_batch`), in batches,
then groups events and measures once (`Store.regroup`). Its shapes imitate conflict reporting: actors named
with a Zipf-like frequency (a few everywhere, a long tail seen once or twice), years of dates, places that
recur, incidents reported by several outlets (each report a claim of its own, sometimes with a casualty figure
that differs from the other outlets'), claims with and without a time of their own. Names are made-up
syllables: nothing here names a real actor, place or outlet.

The bench then asks each question of the CLI/API (`claimgraph.store.kb.KnowledgeBase`: actors, claims with each
filter, timeline, disagreements, search) `--repeat` times with varied arguments (actors drawn across the
frequency ranks) and prints p50 and p95 per question.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from claimgraph.store.rows import DocumentRows

ACTOR_TYPES = ("armed_group", "state", "military", "government", "political_org", "person", "agency",
               "population", "organization")
# PLOVER types only (kb.parse_predicate refuses others: the bench's `claims --predicate` asks for each)
EVENT_PREDICATES = ("ASSAULT", "ASSAULT", "ASSAULT", "COERCE", "COERCE", "PROTEST", "DISAPPROVE", "THREATEN",
                    "CONSULT", "AGREE", "DEMAND", "SUPPORT", "AID", "MOBILIZE", "REJECT", "CONCEDE", "RETREAT",
                    "SANCTION")
STANDING = ("ALLIED_WITH", "HOSTILE_TO", "OPERATES_IN")
VERBS = {"ASSAULT": "attacked", "COERCE": "detained members of", "PROTEST": "protested against",
         "DISAPPROVE": "accused", "THREATEN": "threatened", "CONSULT": "met", "AGREE": "agreed with",
         "DEMAND": "called on", "SUPPORT": "backed", "AID": "sent aid to", "MOBILIZE": "deployed against",
         "REJECT": "rejected", "CONCEDE": "released prisoners of", "RETREAT": "withdrew from",
         "SANCTION": "sanctioned", "ALLIED_WITH": "is allied with", "HOSTILE_TO": "is hostile to",
         "OPERATES_IN": "operates near"}
MODALITIES = ("asserted",) * 5 + ("reported",) * 3 + ("quoted",) * 2 + ("speculative", "opinion")
SYLLABLES = ("ka", "ru", "mel", "tor", "vin", "sa", "dor", "bel", "ish", "ran", "go", "zul", "pe", "tam", "nor",
             "qi", "lo", "har", "den", "yu", "fa", "mir", "ost", "ul", "ven", "cha", "bri", "tek", "om", "lai")
GROUP_WORDS = ("Front", "Movement", "Brigade", "Council", "Army", "Party", "Union", "Guard", "Alliance", "Forces")
WHOM = ("civilians", "soldiers", "people", "police officers", "militants")
START = dt.date(2015, 1, 1)
YEARS = 10


def _name(rng: random.Random, words: int) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
                    for _ in range(words))


@dataclass(frozen=True)
class Entity:
    """A synthetic entity: its knowledge-base id, name, type and a second name some outlets use."""

    id: str
    name: str
    type: str
    alias: str


def _zipf_index(rng: random.Random, n: int, s: float = 1.1) -> int:
    """A rank in [0, n) with probability ~ 1 / (rank + 1)^s (inverse transform on the continuous form)."""
    u = rng.random()
    a = 1.0 - s
    x = ((n ** a - 1.0) * u + 1.0) ** (1.0 / a)
    return min(n - 1, int(x) - 1)


class World:
    """The entities and outlets the generator draws from (deterministic for a seed)."""

    def __init__(self, claims: int, seed: int) -> None:
        rng = random.Random(seed)
        n_actors = max(50, int(claims ** 0.72))  # 1M claims: ~21k actors; 10k claims: ~750
        n_places = max(30, n_actors // 8)
        self.actors: list[Entity] = []
        seen: set[str] = set()
        while len(self.actors) < n_actors:
            etype = ACTOR_TYPES[min(len(ACTOR_TYPES) - 1, _zipf_index(rng, len(ACTOR_TYPES), 1.3))]
            name = _name(rng, 1) + " " + rng.choice(GROUP_WORDS) if etype in ("armed_group", "political_org") \
                else _name(rng, 1 if etype == "state" else 2)
            slug = name.lower().replace(" ", "-")
            if slug in seen:
                continue
            seen.add(slug)
            initials = "".join(w[0] for w in name.split()).upper() + str(len(self.actors) % 97)
            self.actors.append(Entity(f"local:{etype}:{slug}", name, etype, initials))
        self.places: list[Entity] = []
        while len(self.places) < n_places:
            name = _name(rng, 1)
            slug = name.lower()
            if "place:" + slug in seen:
                continue
            seen.add("place:" + slug)
            self.places.append(Entity(f"local:place:{slug}", name, "place", name + " district"))
        self.outlets = [f"{_name(rng, 1)} {rng.choice(('Times', 'Post', 'Herald', 'News', 'Daily', 'Wire'))}"
                        for _ in range(max(20, n_actors // 100))]

    def actor(self, rng: random.Random) -> Entity:
        return self.actors[_zipf_index(rng, len(self.actors))]

    def place(self, rng: random.Random) -> Entity:
        return self.places[_zipf_index(rng, len(self.places), 1.05)]


@dataclass
class Incident:
    predicate: str
    subject: Entity
    obj: Entity
    place: Entity
    day: dt.date
    killed: int | None


class _Text:
    """A document's text built sentence by sentence, with the offsets of what each sentence names."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, pieces: list[tuple[str, Any]]) -> tuple[int, int, dict[Any, tuple[int, int]]]:
        start = self.length + (1 if self.parts else 0)
        if self.parts:
            self.parts.append(" ")
            self.length += 1
        spans = {}
        for text, tag in pieces:
            if tag is not None:
                spans[tag] = (self.length, self.length + len(text))
            self.parts.append(text)
            self.length += len(text)
        return start, self.length, spans

    def value(self) -> str:
        return "".join(self.parts)


def generate(claims: int, seed: int = 7, claims_per_document: int = 10) -> Iterator[DocumentRows]:
    """DocumentRows of synthetic reports until `claims` claims are made (in publication order)."""
    from claimgraph import __version__
    from claimgraph.store.rows import full_rules_version

    rules = full_rules_version()
    world = World(claims, seed)
    rng = random.Random(seed + 1)
    # documents until `claims` claims are made: a report drops the sentences whose two actors coincide (a few
    # per cent), so a fixed number of documents fell short of the target; dates spread over the expected number
    # of documents (the few beyond it share the last day)
    n_docs = max(1, claims // claims_per_document)
    days = YEARS * 365
    recent: list[Incident] = []
    made = n = 0
    while made < claims:
        published = START + dt.timedelta(days=min(n, n_docs - 1) * days // n_docs)
        recent = [i for i in recent if (published - i.day).days <= 4]
        outlet = world.outlets[_zipf_index(rng, len(world.outlets), 0.8)]
        k = min(claims - made, max(1, int(rng.gauss(claims_per_document, 3))))
        rows = _document(rng, world, n, published, outlet, k, recent, rules, __version__)
        made += len(rows.claims)
        n += 1
        yield rows


def _document(rng: random.Random, world: World, n: int, published: dt.date, outlet: str, k: int,
              recent: list[Incident], rules: str, version: str) -> DocumentRows:
    text = _Text()
    sentences, claims, mentions = [], [], []
    entities: dict[str, dict[str, Any]] = {}
    aliases: dict[tuple[str, str], int] = {}

    def mention(e: Entity, span: tuple[int, int], surface: str, sentence: int) -> None:
        row = entities.setdefault(e.id, {"entity_id": e.id, "local_id": f"e{len(entities)}", "name": e.name,
                                         "type": e.type, "wikidata": None, "country": None, "parent": None,
                                         "is_local": True, "mention_count": 0})
        row["mention_count"] += 1
        aliases[(e.id, surface)] = aliases.get((e.id, surface), 0) + 1
        mentions.append({"entity_id": e.id, "sentence_idx": sentence, "char_start": span[0], "char_end": span[1],
                         "text": surface, "how": "gazetteer", "facet": None})

    for i in range(k):
        standing = rng.random() < 0.04
        if standing:
            inc = Incident(rng.choice(STANDING), world.actor(rng), world.actor(rng), world.place(rng), published,
                           None)
        elif recent and rng.random() < 0.55:  # another outlet's report of a recent incident
            inc = rng.choice(recent)
        else:
            predicate = rng.choice(EVENT_PREDICATES)
            inc = Incident(predicate, world.actor(rng), world.actor(rng), world.place(rng),
                           published - dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3))),
                           int(rng.paretovariate(1.2)) if predicate == "ASSAULT" and rng.random() < 0.5 else None)
            if inc.subject.id != inc.obj.id:
                recent.append(inc)
        if inc.subject.id == inc.obj.id:
            continue
        timed = not standing and rng.random() < 0.6
        subj = inc.subject.alias if rng.random() < 0.15 else inc.subject.name
        obj = inc.obj.alias if rng.random() < 0.15 else inc.obj.name
        pieces: list[tuple[str, Any]] = [(subj, "s"), (" " + VERBS[inc.predicate] + " ", None), (obj, "o"),
                                         (" in ", None), (inc.place.name, "p")]
        killed = None
        if inc.killed is not None and rng.random() < 0.8:
            # outlets disagree now and then: an early count, a rounded one, a range
            killed = inc.killed + (rng.choice((-2, -1, 1, 3)) if rng.random() < 0.25 else 0)
            killed = max(1, killed)
            qualifier = rng.choice((None, None, None, "at least", "around"))
            whom = WHOM[inc.killed % len(WHOM)]
            figure = f"{qualifier + ' ' if qualifier else ''}{killed} {whom}"
            pieces += [(", killing ", None), (figure, "q")]
        if timed:
            pieces += [(" on ", None), (inc.day.strftime("%B %-d, %Y"), "t")]
        pieces.append(("." if rng.random() < 0.8 else f", {rng.choice(('officials said', 'witnesses said'))}.",
                       None))
        start, end, spans = text.add(pieces)
        sentences.append({"idx": len(sentences), "paragraph": len(sentences) // 3, "char_start": start,
                          "char_end": end, "text": "".join(p for p, _ in pieces)})
        idx = len(sentences) - 1
        mention(inc.subject, spans["s"], subj, idx)
        mention(inc.obj, spans["o"], obj, idx)
        mention(inc.place, spans["p"], inc.place.name, idx)
        quantities = []
        if killed is not None:
            qualifier = next((w for w in ("at least", "around") if figure.startswith(w)), None)
            quantities.append({"idx": 0, "value": float(killed), "low": float(killed) if qualifier == "at least"
                               else None, "high": None, "qualifier": qualifier, "unit": None, "what": "killed",
                               "whom": whom, "vague": None, "char_start": spans["q"][0], "char_end": spans["q"][1],
                               "text": figure, "restates_start": None, "restates_end": None})
        claims.append({
            "key": f"{{doc}}:c{i}", "local_id": f"c{i}", "sentence_idx": idx, "predicate": inc.predicate,
            "mode": None, "negated": rng.random() < 0.03,
            "modality": rng.choice(MODALITIES), "attributed_to": None, "attributed_entity_id": None,
            "time_text": pieces[-2][0] if timed else None, "time_start": inc.day if timed else None,
            "time_end": inc.day if timed else None, "time_relative": False if timed else None,
            "time_char_start": spans["t"][0] if timed else None, "time_char_end": spans["t"][1] if timed else None,
            "evidence_start": start, "evidence_end": end, "evidence_text": sentences[-1]["text"],
            "rule": "bench_kb.synthetic", "rules_version": rules,
            "subjects": [inc.subject.id], "objects": [inc.obj.id], "places": [inc.place.id], "citations": [],
            "quantities": quantities,
        })
    body = text.value() or "Nothing to report."
    title = f"{outlet}: report {n}"
    doc_id = hashlib.sha1(f"{n}\n{body}".encode()).hexdigest()[:32]
    for c in claims:
        c["key"] = c["key"].replace("{doc}", doc_id)
    dated = rng.random() < 0.97
    source = f"https://{outlet.lower().replace(' ', '')}.example/{published.isoformat()}/{n}"
    return DocumentRows(
        id=doc_id, source=source, source_key=source,
        document={"id": doc_id, "source": source, "url": source, "outlet": outlet, "format": "html",
                  "title": title, "authors": [], "published": published.isoformat() if dated else None,
                  "published_start": published if dated else None, "published_end": published if dated else None,
                  "published_not_before": None, "published_not_after": None, "published_why": None,
                  "language": "en", "char_count": len(body), "text": body, "rules_version": rules,
                  "claimgraph_version": version},
        sentences=sentences, entities=sorted(entities.values(), key=lambda r: r["entity_id"]),
        aliases=[{"entity_id": e, "alias": a, "mention_count": c} for (e, a), c in sorted(aliases.items())],
        mentions=mentions, claims=claims)


def more_documents(claims: int, seed: int, n: int = 10, nonce: int = 0) -> list[DocumentRows]:
    """`n` further reports about the same world as `generate(claims, seed)` (its actors and places), on
    random days of its years: what a day's ingest adds to a large base."""
    from claimgraph import __version__
    from claimgraph.store.rows import full_rules_version

    world = World(claims, seed)
    rng = random.Random(f"more:{seed}:{nonce}")
    out = []
    for i in range(n):
        published = START + dt.timedelta(days=rng.randrange(YEARS * 365))
        outlet = world.outlets[_zipf_index(rng, len(world.outlets), 0.8)]
        out.append(_document(rng, world, 10**9 + nonce * 1000 + i, published, outlet, 10, [],
                             full_rules_version(), __version__))
    return out


#: Rows per COPY (or executemany) when `copy_base` copies a table: bounded memory for a 3-million-row table.
COPY_ROWS = 50_000


def copy_base(source, target, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of the knowledge base `source` (a Store) into the empty one `target`, table by table in
    foreign-key order, through the loader's bulk insert (COPY on PostgreSQL); ids are kept and the id sequences
    moved past them. `kb_counts` is left to the target's own triggers (they count the copied rows). The same
    generated and grouped base on SQLite and PostgreSQL, without generating and grouping it twice.
    Returns the rows copied per table."""
    import sqlalchemy as sa

    from claimgraph.store import schema as t
    from claimgraph.store.loader import bulk_insert

    with target.engine.connect() as conn:
        filled = [table.name for table in t.metadata.sorted_tables if table is not t.kb_counts
                  and conn.scalar(sa.select(sa.literal(1)).select_from(table).limit(1))]
    if filled:
        raise SystemExit(f"{target.url} is not empty ({', '.join(filled)}): copy into a new knowledge base")
    if target.dialect == "postgresql" and source.dialect == "sqlite":
        return _copy_sqlite_to_postgres(source, target, progress)
    copied: dict[str, int] = {}
    with source.engine.connect() as src, target.engine.connect() as dst:
        for table in t.metadata.sorted_tables:
            if table is t.kb_counts:
                continue
            n = 0
            with dst.begin():
                rows = src.execution_options(yield_per=COPY_ROWS).execute(sa.select(table))
                for chunk in rows.mappings().partitions():
                    bulk_insert(dst, table, [dict(r) for r in chunk])
                    n += len(chunk)
                if target.dialect == "postgresql" and "id" in table.c and n:
                    _move_sequence(dst, table.name)
            copied[table.name] = n
            if progress:
                progress(table.name, n)
    return copied


def _move_sequence(dst, table: str) -> None:
    """PostgreSQL: the id sequence of `table` (if it has one) moved past the copied ids, so that the next
    insert takes the next id."""
    import sqlalchemy as sa

    sequence = dst.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
    if sequence:
        dst.execute(sa.text(f"SELECT setval(:s, (SELECT max(id) FROM {table}))"), {"s": sequence})


def _copy_sqlite_to_postgres(source, target, progress: Callable[[str, int], None] | None) -> dict[str, int]:
    """copy_base from SQLite into PostgreSQL, in one transaction, built for a million claims (~11M rows).

    The row-by-row path (SQLAlchemy rows turned into dicts, every value through its type's processors, then
    COPY into tables with all their indexes and foreign keys) took ~35 min for the 1M-claim bench_kb base. Here:
    - the SQLite rows are read with the driver's own cursor and written to COPY as they come (SQLite's text
      dates, 0/1 booleans and JSON text are what PostgreSQL's COPY reads for date, boolean and json); only a
      JSON `null` becomes SQL NULL, as the loader stores a None;
    - the secondary indexes (B-tree, trigram and full-text GIN) and the foreign keys are dropped for the copy
      and built again from their own definitions (pg_get_indexdef / pg_get_constraintdef) once the rows are
      in: one sorted build instead of 11M random index insertions; re-adding a foreign key checks every row;
    - primary keys and unique constraints stay (they check the copy as it goes), and so do the kb_counts
      triggers (one per COPY statement: they count the copied rows as on any write).
    The transaction makes it all or nothing: a failed copy leaves the target empty, with its indexes."""
    import sqlalchemy as sa

    from claimgraph.store import schema as t

    tables = [table for table in t.metadata.sorted_tables if table is not t.kb_counts]
    names = [table.name for table in tables]
    copied: dict[str, int] = {}
    with source.engine.connect() as src, target.engine.connect() as dst, dst.begin():
        reader = src.connection.driver_connection.cursor()
        rebuild = _drop_for_copy(dst, names)
        cursor = dst.connection.driver_connection.cursor()
        for table in tables:
            columns = [c.name for c in table.columns]
            json_at = [i for i, c in enumerate(table.columns) if isinstance(c.type, sa.JSON)]
            reader.execute(f"SELECT {', '.join(columns)} FROM {table.name}")
            n = 0
            while rows := reader.fetchmany(COPY_ROWS):
                if json_at:  # the SQLite JSON type stores a None as the text 'null'
                    rows = [tuple(None if i in json_at and v == "null" else v for i, v in enumerate(row))
                            for row in rows]
                with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                n += len(rows)
            if "id" in table.c and n:
                _move_sequence(dst, table.name)
            copied[table.name] = n
            if progress:
                progress(table.name, n)
        for what, built in rebuild.items():
            for sql in built:
                dst.exec_driver_sql(sql)
            if progress:
                progress(what, len(built))
        cursor.close()
        reader.close()
    return copied


def _drop_for_copy(conn, tables: list[str]) -> dict[str, list[str]]:
    """Drop the foreign keys and the indexes that back no constraint of `tables` (current schema); the SQL
    that builds each again: {"indexes": [...], "foreign keys": [...]}, in that order (a foreign key may rely on
    a unique index)."""
    import sqlalchemy as sa

    keys = conn.execute(sa.text(
        "SELECT format('%I', conname), conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace "
        "AND conrelid::regclass::text = ANY(:tables) ORDER BY conrelid::regclass::text, conname"),
        {"tables": tables}).all()
    indexes = conn.execute(sa.text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = current_schema()::regnamespace "
        "AND c.relname = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = "
        "i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY 1"),
        {"tables": tables}).all()
    for name, table, _definition in keys:
        conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _definition in indexes:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    return {"indexes": [definition for _name, definition in indexes],
            "foreign keys": [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
                             for name, table, definition in keys]}


def fill(store, claims: int, seed: int = 7, batch: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Write a synthetic knowledge base of about `claims` claims into `store` and group it; documents written."""
    pending: list[DocumentRows] = []
    written = made = 0
    for rows in generate(claims, seed):
        pending.append(rows)
        made += len(rows.claims)
        if len(pending) >= batch:
            store.write_batch(pending)
            written += len(pending)
            pending = []
            if progress:
                progress(made)
    store.write_batch(pending)
    return written + len(pending)


# -- the questions ------------------------------------------------------------------------------------------


#: The questions that read the grouping (events, measures): left out by `--no-group`.
GROUPED = ("timeline", "timeline --with", "disagreements", "disagreements --what", "network", "network --predicate")


def questions(kb, seed: int = 11, page: int = 50) -> dict[str, Callable[[random.Random], Any]]:
    """Each CLI/API question as a callable drawing its arguments (entities across frequency ranks) from rng."""
    import sqlalchemy as sa

    from claimgraph.store import schema as t

    with kb.engine.connect() as conn:
        actors = list(conn.scalars(sa.select(t.entities.c.id).where(t.entities.c.type != "place")
                                   .order_by(t.entities.c.document_count.desc(), t.entities.c.id)))
        places = list(conn.scalars(sa.select(t.entities.c.id).where(t.entities.c.type == "place")
                                   .order_by(t.entities.c.document_count.desc(), t.entities.c.id)))
        outlets = sorted(set(conn.scalars(sa.select(t.documents.c.outlet).where(t.documents.c.outlet.is_not(None))
                                          .limit(2000))))
        span = conn.execute(sa.select(sa.func.min(t.claims.c.first_day), sa.func.max(t.claims.c.last_day))).one()
        whats = sorted({w for w in conn.scalars(sa.select(t.measures.c.what).limit(1000)) if w})
    first, last = span if span[0] else (START, START)

    def ranked(rng: random.Random, ids: list[str]) -> str:
        """An id from the top ten, the top thousand or the tail, a third of the time each."""
        band = rng.randrange(3)
        top = (10, 1000, len(ids))[band]
        return ids[rng.randrange(min(top, len(ids)))]

    def month(rng: random.Random) -> str:
        d = first + dt.timedelta(days=rng.randrange(max(1, (last - first).days)))
        return d.strftime("%Y-%m")

    words = ("attacked", "protested", "killing", "officials", "released prisoners", "withdrew", "sanctioned")
    return {
        "actors": lambda rng: kb.actors(limit=page),
        "claims": lambda rng: kb.claims(limit=page),
        "claims --actor": lambda rng: kb.claims(actor=ranked(rng, actors), limit=page),
        "claims --predicate": lambda rng: kb.claims(predicate=rng.choice(EVENT_PREDICATES), limit=page),
        "claims --since --until": lambda rng: kb.claims(since=(m := month(rng)), until=m, limit=page),
        "claims --since": lambda rng: kb.claims(since=month(rng), limit=page),
        "claims --place": lambda rng: kb.claims(place=ranked(rng, places), limit=page),
        "claims --modality": lambda rng: kb.claims(modality=rng.choice(MODALITIES), limit=page),
        "claims --source": lambda rng: kb.claims(source=rng.choice(outlets).split()[0].lower(), limit=page),
        "claims --actor --predicate --since": lambda rng: kb.claims(
            actor=ranked(rng, actors), predicate="ASSAULT", since=month(rng)[:4], limit=page),
        "timeline": lambda rng: kb.timeline(ranked(rng, actors), limit=page),
        "timeline --with": lambda rng: kb.timeline(actors[rng.randrange(10)], with_=ranked(rng, actors),
                                                   limit=page),
        "disagreements": lambda rng: kb.disagreements(limit=page),
        "disagreements --what": lambda rng: kb.disagreements(what=rng.choice(whats or ["killed"]), limit=page),
        "search": lambda rng: kb.search(rng.choice(words), limit=20),
        "search claims": lambda rng: kb.search_claims(rng.choice(words), limit=20),
        "stats": lambda rng: kb.stats(),
        # the network page's first answer (its default cap of 3,000 edges: web/api.py), read off network_edges
        "network": lambda rng: kb.network(max_edges=3000),
        "network --predicate": lambda rng: kb.network(predicate=rng.choice(EVENT_PREDICATES), max_edges=3000),
    }


def _p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank: the ceil(0.95 n)-th smallest (of 20 askings the 19th, as
    bench/README.md has always said; until session 8 this took the next one up, the slowest of 20, which the
    tables report as max beside it)."""
    values = sorted(values)
    return values[max(0, math.ceil(0.95 * len(values)) - 1)]


def time_questions(kb, repeat: int = 20, seed: int = 11, grouped: bool = True) -> dict[str, dict[str, float]]:
    """{question: {p50, p95, max, cpu_p50, cpu_p95} in ms} over `repeat` askings each (after one warm-up
    asking). p50/p95/max are wall-clock; cpu_* the CPU time of this process (on SQLite all of the question's
    work, the database engine included; on PostgreSQL the client's side only): on a shared machine the wall
    clock also counts the time the process waited for a core. On a PostgreSQL server of this machine also
    server_cpu_p50/p95 and total_cpu_p50/p95: its processes' CPU time, and that plus the client's (the
    question's whole work, as cpu_* on SQLite). grouped: False leaves out GROUPED."""
    import gc

    rng = random.Random(seed)
    out = {}
    server_cpu = _server_cpu(kb.store)
    asks = questions(kb, seed)
    for name, ask in asks.items():  # warm the caches as a server would be
        if grouped or name not in GROUPED:
            ask(random.Random(seed))
    # what is loaded by now (the gazetteer, the rules, SQLAlchemy's tables) stays: out of the collector's
    # reach, as a long-running server would freeze its start-up objects. Otherwise every full collection
    # walks it, and the question that triggers one takes 30-60 ms more (measured at a million claims, the
    # outliers went with the collector turned off)
    gc.collect()
    gc.freeze()
    for name, ask in asks.items():
        if not grouped and name in GROUPED:
            continue
        times, cpu, server = [], [], []
        for _ in range(repeat):
            server_started = server_cpu() if server_cpu else 0.0
            started, cpu_started = time.perf_counter(), time.process_time()
            ask(rng)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            if server_cpu:
                server.append((server_cpu() - server_started) * 1000)
        out[name] = {"p50": statistics.median(times), "p95": _p95(times), "max": max(times),
                     "cpu_p50": statistics.median(cpu), "cpu_p95": _p95(cpu)}
        if server:
            total = [a + b for a, b in zip(cpu, server, strict=True)]
            out[name].update(server_cpu_p50=statistics.median(server), server_cpu_p95=_p95(server),
                             total_cpu_p50=statistics.median(total), total_cpu_p95=_p95(total))
    gc.unfreeze()
    return out


def _server_cpu(store) -> Callable[[], float] | None:
    """On a PostgreSQL server that runs on this machine (readable under /proc): a function giving the CPU
    seconds its processes have used so far (the postmaster's children: the connections' backends and their
    parallel workers); else None. The server should serve nothing else while the bench runs."""
    import os

    if store.dialect != "postgresql":
        return None
    with store.engine.connect() as conn:
        backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()

    def stat(pid: int | str) -> list[str] | None:
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None

    mine = stat(backend)
    if mine is None:  # another machine's server, or another container's
        return None
    postmaster = mine[1]

    def used() -> float:
        total = 0
        for pid in os.listdir("/proc"):
            if pid.isdigit() and (fields := stat(pid)) is not None and fields[1] == postmaster:
                try:  # the time on a core in ns (the scheduler's; utime/stime count 10 ms ticks)
                    with open(f"/proc/{pid}/schedstat") as f:
                        total += int(f.read().split()[0])
                except OSError:  # ended meanwhile
                    pass
        return total / 1e9

    return used


def _postgres_server():
    """A throwaway Debian PostgreSQL in a temporary folder (as tests/conftest_pg.py starts one)."""
    import contextlib
    import glob
    import os
    import pwd
    import shutil
    import socket
    import subprocess
    import tempfile
    from pathlib import Path

    @contextlib.contextmanager
    def server():
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
        bindir = Path(found[-1]).parent
        base = Path(tempfile.mkdtemp(prefix="claimgraph-bench-pg-"))
        prefix: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(base, pw.pw_uid, pw.pw_gid)
            prefix = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        data, log = base / "data", base / "server.log"
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True)
        options = f"-k {base} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
                  "-c full_page_writes=off -c shared_buffers=512MB -c max_wal_size=4GB"
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
                        "start"], check=True, capture_output=True)
        try:
            import psycopg

            with psycopg.connect(host=str(base), port=port, user="postgres", dbname="postgres",
                                 autocommit=True) as conn:
                conn.execute("CREATE DATABASE bench")
            yield f"postgresql://postgres@/bench?host={base}&port={port}"
        finally:
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True)
            shutil.rmtree(base, ignore_errors=True)

    return server()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m claimgraph.bench_kb", description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000, help="claims to generate (default 1,000,000)")
    parser.add_argument("--db", help="SQLite file or postgresql:// URL (default: a new file in /tmp)")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL and use it")
    parser.add_argument("--no-generate", action="store_true", help="only time the questions on --db")
    parser.add_argument("--copy-from", metavar="DB", help="instead of generating, copy this (generated, grouped) "
                        "knowledge base into --db, which must be empty: the same base on SQLite and PostgreSQL")
    parser.add_argument("--repeat", type=int, default=20, help="askings of each question (default 20)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--add", type=int, default=10, help="then ingest this many more documents and regroup "
                        "incrementally, timed (default 10; 0: skip)")
    parser.add_argument("--no-group", action="store_true", help="do not group events and measures (a full "
                        "regroup of a million claims takes most of an hour on a busy machine): time the other "
                        "questions only, and add no documents")
    parser.add_argument("--json", action="store_true", help="print the timings as JSON")
    args = parser.parse_args(argv)
    if args.postgres:
        with _postgres_server() as url:
            return _run(url, args)
    if args.db is None:
        import tempfile

        args.db = tempfile.mktemp(prefix="claimgraph-bench-", suffix=".db", dir="/tmp")
    return _run(args.db, args)


def _run(url: str, args) -> int:
    from claimgraph.store import Store
    from claimgraph.store.engine import open_engine
    from claimgraph.store.kb import KnowledgeBase

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with Store(url) as store:
        say(f"knowledge base: {store.url}")
        if args.copy_from:
            started = time.perf_counter()
            # read as it is, not migrated: the source may be someone else's base (a later revision that only
            # adds PostgreSQL indexes changes nothing copied)
            with Store(engine=open_engine(args.copy_from, migrate_schema=False)) as source:
                copied = copy_base(source, store, progress=lambda name, n: say(
                    f"  {name}: {n:,} rows, {time.perf_counter() - started:.0f} s"))
            say(f"copied {sum(copied.values()):,} rows in {time.perf_counter() - started:.1f} s")
            _analyze(store)
        elif not args.no_generate:
            started = time.perf_counter()
            docs = fill(store, args.claims, args.seed,
                        progress=lambda n: say(f"  {n:,} claims, {time.perf_counter() - started:.0f} s")
                        if n % 100_000 < 5_000 else None)
            written = time.perf_counter() - started
            say(f"wrote {docs:,} documents in {written:.1f} s")
            if args.no_group:
                _analyze(store)
        if store.grouping_marker() is None and not args.no_group:
            say("grouping ...")
            started = time.perf_counter()
            grouping = store.regroup()
            say(f"grouped in {time.perf_counter() - started:.1f} s: {grouping}")
            _analyze(store)
        counts = store.counts()
        say(", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
        with KnowledgeBase(store, regroup=not args.no_group) as kb:
            timings = time_questions(kb, args.repeat, grouped=not args.no_group)
        incremental = None
        if args.add and not args.no_group:
            from claimgraph.store.loader import Loader

            started = time.perf_counter()
            load = Loader(store)
            for rows in more_documents(args.claims, args.seed, args.add, nonce=int(time.time())):
                load.add(rows.source, rows)
            _, grouping = load.finish()
            incremental = {"documents": args.add, "seconds": time.perf_counter() - started, **grouping}
            say(f"{args.add} more documents written and regrouped in {incremental['seconds']:.2f} s: {grouping}")
    if args.json:
        print(json.dumps({"db": store.url, "counts": counts, "questions": timings, "incremental": incremental},
                         indent=2))
    else:
        print(f"{'question':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50':>8} {'cpu p95':>8}")
        for name, t in timings.items():
            print(f"{name:<40} {t['p50']:8.1f} {t['p95']:8.1f} {t['max']:8.1f} {t['cpu_p50']:8.1f} "
                  f"{t['cpu_p95']:8.1f}")
    return 0


def _analyze(store) -> None:
    """The planner's statistics, as after any bulk load. On PostgreSQL a VACUUM too: a freshly copied table's
    visibility map is empty, so an index-only scan would still read every row's heap page to check it is
    visible (as autovacuum would later, done now, before the questions are timed)."""
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
            return
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


if __name__ == "__main__":
    raise SystemExit(main())
