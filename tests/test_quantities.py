"""How many: number reading (no model) and quantities in parsed sentences (model)."""

from __future__ import annotations

import pytest

from claimgraph.claims.quantities import find_quantities, parse_number, scan
from claimgraph.records import Span

# ------------------------------------------------------------------------------------- plain text (no model)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,600", 1600),
        ("35m", 35_000_000),
        ("1.73m", 1_730_000),
        ("2 billion", 2_000_000_000),
        ("three", 3),
        ("two dozen", 24),
        ("a dozen", 12),
        ("one hundred", 100),
        ("one hundred and twenty", 120),
        ("twenty-five", 25),
        ("1.5 million", 1_500_000),
        ("a", None),
        ("soldiers", None),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def numbers(text):
    return [(text[n.start : n.end], n.value, n.low, n.high, n.qualifier, n.currency, n.vague) for n in scan(text)]


def test_scan_reads_money_in_its_written_forms():
    text = "Donors gave US$1.2bn, Brussels €5m, Islamabad Rs 2 billion, Delhi 35 million dollars and Kabul $35m."
    assert [(t, v, c) for t, v, _, _, _, c, _ in numbers(text)] == [
        ("US$1.2bn", 1_200_000_000, "USD"),
        ("€5m", 5_000_000, "EUR"),
        ("Rs 2 billion", 2_000_000_000, "PKR"),
        ("35 million dollars", 35_000_000, "USD"),
        ("$35m", 35_000_000, "USD"),
    ]


def test_scan_ranges_and_qualifiers_give_bounds():
    got = numbers("between 10 and 15, 20-25, 30 to 40, at least 5, up to 10, over 7, nearly 9, around 11")
    assert got == [
        ("between 10 and 15", 10, 10, 15, "between", None, None),
        ("20-25", 20, 20, 25, None, None, None),
        ("30 to 40", 30, 30, 40, None, None, None),
        ("at least 5", 5, 5, None, "at least", None, None),
        ("up to 10", 10, None, 10, "up to", None, None),
        ("over 7", 7, 8, None, "over", None, None),
        ("nearly 9", 9, None, 9, "nearly", None, None),
        ("around 11", 11, None, None, "around", None, None),
    ]


def test_strict_bounds_give_the_nearest_whole_count_inside_them_but_not_for_money():
    got = numbers("more than 30, more than a dozen, in excess of 1,000, upwards of 50, fewer than 10, "
                  "more than $5m")
    assert [(t, v, lo, hi) for t, v, lo, hi, *_ in got] == [
        ("more than 30", 30, 31, None),
        ("more than a dozen", 12, 13, None),
        ("in excess of 1,000", 1000, 1001, None),
        ("upwards of 50", 50, 51, None),
        ("fewer than 10", 10, None, 9),
        ("more than $5m", 5_000_000, 5_000_000, None),
    ]


def test_scan_codes_vague_words_as_low_bounds_and_keeps_the_word():
    got = numbers("several, dozens, hundreds, tens of thousands, thousands, a few, multiple, several hundred")
    assert [(t, v, lo, vague) for t, v, lo, _, _, _, vague in got] == [
        ("several", 3, 3, "several"),
        ("dozens", 12, 12, "dozens"),
        ("hundreds", 100, 100, "hundreds"),
        ("tens of thousands", 10_000, 10_000, "tens of thousands"),
        ("thousands", 1000, 1000, "thousands"),
        ("a few", 3, 3, "a few"),
        ("multiple", 3, 3, "multiple"),
        ("several hundred", 300, 300, "several hundred"),
    ]


def test_scan_skips_dates_ordinals_codes_percentages_and_times():
    text = ("On 4 May 2020 and March 3 the 5th Brigade, release 2012-05-S-031, AK-47s, 9/11, 30% and 4:30 "
            "were noted; 2024-25 too.")
    assert numbers(text) == []


def test_scan_marks_year_like_numbers():
    (n,) = scan("2000 fighters")
    assert n.year_like and n.value == 2000
    assert not scan("2,000 fighters")[0].year_like


def test_pounds_are_a_weight_unless_scaled():
    assert [c for *_, c, _ in numbers("They seized 40 pounds of hashish and paid 5 million pounds.")] == [None, "GBP"]


# ------------------------------------------------------------------------------------------- parsed text


def quantities(nlp, text, base=0):
    doc = nlp(text)
    return [
        (q.span.shift(-base).of(text), q.value, q.low, q.high, q.qualifier, q.unit, q.what, q.whom, q.vague)
        for s in doc.sents
        for q in find_quantities(s, base)
    ]


def brief(nlp, text):
    """(text, value, what, whom) of each quantity."""
    return [(t, v, what, whom) for t, v, _, _, _, _, what, whom, _ in quantities(nlp, text)]


@pytest.mark.model
def test_casualties_by_governing_verb_and_counted_noun(nlp):
    assert brief(nlp, "Militants killed four policemen and wounded eleven civilians near Quetta.") == [
        ("four policemen", 4, "killed", "security personnel"),
        ("eleven civilians", 11, "injured", "civilians"),
    ]


@pytest.mark.model
def test_lost_to_attacks_means_killed_and_coordination_shares_the_verb(nlp):
    got = quantities(nlp, "Last year the army lost around 120 soldiers and 310 villagers to roadside bombs.")
    assert got == [
        ("around 120 soldiers", 120, None, None, "around", "people", "killed", "security personnel", None),
        ("310 villagers", 310, None, None, None, "people", "killed", "civilians", None),
    ]


@pytest.mark.model
def test_killing_one_and_wounding_others(nlp):
    assert brief(nlp, "The gunmen opened fire on a checkpoint, killing three and wounding five others.") == [
        ("three", 3, "killed", None),
        ("five others", 5, "injured", None),
    ]


@pytest.mark.model
def test_a_bound_the_parser_reads_as_a_preposition_is_still_the_verbs_count(nlp):
    # "injuring over a dozen": "over" parsed as a preposition of the verb, "a dozen" its object
    assert brief(nlp, "Gunmen opened fire on a market in Valdoria, killing 26 people and injuring over a dozen.") == [
        ("26 people", 26, "killed", None),
        ("over a dozen", 12, "injured", None),
    ]
    # a span of time after a casualty verb is no count of people
    assert brief(nlp, "The fighting killed 3 people over 2 days.") == [("3 people", 3, "killed", None)]


@pytest.mark.model
def test_passives_and_bare_participles(nlp):
    got = quantities(nlp, "At least 9 were killed and 14 injured when the bus struck a mine.")
    assert got == [
        ("At least 9", 9, 9, None, "at least", "people", "killed", None, None),
        ("14", 14, None, None, None, "people", "injured", None, None),
    ]


@pytest.mark.model
def test_participle_after_the_noun_and_left_dead(nlp):
    assert brief(nlp, "Six fighters killed in the clash were buried on Sunday.") == [
        ("Six fighters", 6, "killed", "militants")
    ]
    assert brief(nlp, "The raid left seven villagers dead.") == [("seven villagers", 7, "killed", "civilians")]


@pytest.mark.model
def test_casualty_nouns_give_the_category(nlp):
    got = quantities(nlp, "The bombing caused 27 deaths and dozens of casualties among civilians.")
    assert got == [
        ("27 deaths", 27, None, None, None, "people", "killed", None, None),
        ("dozens of casualties", 12, 12, None, None, "people", "casualties", None, "dozens"),
    ]


@pytest.mark.model
def test_arrested_captured_and_abducted(nlp):
    assert brief(nlp, "Police detained two suspects on Monday, and troops captured four Taliban fighters.") == [
        ("two suspects", 2, "arrested", "suspects"),
        ("four Taliban fighters", 4, "captured", "militants"),
    ]
    assert brief(nlp, "Gunmen abducted 11 aid workers outside the clinic.") == [
        ("11 aid workers", 11, "abducted", "aid workers")
    ]


@pytest.mark.model
def test_an_indefinite_person_taken_counts_one_a_definite_one_nothing(nlp):
    assert brief(nlp, "Commandos arrested a militia commander and three of his guards.") == [
        ("a militia commander", 1, "arrested", "militia commander"),
        ("three of his guards", 3, "arrested", "security personnel"),
    ]
    assert brief(nlp, "The soldier killed was a medic from Herat.") == []


@pytest.mark.model
def test_displaced_and_repatriated(nlp):
    got = quantities(nlp, "Nearly 40,000 families fled their villages as the fighting spread.")
    assert got == [("Nearly 40,000 families", 40000, None, 40000, "nearly", "people", "displaced", "families", None)]
    got = brief(nlp, "The expulsion of more than 8,000 migrants began in the spring.")
    assert got == [("more than 8,000 migrants", 8000, "repatriated", "migrants")]


@pytest.mark.model
def test_x_out_of_y_gives_two_quantities(nlp):
    got = brief(nlp, "The deportation of 2,300 refugees out of 9,000 registered Afghans angered Kabul.")
    assert got == [
        ("2,300 refugees", 2300, "repatriated", "refugees"),
        ("9,000 registered Afghans", 9000, "people", "registered Afghans"),
    ]


@pytest.mark.model
def test_money(nlp):
    got = quantities(nlp, "Beijing pledged US$1.2bn while Islamabad set aside Rs 2 billion and about €5m.")
    assert got == [
        ("US$1.2bn", 1.2e9, None, None, None, "USD", "money", None, None),
        ("Rs 2 billion", 2e9, None, None, None, "PKR", "money", None, None),
        ("about €5m", 5e6, None, None, "about", "EUR", "money", None, None),
    ]
    assert brief(nlp, "The port cost 35 million dollars to build.") == [("35 million dollars", 35e6, "money", None)]


@pytest.mark.model
def test_ranges_and_bounds_on_people(nlp):
    got = quantities(nlp, "Between 10 and 15 people died, and up to 30 soldiers were hurt.")
    assert got == [
        ("Between 10 and 15 people", 10, 10, 15, "between", "people", "killed", None, None),
        ("up to 30 soldiers", 30, None, 30, "up to", "people", "injured", "security personnel", None),
    ]
    assert brief(nlp, "Rebels seized 20-25 hostages.")[0][:2] == ("20-25 hostages", 20)


@pytest.mark.model
def test_numbers_in_words_and_vague_people_counts(nlp):
    got = brief(nlp, "Two dozen protesters and several journalists were arrested; hundreds of students marched.")
    assert got == [
        ("Two dozen protesters", 24, "arrested", "protesters"),
        ("several journalists", 3, "arrested", "journalists"),
        ("hundreds of students", 100, "people", "students"),
    ]
    (q,) = [q for s in nlp("Tens of thousands of refugees crossed the border.").sents for q in find_quantities(s)]
    assert (q.value, q.low, q.vague, q.whom) == (10_000, 10_000, "tens of thousands", "refugees")


@pytest.mark.model
def test_counted_things_keep_their_noun_but_vague_things_do_not_count(nlp):
    assert brief(nlp, "Customs impounded 212 trucks and several reports followed.") == [("212 trucks", 212, None, None)]
    (q,) = find_quantities(nlp("Customs impounded 212 trucks."))
    assert q.unit == "trucks"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "In 2019 the 2024 elections were already planned.",
        "The 5th Brigade and the 1st Lt. of the 82nd Airborne met at Route 7.",
        "Task Force 3-21 entered the village on March 3 at 4:30 and again at 6 p.m.",
        "Turnout fell to 30% and then 30 percent.",
        "The fighting lasted three days and several reports described it.",
        "No one was hurt when the shell landed.",
        "The release 2012-05-S-031 mentions AK-47 rifles.",
    ],
)
def test_not_people_counts(nlp, text):
    assert [q for q in quantities(nlp, text) if q[5] == "people"] == []


@pytest.mark.model
def test_spans_are_shifted_by_base_and_a_doc_works_as_well_as_a_sentence(nlp):
    text = "Police detained 12 smugglers."
    assert quantities(nlp, text, base=500)[0][0] == "12 smugglers"
    (q,) = find_quantities(nlp(text), base=500)
    assert q.span == Span(516, 528)


@pytest.mark.model
def test_one_person_killed_by_name_pronoun_or_definite_noun(nlp):
    assert brief(nlp, "The patrol engaged the gunman, killing him.") == [("him", 1, "killed", None)]
    assert [v for _, v, what, _ in brief(nlp, "An airstrike killed Rostum and his associate.")] == [1, 1]
    assert brief(nlp, "The security force returned fire, killing the insurgent.") == [
        ("insurgent", 1, "killed", None)]


@pytest.mark.model
def test_named_arrests_and_participles_add_nothing(nlp):
    assert brief(nlp, "They identified and detained the facilitator.") == []
    assert brief(nlp, "The insurgent killed was identified as a cell commander.") == []


@pytest.mark.model
def test_an_act_named_as_a_purpose_is_not_counted(nlp):
    assert brief(nlp, "The force conducted an operation to detain a Taliban leader.") == []
    assert brief(nlp, "The force detained a Taliban leader.") == [("a Taliban leader", 1, "arrested", "militants")]


@pytest.mark.model
def test_numerous_is_coded_as_four(nlp):
    (found,) = quantities(nlp, "The force detained numerous suspected insurgents.")
    assert found[1] == 4 and found[-1] == "numerous"


@pytest.mark.model
def test_named_and_coordinated_kills(nlp):
    assert [(t, v) for t, v, _, _ in brief(nlp, "The force killed the Taliban commander Fayez Jan and one "
                                                 "additional insurgent during an operation.")] == [
        ("Jan", 1), ("one additional insurgent", 1)]
    assert [(t, v) for t, v, _, _ in brief(nlp, "He was engaged and killed.")] == [("He", 1)]
    assert [(t, v) for t, v, _, _ in brief(nlp, "ISAF confirmed Murach, a Taliban leader, was killed.")] == [
        ("a Taliban leader", 1)]


# ------------------------------------------------- who is counted, and with whom (sentences written for the tests)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "span", "what"),
    [
        ("Soldiers arrested a rebel arms dealer near the border.", "a rebel arms dealer", "arrested"),
        ("Officials confirmed the arrest of a militia bomb specialist.", "a militia bomb specialist", "arrested"),
        ("Police detained a suspected assassin.", "a suspected assassin", "arrested"),
        ("Police detained a kidnapper on Tuesday.", "a kidnapper", "arrested"),
        # an agent noun in no list, taken by a verb whose object is by nature a person
        ("Police detained a weapons procurer.", "a weapons procurer", "arrested"),
        ("The patrol killed two gunmen and detained another suspect.", "another suspect", "arrested"),
    ],
)
def test_an_indefinite_role_noun_taken_counts_one(nlp, text, span, what):
    assert (span, 1, what) in [(t, v, w) for t, v, w, _ in brief(nlp, text)]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Troops captured a launcher.",  # capture takes things too: an agent noun is no person for it
        "Troops detained a tanker off the coast.",  # an agent-looking word that is a thing
        "Troops killed a number of fighters.",  # "a number of" counts nobody
        "The army sent a battalion to arrest a rebel commander.",  # a purpose, not done
    ],
)
def test_things_and_purposes_taken_count_nobody(nlp, text):
    assert [q for q in brief(nlp, text) if q[2] in ("arrested", "captured", "killed")] == []


@pytest.mark.model
def test_an_article_the_parser_gave_to_a_name_still_counts_the_person(nlp):
    assert brief(nlp, "Soldiers detained an Islamic State of Iraq recruiter and three other militants.") == [
        ("an Islamic State of Iraq recruiter", 1, "arrested", "Islamic State of Iraq recruiter"),
        ("three other militants", 3, "arrested", "militants"),
    ]


@pytest.mark.model
def test_coordinated_objects_each_count(nlp):
    got = brief(nlp, "Commandos killed a rebel commander and one suspected fighter and detained two more suspects.")
    assert [(t, v, what) for t, v, what, _ in got] == [
        ("a rebel commander", 1, "killed"), ("one suspected fighter", 1, "killed"),
        ("two more suspects", 2, "arrested")]
    got = brief(nlp, "A militia leader and a suspected gunman were captured by the army.")
    assert [(t, v, what) for t, v, what, _ in got] == [
        ("A militia leader", 1, "captured"), ("a suspected gunman", 1, "captured")]
    # the definite "the leader" refers back to someone counted before; the indefinite one is new
    assert [(t, v) for t, v, _, _ in brief(nlp, "The unit detained the leader and a suspected accomplice.")] == [
        ("a suspected accomplice", 1)]
    got = brief(nlp, "Police arrested a gang leader and detained one suspected accomplice.")
    assert [(t, v, what) for t, v, what, _ in got] == [
        ("a gang leader", 1, "arrested"), ("one suspected accomplice", 1, "arrested")]


@pytest.mark.model
def test_a_passive_subject_the_parser_hung_elsewhere_or_put_last(nlp):
    # parsed with the subject in apposition to "northern Syria" and "captured" without a subject
    got = brief(nlp, "In a separate raid in northern Syria, a rebel leader and a suspected fighter were captured "
                     "by government troops.")
    assert [(t, v, what) for t, v, what, _ in got] == [
        ("a rebel leader", 1, "captured"), ("a suspected fighter", 1, "captured")]
    got = brief(nlp, "Killed in the blast were 12 soldiers and a policeman.")
    assert [(t, v, what) for t, v, what, _ in got] == [("12 soldiers", 12, "killed"), ("a policeman", 1, "killed")]


@pytest.mark.model
def test_along_with_and_among_join_a_count_to_what_happened(nlp):
    got = brief(nlp, "The force captured a militia leader along with several suspected fighters.")
    assert [(t, v, what) for t, v, what, _ in got] == [
        ("a militia leader", 1, "captured"), ("several suspected fighters", 3, "captured")]
    assert brief(nlp, "Police arrested a man together with his two sons.")[1][:3] == ("two sons", 2, "arrested")
    assert brief(nlp, "Among the dead were two children.") == [("two children", 2, "killed", "children")]


@pytest.mark.model
def test_nominalisations_count_their_object(nlp):
    assert brief(nlp, "Officials announced the arrest of a militia leader during a raid.") == [
        ("a militia leader", 1, "arrested", "militia leader")]
    assert brief(nlp, "The army confirmed the capture of a rebel facilitator.")[0][:3] == (
        "a rebel facilitator", 1, "captured")
    got = brief(nlp, "The raid resulted in the death of one rebel commander, and the detainment of several others.")
    assert [(t, v, what) for t, v, what, _ in got] == [
        ("one rebel commander", 1, "killed"), ("several others", 3, "arrested")]
    # an attempt or a plan is no killing
    assert [q[2] for q in brief(nlp, "He is accused of the attempted assassination of two judges.")] == ["people"]
    assert brief(nlp, "He was involved in planning the assassination of a district official.") == []
    assert [q[2] for q in brief(nlp, "Police foiled the kidnapping of two engineers.")] == ["people"]


@pytest.mark.model
def test_custody_idioms_are_arrests(nlp):
    assert brief(nlp, "Police took the two passengers of the car into custody.") == [
        ("two passengers", 2, "arrested", "passengers")]
    assert brief(nlp, "The raid ended with three men taken into custody by the police.") == [
        ("three men", 3, "arrested", None)]
    assert brief(nlp, "Soldiers took custody of the detainees.") == []


@pytest.mark.model
def test_more_than_is_a_strict_bound_on_people(nlp):
    assert quantities(nlp, "More than 40 fighters were killed.") == [
        ("More than 40 fighters", 40, 41, None, "more than", "people", "killed", "militants", None)]


@pytest.mark.model
def test_named_counts_are_people_and_purposes_count_nothing(nlp):
    assert brief(nlp, "The cell planted bombs to kill and injure villagers, ANA and NATO troops.") == []
    assert brief(nlp, "The blast wounded NATO.") == []
    # a bare person noun is written before or beside a name: one person
    assert brief(nlp, "Soldiers killed rebel commander, Ahmadi, during the raid.") == [("commander", 1, "killed", None)]
    assert brief(nlp, "A rebel commander was confirmed killed on Sunday.") == [
        ("A rebel commander", 1, "killed", "militants")]
    got = brief(nlp, "Troops killed Ahmadi and his driver.")
    assert [(t, v) for t, v, _, _ in got] == [("Ahmadi", 1), ("driver", 1)]
    assert [(t, v) for t, v, _, _ in brief(nlp, "The patrol engaged the armed man. He was engaged and killed.")] == [
        ("He", 1)]


@pytest.mark.model
def test_done_acts_after_able_and_managed_count(nlp):
    assert brief(nlp, "The unit was able to detain four suspects.") == [("four suspects", 4, "arrested", "suspects")]
    assert brief(nlp, "The rebels managed to kill two guards.")[0][2] == "killed"


@pytest.mark.model
def test_bodies_found_and_a_count_right_after_a_common_noun(nlp):
    assert brief(nlp, "Five civilian bodies were found near the road.") == [
        ("Five civilian bodies", 5, "killed", "civilians")]
    # "raid three" is no label as "Route 7" is
    assert brief(nlp, "During the raid three gunmen were killed when they opened fire.") == [
        ("three gunmen", 3, "killed", "militants")]
    assert brief(nlp, "Two Hezbollah commanders were killed.")[0][:3] == ("Two Hezbollah commanders", 2, "killed")


@pytest.mark.model
@pytest.mark.parametrize(("text", "what"), [
    ("Shelling killed 30 people daily in the hill districts, the monitors said.", "killed per day"),
    ("At least 3,000 people are displaced each month by the fighting.", "displaced per month"),
    ("The blast killed 14 people on a day of mourning.", "killed"),
    ("The strike killed 9 people in a day of heavy raids.", "killed"),
])
def test_a_rate_is_not_a_toll(nlp, text: str, what: str) -> None:
    assert [q.what for q in find_quantities(nlp(text)) if q.value > 1] == [what]


@pytest.mark.model
def test_an_age_subset_is_its_own_victims(nlp):
    """ "elderly men" are a subset of a toll, as children are: grouping keeps them apart from the whole toll
    (`measure_whom_kept`), so an outlet's count of the elderly dead never disputes another's full toll."""
    from claimgraph.store.grouping import measure_whom

    found = brief(nlp, "Gunmen killed 30 elderly men and 12 other villagers in the raid.")
    assert found[0][:3] == ("30 elderly men", 30, "killed") and found[0][3] == "elderly"
    assert measure_whom("elderly") == "elderly" and measure_whom("men") == "people"
