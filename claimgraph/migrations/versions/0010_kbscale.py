"""Questions at a million claims, third step (`python -m claimgraph.bench_kb`, README "Knowledge base at scale"):

- `kb_counts` keeps one more figure, `latest_documents` (the documents that are the newest version of their
  source), by insert, delete and update triggers on `documents` (SQLite: per row; PostgreSQL: per statement,
  counting its transition tables): `kb.stats()` read it by counting the documents table, whose rows hold each
  document's whole text (a scan of the file's largest table on every home page).

Revision ID: 0010_kbscale
Revises: 0010_network
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0010_kbscale"
down_revision = "0010_network"  # "0008_kbquery" as briefed; re-chained after main's 0010_network (one head)
branch_labels = None
depends_on = None

#: the kb_counts row of the latest documents (kb.KnowledgeBase.stats reads it)
LATEST = "latest_documents"


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(f"INSERT INTO kb_counts (name, row_count) SELECT '{LATEST}', count(*) FROM documents WHERE is_latest")
    if bind.dialect.name == "sqlite":
        # per row: + a latest document inserted, - one deleted, +/- a flag that changed
        op.execute(f"CREATE TRIGGER kb_counts_{LATEST}_insert AFTER INSERT ON documents WHEN new.is_latest BEGIN "
                   f"UPDATE kb_counts SET row_count = row_count + 1 WHERE name = '{LATEST}'; END")
        op.execute(f"CREATE TRIGGER kb_counts_{LATEST}_delete AFTER DELETE ON documents WHEN old.is_latest BEGIN "
                   f"UPDATE kb_counts SET row_count = row_count - 1 WHERE name = '{LATEST}'; END")
        op.execute(f"CREATE TRIGGER kb_counts_{LATEST}_update AFTER UPDATE OF is_latest ON documents "
                   f"WHEN new.is_latest IS NOT old.is_latest BEGIN UPDATE kb_counts SET row_count = row_count + "
                   f"(CASE WHEN new.is_latest THEN 1 ELSE -1 END) WHERE name = '{LATEST}'; END")
    else:
        # per statement, COPY included; PostgreSQL allows no column list on a trigger with transition tables
        count = "(SELECT count(*) FROM {rows} WHERE is_latest)"
        for event, change, refs in (
                ("insert", count.format(rows="new_rows"), "NEW TABLE AS new_rows"),
                ("delete", "-" + count.format(rows="old_rows"), "OLD TABLE AS old_rows"),
                ("update", count.format(rows="new_rows") + " - " + count.format(rows="old_rows"),
                 "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
            op.execute(f"CREATE FUNCTION kb_counts_{LATEST}_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN UPDATE kb_counts SET row_count = row_count + {change} WHERE name = '{LATEST}'; "
                       "RETURN NULL; END $$")
            op.execute(f"CREATE TRIGGER kb_counts_{LATEST}_{event} AFTER {event.upper()} ON documents "
                       f"REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION kb_counts_{LATEST}_{event}()")


def downgrade() -> None:
    bind = op.get_bind()
    for event in ("insert", "delete", "update"):
        if bind.dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS kb_counts_{LATEST}_{event}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS kb_counts_{LATEST}_{event} ON documents")
            op.execute(f"DROP FUNCTION IF EXISTS kb_counts_{LATEST}_{event}()")
    op.execute(f"DELETE FROM kb_counts WHERE name = '{LATEST}'")
