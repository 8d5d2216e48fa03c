"""Scale: each claim's day range kept on the claim (so the time filters and the time order can use an index), and
the indexes the questions need on a knowledge base of a million claims (`python -m claimgraph.bench_kb`).

Revision ID: 0006_scale
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_scale"
down_revision = "0002"
branch_labels = None
depends_on = None

#: the order every claims question returns: undated last, then by first day, document, position, key
_ORDER = ["undated", "first_day", "document_id", "evidence_start", "key"]

INDEXES = {
    "ix_claims_undated_first_day_document_id_evidence_start_key": ("claims", _ORDER),
    "ix_claims_predicate_undated_first_day_document_id_evidence_start_key": ("claims", ["predicate", *_ORDER]),
    "ix_claims_modality_undated_first_day_document_id_evidence_start_key": ("claims", ["modality", *_ORDER]),
    "ix_claims_last_day": ("claims", ["last_day"]),
    "ix_claim_entities_entity_id_role_claim_id": ("claim_entities", ["entity_id", "role", "claim_id"]),
    "ix_event_entities_entity_id_role_event_id": ("event_entities", ["entity_id", "role", "event_id"]),
    "ix_measures_disagreement_period_start": ("measures", ["disagreement", "period_start"]),
    "ix_quantities_what": ("quantities", ["what"]),
}


def upgrade() -> None:
    op.add_column("claims", sa.Column("first_day", sa.Date, nullable=True,
                                      comment="the claim's time, else its document's date: first day"))
    op.add_column("claims", sa.Column("last_day", sa.Date, nullable=True,
                                      comment="the claim's time, else its document's date: last day"))
    op.add_column("claims", sa.Column("undated", sa.Boolean, nullable=False, server_default=sa.false(),
                                      comment="neither the claim nor its document has a date"))
    # the same expressions the writer uses (claimgraph.store.loader.claim_days)
    doc = "(SELECT {} FROM documents d WHERE d.id = claims.document_id)"
    op.execute(
        "UPDATE claims SET "
        f"first_day = coalesce(time_start, {doc.format('d.published_start')}, time_end, "
        f"{doc.format('d.published_end')}), "
        f"last_day = coalesce(time_end, {doc.format('d.published_end')}, time_start, "
        f"{doc.format('d.published_start')})")
    op.execute("UPDATE claims SET undated = (first_day IS NULL)")
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("undated")
        batch.drop_column("last_day")
        batch.drop_column("first_day")
