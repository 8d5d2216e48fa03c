"""Exports of the knowledge base: the actor network and flat tables.

- **The actor network** (`network()`, a networkx MultiDiGraph): nodes are entities that act in a claim
  (attributes: name, type, wikidata, country, mentions, documents); one edge per (subject, predicate, object)
  with the number of claims and of documents, the sources, the first and last date (the claim's time, else its
  document's date), the PLOVER modes, and `kind`: cooperation or conflict from the PLOVER quad class (standing
  relations: ALLIED_WITH, MEMBER_OF, LEADS and HARBORS count as cooperation, HOSTILE_TO and DISTRUSTS as
  conflict, BASED_IN, OPERATES_IN and INTERESTED_IN are neutral). Negated claims make no edge. Only the newest
  version of each source counts.
- **Flat tables**: `claims` (one row per claim, names beside ids), `quantities` (one row per figure, with its
  measure and whether that measure is disputed), `nodes` and `edges` (the network as tables).

Formats (`export(store, fmt, out)`): `graphml` and `gexf` write the network to one file; `jsonl` writes every
table to one file, one object per line tagged with `"table"`; `csv` and `parquet` write one file per table into
a folder. Lists are lists in JSON Lines and Parquet, `; `-joined text in CSV, GraphML and GEXF (which allow
scalars only); missing values are empty strings there.

CSV cells are neutralised against formula injection as OWASP recommends (the "CSV Injection" page): a text cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, so that a spreadsheet shows
it as text instead of running it (a document title `=HYPERLINK(...)` would otherwise be a live formula). Numbers
are written as numbers; only text is changed, and only in CSV (JSON Lines and Parquet keep the exact text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from claimgraph.store import Store
from claimgraph.store import schema as t

FORMATS = ("jsonl", "csv", "graphml", "gexf", "parquet")

QUAD = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal_cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), "material_cooperation"),
    **dict.fromkeys(("INVESTIGATE", "DEMAND", "DISAPPROVE", "REJECT", "THREATEN"), "verbal_conflict"),
    **dict.fromkeys(("PROTEST", "SANCTION", "CRIME", "MOBILIZE", "COERCE", "ASSAULT"), "material_conflict"),
    **dict.fromkeys(("ALLIED_WITH", "MEMBER_OF", "LEADS", "HARBORS"), "relation_cooperation"),
    **dict.fromkeys(("HOSTILE_TO", "DISTRUSTS"), "relation_conflict"),
    **dict.fromkeys(("BASED_IN", "OPERATES_IN", "INTERESTED_IN"), "relation_neutral"),
}


def quad_of(predicate: str) -> str:
    return QUAD.get(predicate.upper(), "unknown")


def kind_of(predicate: str) -> str:
    """'cooperation', 'conflict' or 'neutral' (PLOVER's quad classes; standing relations as documented)."""
    quad = quad_of(predicate)
    if quad.endswith("cooperation"):
        return "cooperation"
    if quad.endswith("conflict"):
        return "conflict"
    return "neutral"


# -- table definitions (column, Arrow type name) -------------------------------------------------------------

COLUMNS: dict[str, list[tuple[str, str]]] = {
    "nodes": [("id", "str"), ("name", "str"), ("type", "str"), ("wikidata", "str"), ("country", "str"),
              ("mentions", "int"), ("documents", "int")],
    "edges": [("source", "str"), ("target", "str"), ("predicate", "str"), ("kind", "str"), ("quad", "str"),
              ("claims", "int"), ("documents", "int"), ("sources", "list"), ("document_ids", "list"),
              ("first_date", "date"), ("last_date", "date"), ("modes", "list")],
    "claims": [("key", "str"), ("document_id", "str"), ("document_title", "str"), ("document_source", "str"),
               ("document_outlet", "str"), ("document_published", "str"), ("subject_ids", "list"),
               ("subject_names", "list"), ("predicate", "str"), ("kind", "str"), ("mode", "str"),
               ("object_ids", "list"), ("object_names", "list"), ("negated", "bool"), ("modality", "str"),
               ("attributed_to", "str"), ("time_text", "str"), ("time_start", "date"), ("time_end", "date"),
               ("place_ids", "list"), ("place_names", "list"), ("citations", "list"), ("evidence_start", "int"),
               ("evidence_end", "int"), ("evidence_text", "str"), ("event_key", "str"), ("rule", "str"),
               ("rules_version", "str")],
    "quantities": [("claim_key", "str"), ("claim_keys", "list"), ("document_id", "str"), ("document_title", "str"),
                   ("value", "float"),
                   ("low", "float"), ("high", "float"), ("qualifier", "str"), ("unit", "str"), ("what", "str"),
                   ("whom", "str"), ("vague", "str"), ("text", "str"), ("char_start", "int"), ("char_end", "int"),
                   ("time_start", "date"), ("time_end", "date"), ("place_names", "list"), ("measure_key", "str"),
                   ("measure_label", "str"), ("measure_disagreement", "bool")],
}


def _claims_base(conn: sa.Connection, all_versions: bool) -> tuple[list[Any], dict[int, dict[str, list[str]]]]:
    c, d, ce = t.claims, t.documents, t.claim_entities
    query = (sa.select(c, d.c.title, d.c.source, d.c.outlet, d.c.published, d.c.published_start, d.c.published_end)
             .join(d, d.c.id == c.c.document_id))
    if not all_versions:
        query = query.where(d.c.is_latest)
    rows = sorted(conn.execute(query).all(), key=lambda r: r.key)
    roles: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"subject": [], "object": [], "place": []})
    role_query = sa.select(ce.c.claim_id, ce.c.role, ce.c.entity_id).join(c, c.c.id == ce.c.claim_id) \
        .join(d, d.c.id == c.c.document_id).order_by(ce.c.claim_id, ce.c.role, ce.c.position)
    if not all_versions:
        role_query = role_query.where(d.c.is_latest)
    for claim_id, role, eid in conn.execute(role_query):
        roles[claim_id][role].append(eid)
    return rows, roles


def _entities(conn: sa.Connection) -> dict[str, Any]:
    return {r.id: r for r in conn.execute(sa.select(t.entities))}


def network_tables(store: Store, all_versions: bool = False) -> tuple[list[dict], list[dict]]:
    """(nodes, edges) of the actor network as rows (see the module docstring)."""
    with store.engine.connect() as conn:
        rows, roles = _claims_base(conn, all_versions)
        ents = _entities(conn)
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    acting: set[str] = set()
    for r in rows:
        if r.negated:
            continue
        rl = roles.get(r.id, {"subject": [], "object": []})
        acting.update(rl["subject"])
        acting.update(rl["object"])
        first = r.time_start or r.published_start
        last = r.time_end or r.time_start or r.published_end or r.published_start
        for s in dict.fromkeys(rl["subject"]):
            for o in dict.fromkeys(rl["object"]):
                if s == o:
                    continue
                e = edges.setdefault((s, r.predicate, o), {
                    "source": s, "target": o, "predicate": r.predicate, "kind": kind_of(r.predicate),
                    "quad": quad_of(r.predicate), "claims": 0, "_docs": {}, "first_date": None, "last_date": None,
                    "_modes": set()})
                e["claims"] += 1
                e["_docs"][r.document_id] = r.title or r.source
                if r.mode:
                    e["_modes"].add(r.mode)
                if first and (e["first_date"] is None or first < e["first_date"]):
                    e["first_date"] = first
                if last and (e["last_date"] is None or last > e["last_date"]):
                    e["last_date"] = last
    edge_rows = []
    for key in sorted(edges):
        e = edges[key]
        docs = e.pop("_docs")
        e["documents"] = len(docs)
        e["document_ids"] = sorted(docs)
        e["sources"] = [docs[k] for k in sorted(docs)]
        e["modes"] = sorted(e.pop("_modes"))
        edge_rows.append(e)
    node_rows = []
    for eid in sorted(acting):
        ent = ents.get(eid)
        node_rows.append({"id": eid, "name": ent.name if ent else eid, "type": ent.type if ent else "other",
                          "wikidata": ent.wikidata if ent else None, "country": ent.country if ent else None,
                          "mentions": ent.mention_count if ent else 0, "documents": ent.document_count if ent else 0})
    return node_rows, edge_rows


#: Colours (RGB) for Gephi and the web page: edges by PLOVER kind, nodes by entity type.
KIND_COLOURS = {"cooperation": (46, 139, 87), "conflict": (200, 40, 40), "neutral": (128, 128, 128)}
TYPE_COLOURS = {"state": (31, 119, 180), "government": (31, 119, 180), "military": (84, 39, 143),
                "agency": (84, 39, 143), "armed_group": (214, 39, 40), "political_org": (255, 127, 14),
                "organization": (255, 127, 14), "person": (44, 160, 44), "population": (140, 86, 75)}
OTHER_COLOUR = (127, 127, 127)


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def network(store: Store, all_versions: bool = False, fmt: str = "graphml"):
    """The actor network as a networkx MultiDiGraph (edge keys 'SUBJECT|PREDICATE|OBJECT', unique, so they serve
    as GraphML and GEXF edge ids); attribute values are scalars (lists joined with '; ', missing values ''), so it
    writes to GraphML and GEXF as it is.

    What Gephi reads: every node's `label` is its name (its id stays the node id); every edge has `label` (the
    predicate), `weight` (the number of documents reporting it) and, where dated, `start` and `end` (its first and
    last date, for Gephi's timeline). Colours: `fmt="gexf"` gives GEXF's `viz` colours (and node sizes by mentions);
    GraphML gets `r`, `g`, `b` attributes (Gephi's GraphML importer reads them) and a `color` hex string."""
    import networkx as nx

    nodes, edges = network_tables(store, all_versions)
    g = nx.MultiDiGraph(name="claimgraph actor network")

    def paint(attrs: dict[str, Any], rgb: tuple[int, int, int], size: float | None = None) -> None:
        if fmt == "gexf":
            attrs["viz"] = {"color": {"r": rgb[0], "g": rgb[1], "b": rgb[2], "a": 1.0}}
            if size is not None:
                attrs["viz"]["size"] = size
        else:
            attrs.update(r=rgb[0], g=rgb[1], b=rgb[2])
        attrs["color"] = hex_colour(rgb)

    for n in nodes:
        attrs = {k: _scalar(v) for k, v in n.items() if k != "id"}
        attrs["label"] = n["name"]
        paint(attrs, TYPE_COLOURS.get(n["type"], OTHER_COLOUR), size=float(5 + min(n["mentions"], 400) ** 0.5 * 2))
        g.add_node(n["id"], **attrs)
    for e in edges:
        key = f"{e['source']}|{e['predicate']}|{e['target']}"
        attrs = {k: _scalar(v) for k, v in e.items() if k not in ("source", "target")}
        attrs.update(label=e["predicate"], weight=e["documents"])
        if fmt == "gexf":
            attrs["id"] = key
        first, last = e["first_date"], e["last_date"]
        if first or last:
            attrs["start"] = (first or last).isoformat()
            attrs["end"] = (last or first).isoformat()
        paint(attrs, KIND_COLOURS[e["kind"]])
        g.add_edge(e["source"], e["target"], key=key, **attrs)
    return g


def _gexf_writer():
    """networkx's GEXF writer without the `networkx_key` attribute it adds to every multigraph edge (our key is
    already the edge's GEXF id)."""
    from networkx.readwrite.gexf import GEXFWriter

    class Writer(GEXFWriter):
        def add_attributes(self, node_or_edge, xml_obj, data, default):
            return super().add_attributes(node_or_edge, xml_obj, {k: v for k, v in data.items() if k != "key"},
                                          default)

    return Writer


def write_gexf(graph, path_or_buffer) -> None:
    writer = _gexf_writer()(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(graph)
    if isinstance(path_or_buffer, str | Path):
        with open(path_or_buffer, "wb") as f:
            writer.write(f)
    else:
        writer.write(path_or_buffer)


def _scalar(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def claim_table(store: Store, all_versions: bool = False) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows, roles = _claims_base(conn, all_versions)
        ents = _entities(conn)
        cites: dict[int, list[str]] = defaultdict(list)
        for claim_id, label in conn.execute(sa.select(t.claim_citations.c.claim_id, t.claim_citations.c.label)
                                            .order_by(t.claim_citations.c.claim_id, t.claim_citations.c.position)):
            cites[claim_id].append(label)
        events = dict(conn.execute(sa.select(t.event_claims.c.claim_id, t.events.c.key)
                                   .join(t.events, t.events.c.id == t.event_claims.c.event_id)).all())

    def names(ids: list[str]) -> list[str]:
        return [ents[i].name if i in ents else i for i in ids]

    out = []
    for r in rows:
        rl = roles.get(r.id, {"subject": [], "object": [], "place": []})
        out.append({
            "key": r.key, "document_id": r.document_id, "document_title": r.title, "document_source": r.source,
            "document_outlet": r.outlet, "document_published": r.published, "subject_ids": rl["subject"],
            "subject_names": names(rl["subject"]), "predicate": r.predicate, "kind": kind_of(r.predicate),
            "mode": r.mode, "object_ids": rl["object"], "object_names": names(rl["object"]),
            "negated": bool(r.negated), "modality": r.modality,
            "attributed_to": ents[r.attributed_entity_id].name if r.attributed_entity_id in ents else r.attributed_to,
            "time_text": r.time_text, "time_start": r.time_start, "time_end": r.time_end,
            "place_ids": rl["place"], "place_names": names(rl["place"]), "citations": cites.get(r.id, []),
            "evidence_start": r.evidence_start, "evidence_end": r.evidence_end, "evidence_text": r.evidence_text,
            "event_key": events.get(r.id), "rule": r.rule, "rules_version": r.rules_version,
        })
    return out


def quantity_table(store: Store, all_versions: bool = False) -> list[dict[str, Any]]:
    q, c, d, mv, m = t.quantities, t.claims, t.documents, t.measure_values, t.measures
    with store.engine.connect() as conn:
        _, roles = _claims_base(conn, all_versions)
        ents = _entities(conn)
        query = (sa.select(q, c.c.key, c.c.time_start, c.c.time_end, d.c.title)
                 .join(c, c.c.id == q.c.claim_id).join(d, d.c.id == q.c.document_id))
        if not all_versions:
            query = query.where(d.c.is_latest)
        rows = conn.execute(query).all()
        measure = {qid: (key, label, disagreement) for qid, key, label, disagreement in conn.execute(
            sa.select(mv.c.quantity_id, m.c.key, m.c.label, m.c.disagreement).join(m, m.c.id == mv.c.measure_id))}
    out = []
    # one row per figure in the text: a figure attached to several claims (one sentence read as two events)
    # is stored once per claim; the first claim keeps it, `claim_keys` lists them all
    seen: dict[tuple[str, int, int], dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r.key, r.idx)):
        first = seen.get((r.document_id, r.char_start, r.char_end))
        if first is not None:
            first["claim_keys"].append(r.key)
            if first["measure_key"] is None and r.id in measure:
                first["measure_key"], first["measure_label"], disputed = measure[r.id]
                first["measure_disagreement"] = bool(disputed)
            continue
        key, label, disputed = measure.get(r.id, (None, None, None))
        places = roles.get(r.claim_id, {}).get("place", [])
        out.append({
            "claim_key": r.key, "claim_keys": [r.key], "document_id": r.document_id, "document_title": r.title,
            "value": r.value,
            "low": r.low, "high": r.high, "qualifier": r.qualifier, "unit": r.unit, "what": r.what,
            "whom": r.whom, "vague": r.vague, "text": r.text, "char_start": r.char_start, "char_end": r.char_end,
            "time_start": r.time_start, "time_end": r.time_end,
            "place_names": [ents[p].name if p in ents else p for p in places], "measure_key": key,
            "measure_label": label, "measure_disagreement": None if disputed is None else bool(disputed),
        })
        seen[(r.document_id, r.char_start, r.char_end)] = out[-1]
    return out


def tables(store: Store, all_versions: bool = False) -> dict[str, list[dict[str, Any]]]:
    nodes, edges = network_tables(store, all_versions)
    return {"nodes": nodes, "edges": edges, "claims": claim_table(store, all_versions),
            "quantities": quantity_table(store, all_versions)}


# -- writers ---------------------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# The characters a spreadsheet reads as the start of a formula (OWASP, CSV Injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return neutralise_cell("; ".join(str(v) for v in value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_cell(value)
    return value


def neutralise_cell(text: str) -> str:
    """`text` with a `'` in front when a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _arrow_schema(name: str):
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "date": pa.date32(), "list": pa.list_(pa.string())}
    return pa.schema([(col, types[kind]) for col, kind in COLUMNS[name]])


def _atomic_write(path: Path, write) -> None:
    """Write through a temporary file, then rename: an interrupted export leaves no half file."""
    tmp = path.with_name(path.name + ".part")
    write(tmp)
    tmp.replace(path)


def write_jsonl(data: dict[str, list[dict]], out: io.TextIOBase) -> None:
    for name, rows in data.items():
        for row in rows:
            out.write(json.dumps({"table": name, **{k: _json_value(v) for k, v in row.items()}},
                                 ensure_ascii=False) + "\n")


def _write_csv(rows: Iterable[dict], name: str, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        cols = [c for c, _ in COLUMNS[name]]
        writer.writerow(cols)
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in cols])


def _write_parquet(rows: list[dict], name: str, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(name)
    cols = [c for c, _ in COLUMNS[name]]
    table = pa.Table.from_pylist([{c: row.get(c) for c in cols} for row in rows], schema=schema)
    pq.write_table(table, path)


DEFAULT_OUT = {"jsonl": None, "graphml": None, "gexf": None, "csv": "claimgraph-export",
               "parquet": "claimgraph-export"}


def export(store: Store, fmt: str, out: str | Path | None = None, stdout: io.TextIOBase | None = None,
           all_versions: bool = False) -> list[Path]:
    """Write the export; returns the files written (none when written to `stdout`).

    out: a file for jsonl/graphml/gexf (None: `stdout`), a folder for csv/parquet (default ./claimgraph-export).
    """
    import networkx as nx

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt in ("csv", "parquet"):
        folder = Path(out or DEFAULT_OUT[fmt])
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, rows in tables(store, all_versions).items():
            path = folder / f"{name}.{fmt}"
            writer = _write_csv if fmt == "csv" else _write_parquet
            _atomic_write(path, lambda p, rows=rows, name=name, writer=writer: writer(rows, name, p))
            written.append(path)
        return written
    if fmt == "jsonl":
        data = tables(store, all_versions)
        if out is None:
            write_jsonl(data, stdout)
            return []
        path = Path(out)

        def _jsonl(p: Path) -> None:
            with p.open("w", encoding="utf-8") as f:
                write_jsonl(data, f)

        _atomic_write(path, _jsonl)
        return [path]
    graph = network(store, all_versions, fmt)
    write = nx.write_graphml if fmt == "graphml" else write_gexf
    if out is None:
        buffer = io.BytesIO()
        write(graph, buffer)
        stdout.write(buffer.getvalue().decode("utf-8"))
        return []
    path = Path(out)
    _atomic_write(path, lambda p: write(graph, str(p)))
    return [path]
