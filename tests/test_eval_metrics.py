"""Every metric of `claimgraph eval` on small hand-built cases, numbers computed by hand (docs/metrics.md).

No model and no gold data needed: system outputs are hand-written JSON dicts shaped like `extract`'s.
"""

from __future__ import annotations

import pytest

from claimgraph.evaluate import isaf, plover, re3d, seed
from claimgraph.evaluate.metrics import (
    accuracy,
    f1,
    fmt,
    m_count,
    m_prf,
    m_prf_counts,
    m_ratio,
    overlaps,
    precision,
    ratio,
    recall,
)
from claimgraph.evaluate.run import Outcome

# ----------------------------------------------------------------------------------------- shared metrics


def test_ratio_and_its_empty_case():
    assert ratio(1, 4) == 0.25
    assert ratio(0, 3) == 0.0
    assert ratio(0, 0) is None  # undefined, not 0 or 1
    with pytest.raises(ValueError):
        ratio(3, 2)


def test_precision_recall_f1_by_hand():
    # 3 system mentions, 2 right; 4 gold, 1 found: P 2/3, R 1/4, F1 = 2PR/(P+R) = (1/3)/(11/12) = 4/11
    p, r = precision(2, 3), recall(1, 4)
    assert p == pytest.approx(2 / 3)
    assert r == 0.25
    assert f1(p, r) == pytest.approx(4 / 11)


def test_prf_empty_conventions():
    # empty predictions, some gold: P undefined, R 0, F1 0
    m = m_prf("x", 0, 0, 0, 4)
    assert (m["precision"], m["recall"], m["f1"]) == (None, 0.0, 0.0)
    # empty gold, some predictions: P 0, R undefined, F1 0
    m = m_prf("x", 0, 3, 0, 0)
    assert (m["precision"], m["recall"], m["f1"]) == (0.0, None, 0.0)
    # both empty: all undefined
    m = m_prf("x", 0, 0, 0, 0)
    assert (m["precision"], m["recall"], m["f1"]) == (None, None, None)
    # both defined and zero
    assert f1(0.0, 0.0) == 0.0


def test_prf_counts_pairs_one_to_one():
    m = m_prf_counts("x", tp=2, fp=1, fn=0)
    assert (m["matched_sys"], m["n_sys"], m["matched_gold"], m["n_gold"]) == (2, 3, 2, 2)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == 1.0
    assert m["f1"] == pytest.approx(0.8)


def test_accuracy_and_records():
    assert accuracy([True, False, True, True]) == 0.75
    assert accuracy([]) is None
    assert m_ratio("a", 1, 2) == {"kind": "ratio", "label": "a", "value": 0.5, "num": 1, "den": 2}
    assert m_count("c", 3)["value"] == 3
    assert fmt(None) == "n/a"
    assert fmt(0.5) == "0.50"


def test_span_overlap_is_half_open():
    assert overlaps((0, 5), (4, 6))
    assert not overlaps((0, 5), (5, 6))  # touching is not overlapping
    assert not overlaps((3, 3), (0, 10))  # an empty span overlaps nothing
    assert overlaps((2, 3), (0, 10))


# ----------------------------------------------------------------------------------------- seed

SEED_TEXT = "Alpha attacked Beta. Beta said Gamma helped Alpha."
#            0    5        15  19 21  25    31   36     44   49

SEED_GOLD = {
    "entities": [
        {"key": "A", "mentions": ["Alpha"]},
        {"key": "B", "mentions": ["Beta"]},
        {"key": "G", "mentions": ["Gamma"]},
    ],
    "claims": [
        {"subject": "A", "predicate": ["ASSAULT"], "object": "B", "anchor": "Alpha attacked Beta", "must": True},
        {"subject": "G", "predicate": ["AID", "SUPPORT"], "object": "A", "anchor": "Gamma helped Alpha",
         "must": False},
    ],
    "findings": [
        {"code": "claim.uncited_figure", "anchor": "Beta said", "must": True},
        {"code": "reference.unused", "anchor": "not in the text", "references": ["2"], "must": True},
    ],
}


def seed_system(text: str = SEED_TEXT) -> dict:
    return {
        "document": {"text": text},
        "entities": [
            {"id": "e1", "mentions": [{"start": 0, "end": 5}, {"start": 44, "end": 49}]},
            {"id": "e2", "mentions": [{"start": 15, "end": 19}]},
            {"id": "e3", "mentions": [{"start": 21, "end": 25}]},  # a second id for B: a split
        ],
        "claims": [
            {"subject": ["e1"], "predicate": "ASSAULT", "object": ["e2"], "evidence": {"start": 0, "end": 20}},
            {"subject": ["e3"], "predicate": "SUPPORT", "object": ["e1"], "evidence": {"start": 21, "end": 50}},
        ],
        "findings": [
            {"code": "claim.uncited_figure", "severity": "warning", "evidence": {"start": 21, "end": 30},
             "references": []},
            {"code": "reference.unused", "severity": "info", "evidence": {"start": 0, "end": 1},
             "references": ["2"]},
            {"code": "citation.unresolved", "severity": "error", "evidence": {"start": 0, "end": 5},
             "references": []},
        ],
    }


def test_seed_counts_by_hand():
    c = seed.score_document(SEED_GOLD, seed_system())
    # A (e1) and B (e2, e3) found, G not: 2/3
    assert (c["entities_found"], c["entities_gold"]) == (2, 3)
    # gold spans Alpha, Beta, Beta, Gamma, Alpha: all linked but Gamma
    assert (c["mentions_linked"], c["mentions_gold"]) == (4, 5)
    assert c["splits"] == ["B"]
    # claim 1 matched; claim 2's subject maps to B, not G
    assert (c["claims_must"], c["claims_must_gold"], c["claims_stretch"], c["claims_stretch_gold"]) == (1, 1, 0, 1)
    assert c["system_claims"] == 2
    # finding 1 near its anchor, finding 2 by its reference; the error finding is unmatched
    assert (c["findings_must"], c["findings_must_gold"]) == (2, 2)
    assert (c["findings_stretch"], c["findings_stretch_gold"]) == (0, 0)
    assert c["unmatched_findings"] == 1
    s = seed.seed_summary(c)
    assert s == {"entities": pytest.approx(2 / 3), "linking": 0.8, "claims_must": 1.0, "findings_must": 1.0,
                 "unmatched_findings": 1}


def test_seed_folds_markdown_and_case():
    text = "**alpha** attacked  BETA."
    gold = {"entities": [{"key": "A", "mentions": ["Alpha"]}], "claims": [], "findings": []}
    sysj = {"document": {"text": text}, "entities": [{"id": "x", "mentions": [{"start": 2, "end": 7}]}]}
    c = seed.score_document(gold, sysj)
    assert (c["entities_found"], c["mentions_linked"], c["mentions_gold"]) == (1, 1, 1)


def test_seed_empty_system_and_empty_gold():
    c = seed.score_document(SEED_GOLD, {"document": {"text": SEED_TEXT}})
    assert (c["entities_found"], c["mentions_linked"], c["claims_must"], c["findings_must"]) == (0, 0, 0, 0)
    assert (c["entities_gold"], c["mentions_gold"], c["unmatched_findings"]) == (3, 5, 0)
    assert seed.seed_summary(c)["linking"] == 0.0
    c = seed.score_document({"entities": [], "claims": [], "findings": []}, seed_system())
    s = seed.seed_summary(c)
    # score_seed.py's conventions: no must item -> 1.0, no gold mention -> 0.0
    assert (s["entities"], s["linking"], s["claims_must"], s["findings_must"]) == (None, 0.0, 1.0, 1.0)
    assert s["unmatched_findings"] == 2  # the warning and the error; the info finding is not counted


def test_seed_section_sums_documents():
    golds = [{"gold": SEED_GOLD, "gold_path": "a.gold.json", "text_path": "a.txt"}] * 2
    out = seed.score(golds, [Outcome("a", json=seed_system()), Outcome("b", json=seed_system())])
    m = out["metrics"]
    assert (m["entities_found"]["num"], m["entities_found"]["den"]) == (4, 6)
    assert m["mention_linking"]["value"] == 0.8
    assert m["unmatched_findings"]["value"] == 2
    assert len(out["documents"]) == 2


# ----------------------------------------------------------------------------------------- ISAF


def q(value, what, whom=None, start=None, low=None):
    return {"value": value, "low": low, "what": what, "whom": whom, "start": start,
            "end": None if start is None else start + 3}


def test_isaf_system_counts():
    sysj = {"claims": [
        {"quantities": [q(2, "killed", "insurgents", start=0), q(4, "detained", start=10)]},
        {"quantities": [q(2, "killed", "insurgents", start=0)]},  # the same figure again: counted once
        {"quantities": [q(None, "killed", "civilians", start=20, low=3),  # "several" = low 3; civilians count
                        q(1, "security personnel killed", start=30),  # own forces: not counted
                        q(2, "wounded", start=40), q(1, "arrested", start=50)]},
    ]}
    assert isaf.system_killed(sysj) == 5
    assert isaf.system_captured(sysj) == 5
    assert isaf.system_killed({}) == 0


def test_isaf_date_first_claim_time_else_published():
    doc = {"document": {"published": "2011-02-21"}}
    assert isaf.system_date({**doc, "claims": [{"time": None}, {"time": {"start": "2011-02-19"}}]}) == "2011-02-19"
    assert isaf.system_date({**doc, "claims": [{}]}) == "2011-02-21"
    assert isaf.system_date({}) is None


def test_isaf_normalisers():
    assert isaf.norm_province("Paktiya Province") == "paktya"
    assert isaf.norm_province("Sar-e Pul") == "sar e pul"
    assert isaf.norm_province("HELMAND") == "helmand"
    assert isaf.norm_group("the Haqqani Network") == "haqqani network"
    assert isaf.norm_group("al-Qaeda") == "al qaeda"
    assert isaf.gold_groups(["aq;taliban", "", "criminal"]) == ["aq", "taliban"]


def test_isaf_place_and_group_matching():
    sysj = {"entities": [
        {"id": "PAKTIA", "name": "Paktia Province", "type": "place", "mentions": [{"text": "Paktiya"}]},
        {"id": "x", "name": "Helmand", "type": "person", "mentions": []},  # wrong type: not a province
        {"id": "g1", "name": "Al Qaeda", "type": "armed_group", "mentions": [{"text": "al-Qaeda"}]},
    ]}
    assert isaf.provinces_found(["paktya", "helmand", ""], sysj) == [True, False]
    assert isaf.groups_found(["aq;taliban", ""], sysj) == [True, False]


def isaf_gold(killed, captured=0, date="2011-01-01", province="", group=("",)):
    return {"min_killed": killed, "min_captured": captured, "start_date": date,
            "province": [province], "target_group": list(group)}


def isaf_sys(killed=0, date=None, entities=()):
    quants = [q(killed, "killed", "insurgents", start=0)] if killed else []
    claims = [{"quantities": quants, "time": {"start": date} if date else None}]
    return {"document": {}, "claims": claims, "entities": list(entities)}


def test_isaf_section_by_hand():
    # killed gold (0, 2, 3, 0) vs system (0, 2, 1, 4): presence TP 2 FP 1 FN 0; exact 1 of 3 scored records
    golds = [isaf_gold(0, province="kunar", group=("taliban",)), isaf_gold(2), isaf_gold(3), isaf_gold(0)]
    kunar = {"id": "KUNAR", "name": "Kunar Province", "type": "place", "mentions": []}
    taliban = {"id": "T", "name": "Taliban", "type": "armed_group", "mentions": []}
    outs = [Outcome("1", json=isaf_sys(0, "2011-01-01", [kunar, taliban])), Outcome("2", json=isaf_sys(2)),
            Outcome("3", json=isaf_sys(1)), Outcome("4", json=isaf_sys(4))]
    m = isaf.score(golds, outs)["metrics"]
    kp = m["killed_presence"]
    assert (kp["matched_sys"], kp["n_sys"], kp["matched_gold"], kp["n_gold"]) == (2, 3, 2, 2)
    assert (m["killed_exact"]["num"], m["killed_exact"]["den"]) == (1, 3)
    # captured: gold all 0, system all 0 -> nothing to score anywhere
    cp = m["captured_presence"]
    assert (cp["precision"], cp["recall"], cp["f1"]) == (None, None, None)
    assert m["captured_exact"]["value"] is None
    assert (m["event_date"]["num"], m["event_date"]["den"]) == (1, 4)
    assert (m["province"]["num"], m["province"]["den"]) == (1, 1)
    assert (m["armed_group"]["num"], m["armed_group"]["den"]) == (1, 1)


def test_isaf_failed_record_scores_as_empty():
    m = isaf.score([isaf_gold(2)], [Outcome("1", error="RuntimeError: x")])["metrics"]
    assert (m["killed_presence"]["recall"], m["killed_presence"]["precision"]) == (0.0, None)
    assert m["killed_exact"]["value"] == 0.0
    assert m["event_date"]["value"] == 0.0


# ----------------------------------------------------------------------------------------- PLOVER


def test_plover_gold_codes():
    assert plover.gold_event("FIGHT") == "ASSAULT"
    assert plover.gold_event("agree") == "AGREE"
    assert plover.gold_countries([{"code": "JAP"}, {"code": "IGO"}, {"code": "ISR"}]) == {"JPN", "ISR"}
    assert plover.gold_countries(None) == set()
    assert plover.gold_countries("diplomatic") == set()
    assert plover.gold_sectors([{"code": "TUR", "sector": "REBkur"}, {"code": "X", "sector": "***"}]) == {"REB"}
    assert plover.predicate_of({"predicate": "assault/firearms"}) == "ASSAULT"


def test_plover_section_by_hand():
    golds = [
        {"event": "FIGHT", "source": [{"code": "ISR"}], "target": [{"code": "PSE", "sector": "CVL"}]},
        {"event": "AGREE", "source": [{"code": "IGO"}], "target": None},
        {"event": "AGREE", "source": [{"code": "JAP", "sector": "GOV"}], "target": ""},
    ]
    s1 = {"entities": [{"id": "ISR", "type": "state"}, {"id": "x1", "type": "population", "country": "PSE"}],
          "claims": [{"predicate": "COERCE"},
                     {"predicate": "ASSAULT/firearms", "subject": ["ISR"], "object": ["x1"]}]}
    s3 = {"entities": [{"id": "JPN_GOV", "type": "government", "country": "JPN"}],
          "claims": [{"predicate": "AGREE", "subject": ["JPN_GOV"], "object": []}]}
    outs = [Outcome("1", json=s1), Outcome("2", json={"claims": [], "entities": []}), Outcome("3", json=s3)]
    m = plover.score(golds, outs)["metrics"]
    assert (m["event_among_claims"]["num"], m["event_among_claims"]["den"]) == (2, 3)
    assert (m["event_first_claim"]["num"], m["event_first_claim"]["den"]) == (1, 3)
    assert (m["source_country"]["num"], m["source_country"]["den"]) == (2, 2)  # IGO is not scored
    assert (m["source_sector"]["num"], m["source_sector"]["den"]) == (1, 1)
    assert (m["target_country"]["num"], m["target_country"]["den"]) == (1, 1)
    assert (m["target_sector"]["num"], m["target_sector"]["den"]) == (1, 1)


def test_plover_sector_from_person_sector_and_mention_facet_inside_the_evidence():
    golds = [{"event": "ASSAULT", "source": [{"code": "ISR", "sector": "MIL"}],
              "target": [{"code": "PSE", "sector": "GOV"}]}]
    army = {"id": "ISR", "type": "state", "mentions": [{"start": 0, "end": 7, "facet": "military"},
                                                       {"start": 50, "end": 57, "facet": "government"}]}
    leader = {"id": "p1", "type": "person", "sector": "government", "mentions": [{"start": 20, "end": 30}]}
    claim = {"predicate": "ASSAULT", "subject": ["ISR"], "object": ["p1"], "evidence": {"start": 0, "end": 40}}
    m = plover.score(golds, [Outcome("1", json={"entities": [army, leader], "claims": [claim]})])["metrics"]
    assert (m["source_sector"]["num"], m["target_sector"]["num"]) == (1, 1)
    # the military facet is outside this claim's evidence: the state acts as itself (GOV), not MIL
    claim2 = dict(claim, evidence={"start": 45, "end": 60})
    m = plover.score(golds, [Outcome("1", json={"entities": [army, leader], "claims": [claim2]})])["metrics"]
    assert m["source_sector"]["num"] == 0


def test_plover_empty_predictions_and_empty_gold():
    m = plover.score([{"event": "AGREE", "source": [{"code": "USA", "sector": "GOV"}], "target": None}],
                     [Outcome("1", json={"claims": [], "entities": []})])["metrics"]
    assert (m["event_among_claims"]["value"], m["event_first_claim"]["value"]) == (0.0, 0.0)
    assert (m["source_country"]["value"], m["source_sector"]["value"]) == (0.0, 0.0)
    assert m["target_country"]["value"] is None  # no gold target: undefined
    assert plover.score([], [])["metrics"]["event_among_claims"]["value"] is None


# ----------------------------------------------------------------------------------------- re3d


def test_re3d_offset_mapper_white_space_and_edits():
    same = re3d.offset_mapper("ab cd", "ab cd")
    assert same(3, 5) == (3, 5)
    m = re3d.offset_mapper("Alpha beta\n\ngamma", "Alpha beta\ngamma")
    assert m(12, 17) == (11, 16)
    assert m(5, 7) == (6, 7)  # the span's aligned characters only: " \n" maps nowhere, "b" to 6
    assert m(10, 12) is None  # only white space
    d = re3d.offset_mapper("Alpha, beta gamma", "Alpha beta gamma")  # a character the gold lacks
    assert d(12, 17) == (11, 16)


def test_re3d_entities_by_type_by_hand():
    gold = [((0, 3), "Organisation"), ((10, 15), "Location"), ((30, 36), "Nationality"), ((40, 45), "Person")]
    mentions = [((0, 3), "armed_group"), ((10, 15), "state"), ((20, 25), "person"), ((30, 36), "state"),
                ((50, 55), "other")]
    c = re3d.score_entities(gold, mentions)
    assert c["Organisation"] == [1, 1, 1, 1]
    assert c["Location"] == [1, 1, 1, 1]
    assert c["Nationality"] == [1, 1, 1, 1]  # the state mention of a demonym counts for Nationality
    assert c["Person"] == [0, 1, 0, 1]  # a person mention on no gold entity; the gold person missed
    assert c["untyped"] == [3, 5, 3, 4]


def test_re3d_common_noun_population_is_a_group_not_a_nationality():
    same = re3d.offset_mapper("x" * 60, "x" * 60)
    system = {"entities": [{"id": "p", "type": "population", "mentions": [
        {"start": 0, "end": 9, "how": "common"},  # "civilians"
        {"start": 20, "end": 26, "how": "demonym"},  # "Xian" used of a people
        {"start": 40, "end": 44, "how": "pronoun"}]}]}  # "they"
    mentions = re3d.system_mentions(system, same)
    assert [t for _, t in mentions] == [re3d.GROUP, "population", re3d.GROUP]
    gold = [((0, 9), "Organisation"), ((20, 26), "Nationality")]
    c = re3d.score_entities(gold, mentions)
    assert c["Nationality"] == [1, 1, 1, 1]  # the demonym alone; "civilians" and "they" are no nationality
    assert c["Organisation"] == [1, 2, 1, 1]  # a group of people is re3d's Organisation: hit, and "they" missed


def test_re3d_entities_empty_cases():
    c = re3d.score_entities([((0, 3), "Person")], [])
    assert c["Person"] == [0, 0, 0, 1]
    c = re3d.score_entities([], [((0, 3), "person")])
    assert c["Person"] == [0, 1, 0, 0]
    assert c["untyped"] == [0, 1, 0, 0]


def test_re3d_relations_either_direction_and_evidence_window():
    system = {"entities": [{"id": "e1", "mentions": [{"start": 0, "end": 3}, {"start": 100, "end": 103}]},
                           {"id": "e2", "mentions": [{"start": 10, "end": 15}, {"start": 105, "end": 108}]}],
              "claims": [{"predicate": "ASSAULT", "subject": ["e1"], "object": ["e2"],
                          "evidence": {"start": 0, "end": 20}},
                         {"predicate": "COOPERATE", "subject": ["e1"], "object": ["e2"],
                          "evidence": {"start": 95, "end": 110}}]}
    sides = re3d.claim_sides(system, lambda s, e: (s, e))
    assert sides[0] == ("ASSAULT", [(0, 3)], [(10, 15)])
    assert sides[1] == ("COOPERATE", [(100, 103)], [(105, 108)])
    assert re3d.relation_found(("FightingAgainst", (10, 15), (0, 3)), sides)  # the other way round
    assert not re3d.relation_found(("AlliesOf", (0, 3), (10, 15)), sides)  # the ally claim is elsewhere
    assert re3d.relation_found(("AlliesOf", (100, 103), (105, 108)), sides)
    assert not re3d.relation_found(("BelongsTo", (0, 3), (10, 15)), sides)


def test_re3d_section_by_hand():
    text = "Alpha fought Beta in Gamma."
    gold = {"text": text, "entities": [((0, 5), "Organisation"), ((13, 17), "Organisation"), ((21, 26), "Location")],
            "relations": [("FightingAgainst", (0, 5), (13, 17)), ("AlliesOf", (0, 5), (21, 26))]}
    system = {"document": {"text": text},
              "entities": [{"id": "a", "type": "armed_group", "mentions": [{"start": 0, "end": 5}]},
                           {"id": "b", "type": "person", "mentions": [{"start": 13, "end": 17}]}],
              "claims": [{"predicate": "ASSAULT", "subject": ["a"], "object": ["b"],
                          "evidence": {"start": 0, "end": 27}}]}
    m = re3d.score([gold], [Outcome("d", json=system)])["metrics"]
    org = m["entity_organisation"]
    assert (org["precision"], org["recall"]) == (1.0, 0.5)
    assert m["entity_person"]["precision"] == 0.0 and m["entity_person"]["recall"] is None
    assert m["entity_location"]["recall"] == 0.0 and m["entity_location"]["precision"] is None
    al = m["entity_all_types"]
    assert (al["matched_sys"], al["n_sys"], al["matched_gold"], al["n_gold"]) == (1, 2, 1, 3)
    un = m["entity_untyped"]
    assert (un["matched_sys"], un["n_sys"], un["matched_gold"], un["n_gold"]) == (2, 2, 2, 3)
    assert m["relation_FightingAgainst"]["value"] == 1.0
    assert m["relation_AlliesOf"]["value"] == 0.0
    assert m["relation_BelongsTo"]["value"] is None
    assert (m["relation_all"]["num"], m["relation_all"]["den"]) == (1, 2)
    assert (m["relation_fighting_allies"]["num"], m["relation_fighting_allies"]["den"]) == (1, 2)
    pr = m["relation_precision_FightingAgainst"]
    assert (pr["num"], pr["den"]) == (1, 1) and m["relation_precision_AlliesOf"]["value"] is None
    # a claim that finds no gold relation of its type counts against precision, not recall
    wrong = {**system, "claims": [*system["claims"], {"predicate": "SUPPORT", "subject": ["b"], "object": ["a"],
                                                      "evidence": {"start": 0, "end": 27}}]}
    m = re3d.score([gold], [Outcome("d", json=wrong)])["metrics"]
    pr = m["relation_precision_fighting_allies"]
    assert (pr["num"], pr["den"]) == (1, 2) and m["relation_precision_AlliesOf"]["num"] == 0
    assert m["relation_fighting_allies"]["num"] == 1
    # a failed record: everything missed
    m = re3d.score([gold], [Outcome("d", error="x")])["metrics"]
    assert m["entity_all_types"]["recall"] == 0.0 and m["entity_all_types"]["precision"] is None
