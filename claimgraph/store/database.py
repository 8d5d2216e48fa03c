"""The knowledge base's storage: documents are written in transactions of one or more whole documents
(`write`, `write_batch`, and ingest's `loader.Loader`), so a document is stored whole or not at all.

- A document already stored (same content hash) is not written again: `write()` answers "unchanged".
- A document whose source (URL or absolute path) is already stored with other text becomes a new version:
  `version` counts up, `previous_version_id` points back, only the newest has `is_latest` (both are kept).
- Entities are upserted: counts (mentions, documents) and aliases (with their counts) accumulate in the same
  transaction as the document, so they never count a document that is not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from claimgraph.store import loader
from claimgraph.store import schema as t
from claimgraph.store.engine import display_url, open_engine, writing
from claimgraph.store.loader import ADDED, UNCHANGED, VERSION
from claimgraph.store.rows import DocumentRows

__all__ = ["ADDED", "UNCHANGED", "VERSION", "Store"]


#: `counts()`' figure of the documents that are their source's newest version (a kb_counts row, 0010_kbscale)
LATEST_DOCUMENTS = "latest_documents"


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

    def counts(self, exact: bool = False) -> dict[str, int]:
        """Rows in every table (documents first), then LATEST_DOCUMENTS: read off `kb_counts`, which the
        database's own triggers keep (0008_kbquery: counting a million-claim base's tables took a second); a
        table it does not list (one added later) is counted. exact: count every table (what the tests check
        the kept counts against)."""
        with self.engine.connect() as conn:
            kept = {} if exact else dict(conn.execute(sa.select(t.kb_counts.c.name, t.kb_counts.c.row_count)).all())
            counts = {table.name: kept[table.name] if table.name in kept
                      else conn.scalar(sa.select(sa.func.count()).select_from(table))
                      for table in t.metadata.sorted_tables}
            # and the documents that are their source's newest version (kept since 0010_kbscale)
            counts[LATEST_DOCUMENTS] = kept[LATEST_DOCUMENTS] if LATEST_DOCUMENTS in kept else conn.scalar(
                sa.select(sa.func.count()).select_from(t.documents).where(t.documents.c.is_latest))
            return counts

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
        return self.write_batch([rows])[0]

    def write_batch(self, batch: Sequence[DocumentRows]) -> list[str]:
        """Store several documents in one transaction (see `loader.write_batch`): all of them or, if it fails
        or is killed, none. The status of each, in order."""
        if not batch:
            return []
        with self.engine.connect() as raw:
            conn = writing(raw)
            with conn.begin():
                return loader.write_batch(conn, batch)

    def write_many(self, many: Iterable[DocumentRows], batch: int = loader.BATCH_DOCUMENTS) -> list[str]:
        """Store documents `batch` at a time (one transaction each)."""
        out: list[str] = []
        pending: list[DocumentRows] = []
        for rows in many:
            pending.append(rows)
            if len(pending) >= batch:
                out += self.write_batch(pending)
                pending = []
        return out + self.write_batch(pending)

    # -- across documents ------------------------------------------------------------------------------------

    def regroup(self, documents: Sequence[str] | None = None, before: str | None = None) -> dict[str, int]:
        """Rebuild events and measures from the claims, in one transaction (see `grouping`).

        documents, before: the ids of documents written since the grouping was `before` (`grouping_marker()`
        taken before writing them): only the events and measures they touch are rebuilt, when the knowledge
        base holds exactly that grouping plus those documents; otherwise (or without them) everything is."""
        from claimgraph.store.grouping import regroup, regroup_documents

        with self.engine.connect() as raw:
            conn = writing(raw)
            with conn.begin():
                if self.dialect == "sqlite":  # a page cache the size of the indexes it reads (see loader)
                    conn.exec_driver_sql(f"PRAGMA cache_size = -{loader.SQLITE_CACHE_KB}")
                if documents is not None and before is not None:
                    done = regroup_documents(conn, documents, before)
                    if done is not None:
                        return done
                return regroup(conn)

    def grouping_marker(self) -> str | None:
        """The grouping's marker when events and measures are current, else None (see `regroup`)."""
        from claimgraph.store.grouping import current_marker

        with self.engine.connect() as conn:
            return current_marker(conn)

    def ensure_grouped(self) -> bool:
        """Regroup when the claims changed since the last grouping (a killed ingest). True when the grouping
        is current now (it was, or it was rebuilt); False when it is stale and could not be rebuilt."""
        from claimgraph.store.grouping import is_stale

        with self.engine.connect() as conn:
            stale = is_stale(conn)
        if not stale:
            return True
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
