"""Questions at a million claims, fourth step (`python -m claimgraph.bench_kb`, README "Knowledge base at scale"):

- `ix_documents_replaced`: a partial index of the documents that are not their source's newest version. Search
  ranks the newest matches of the latest versions (kb.KnowledgeBase.search) and leaves out a replaced version's
  sentence or claim by looking its document up in this index, which holds only the replaced few, instead of
  reading every candidate's document row.

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


def downgrade() -> None:
    op.drop_index("ix_documents_replaced", table_name="documents")
