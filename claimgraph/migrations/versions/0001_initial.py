"""The knowledge base: documents and their records, entities, derived events and measures, search, views.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CASCADE = {"ondelete": "CASCADE"}


def _doc_fk(table: str) -> list:
    return [
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", name=f"fk_{table}_document_id_documents",
                                                              **CASCADE), nullable=False),
    ]


def _sentence_fk(table: str) -> sa.Column:
    return sa.Column("sentence_id", sa.Integer,
                     sa.ForeignKey("sentences.id", name=f"fk_{table}_sentence_id_sentences", **CASCADE), nullable=True)


def _fk(table: str, column: str, target: str, cascade: bool = True) -> sa.ForeignKey:
    referred = target.split(".")[0]
    return sa.ForeignKey(target, name=f"fk_{table}_{column}_{referred}", **(CASCADE if cascade else {}))


def _tables() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(32), nullable=False, comment="hash of the normalised text"),
        sa.Column("source", sa.Text, nullable=False, comment="the path, URL or '-' as given"),
        sa.Column("source_key", sa.Text, nullable=False, comment="absolute path or URL: versions share it"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("is_latest", sa.Boolean, nullable=False),
        sa.Column("previous_version_id", sa.String(32), _fk("documents", "previous_version_id", "documents.id", False),
                  nullable=True),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("format", sa.String(16)),
        sa.Column("title", sa.Text),
        sa.Column("authors", sa.JSON),
        sa.Column("published", sa.String(10),
                  comment="ISO with the precision known: 2022, 2022-11, 2022-11-28"),
        sa.Column("published_start", sa.Date),
        sa.Column("published_end", sa.Date),
        sa.Column("published_not_before", sa.String(10)),
        sa.Column("published_not_after", sa.String(10)),
        sa.Column("published_why", sa.Text),
        sa.Column("language", sa.String(8)),
        sa.Column("char_count", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("rules_version", sa.Text, nullable=False),
        sa.Column("claimgraph_version", sa.String(32), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("source_key", "version", name="uq_documents_source_key_version"),
    )
    op.create_table(
        "sentences",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *_doc_fk("sentences"),
        sa.Column("idx", sa.Integer, nullable=False, comment="position in the document"),
        sa.Column("paragraph", sa.Integer, nullable=False),
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sentences"),
        sa.UniqueConstraint("document_id", "idx", name="uq_sentences_document_id_idx"),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.String(200), nullable=False, comment="gazetteer id, or local:type:slug"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("wikidata", sa.String(32)),
        sa.Column("country", sa.String(200)),
        sa.Column("parent", sa.String(200)),
        sa.Column("is_local", sa.Boolean, nullable=False),
        sa.Column("mention_count", sa.Integer, nullable=False),
        sa.Column("document_count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entities"),
    )
    op.create_table(
        "entity_aliases",
        sa.Column("entity_id", sa.String(200), _fk("entity_aliases", "entity_id", "entities.id"), nullable=False),
        sa.Column("alias", sa.Text, nullable=False, comment="a surface form as written"),
        sa.Column("mention_count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("entity_id", "alias", name="pk_entity_aliases"),
    )
    op.create_table(
        "document_entities",
        sa.Column("document_id", sa.String(32), _fk("document_entities", "document_id", "documents.id"),
                  nullable=False),
        sa.Column("entity_id", sa.String(200), _fk("document_entities", "entity_id", "entities.id", False),
                  nullable=False),
        sa.Column("local_id", sa.Text, nullable=False, comment="the id the pipeline gave within the document"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("mention_count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("document_id", "entity_id", name="pk_document_entities"),
    )
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *_doc_fk("mentions"),
        sa.Column("entity_id", sa.String(200), _fk("mentions", "entity_id", "entities.id", False), nullable=False),
        _sentence_fk("mentions"),
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("how", sa.String(32), nullable=False),
        sa.Column("facet", sa.String(32)),
        sa.PrimaryKeyConstraint("id", name="pk_mentions"),
    )
    op.create_table(
        "reference_entries",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *_doc_fk("reference_entries"),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("publisher", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("url_date", sa.String(10)),
        sa.Column("authors", sa.JSON),
        sa.Column("accessed", sa.String(10)),
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reference_entries"),
        sa.UniqueConstraint("document_id", "idx", name="uq_reference_entries_document_id_idx"),
    )
    op.create_table(
        "citations",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *_doc_fk("citations"),
        sa.Column("reference_id", sa.Integer, _fk("citations", "reference_id", "reference_entries.id"), nullable=True,
                  comment="NULL when no entry carries the label (citation.unresolved)"),
        sa.Column("label", sa.Text, nullable=False),
        _sentence_fk("citations"),
        sa.Column("marker_start", sa.Integer, nullable=False),
        sa.Column("marker_end", sa.Integer, nullable=False),
        sa.Column("marker_text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_citations"),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False, comment="<document id>:<claim id>"),
        *_doc_fk("claims"),
        _sentence_fk("claims"),
        sa.Column("local_id", sa.String(32), nullable=False),
        sa.Column("predicate", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(64)),
        sa.Column("negated", sa.Boolean, nullable=False),
        sa.Column("modality", sa.String(16), nullable=False),
        sa.Column("attributed_to", sa.Text, comment="entity id or name of the source the author relays"),
        sa.Column("attributed_entity_id", sa.String(200),
                  _fk("claims", "attributed_entity_id", "entities.id", False), nullable=True),
        sa.Column("time_text", sa.Text),
        sa.Column("time_start", sa.Date),
        sa.Column("time_end", sa.Date),
        sa.Column("time_relative", sa.Boolean),
        sa.Column("time_char_start", sa.Integer),
        sa.Column("time_char_end", sa.Integer),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("evidence_text", sa.Text, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("rules_version", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
        sa.UniqueConstraint("key", name="uq_claims_key"),
    )
    op.create_table(
        "claim_entities",
        sa.Column("claim_id", sa.Integer, _fk("claim_entities", "claim_id", "claims.id"), nullable=False),
        sa.Column("role", sa.String(8), nullable=False, comment="subject, object or place"),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("entity_id", sa.String(200), _fk("claim_entities", "entity_id", "entities.id", False),
                  nullable=False),
        sa.PrimaryKeyConstraint("claim_id", "role", "position", name="pk_claim_entities"),
    )
    op.create_table(
        "claim_citations",
        sa.Column("claim_id", sa.Integer, _fk("claim_citations", "claim_id", "claims.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("reference_id", sa.Integer, _fk("claim_citations", "reference_id", "reference_entries.id"),
                  nullable=True),
        sa.PrimaryKeyConstraint("claim_id", "position", name="pk_claim_citations"),
    )
    op.create_table(
        "quantities",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.Integer, _fk("quantities", "claim_id", "claims.id"), nullable=False),
        *_doc_fk("quantities"),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
        sa.Column("qualifier", sa.Text),
        sa.Column("unit", sa.Text),
        sa.Column("what", sa.Text),
        sa.Column("whom", sa.Text),
        sa.Column("vague", sa.Text),
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quantities"),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *_doc_fk("findings"),
        _sentence_fk("findings"),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("evidence_text", sa.Text, nullable=False),
        sa.Column("reference_labels", sa.JSON, nullable=False),
        sa.Column("suggestion_message", sa.Text),
        sa.Column("suggestion_references", sa.JSON),
        sa.Column("suggestion_start", sa.Integer),
        sa.Column("suggestion_end", sa.Integer),
        sa.Column("rules_version", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False, comment="hash of the member claims' keys"),
        sa.Column("predicate", sa.String(32), nullable=False),
        sa.Column("negated", sa.Boolean, nullable=False),
        sa.Column("modes", sa.JSON, nullable=False),
        sa.Column("subject_ids", sa.JSON, nullable=False),
        sa.Column("object_ids", sa.JSON, nullable=False),
        sa.Column("place_ids", sa.JSON, nullable=False),
        sa.Column("label", sa.Text, nullable=False, comment="subjects PREDICATE objects, readable"),
        sa.Column("time_start", sa.Date),
        sa.Column("time_end", sa.Date),
        sa.Column("first_reported", sa.Date),
        sa.Column("last_reported", sa.Date),
        sa.Column("claim_count", sa.Integer, nullable=False),
        sa.Column("document_count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("key", name="uq_events_key"),
    )
    op.create_table(
        "event_claims",
        sa.Column("event_id", sa.Integer, _fk("event_claims", "event_id", "events.id"), nullable=False),
        sa.Column("claim_id", sa.Integer, _fk("event_claims", "claim_id", "claims.id"), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "claim_id", name="pk_event_claims"),
    )
    op.create_table(
        "event_entities",
        sa.Column("event_id", sa.Integer, _fk("event_entities", "event_id", "events.id"), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("entity_id", sa.String(200), _fk("event_entities", "entity_id", "entities.id", False),
                  nullable=False),
        sa.PrimaryKeyConstraint("event_id", "role", "entity_id", name="pk_event_entities"),
    )
    op.create_table(
        "measures",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("what", sa.Text),
        sa.Column("whom", sa.Text),
        sa.Column("unit", sa.Text),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("place_ids", sa.JSON, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("value_count", sa.Integer, nullable=False),
        sa.Column("distinct_values", sa.Integer, nullable=False),
        sa.Column("document_count", sa.Integer, nullable=False),
        sa.Column("min_value", sa.Float, nullable=False),
        sa.Column("max_value", sa.Float, nullable=False),
        sa.Column("disagreement", sa.Boolean, nullable=False,
                  comment="exact values differ, or the ranges do not overlap"),
        sa.Column("compatible", sa.Boolean, nullable=False,
                  comment="the reported ranges still overlap ('at least 14' and '21')"),
        sa.PrimaryKeyConstraint("id", name="pk_measures"),
        sa.UniqueConstraint("key", name="uq_measures_key"),
    )
    op.create_table(
        "measure_values",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("measure_id", sa.Integer, _fk("measure_values", "measure_id", "measures.id"), nullable=False),
        sa.Column("quantity_id", sa.Integer, _fk("measure_values", "quantity_id", "quantities.id"), nullable=False),
        sa.Column("claim_id", sa.Integer, _fk("measure_values", "claim_id", "claims.id"), nullable=False),
        sa.Column("document_id", sa.String(32), _fk("measure_values", "document_id", "documents.id"),
                  nullable=False),
        sa.Column("sentence_id", sa.Integer, _fk("measure_values", "sentence_id", "sentences.id"), nullable=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
        sa.Column("qualifier", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_measure_values"),
    )
    op.create_table(
        "kb_info",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_kb_info"),
    )


# (sentences and reference_entries are found by document through their unique (document_id, idx))
_INDEXES = {
    "document_entities": [["entity_id"]],
    "mentions": [["document_id"], ["entity_id"]],
    "citations": [["document_id"]],
    "claims": [["document_id"], ["predicate"]],
    "claim_entities": [["entity_id"]],
    "quantities": [["claim_id"], ["document_id"]],
    "findings": [["document_id"], ["code"]],
    "event_claims": [["claim_id"]],
    "event_entities": [["entity_id"]],
    "measure_values": [["measure_id"]],
}


def _indexes() -> None:
    for table, column_sets in _INDEXES.items():
        for cols in column_sets:
            op.create_index(f"ix_{table}_{'_'.join(cols)}", table, cols)
    # a URL's (or path's) versions
    op.create_index("ix_documents_source_key", "documents", ["source_key"])


# --- full-text search ---------------------------------------------------------------------------------------

_FTS5 = [
    ("sentences", ["text"]),
    ("claims", ["evidence_text", "predicate"]),
]


def _search_sqlite() -> None:
    for table, cols in _FTS5:
        fts = f"{table}_fts"
        collist = ", ".join(cols)
        new = ", ".join(f"new.{c}" for c in cols)
        old = ", ".join(f"old.{c}" for c in cols)
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({collist}, content='{table}', content_rowid='id', "
                   "tokenize='porter unicode61')")
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {fts}(rowid, {collist}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {collist}) VALUES ('delete', old.id, {old}); END")
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {collist}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {fts}(rowid, {collist}) VALUES (new.id, {new}); END")


def _search_postgresql() -> None:
    vectors = {
        "sentences": "to_tsvector('english', text)",
        "claims": "to_tsvector('english', evidence_text || ' ' || predicate)",
    }
    for table, expr in vectors.items():
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expr}) STORED")
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING GIN (search_vector)")


# --- views for Datasette and SQL users ------------------------------------------------------------------------


def _agg(dialect: str, expr: str, from_where: str, order: str, sep: str = "; ") -> str:
    """A correlated subquery joining `expr` over rows in `order` (string_agg / group_concat)."""
    if dialect == "postgresql":
        return f"(SELECT string_agg({expr}, '{sep}' ORDER BY {order}) {from_where})"
    return f"(SELECT group_concat(x, '{sep}') FROM (SELECT {expr} AS x {from_where} ORDER BY {order}))"


def _views(dialect: str) -> dict[str, str]:
    def names(role: str, claim: str = "c.id") -> str:
        return _agg(dialect, "e.name",
                    f"FROM claim_entities ce JOIN entities e ON e.id = ce.entity_id "
                    f"WHERE ce.claim_id = {claim} AND ce.role = '{role}'", "ce.position")

    def cast_text(expr: str) -> str:
        return f"CAST({expr} AS TEXT)" if dialect == "postgresql" else expr

    return {
        "claim_view": f"""
            SELECT c.id, c.key, c.document_id, d.title AS document_title, d.outlet AS document_outlet,
                   d.published AS document_published, d.source AS document_source, d.is_latest,
                   {names('subject')} AS subjects, c.predicate, c.mode, {names('object')} AS objects,
                   c.negated, c.modality, c.attributed_to, c.time_text, c.time_start, c.time_end,
                   {names('place')} AS places,
                   {_agg(dialect, 'q.text', 'FROM quantities q WHERE q.claim_id = c.id', 'q.idx')} AS quantities,
                   {_agg(dialect, 'cc.label', 'FROM claim_citations cc WHERE cc.claim_id = c.id', 'cc.position')}
                       AS citations,
                   c.evidence_text, s.text AS sentence, c.rule, c.rules_version
            FROM claims c
            JOIN documents d ON d.id = c.document_id
            LEFT JOIN sentences s ON s.id = c.sentence_id""",
        "actor_view": f"""
            SELECT e.id, e.name, e.type, e.wikidata, e.country, e.is_local, e.mention_count, e.document_count,
                   (SELECT count(*) FROM claim_entities ce WHERE ce.entity_id = e.id AND ce.role = 'subject')
                       AS claims_as_subject,
                   (SELECT count(*) FROM claim_entities ce WHERE ce.entity_id = e.id AND ce.role = 'object')
                       AS claims_as_object,
                   {_agg(dialect, "a.alias || ' (' || " + cast_text('a.mention_count') + " || ')'",
                         'FROM entity_aliases a WHERE a.entity_id = e.id', 'a.mention_count DESC, a.alias')}
                       AS aliases
            FROM entities e
            WHERE e.type NOT IN ('place', 'border', 'infrastructure', 'other')""",
        "event_view": f"""
            SELECT ev.id, ev.label, ev.predicate, ev.negated, ev.time_start, ev.time_end, ev.first_reported,
                   ev.last_reported, ev.claim_count, ev.document_count,
                   {_agg(dialect, "coalesce(d.title, d.source)",
                         'FROM event_claims ec JOIN claims c ON c.id = ec.claim_id '
                         'JOIN documents d ON d.id = c.document_id WHERE ec.event_id = ev.id', 'c.id')} AS sources
            FROM events ev""",
        "measure_view": f"""
            SELECT m.id, m.label, m.what, m.whom, m.unit, m.period_start, m.period_end, m.value_count,
                   m.distinct_values, m.document_count, m.min_value, m.max_value, m.disagreement, m.compatible,
                   {_agg(dialect, "mv.text || ' — ' || coalesce(d.title, d.source)",
                         'FROM measure_values mv JOIN documents d ON d.id = mv.document_id '
                         'WHERE mv.measure_id = m.id', 'mv.value, mv.id')} AS reported
            FROM measures m""",
        "disagreement_view": """
            SELECT m.id AS measure_id, m.label AS measure, m.what, m.whom, m.unit, m.period_start, m.period_end,
                   m.compatible, mv.value, mv.low, mv.high, mv.qualifier, mv.text AS reported_as,
                   d.id AS document_id, d.title AS document_title, d.outlet AS document_outlet,
                   d.published AS document_published, d.source AS document_source, s.text AS sentence,
                   c.key AS claim_key, c.modality, c.attributed_to
            FROM measures m
            JOIN measure_values mv ON mv.measure_id = m.id
            JOIN documents d ON d.id = mv.document_id
            JOIN claims c ON c.id = mv.claim_id
            LEFT JOIN sentences s ON s.id = mv.sentence_id
            WHERE m.disagreement""",
    }


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _tables()
    _indexes()
    if dialect == "sqlite":
        _search_sqlite()
    elif dialect == "postgresql":
        _search_postgresql()
    for name, sql in _views(dialect).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in _views(dialect):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    if dialect == "sqlite":
        for table, _ in _FTS5:
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    for table in ("kb_info", "measure_values", "measures", "event_entities", "event_claims", "events", "findings",
                  "quantities", "claim_citations", "claim_entities", "claims", "citations", "reference_entries",
                  "mentions", "document_entities", "entity_aliases", "entities", "sentences", "documents"):
        op.drop_table(table)
