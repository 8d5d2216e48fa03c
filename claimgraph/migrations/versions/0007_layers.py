"""Dispatches kept with each document, so that the document the API rebuilds from the tables has them as
`extract` writes them (`documents.dispatches`: the JSON list of claimgraph.contract.dispatches_json).

Documents stored before this revision keep NULL (the API answers null: unknown, not "none"); ingesting them
again after a rules change stores them.

Revision ID: 0007_layers
Revises: 0006_scale
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_layers"
down_revision = "0006_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("dispatches", sa.JSON, nullable=True,
                                         comment="the parts that speak from their own day: [{start, end, date}] "
                                                 "(claimgraph.contract.dispatches_json); NULL if stored before 0007"))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("dispatches")
