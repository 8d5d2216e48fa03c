"""The passage of the cited document a source-support finding quotes (document id and offsets), and each
claim's support by its cited document (the JSON contract's claims[].support).

Revision ID: 0008_finding_sources
Revises: 0007_layers
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_finding_sources"
down_revision = "0007_layers"  # the head of main at the merge of 2026-12-04 18:58
branch_labels = None
depends_on = None

COLUMNS = (("source_reference", sa.Text), ("source_url", sa.Text), ("source_document_id", sa.String(32)),
           ("source_start", sa.Integer), ("source_end", sa.Integer))


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("findings", sa.Column(name, kind, nullable=True))
    op.add_column("claims", sa.Column("support", sa.JSON, nullable=True,
                                      comment="the cited document's support of the claim (audit with sources)"))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("support")
    with op.batch_alter_table("findings") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
