"""Figures that restate others (claims/tally.py): a summary and its detail, a vague lead made precise."""

from __future__ import annotations

import pytest

from claimgraph.claims.tally import least

pytestmark = pytest.mark.model


def totals(pipeline, *paragraphs: str) -> dict[str, float]:
    """Sum of the document's figures that restate nothing, by category."""
    doc = pipeline.process_reading(pipeline.read_text("\n\n".join(paragraphs), source="tally.txt"))
    seen, out = set(), {}
    for c in doc.claims:
        for q in c.quantities:
            if q.span in seen or q.unit != "people" or c.negated:
                continue
            seen.add(q.span)
            if q.restates is None:
                out[q.what] = out.get(q.what, 0) + least(q)
    return out


def test_details_of_a_summary_restate_it(pipeline):
    got = totals(pipeline, "KABUL, Afghanistan (March 3, 2011) — Afghan forces detained four suspected insurgents "
                           "during two operations in Kunar province yesterday.",
                 "In Asadabad, the patrol detained three suspected insurgents after questioning them.",
                 "Near the border, the force detained one suspected insurgent.")
    assert got["arrested"] == 4


def test_a_vague_lead_made_precise_counts_the_precise_figure(pipeline):
    got = totals(pipeline, "Several armed men were killed during the raid in Helmand province.",
                 "The patrol searched the compound at dawn.",
                 "During the raid five men were killed when they fired on the patrol.")
    assert got["killed"] == 5


def test_a_precise_lead_outgrown_by_the_body_is_part_of_the_story(pipeline):
    got = totals(pipeline, "Police killed two gunmen at a checkpoint in Kunduz.",
                 "Hours later, soldiers killed four gunmen who attacked a convoy near the city.")
    assert got["killed"] == 6


def test_an_addition_is_not_a_restatement(pipeline):
    got = totals(pipeline, "Afghan forces arrested a Taliban leader in Kandahar province today.",
                 "The leader planned attacks on the city.",
                 "The security force also detained two suspected insurgents during the operation.")
    assert got["arrested"] == 3


def test_a_separate_event_starts_a_new_story(pipeline):
    got = totals(pipeline, "Afghan forces killed three insurgents in Kunar province on Monday.",
                 "In a separate operation, a patrol killed two insurgents in Khost province.")
    assert got["killed"] == 5


def test_the_same_figure_told_twice_counts_once(pipeline):
    got = totals(pipeline, "Afghan forces killed three insurgents in Kunar province on Monday.",
                 "The insurgents fired on the patrol, which returned fire, killing three insurgents.")
    assert got["killed"] == 3


def test_figures_of_another_group_of_people_are_not_details(pipeline):
    got = totals(pipeline, "Soldiers killed five insurgents in an ambush near Gardez.",
                 "Two civilians were killed in the crossfire.")
    assert got["killed"] == 7


def test_a_part_of_a_group_told_before_is_inside_its_figure(pipeline):
    got = totals(pipeline, "The bombing of the market killed 21 people, officials said on Wednesday, after several "
                           "of the wounded died overnight in hospital.")
    assert got["killed"] == 21


def test_a_figure_no_pattern_carries_is_still_a_claim(pipeline):
    doc = pipeline.process_reading(pipeline.read_text(
        "Soldiers searched the village after the explosion. Three civilian bodies were found near the road.",
        source="bodies.txt"))
    (claim,) = [c for c in doc.claims if c.rule == "figure.killed"]
    assert (claim.subject, claim.predicate, claim.object) == ((), "ASSAULT", ())
    assert [(doc.span_text(q.span), q.value, q.whom) for q in claim.quantities] == [
        ("Three civilian bodies", 3.0, "civilians")]


def test_the_same_figure_told_again_with_also_still_restates_it(pipeline):
    got = totals(pipeline, "Two Haqqani facilitators and two other militants were captured in Khost province "
                           "this morning.",
                 "During the search the force captured the facilitators. Two other insurgents were also captured.")
    assert got["captured"] == 4


def test_a_background_events_figure_is_not_the_reports_summary(pipeline):
    # an earlier attack told for comparison keeps its own toll: the lead's 23 is not made "precise" by it
    got = totals(pipeline, "Valdoria Cafe Attack\n\nPublished 2 June 2024",
                 "At least 23 civilians were killed in a blast at a cafe in Valdoria late on Thursday, the "
                 "interior minister said.",
                 "It was the deadliest attack in the country since two car bombs went off near a bus station in "
                 "May 2021, killing at least 80 people.")
    assert got["killed"] == 103


def test_an_undated_reports_comparison_reference_is_another_event(pipeline):
    # no date to tell the earlier attack by: its toll sits inside the comparison's "since" clause
    got = totals(pipeline, "At least 23 civilians were killed in a blast at a cafe in Valdoria late on Thursday, "
                           "the interior minister said.",
                 "It was the deadliest attack in the country since two car bombs went off near a bus station in "
                 "May 2021, killing at least 80 people.")
    assert got["killed"] == 103


def test_a_figure_after_a_comparison_in_the_main_clause_is_the_reports_own(pipeline):
    got = totals(pipeline, "In the deadliest attack in Valdoria since 2019, 19 people were killed on Tuesday.",
                 "Police said 19 people were killed when gunmen opened fire.")
    assert got["killed"] == 19


def test_another_speakers_near_figure_is_another_account_not_a_detail(pipeline):
    doc = pipeline.process_reading(pipeline.read_text(
        "The health minister said 1,440 people were injured in the fighting in Valdoria.\n\n"
        "The UN spokesman said 1,400 people were injured in the fighting.", source="accounts.txt"))
    figures = {q.value: q.restates for c in doc.claims for q in c.quantities if q.what == "injured"}
    assert figures == {1440.0: None, 1400.0: None}


def test_an_earlier_toll_is_not_a_detail_of_the_new_one(pipeline):
    doc = pipeline.process_reading(pipeline.read_text(
        "The army said the death toll from the attack on the camp rose to 64.\n\n"
        "An earlier toll of 21 was reported by the camp committee.", source="update.txt"))
    figures = {q.value: q.restates for c in doc.claims for q in c.quantities if q.what == "killed"}
    assert figures.get(64.0, "missing") is None and figures.get(21.0, "missing") is None
