"""Full-text tables Datasette recognises: `content="table"` in double quotes.

0001 declared the FTS5 tables with `content='sentences'` (single quotes). SQLite reads both, but Datasette finds
a table's FTS index by matching the stored `CREATE VIRTUAL TABLE` text against `content="TABLE"` or
`content=[TABLE]` only, so it showed no search box on `sentences` or `claims`. This revision recreates both FTS
tables (and their triggers) with double quotes and rebuilds their index from the content tables. PostgreSQL's
tsvector columns are untouched.

Revision ID: 0003_web
Revises: 0004_sources (chained after it at the merge with main, so that a database already at 0004_sources
still gets this revision; the lead may re-chain)
Create Date: 2026-12-04
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0003_web"
down_revision = "0004_sources"
branch_labels = None
depends_on = None

#: (content table, indexed columns) as in 0001
_FTS5 = [
    ("sentences", ["text"]),
    ("claims", ["evidence_text", "predicate"]),
]


def _create(quote: str) -> None:
    for table, cols in _FTS5:
        fts = f"{table}_fts"
        collist = ", ".join(cols)
        new = ", ".join(f"new.{c}" for c in cols)
        old = ", ".join(f"old.{c}" for c in cols)
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({collist}, content={quote}{table}{quote}, "
                   "content_rowid='id', tokenize='porter unicode61')")
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {fts}(rowid, {collist}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {collist}) VALUES ('delete', old.id, {old}); END")
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {collist}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {fts}(rowid, {collist}) VALUES (new.id, {new}); END")
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # index the rows already stored


def _claim_view(dialect: str, names: bool) -> str:
    """0001's claim_view; with `names`, `attributed_to` is the attributed entity's name where the claim links
    one (0001 showed its id, "PAK", where a reader wants "Pakistan")."""
    sql = importlib.import_module("claimgraph.migrations.versions.0001_initial")._views(dialect)["claim_view"]
    if names:
        sql = sql.replace("c.modality, c.attributed_to,",
                          "c.modality, coalesce(ae.name, c.attributed_to) AS attributed_to,")
        sql = sql.replace("LEFT JOIN sentences s ON s.id = c.sentence_id",
                          "LEFT JOIN sentences s ON s.id = c.sentence_id\n"
                          "            LEFT JOIN entities ae ON ae.id = c.attributed_entity_id")
        assert "ae.name" in sql and "JOIN entities ae" in sql, "0001's claim_view changed: update 0003"
    return sql


def _replace_claim_view(names: bool) -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW IF EXISTS claim_view")
    op.execute(f"CREATE VIEW claim_view AS {_claim_view(dialect, names)}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _create('"')
    _replace_claim_view(names=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _create("'")
    _replace_claim_view(names=False)
