"""The knowledge base at scale: batched writes (whole documents, same rows as one at a time), incremental
grouping (equal to a full regroup), and a small run of the bench_kb generator whose questions are checked
against answers computed here from the generated rows."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import pytest
import sqlalchemy as sa
from conftest_pg import pg_url, postgres_server  # noqa: F401  (fixtures)
from kb_support import next_ids_from

from claimgraph.bench_kb import fill, generate, questions
from claimgraph.store import ADDED, UNCHANGED, VERSION, Store, loader, network
from claimgraph.store import schema as t
from claimgraph.store.kb import KnowledgeBase
from claimgraph.store.rows import DocumentRows


def _grouping(store: Store) -> tuple[set, set, set]:
    """Events and measures as comparable content (ids aside): key, label, times, members; and the network's
    kept edges."""
    ev, ec, c, m, mv = t.events, t.event_claims, t.claims, t.measures, t.measure_values
    with store.engine.connect() as conn:
        members = defaultdict(list)
        for event_id, key in conn.execute(sa.select(ec.c.event_id, c.c.key).join(c, c.c.id == ec.c.claim_id)):
            members[event_id].append(key)
        events = {(r.key, r.label, r.predicate, bool(r.negated), r.time_start, r.time_end, r.first_reported,
                   r.last_reported, r.claim_count, r.document_count, tuple(sorted(members[r.id])))
                  for r in conn.execute(sa.select(ev))}
        values = defaultdict(list)
        for measure_id, key, value in conn.execute(sa.select(mv.c.measure_id, c.c.key, mv.c.value)
                                                   .join(c, c.c.id == mv.c.claim_id)):
            values[measure_id].append((key, value))
        measures = {(r.key, r.label, r.period_start, r.period_end, r.value_count, r.distinct_values,
                     bool(r.disagreement), bool(r.compatible), tuple(sorted(values[r.id])))
                    for r in conn.execute(sa.select(m))}
        edges = set(conn.execute(sa.select(t.network_edges)).all())
        # the kept edges of each predicate, as the grouping wrote them with the edges (full or incremental)
        ne = t.network_edges
        assert network.edge_counts(conn) == dict(conn.execute(sa.select(ne.c.predicate, sa.func.count())
                                                              .group_by(ne.c.predicate)).all())
    return events, measures, edges


def _edited(rows: DocumentRows, n: int) -> DocumentRows:
    """A new version of the same source: other text (so another id), the first claim dropped."""
    import copy

    new = copy.deepcopy(rows)
    new.id = f"{rows.id[:24]}v{n:07d}"
    new.document["id"] = new.id
    new.document["text"] = rows.document["text"] + " Updated."
    new.claims = new.claims[1:]
    for c in new.claims:
        c["key"] = c["key"].replace(rows.id, new.id)
    return new


@pytest.fixture(scope="module")
def corpus() -> list[DocumentRows]:
    return list(generate(4000, seed=3))


def test_a_batch_stores_the_same_rows_as_one_document_at_a_time(corpus, tmp_path):
    docs = corpus[:60]
    with Store(str(tmp_path / "one.db")) as one, Store(str(tmp_path / "batch.db")) as batch:
        assert [one.write(r) for r in docs] == [ADDED] * len(docs)
        edited = _edited(docs[5], 1)
        # a batch with a repeat, a new version of a document stored before, and a version within the batch
        statuses = batch.write_batch([*docs[:30], docs[3], edited])
        assert statuses == [ADDED] * 30 + [UNCHANGED, VERSION]
        assert batch.write_batch([*docs[30:], docs[0], _edited(docs[40], 2), _edited(docs[41], 3)]) == \
            [ADDED] * 30 + [UNCHANGED, VERSION, VERSION]
        assert [one.write(r) for r in (edited, _edited(docs[40], 2), _edited(docs[41], 3))] == [VERSION] * 3
        assert one.counts() == batch.counts()
        for r in docs[:10]:
            assert batch.document_counts(r.id) == r.counts()
        with one.engine.connect() as a, batch.engine.connect() as b:
            for table in (t.entities, t.entity_aliases, t.documents):
                cols = [col for col in table.c if col.name not in ("ingested_at",)]
                order = [col for col in table.primary_key.columns]
                assert a.execute(sa.select(*cols).order_by(*order)).all() == \
                    b.execute(sa.select(*cols).order_by(*order)).all(), table.name


def test_a_failed_batch_leaves_no_document_of_it(corpus, tmp_path, monkeypatch):
    with Store(str(tmp_path / "kb.db")) as store:
        store.write_batch(corpus[:5])
        before = store.counts()

        def boom(*args, **kwargs):
            raise RuntimeError("killed mid-batch")

        monkeypatch.setattr(loader, "_claims", boom)
        with pytest.raises(RuntimeError):
            store.write_batch(corpus[5:40])
        assert store.counts() == before == store.counts(exact=True)
        monkeypatch.undo()
        assert store.write_batch(corpus[5:40]) == [ADDED] * 35
        assert store.counts() == store.counts(exact=True)


def _incremental_equals_full(url_a: str, url_b: str, corpus: list[DocumentRows]) -> dict:
    """Ingest most of the corpus, then 10 more documents (two of them new versions) through the Loader
    (incremental), into a; all of it at once into b (full regroup). Their grouping must be equal."""
    first, rest = corpus[:-8], corpus[-8:]
    later = [*rest, _edited(corpus[10], 1), _edited(corpus[-20], 2)]
    with Store(url_a) as a, Store(url_b) as b:
        a.write_many(first)
        a.regroup()
        load = loader.Loader(a, documents=4)
        done = [status for r in later for _source, status in load.add(r.id, r)]
        flushed, counts = load.finish()
        done += [status for _source, status in flushed]
        assert sorted(done) == sorted([ADDED] * 8 + [VERSION] * 2)
        assert "regrouped_events" in counts  # it was incremental
        assert 0 < counts["regrouped_claims"] < a.counts()["claims"] // 4
        b.write_many([*first, *later])
        full = b.regroup()
        assert {k: counts[k] for k in full} == full
        assert _grouping(a) == _grouping(b)
        for store in (a, b):  # row counts kept by the triggers (COPY, upserts, regroups, new versions)
            assert store.counts() == store.counts(exact=True)
        return full


def test_incremental_grouping_equals_a_full_regroup(corpus, tmp_path):
    full = _incremental_equals_full(str(tmp_path / "a.db"), str(tmp_path / "b.db"), corpus)
    assert full["events"] > 100 and full["measures"] > 10


def test_incremental_grouping_falls_back_to_full_when_the_base_changed(corpus, tmp_path):
    with Store(str(tmp_path / "kb.db")) as store:
        store.write_many(corpus[:50])
        store.regroup()
        load = loader.Loader(store, documents=100)
        load.add("x", corpus[50])
        store.write(corpus[51])  # another writer meanwhile
        _, counts = load.finish()
        assert "regrouped_events" not in counts  # full
        with store.engine.connect() as conn:
            from claimgraph.store.grouping import is_stale

            assert not is_stale(conn)


@pytest.mark.postgres
def test_bulk_load_and_incremental_grouping_on_postgres(corpus, pg_url, tmp_path):  # noqa: F811
    """COPY and the staged upserts on PostgreSQL, grouped incrementally, equal SQLite's one-go result."""
    full = _incremental_equals_full(pg_url, str(tmp_path / "b.db"), corpus[:1500])
    assert full["events"] > 50


def _expected_claims(rows: list[DocumentRows], keep) -> list[str]:
    """Claim keys a filter keeps, in the knowledge base's order (undated last, first day, document, position,
    key), computed from the generated rows."""
    out = []
    for r in rows:
        published = r.document["published_start"]
        for c in r.claims:
            first = c["time_start"] or published
            last = c["time_end"] or published
            if keep(r, c, first, last):
                out.append((first is None, first or dt.date.min, r.id, c["evidence_start"], c["key"]))
    return [k[-1] for k in sorted(out)]


def test_questions_on_a_generated_base_are_right(tmp_path):
    rows = list(generate(10_000, seed=5))
    with Store(str(tmp_path / "kb.db")) as store:
        assert fill(store, 10_000, seed=5, batch=300) == len(rows)
        store.regroup()
        counts = store.counts()
        assert counts["claims"] == sum(len(r.claims) for r in rows) > 9000
        with KnowledgeBase(store) as kb:
            top = kb.actors(limit=5)
            assert [a["documents"] for a in top] == sorted((a["documents"] for a in top), reverse=True)
            actor = top[0]
            by_actor = _expected_claims(rows, lambda r, c, f, la: actor["id"] in c["subjects"] + c["objects"])
            assert actor["claims_as_subject"] + actor["claims_as_object"] >= len(by_actor) > 100
            assert [c["key"] for c in kb.claims(actor=actor["id"])] == by_actor
            assert [c["key"] for c in kb.claims(actor=actor["name"], limit=20)] == by_actor[:20]
            lo, hi = dt.date(2018, 3, 1), dt.date(2018, 5, 31)
            window = _expected_claims(rows, lambda r, c, f, la: c["predicate"] == "ASSAULT" and f is not None
                                      and la >= lo and f <= hi)
            assert len(window) > 20
            assert [c["key"] for c in kb.claims(predicate="assault", since="2018-03", until="2018-05")] == window
            since = _expected_claims(rows, lambda r, c, f, la: la is not None and la >= dt.date(2024, 6, 1))
            assert [c["key"] for c in kb.claims(since="2024-06", limit=30)] == since[:30]
            quoted = _expected_claims(rows, lambda r, c, f, la: c["modality"] == "quoted")
            assert [c["key"] for c in kb.claims(modality="quoted", limit=40)] == quoted[:40]
            place = rows[0].claims[0]["places"][0]
            there = _expected_claims(rows, lambda r, c, f, la: place in c["places"])
            assert [c["key"] for c in kb.claims(place=place)] == there
            outlet = rows[0].document["outlet"]
            from_outlet = _expected_claims(rows, lambda r, c, f, la: any(
                outlet.lower() in (r.document[k] or "").lower() for k in ("source", "title", "outlet", "url")))
            assert [c["key"] for c in kb.claims(source=outlet, limit=25)] == from_outlet[:25]
            # timeline: every event of the actor, each claim of the actor in exactly one of them
            events = kb.timeline(actor["id"])
            assert sum(e["claims"] for e in events) == len(by_actor)
            assert {s["claim"] for e in events for s in e["sources"]} == set(by_actor)
            days = [e["time"]["start"] or e["first_reported"] for e in events]
            assert days == sorted(days, key=lambda d: (d is None, d or ""))  # undated last
            assert kb.timeline(actor["id"], limit=7) == events[:7]
            # disagreements: every disagreeing measure, first page equals the head of the whole list
            everything = kb.disagreements()
            assert everything and all(len({v["value"] for v in m["values"]}) > 1 or not m["compatible"]
                                      for m in everything)
            assert kb.disagreements(limit=5) == everything[:5]
            assert kb.disagreements(limit=6, offset=4) == everything[4:10]
            # the home page's: most reported first (ordered in SQL, as it was sorted in Python; ties in period order)
            most = sorted(everything, key=lambda m: (-m["documents"], -m["distinct_values"], m["label"]))
            assert len({m["documents"] for m in most}) > 1
            assert kb.disagreements(most_reported=True, limit=12) == most[:12]
            assert kb.disagreements(most_reported=True) == most
            hits = kb.search("withdrew", limit=10)
            assert hits and all("withdrew" in h["text"] for h in hits)
            # every bench question runs
            import random

            for ask in questions(kb).values():
                ask(random.Random(1))


def test_pruned_clustering_gives_the_same_groups(corpus, tmp_path, monkeypatch):
    """cluster() skips groups that can no longer fit (grouping._DEAD): the same events and measures as
    comparing every item with every group."""
    import functools

    from claimgraph.store import grouping

    with Store(str(tmp_path / "pruned.db")) as pruned, Store(str(tmp_path / "plain.db")) as plain:
        pruned.write_many(corpus)
        plain.write_many(corpus)
        pruned.regroup()
        monkeypatch.setattr(grouping, "cluster", functools.partial(grouping.cluster, prune=False))
        plain.regroup()
        assert _grouping(pruned) == _grouping(plain)


def _group_rows(store: Store) -> dict[str, dict[int, tuple]]:
    """Every stored event and measure: id -> its whole row (id aside) with its members."""
    out = {}
    with store.engine.connect() as conn:
        for table, link, member in ((t.events, t.event_claims, "claim_id"), (t.measures, t.measure_values,
                                                                              "quantity_id")):
            fk = "event_id" if table is t.events else "measure_id"
            members = defaultdict(list)
            for owner, item in conn.execute(sa.select(link.c[fk], link.c[member])):
                members[owner].append(item)
            out[table.name] = {r.id: (tuple(tuple(v) if isinstance(v, list) else v for v in r[1:]),
                                      tuple(sorted(members[r.id])))
                               for r in conn.execute(sa.select(table))}
    return out


def test_incremental_grouping_rewrites_only_the_groups_that_change(tmp_path):
    """Ten more documents into a grouped base: every event and measure whose content the new documents do
    not change keeps its row (same id), including those of the blocks that were clustered again; only the
    changed ones are new rows. The result still equals a full regroup."""
    from claimgraph.bench_kb import more_documents

    base = list(generate(6000, seed=4))
    more = more_documents(6000, 4, 10)
    with Store(str(tmp_path / "a.db")) as a, Store(str(tmp_path / "b.db")) as b:
        a.write_many(base)
        a.regroup()
        before = _group_rows(a)
        load = loader.Loader(a)
        for r in more:
            load.add(r.id, r)
        _, counts = load.finish()
        after = _group_rows(a)
        assert counts["regrouped_claims"] > 0
        for table in ("events", "measures"):
            old_ids = {content: i for i, content in before[table].items()}
            new_rows = {i for i in after[table] if i not in before[table]}
            assert new_rows, table  # the new documents made or changed some groups
            for i, content in after[table].items():
                if content in old_ids:  # unchanged content: the very same row
                    assert old_ids[content] == i, table
                else:
                    assert i in new_rows, table
            assert len(new_rows) == counts[f"rewritten_{table}"] < len(after[table]) // 10
            gone = set(before[table]) - set(after[table])
            assert all(before[table][i] not in set(after[table].values()) for i in gone)
        b.write_many([*base, *more])
        b.regroup()
        assert _grouping(a) == _grouping(b)


def test_incremental_regroup_reclusters_only_the_figures_near_the_new_ones(tmp_path):
    """Reports all dated (no figure without a time): the incremental regroup clusters again only the figures
    that time and place link to the new ones (`grouping._reachable`), a small part of the blocks they fall
    in, and still equals a full regroup."""
    from claimgraph.bench_kb import more_documents
    from claimgraph.store.grouping import measure_block

    def dated(docs):
        return [r for r in docs if r.document["published_start"] is not None]

    more = dated(more_documents(6000, 5, 12))
    counts, quantities = _incremental_against_full(tmp_path, dated(generate(6000, seed=5)), more)
    new_docs = {r.document["id"] for r in more}
    touched = {measure_block(x) for x in quantities if x.document_id in new_docs}
    in_blocks = sum(1 for x in quantities if measure_block(x) in touched)
    assert 0 < counts["regrouped_figures"] < in_blocks // 4


@pytest.mark.parametrize("seed", [3, 18])
def test_incremental_regroup_with_undated_reports_equals_a_full_regroup(tmp_path, seed):
    """Dated and undated reports (figures with no time may join any measure their place fits): the
    incremental regroup widens only around measures that come out changed (`grouping._reachable`), here
    from a few figures to 139 of 557 here, and still equals a full regroup."""
    from claimgraph.bench_kb import more_documents

    base = list(generate(8000, seed=seed))
    assert any(r.document["published_start"] is None for r in base)
    counts, quantities = _incremental_against_full(tmp_path, base, list(more_documents(8000, seed, 15)))
    assert 0 < counts["regrouped_figures"] < len(quantities) // 2


def _incremental_against_full(tmp_path, base: list, more: list) -> tuple[dict, list]:
    """`base` written and grouped, then `more` ingested through a Loader (the incremental regroup), checked
    against `base` and `more` grouped in one full regroup (the same events, measures and edges); the
    incremental one's counts and the figures of its base."""
    with Store(str(tmp_path / "a.db")) as a, Store(str(tmp_path / "b.db")) as b:
        a.write_many(base)
        a.regroup()
        load = loader.Loader(a)
        for r in more:
            load.add(r.id, r)
        _, counts = load.finish()
        with a.engine.connect() as conn:
            quantities = conn.execute(sa.select(t.quantities)).all()
        b.write_many([*base, *more])
        b.regroup()
        assert _grouping(a) == _grouping(b)
    return counts, quantities


def test_timeless_figures_are_compared_only_with_the_measures_their_places_can_fit():
    """cluster's last pass finds the measures a figure with no time can fit through their first figure's
    places (grouping._PlaceIndex): the same measures as comparing it with every measure, on random blocks
    with nested places (towns in districts in provinces, their reach as place_reach gives it), places only
    NER found, countries alone, vague figures and many undated reports."""
    import random

    from claimgraph.store.grouping import _Item, _measure_time, _measure_window, cluster, place_reach

    chains = {f"T{d}{k}": (f"T{d}{k}", f"D{d}", "P", "S") for d in range(3) for k in range(3)}
    chains |= {f"D{d}": (f"D{d}", "P", "S") for d in range(3)} | {"P": ("P", "S"), "S": ("S",)}
    names = [*chains, "local:v1", "local:v2"]
    rng = random.Random(9)
    joined = 0
    for _ in range(80):
        items = []
        for i in range(rng.randrange(5, 70)):
            day = 738000 + rng.randrange(40)
            kind = rng.random()
            start, end, window = (day, day + rng.choice((0, 0, 2)), None) if kind < 0.5 else \
                (None, None, (day - 7, day + 1)) if kind < 0.7 else (None, None, None)
            places = frozenset(rng.sample(names, rng.choice((0, 1, 1, 1, 2))))
            item = _Item(i, f"doc{rng.randrange(12)}", start, end, window, places, {},
                         value=None if rng.random() < 0.15 else float(rng.choice((3, 10, 12, 30, 100))),
                         teller=rng.choice(("", "x")))
            item.reach = place_reach(places, chains, rng.choice(("T00", "D1", None)), frozenset({"S"}))
            item.coarse = bool(places) and places <= {"S"}
            items.append(item)
        indexed = cluster(items, _measure_time, _measure_window, measures=True)
        plain = cluster(items, _measure_time, _measure_window, measures=True, prune=False)
        assert [[i.id for i in g] for g in indexed] == [[i.id for i in g] for g in plain]
        joined += sum(1 for g in indexed if len(g) > 1 and any(i.kind == "none" for i in g))
    assert joined > 20  # timeless figures did join measures


def _plain_search(kb: KnowledgeBase, table: str, words: str, limit: int, newest: int | None = None) -> list[int]:
    """The search as plain queries: every match joined to its document for the latest-version check, the
    `newest` highest ids of those kept (None: all), ranked, the best `limit`."""
    with kb.engine.connect() as conn:
        if kb.store.dialect == "sqlite":
            q = " ".join(f'"{w}"' for w in words.split())
            sql = (f"SELECT s.id, {table}_fts.rank AS score FROM {table}_fts "
                   f"JOIN {table} s ON s.id = {table}_fts.rowid JOIN documents d ON d.id = s.document_id "
                   f"WHERE {table}_fts MATCH :q AND d.is_latest")
            desc = ""
        else:
            q = words
            sql = (f"SELECT s.id, ts_rank(s.search_vector, plainto_tsquery('english', :q)) AS score FROM {table} s "
                   "JOIN documents d ON d.id = s.document_id "
                   "WHERE s.search_vector @@ plainto_tsquery('english', :q) AND d.is_latest")
            desc = " DESC"
        if newest is not None:
            sql += f" ORDER BY s.id DESC LIMIT {int(newest)}"
        return list(conn.scalars(sa.text(f"SELECT id FROM ({sql}) m ORDER BY score{desc}, id LIMIT :n"),
                                 {"q": q, "n": limit}))


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_indexed_questions_answer_as_the_plain_queries(db, tmp_path, request, monkeypatch):
    """Search (ranked in a subquery), the timeline (ordered and paged in SQL) and --source (through the
    trigram index) give exactly the answers of the plain queries they replace, on a base where a seventh of
    the documents have a newer version."""
    from claimgraph.store import kb as kb_module

    rows = list(generate(5000, seed=9))
    url = str(tmp_path / "kb.db") if db == "sqlite" else request.getfixturevalue("pg_url")
    with Store(url) as store:
        if db == "postgres":  # three runs of ids in blocks 0, 2 and 5, so that search's windows span blocks
            for part, block in ((rows[:1500], 0), (rows[1500:3200], 2), (rows[3200:], 5)):
                next_ids_from(store, block * KnowledgeBase.SEARCH_BLOCK + 2)
                store.write_many(part)
        else:
            store.write_many(rows)
        store.write_many([_edited(r, i) for i, r in enumerate(rows[::7])])
        store.regroup()
        with KnowledgeBase(store) as kb:
            c, d = t.claims, t.documents
            with kb.engine.connect() as conn:
                sentences = conn.execute(sa.select(t.sentences.c.id, t.sentences.c.document_id,
                                                   t.sentences.c.idx)).all()
                keyed = dict(conn.execute(sa.select(c.c.id, c.c.key)).all())
            where = {(r.document_id, r.idx): r.id for r in sentences}
            # PostgreSQL takes the newest matches window by window of ids, in whole blocks: one window (the
            # default), and windows of 25 ids, so that the matches come from many windows and blocks
            windows = (KnowledgeBase.SEARCH_WINDOW, 25) if db == "postgres" else (KnowledgeBase.SEARCH_WINDOW,)
            asked = []  # PostgreSQL: the blocks each window asked for (None: the words alone, down to id 1)
            sa.event.listen(kb.engine, "before_cursor_execute", lambda conn, cursor, sql, params, *rest: asked.append(
                params.get("blocks")) if isinstance(params, dict) and "newest" in params else None)
            for words, window in itertools.product(
                    ("attacked", "killing civilians", "withdrew", "officials said", "no such words"), windows):
                kb.SEARCH_WINDOW = window
                everything = len(_plain_search(kb, "sentences", words, 10**9))
                for limit in (1, 20, 300):
                    # the default bound (every match of this base: the plain ranking of all), and fewer than match
                    for newest in (KnowledgeBase.SEARCH_NEWEST, 150, 7):
                        kb.SEARCH_NEWEST = newest
                        hits = kb.search(words, limit)
                        got = [where[(h["document"]["id"], h["sentence"])] for h in hits]
                        assert got == _plain_search(kb, "sentences", words, limit, newest), (words, limit, newest)
                        if newest == KnowledgeBase.SEARCH_NEWEST:
                            assert got == _plain_search(kb, "sentences", words, limit), (words, limit)
                        # it says what it ranked: every match, or the newest `newest` of more
                        assert hits.scope() == {"ranked": min(everything, newest) if got else 0, "newest": newest,
                                                "newest_only": bool(got) and everything >= newest}, (words, newest)
                        claims = kb.search_claims(words, limit)
                        plain = _plain_search(kb, "claims", words, limit, newest)
                        assert [h["key"] for h in claims] == [keyed[i] for i in plain], (words, limit, newest)
                        assert claims.ranked == min(len(_plain_search(kb, "claims", words, 10**9)), newest) \
                            if plain else claims.ranked == 0
                    del kb.SEARCH_NEWEST
            del kb.SEARCH_WINDOW
            if db == "postgres":  # windows of one block, of several, and the last one down to the first id
                assert {None, "'# 5'"} <= set(asked) and any(" | " in (b or "") for b in asked), set(asked)
            # the timeline: every event of an actor sorted in Python as before (time, else first report;
            # undated last; label; key), against pages of the SQL order
            ev, ee = t.events, t.event_entities
            with kb.engine.connect() as conn:
                events = conn.execute(sa.select(ev)).all()
                actors = defaultdict(set)
                for event_id, eid in conn.execute(sa.select(ee.c.event_id, ee.c.entity_id)
                                                  .where(ee.c.role.in_(["subject", "object"]))):
                    actors[eid].add(event_id)
            order = sorted(events, key=lambda r: ((1, "") if not (r.time_start or r.first_reported) else
                                                  (0, (r.time_start or r.first_reported).isoformat()),
                                                  r.label, r.key))
            ranked = sorted(actors, key=lambda a: (-len(actors[a]), a))
            monkeypatch.setattr(kb_module, "FEW_CLAIMS", 40)  # both ways of filtering by actor
            walks: list[int | None] = []  # each walk of the rarest entity's events (_walk_rarest): how many it needed
            walk = KnowledgeBase._walk_rarest
            monkeypatch.setattr(KnowledgeBase, "_walk_rarest", lambda self, *a: walks.append(a[-1]) or walk(self, *a))
            for actor in (ranked[0], ranked[1], ranked[len(ranked) // 2], ranked[-1]):
                mine = [r.key for r in order if r.id in actors[actor]]
                assert [e["key"] for e in kb.timeline(actor)] == mine
                assert [e["key"] for e in kb.timeline(actor, limit=7, offset=3)] == mine[3:10]
                both = [r.key for r in order if r.id in actors[actor] and r.id in actors[ranked[0]]]
                assert [e["key"] for e in kb.timeline(actor, with_=ranked[0])] == both
                # pages of two frequent actors (the rarer one's events walked in time order): every cut, ties
                # on a day included (the generated events share days), either actor first, with filters
                for first in range(0, 14):
                    assert [e["key"] for e in kb.timeline(actor, with_=ranked[0], limit=3, offset=first)] \
                        == both[first:first + 3], (actor, first)
                assert [e["key"] for e in kb.timeline(ranked[0], with_=actor, limit=5)] == both[:5]
                since = [r.key for r in order if r.id in actors[actor] and r.id in actors[ranked[0]]
                         and r.predicate == "ASSAULT" and (r.time_end or r.time_start or r.last_reported or dt.date.min)
                         >= dt.date(2018, 1, 1)]
                assert [e["key"] for e in kb.timeline(actor, with_=ranked[0], predicate="ASSAULT",
                                                       since="2018", limit=4)] == since[:4]
                assault = [r.key for r in order if r.id in actors[actor] and r.predicate == "ASSAULT"]
                assert [e["key"] for e in kb.timeline(actor, predicate="ASSAULT", limit=5)] == assault[:5]
            assert [e["key"] for e in kb.timeline(limit=25, offset=100)] == [r.key for r in order][100:125]
            assert walks and None in walks and 5 in walks  # whole (no limit) and paged walks were taken
            # the network: its kept edges (read along the rank index, cut inside a group of ties) against the
            # same filters summed over the claims, as a base that cannot be regrouped answers
            summed = KnowledgeBase.__new__(KnowledgeBase)
            summed.__dict__.update(kb.__dict__, grouped=False)
            assert kb.grouped
            for kwargs in ({}, {"max_edges": 1}, {"max_edges": 150}, {"max_edges": 150, "min_sources": 2},
                           {"predicate": ["ASSAULT", "protest"], "max_edges": 40}, {"predicate": "COERCE/deport"},
                           {"since": "2016", "until": "2017-06", "max_edges": 30}, {"actor": ranked[0]}):
                kept = kb.network(**kwargs)
                assert kept == summed.network(**kwargs), kwargs
                assert kept["edges"] or kwargs.get("predicate") == "COERCE/deport", kwargs
            assert kb.network(max_edges=150)["total_edges"] > 150
            # --source: through the index, against the scan of every document
            with kb.engine.connect() as conn:
                doc = conn.execute(sa.select(d.c.id, d.c.outlet).where(d.c.is_latest).limit(1)).one()
            word = doc.outlet.split()[0]
            values = [word.lower(), word.upper(), doc.outlet, "report 12", "ex", "%", doc.id, [word, "report 3"],
                      "example/2016", "no such outlet"]
            for few in (5, 1000):
                monkeypatch.setattr(kb_module, "FEW_DOCUMENTS", few)
                for value in values:
                    fast = [x["key"] for x in kb.claims(source=value, limit=60)]
                    with monkeypatch.context() as m:
                        m.setattr(KnowledgeBase, "_source_documents", lambda self, sources, named: (None, False))
                        assert fast == [x["key"] for x in kb.claims(source=value, limit=60)], value
            # the kept edges of each predicate answer only while they add up to the kept edges: after an edge
            # deleted by hand (not through the grouping) the page counts them
            ne = t.network_edges
            with kb.engine.begin() as conn:
                kept = network.edge_counts(conn)["ASSAULT"]
                assert kb.network(predicate="ASSAULT", max_edges=40)["total_edges"] == kept > 40
                conn.execute(sa.delete(ne).where(ne.c.id == conn.scalar(
                    sa.select(ne.c.id).where(ne.c.predicate == "ASSAULT").limit(1))))
            with kb.engine.connect() as conn:
                assert network.edge_counts(conn)["ASSAULT"] == kept
            assert kb.network(predicate="ASSAULT", max_edges=40)["total_edges"] == kept - 1


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_ways_of_filtering_by_an_entity_give_the_same_answers(db, tmp_path, request, monkeypatch):
    """An entity's claims and events found through their ids (few), a hashed subplan (PostgreSQL, up to
    PG_HASHED), or EXISTS along the time-order index (0: never hashed) are the same pages; so are --source's
    claims through their documents' claim ids (PostgreSQL) or the documents. A page is checked against the
    claims sorted here."""
    from claimgraph.store import kb as kb_module

    url = str(tmp_path / "kb.db") if db == "sqlite" else request.getfixturevalue("pg_url")
    with Store(url) as store:
        store.write_many(list(generate(4000, seed=12)))
        store.regroup()
        with KnowledgeBase(store) as kb, kb.engine.connect() as conn:
            c, ce, d = t.claims, t.claim_entities, t.documents
            ranked = list(conn.scalars(sa.select(ce.c.entity_id).group_by(ce.c.entity_id)
                                       .order_by(sa.func.count().desc(), ce.c.entity_id)))
            role = dict(conn.execute(sa.select(ce.c.entity_id, ce.c.role).distinct()).all())
            claims = conn.execute(sa.select(c.c.id, c.c.key, c.c.predicate, c.c.first_day, c.c.last_day,
                                            c.c.undated, c.c.document_id, c.c.evidence_start)).all()
            members = defaultdict(set)
            for claim_id, eid in conn.execute(sa.select(ce.c.claim_id, ce.c.entity_id)):
                members[eid].add(claim_id)
            outlet = conn.scalar(sa.select(d.c.outlet).limit(1))
        order = sorted(claims, key=lambda r: (r.undated, r.first_day, r.document_id, r.evidence_start, r.key))
        since = dt.date(2019, 1, 1)
        answers = defaultdict(list)
        for few, hashed in ((10**6, 10**6), (20, 10**6), (20, 0)):  # ids; hashed (PostgreSQL); EXISTS
            monkeypatch.setattr(kb_module, "FEW_CLAIMS", few)
            monkeypatch.setattr(kb_module, "PG_HASHED", hashed)
            for eid in (ranked[0], ranked[3], ranked[len(ranked) // 3]):
                place = role[eid] == "place"
                asked = kb.claims(place=eid, limit=30) if place else kb.claims(actor=eid, limit=30)
                mine = [r.key for r in order if r.id in members[eid]][:30]
                assert [x["key"] for x in asked] == mine, (eid, few, hashed)
                if not place:
                    narrow = [x["key"] for x in kb.claims(actor=eid, predicate="ASSAULT", since="2019", limit=20)]
                    assert narrow == [r.key for r in order if r.id in members[eid] and r.predicate == "ASSAULT"
                                      and not r.undated and r.last_day >= since][:20], (eid, few, hashed)
                    answers[eid].append((narrow, [e["key"] for e in kb.timeline(eid, limit=15, offset=2)]))
        assert all(len(set(map(repr, pages))) == 1 for pages in answers.values())  # the timeline too
        assert len(answers) >= 2 and all(pages[0][1] for pages in answers.values())
        for few_documents in (0, 10**6):  # through the documents' claims (PostgreSQL) or along the index
            monkeypatch.setattr(kb_module, "FEW_DOCUMENTS", few_documents)
            answers["source"].append([x["key"] for x in kb.claims(source=outlet, limit=40)])
        assert answers["source"][0] == answers["source"][1] and len(answers["source"][0]) == 40


def _answers(store: Store) -> dict:
    """Every bench question's answer (same draws), JSON-ready."""
    import random

    with KnowledgeBase(store, regroup=False) as kb:
        return {name: ask(random.Random(5)) for name, ask in questions(kb).items()}


def _pg_schema(store: Store) -> tuple[set, set]:
    """A PostgreSQL base's index definitions and constraints (name, table, definition)."""
    with store.engine.connect() as conn:
        indexes = set(conn.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes "
                                           "WHERE schemaname = current_schema()")).all())
        constraints = set(conn.execute(sa.text(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace")).all())
    return indexes, constraints


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_copied_base_answers_as_the_original(db, tmp_path, request):
    """bench_kb --copy-from: the generated, grouped base copied table by table (COPY on PostgreSQL) keeps its
    rows, its grouping (no regroup needed), its kept counts (the target's triggers count the copy) and every
    answer; a later write gets a new id (the id sequences were moved past the copied ids)."""
    from claimgraph.bench_kb import copy_base, more_documents

    url = str(tmp_path / "copy.db") if db == "sqlite" else request.getfixturevalue("pg_url")
    rows = list(generate(3000, seed=4))
    with Store(str(tmp_path / "kb.db")) as source, Store(url) as target:
        source.write_many(rows[:-40])
        source.write_many([_edited(r, i) for i, r in enumerate(rows[:-40:9])])  # old versions in it
        source.regroup()
        copied = copy_base(source, target)
        assert copied["claims"] == source.counts()["claims"] > 2000
        if db == "postgres":  # the indexes and foreign keys dropped for the copy are all there again, as built
            with Store(request.getfixturevalue("pg_url")) as fresh:
                assert _pg_schema(target) == _pg_schema(fresh)
                assert len(_pg_schema(fresh)[0]) > 40 and len(_pg_schema(fresh)[1]) > 30
        assert target.counts() == target.counts(exact=True) == source.counts(exact=True)
        assert target.grouping_marker() is not None  # current: nothing to regroup
        copy_answers, answers = _answers(target), _answers(source)
        if db == "postgres":  # search ranks by ts_rank there, by bm25 on SQLite: other orders
            for name in ("search", "search claims"):
                assert len(copy_answers.pop(name)) == len(answers.pop(name))
        assert copy_answers == answers
        with pytest.raises(SystemExit, match="not empty"):
            copy_base(source, target)
        for store in (source, target):  # the next rows get the same new ids on both
            load = loader.Loader(store)
            for r in more_documents(3000, 4, 3):
                load.add(r.source, r)
            load.finish()
        assert target.counts(exact=True) == source.counts(exact=True)
        assert _grouping(target) == _grouping(source)


def test_a_name_with_no_claims_and_the_kept_latest_count(tmp_path):
    """An entity named in no claim's role asked for: no claims (an empty id list is `false`, not `IN ()`); the
    latest-documents figure of stats() is kept by triggers through new versions and deletes (0010_kbscale)."""
    rows = list(generate(300, seed=6))
    with Store(str(tmp_path / "kb.db")) as store:
        store.write_many(rows)
        store.write_many([_edited(r, i) for i, r in enumerate(rows[:5])])
        with store.engine.connect() as conn:
            conn.execute(sa.insert(t.entities).values(id="local:person:nobody", name="Nobody", type="person",
                                                      is_local=True, mention_count=0, document_count=0))
            conn.commit()
        with KnowledgeBase(store) as kb:
            assert kb.claims(actor="local:person:nobody") == []
            assert kb.claims(place="local:person:nobody", limit=5) == []
            assert kb.stats()["latest_documents"] == len(rows) == store.counts(exact=True)["latest_documents"]
        assert store.delete_document(rows[0].id)  # an old version: the latest count stays
        assert store.delete_document(rows[-1].id)  # a latest one: one fewer
        assert store.counts()["latest_documents"] == len(rows) - 1 == store.counts(exact=True)["latest_documents"]


def test_the_generator_resumes_where_it_stopped(tmp_path):
    """A bench run stopped while generating, started again: the same documents are made (same seed), those
    already stored are skipped, the rest are written; the base equals one filled in one go."""
    with Store(str(tmp_path / "a.db")) as a, Store(str(tmp_path / "b.db")) as b:
        fill(a, 1500, seed=8, batch=50)
        partial = list(generate(1500, seed=8))[:60]  # what a run killed after its first batches wrote
        b.write_many(partial)
        fill(b, 1500, seed=8, batch=50)
        assert b.counts(exact=True) == a.counts(exact=True)
        assert b.document_ids() == a.document_ids()


def test_a_page_of_claims_is_the_slice_of_all_of_them(tmp_path, monkeypatch):
    """kb.claims(limit, offset) checks the latest version on the first matching claims only, widening when
    old versions leave the page short: every page equals the slice of the whole answer (a third of the
    documents have a newer version; rounds of 1 and a floor of 64 claims force the widening)."""
    from claimgraph.store import kb as kb_module

    rows = list(generate(2500, seed=12))
    with Store(str(tmp_path / "kb.db")) as store:
        store.write_many(rows)
        store.write_many([_edited(r, i) for i, r in enumerate(rows[::3])])
        with KnowledgeBase(store, regroup=False) as kb:
            kb.PAGE_ROUND = 1
            actor = kb.actors(limit=1)[0]["id"]
            place = rows[0].claims[0]["places"][0]
            for few in (10_000, 3):  # an entity's claims fetched by id, and checked per claim
                monkeypatch.setattr(kb_module, "FEW_CLAIMS", few)
                for filters in ({}, {"actor": actor}, {"place": place}, {"predicate": "ASSAULT", "since": "2016"},
                                {"modality": "quoted"}, {"source": rows[1].document["outlet"]},
                                # a short list of claims or documents with filters checked on each (_unindexed)
                                {"actor": actor, "predicate": "ASSAULT", "since": "2016"},
                                {"place": place, "until": "2021"},
                                {"source": rows[1].document["outlet"], "modality": ["quoted", "asserted"]}):
                    everything = [c["key"] for c in kb.claims(**filters)]
                    assert len(everything) > 10, filters
                    for offset, limit in ((0, 1), (0, 50), (7, 30), (len(everything) - 3, 10), (0, 10_000)):
                        page = [c["key"] for c in kb.claims(**filters, limit=limit, offset=offset)]
                        assert page == everything[offset:offset + limit], (filters, offset, limit)


def test_search_without_and_with_replaced_versions(tmp_path):
    """Search leaves out replaced versions only when the kept counts say there are some: on a base with none,
    and after a new version of one document, it answers as the plain query (newest matches of the latest
    versions, ranked)."""
    rows = list(generate(2000, seed=14))
    with Store(str(tmp_path / "kb.db")) as store:
        store.write_many(rows)
        with KnowledgeBase(store, regroup=False) as kb:
            for replaced in (False, True):
                if replaced:
                    hits = kb.search("attacked", 5)
                    newest = max(hits, key=lambda h: h["document"]["id"])["document"]["id"]
                    store.write(_edited(next(r for r in rows if r.id == newest), 0))
                counts = store.counts()
                assert (counts["documents"] > counts["latest_documents"]) == replaced
                for words in ("attacked", "officials said", "withdrew"):
                    for newest_n in (KnowledgeBase.SEARCH_NEWEST, 40):
                        kb.SEARCH_NEWEST = newest_n
                        with kb.engine.connect() as conn:
                            where = {(r.document_id, r.idx): r.id for r in conn.execute(sa.select(
                                t.sentences.c.id, t.sentences.c.document_id, t.sentences.c.idx))}
                        got = [where[(h["document"]["id"], h["sentence"])] for h in kb.search(words, 25)]
                        assert got and got == _plain_search(kb, "sentences", words, 25, newest_n), (words, replaced)


def test_further_accounts_compares_only_the_hosts_a_figure_can_fit(monkeypatch):
    """further_accounts finds the hosts of a lone report's figures through their time (grouping._Hosts):
    the same measures as comparing them with every host, on random blocks of figures where reports give
    several speakers' values (so that lone groups do move, and hosts are filed again after taking them)."""
    import random

    from claimgraph.store import grouping
    from claimgraph.store.grouping import _Item, _measure_time, _measure_window, cluster

    moves = []
    moved = grouping._Hosts.moved
    monkeypatch.setattr(grouping._Hosts, "moved", lambda self, host: (moves.append(1), moved(self, host))[1])
    rng = random.Random(4)
    for _ in range(60):
        items = []
        for i in range(rng.randrange(5, 60)):
            day = 738000 + rng.randrange(25)
            kind = rng.random()
            start, end, window = (day, day + rng.choice((0, 0, 1, 3)), None) if kind < 0.7 else \
                (None, None, (day - 3, day)) if kind < 0.9 else (None, None, None)
            place = frozenset({rng.choice("AB")})
            items.append(_Item(i, f"doc{rng.randrange(8)}", start, end, window, place, {},
                               value=float(rng.choice((10, 11, 12, 14, 40))), reach=place,
                               teller=rng.choice(("", "x", "y"))))
        pruned = cluster(items, _measure_time, _measure_window, measures=True)
        plain = cluster(items, _measure_time, _measure_window, measures=True, prune=False)
        assert [[i.id for i in g] for g in pruned] == [[i.id for i in g] for g in plain]
    assert len(moves) > 20


def test_the_bench_p95_is_the_nearest_rank():
    """bench_kb's p95: the ceil(0.95 n)-th smallest value (of 20 askings the 19th, not the slowest)."""
    from claimgraph.bench_kb import _p95

    assert _p95([float(v) for v in range(20, 0, -1)]) == 19.0
    assert _p95([float(v) for v in range(1, 101)]) == 95.0
    assert _p95([3.0, 1.0]) == 3.0 and _p95([7.0]) == 7.0
