"""The actor network's edges kept by the grouping (`network_edges`, claimgraph/store/network.py): one row per
(subject, predicate, object) of the latest versions' claims that are not negated, with its claim and document
counts and first and last day, so the network's most reported edges are read off an index (`ix_network_edges_rank`)
instead of summed over every claim at each asking (the edge id, `source|predicate|target`, breaks
ties in the order Python sorts strings: SQLite's binary collation, and PostgreSQL's "C" where it is compared).

The table is filled here from the claims as they are (the same sums the grouping makes), and its rows are
counted in `kb_counts` by the same triggers as every other table (0008_kbquery).

Revision ID: 0010_network
Revises: 0008_kbquery
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_network"
down_revision = "0008_kbquery"
branch_labels = None
depends_on = None

#: the edges of the latest versions' claims that are not negated, as claimgraph.store.network sums them
FILL = """
INSERT INTO network_edges (id, source, predicate, target, claims, sources, first, last)
SELECT subj.entity_id || '|' || c.predicate || '|' || obj.entity_id, subj.entity_id, c.predicate, obj.entity_id,
       count(DISTINCT c.id), count(DISTINCT c.document_id),
       min(coalesce(CAST(c.time_start AS VARCHAR), d.published)),
       max(coalesce(CAST(c.time_start AS VARCHAR), d.published))
FROM claims c
JOIN documents d ON d.id = c.document_id
JOIN claim_entities subj ON subj.claim_id = c.id AND subj.role = 'subject'
JOIN claim_entities obj ON obj.claim_id = c.id AND obj.role = 'object'
WHERE d.is_latest AND NOT c.negated AND subj.entity_id != obj.entity_id
GROUP BY subj.entity_id, c.predicate, obj.entity_id
"""


def upgrade() -> None:
    op.create_table(
        "network_edges",
        sa.Column("id", sa.String(440), primary_key=True, comment="source|predicate|target, the network's edge id"),
        sa.Column("source", sa.String(200), nullable=False, comment="the subject entity's id"),
        sa.Column("predicate", sa.String(32), nullable=False),
        sa.Column("target", sa.String(200), nullable=False, comment="the object entity's id"),
        sa.Column("claims", sa.Integer, nullable=False, comment="claims of the latest versions, not negated"),
        sa.Column("sources", sa.Integer, nullable=False, comment="documents reporting it"),
        sa.Column("first", sa.String(10),
                  comment="its claims' first day (the claim's time, else its document's date)"),
        sa.Column("last", sa.String(10), comment="and last"),
        comment="the actor network's edges, kept by the grouping (store/network.py, 0010_network)",
    )
    op.create_index("ix_network_edges_predicate", "network_edges", ["predicate"])
    op.create_index("ix_network_edges_rank", "network_edges", ["sources", "claims", "id"])
    op.execute(FILL)
    op.execute("INSERT INTO kb_counts (name, row_count) SELECT 'network_edges', count(*) FROM network_edges")
    if op.get_bind().dialect.name == "sqlite":
        for event, sign, when in (("insert", "+", "INSERT"), ("delete", "-", "DELETE")):
            op.execute(f"CREATE TRIGGER kb_counts_network_edges_{event} AFTER {when} ON network_edges BEGIN "
                       f"UPDATE kb_counts SET row_count = row_count {sign} 1 WHERE name = 'network_edges'; END")
        return
    for event, rows in (("insert", "NEW TABLE AS new_rows"), ("delete", "OLD TABLE AS old_rows")):
        op.execute(f"CREATE TRIGGER kb_counts_network_edges_{event} AFTER {event.upper()} ON network_edges "
                   f"REFERENCING {rows} FOR EACH STATEMENT EXECUTE FUNCTION kb_counts_{event}()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS kb_counts_network_edges_{event}")
    op.execute("DELETE FROM kb_counts WHERE name = 'network_edges'")
    op.drop_index("ix_network_edges_rank", table_name="network_edges")
    op.drop_index("ix_network_edges_predicate", table_name="network_edges")
    op.drop_table("network_edges")  # PostgreSQL drops its triggers with it
