"""Place names that places of two countries or provinces share (issue #11, class 4): resolved by the
document's other places through the gazetteer's `country` and `parent` links. Invented names throughout."""

from __future__ import annotations

import pytest

import claimgraph.read
from claimgraph.entities.gazetteer import Gazetteer, fold, load
from claimgraph.entities.linker import link

GAZ = """
version: "1"
entities:
  - {id: NORLAND, name: Norland, type: state}
  - {id: SUDLAND, name: Sudland, type: state}
  # a province spelled alike on both sides of the border: Norland's holds the name, Sudland's shares it
  - {id: VALE_N, name: Vellmar, type: place, country: NORLAND, aliases: [Vellmar province]}
  - {id: VALE_S, name: Vellmar (Sudland), type: place, country: SUDLAND, shared_names: [Vellmar]}
  - {id: TOWN_N, name: Ostrava Nord, type: place, country: NORLAND, parent: VALE_N}
  - {id: TOWN_S, name: Kessbach, type: place, country: SUDLAND, parent: VALE_S}
  # a district name two provinces of one country hold
  - {id: PROV_A, name: Arnhold, type: place, country: SUDLAND}
  - {id: PROV_B, name: Birkfeld, type: place, country: SUDLAND}
  - {id: DIST_A, name: Tallis, type: place, country: SUDLAND, parent: PROV_A}
  - {id: DIST_B, name: Tallis (Birkfeld), type: place, country: SUDLAND, parent: PROV_B, shared_names: [Tallis]}
"""


def gaz(text: str = GAZ) -> Gazetteer:
    return Gazetteer({"test.yaml": text})


def test_a_shared_place_name_is_no_loader_issue_but_a_shared_actor_name_is():
    g = gaz()
    assert g.issues == []
    assert {n.entity for n in g.index[fold("Vellmar")]} == {"VALE_N", "VALE_S"}
    assert g.ancestors("TOWN_S") == ["VALE_S", "SUDLAND"] and g.ancestors("NORLAND") == []
    bad = gaz("""
version: "1"
entities:
  - {id: X, name: Xen, type: state}
  - {id: G1, name: Red Hand, type: armed_group, country: X}
  - {id: G2, name: Red Hand (east), type: armed_group, country: X, shared_names: [Red Hand]}
  - {id: P1, name: Lindor, type: place, country: X}
  - {id: P2, name: Lindor (old), type: place, country: X, shared_names: [Lindor]}
""")
    problems = {i.entity for i in bad.issues}
    assert "G1,G2" in problems  # only places may share a name
    assert "P1,P2" in problems  # and only places of different countries or provinces


def test_the_shipped_gazetteer_shares_names_across_borders():
    g = load()
    assert g.issues == []
    shared = [n for ns in g.index.values() for n in ns if n.kind == "shared"]
    assert len(shared) >= 4
    for n in shared:
        owners = {m.entity for m in g.index[fold(n.text)] if m.kind in ("name", "alias")}
        assert len(owners) == 1  # one default reading besides the shared ones


def linked(pipeline, body: str) -> dict[str, str]:
    """surface -> entity id, with the test gazetteer."""
    text = f"Field report\n\n{body}\n"
    doc = pipeline.process_reading(claimgraph.read.read_bytes(text.encode(), "t", "text"))
    link(doc, gaz())
    return {doc.span_text(m.span): e.id for e in doc.entities for m in e.mentions}


@pytest.mark.model
def test_the_documents_other_places_pick_the_reading(pipeline):
    # nothing else said: the place that holds the name as its own
    assert linked(pipeline, "Fighting spread across Vellmar on Monday.")["Vellmar"] == "VALE_N"
    # the document's other places lie in Sudland: Sudland's province, every mention
    got = linked(pipeline, "Shelling hit Kessbach on Monday. Fighting spread across Vellmar, and Vellmar's "
                           "roads were closed.")
    assert got["Vellmar"] == "VALE_S"
    assert linked(pipeline, "Sudland said fighting spread across Vellmar.")["Vellmar"] == "VALE_S"
    # a town of the other side outweighs nothing: Norland's town keeps Norland's province
    assert linked(pipeline, "Troops left Ostrava Nord for Vellmar.")["Vellmar"] == "VALE_N"
    # two provinces of one country: the parent decides
    assert linked(pipeline, "Police in Birkfeld said gunmen attacked Tallis.")["Tallis"] == "DIST_B"
    assert linked(pipeline, "Police in Arnhold said gunmen attacked Tallis.")["Tallis"] == "DIST_A"
    # evidence for both in equal measure: the default
    assert linked(pipeline, "Norland and Sudland both claim Vellmar.")["Vellmar"] == "VALE_N"
