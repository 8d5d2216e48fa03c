"""News claims (issue #11, classes 3, 5 and 8): every figure tied to who did it and who says it.

Every sentence here was written for these tests (no dev-set text, place, outlet or figure)."""

from __future__ import annotations

import pytest
from news_support import names, run

import claimgraph.read
from claimgraph import rules


def tolls(doc) -> dict[float, tuple[str, ...]]:
    """figure value -> the subject names of the ASSAULT claim carrying it."""
    out: dict[float, tuple[str, ...]] = {}
    for c in doc.claims:
        if c.predicate == "ASSAULT":
            for q in c.quantities:
                if c.subject or q.value not in out:
                    out[q.value] = names(doc, c.subject)
    return out


# --- no model ------------------------------------------------------------------------------------------------


def test_cause_word_lists_are_data():
    assert {"in", "during", "as"} <= rules.words("roles", "cause_preps")
    assert {"result", "wake"} <= rules.words("roles", "cause_links")
    assert {"result", "lead", "leave"} <= rules.words("roles", "cause_verbs")
    assert {"day", "wave"} <= rules.words("roles", "event_spans")


# --- casualties take the actor of the event that caused them ------------------------------------------------


@pytest.mark.model
def test_casualty_takes_the_actor_of_the_event_in_its_phrase(pipeline):
    doc = run(pipeline, "Officials say three crew members were killed in the Togolese missile strike. "
                        "The army confirmed that 64 people had been killed as a result of Togo's assault.")
    got = tolls(doc)
    assert got[3] == ("Togo",)  # "killed in the X strike"
    assert got[64] == ("Togo",)  # "as a result of X's assault"


@pytest.mark.model
def test_casualty_actor_through_a_causing_verb_and_a_stretch_of_events(pipeline):
    doc = run(pipeline, "The initial Togolese raid resulted in the deaths of 30 people. "
                        "Two days of Togolese attacks killed more than 50 people, officials said.")
    got = tolls(doc)
    assert got[30] == ("Togo",)  # a figure no verb carries: the cause is the subject of "resulted in"
    assert got[50] == ("Togo",)  # "two days of X attacks killed": the event is in the "of" phrase


@pytest.mark.model
def test_part_of_a_toll_and_a_participle_toll_keep_the_actor_of_the_by_phrase(pipeline):
    doc = run(pipeline, "Two sailors were among the five seafarers killed in the missile attack on their ship "
                        "by Togolese rebels.")
    got = tolls(doc)
    assert got[5] == ("Togolese rebels",)  # "the five seafarers killed ... by X": the participle's toll
    assert got[2] == ("Togolese rebels",)  # "two were among the five": a part of the same toll


@pytest.mark.model
def test_no_cause_no_actor(pipeline):
    # a place is where it happened, not who did it; an unrelated event noun elsewhere lends no actor
    doc = run(pipeline, "Five people were killed in Lome on Sunday. Togo's raid on the camp was condemned.")
    assert tolls(doc)[5] == ()
    # fighting between two sides: either may have killed them
    doc = run(pipeline, "Nine people were killed during fierce fighting between Togolese rebels and Ghanaian "
                        "soldiers.")
    assert [c.subject for c in doc.claims if c.rule == "assault.kill"] == [()]


# --- tolls ---------------------------------------------------------------------------------------------------


@pytest.mark.model
def test_a_toll_holds_its_figure_and_the_toll_of_an_attack_its_actor(pipeline):
    doc = run(pipeline, "The death toll from the attack by Togolese rebels on the camp rose to 64, up from 21 "
                        "reported the previous day, the army said.")
    got = {q.value: (names(doc, c.subject), q.what, c.attributed_to) for c in doc.claims for q in c.quantities}
    assert got[64][:2] == (("Togolese rebels",), "killed")
    assert got[21][:2] == (("Togolese rebels",), "killed")  # the earlier toll, "up from 21"
    # "25 reported the previous day" is a participle on the figure, not a speaker: the army says both
    assert got[64][2] is not None and got[64][2] == got[21][2]


@pytest.mark.model
def test_toll_kinds_and_what_is_no_toll(pipeline):
    doc = run(pipeline, "The injury toll has risen to 120. The toll stands at 31 victims. The toll rose by 5. "
                        "The ferry toll was 40 dollars.")
    got = {q.value: q.what for c in doc.claims for q in c.quantities}
    assert got.get(120) == "injured" and got.get(31) == "killed"
    assert 5 not in got  # a change, not a toll
    assert 40 not in got  # money, no casualty


# --- attacks named by their author, stretched events, possessive pronouns ------------------------------------


@pytest.mark.model
def test_an_attack_named_with_its_author_is_a_claim_without_a_target(pipeline):
    doc = run(pipeline, "The assault, carried out in the morning by the Kuku Liberation Front, included heavy "
                        "shelling.")
    assert [(names(doc, c.subject), c.object) for c in doc.claims if c.predicate == "ASSAULT"] == [
        (("Kuku Liberation Front",), ())]
    # the clause around the noun does not name its author: the victims are no attackers
    doc = run(pipeline, "More than 32 civilians died in this attack, the police said.")
    assert all(not c.subject for c in doc.claims if c.predicate == "ASSAULT")


@pytest.mark.model
def test_light_verb_through_a_stretch_of_events_and_a_possessive_pronoun_of_the_beginner(pipeline):
    doc = run(pipeline, "Togo and Benin have carried out four rounds of strikes against rebel targets inside Ghana.")
    assert any(c.predicate == "ASSAULT" and names(doc, c.subject) == ("Togo", "Benin")
               and names(doc, c.object) == ("Ghana",) for c in doc.claims)
    doc = run(pipeline, "Ghana vowed to continue, one of the deadliest since Togo began its attacks on the Kuku "
                        "Liberation Front.")
    assert any(c.predicate == "ASSAULT" and names(doc, c.subject) == ("Togo",)
               and names(doc, c.object) == ("Kuku Liberation Front",) for c in doc.claims)


# --- attribution (class 5) -----------------------------------------------------------------------------------


@pytest.mark.model
def test_a_document_reports_for_its_maker_and_a_source_carries_to_the_figures_that_follow(pipeline):
    doc = run(pipeline, "Data from the monitoring group showed that 300 people were killed in the province last "
                        "year. Among the dead were 40 children. Ten soldiers died on Monday.")
    told = {q.value: (c.attributed_to, c.modality) for c in doc.claims for q in c.quantities}
    speaker = {e.id: e.name for e in doc.entities}.get(told[300][0], told[300][0])
    assert speaker is not None and "monitoring group" in speaker  # the maker of the data, not "Data"
    assert told[40] == (told[300][0], "reported")  # "Among the dead": the same source
    assert told[10][0] is None  # a new sentence that does not go on with the figures is the author's own


@pytest.mark.model
def test_attributed_figures_are_no_uncited_figures(pipeline):
    doc = run(pipeline, "Data from the monitoring group showed that 300 people were killed in the province last "
                        "year. Among the dead were 40 children.")
    assert not [f for f in doc.findings if f.code == "claim.uncited_figure"]


# --- polarity (class 8) --------------------------------------------------------------------------------------


@pytest.mark.model
def test_a_counterfactual_or_negated_beginner_lends_no_actor_to_the_event(pipeline):
    doc = run(pipeline, "Togo could have stopped the attack on Benin. Ghana did not begin the offensive against "
                        "Benin. Togo began an offensive against Benin.")
    attacks = [names(doc, c.subject) for c in doc.claims if c.predicate == "ASSAULT" and not c.negated]
    assert ("Togo",) in attacks  # "began an offensive": Togo's
    assert ("Ghana",) not in attacks and attacks.count(("Togo",)) == 1  # neither "did not begin" nor "could have"


def test_the_day_a_running_toll_was_told_is_not_the_day_of_its_deaths(pipeline):
    doc = pipeline.process_reading(claimgraph.read.read_bytes(
        b"Camp attack toll rises\n\nPublished 12 April 2025\n\nThe army confirmed on Saturday that the death toll "
        b"from the attack on the Valdoria camp rose to 64.\n\nOn Saturday, the army said that 12 people were "
        b"killed in Valdoria.\n", "t", "text"))
    times = {q.value: c.time for c in doc.claims for q in c.quantities}
    assert times[64.0] is None  # counted by Saturday; the deaths may be Friday's
    assert times[12.0] is not None and times[12.0].start.isoformat() == "2025-04-12"
