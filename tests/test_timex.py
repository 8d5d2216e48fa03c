"""When: times in parsed sentences, resolved against the document's date, and the one time of a claim."""

from __future__ import annotations

import datetime as dt

import pytest

from claimgraph.claims.timex import claim_time, find_times
from claimgraph.records import Span, TimeExpression

D = dt.date
WEDNESDAY = D(2021, 9, 8)  # the anchor of most tests: Wednesday 8 September 2021

pytestmark = pytest.mark.model


def times(nlp, text, anchor=WEDNESDAY, base=0):
    doc = nlp(text)
    return [(t.span.shift(-base).of(text), t.start, t.end, t.relative) for t in find_times(doc[:], base, anchor)]


def test_explicit_years_months_days(nlp):
    got = times(nlp, "In 2019 alone the port grew; in March 2021 it was sold, and on 4 May 2020 it closed.")
    assert got == [
        ("In 2019", D(2019, 1, 1), D(2019, 12, 31), False),
        ("in March 2021", D(2021, 3, 1), D(2021, 3, 31), False),
        ("on 4 May 2020", D(2020, 5, 4), D(2020, 5, 4), False),
    ]


def test_decades(nlp):
    assert times(nlp, "Warlords ruled the valley in the 80s and again in the 1990s.") == [
        ("in the 80s", D(1980, 1, 1), D(1989, 12, 31), False),
        ("in the 1990s", D(1990, 1, 1), D(1999, 12, 31), False),
    ]


def test_a_day_without_year_is_the_latest_not_after_the_anchor(nlp):
    assert times(nlp, "The convoy left Herat on August 30.") == [("on August 30", D(2021, 8, 30), D(2021, 8, 30), True)]
    assert times(nlp, "The convoy left Herat on August 30.", anchor=D(2021, 8, 1))[0][1] == D(2020, 8, 30)
    assert times(nlp, "The talks opened 12 October.", anchor=D(2021, 10, 12))[0][1:3] == (D(2021, 10, 12),) * 2


def test_a_month_without_year(nlp):
    assert times(nlp, "The dam was finished in May.", anchor=D(2022, 3, 16)) == [
        ("in May", D(2021, 5, 1), D(2021, 5, 31), True)
    ]
    assert times(nlp, "Prices doubled last March.", anchor=D(2022, 3, 16))[0][1] == D(2021, 3, 1)


def test_weekdays(nlp):
    assert times(nlp, "Envoys met on Tuesday.") == [("on Tuesday", D(2021, 9, 7), D(2021, 9, 7), True)]
    assert times(nlp, "Envoys met on Wednesday.")[0][1] == WEDNESDAY  # on or before the anchor
    assert times(nlp, "Envoys met last Wednesday.")[0][1] == D(2021, 9, 1)
    assert times(nlp, "A patrol was ambushed in Zabul province Sunday.")[0][1] == D(2021, 9, 5)


@pytest.mark.parametrize(
    ("text", "expression", "start", "end"),
    [
        ("The airport reopened yesterday.", "yesterday", D(2021, 9, 7), D(2021, 9, 7)),
        ("The airport reopened today.", "today", WEDNESDAY, WEDNESDAY),
        ("Flights resumed last week.", "last week", D(2021, 8, 30), D(2021, 9, 5)),
        ("Flights resumed last month.", "last month", D(2021, 8, 1), D(2021, 8, 31)),
        ("Flights resumed last year.", "last year", D(2020, 1, 1), D(2020, 12, 31)),
        ("Flights resumed this year.", "this year", D(2021, 1, 1), WEDNESDAY),
        ("Flights resumed earlier this month.", "earlier this month", D(2021, 9, 1), WEDNESDAY),
        ("Just a few days ago, the envoy flew to Doha.", "Just a few days ago", D(2021, 8, 25), D(2021, 9, 7)),
        ("The envoy flew to Doha recently.", "recently", D(2021, 6, 10), WEDNESDAY),
        ("The envoy flew to Doha two days ago.", "two days ago", D(2021, 9, 6), D(2021, 9, 6)),
        ("Attacks have risen in recent weeks.", "in recent weeks", D(2021, 7, 28), WEDNESDAY),
    ],
)
def test_relative_expressions(nlp, text, expression, start, end):
    assert times(nlp, text) == [(expression, start, end, True)]


def test_without_anchor_relative_times_stay_unresolved(nlp):
    got = times(nlp, "Yesterday and on Friday, as in 2010, rockets hit the base on June 25.", anchor=None)
    assert got == [
        ("Yesterday", None, None, True),
        ("on Friday", None, None, True),
        ("in 2010", D(2010, 1, 1), D(2010, 12, 31), False),
        ("on June 25", None, None, True),
    ]


def test_well_known_events_need_a_cue_word(nlp):
    got = times(nlp, "Ties soured after the September 11 attacks and have been tense since the Soviet invasion.")
    assert got == [
        ("after the September 11 attacks", D(2001, 9, 11), None, False),
        ("since the Soviet invasion", D(1979, 12, 24), WEDNESDAY, False),  # to the report's date
    ]
    assert times(nlp, "Oil prices spiked during the Gulf War.") == [
        ("during the Gulf War", D(1990, 8, 2), D(1991, 2, 28), False)
    ]
    assert times(nlp, "The militia was formed before the Iraq War.")[0][1:3] == (None, D(2003, 3, 19))
    assert times(nlp, "The Gulf War reshaped the region.") == []


def test_post_a_month_day_event_and_a_name_with_two_dates(nlp):
    assert times(nlp, "Aid flows changed post-9/11.")[0][1:3] == (D(2001, 9, 11), None)
    got = times(nlp, "Many fled after the fall of Kabul.", anchor=D(2022, 1, 10))
    assert got[0][1] == D(2021, 8, 15)
    assert times(nlp, "Many fled after the fall of Kabul.", anchor=D(2000, 1, 10))[0][1] == D(1996, 9, 27)


def test_cues_open_join_and_drop_intervals(nlp):
    got = times(nlp, "The mission has run since 2015, ran from 2016 to 2018 and must end by 2030.")
    assert got == [
        ("since 2015", D(2015, 1, 1), WEDNESDAY, False),  # from then to the report's date
        ("from 2016 to 2018", D(2016, 1, 1), D(2018, 12, 31), False),
    ]
    assert times(nlp, "Talks stalled in early 2020.") == [("in early 2020", D(2020, 1, 1), D(2020, 4, 30), False)]
    assert times(nlp, "The border stayed shut between 1990 and 1995.")[0][1:3] == (D(1990, 1, 1), D(1995, 12, 31))


def test_a_dateline_date_is_the_documents_not_the_claims(nlp):
    text = "QUETTA, Pakistan (March 3, 2022) — Police arrested two men in Pishin district Thursday."
    assert times(nlp, text, anchor=D(2022, 3, 3)) == [("Thursday", D(2022, 3, 3), D(2022, 3, 3), True)]


def test_a_dateline_after_header_text_is_still_a_dateline(nlp):
    text = "For Immediate Release Download PDF KABUL, Afghanistan (Nov. 17, 2010) - Forces detained a man yesterday."
    assert times(nlp, text, anchor=D(2010, 11, 17)) == [("yesterday", D(2010, 11, 16), D(2010, 11, 16), True)]


def test_spans_are_shifted_by_base(nlp):
    doc = nlp("The truce collapsed in November 2022.")
    (t,) = find_times(doc, 1000, None)
    assert t.span == Span(1020, 1036)


def make(start, end, relative=False, at=0):
    return TimeExpression(Span(at, at + 1), start, end, relative)


def test_claim_time_prefers_explicit_then_specific_then_last():
    year = make(D(2021, 1, 1), D(2021, 12, 31), at=0)
    day = make(D(2021, 3, 4), D(2021, 3, 4), at=10)
    yesterday = make(D(2021, 9, 7), D(2021, 9, 7), relative=True, at=20)
    since = make(D(2015, 1, 1), None, at=30)
    assert claim_time([year, day, yesterday, since]) is day
    assert claim_time([yesterday, since]) is since  # explicit before relative
    other_day = make(D(2021, 5, 6), D(2021, 5, 6), at=40)
    assert claim_time([day, other_day]) is other_day  # equally specific: the last
    unresolved = make(None, None, relative=True, at=5)
    assert claim_time([unresolved, yesterday]) is yesterday
    assert claim_time([unresolved]) is unresolved
    assert claim_time([]) is None


def test_a_comparisons_reference_period_is_not_the_figures_time(nlp):
    # the reference of a superlative or a comparison, with no figure after it: no time of the sentence
    assert times(nlp, "At least 19 people died in the blast, the deadliest in the valley in recent years.") == []
    assert times(nlp, "Police counted 41 deaths, up from 2019.") == []
    assert times(nlp, "The toll of 30 was the highest since 2010.") == []
    # a figure after the time belongs to it: "since twin bombings in October 2019, killing 100"
    assert times(nlp, "It was the worst attack since twin bombs exploded in October 2019, killing 100 people.",
                 ) == [("in October 2019", D(2019, 10, 1), D(2019, 10, 31), False)]
    # no comparison: the time stays
    assert times(nlp, "Gunmen killed 12 people in March 2021.") == [("in March 2021", D(2021, 3, 1), D(2021, 3, 31),
                                                                     False)]


def test_a_date_that_begins_a_name_is_no_time(nlp):
    assert times(nlp, "Fighters of the June 14 Movement took the town.") == []
    assert times(nlp, "A report by the 9 March Commission was published.") == []
    assert times(nlp, "The fighters took the town on June 14.")[0][1] == D(2021, 6, 14)


def test_a_time_that_ends_a_superlatives_since_clause_is_its_reference(nlp):
    text = ("Strikes on the port killed at least 70 people in the deadliest attack since the U.S. army began its "
            "campaign last month, the ministry said.")
    assert times(nlp, text, anchor=D(2025, 4, 18)) == []


def test_an_outlet_named_today_is_no_time(nlp):
    assert times(nlp, "Nine people were killed, according to Velmora Today.") == []
    assert times(nlp, "The council met today.") == [("today", WEDNESDAY, WEDNESDAY, True)]
    assert times(nlp, "Today the council met.")[0][1] == WEDNESDAY  # a capital opening a sentence says nothing


def loose(nlp, text, first, last):
    """Times read against a document date known only to [first, last] (a month or a year)."""
    doc = nlp(text)
    return [(t.span.of(text), t.start, t.end) for t in find_times(doc[:], 0, first, last)]


def test_a_weekday_against_a_month_only_date_is_that_month_never_a_made_up_day(nlp):
    march = (D(2024, 3, 1), D(2024, 3, 31))  # "Published March 2024": 1 March 2024 is a Friday
    assert loose(nlp, "Gunmen attacked the market on Tuesday.", *march) == [
        ("on Tuesday", D(2024, 3, 1), D(2024, 3, 31))]  # not 27 February, the Tuesday before the 1st
    assert loose(nlp, "Two guards were killed yesterday.", *march) == [
        ("yesterday", D(2024, 3, 1), D(2024, 3, 31))]
    # wider than the month: read on both ends of it and joined; a yearless day is the latest not after its end
    assert loose(nlp, "Prices rose last month.", *march) == [("last month", D(2024, 2, 1), D(2024, 2, 29))]
    assert loose(nlp, "The road reopened on March 20.", *march) == [("on March 20", D(2024, 3, 20), D(2024, 3, 20))]
    # a year-only date: "on Tuesday" is some day of the year, "June 25" that year's
    year = (D(2024, 1, 1), D(2024, 12, 31))
    assert loose(nlp, "The convoy left on Tuesday.", *year) == [("on Tuesday", *year)]
    assert loose(nlp, "The convoy left on June 25.", *year) == [("on June 25", D(2024, 6, 25), D(2024, 6, 25))]
    # a day-precise date reads as before
    assert loose(nlp, "Gunmen attacked the market on Tuesday.", D(2024, 3, 1), D(2024, 3, 1)) == [
        ("on Tuesday", D(2024, 2, 27), D(2024, 2, 27))]


def test_since_january_1_runs_to_the_report_and_a_new_years_report_keeps_the_year_it_states(nlp):
    december = D(2024, 12, 30)
    assert times(nlp, "Since January 1, the monitors counted 900 deaths.", anchor=december) == [
        ("Since January 1", D(2024, 1, 1), december, True)]
    assert times(nlp, "So far this year 900 people were killed.", anchor=december) == [
        ("this year", D(2024, 1, 1), december, True)]
    assert times(nlp, "Year-to-date, 900 people were killed.", anchor=december)[0][1:3] == (D(2024, 1, 1), december)
    early = D(2025, 1, 3)
    # early January, the year just ended stated in the paragraph: that year
    text = "The monitors recorded the worst toll in 2024. Since January 1, 900 people were killed."
    doc = nlp(text)
    second = list(doc.sents)[1]
    got = [(t.span.of(text), t.start, t.end) for t in find_times(second, 0, early)]
    assert got == [("Since January 1", D(2024, 1, 1), early)]
    got = [(t.span.of(text), t.start, t.end) for t in find_times(nlp("So far this year, 900 died in 2024.")[:], 0,
                                                                  early)]
    assert got[0][1:] == (D(2024, 1, 1), D(2024, 12, 31))
    # no year stated nearby: the calendar reading (the new year)
    assert times(nlp, "Since January 1, 12 people were killed.", anchor=early) == [
        ("Since January 1", D(2025, 1, 1), early, True)]
    # later in the year a stated earlier year changes nothing
    assert times(nlp, "Since January 1, 12 died, after 300 in 2024.", anchor=D(2025, 3, 3))[0][1] == D(2025, 1, 1)


def test_outlet_names_that_end_in_a_time_word_are_not_times(nlp):
    assert times(nlp, "The minister told Frontier Today that 12 soldiers died.") == []
    assert times(nlp, "She said on This Week that the talks had failed.") == []
    assert times(nlp, "The Sunday Times reported that the talks had failed.") == []
    assert times(nlp, "The Monday Herald said the road was shut.") == []
    # a real time still is one, capitalised at the start of a sentence or not
    assert times(nlp, "Today the army said the road was shut.")[0][0] == "Today"
    assert times(nlp, "The army said this week that the road was shut.")[0][0] == "this week"



def test_days_of_one_month_joined_are_one_range(nlp):
    assert times(nlp, "Gangs killed 180 people between October 2 and 7, 2020.") == [
        ("October 2 and 7, 2020", D(2020, 10, 2), D(2020, 10, 7), False)]
    assert times(nlp, "Fighting killed 70 people in the town from August 12 to 15.") == [
        ("August 12 to 15", D(2021, 8, 12), D(2021, 8, 15), True)]
    assert times(nlp, "Talks ran on 6-9 September 2020 in the capital.")[0][1:3] == (D(2020, 9, 6), D(2020, 9, 9))
    # a count after the second number: no range
    got = times(nlp, "The toll rose on August 12 to 15 people.")
    assert [g[0] for g in got] == ["on August 12"]
