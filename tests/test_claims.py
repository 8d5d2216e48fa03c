"""The claims stage (claimgraph/claims/extract.py): patterns of data/events.yaml read off spaCy's parse, roles
resolved to entities, negation, retyping, time, place, quantities, modality, citations, evidence, JSON.

Every sentence here was written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

import claimgraph.read
from claimgraph.claims.patterns import patterns
from claimgraph.contract import document_json
from claimgraph.records import Claim, Quantity, Span, TimeExpression
from claimgraph.rules import RULE_FILES, rules_version

# --- the pattern file, loaded and indexed (no model) ---------------------------------------------------------


def test_patterns_are_indexed_by_lemma():
    ps = patterns()
    assert ps.version
    assert any(p.id == "assault.attack" for p in ps.verbs["attack"])
    assert any(p.id == "assault.attack-noun" for p in ps.nouns["attack"])
    assert any(p.id == "coerce.put-pressure" and "pressure" in p.nouns for p in ps.light["put"])
    # relations are indexed under their own kind
    assert any(p.id == "based-in.based" and p.relation for p in ps.verbs["base"])
    assert any(p.id == "harbors.safe-haven" for p in ps.nouns["heaven"])


def test_pattern_specificity_and_threat_modes():
    ps = patterns()
    plain = next(p for p in ps.nouns["strike"] if p.id == "assault.attack-noun")
    hunger = next(p for p in ps.nouns["strike"] if p.id == "protest.hunger-strike")
    assert hunger.specificity > plain.specificity
    assert ps.threat_mode("ASSAULT", None) == "violence"
    assert ps.threat_mode("COERCE", "arrest") == "arrest"
    assert ps.threat_mode("SANCTION", "cancel") == "relations"


def test_rule_files_name_the_claim_rules():
    assert {"events", "quantities", "timex", "modality"} <= set(RULE_FILES)
    assert "events@" in rules_version()


# --- the model --------------------------------------------------------------------------------------------


def run(pipeline, body: str, title: str = "Field report"):
    """Process a small article: a title line, then the body paragraphs."""
    text = f"{title}\n\n{body}\n"
    return pipeline.process_reading(claimgraph.read.read_bytes(text.encode(), "t", "text"))


def triples(doc) -> set[tuple]:
    return {(c.subject, c.predicate, c.object) for c in doc.claims}


def find(doc, predicate: str, subject: tuple | None = None, obj: tuple | None = None) -> Claim:
    for c in doc.claims:
        if c.predicate == predicate and (subject is None or c.subject == subject) and (obj is None or c.object == obj):
            return c
    raise AssertionError(f"no {predicate} {subject} {obj} claim among {sorted(triples(doc))}")


@pytest.mark.model
def test_verb_with_subject_and_object(pipeline):
    doc = run(pipeline, "America condemned Russia on Tuesday.")
    claim = find(doc, "DISAPPROVE", ("USA",), ("RUS",))
    assert claim.rule == "disapprove.criticize" and not claim.negated
    assert doc.span_text(claim.evidence) == "America condemned Russia"
    assert claim.id == "c1" and claim.sentence == 0


@pytest.mark.model
def test_passive_with_agent(pipeline):
    doc = run(pipeline, "Indian soldiers were killed by Chinese troops near the border.")
    assert find(doc, "ASSAULT", ("CHN",), ("IND",)).rule == "assault.kill"


@pytest.mark.model
def test_coordinated_subjects(pipeline):
    doc = run(pipeline, "America and India condemned Russia.")
    assert ("USA", "IND") in {c.subject for c in doc.claims if c.predicate == "DISAPPROVE"}


@pytest.mark.model
def test_relative_clause_subject(pipeline):
    doc = run(pipeline, "Baloch separatist groups that are fighting the Pakistani army receive weapons from abroad.")
    claim = find(doc, "ASSAULT", obj=("PAK",))
    assert claim.subject == ("BALOCH_INSURGENTS",)
    # "fight" also asserts hostility (implies)
    assert find(doc, "HOSTILE_TO", ("BALOCH_INSURGENTS",), ("PAK",)).rule == claim.rule


@pytest.mark.model
def test_possessive_nominalisation(pipeline):
    doc = run(pipeline, "India's fortification of the Line of Control angered Pakistan.")
    claim = find(doc, "MOBILIZE", ("IND",), ("LOC",))
    assert claim.rule == "mobilize.fortification"
    assert doc.span_text(claim.evidence) == "India's fortification of the Line of Control"


@pytest.mark.model
def test_event_noun_with_demonym_modifier(pipeline):
    doc = run(pipeline, "Repeated Iranian military incursions into Pakistan worried Islamabad's diplomats.")
    assert find(doc, "ASSAULT", ("IRN",), ("PAK",)).rule == "assault.attack-noun"


@pytest.mark.model
def test_light_verbs(pipeline):
    doc = run(pipeline, "Pakistan finally took action against the TTP. Last year China put pressure on Iran.")
    assert find(doc, "COERCE", ("PAK",), ("TTP",)).rule == "coerce.take-action"
    assert find(doc, "COERCE", ("CHN",), ("IRN",)).rule == "coerce.put-pressure"
    # the light verb beats the plain noun pattern on "pressure" and "action"
    assert {c.rule for c in doc.claims} == {"coerce.take-action", "coerce.put-pressure"}


@pytest.mark.model
def test_light_verb_takes_the_nouns_mode(pipeline):
    doc = run(pipeline, "Israel carried out airstrikes on Hezbollah.")
    claim = find(doc, "ASSAULT", ("ISR",), ("HEZBOLLAH",))
    assert claim.rule == "assault.carry-out-attack" and claim.mode == "aerial"


@pytest.mark.model
def test_relations(pipeline):
    doc = run(pipeline, "Islamabad complains that TTP safe havens in Afghanistan threaten its security. "
                        "Jaish al-Adl, a group based in Pakistan, attacked Iran. "
                        "The Haqqani network is allied to the Afghan Taliban. "
                        "India's mistrust of China keeps growing.")
    assert find(doc, "HARBORS", ("AFG",), ("TTP",)).rule == "harbors.safe-haven"
    assert find(doc, "BASED_IN", ("JAISH_AL_ADL",), ("PAK",)).rule == "based-in.based"
    assert find(doc, "ASSAULT", ("JAISH_AL_ADL",), ("IRN",))  # the name, not its apposition, is the actor
    assert find(doc, "ALLIED_WITH", ("HAQQANI_NETWORK",), ("AFG_TALIBAN",))
    assert find(doc, "DISTRUSTS", ("IND",), ("CHN",)).rule == "distrusts.mistrust-noun"


@pytest.mark.model
def test_symmetric_events_split_coordinated_participants(pipeline):
    doc = run(pipeline, "India and China held talks in Beijing.")
    assert find(doc, "CONSULT", ("IND",), ("CHN",)).rule == "consult.hold-talks"


@pytest.mark.model
def test_negation(pipeline):
    doc = run(pipeline, "Pakistan did not attack Afghanistan. India has never recognized the Taliban government. "
                        "Russia attacked Ukraine.")
    assert find(doc, "ASSAULT", ("PAK",), ("AFG",)).negated
    assert find(doc, "SUPPORT", ("IND",), ("AFG_TALIBAN",)).negated
    assert not find(doc, "ASSAULT", ("RUS",), ("UKR",)).negated


@pytest.mark.model
def test_retyping_by_tense_and_modality(pipeline):
    doc = run(pipeline, "China will give Pakistan a loan. Iran threatened to attack Israel. "
                        "India said Pakistan must release the prisoners.")
    assert find(doc, "AGREE", ("CHN",), ("PAK",)).rule == "aid.give-aid"  # future cooperation
    threat = find(doc, "THREATEN", ("IRN",), ("ISR",))
    assert threat.mode == "violence"
    assert not any(c.predicate == "ASSAULT" for c in doc.claims)  # the threatened attack is not a claim
    assert find(doc, "DEMAND", ("IND",), ("PAK",))  # "X said Y must": X demands of Y


@pytest.mark.model
def test_place_object_and_place(pipeline):
    doc = run(pipeline, "The Taliban captured Kandahar. The TTP attacked Pakistani troops in Peshawar.")
    assert find(doc, "ASSAULT", ("AFG_TALIBAN",), ("KANDAHAR",)).rule == "coerce.arrest"
    assert find(doc, "ASSAULT", ("TTP",), ("PAK",)).place == ("PESHAWAR",)


@pytest.mark.model
def test_time_on_a_claim(pipeline):
    doc = run(pipeline, "In March 2021, Iran attacked Jaish al-Adl.")
    claim = find(doc, "ASSAULT", ("IRN",), ("JAISH_AL_ADL",))
    assert claim.time is not None and doc.span_text(claim.time.span) == "In March 2021"
    assert (claim.time.start, claim.time.end) == (dt.date(2021, 3, 1), dt.date(2021, 3, 31))


@pytest.mark.model
def test_quantities_on_a_claim(pipeline):
    doc = run(pipeline, "The TTP killed 12 Pakistani soldiers in 2023.")
    claim = find(doc, "ASSAULT", ("TTP",), ("PAK",))
    assert [(doc.span_text(q.span), q.value, q.what) for q in claim.quantities] == [
        ("12 Pakistani soldiers", 12, "killed")]
    assert claim.time.start == dt.date(2023, 1, 1)


@pytest.mark.model
def test_modality_quoted_reported_speculative(pipeline):
    doc = run(pipeline, '"The TTP attacked Pakistani border posts," the army spokesman said.\n\n'
                        "According to Indian officials, Pakistani troops shelled Indian villages.\n\n"
                        "Iran may have supplied weapons to Hezbollah.\n\n"
                        "India accused Pakistan of sheltering militants.")
    assert find(doc, "ASSAULT", ("TTP",), ("PAK",)).modality == "quoted"
    reported = find(doc, "ASSAULT", ("PAK",), ("IND",))
    assert (reported.modality, reported.attributed_to) == ("reported", "IND")
    assert find(doc, "AID", ("IRN",), ("HEZBOLLAH",)).modality == "speculative"
    accused = find(doc, "DISAPPROVE", ("IND",), ("PAK",))  # the reporting verb is itself the event
    assert (accused.modality, accused.attributed_to) == ("reported", "IND")


@pytest.mark.model
def test_citations_on_a_claim(pipeline):
    body = ("India attacked Pakistan in 2019. [1] China condemned Israel. [2]\n\nReferences\n\n"
            "[1] BBC, (March 2019). India strikes Pakistan. https://www.bbc.com/news/world-asia-47366718\n\n"
            "[2] Reuters, (June 2021). China condemns Israel. https://www.reuters.com/world/china-israel-2021-06-01/")
    doc = run(pipeline, body)
    assert find(doc, "ASSAULT", ("IND",), ("PAK",)).citations == ("1",)
    assert find(doc, "DISAPPROVE", ("CHN",), ("ISR",)).citations == ("2",)


@pytest.mark.model
def test_speaker_pronoun_and_purpose_beneficiary(pipeline):
    doc = run(pipeline, "Iran said it would attack Israel. "
                        "Russia left behind its weapons so that the Taliban could use them.")
    assert find(doc, "THREATEN", ("IRN",), ("ISR",))
    assert find(doc, "AID", ("RUS",), ("AFG_TALIBAN",)).mode == "military"


@pytest.mark.model
def test_no_claim_without_actor_or_with_itself_as_object(pipeline):
    doc = run(pipeline, "Civilians were killed in Kabul. The attack was condemned. Pakistan defended itself.")
    assert doc.claims == []


@pytest.mark.model
def test_a_toll_without_a_named_actor_is_a_claim(pipeline):
    doc = run(pipeline, "A car bomb exploded in a crowded market in Quetta, killing nine people. "
                        "Two suspects were detained later that day.")
    killed = find(doc, "ASSAULT", (), ())
    assert [(q.value, q.what) for q in killed.quantities] == [(9, "killed")]
    assert killed.place == ("QUETTA",)
    detained = find(doc, "COERCE", (), ())
    assert [(q.value, q.what) for q in detained.quantities] == [(2, "arrested")]


@pytest.mark.model
def test_json_export_shape(pipeline):
    doc = run(pipeline, "In 2023 the TTP killed 12 Pakistani soldiers near Peshawar. [1]\n\nReferences\n\n"
                        "[1] Dawn, (2023). Soldiers killed. https://www.dawn.com/news/2023/soldiers-killed")
    out = document_json(doc)["claims"]
    assert len(out) == 1
    claim = out[0]
    assert set(claim) >= {"id", "subject", "predicate", "object", "mode", "negated", "modality", "attributed_to",
                          "time", "place", "quantities", "citations", "evidence", "rule", "rules_version",
                          "sentence"}
    assert claim["subject"] == ["TTP"] and claim["object"] == ["PAK"] and claim["predicate"] == "ASSAULT"
    assert claim["time"]["text"] == "In 2023" and claim["time"]["start"] == "2023-01-01"
    assert claim["time"]["end"] == "2023-12-31"
    q = claim["quantities"][0]
    assert {"value", "low", "high", "qualifier", "unit", "what", "whom", "text", "start", "end"} <= set(q)
    assert q["value"] == 12 and isinstance(q["value"], int) and q["what"] == "killed"
    assert doc.text[q["start"]:q["end"]] == q["text"]
    ev = claim["evidence"]
    assert doc.text[ev["start"]:ev["end"]] == ev["text"]
    assert claim["citations"] == ["1"] and claim["rule"] == "assault.kill"
    assert "events@" in claim["rules_version"]


def test_json_export_of_a_claim_record():
    """The export of a hand-made claim, no model needed."""
    from claimgraph.document import Document
    from claimgraph.records import Reading

    text = "Iran attacked Israel with 12 drones on 1 May 2024."
    doc = Document(Reading("t", "text", text))
    doc.claims = [Claim(
        id="c1", subject=("IRN",), predicate="ASSAULT", object=("ISR",), evidence=Span(0, 20), sentence=0,
        mode="drone", time=TimeExpression(Span(39, 49), dt.date(2024, 5, 1), dt.date(2024, 5, 1)),
        quantities=(Quantity(Span(26, 35), 12.0, low=12.0, unit="drones"),), rule="assault.attack")]
    claim = document_json(doc)["claims"][0]
    assert claim["evidence"] == {"start": 0, "end": 20, "text": "Iran attacked Israel"}
    assert claim["time"] == {"text": "1 May 2024", "start": "2024-05-01", "end": "2024-05-01", "relative": False,
                             "span": {"start": 39, "end": 49}}
    assert claim["quantities"][0]["text"] == "12 drones" and claim["quantities"][0]["value"] == 12
    assert claim["place"] == [] and claim["citations"] == [] and claim["attributed_to"] is None


@pytest.mark.model
def test_a_claim_takes_the_day_its_paragraph_stated(pipeline):
    doc = run(pipeline, "KABUL, Afghanistan (June 26, 2010) - Afghan forces raided a compound yesterday. "
                        "Later, Afghan forces arrested Iranian smugglers.\n\n"
                        "In 2009, Pakistan condemned Iran. Pakistan later condemned India.")
    arrest = next(c for c in doc.claims if c.predicate == "COERCE")
    assert arrest.time is not None and doc.span_text(arrest.time.span) == "yesterday"
    assert arrest.time.start == dt.date(2010, 6, 25)
    later = find(doc, "DISAPPROVE", ("PAK",), ("IND",))
    assert later.time is None  # a year frames an argument: it is not passed on


@pytest.mark.model
def test_counterfactuals_nothing_done_and_non_names_are_not_positive_claims(pipeline):
    doc = run(pipeline, "Russia should have supported Ukraine but did not. Iran has supported nothing in Iraq. "
                        "Non-Afghan fighters attacked Pakistan. Russia supported Syria.")
    assert find(doc, "SUPPORT", ("RUS",), ("SYR",)).negated is False
    assert find(doc, "SUPPORT", ("RUS",), ("UKR",)).negated  # a counterfactual
    assert find(doc, "SUPPORT", ("IRN",)).negated  # supported nothing
    assert find(doc, "ASSAULT", None, ("PAK",)).subject == ()  # not Afghanistan: "non-Afghan"


@pytest.mark.model
def test_a_place_anywhere_in_the_claims_clause(pipeline):
    doc = run(pipeline, "A rocket attack by the TTP on a convoy in Bannu killed four soldiers.")
    claim = next(c for c in doc.claims if c.quantities)
    assert claim.place == ("BANNU",)
