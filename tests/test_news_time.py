"""News time (issue #11, class 2): the when of a figure in news copy, read against the report's own date.

Every sentence here was written for these tests (no dev-set text, place, outlet or figure)."""

from __future__ import annotations

import datetime as dt

import pytest

import claimgraph.read

D = dt.date
pytestmark = pytest.mark.model


def run(pipeline, body: str, published: str):
    text = f"Field report\n\nPublished {published}\n\n{body}\n"
    return pipeline.process_reading(claimgraph.read.read_bytes(text.encode(), "t", "text"))


def times_of(doc, word: str) -> set[tuple[dt.date | None, dt.date | None]]:
    """(start, end) of the claims whose sentence holds `word`."""
    return {(c.time.start, c.time.end) for c in doc.claims
            if c.time is not None and word in doc.span_text(c.evidence)}


def test_a_weekday_in_a_report_dated_to_a_month_is_that_month(pipeline):
    doc = run(pipeline, "Gunmen killed nine villagers on Tuesday in a raid on a market.", "March 2024")
    assert doc.published is not None and doc.published.iso() == "2024-03"
    assert times_of(doc, "Gunmen") == {(D(2024, 3, 1), D(2024, 3, 31))}
    day = run(pipeline, "Gunmen killed nine villagers on Tuesday in a raid on a market.", "7 March 2024")
    assert times_of(day, "Gunmen") == {(D(2024, 3, 5), D(2024, 3, 5))}


def test_an_explicit_day_in_the_next_sentence_about_the_same_event_beats_yesterday(pipeline):
    body = ("Gunmen killed nine villagers yesterday in a raid on a market. "
            "The raid took place on 4 March, residents said.")
    doc = run(pipeline, body, "7 March 2024")
    assert times_of(doc, "Gunmen") == {(D(2024, 3, 4), D(2024, 3, 4))}
    # a next sentence about something else keeps "yesterday"
    other = ("Gunmen killed nine villagers yesterday in a raid on a market. "
             "The governor visited the valley on 4 March.")
    assert times_of(run(pipeline, other, "7 March 2024"), "Gunmen") == {(D(2024, 3, 6), D(2024, 3, 6))}
    # so does a day of another paragraph, and a day after the report's date
    apart = ("Gunmen killed nine villagers yesterday in a raid on a market.\n\n"
             "The raid took place on 4 March, residents said.")
    assert times_of(run(pipeline, apart, "7 March 2024"), "Gunmen") == {(D(2024, 3, 6), D(2024, 3, 6))}
    later = ("Gunmen killed nine villagers yesterday in a raid on a market. "
             "It will be investigated on 20 March, officials said.")
    assert times_of(run(pipeline, later, "7 March 2024"), "Gunmen") == {(D(2024, 3, 6), D(2024, 3, 6))}


def test_an_explicit_day_in_the_clause_beats_a_relative_word(pipeline):
    doc = run(pipeline, "Officials said yesterday that gunmen killed nine villagers on 2 March.", "7 March 2024")
    assert times_of(doc, "gunmen") == {(D(2024, 3, 2), D(2024, 3, 2))}


def test_since_january_1_in_a_new_years_report_that_states_the_year_just_ended(pipeline):
    body = ("The monitoring group published its count of deaths in 2024. "
            "Since January 1, gunmen have killed 900 civilians, it said.")
    doc = run(pipeline, body, "3 January 2025")
    assert times_of(doc, "900") == {(D(2024, 1, 1), D(2025, 1, 3))}
    plain = run(pipeline, "Since January 1, gunmen have killed 12 civilians, officials said.", "3 January 2025")
    assert times_of(plain, "12") == {(D(2025, 1, 1), D(2025, 1, 3))}


def test_the_day_of_a_reporting_verb_dates_the_telling_not_what_it_reports(pipeline):
    # the lead's day carries to it
    lead = run(pipeline, "Gunmen killed nine villagers on Wednesday. Officials said on Friday that the gunmen "
                         "killed nine villagers.", "9 March 2024")
    assert times_of(lead, "the gunmen") == {(D(2024, 3, 6), D(2024, 3, 6))}
    # a figure of the told clause too
    figure = run(pipeline, "Gunmen attacked a ship on Wednesday. The ministry on Friday confirmed that two "
                           "sailors were among the crew killed.", "9 March 2024")
    assert times_of(figure, "sailors") == {(D(2024, 3, 6), D(2024, 3, 6))}
    # alone, the telling's day still does not date the killing; fronted before the teller, it frames both
    alone = run(pipeline, "Officials said on Friday that gunmen killed nine villagers.", "9 March 2024")
    assert not times_of(alone, "gunmen")
    fronted = run(pipeline, "On Friday, officials said that gunmen killed nine villagers.", "9 March 2024")
    assert times_of(fronted, "gunmen") == {(D(2024, 3, 8), D(2024, 3, 8))}
    # a claim that is the telling keeps its day
    accuse = run(pipeline, "The ministry accused the rebels of the attack on Friday.", "9 March 2024")
    assert {c.time.start for c in accuse.claims if c.time} == {D(2024, 3, 8)}  # PLOVER: DISAPPROVE
