"""The same knowledge base on a real PostgreSQL (started by the fixture): the same schema, the same answers as
SQLite, ingest through the command line, full-text search with tsvector/GIN."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from conftest_pg import pg_url, postgres_server  # noqa: F401  (fixtures)
from kb_support import (
    EXAMPLE_A,
    EXAMPLE_B,
    ROOT,
    SEED,
    doc_a,
    doc_b,
    invoke,
    next_ids_from,
    with_casualty_claims,
    write_isaf,
)

from claimgraph.store import UNCHANGED, Store, document_rows, exporters
from claimgraph.store import schema as t
from claimgraph.store.kb import KnowledgeBase

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def corpus(pipeline, tmp_path_factory):
    """Rows of the seed, 20 ISAF dev texts and the two examples (their death tolls by hand until the claims
    stage extracts them), extracted once for both databases."""
    folder = tmp_path_factory.mktemp("isaf")
    rows = []
    for source in (SEED, *write_isaf(folder, 20), EXAMPLE_A, EXAMPLE_B):
        doc = pipeline.process(str(source))
        if source in (EXAMPLE_A, EXAMPLE_B):
            with_casualty_claims(doc)
        rows.append(document_rows(doc))
    return rows


def test_migrations_build_exactly_the_schema(pg_url):  # noqa: F811
    import importlib

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    pg1m = importlib.import_module("claimgraph.migrations.versions.0011_pg1m")

    def include(name, type_, parent):  # indexes made in SQL by the migrations only (checked below)
        return not (name or "").endswith(("search_vector", "_trgm"))

    def schema_only(obj, name, type_, reflected, compare_to):  # built otherwise on PostgreSQL (checked below)
        return not (type_ == "index" and name in pg1m.INDEXES)

    with Store(pg_url) as store, store.engine.connect() as conn:
        assert store.dialect == "postgresql"
        ctx = MigrationContext.configure(conn, opts={"include_name": include, "include_object": schema_only,
                                                       "compare_type": True})
        assert compare_metadata(ctx, t.metadata) == []
        indexes = {r[0] for r in conn.execute(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE indexname LIKE '%search_vector'"))}
        assert len(indexes) == 2 and all("USING gin (search_vector)" in i for i in indexes)
        trigrams = {r[0] for r in conn.execute(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE indexname LIKE '%\\_trgm'"))}  # --source (0008_kbquery)
        assert {i.split("(lower(")[1].split(")")[0] for i in trigrams if "gin_trgm_ops" in i} == \
            {"source", "title", "outlet", "url"}
        # the time-order indexes, built again on PostgreSQL: text columns by code point, the id held (0011_pg1m)
        order = dict(conn.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE "
                                          "'%\\_order'")).all())
        assert set(order) == set(pg1m.INDEXES)
        for name, (table, columns, by_code_point) in pg1m.INDEXES.items():
            listed = ", ".join(f'{c} COLLATE "C"' if c in by_code_point else c for c in columns)
            assert order[name].endswith(f"ON public.{table} USING btree ({listed}) INCLUDE (id)"), order[name]
        assert set(conn.scalars(sa.text("SELECT stxname FROM pg_statistic_ext"))) == set(pg1m.STATISTICS)
        views = set(conn.scalars(sa.text("SELECT viewname FROM pg_views WHERE schemaname = 'public'")))
        assert views == {"claim_view", "actor_view", "event_view", "measure_view", "disagreement_view"}
    with Store(pg_url) as again:  # opening an up-to-date database migrates nothing
        assert again.counts()["documents"] == 0


@pytest.mark.model
def test_same_answers_from_sqlite_and_postgres(corpus, pg_url, tmp_path):  # noqa: F811
    sqlite_db = str(tmp_path / "kb.db")
    stores = [Store(sqlite_db), Store(pg_url)]
    try:
        for store in stores:
            for rows in corpus:
                store.write(rows)
            store.regroup()
        assert stores[0].counts() == stores[1].counts()
        answers = []
        for store in stores:
            kb = KnowledgeBase(store)
            answers.append({
                "actors": kb.actors(),
                "all entities": kb.actors(types=None),
                "claims": kb.claims(),
                "claims of AFG since 2010": kb.claims(actor="Afghanistan", since="2010", modality="asserted"),
                "disagreements": kb.disagreements(),
                "measures": kb.measures(),
                "timeline": kb.timeline("AFG"),
                "tables": exporters.tables(store),
            })
        for key in answers[0]:
            assert answers[0][key] == answers[1][key], key
        assert answers[0]["claims"] and answers[0]["actors"] and answers[0]["timeline"]
        tolls = [m for m in answers[0]["disagreements"] if m["what"] == "killed" and m["place"]
                 and m["place"][0]["id"] == "BANNU"]
        assert [[v["value"] for v in m["values"]] for m in tolls] == [[14.0, 21.0]]
        # the commands print the same JSON from either database
        for command in (["actors"], ["claims", "--actor", "TTP"], ["disagreements"],
                        ["timeline", "--actor", "Afghanistan"]):
            outputs = [invoke(*command, "--db", db, "--json") for db in (sqlite_db, pg_url)]
            assert all(o.exit_code == 0 for o in outputs), outputs[0].output
            assert json.loads(outputs[0].stdout) == json.loads(outputs[1].stdout), command
        # writing the same documents again changes nothing
        counts = stores[1].counts()
        assert {stores[1].write(rows) for rows in corpus} == {UNCHANGED}
        assert stores[1].counts() == counts
    finally:
        for store in stores:
            store.close()


@pytest.mark.model
def test_ingest_command_into_postgres(pg_url, tmp_path):  # noqa: F811
    write_isaf(tmp_path / "docs", 3, start=60)

    def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "claimgraph.cli", *args], capture_output=True, text=True,
                              timeout=600, cwd=ROOT, env={**os.environ, **(env or {})})

    done = cli("ingest", str(tmp_path / "docs"), str(EXAMPLE_A), str(EXAMPLE_B), "--db", pg_url, "--workers", "2",
               "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 5
    again = cli("ingest", str(tmp_path / "docs"), str(EXAMPLE_A), str(EXAMPLE_B), "--db", pg_url, "--json")
    assert json.loads(again.stdout)["unchanged"] == 5
    by_flag = cli("actors", "--db", pg_url, "--json")
    by_env = cli("actors", "--json", env={"CLAIMGRAPH_DB": pg_url})
    assert by_flag.returncode == by_env.returncode == 0, by_env.stderr
    assert json.loads(by_flag.stdout) == json.loads(by_env.stdout) != []


def test_search_uses_tsvector(pg_url):  # noqa: F811
    with Store(pg_url) as store:
        store.write(document_rows(doc_a()))
        store.write(document_rows(doc_b()))
        kb = KnowledgeBase(store)
        hits = kb.search("stormed police")
        assert hits and hits[0]["document"]["source"] == "b.txt"
        assert kb.search("attacks") and kb.search("attacks")[0]["document"]["source"] == "a.txt"  # stemmed
        assert len(kb.disagreements()) == 1


def test_search_vectors_name_their_block_of_ids(pg_url):  # noqa: F811
    """Each sentence's and claim's search vector holds one lexeme for its block of ids, `# ` and id //
    KnowledgeBase.SEARCH_BLOCK, the number migration 0013_search_blocks writes (search asks for the newest
    blocks by them); no word becomes one, and a search finds matches in every block."""
    block = KnowledgeBase.SEARCH_BLOCK
    with Store(pg_url) as store:
        store.write(document_rows(doc_a()))
        next_ids_from(store, 3 * block + 6)  # the next rows three blocks up
        store.write(document_rows(doc_b()))
        with store.engine.connect() as conn:
            for table in ("sentences", "claims"):
                rows = conn.execute(sa.text(f"SELECT id, tsvector_to_array(search_vector) FROM {table}")).all()
                assert {r.id // block for r in rows} == {0, 3}, table
                for row in rows:
                    assert [lexeme for lexeme in row[1] if " " in lexeme] == [f"# {row.id // block}"], (table, row)
            # no text makes a lexeme with a space, however it is written (a URL's path may hold `#3`)
            hostile = "e.org/#3 see /path/x#3 # 3 #3 a#b@c.org http://x.org/a b#3 \u00a0# 3\t#\n3 ' # 3 '"
            lexemes = conn.scalar(sa.text("SELECT tsvector_to_array(to_tsvector('english', :t))"), {"t": hostile})
            assert lexemes and not [lexeme for lexeme in lexemes if " " in lexeme], lexemes
        kb = KnowledgeBase(store)
        assert {h["document"]["source"] for h in kb.search("police")} == {"a.txt", "b.txt"}
        assert {h["document"]["source"] for h in kb.search("stormed")} == {"b.txt"}
        assert kb.search("# 3") == [] and kb.search_claims("# 0") == []


def test_bad_postgres_url_is_a_usage_error(postgres_server, tmp_path):  # noqa: F811
    url = f"postgresql://postgres@/no_such_db?host={postgres_server['host']}&port={postgres_server['port']}"
    result = invoke("actors", "--db", url)
    assert result.exit_code == 2 and "cannot open the database" in result.stderr


def test_source_filter_is_literal(pg_url):  # noqa: F811
    from test_store import check_source_filter_is_literal

    with Store(pg_url) as store:
        check_source_filter_is_literal(store)
