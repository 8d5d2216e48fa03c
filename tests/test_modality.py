"""How a claim is said: asserted, reported, quoted, speculative, opinion; the speaker; motives as fact."""

from __future__ import annotations

import pytest

from claimgraph.claims.modality import KINDS, ModalityResult, classify, in_quote, motive_cue
from claimgraph.records import Span

pytestmark = pytest.mark.model


def said(nlp, text, base=0):
    """(kind, cue, speaker, quote) as text."""
    doc = nlp(text)
    r = classify(doc[:], base)

    def show(span):
        return span.shift(-base).of(text) if span else None

    return r.kind, show(r.cue), show(r.speaker), show(r.quote)


def motive(nlp, text):
    span = motive_cue(nlp(text)[:], 0)
    return span.of(text) if span else None


def test_asserted(nlp):
    assert said(nlp, "The two delegations met in Doha on Monday.") == ("asserted", None, None, None)
    assert said(nlp, "Police arrested three suspected militants in Peshawar.")[0] == "asserted"  # a label, no hedge
    assert said(nlp, "The government announced a curfew in the capital.")[0] == "asserted"  # an event


def test_reported_by_a_reporting_verb_with_its_subject(nlp):
    assert said(nlp, "The ministry accuses Kabul of sheltering the bombers.") == (
        "reported", "accuses", "The ministry", None
    )
    assert said(nlp, "The road, which the army blames the rebels for mining, is closed.")[:3] == (
        "reported", "blames", "the army"
    )
    assert said(nlp, "The government announced that the curfew had ended.")[:3] == (
        "reported", "announced", "The government"
    )


def test_reported_after_according_to_and_by_phrase(nlp):
    assert said(nlp, "According to provincial officials, the convoy was ambushed twice.")[:3] == (
        "reported", "According to", "provincial officials"
    )
    assert said(nlp, "The governor was quoted as saying the new dam is unsafe.")[:3] == (
        "reported", "quoted as saying", "The governor"
    )


def test_gone_on_record_is_the_authors_assertion(nlp):
    assert said(nlp, "The governor has gone on record to block the new dam.")[0] == "asserted"


def test_the_author_speaking_is_not_a_relayed_source(nlp):
    assert said(nlp, "We believe the ceasefire will hold.")[0] == "opinion"


def test_quoted_with_attribution_after_the_quote(nlp):
    text = "“We will not allow foreign bases on our soil,” the foreign minister told reporters on Sunday."
    assert said(nlp, text) == (
        "quoted", "told", "the foreign minister", "We will not allow foreign bases on our soil"
    )


def test_quoted_without_a_reporting_verb_names_the_clause_subject(nlp):
    text = 'The envoy closed the summit in upbeat words "our two nations will build the railway together".'
    assert said(nlp, text) == ("quoted", '"', "The envoy", "our two nations will build the railway together")


def test_a_quotation_continued_from_the_previous_sentence_keeps_its_speaker(nlp):
    doc = nlp('The commander said: "We will hold the pass. Nobody will cross it."')
    second = list(doc.sents)[-1]
    r = classify(second, 0)
    assert r.kind == "quoted" and r.speaker.of(doc.text) == "The commander"


def test_scare_quotes_do_not_make_a_sentence_quoted_but_in_quote_sees_them(nlp):
    text = 'The army sealed what locals call the "line of shame" near Chaman.'
    doc = nlp(text)
    r = classify(doc[:], 100)
    assert r.kind == "asserted"
    assert r.quote.shift(-100).of(text) == "line of shame"
    start = text.index("shame")
    assert in_quote(doc[:], 100, Span(100 + start, 100 + start + 5))
    assert not in_quote(doc[:], 100, Span(100 + 4, 100 + 8))


def test_hedges_make_it_speculative(nlp):
    assert said(nlp, "The convoy may have been carrying weapons.")[:2] == ("speculative", "may")
    assert said(nlp, "The commander was reportedly wounded in the raid.")[:2] == ("speculative", "reportedly")
    assert said(nlp, "He is believed to be hiding in the mountains.")[:2] == ("speculative", "believed")
    assert said(nlp, "The group appears to have split.")[:2] == ("speculative", "appears")


def test_hidden_motives_stated_as_fact_are_speculative_and_give_a_motive_cue(nlp):
    text = "Moscow deliberately delayed the shipment so that the rebels could regroup."
    assert said(nlp, text)[:2] == ("speculative", "deliberately")
    assert motive(nlp, text) == "deliberately"  # "could" belongs to the purpose clause: no hedge
    assert motive(nlp, "Tehran is exploiting the unrest to widen its reach.") == "exploiting"
    assert motive(nlp, "It is in the interest of both capitals that the corridor fails.") == "in the interest of"
    assert said(nlp, "Ankara seeks to dominate the northern corridor.")[:2] == ("speculative", "seeks to")


def test_a_motive_attributed_or_hedged_is_no_motive_cue(nlp):
    assert motive(nlp, "Analysts said Moscow deliberately delayed the shipment.") is None
    assert motive(nlp, "Moscow may have deliberately delayed the shipment.") is None
    assert said(nlp, "In my view, Moscow deliberately delayed the shipment.")[:2] == ("opinion", "In my view")
    assert motive(nlp, "In my view, Moscow deliberately delayed the shipment.") is None
    assert motive(nlp, "The two delegations met in Doha on Monday.") is None


def test_opinion(nlp):
    assert said(nlp, "The international community should act now.")[:2] == ("opinion", "should")
    assert said(nlp, "It is time for the region to choose trade over war.")[:2] == ("opinion", "It is time")
    assert said(nlp, "This blockade is shameful.")[:2] == ("opinion", "shameful")
    assert said(nlp, "The duplicitous regime abandoned its allies.")[:2] == ("opinion", "duplicitous")


def test_an_evaluative_word_deep_in_a_phrase_leaves_the_fact_asserted(nlp):
    assert said(nlp, "Villagers have distrusted the militia because of its reckless conduct.")[0] == "asserted"


def test_precedence_quotation_and_report_win_over_the_speakers_own_hedges(nlp):
    assert said(nlp, '"The attack may have been deliberate," the spokesman said.')[0] == "quoted"
    assert said(nlp, "Officials said the attack may have been deliberate.")[0] == "reported"
    assert said(nlp, "The militants might return, which would be disgraceful.")[0] == "speculative"


def test_result_type(nlp):
    r = classify(nlp("Officials said the road is open."), 40)
    assert isinstance(r, ModalityResult) and r.kind in KINDS
    assert r.cue == Span(50, 54) and r.speaker == Span(40, 49)
