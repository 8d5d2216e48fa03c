"""PostgreSQL at a million claims: the time-order indexes serve the whole ORDER BY and hold the claim's id.

Every claims question orders by (undated, first_day, document_id, evidence_start, key) with the two text columns
compared by code point (`COLLATE "C"`, kb.KnowledgeBase._text); the timeline orders events by (undated,
sort_day, label, key) likewise. On PostgreSQL the indexes of 0006_scale and 0008_kbquery have the database's
collation on those columns, which the planner does not match with `COLLATE "C"` even where the database's is C:
it walked the index for the first two keys only and sorted each day's claims (an incremental sort). And a
walk that checks each claim against a list of ids (kb `_many`, `_few`) read every walked claim's table row
for its id, which SQLite's indexes hold (the rowid) and PostgreSQL's do not: at a million claims, 7,000
claims walked for a mid-frequency place's first page read 4,463 pages (33 ms); with these indexes an
index-only scan read 476, the table none (28 ms, most of it building the place's ids; bench/README.md,
"PostgreSQL at a million claims").

Here, on PostgreSQL only, the same indexes (same names, same columns) are built again with `COLLATE "C"` on
the text columns and `INCLUDE (id)`. SQLite is unchanged (its collation is binary, its indexes hold the rowid).

Also on PostgreSQL: statistics on (entity_id, role) of claim_entities and event_entities. An entity plays one
kind of role (a place is never a subject), but the planner multiplied the two conditions' frequencies as if
independent: a place named in 105,000 claims was expected in 35,000, an actor's 60,600 claims as 38,600. The
kb questions choose how to filter by an entity from that estimate (kb.PG_HASHED); with these statistics it was
within 3% (106,900; 64,300). ANALYZE fills them (bench_kb runs it after a load; autovacuum does later).

Revision ID: 0011_pg1m
Revises: 0011_kbquery
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0011_pg1m"
down_revision = "0011_kbquery"
branch_labels = None
depends_on = None

_CLAIMS = ["undated", "first_day", "document_id", "evidence_start", "key", "last_day"]

#: name: (table, columns, the text columns ordered by code point). tests/test_postgres.py checks them.
INDEXES = {
    "ix_claims_order": ("claims", _CLAIMS, {"document_id", "key"}),
    "ix_claims_predicate_order": ("claims", ["predicate", *_CLAIMS], {"document_id", "key"}),
    "ix_claims_modality_order": ("claims", ["modality", *_CLAIMS], {"document_id", "key"}),
    "ix_events_order": ("events", ["undated", "sort_day", "label", "key"], {"label", "key"}),
    # a document's claims in the time order (0011_kbquery, claims --source)
    "ix_claims_document_order": ("claims", ["document_id", "undated", "first_day", "evidence_start", "key"],
                                 {"document_id", "key"}),
}


#: extended statistics: name -> table (on its entity_id, role)
STATISTICS = {"st_claim_entities_entity_role": "claim_entities", "st_event_entities_entity_role": "event_entities"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, columns, by_code_point) in INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        listed = ", ".join(f'{c} COLLATE "C"' if c in by_code_point else c for c in columns)
        op.execute(f"CREATE INDEX {name} ON {table} ({listed}) INCLUDE (id)")
    for name, table in STATISTICS.items():
        op.execute(f"CREATE STATISTICS {name} (mcv) ON entity_id, role FROM {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in STATISTICS:
        op.execute(f"DROP STATISTICS IF EXISTS {name}")
    for name, (table, columns, _by_code_point) in INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.create_index(name, table, columns)
