"""What users of this field already have, done right: Datasette finds the full-text tables and reads our
metadata, Gephi/networkx get names, weights, colours and dates, the query commands refuse what they cannot
answer, OR repeated options, resolve the gazetteer's aliases and show names, and narrow tables keep words whole."""

from __future__ import annotations

import asyncio
import csv
import json
import re

import networkx as nx
import pytest
from kb_support import ENTITIES, invoke, make_doc
from web_support import build_kb

from claimgraph.store import Store, document_rows, exporters


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    # a figure attached to two claims of one sentence, a claim attributed to an entity (by id)
    text = "Pakistan said the TTP attacked Bannu and shelled Peshawar, killing 7 people."
    doc = make_doc(text, "shared.txt", "2025-04-02", ENTITIES, [
        {"subject": ["TTP"], "predicate": "ASSAULT", "object": ["PAK"], "place": ["BANNU"], "anchor": "attacked",
         "modality": "reported", "quantities": [("7 people", 7, "killed", "people")]},
        {"subject": ["TTP"], "predicate": "ASSAULT", "object": ["PAK"], "place": ["PESHAWAR"], "anchor": "shelled",
         "modality": "reported", "quantities": [("7 people", 7, "killed", "people")]},
    ])
    rows = document_rows(doc)
    for c in rows.claims:
        c["attributed_to"], c["attributed_entity_id"] = "PAK", "PAK"
    path = build_kb(tmp_path_factory.mktemp("done-right") / "kb.db")
    with Store(str(path)) as store:
        store.write(rows)
        store.regroup()
    return path


def test_datasette_detects_the_full_text_tables_and_searches(kb):
    from datasette.app import Datasette

    from claimgraph.web.datasette import metadata

    async def check():
        ds = Datasette([str(kb)], metadata=metadata(kb))
        await ds.invoke_startup()
        db = ds.get_database("kb")
        assert await db.fts_table("sentences") == "sentences_fts"
        assert await db.fts_table("claims") == "claims_fts"
        response = await ds.client.get("/kb/sentences.json?_search=attacked&_shape=array")
        assert response.status_code == 200
        assert any("attacked" in row["text"] for row in response.json())
        page = await ds.client.get("/kb/claims")
        assert page.status_code == 200 and 'name="_search"' in page.text  # the search box
        assert "Who did what to whom" in page.text  # the shipped description
        facets = (await ds.client.get("/kb/claims.json")).json()["facet_results"]  # the metadata's facets
        facets = facets.get("results", facets)
        assert {"predicate", "modality"} <= set(facets)
        return True

    assert asyncio.run(check())


def test_gephi_and_networkx_get_names_weights_colours_and_dates(kb, tmp_path):
    with Store(str(kb)) as store:
        exporters.export(store, "graphml", tmp_path / "g.graphml")
        exporters.export(store, "gexf", tmp_path / "g.gexf")
    g = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert g.nodes["TTP"]["label"] == "Tehreek-e-Taliban Pakistan"
    edge = g.get_edge_data("TTP", "PAK")["TTP|ASSAULT|PAK"]
    assert edge["weight"] == 4 and edge["label"] == "ASSAULT"  # four documents report it
    assert (edge["r"], edge["g"], edge["b"]) == exporters.KIND_COLOURS["conflict"]
    assert edge["start"] == "2025-03-04" and edge["end"] == "2025-04-02"
    raw = (tmp_path / "g.gexf").read_text()
    assert "networkx_key" not in raw
    assert 'label="Tehreek-e-Taliban Pakistan"' in raw
    assert re.search(r'<edge [^>]*id="TTP\|ASSAULT\|PAK"[^>]*weight="4"', raw)
    assert re.search(r'<edge [^>]*start="2025-03-04"[^>]*end="2025-04-02"', raw) or \
        re.search(r'<edge [^>]*end="2025-04-02"[^>]*start="2025-03-04"', raw)
    assert "<viz:color" in raw
    h = nx.read_gexf(tmp_path / "g.gexf")
    assert h.nodes["TTP"]["label"] == "Tehreek-e-Taliban Pakistan"


def test_csv_names_speakers_and_lists_each_figure_once(kb, tmp_path):
    with Store(str(kb)) as store:
        exporters.export(store, "csv", tmp_path)
    with (tmp_path / "quantities.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["document_title"] == "" and r["text"] == "7 people"]
    assert len(rows) == 1 and len(rows[0]["claim_keys"].split("; ")) == 2
    with (tmp_path / "claims.csv").open(encoding="utf-8") as f:
        said = {r["attributed_to"] for r in csv.DictReader(f) if r["document_source"] == "shared.txt"}
    assert said == {"Pakistan"}


def test_claim_view_names_the_speaker(kb):
    import sqlite3

    con = sqlite3.connect(kb)
    try:
        said = {r[0] for r in con.execute("SELECT attributed_to FROM claim_view WHERE document_source = 'shared.txt'")}
    finally:
        con.close()
    assert said == {"Pakistan"}


def test_an_unknown_predicate_or_kind_is_an_error_listing_the_valid_ones(kb):
    result = invoke("claims", "--predicate", "ASSULT", "--db", str(kb))
    assert result.exit_code == 2 and "unknown predicate 'ASSULT'" in result.output and "ASSAULT" in result.output
    result = invoke("disagreements", "--what", "kiled", "--db", str(kb))
    assert result.exit_code == 2 and "killed" in result.output
    result = invoke("timeline", "--actor", "TTP", "--predicate", "NOPE", "--db", str(kb))
    assert result.exit_code == 2


def test_pred_mode_repeated_options_and_gazetteer_aliases(kb):
    def keys(*args: str) -> set[str]:
        result = invoke("claims", *args, "--db", str(kb), "--json")
        assert result.exit_code == 0, result.output
        return {c["key"] for c in json.loads(result.output)}

    ttp, afg = keys("--actor", "TTP"), keys("--actor", "AFG")
    assert ttp and afg and keys("--actor", "TTP", "--actor", "AFG") == ttp | afg  # OR-ed, not the last one
    assert keys("--actor", "Pakistani Taliban") == ttp  # a gazetteer alias no document wrote
    assert keys("--predicate", "assault/") == keys("--predicate", "ASSAULT")
    assert keys("--predicate", "ASSAULT/firearms") == set()
    both = keys("--predicate", "ASSAULT", "--predicate", "DISAPPROVE")
    assert both == keys("--predicate", "ASSAULT") | keys("--predicate", "DISAPPROVE")


def test_said_shows_a_name_and_narrow_tables_keep_words_whole(kb):
    from kb_support import kb_app
    from typer.testing import CliRunner

    result = CliRunner().invoke(kb_app(), ["claims", "--source", "shared.txt", "--db", str(kb)],
                                env={"COLUMNS": "80"}, catch_exceptions=False)
    assert result.exit_code == 0
    assert "reported (Pakistan)" in result.output and "(PAK)" not in result.output
    words = set(re.findall(r"[A-Za-z]+", result.output))
    for word in ("Tehreek", "Taliban", "Pakistan", "attacked", "shelled", "Peshawar", "killing"):
        assert word in words  # no word was cut at the edge of a column
    assert all(len(line) <= 80 for line in result.output.splitlines())


def test_json_errors_of_the_cli_have_the_api_shape(kb):
    from kb_support import kb_app
    from typer.testing import CliRunner

    result = CliRunner().invoke(kb_app(), ["claims", "--predicate", "NOPE", "--json", "--db", str(kb)],
                                env={"COLUMNS": "200"}, catch_exceptions=False)
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "bad_query" and "unknown predicate 'NOPE'" in error["message"]
    assert set(error) == {"kind", "source", "message"}
