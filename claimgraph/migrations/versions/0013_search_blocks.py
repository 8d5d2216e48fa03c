"""PostgreSQL search: each row's search vector also names the block of ids it is in.

Search ranks the newest matches of a word (kb.KnowledgeBase.SEARCH_NEWEST), taken from the highest ids down
(kb.KnowledgeBase._ranked_by_window). Without this, a GIN index gives every match of the word, in no order, and
the newest were found by intersecting that bitmap with the primary key's range of ids: at a million claims a
word in 5% of them built a bitmap of its 53,000 matches (13 ms) and one of the window's 200,000 ids (15 ms) for
the 10,000 it ranked, and read 8,200 table pages (EXPLAIN ANALYZE; search claims 60-90 ms at p50, 93-133 ms at
p95: bench/README.md, "A million claims on a quiet machine").

Here the stored `search_vector` of sentences and claims also holds one lexeme for the row's block of ids, `# B`
(a space inside), where B is id // 16,384 (SEARCH_BLOCK below, which kb.SEARCH_BLOCK must equal:
tests/test_postgres.py checks the stored vectors against it). No text becomes a lexeme with a space (every token
the parser makes, a URL's included, ends at one; a URL's path can make `e.org/#61`), so no search matches a block
by chance, and ts_rank, which scores only the query's lexemes, is unchanged. A search for the newest matches
then asks the GIN index for `word & ('# 61' | '# 60' | ...)`: the index intersects the word with those blocks'
entries itself, and the bitmap holds the window's matches only (one window of a 5%-word: 73 -> 26 ms). Why
blocks of 16,384 ids: kb.KnowledgeBase.SEARCH_BLOCK.

SQLite is unchanged: FTS5 reads its index by rowid, newest first, itself.

Revision ID: 0013_search_blocks
Revises: 0012_timeline
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0013_search_blocks"
down_revision = "0012_timeline"
branch_labels = None
depends_on = None

#: Ids per block named in the search vector. Frozen with the stored vectors: changing it means a migration
#: that writes every vector again.
SEARCH_BLOCK = 16_384

#: The text each table's search vector is made of (as 0001_initial).
_TEXTS = {
    "sentences": "to_tsvector('english', text)",
    "claims": "to_tsvector('english', evidence_text || ' ' || predicate)",
}


def block_lexeme(id_sql: str) -> str:
    """SQL for the block lexeme of the row whose id is `id_sql` ('# ' and the block number)."""
    return f"'# ' || ({id_sql} / {SEARCH_BLOCK})::text"


def _vectors(with_block: bool) -> None:
    for table, expr in _TEXTS.items():
        if with_block:
            expr = f"{expr} || array_to_tsvector(ARRAY[{block_lexeme('id')}])"
        # the generated column written again (a generated column's expression cannot be altered in place);
        # a million claims: 30 s, and 6 s for the GIN index
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expr}) STORED")
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING GIN (search_vector)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _vectors(with_block=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _vectors(with_block=False)
