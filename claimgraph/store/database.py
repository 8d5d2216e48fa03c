"""The knowledge base's storage: one transaction per document, so a document is stored whole or not at all.

- A document already stored (same content hash) is not written again: `write()` answers "unchanged".
- A document whose source (URL or absolute path) is already stored with other text becomes a new version:
  `version` counts up, `previous_version_id` points back, only the newest has `is_latest` (both are kept).
- Entities are upserted: counts (mentions, documents) and aliases (with their counts) accumulate in the same
  transaction as the document, so they never count a document that is not there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from claimgraph.store import schema as t
from claimgraph.store.engine import display_url, open_engine, writing
from claimgraph.store.rows import DocumentRows

ADDED, VERSION, UNCHANGED = "added", "new_version", "unchanged"


class Store:
    """An open knowledge base (SQLite file or PostgreSQL database), migrated to the newest schema."""

    def __init__(self, url: str | None = None, engine: sa.Engine | None = None) -> None:
        self.engine = engine or open_engine(url)
        self.dialect = self.engine.dialect.name
        self.url = display_url(str(self.engine.url))

    # -- life ------------------------------------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def connect(self) -> sa.Connection:
        return self.engine.connect()

    # -- reading what is there -------------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(t.documents.c.id).where(t.documents.c.id == doc_id)) is not None

    def document_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.scalars(sa.select(t.documents.c.id)))

    def counts(self) -> dict[str, int]:
        """Rows in every table (documents first)."""
        with self.engine.connect() as conn:
            return {table.name: conn.scalar(sa.select(sa.func.count()).select_from(table))
                    for table in t.metadata.sorted_tables}

    def document_counts(self, doc_id: str) -> dict[str, int]:
        """How many rows of each child table one document has (compare with `DocumentRows.counts()`)."""
        c = t.claims.c
        claim_ids = sa.select(c.id).where(c.document_id == doc_id).scalar_subquery()
        out = {}
        with self.engine.connect() as conn:
            for table in t.DOCUMENT_CHILDREN:
                owned = "document_id" in table.c
                where = table.c.document_id == doc_id if owned else table.c.claim_id.in_(claim_ids)
                out[table.name] = conn.scalar(sa.select(sa.func.count()).select_from(table).where(where))
        return out

    def info(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(t.kb_info.c.value).where(t.kb_info.c.key == key))

    # -- writing ---------------------------------------------------------------------------------------------

    def write(self, rows: DocumentRows) -> str:
        """Store one document in one transaction: ADDED, VERSION (a new version of a stored source) or
        UNCHANGED (already stored: nothing written)."""
        with self.engine.connect() as raw:
            conn = writing(raw)
            with conn.begin():
                return self._write(conn, rows)

    def write_many(self, many: Iterable[DocumentRows]) -> list[str]:
        return [self.write(rows) for rows in many]

    def _insert(self, table: sa.Table):
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    def _write(self, conn: sa.Connection, rows: DocumentRows) -> str:
        d = t.documents
        if conn.scalar(sa.select(d.c.id).where(d.c.id == rows.id)) is not None:
            return UNCHANGED
        previous = conn.execute(
            sa.select(d.c.id, d.c.version).where(d.c.source_key == rows.source_key)
            .order_by(d.c.version.desc()).limit(1)
        ).first()
        if previous is not None:
            conn.execute(sa.update(d).where(d.c.source_key == rows.source_key).values(is_latest=False))
        conn.execute(sa.insert(d).values(
            **rows.document,
            source_key=rows.source_key,
            version=previous.version + 1 if previous else 1,
            is_latest=True,
            previous_version_id=previous.id if previous else None,
            ingested_at=dt.datetime.now(dt.UTC),
        ))
        self._entities(conn, rows)
        sentence_ids = self._insert_returning(conn, t.sentences, [
            {**s, "document_id": rows.id} for s in rows.sentences])

        def sid(idx: int | None) -> int | None:
            return sentence_ids[idx] if idx is not None and 0 <= idx < len(sentence_ids) else None

        if rows.mentions:
            conn.execute(sa.insert(t.mentions), [
                {**{k: v for k, v in m.items() if k != "sentence_idx"}, "document_id": rows.id,
                 "sentence_id": sid(m["sentence_idx"])}
                for m in rows.mentions
            ])
        ref_ids = self._insert_returning(conn, t.reference_entries, [
            {**r, "document_id": rows.id} for r in rows.references])

        def rid(idx: int | None) -> int | None:
            return ref_ids[idx] if idx is not None and 0 <= idx < len(ref_ids) else None

        if rows.citations:
            conn.execute(sa.insert(t.citations), [
                {"document_id": rows.id, "reference_id": rid(c["reference_idx"]), "label": c["label"],
                 "sentence_id": sid(c["sentence_idx"]), "marker_start": c["marker_start"],
                 "marker_end": c["marker_end"], "marker_text": c["marker_text"]}
                for c in rows.citations
            ])
        self._claims(conn, rows, sid, rid)
        if rows.findings:
            conn.execute(sa.insert(t.findings), [
                {**{k: v for k, v in f.items() if k != "sentence_idx"}, "document_id": rows.id,
                 "sentence_id": sid(f["sentence_idx"])}
                for f in rows.findings
            ])
        return VERSION if previous else ADDED

    def _insert_returning(self, conn: sa.Connection, table: sa.Table, values: list[dict[str, Any]]) -> list[int]:
        if not values:
            return []
        stmt = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(conn.scalars(stmt, values))

    def _entities(self, conn: sa.Connection, rows: DocumentRows) -> None:
        if not rows.entities:
            return
        e = t.entities
        ins = self._insert(e)
        conn.execute(
            ins.on_conflict_do_update(index_elements=[e.c.id], set_={
                "mention_count": e.c.mention_count + ins.excluded.mention_count,
                "document_count": e.c.document_count + 1,
                # fill what an earlier document did not know (a stub made from a claim, say)
                "wikidata": sa.func.coalesce(e.c.wikidata, ins.excluded.wikidata),
                "country": sa.func.coalesce(e.c.country, ins.excluded.country),
                "parent": sa.func.coalesce(e.c.parent, ins.excluded.parent),
            }),
            [{"id": r["entity_id"], "name": r["name"], "type": r["type"], "wikidata": r["wikidata"],
              "country": r["country"], "parent": r["parent"], "is_local": r["is_local"],
              "mention_count": r["mention_count"], "document_count": 1} for r in rows.entities],
        )
        conn.execute(sa.insert(t.document_entities), [
            {"document_id": rows.id, "entity_id": r["entity_id"], "local_id": r["local_id"], "name": r["name"],
             "type": r["type"], "mention_count": r["mention_count"]}
            for r in rows.entities
        ])
        if rows.aliases:
            a = t.entity_aliases
            ins = self._insert(a)
            conn.execute(
                ins.on_conflict_do_update(index_elements=[a.c.entity_id, a.c.alias], set_={
                    "mention_count": a.c.mention_count + ins.excluded.mention_count}),
                rows.aliases,
            )

    def _claims(self, conn: sa.Connection, rows: DocumentRows, sid, rid) -> None:
        if not rows.claims:
            return
        columns = set(t.claims.c.keys())
        claim_ids = self._insert_returning(conn, t.claims, [
            {**{k: v for k, v in c.items() if k in columns}, "document_id": rows.id,
             "sentence_id": sid(c["sentence_idx"])}
            for c in rows.claims
        ])
        roles, cites, quantities = [], [], []
        for claim_id, c in zip(claim_ids, rows.claims, strict=True):
            for role, key in (("subject", "subjects"), ("object", "objects"), ("place", "places")):
                roles += [{"claim_id": claim_id, "role": role, "position": i, "entity_id": eid}
                          for i, eid in enumerate(c[key])]
            cites += [{"claim_id": claim_id, "position": i, "label": label, "reference_id": rid(ref)}
                      for i, (label, ref) in enumerate(c["citations"])]
            quantities += [{**q, "claim_id": claim_id, "document_id": rows.id} for q in c["quantities"]]
        for table, values in ((t.claim_entities, roles), (t.claim_citations, cites), (t.quantities, quantities)):
            if values:
                conn.execute(sa.insert(table), values)

    # -- across documents ------------------------------------------------------------------------------------

    def regroup(self) -> dict[str, int]:
        """Rebuild events and measures from the claims, in one transaction (see `grouping`)."""
        from claimgraph.store.grouping import regroup

        with self.engine.connect() as raw:
            conn = writing(raw)
            with conn.begin():
                return regroup(conn)

    def ensure_grouped(self) -> bool:
        """Regroup when the claims changed since the last grouping (a killed ingest); True when it did."""
        from claimgraph.store.grouping import is_stale

        with self.engine.connect() as conn:
            stale = is_stale(conn)
        if not stale:
            return False
        try:
            self.regroup()
        except sa.exc.OperationalError:  # a read-only database (a served copy): answer from what is there
            return False
        return True

    # -- maintenance -----------------------------------------------------------------------------------------

    def delete_document(self, doc_id: str) -> bool:
        """Remove one document and everything it owns (entity counts are rebuilt); the derived tables are
        left stale until the next `regroup()`. True when it was there."""
        from claimgraph.store.grouping import rebuild_entity_counts

        d = t.documents
        with self.engine.connect() as raw:
            conn = writing(raw)
            with conn.begin():
                row = conn.execute(sa.select(d.c.source_key, d.c.is_latest).where(d.c.id == doc_id)).first()
                if row is None:
                    return False
                for table in t.DERIVED:
                    conn.execute(sa.delete(table))
                conn.execute(sa.update(d).where(d.c.previous_version_id == doc_id).values(previous_version_id=None))
                conn.execute(sa.delete(d).where(d.c.id == doc_id))
                if row.is_latest:
                    newest = conn.scalar(sa.select(d.c.id).where(d.c.source_key == row.source_key)
                                         .order_by(d.c.version.desc()).limit(1))
                    if newest:
                        conn.execute(sa.update(d).where(d.c.id == newest).values(is_latest=True))
                rebuild_entity_counts(conn)
        return True
