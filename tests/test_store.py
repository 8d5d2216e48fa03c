"""The knowledge base on SQLite without the model: schema and migrations, Datasette shape, one transaction per
document, versions, entity merging, events and measures across documents, the question API."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3

import pytest
import sqlalchemy as sa
from kb_support import ENTITIES, doc_a, doc_b, make_doc

from claimgraph.records import Span
from claimgraph.store import ADDED, UNCHANGED, VERSION, Store, StoreError, document_rows, loader, resolve_url
from claimgraph.store import schema as t
from claimgraph.store.grouping import _event_time, _event_window, _Item, cluster, value_range
from claimgraph.store.kb import KnowledgeBase, QueryError


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "kb.db"))
    yield s
    s.close()


def test_resolve_url(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMGRAPH_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'claimgraph.db'}"
    assert resolve_url("x/kb.db") == f"sqlite:///{tmp_path / 'x' / 'kb.db'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("CLAIMGRAPH_DB", "postgresql://env@h/db")
    assert resolve_url(None) == "postgresql+psycopg://env@h/db"
    with pytest.raises(StoreError):
        resolve_url("mysql://h/db")
    with pytest.raises(StoreError, match="does not exist"):
        Store(str(tmp_path / "missing-folder" / "kb.db"))


def test_migrations_build_exactly_the_schema(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def include(name, type_, parent):
        return not (type_ == "table" and name and "_fts" in name)

    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": include, "compare_type": True})
        assert compare_metadata(ctx, t.metadata) == []
        # the newest revision: one head (several branches add migrations and the merge re-chains them)
        from alembic.script import ScriptDirectory

        from claimgraph.store.engine import alembic_config

        assert ctx.get_current_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_sqlite_file_is_datasette_ready(store, tmp_path):
    store.write(document_rows(doc_a()))
    store.regroup()
    con = sqlite3.connect(tmp_path / "kb.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {r[0]: r[1] for r in con.execute("SELECT name, type FROM sqlite_master")}
    for view in ("claim_view", "actor_view", "event_view", "measure_view", "disagreement_view"):
        assert names[view] == "view"
        con.execute(f"SELECT * FROM {view}").fetchall()
    for table in ("documents", "sentences", "entities", "entity_aliases", "mentions", "reference_entries",
                  "citations", "claims", "claim_entities", "quantities", "findings", "events", "measures"):
        assert names[table] == "table"
    assert "sentences_fts" in names and "claims_fts" in names
    fks = {(r[2], r[3]) for r in con.execute("PRAGMA foreign_key_list(claims)")}
    assert ("documents", "document_id") in fks and ("sentences", "sentence_id") in fks
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    row = con.execute("SELECT subjects, predicate, objects, places FROM claim_view ORDER BY id").fetchone()
    assert row == ("Tehreek-e-Taliban Pakistan", "ASSAULT", "Pakistan", "Bannu")
    hits = con.execute("SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH 'attacked'").fetchall()
    assert len(hits) == 1
    con.close()


def test_foreign_keys_are_enforced(store):
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(sa.insert(t.sentences).values(document_id="nope", idx=0, paragraph=0, char_start=0,
                                                   char_end=1, text="x"))


def test_write_is_whole_and_idempotent(store):
    rows = document_rows(doc_a())
    assert store.write(rows) == ADDED
    before = store.counts()
    assert store.write(rows) == UNCHANGED
    assert store.counts() == before
    assert store.document_counts(rows.id) == rows.counts()
    assert rows.counts()["claims"] == 3 and rows.counts()["quantities"] == 1


def test_a_failed_write_leaves_nothing(store, monkeypatch):
    rows = document_rows(doc_a())
    empty = store.counts()

    def boom(*args, **kwargs):
        raise RuntimeError("killed mid-write")

    monkeypatch.setattr(loader, "_claims", boom)
    with pytest.raises(RuntimeError):
        store.write(rows)
    assert store.counts() == empty  # document, sentences, mentions, entity counts: all rolled back
    monkeypatch.undo()
    assert store.write(rows) == ADDED


def test_new_text_at_the_same_source_is_a_new_version(store):
    first = document_rows(doc_a("article.txt"))
    edited = doc_a("article.txt")
    edited.reading = edited.reading.__class__(**{**edited.reading.__dict__,
                                                 "text": edited.text.replace("14 people", "15 people")})
    second = document_rows(edited)
    assert first.id != second.id and first.source_key == second.source_key
    assert store.write(first) == ADDED
    assert store.write(second) == VERSION
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.documents.c.id, t.documents.c.version, t.documents.c.is_latest,
                                      t.documents.c.previous_version_id).order_by(t.documents.c.version)).all()
    assert [(r.version, bool(r.is_latest)) for r in rows] == [(1, False), (2, True)]
    assert rows[1].previous_version_id == first.id
    with KnowledgeBase(store) as kb:
        assert {c["document"]["id"] for c in kb.claims()} == {second.id}
        assert len(kb.claims(all_versions=True)) == 6


def test_a_restated_figure_keeps_its_pointer(store):
    from dataclasses import replace

    doc = doc_a()
    claim = next(c for c in doc.claims if c.quantities)
    (q,) = claim.quantities
    restated = replace(q, span=Span(q.span.start + 1, q.span.end), restates=q.span)  # a stand-in second figure
    doc.claims = [replace(c, quantities=(q, restated)) if c is claim else c for c in doc.claims]
    store.write(document_rows(doc))
    with KnowledgeBase(store) as kb:
        (got,) = [c["quantities"] for c in kb.claims() if c["quantities"]]
    assert [x["restates"] for x in got] == [None, {"start": q.span.start, "end": q.span.end}]


def test_entities_merge_across_documents(store):
    store.write(document_rows(doc_a()))
    store.write(document_rows(doc_b()))
    with store.engine.connect() as conn:
        okoro = conn.execute(sa.select(t.entities).where(t.entities.c.id == "local:person:daniel-okoro")).one()
        ttp_aliases = dict(conn.execute(sa.select(t.entity_aliases.c.alias, t.entity_aliases.c.mention_count)
                                        .where(t.entity_aliases.c.entity_id == "TTP")).all())
    assert (okoro.document_count, okoro.mention_count, bool(okoro.is_local)) == (2, 2, True)
    assert ttp_aliases == {"TTP": 1, "Tehrik-i-Taliban Pakistan": 1}
    with KnowledgeBase(store) as kb:
        assert kb.resolve("tehrik-i-taliban pakistan") == ["TTP"]
        assert kb.resolve("Tehreek e Taliban Pakistan") == ["TTP"]
        ttp = next(a for a in kb.actors() if a["id"] == "TTP")
        assert (ttp["documents"], ttp["mentions"], ttp["claims_as_subject"]) == (2, 2, 2)


def test_claims_from_two_outlets_are_one_event_and_the_tolls_disagree(store):
    store.write(document_rows(doc_a()))
    store.write(document_rows(doc_b()))
    assert store.regroup() == {"events": 3, "measures": 1, "disagreements": 1}
    with KnowledgeBase(store) as kb:
        attack = kb.timeline("TTP", with_="Pakistan")
        assert len(attack) == 1 and attack[0]["documents"] == 2
        assert attack[0]["label"] == "Tehreek-e-Taliban Pakistan ASSAULT Pakistan in Bannu"
        assert attack[0]["time"] == {"start": "2025-03-04", "end": "2025-03-04"}
        (toll,) = kb.disagreements()
        assert [v["value"] for v in toll["values"]] == [14.0, 21.0]
        assert {v["document"]["source"] for v in toll["values"]} == {"a.txt", "b.txt"}
        assert toll["compatible"] is False and toll["label"] == "killed · people · 2025-03-04 · Bannu"
        assert "21 people were killed" in toll["values"][1]["sentence"]


def _ordinal(iso: str | None) -> int | None:
    return dt.date.fromisoformat(iso).toordinal() if iso else None


def _item(i, start=None, end=None, places=(), doc="d", window=None):
    return _Item(i, doc, _ordinal(start), _ordinal(end), window, frozenset(places), {})


def test_event_time_tolerance_is_complete_linkage():
    daily = [_item(i, f"2025-03-{d:02d}", f"2025-03-{d:02d}") for i, d in enumerate(range(1, 11))]
    groups = cluster(daily, _event_time, _event_window)
    # within the 2-day window of every member: no chaining of ten daily raids into one event
    assert [len(g) for g in groups] == [3, 3, 3, 1]
    year = _item(99, "2024-01-01", "2024-12-31")
    march = _item(98, "2024-03-05", "2024-03-05")
    november = _item(97, "2024-11-20", "2024-11-20")
    assert sorted(len(g) for g in cluster([year, march, november], _event_time, _event_window)) == [1, 2]
    # places: equal, or one side unknown
    assert len(cluster([_item(1, "2025-03-04", "2025-03-04", ["BANNU"]),
                        _item(2, "2025-03-04", "2025-03-04", ["PESHAWAR"])], _event_time, _event_window)) == 2
    assert len(cluster([_item(1, "2025-03-04", "2025-03-04", ["BANNU"]),
                        _item(2, "2025-03-05", "2025-03-05")], _event_time, _event_window)) == 1


def test_claims_without_time_use_their_documents_date(store):
    text = "Pakistani police said the TTP attacked them in Bannu."
    later = make_doc(text, "c.txt", "2025-03-06", ENTITIES, [
        {"subject": ["TTP"], "predicate": "ASSAULT", "object": ["PAK"], "place": ["BANNU"], "anchor": "attacked"}])
    much_later = make_doc(text.replace("Pakistani police", "Police in Pakistan"), "d.txt", "2025-06-01", ENTITIES, [
        {"subject": ["TTP"], "predicate": "ASSAULT", "object": ["PAK"], "place": ["BANNU"], "anchor": "attacked"}])
    for d in (doc_a(), doc_b(), later, much_later):
        store.write(document_rows(d))
    store.regroup()
    with KnowledgeBase(store) as kb:
        events = kb.timeline("TTP")
    assert sorted(e["documents"] for e in events) == [1, 3]  # June's report is another attack


def _measure_doc(source: str, year: tuple, march: tuple, later: tuple):
    text = (f"In 2024 alone, {year[0]} were killed in Pakistan. In March 2024, {march[0]} were killed. "
            f"Later {later[0]} were killed.")
    return make_doc(text, source, "2025-01-10", ENTITIES, [
        {"predicate": "ASSAULT", "anchor": "In 2024", "time": ("2024-01-01", "2024-12-31"), "place": ["PAK"],
         "quantities": [(year[0], year[1], "killed", "soldiers", *year[2:])]},
        {"predicate": "ASSAULT", "anchor": "In March", "time": ("2024-03-01", "2024-03-31"), "place": ["PAK"],
         "quantities": [(march[0], march[1], "killed", "soldiers", *march[2:])]},
        {"predicate": "ASSAULT", "anchor": "Later", "time": ("2024-01-01", "2024-12-31"), "place": ["PAK"],
         "quantities": [(later[0], later[1], "killed", "soldiers", *later[2:])]},
    ])


def test_measures_periods_ranges_and_one_value_per_document(store):
    one = _measure_doc("m1.txt", ("685 soldiers", 685), ("40 soldiers", 40), ("12 soldiers", 12))
    two = _measure_doc("m2.txt", ("around 680 soldiers", 680, {"qualifier": "around"}),
                       ("several soldiers", 3, {"vague": "several", "low": 3.0}), ("17 soldiers", 17))
    for d in (one, two):
        store.write(document_rows(d))
    store.regroup()
    with KnowledgeBase(store) as kb:
        measures = kb.measures()
        disputed = kb.disagreements()
    by_period: dict[tuple, list] = {}
    for m in measures:
        by_period.setdefault((m["period"]["start"], m["period"]["end"]), []).append(
            sorted(v["value"] for v in m["values"]))
    # 2024: 685 beside "around 680" (one measure); 12 and 17, each its document's second 2024 figure, another
    assert sorted(by_period[("2024-01-01", "2024-12-31")]) == [[12.0, 17.0], [680.0, 685.0]]
    # March 2024 is another period; "several" fits 40: no disagreement there
    assert by_period[("2024-03-01", "2024-03-31")] == [[3.0, 40.0]]
    assert sorted((d["min"], d["max"], d["compatible"]) for d in disputed) == [(12.0, 17.0, False),
                                                                                (680.0, 685.0, True)]


def test_value_ranges():
    assert value_range(14, 14, None, "at least") == (14, float("inf"))
    assert value_range(100, None, None, "around") == pytest.approx((90, 110))
    assert value_range(3, 3, None, None, vague="several") == (1, float("inf"))
    assert value_range(21, None, None, None) == (21, 21)


def test_question_filters(store):
    store.write(document_rows(doc_a()))
    store.write(document_rows(doc_b()))
    with KnowledgeBase(store) as kb:
        assert len(kb.claims()) == 5
        assert {c["predicate"] for c in kb.claims(actor="pakistan")} == {"ASSAULT", "DISAPPROVE"}
        assert len(kb.claims(predicate="assault")) == 4
        assert len(kb.claims(place="Bannu")) == 4
        assert len(kb.claims(modality="reported")) == 3
        assert len(kb.claims(source="b.txt")) == 2
        assert len(kb.claims(since="2025-03-04", until="2025-03-04")) == 5  # the undated one: by its document
        assert kb.claims(since="2025-03-05") == []
        assert len(kb.claims(until="2025-03")) == 5
        assert kb.claims(since="2026") == []
        first = next(c for c in kb.claims(actor="TTP") if c["document"]["source"] == "a.txt")
        assert first["evidence"]["text"] == "The TTP attacked a police post in Bannu on Tuesday."
        assert first["time"] == {"text": "on Tuesday", "start": "2025-03-04", "end": "2025-03-04"}
        assert first["event"] is not None
        with pytest.raises(QueryError):
            kb.claims(actor="Nobody At All")
        with pytest.raises(QueryError):
            kb.claims(since="March")
        with pytest.raises(QueryError):
            kb.claims(modality="rumour")
        hits = kb.search("stormed police")
        assert hits and hits[0]["document"]["source"] == "b.txt"


def test_grouping_is_refreshed_after_an_interrupted_ingest(store):
    store.write(document_rows(doc_a()))
    store.regroup()
    store.write(document_rows(doc_b()))  # an ingest killed before its final regroup
    with KnowledgeBase(store) as kb:  # opening notices and regroups
        assert len(kb.disagreements()) == 1


def test_delete_document(store):
    a, b = document_rows(doc_a()), document_rows(doc_b())
    store.write(a)
    store.write(b)
    assert store.delete_document(b.id)
    assert not store.delete_document(b.id)
    assert store.document_ids() == {a.id}
    # the kept row counts follow the delete, cascades included (0008_kbquery's triggers)
    assert store.counts() == store.counts(exact=True)
    with KnowledgeBase(store) as kb:
        assert kb.disagreements() == []
        okoro = next(x for x in kb.actors() if x["id"] == "local:person:daniel-okoro")
        assert okoro["documents"] == 1
    assert store.counts() == store.counts(exact=True)  # and the regroup the question asked for


# -- measures: where and whom (gazetteer places unrelated to any test article; parents from the gazetteer) ---

PLACES = {**ENTITIES, "KHYBER_PAKHTUNKHWA": ("Khyber Pakhtunkhwa", "place", ["Khyber Pakhtunkhwa"])}


def _toll(source: str, sentence: str, figure: str, value: float, place: list[str] | None, whom=None,
          what="killed", published="2025-03-05"):
    claim = {"predicate": "ASSAULT", "anchor": figure, "time": ("2025-03-04", "2025-03-04"),
             "quantities": [(figure, value, what, whom)]}
    if place is not None:
        claim["place"] = place
    return make_doc(sentence, source, published, PLACES, [claim])


def _measures_of(store, *docs):
    for d in docs:
        store.write(document_rows(d))
    store.regroup()
    with KnowledgeBase(store) as kb:
        return sorted(sorted(v["value"] for v in m["values"]) for m in kb.measures())


def test_measures_roll_up_places_and_keep_siblings_apart(store):
    got = _measures_of(
        store,
        _toll("a.txt", "Police said 14 people were killed in Bannu.", "14 people", 14, ["BANNU"]),
        _toll("b.txt", "Officials said 16 people were killed in Khyber Pakhtunkhwa.", "16 people", 16,
              ["KHYBER_PAKHTUNKHWA"]),
        _toll("c.txt", "Police said 9 people were killed in Peshawar.", "9 people", 9, ["PESHAWAR"]),
    )
    # Bannu lies in Khyber Pakhtunkhwa: one measure; Peshawar, another district of it, is another incident
    # (Peshawar also lies in the province: it joins whichever fits first, never Bannu's group)
    assert [14.0, 16.0] in got or [9.0, 16.0] in got
    assert not any(9.0 in m and 14.0 in m for m in got)


def test_measures_country_alone_and_no_place_are_not_wildcards(store):
    got = _measures_of(
        store,
        _toll("a.txt", "Police said 14 people were killed in Bannu.", "14 people", 14, ["BANNU"]),
        _toll("b.txt", "Officials said 20 people were killed in Pakistan.", "20 people", 20, ["PAK"]),
        _toll("c.txt", "Officials said 25 people were killed.", "25 people", 25, []),
        _toll("d.txt", "Officials said 30 people were killed.", "30 people", 30, []),
    )
    assert got == [[14.0], [20.0], [25.0], [30.0]]


def test_measures_take_the_documents_place_from_its_lead(store):
    got = _measures_of(
        store,
        _toll("a.txt", "A bomb exploded in Bannu. Police said 14 people were killed.", "14 people", 14, []),
        _toll("b.txt", "Officials said 16 people were killed in Bannu.", "16 people", 16, ["BANNU"]),
    )
    assert got == [[14.0, 16.0]]


def test_measures_group_tolls_of_people_however_worded_but_not_combatants_or_other_measures(store):
    got = _measures_of(
        store,
        _toll("a.txt", "Police said 14 crew members were killed in Bannu.", "14 crew members", 14, ["BANNU"],
              whom="crew members"),
        _toll("b.txt", "Officials said 16 civilians were killed in Bannu.", "16 civilians", 16, ["BANNU"],
              whom="civilians"),
        _toll("c.txt", "Officials said 3 soldiers were killed in Bannu.", "3 soldiers", 3, ["BANNU"],
              whom="security personnel"),
        _toll("d.txt", "Officials said 40 people were wounded in Bannu.", "40 people", 40, ["BANNU"], what="injured"),
    )
    assert got == [[3.0], [14.0, 16.0], [40.0]]


def test_claims_by_place_roll_up_to_the_places_that_contain_them(store):
    _measures_of(
        store,
        doc_a(),  # claims placed in Bannu (the gazetteer: a district of Khyber Pakhtunkhwa)
        _toll("k.txt", "Officials said 16 people were killed in Khyber Pakhtunkhwa.", "16 people", 16,
              ["KHYBER_PAKHTUNKHWA"]),
        _toll("p.txt", "Police said 9 people were killed in Peshawar.", "9 people", 9, ["PESHAWAR"]),
    )
    with KnowledgeBase(store) as kb:
        in_bannu = {c["evidence"]["text"] for c in kb.claims(place="Bannu")}
        in_province = {c["evidence"]["text"] for c in kb.claims(place="Khyber Pakhtunkhwa")}
        assert kb.within(["BANNU"]) == ["BANNU"]
        assert {"BANNU", "PESHAWAR", "KHYBER_PAKHTUNKHWA"} <= set(kb.within(["KHYBER_PAKHTUNKHWA"]))
    assert in_bannu and in_bannu < in_province
    assert any("Peshawar" in e for e in in_province) and not any("Peshawar" in e for e in in_bannu)

def check_source_filter_is_literal(store) -> None:
    """`source` is a piece of text, not a LIKE pattern: % and _ match only themselves (and the escape
    character too)."""
    store.write(document_rows(doc_a("reports/100%_sure.txt")))
    store.write(document_rows(doc_b("reports/b.txt")))
    with KnowledgeBase(store) as kb:
        assert len(kb.claims()) == 5
        assert len(kb.claims(source="%")) == 3  # only the document whose path holds a % (3 claims)
        assert len(kb.claims(source="100%_s")) == 3
        assert len(kb.claims(source="_")) == 3
        assert kb.claims(source="100_") == [] and kb.claims(source="b_txt") == []  # _ would match any character
        assert kb.claims(source="b%txt") == [] and kb.claims(source="\\") == []
        assert len(kb.claims(source="B.TXT")) == 2  # still case-insensitive


def test_source_filter_is_literal(store):
    check_source_filter_is_literal(store)


def test_measures_keep_figures_an_order_of_magnitude_apart_separate(store):
    # a cumulative toll since a war began beside one day's dead: not two accounts of one toll
    got = _measures_of(
        store,
        _toll("a.txt", "Police said 14 people were killed in Bannu.", "14 people", 14, ["BANNU"]),
        _toll("b.txt", "Monitors said 1,400 people were killed in Bannu.", "1,400 people", 1400, ["BANNU"]),
        _toll("c.txt", "Officials said 20 people were killed in Bannu.", "20 people", 20, ["BANNU"]),
    )
    assert got == [[14.0, 20.0], [1400.0]]


def test_a_timeless_figure_joins_the_measure_nearest_its_value(store):
    # one report dates two counts of the wounded (all wounded; those treated in one hospital); an undated
    # report's figure joins the count nearest its own, not a new measure of its own
    dated = make_doc("Officials said 1,400 people were wounded in Bannu. A hospital treated 500 people.",
                     "a.txt", "2025-03-05", PLACES, [
                         {"predicate": "ASSAULT", "anchor": "1,400 people", "time": ("2025-03-04", "2025-03-04"),
                          "place": ["BANNU"], "quantities": [("1,400 people", 1400, "injured", None)]},
                         {"predicate": "ASSAULT", "anchor": "500 people", "time": ("2025-03-04", "2025-03-04"),
                          "place": ["BANNU"], "quantities": [("500 people", 500, "injured", None)]}])
    undated = make_doc("Doctors said 1,440 people were wounded in Bannu.", "b.txt", None, PLACES, [
        {"predicate": "ASSAULT", "anchor": "1,440 people", "place": ["BANNU"],
         "quantities": [("1,440 people", 1440, "injured", None)]}])
    # an undated figure far from every measure's values is a toll of another event: it joins none
    background = make_doc("Doctors said 12,000 people were wounded in Bannu.", "c.txt", None, PLACES, [
        {"predicate": "ASSAULT", "anchor": "12,000 people", "place": ["BANNU"],
         "quantities": [("12,000 people", 12000, "injured", None)]}])
    assert _measures_of(store, dated, undated, background) == [[500.0], [1400.0, 1440.0], [12000.0]]


def test_measures_of_two_stated_days_are_two_incidents(store):
    thursday = _toll("a.txt", "Police said 2 people were killed in Bannu.", "2 people", 2, ["BANNU"])
    friday = make_doc("Police said 1 person was killed in Bannu.", "b.txt", "2025-03-06", PLACES, [
        {"predicate": "ASSAULT", "anchor": "1 person", "time": ("2025-03-05", "2025-03-05"), "place": ["BANNU"],
         "quantities": [("1 person", 1, "killed", None)]}])
    same_day = _toll("c.txt", "Officials said 3 people were killed in Bannu.", "3 people", 3, ["BANNU"])
    assert _measures_of(store, thursday, friday, same_day) == [[1.0], [2.0, 3.0]]


def test_a_figure_placed_in_a_district_and_its_province_is_in_the_district(store):
    got = _measures_of(
        store,
        _toll("a.txt", "Police said 14 people were killed in Bannu, Khyber Pakhtunkhwa.", "14 people", 14,
              ["BANNU", "KHYBER_PAKHTUNKHWA"]),
        _toll("c.txt", "Police said 9 people were killed in Peshawar, Khyber Pakhtunkhwa.", "9 people", 9,
              ["PESHAWAR", "KHYBER_PAKHTUNKHWA"]),
    )
    assert got == [[9.0], [14.0]]


def test_a_figure_without_a_place_takes_the_place_its_sentence_names(store):
    places = {**PLACES, "HELMAND": ("Helmand", "place", ["Helmand"])}
    # the report's lead is about talks in Peshawar; the toll's sentence names Bannu (no place attached to its
    # claim): the toll is in Bannu and meets another report's Bannu toll
    lead = make_doc("Talks resumed in Peshawar. Police said 14 people were killed in a raid near Bannu.",
                    "a.txt", "2025-03-05", places, [
                        {"predicate": "ASSAULT", "anchor": "14 people", "time": ("2025-03-04", "2025-03-04"),
                         "quantities": [("14 people", 14, "killed", None)]}])
    # a sentence's place in another country than the report's (a name linked wrongly) is not where it is
    stray = make_doc("A bomb exploded in Bannu. Spokesman Helmand said 15 people were killed.", "c.txt",
                     "2025-03-05", places, [
                         {"predicate": "ASSAULT", "anchor": "15 people", "time": ("2025-03-04", "2025-03-04"),
                          "quantities": [("15 people", 15, "killed", None)]}])
    countries = {"BANNU": "PAK", "PESHAWAR": "PAK", "HELMAND": "AFG"}  # as the linker gives them
    for d in (lead, stray):
        d.entities = [dataclasses.replace(e, country=countries.get(e.id, e.country)) for e in d.entities]
    got = _measures_of(store, lead, _toll("b.txt", "Officials said 16 people were killed in Bannu.", "16 people",
                                          16, ["BANNU"]), stray)
    assert got == [[14.0, 15.0, 16.0]]


def test_a_figure_told_of_a_state_lies_at_the_place_its_report_names_in_that_state(store):
    places = {**PLACES, "HELMAND": ("Helmand", "place", ["Helmand"])}
    # the lead names a place abroad (background); the toll's sentence names only the state; the report names
    # one place inside that state further down: the toll is there
    report = make_doc("Talks resumed in Helmand. Strikes in Pakistan killed 14 people. The strikes hit a depot in"
                      " Bannu.", "a.txt", "2025-03-05", places, [
                          {"predicate": "ASSAULT", "anchor": "14 people", "time": ("2025-03-04", "2025-03-04"),
                           "object": ["PAK"], "quantities": [("14 people", 14, "killed", None)]}])
    countries = {"BANNU": "PAK", "PESHAWAR": "PAK", "HELMAND": "AFG"}
    report.entities = [dataclasses.replace(e, country=countries.get(e.id, e.country)) for e in report.entities]
    got = _measures_of(store, report, _toll("b.txt", "Officials said 16 people were killed in Bannu.",
                                            "16 people", 16, ["BANNU"]))
    assert got == [[14.0, 16.0]]


def _told(source: str, text: str, published: str | None, *figures: tuple[str, float, str | None]):
    """A report of tolls in Bannu on one day, each figure (surface, value, teller) its own sentence's claim."""
    return make_doc(text, source, published, PLACES, [
        {"predicate": "ASSAULT", "anchor": surface, "time": ("2025-03-04", "2025-03-04"), "place": ["BANNU"],
         "attributed_to": teller, "quantities": [(surface, value, "killed", None)]}
        for surface, value, teller in figures])


def test_a_reports_second_speaker_is_another_account_of_the_measure(store):
    # one outlet relays two sources (the ministry's 386, the mission's 350); another outlet the mission's 350:
    # the measure holds all three, so the 350 agree and the 386 disagrees with them
    both = _told("a.txt", "The ministry said 386 people were killed in Bannu on Tuesday. The mission said 350 "
                 "people were killed there.", "2025-03-05",
                 ("386 people", 386, "ministry"), ("350 people", 350, "mission"))
    other = _told("b.txt", "The mission said 350 people were killed in Bannu on Tuesday.", "2025-03-05",
                  ("350 people", 350, "mission"))
    assert _measures_of(store, both, other) == [[350.0, 350.0, 386.0]]


def test_one_speakers_two_figures_or_one_reports_two_speakers_alone_stay_apart(store):
    # the same speaker's second figure is another count (a sub-total, another day), not another account
    same = _told("a.txt", "Police said 20 people were killed in Bannu on Tuesday. Police said 9 people were "
                 "killed there.", "2025-03-05", ("20 people", 20, "police"), ("9 people", 9, "police"))
    other = _told("b.txt", "Officials said 18 people were killed in Bannu on Tuesday.", "2025-03-05",
                  ("18 people", 18, "officials"))
    assert _measures_of(store, same, other) == [[9.0], [18.0, 20.0]]


def test_a_reports_two_speakers_with_no_other_report_are_not_an_outlets_disagreement(store):
    alone = _told("a.txt", "The ministry said 31 people were killed in Bannu on Tuesday. The group said 40 "
                  "people were killed there.", "2025-03-05", ("31 people", 31, "ministry"), ("40 people", 40, "group"))
    assert _measures_of(store, alone) == [[31.0], [40.0]]


def test_an_earlier_toll_an_update_replaces_is_an_account_of_its_own(store):
    # "rose to 64, up from 21": the 21 is the toll another outlet reported the day before, the same speaker's
    update = _told("a.txt", "The army said the toll in Bannu rose to 64, up from 21 a day earlier.", "2025-03-05",
                   ("64", 64, "army"), ("21 a day", 21, "army"))
    first = _told("b.txt", "A committee said 21 people were killed in Bannu on Tuesday.", "2025-03-04",
                  ("21 people", 21, "committee"))
    assert _measures_of(store, update, first) == [[21.0, 21.0, 64.0]]
