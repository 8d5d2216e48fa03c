"""Bulk writing: many documents per transaction, set-based inserts, COPY on PostgreSQL.

`write_batch(conn, batch)` stores a list of `DocumentRows` inside the caller's transaction. The transaction is
the unit a kill can cut: a batch is in whole or not at all, so a document is never half in, whatever the batch
size. The rows of every document of the batch go in table by table: one executemany per table on SQLite, one
`COPY ... FROM STDIN` per table on PostgreSQL; entity and alias counts are summed over the batch in Python and
upserted once (on PostgreSQL: COPY into a temporary staging table, then one `INSERT ... SELECT ... ON CONFLICT`).
Rows that others point at (sentences, reference entries, claims) get their ids here, before the insert: on
SQLite from `max(id)` (the write transaction holds the database's write lock, so nobody else can take them),
on PostgreSQL from the table's sequence.

`Loader` is what ingest's loop calls once per extracted document: it buffers documents and writes them every
BATCH_DOCUMENTS documents or BATCH_SECONDS seconds, whichever comes first, and at the end regroups events and
measures incrementally (only what the new documents touch, see `grouping.regroup_documents`) when nothing else
changed the knowledge base meanwhile, else fully.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from claimgraph.store import schema as t
from claimgraph.store.rows import DocumentRows

ADDED, VERSION, UNCHANGED = "added", "new_version", "unchanged"

#: Documents per transaction, and the longest a document waits in the buffer. Calibrated on 80 ISAF dev
#: reports ingested with 1 worker (README, "Bulk loading"): 64 documents make the commit and per-statement
#: overheads negligible; 2 s keeps progress visible and bounds what a kill loses to 2 s of work.
BATCH_DOCUMENTS = 64
BATCH_SECONDS = 2.0

_SQLITE_CHUNK = 500  # ids per IN (...) list: well under SQLite's variable limit
SQLITE_CACHE_KB = 131072  # the writer's page cache


def claim_days(time_start: dt.date | None, time_end: dt.date | None, published_start: dt.date | None,
               published_end: dt.date | None) -> tuple[dt.date | None, dt.date | None, bool]:
    """(first_day, last_day, undated) of a claim: its own time, else its document's date (as kb.claims() filters
    and orders them). Kept on the claim so that an index serves the time filters and the time order."""
    first = next((d for d in (time_start, published_start, time_end, published_end) if d is not None), None)
    last = next((d for d in (time_end, published_end, time_start, published_start) if d is not None), None)
    return first, last, first is None


#: kb_info key: the most days any claim spans (first_day to last_day); an upper bound (deletes do not lower it)
CLAIM_SPAN_KEY = "claim_span_days"


def widen_claim_span(conn: sa.Connection, days: int | None) -> None:
    """Raise the stored longest claim span to `days` if it is longer. kb.claims() uses it to turn "the claim
    ends after X" into an index range on the claim's first day (first_day >= X - span)."""
    if days is None:
        return
    info = t.kb_info
    stored = conn.scalar(sa.select(info.c.value).where(info.c.key == CLAIM_SPAN_KEY))
    if stored is None:
        conn.execute(sa.insert(info).values(key=CLAIM_SPAN_KEY, value=str(days)))
    elif int(stored) < days:
        conn.execute(sa.update(info).where(info.c.key == CLAIM_SPAN_KEY).values(value=str(days)))


def _postgres(conn: sa.Connection) -> bool:
    return conn.dialect.name == "postgresql"


def next_ids(conn: sa.Connection, table: sa.Table, n: int) -> list[int]:
    """`n` unused ids for `table` (inside the writing transaction)."""
    if n <= 0:
        return []
    if _postgres(conn):
        return list(conn.scalars(sa.text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                                         "FROM generate_series(1, :n)"), {"n": n}))
    start = (conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
    return list(range(start, start + n))


def _json_columns(table: sa.Table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, sa.JSON)}


def bulk_insert(conn: sa.Connection, table: sa.Table | str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`: executemany on SQLite, COPY on PostgreSQL."""
    if not rows:
        return
    if not _postgres(conn):
        # the DB-API's executemany on tuples, each value through its column type's own bind processor (what
        # SQLAlchemy would store): a third of the time of sa.insert() with dicts, measured on the bench_kb rows
        columns = list(rows[0].keys())
        procs = [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        if any(procs):
            conn.exec_driver_sql(sql, [tuple(p(r[c]) if p else r[c] for c, p in zip(columns, procs, strict=True))
                                       for r in rows])
        else:
            conn.exec_driver_sql(sql, [tuple(r[c] for c in columns) for r in rows])
        return
    name = table.name if isinstance(table, sa.Table) else table
    columns = list(rows[0].keys())
    as_json = _json_columns(table) if isinstance(table, sa.Table) else set()
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in as_json and row[c] is not None else row[c]
                            for c in columns])
    cursor.close()


def _upsert_sums(conn: sa.Connection, table: sa.Table, keys: list[str], rows: list[dict[str, Any]],
                 add: Sequence[str], fill: Sequence[str] = ()) -> None:
    """Insert rows, or on a key already there add the `add` columns to the stored ones and fill the stored
    NULLs of the `fill` columns. `rows` must hold each key once."""
    if not rows:
        return
    if _postgres(conn):
        stage = f"{table.name}_stage"
        columns = list(rows[0].keys())
        conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table.name} INCLUDING DEFAULTS) "
                             "ON COMMIT DELETE ROWS")
        conn.exec_driver_sql(f"DELETE FROM {stage}")
        bulk_insert(conn, stage, rows)
        sets = [f"{c} = {table.name}.{c} + excluded.{c}" for c in add]
        sets += [f"{c} = coalesce({table.name}.{c}, excluded.{c})" for c in fill]
        cols = ", ".join(columns)
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM {stage} "
                             f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(sets)}")
        conn.exec_driver_sql(f"DELETE FROM {stage}")
        return
    ins = sqlite.insert(table)
    set_ = {c: table.c[c] + ins.excluded[c] for c in add}
    set_.update({c: sa.func.coalesce(table.c[c], ins.excluded[c]) for c in fill})
    conn.execute(ins.on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_=set_), rows)


def _in_chunks(conn: sa.Connection, make: Callable[[list], sa.Select], values: Sequence) -> list:
    values = list(values)
    out: list = []
    for i in range(0, len(values), _SQLITE_CHUNK):
        out += conn.execute(make(values[i:i + _SQLITE_CHUNK])).all()
    return out


def write_batch(conn: sa.Connection, batch: Sequence[DocumentRows]) -> list[str]:
    """Store the documents of `batch` (inside the caller's transaction); the status of each, in order: ADDED,
    VERSION (a new version of a stored source) or UNCHANGED (its text is already stored: nothing written)."""
    d = t.documents
    if not _postgres(conn):
        # SQLite's default page cache (2 MB) is far smaller than the indexes a batch updates on a large base:
        # every batch then re-reads and re-writes the same pages through the OS (measured: 18 GB of write
        # calls for the first 200k bench_kb claims). 128 MB, on this connection only.
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
    known = {r[0] for r in _in_chunks(conn, lambda ids: sa.select(d.c.id).where(d.c.id.in_(ids)),
                                      {r.id for r in batch})}
    latest: dict[str, tuple[str, int]] = {}
    for key, doc_id, version in _in_chunks(
            conn, lambda keys: sa.select(d.c.source_key, d.c.id, d.c.version).where(d.c.source_key.in_(keys)),
            {r.source_key for r in batch}):
        if key not in latest or version > latest[key][1]:
            latest[key] = (doc_id, version)
    statuses: list[str] = []
    new: list[tuple[DocumentRows, dict[str, Any]]] = []
    superseded: set[str] = set()
    now = dt.datetime.now(dt.UTC)
    for rows in batch:
        if rows.id in known:
            statuses.append(UNCHANGED)
            continue
        known.add(rows.id)
        previous = latest.get(rows.source_key)
        if previous is not None:
            superseded.add(rows.source_key)
        latest[rows.source_key] = (rows.id, previous[1] + 1 if previous else 1)
        new.append((rows, {**rows.document, "source_key": rows.source_key,
                           "version": previous[1] + 1 if previous else 1, "is_latest": True,
                           "previous_version_id": previous[0] if previous else None, "ingested_at": now}))
        statuses.append(VERSION if previous else ADDED)
    if not new:
        return statuses
    for chunk in _chunks(sorted(superseded)):
        conn.execute(sa.update(d).where(d.c.source_key.in_(chunk), d.c.is_latest).values(is_latest=False))
    for rows, doc in new:
        doc["is_latest"] = latest[rows.source_key][0] == rows.id
    # documents before their versions' pointers: a version's previous may be earlier in this batch
    bulk_insert(conn, d, [doc for _rows, doc in new])
    _entities(conn, [rows for rows, _doc in new])
    _children(conn, new)
    return statuses


def _chunks(values: Sequence, size: int = _SQLITE_CHUNK):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _entities(conn: sa.Connection, docs: list[DocumentRows]) -> None:
    """Entity and alias rows summed over the batch (a document counts once per entity), then one upsert each."""
    entities: dict[str, dict[str, Any]] = {}
    aliases: dict[tuple[str, str], dict[str, Any]] = {}
    links = []
    for rows in docs:
        roles = {"subject": Counter(e for c in rows.claims for e in c["subjects"]),
                 "object": Counter(e for c in rows.claims for e in c["objects"])}
        for r in rows.entities:
            row = entities.get(r["entity_id"])
            if row is None:
                entities[r["entity_id"]] = {
                    "id": r["entity_id"], "name": r["name"], "type": r["type"], "wikidata": r["wikidata"],
                    "country": r["country"], "parent": r["parent"], "is_local": r["is_local"],
                    "mention_count": r["mention_count"], "document_count": 1,
                    "subject_claims": roles["subject"][r["entity_id"]],
                    "object_claims": roles["object"][r["entity_id"]]}
            else:  # as one document after another would: counts add, what was unknown gets filled
                row["mention_count"] += r["mention_count"]
                row["document_count"] += 1
                row["subject_claims"] += roles["subject"][r["entity_id"]]
                row["object_claims"] += roles["object"][r["entity_id"]]
                for col in ("wikidata", "country", "parent"):
                    if row[col] is None:
                        row[col] = r[col]
            links.append({"document_id": rows.id, "entity_id": r["entity_id"], "local_id": r["local_id"],
                          "name": r["name"], "type": r["type"], "mention_count": r["mention_count"]})
        for a in rows.aliases:
            key = (a["entity_id"], a["alias"])
            if key in aliases:
                aliases[key]["mention_count"] += a["mention_count"]
            else:
                aliases[key] = {"entity_id": a["entity_id"], "alias": a["alias"], "mention_count": a["mention_count"]}
    _upsert_sums(conn, t.entities, ["id"], list(entities.values()),
                 add=("mention_count", "document_count", "subject_claims", "object_claims"),
                 fill=("wikidata", "country", "parent"))
    bulk_insert(conn, t.document_entities, links)
    _upsert_sums(conn, t.entity_aliases, ["entity_id", "alias"], list(aliases.values()), add=("mention_count",))


def _children(conn: sa.Connection, new: list[tuple[DocumentRows, dict[str, Any]]]) -> None:
    """Sentences, mentions, references, citations, claims (with their entities, citations and figures) and
    findings of the new documents; positions within a document become database ids."""
    sentence_ids = iter(next_ids(conn, t.sentences, sum(len(r.sentences) for r, _ in new)))
    reference_ids = iter(next_ids(conn, t.reference_entries, sum(len(r.references) for r, _ in new)))
    sentences, mentions, references, citations, findings = [], [], [], [], []
    resolved = []
    for rows, doc in new:
        sids = [next(sentence_ids) for _ in rows.sentences]
        rids = [next(reference_ids) for _ in rows.references]

        def at(ids: list[int], idx: int | None) -> int | None:
            return ids[idx] if idx is not None and 0 <= idx < len(ids) else None

        sentences += [{**s, "id": i, "document_id": rows.id} for s, i in zip(rows.sentences, sids, strict=True)]
        mentions += [{"document_id": rows.id, "entity_id": m["entity_id"], "sentence_id": at(sids, m["sentence_idx"]),
                      "char_start": m["char_start"], "char_end": m["char_end"], "text": m["text"], "how": m["how"],
                      "facet": m["facet"]} for m in rows.mentions]
        references += [{**r, "id": i, "document_id": rows.id} for r, i in zip(rows.references, rids, strict=True)]
        citations += [{"document_id": rows.id, "reference_id": at(rids, c["reference_idx"]), "label": c["label"],
                       "sentence_id": at(sids, c["sentence_idx"]), "marker_start": c["marker_start"],
                       "marker_end": c["marker_end"], "marker_text": c["marker_text"]} for c in rows.citations]
        findings += [{**{k: v for k, v in f.items() if k != "sentence_idx"}, "document_id": rows.id,
                      "sentence_id": at(sids, f["sentence_idx"])} for f in rows.findings]
        resolved.append((rows, doc, lambda idx, s=sids: at(s, idx), lambda idx, r=rids: at(r, idx)))
    bulk_insert(conn, t.sentences, sentences)
    bulk_insert(conn, t.mentions, mentions)
    bulk_insert(conn, t.reference_entries, references)
    bulk_insert(conn, t.citations, citations)
    _claims(conn, resolved)
    bulk_insert(conn, t.findings, findings)


_CLAIM_COLUMNS = frozenset(t.claims.c.keys())


def _claims(conn: sa.Connection, resolved: list) -> None:
    claim_ids = iter(next_ids(conn, t.claims, sum(len(rows.claims) for rows, *_ in resolved)))
    claims, roles, cites, quantities = [], [], [], []
    for rows, doc, sid, rid in resolved:
        for c in rows.claims:
            claim_id = next(claim_ids)
            first, last, undated = claim_days(c["time_start"], c["time_end"], doc["published_start"],
                                              doc["published_end"])
            claims.append({**{k: v for k, v in c.items() if k in _CLAIM_COLUMNS}, "id": claim_id,
                           "document_id": rows.id, "sentence_id": sid(c["sentence_idx"]), "first_day": first,
                           "last_day": last, "undated": undated})
            for role, key in (("subject", "subjects"), ("object", "objects"), ("place", "places")):
                roles += [{"claim_id": claim_id, "role": role, "position": i, "entity_id": eid}
                          for i, eid in enumerate(c[key])]
            cites += [{"claim_id": claim_id, "position": i, "label": label, "reference_id": rid(ref)}
                      for i, (label, ref) in enumerate(c["citations"])]
            quantities += [{**q, "claim_id": claim_id, "document_id": rows.id} for q in c["quantities"]]
    bulk_insert(conn, t.claims, claims)
    widen_claim_span(conn, max(((c["last_day"] - c["first_day"]).days for c in claims if not c["undated"]),
                               default=None))
    bulk_insert(conn, t.claim_entities, roles)
    bulk_insert(conn, t.claim_citations, cites)
    bulk_insert(conn, t.quantities, quantities)


class Loader:
    """What ingest's loop writes through: `add()` per extracted document, `finish()` at the end.

    Documents are buffered and written in one transaction every `documents` documents or `seconds` seconds
    (the check runs on each add); `add()` and `flush()` return the (source, status) of the documents they
    wrote. `finish()` writes the rest and regroups: incrementally when the grouping was current before this
    loader's first write and nobody else changed the knowledge base since, else fully.
    """

    def __init__(self, store, documents: int = BATCH_DOCUMENTS, seconds: float = BATCH_SECONDS) -> None:
        self.store = store
        self.documents = max(1, documents)
        self.seconds = seconds
        self.pending: list[tuple[str, DocumentRows]] = []
        self.since = 0.0
        self.written: list[str] = []
        self.before = store.grouping_marker()  # None when the grouping is stale already

    def add(self, source: str, rows: DocumentRows) -> list[tuple[str, str]]:
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append((source, rows))
        if len(self.pending) >= self.documents or time.monotonic() - self.since >= self.seconds:
            return self.flush()
        return []

    def flush(self) -> list[tuple[str, str]]:
        if not self.pending:
            return []
        batch, self.pending = self.pending, []
        statuses = self.store.write_batch([rows for _source, rows in batch])
        self.written += [rows.id for (_source, rows), status in zip(batch, statuses, strict=True)
                         if status != UNCHANGED]
        return [(source, status) for (source, _rows), status in zip(batch, statuses, strict=True)]

    def finish(self) -> tuple[list[tuple[str, str]], dict[str, int]]:
        """Write what is buffered and regroup; (the statuses written now, the grouping's counts)."""
        done = self.flush()
        return done, self.store.regroup(documents=self.written, before=self.before)
