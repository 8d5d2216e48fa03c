"""The knowledge base: where many documents meet (PRODUCT.md, "The knowledge base").

    from claimgraph.store import Store, ingest
    store = Store("claimgraph.db")            # or "postgresql://...", or None for CLAIMGRAPH_DB / ./claimgraph.db
    result = ingest(["articles/"], store, workers=2)

- `schema`: the tables; `claimgraph/migrations/`: how they are built (Alembic, applied on open).
- `rows`: a processed Document as plain rows (made in the worker that processed it).
- `database.Store`: one transaction per document; versions; entity merging.
- `grouping`: events and measures across documents (recomputable).
- `ingest`: the parallel ingest.
Questions are asked through `claimgraph.store.kb.KnowledgeBase`.
"""

from claimgraph.store.database import ADDED, UNCHANGED, VERSION, Store
from claimgraph.store.engine import StoreError, resolve_url
from claimgraph.store.ingest import Failed, IngestResult, ingest
from claimgraph.store.rows import DocumentRows, document_rows

__all__ = ["ADDED", "UNCHANGED", "VERSION", "DocumentRows", "Failed", "IngestResult", "Store", "StoreError",
           "document_rows", "ingest", "resolve_url"]
