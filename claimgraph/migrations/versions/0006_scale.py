"""Scale: each claim's day range kept on the claim (so the time filters and the time order can use an index), and
the indexes the questions need on a knowledge base of a million claims (`python -m claimgraph.bench_kb`).

Revision ID: 0006_scale
Revises: 0003_web
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_scale"
down_revision = "0003_web"  # "0002" on branch kbscale; re-chained after main's 0004_sources and 0003_web
branch_labels = None
depends_on = None

#: the order every claims question returns: undated last, then by first day, document, position, key; and the
#: last day, so that a time filter is checked in the index
_ORDER = ["undated", "first_day", "document_id", "evidence_start", "key", "last_day"]

INDEXES = {
    "ix_claims_order": ("claims", _ORDER),
    "ix_claims_predicate_order": ("claims", ["predicate", *_ORDER]),
    "ix_claims_modality_order": ("claims", ["modality", *_ORDER]),
    "ix_claims_last_day": ("claims", ["last_day"]),
    "ix_claim_entities_entity_id_role_claim_id": ("claim_entities", ["entity_id", "role", "claim_id"]),
    "ix_event_entities_entity_id_role_event_id": ("event_entities", ["entity_id", "role", "event_id"]),
    "ix_measures_disagreement_period_start": ("measures", ["disagreement", "period_start"]),
    "ix_quantities_what": ("quantities", ["what"]),
    "ix_measure_values_quantity_id": ("measure_values", ["quantity_id"]),
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
    # the longest claim span, kept up to date by the writer (claimgraph.store.loader.widen_claim_span)
    bind = op.get_bind()
    days = "max(last_day - first_day)" if bind.dialect.name == "postgresql" else \
        "CAST(max(julianday(last_day) - julianday(first_day)) AS INTEGER)"
    span = bind.exec_driver_sql(f"SELECT {days} FROM claims").scalar()
    if span is not None:
        bind.execute(sa.text("INSERT INTO kb_info (key, value) VALUES ('claim_span_days', :v)"), {"v": str(span)})
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    # the actors question's counts, kept by the writer instead of counted per question
    for column, role in (("subject_claims", "subject"), ("object_claims", "object")):
        op.add_column("entities", sa.Column(column, sa.Integer, nullable=False, server_default="0"))
        op.execute(f"UPDATE entities SET {column} = (SELECT count(*) FROM claim_entities ce "
                   f"WHERE ce.entity_id = entities.id AND ce.role = '{role}')")


def downgrade() -> None:
    op.execute("DELETE FROM kb_info WHERE key = 'claim_span_days'")
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("entities") as batch:
        batch.drop_column("object_claims")
        batch.drop_column("subject_claims")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("undated")
        batch.drop_column("last_day")
        batch.drop_column("first_day")
