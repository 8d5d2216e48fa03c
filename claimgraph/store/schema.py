"""The knowledge base's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Naming: plural table names, `id` primary keys, `<table>_id` foreign keys, character offsets as
`char_start`/`char_end` (half-open, into `documents.text`), dates as ISO `DATE`s. Documents and entities keep
their natural ids (the content hash; the gazetteer id or `local:type:slug`); every other row has an integer id
(FTS5 needs one) and, where it is referred to from outside, a stable text `key` (`<document id>:c3`).

This module is the *current* shape of the schema; the migrations in `claimgraph/migrations/versions/` build it
step by step, and a test checks that they agree.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_CASCADE = {"ondelete": "CASCADE"}


def _doc_fk(index: bool = True) -> sa.Column:
    """The owning document (indexed, unless a unique constraint starting with document_id covers it)."""
    return sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", **_CASCADE), nullable=False,
                     index=index)


def _sentence_fk() -> sa.Column:
    return sa.Column("sentence_id", sa.Integer, sa.ForeignKey("sentences.id", **_CASCADE), nullable=True)


documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.String(32), primary_key=True, comment="hash of the normalised text"),
    sa.Column("source", sa.Text, nullable=False, comment="the path, URL or '-' as given"),
    sa.Column("source_key", sa.Text, nullable=False, comment="absolute path or URL: versions share it"),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("is_latest", sa.Boolean, nullable=False),
    sa.Column("previous_version_id", sa.String(32), sa.ForeignKey("documents.id"), nullable=True),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("format", sa.String(16)),
    sa.Column("title", sa.Text),
    sa.Column("authors", sa.JSON),
    sa.Column("published", sa.String(10), comment="ISO with the precision known: 2022, 2022-11, 2022-11-28"),
    sa.Column("published_start", sa.Date),
    sa.Column("published_end", sa.Date),
    sa.Column("published_not_before", sa.String(10)),
    sa.Column("published_not_after", sa.String(10)),
    sa.Column("published_why", sa.Text),
    sa.Column("dispatches", sa.JSON, comment="the parts that speak from their own day: [{start, end, date}] "
                                            "(claimgraph.contract.dispatches_json); NULL if stored before 0007"),
    sa.Column("language", sa.String(8)),
    sa.Column("char_count", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("rules_version", sa.Text, nullable=False),
    sa.Column("claimgraph_version", sa.String(32), nullable=False),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source_key", "version"),
    sa.Index("ix_documents_source_key", "source_key"),
    # 0011: the replaced versions only (a few), which search leaves out of its candidates (kb._ranked)
    sa.Index("ix_documents_replaced", "id", sqlite_where=sa.text("NOT is_latest"),
             postgresql_where=sa.text("NOT is_latest")),
)

sentences = sa.Table(
    "sentences", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _doc_fk(index=False),
    sa.Column("idx", sa.Integer, nullable=False, comment="position in the document"),
    sa.Column("paragraph", sa.Integer, nullable=False),
    sa.Column("char_start", sa.Integer, nullable=False),
    sa.Column("char_end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.UniqueConstraint("document_id", "idx"),
)

entities = sa.Table(
    "entities", metadata,
    sa.Column("id", sa.String(200), primary_key=True, comment="gazetteer id, or local:type:slug"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("wikidata", sa.String(32)),
    sa.Column("country", sa.String(200)),
    sa.Column("parent", sa.String(200)),
    sa.Column("is_local", sa.Boolean, nullable=False),
    sa.Column("mention_count", sa.Integer, nullable=False),
    sa.Column("document_count", sa.Integer, nullable=False),
    # claims naming the entity as subject / object (rows of claim_entities), kept by the writer (0006)
    sa.Column("subject_claims", sa.Integer, nullable=False, server_default="0"),
    sa.Column("object_claims", sa.Integer, nullable=False, server_default="0"),
)

entity_aliases = sa.Table(
    "entity_aliases", metadata,
    sa.Column("entity_id", sa.String(200), sa.ForeignKey("entities.id", **_CASCADE), primary_key=True),
    sa.Column("alias", sa.Text, primary_key=True, comment="a surface form as written"),
    sa.Column("mention_count", sa.Integer, nullable=False),
)

document_entities = sa.Table(
    "document_entities", metadata,
    sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", **_CASCADE), primary_key=True),
    sa.Column("entity_id", sa.String(200), sa.ForeignKey("entities.id"), primary_key=True, index=True),
    sa.Column("local_id", sa.Text, nullable=False, comment="the id the pipeline gave within the document"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("mention_count", sa.Integer, nullable=False),
)

mentions = sa.Table(
    "mentions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    sa.Column("entity_id", sa.String(200), sa.ForeignKey("entities.id"), nullable=False, index=True),
    _sentence_fk(),
    sa.Column("char_start", sa.Integer, nullable=False),
    sa.Column("char_end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("how", sa.String(32), nullable=False),
    sa.Column("facet", sa.String(32)),
)

reference_entries = sa.Table(
    "reference_entries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _doc_fk(index=False),
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
    sa.UniqueConstraint("document_id", "idx"),
)

citations = sa.Table(
    "citations", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    sa.Column("reference_id", sa.Integer, sa.ForeignKey("reference_entries.id", **_CASCADE), nullable=True,
              comment="NULL when no entry carries the label (citation.unresolved)"),
    sa.Column("label", sa.Text, nullable=False),
    _sentence_fk(),
    sa.Column("marker_start", sa.Integer, nullable=False),
    sa.Column("marker_end", sa.Integer, nullable=False),
    sa.Column("marker_text", sa.Text, nullable=False),
)

claims = sa.Table(
    "claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True, comment="<document id>:<claim id>"),
    _doc_fk(),
    _sentence_fk(),
    sa.Column("local_id", sa.String(32), nullable=False),
    sa.Column("predicate", sa.String(32), nullable=False, index=True),
    sa.Column("mode", sa.String(64)),
    sa.Column("negated", sa.Boolean, nullable=False),
    sa.Column("modality", sa.String(16), nullable=False),
    sa.Column("attributed_to", sa.Text, comment="entity id or name of the source the author relays"),
    sa.Column("attributed_entity_id", sa.String(200), sa.ForeignKey("entities.id"), nullable=True),
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
    # the claim's days for the time filters and the time order (0006): its time, else its document's date
    sa.Column("first_day", sa.Date, comment="the claim's time, else its document's date: first day"),
    sa.Column("last_day", sa.Date, comment="the claim's time, else its document's date: last day"),
    sa.Column("undated", sa.Boolean, nullable=False, server_default=sa.false(),
              comment="neither the claim nor its document has a date"),
    # 0008: how well the cited document supports the claim (the JSON contract's claims[].support), or NULL
    sa.Column("support", sa.JSON, comment="the cited document's support of the claim (audit with sources)"),
    # 0011: --source sorts the claims of its documents off this index (kb._source_documents)
    sa.Index("ix_claims_document_order", "document_id", "undated", "first_day", "evidence_start", "key"),
    sa.Index("ix_claims_order", "undated", "first_day", "document_id",
             "evidence_start", "key", "last_day"),
    sa.Index("ix_claims_predicate_order", "predicate", "undated",
             "first_day", "document_id", "evidence_start", "key", "last_day"),
    sa.Index("ix_claims_modality_order", "modality", "undated",
             "first_day", "document_id", "evidence_start", "key", "last_day"),
    sa.Index("ix_claims_last_day", "last_day"),
)

claim_entities = sa.Table(
    "claim_entities", metadata,
    sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", **_CASCADE), primary_key=True),
    sa.Column("role", sa.String(8), primary_key=True, comment="subject, object or place"),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("entity_id", sa.String(200), sa.ForeignKey("entities.id"), nullable=False, index=True),
    sa.Index("ix_claim_entities_entity_id_role_claim_id", "entity_id", "role", "claim_id"),  # 0006
)

claim_citations = sa.Table(
    "claim_citations", metadata,
    sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", **_CASCADE), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("reference_id", sa.Integer, sa.ForeignKey("reference_entries.id", **_CASCADE), nullable=True),
)

quantities = sa.Table(
    "quantities", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", **_CASCADE), nullable=False, index=True),
    _doc_fk(),
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
    # the figure this one restates (claims/tally.py), as offsets; null when it restates nothing (0002)
    sa.Column("restates_start", sa.Integer),
    sa.Column("restates_end", sa.Integer),
    sa.Index("ix_quantities_what", "what"),  # 0006: incremental grouping finds a kind of figure's measures
)

findings = sa.Table(
    "findings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    _sentence_fk(),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("code", sa.String(64), nullable=False, index=True),
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
    # 0008: the passage of the cited document a source-support finding quotes (its text is in
    # source_documents; no foreign key: a document checked without a knowledge base has none stored)
    sa.Column("source_reference", sa.Text),
    sa.Column("source_url", sa.Text),
    sa.Column("source_document_id", sa.String(32)),
    sa.Column("source_start", sa.Integer),
    sa.Column("source_end", sa.Integer),
)

# --- derived: rebuilt from claims by claimgraph.store.grouping.regroup() ------------------------------------

events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True, comment="hash of the member claims' keys"),
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
    # the timeline's order (0008): the event's time, else its first report; undated last
    sa.Column("sort_day", sa.Date, comment="the event's first day, else its first report"),
    sa.Column("undated", sa.Boolean, nullable=False, server_default=sa.false(),
              comment="neither a time nor a dated report"),
    sa.Index("ix_events_order", "undated", "sort_day", "label", "key"),
)

event_claims = sa.Table(
    "event_claims", metadata,
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", **_CASCADE), primary_key=True),
    sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", **_CASCADE), primary_key=True, index=True),
)

event_entities = sa.Table(
    "event_entities", metadata,
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", **_CASCADE), primary_key=True),
    sa.Column("role", sa.String(8), primary_key=True),
    sa.Column("entity_id", sa.String(200), sa.ForeignKey("entities.id"), primary_key=True, index=True),
    # the event's place in the timeline's order (its `undated` and `sort_day`), so that one entity's events are
    # read in that order off ix_event_entities_entity_time (0012_timeline, kb.KnowledgeBase._walk_rarest)
    sa.Column("undated", sa.Boolean, nullable=False, server_default=sa.false(), comment="the event's undated"),
    sa.Column("sort_day", sa.Date, comment="the event's sort_day"),
    sa.Index("ix_event_entities_entity_id_role_event_id", "entity_id", "role", "event_id"),  # 0006
    sa.Index("ix_event_entities_entity_time", "entity_id", "undated", "sort_day", "event_id", "role"),  # 0012
)

measures = sa.Table(
    "measures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True),
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
    sa.Index("ix_measures_disagreement_period_start", "disagreement", "period_start"),  # 0006
)

measure_values = sa.Table(
    "measure_values", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("measure_id", sa.Integer, sa.ForeignKey("measures.id", **_CASCADE), nullable=False, index=True),
    sa.Column("quantity_id", sa.Integer, sa.ForeignKey("quantities.id", **_CASCADE), nullable=False,
              index=True),  # 0006: incremental grouping finds the measures of a figure
    sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", **_CASCADE), nullable=False),
    sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id", **_CASCADE), nullable=False),
    sa.Column("sentence_id", sa.Integer, sa.ForeignKey("sentences.id", **_CASCADE), nullable=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("low", sa.Float),
    sa.Column("high", sa.Float),
    sa.Column("qualifier", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
)

source_documents = sa.Table(
    "source_documents", metadata,
    sa.Column("id", sa.String(32), primary_key=True, comment="hash of the normalised text (as documents.id)"),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("char_count", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False, comment="the plain text the reader recovered"),
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    comment="the documents that articles cite, kept so that checking a citation again needs no fetch",
)

source_urls = sa.Table(
    "source_urls", metadata,
    sa.Column("url", sa.Text, primary_key=True, comment="the cited URL, normalised (claimgraph.sources.get)"),
    sa.Column("source_document_id", sa.String(32), sa.ForeignKey("source_documents.id", **_CASCADE),
              nullable=False, index=True),
    sa.Column("origin", sa.String(16), nullable=False, comment="'folder' (--sources) or 'fetched'"),
    sa.Column("location", sa.Text, nullable=False, comment="the file read, or the URL fetched after redirects"),
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
)

kb_info = sa.Table(
    "kb_info", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

kb_counts = sa.Table(
    "kb_counts", metadata,
    sa.Column("name", sa.String(64), primary_key=True, comment="a table"),
    sa.Column("row_count", sa.BigInteger, nullable=False,
              comment="its rows, kept by insert and delete triggers (0008)"),
)

network_edges = sa.Table(
    "network_edges", metadata,
    sa.Column("id", sa.String(440), primary_key=True, comment="source|predicate|target, the network's edge id"),
    sa.Column("source", sa.String(200), nullable=False, comment="the subject entity's id"),
    sa.Column("predicate", sa.String(32), nullable=False, index=True),
    sa.Column("target", sa.String(200), nullable=False, comment="the object entity's id"),
    sa.Column("claims", sa.Integer, nullable=False, comment="claims of the latest versions, not negated"),
    sa.Column("sources", sa.Integer, nullable=False, comment="documents reporting it"),
    sa.Column("first", sa.String(10), comment="its claims' first day (the claim's time, else its document's date)"),
    sa.Column("last", sa.String(10), comment="and last"),
    sa.Index("ix_network_edges_rank", "sources", "claims", "id"),
    # 0011: one predicate's most reported edges (kb._kept_edges with a predicate)
    sa.Index("ix_network_edges_predicate_rank", "predicate", "sources", "claims", "id"),
    comment="the actor network's edges, kept by the grouping (store/network.py, 0010_network)",
)

#: Tables the grouping step owns (emptied and rebuilt by regroup()).
DERIVED = (measure_values, measures, event_entities, event_claims, events, network_edges)

#: Tables a document owns, children first (for deletes and for counting a document's rows).
DOCUMENT_CHILDREN = (quantities, claim_citations, claim_entities, claims, findings, citations,
                     reference_entries, mentions, document_entities, sentences)
