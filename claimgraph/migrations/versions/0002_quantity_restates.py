"""A figure may restate another figure of its document (`Quantity.restates`, claims/tally.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # character offsets of the restated figure in the document's text; both null when it restates nothing
    op.add_column("quantities", sa.Column("restates_start", sa.Integer, nullable=True))
    op.add_column("quantities", sa.Column("restates_end", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quantities") as batch:
        batch.drop_column("restates_end")
        batch.drop_column("restates_start")
