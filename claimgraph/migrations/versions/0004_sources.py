"""The documents that articles cite, by content hash, and the URLs they were found at (claimgraph/sources/).

Revision ID: 0004_sources
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sources"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_documents",
        sa.Column("id", sa.String(32), nullable=False, comment="hash of the normalised text (as documents.id)"),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("char_count", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False, comment="the plain text the reader recovered"),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_source_documents"),
        comment="the documents that articles cite, kept so that checking a citation again needs no fetch",
    )
    op.create_table(
        "source_urls",
        sa.Column("url", sa.Text, nullable=False, comment="the cited URL, normalised (claimgraph.sources.get)"),
        sa.Column("source_document_id", sa.String(32), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False, comment="'folder' (--sources) or 'fetched'"),
        sa.Column("location", sa.Text, nullable=False,
                  comment="the file read, or the URL fetched after redirects"),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url", name="pk_source_urls"),
        sa.ForeignKeyConstraint(["source_document_id"], ["source_documents.id"], ondelete="CASCADE",
                                name="fk_source_urls_source_document_id_source_documents"),
    )
    op.create_index("ix_source_urls_source_document_id", "source_urls", ["source_document_id"])


def downgrade() -> None:
    op.drop_index("ix_source_urls_source_document_id", table_name="source_urls")
    op.drop_table("source_urls")
    op.drop_table("source_documents")
