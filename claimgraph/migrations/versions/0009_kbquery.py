"""Questions at scale, second step: the timeline ordered off an index, and `--source` found through a trigram
index instead of a scan of every document (`python -m claimgraph.bench_kb`, README "Questions at scale").

- events: `sort_day` (the event's time, else its first report) and `undated`, kept by the grouping, and the
  index the timeline pages along (undated, sort_day, label, key);
- SQLite: `documents_names_fts`, an FTS5 trigram index over each document's source, title, outlet and URL
  (external content, kept by triggers); kb.claims(source=...) takes its candidates from it and checks them
  with the same LIKE as before, so the answers are unchanged;
- PostgreSQL: the `pg_trgm` extension and a GIN trigram index on lower() of each of those columns (the
  expression the filter compares), where the extension can be created (else the filter scans, as before).

- `kb_counts`: the rows of every table, kept by insert and delete triggers (SQLite: one per row; PostgreSQL: one
  per statement, counting its transition table, so COPY and cascaded deletes count too): `Store.counts()` and
  the home page's and `/api/v1/stats`' figures read them instead of counting a million-claim base.

Revision ID: 0008_kbquery
Revises: 0007_layers
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_kbquery"
# "0006_scale" as briefed; re-chained after main's 0007_layers and 0008_finding_sources (one head)
down_revision = "0008_finding_sources"
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
    _counts(bind)


#: the tables whose rows kb_counts keeps (every table of the schema at this revision but kb_counts itself);
#: Store.counts() counts a table that is not listed
COUNTED = ("documents", "entities", "source_documents", "events", "measures", "kb_info", "sentences",
           "document_entities", "entity_aliases", "mentions", "reference_entries", "source_urls", "citations",
           "claims", "findings", "event_entities", "claim_entities", "claim_citations", "quantities",
           "event_claims", "measure_values")


def _counts(bind: sa.Connection) -> None:
    op.create_table("kb_counts",
                    sa.Column("name", sa.String(64), primary_key=True, comment="a table"),
                    sa.Column("row_count", sa.BigInteger, nullable=False,
                              comment="its rows, kept by insert and delete triggers (0008)"))
    tables = [name for name in COUNTED if sa.inspect(bind).has_table(name)]
    for name in tables:
        op.execute(f"INSERT INTO kb_counts (name, row_count) SELECT '{name}', count(*) FROM {name}")
    if bind.dialect.name == "sqlite":
        for name in tables:
            for event, sign, when in (("insert", "+", "INSERT"), ("delete", "-", "DELETE")):
                op.execute(f"CREATE TRIGGER kb_counts_{name}_{event} AFTER {when} ON {name} BEGIN "
                           f"UPDATE kb_counts SET row_count = row_count {sign} 1 WHERE name = '{name}'; END")
        return
    for event, sign, rows in (("insert", "+", "new_rows"), ("delete", "-", "old_rows")):
        op.execute(f"CREATE FUNCTION kb_counts_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   f"UPDATE kb_counts SET row_count = row_count {sign} (SELECT count(*) FROM {rows}) "
                   "WHERE name = TG_TABLE_NAME; RETURN NULL; END $$")
    for name in tables:
        op.execute(f"CREATE TRIGGER kb_counts_{name}_insert AFTER INSERT ON {name} REFERENCING NEW TABLE AS "
                   "new_rows FOR EACH STATEMENT EXECUTE FUNCTION kb_counts_insert()")
        op.execute(f"CREATE TRIGGER kb_counts_{name}_delete AFTER DELETE ON {name} REFERENCING OLD TABLE AS "
                   "old_rows FOR EACH STATEMENT EXECUTE FUNCTION kb_counts_delete()")


def _drop_counts(bind: sa.Connection) -> None:
    for name in COUNTED:
        for event in ("insert", "delete"):
            if bind.dialect.name == "sqlite":
                op.execute(f"DROP TRIGGER IF EXISTS kb_counts_{name}_{event}")
            elif sa.inspect(bind).has_table(name):
                op.execute(f"DROP TRIGGER IF EXISTS kb_counts_{name}_{event} ON {name}")
    if bind.dialect.name != "sqlite":
        for event in ("insert", "delete"):
            op.execute(f"DROP FUNCTION IF EXISTS kb_counts_{event}()")
    op.drop_table("kb_counts")


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
    _drop_counts(bind)
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
