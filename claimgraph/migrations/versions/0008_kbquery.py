"""Questions at scale, second step: the timeline ordered off an index, and `--source` found through a trigram
index instead of a scan of every document (`python -m claimgraph.bench_kb`, README "Questions at scale").

- events: `sort_day` (the event's time, else its first report) and `undated`, kept by the grouping, and the
  index the timeline pages along (undated, sort_day, label, key);
- SQLite: `documents_names_fts`, an FTS5 trigram index over each document's source, title, outlet and URL
  (external content, kept by triggers); kb.claims(source=...) takes its candidates from it and checks them
  with the same LIKE as before, so the answers are unchanged;
- PostgreSQL: the `pg_trgm` extension and a GIN trigram index on lower() of each of those columns (the
  expression the filter compares), where the extension can be created (else the filter scans, as before).

Revision ID: 0008_kbquery
Revises: 0006_scale
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_kbquery"
down_revision = "0006_scale"  # the lead re-chains at merge
branch_labels = None
depends_on = None

#: the document columns `--source` searches (kb.KnowledgeBase._claims_select)
NAME_COLUMNS = ("source", "title", "outlet", "url")
NAMES_FTS = "documents_names_fts"


def upgrade() -> None:
    op.add_column("events", sa.Column("sort_day", sa.Date, nullable=True,
                                      comment="the event's first day, else its first report"))
    op.add_column("events", sa.Column("undated", sa.Boolean, nullable=False, server_default=sa.false(),
                                      comment="neither a time nor a dated report"))
    op.execute("UPDATE events SET sort_day = coalesce(time_start, first_reported)")
    op.execute("UPDATE events SET undated = (sort_day IS NULL)")
    op.create_index("ix_events_order", "events", ["undated", "sort_day", "label", "key"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _names_sqlite()
    else:
        _names_postgresql(bind)


def _names_sqlite() -> None:
    cols = ", ".join(NAME_COLUMNS)
    new = ", ".join(f"new.{c}" for c in NAME_COLUMNS)
    old = ", ".join(f"old.{c}" for c in NAME_COLUMNS)
    fts = NAMES_FTS
    # trigram: any substring of three characters or more is found (case-insensitively) without a scan
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='documents', content_rowid='rowid', "
               "tokenize='trigram')")
    op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON documents BEGIN "
               f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END")
    op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON documents BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END")
    # only when a searched column changes (ingest flips is_latest on every new version)
    op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON documents BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
               f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # index the documents already stored


def _names_postgresql(bind: sa.Connection) -> None:
    available = bind.exec_driver_sql(
        "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'").scalar()
    if not available:
        return
    try:
        with bind.begin_nested():  # creating an extension may need rights the user lacks: then no index
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return
    for col in NAME_COLUMNS:
        op.execute(f"CREATE INDEX ix_documents_{col}_trgm ON documents USING GIN (lower({col}) gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {NAMES_FTS}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {NAMES_FTS}")
    else:
        for col in NAME_COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_documents_{col}_trgm")
    op.drop_index("ix_events_order", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("undated")
        batch.drop_column("sort_day")
