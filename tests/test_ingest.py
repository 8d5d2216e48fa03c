"""Ingest with the real pipeline: the seed, shared dev texts and the example articles into SQLite; reruns;
bad inputs; worker processes; a kill in the middle of an ingest."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kb_support import EXAMPLE_A, EXAMPLE_B, ROOT, SEED, invoke, with_casualty_claims, write_isaf
from sqlalchemy import select

from claimgraph.store import ADDED, Store, document_rows, ingest
from claimgraph.store import schema as t
from claimgraph.store.kb import KnowledgeBase

pytestmark = pytest.mark.model


def _cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """`claimgraph ARGS` in a new process (the knowledge-base commands mounted either way)."""
    return subprocess.run([sys.executable, "-m", "claimgraph.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env={**os.environ, "COLUMNS": "200"})


def test_ingest_seed_dev_texts_and_examples(pipeline, tmp_path):
    sources = [str(SEED), *map(str, write_isaf(tmp_path / "isaf", 20)), str(EXAMPLE_A), str(EXAMPLE_B)]
    with Store(str(tmp_path / "kb.db")) as store:
        seen = []
        result = ingest(sources, store, pipeline=pipeline, on_document=lambda s, status: seen.append(status))
        assert (result.added, result.unchanged, result.failed) == (23, 0, [])
        assert seen == [ADDED] * 23
        counts = store.counts()
        assert counts["documents"] == 23 and counts["sentences"] > 100 and counts["mentions"] > 200
        # every stored document has exactly the rows a fresh extraction makes
        for source in (str(SEED), str(EXAMPLE_B)):
            rows = document_rows(pipeline.process(source))
            assert store.document_counts(rows.id) == rows.counts()
        seed_rows = document_rows(pipeline.process(str(SEED)))
        assert seed_rows.counts()["reference_entries"] == 6 and seed_rows.counts()["findings"] > 0
        again = ingest(sources, store, pipeline=pipeline)
        assert (again.added, again.unchanged) == (0, 23)
        assert store.counts() == counts
    with KnowledgeBase(str(tmp_path / "kb.db")) as kb:
        actors = {a["id"]: a for a in kb.actors()}
        assert actors["TTP"]["documents"] >= 3 and actors["AFG"]["documents"] >= 10
        assert {"Tehrik-i-Taliban Pakistan", "TTP"} <= {a["alias"] for a in actors["TTP"]["aliases"]}


def test_examples_disagree_and_reingest_changes_nothing(pipeline, tmp_path):
    db = str(tmp_path / "kb.db")
    with Store(db) as store:
        for path in (EXAMPLE_A, EXAMPLE_B):
            assert store.write(document_rows(with_casualty_claims(pipeline.process(str(path))))) == ADDED
        store.regroup()
        before = store.counts()
    result = invoke("disagreements", "--db", db)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "14" in out and "21" in out
    assert "Motorcycle bomb kills 14 in Bannu vegetable market" in out
    assert "Death toll in Bannu market bombing rises to 21" in out
    data = json.loads(invoke("disagreements", "--db", db, "--json").stdout)
    toll = next(m for m in data if m["what"] == "killed")
    assert [v["value"] for v in toll["values"]] == [14.0, 21.0]
    assert [Path(v["document"]["source"]).name for v in toll["values"]] == ["kb-casualties-a.md",
                                                                            "kb-casualties-b.md"]
    assert [v["document"]["published"] for v in toll["values"]] == ["2025-03-04", "2025-03-05"]
    assert toll["period"] == {"start": "2025-03-04", "end": "2025-03-04"}
    assert [p["id"] for p in toll["place"]] == ["BANNU"]
    # re-ingesting the same articles (here through the command) changes nothing
    result = invoke("ingest", str(EXAMPLE_A), str(EXAMPLE_B), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["unchanged"] == 2
    with Store(db) as store:
        assert store.counts() == before


def test_examples_through_the_whole_pipeline(tmp_path):
    """The same, with the claims the pipeline itself extracts (runs once the claims stage extracts tolls)."""
    db = str(tmp_path / "kb.db")
    done = _cli("ingest", str(EXAMPLE_A), str(EXAMPLE_B), "--db", db, "--json")
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        tolls = store.counts()["quantities"]
    if not tolls:
        pytest.skip("the claims stage extracts no death tolls from the examples yet")
    data = json.loads(_cli("disagreements", "--db", db, "--json").stdout)
    values = sorted(v["value"] for m in data if m["what"] == "killed" for v in m["values"])
    assert values == [14.0, 21.0]


def test_ingest_command_with_workers_reports_bad_inputs(tmp_path):
    docs = tmp_path / "docs"
    write_isaf(docs, 4, start=40)
    (docs / "empty.txt").write_text("  \n", encoding="utf-8")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 8)
    db = str(tmp_path / "kb.db")
    done = _cli("ingest", str(docs), str(tmp_path / "missing.md"), "--db", db, "--workers", "2")
    assert done.returncode == 2, done.stderr
    assert "4 added" in done.stderr and "3 failed" in done.stderr
    for bad in ("empty.txt", "binary.txt", "missing.md"):
        assert bad in done.stderr
    with Store(db) as store:
        assert store.counts()["documents"] == 4
    rerun = _cli("ingest", str(docs), "--db", db, "--workers", "2", "--json")
    assert rerun.returncode == 2
    summary = json.loads(rerun.stdout)
    assert (summary["added"], summary["unchanged"], len(summary["failed"])) == (0, 4, 2)


def test_questions_on_a_missing_database_are_usage_errors(tmp_path):
    result = invoke("actors", "--db", str(tmp_path / "nothing.db"))
    assert result.exit_code == 2 and "no knowledge base" in result.stderr
    assert not (tmp_path / "nothing.db").exists()


def test_killed_ingest_leaves_whole_documents_and_a_rerun_completes(pipeline, tmp_path):
    paths = write_isaf(tmp_path / "docs", 80, start=100)
    db = tmp_path / "kb.db"
    proc = subprocess.Popen([sys.executable, "-m", "claimgraph.cli", "ingest", str(tmp_path / "docs"),
                             "--db", str(db)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    stored = 0
    try:
        while stored < 3:
            assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read()!r}"
            assert time.monotonic() < deadline, "no commits within 300 s"
            time.sleep(0.05)
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
                    stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0  # not created (or not migrated) yet
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.execute("INSERT INTO sentences_fts(sentences_fts) VALUES ('integrity-check')")
    con.close()
    with Store(str(db)) as store:
        ids = store.document_ids()
        assert 3 <= len(ids) < len(paths)
        by_source = {Path(p).name: p for p in paths}
        with store.engine.connect() as conn:
            sources = dict(conn.execute(select(t.documents.c.id, t.documents.c.source)).all())
        for doc_id in sorted(ids):  # whole: exactly the rows a fresh extraction gives
            rows = document_rows(pipeline.process(str(by_source[Path(sources[doc_id]).name])))
            assert rows.id == doc_id
            assert store.document_counts(doc_id) == rows.counts(), sources[doc_id]

    done = _cli("ingest", str(tmp_path / "docs"), "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["unchanged"] == len(ids) and summary["added"] == len(paths) - len(ids)
    with Store(str(db)) as store:
        assert store.counts()["documents"] == len(paths)
