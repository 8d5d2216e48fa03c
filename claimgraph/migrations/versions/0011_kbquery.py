"""Questions at a million claims, fourth step (`python -m claimgraph.bench_kb`, README "Knowledge base at scale"):

- `ix_documents_replaced`: a partial index of the documents that are not their source's newest version. Search
  ranks the newest matches of the latest versions (kb.KnowledgeBase.search) and leaves out a replaced version's
  sentence or claim by looking its document up in this index, which holds only the replaced few, instead of
  reading every candidate's document row.
- `ix_claims_document_order`: claims by document, with the time order's columns, so that `claims --source` sorts
  the claims of up to a thousand documents off this index alone (ix_claims_document_id found them, then each
  claim's row, which holds its evidence text, was read for its day and position).
- `ix_network_edges_predicate_rank`: one predicate's edges in the network's order (most documents, then
  claims, then id), so that its most reported 3,000 are read off the index: the rank index walked every
  predicate's edges, and each one's row, for them (115-140 ms of CPU at a million claims, 47,000 edges of
  one predicate).

Revision ID: 0011_kbquery
Revises: 0010_kbscale
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_kbquery"
down_revision = "0010_kbscale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    replaced = sa.text("NOT is_latest")
    op.create_index("ix_documents_replaced", "documents", ["id"], sqlite_where=replaced, postgresql_where=replaced)
    op.create_index("ix_claims_document_order", "claims",
                    ["document_id", "undated", "first_day", "evidence_start", "key"])
    op.create_index("ix_network_edges_predicate_rank", "network_edges", ["predicate", "sources", "claims", "id"])


def downgrade() -> None:
    op.drop_index("ix_network_edges_predicate_rank", table_name="network_edges")
    op.drop_index("ix_claims_document_order", table_name="claims")
    op.drop_index("ix_documents_replaced", table_name="documents")
