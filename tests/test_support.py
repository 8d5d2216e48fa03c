"""The source-support scorer without the model: reading words and numbers, BM25, judging, getting sources."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claimgraph.errors import DecodeFailure, SourceNotFound
from claimgraph.sources import train
from claimgraph.sources.get import CitedSource, SourceLibrary, Unavailable, normalise_url
from claimgraph.sources.lexical import sentences, stem, tokens
from claimgraph.sources.retrieval import BM25, terms
from claimgraph.sources.support import FEATURES, MODEL_FEATURES, SourceText, features, judge, model

SAVED = Path(__file__).resolve().parent / "data" / "support" / "saved"
HERALD = "https://delta-herald.example/2024/08/31/monsoon-floods-displace-thousands"


# -- reading ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [("attacks", "attacked"), ("attacking", "attack"), ("stopped", "stop"),
                                      ("casualties", "casualty"), ("produced", "produce")])
def test_stem_joins_inflections(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_tokens_read_names_numbers_negations_and_synonyms() -> None:
    toks = tokens("Officials in Quetta said 1,600 people were not killed, and $35m was pledged.")
    by_text = {t.text: t for t in toks}
    assert by_text["Quetta"].name and not by_text["Officials"].name  # the first word is never a name
    assert by_text["1,600"].number == 1600
    assert by_text["35"].number == 35_000_000  # "$35m": the scale joins the number
    assert by_text["not"].negation and not by_text["not"].content
    assert "~casualty" in by_text["killed"].keys  # the audit's topic groups are synonyms here too
    assert not by_text["were"].content  # a stop word


def test_number_words_and_offsets() -> None:
    text = "Three soldiers died."
    toks = tokens(text, offset=10)
    assert toks[0].number == 3
    assert all(("x" * 10 + text)[t.start : t.end] == t.text for t in toks)


def test_sentences_split_on_full_stops_and_blank_lines() -> None:
    text = "The talks ended. A truce began on Monday.\n\nNew heading\n- a list item"
    got = [text[a:b] for a, b in sentences(text)]
    assert got == ["The talks ended.", "A truce began on Monday.", "New heading", "- a list item"]


def test_bm25_ranks_the_sentence_that_shares_rare_words_first() -> None:
    docs = [tokens(s) for s in ("The weather was mild.", "The barrage loan was approved by the commission.",
                                "The weather and the loan.")]
    index = BM25([terms(d) for d in docs])
    assert index.top(terms(tokens("commission approves barrage loan")), 2)[0] == 1
    assert index.top(terms(tokens("nothing shared here")), 2) == []


# -- judging ------------------------------------------------------------------------------------------------

PAGE = ("Monsoon floods displace thousands. The disaster authority said 12,400 residents were displaced by "
        "the end of August. Rescue teams said the floods had killed 46 people. The ceasefire did not hold.")


def test_a_sentence_the_page_states_is_supported_with_its_passage() -> None:
    src = SourceText.of(PAGE)
    got = judge("The disaster authority said 12,400 residents were displaced by the end of August.", src)
    assert got.label == "supported"
    assert "12,400 residents" in got.passages[0].of(PAGE)
    assert not got.missing_numbers and not got.missing_names


def test_a_figure_given_differently_is_reported_with_both_values() -> None:
    got = judge("Rescue teams said the floods killed 58 people.", SourceText.of(PAGE))
    assert got.label != "supported"
    assert [(d.claim, d.source) for d in got.differ] == [("58", "46")]
    assert got.missing_numbers == ("58",)


def test_an_unrelated_sentence_is_not_supported_and_still_quotes_a_passage() -> None:
    got = judge("The central bank raised interest rates in Lisbon.", SourceText.of(PAGE))
    assert got.label == "not_supported"
    assert got.passages and not got.matched
    assert "Lisbon" in got.missing_names


def test_a_total_of_two_figures_in_the_page_counts_as_found() -> None:
    page = "Militants killed 685 security personnel and 915 civilians since January 1."
    got = judge("In 2024, 1,600 security personnel and civilians were killed by militants.", SourceText.of(page))
    assert got.features["numbers_page"] == 0.5  # 1,600 = 685 + 915 found; the year is not in the page
    assert "1,600" not in got.missing_numbers


def test_negation_against_the_passage_is_flagged() -> None:
    got = judge("The ceasefire held.", SourceText.of(PAGE))
    assert got.negated


def test_features_are_the_declared_ones() -> None:
    got = judge("Floods displaced residents.", SourceText.of(PAGE))
    assert set(got.features) == set(FEATURES)
    assert set(MODEL_FEATURES) <= set(FEATURES)


# -- the trained scorer ---------------------------------------------------------------------------------------


def test_shipped_model_has_weights_for_its_features_and_says_how_it_was_trained() -> None:
    m = model()
    assert m is not None
    for part in ("supported", "not_supported"):
        assert set(m[part]["weights"]) == set(MODEL_FEATURES)
        assert 0 < m[part]["threshold"] < 1
    assert "cv_binary_balanced_accuracy" in m["trained"] and m["trained"]["records"] > 0


def test_logistic_regression_learns_a_separable_rule() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] > 0).astype(float)
    w, _ = train.fit_logistic(x, y, l2=0.1)
    assert w[0] > 1 and abs(w[1]) < abs(w[0]) / 3


def test_folds_come_from_a_hash_of_the_group() -> None:
    folds = [train.fold_of(f"#{i}", 5) for i in range(500)]
    assert folds == [train.fold_of(f"#{i}", 5) for i in range(500)]  # stable
    assert all(60 <= folds.count(k) <= 140 for k in range(5))  # and spread
    assert folds != [train.fold_of(f"#{i}", 5, 1) for i in range(500)]  # a repeat is another split


def test_a_compound_claim_is_cut_into_parts_at_its_joints() -> None:
    from claimgraph.sources.lexical import tokens
    from claimgraph.sources.support import parts

    text = "The company opened a factory in the northern city, and its workers went on strike in 2019."
    cut = parts(tokens(text), text)
    assert [" ".join(t.text for t in p) for p in cut] == [
        "The company opened a factory in the northern city", "and its workers went on strike in 2019"]
    short = "The bridge opened in 1998, officials said."
    assert len(parts(tokens(short), short)) == 1  # "officials said" is too short to stand alone


def test_a_claim_half_of_which_the_page_gives_matches_worse_by_parts() -> None:
    page = SourceText.of("The company opened a factory in the northern city. Sales rose last year.")
    whole, _ = features("The company opened a factory in the northern city.", page)
    half, _ = features("The company opened a factory in the northern city, and its workers went on strike.",
                       page)
    assert whole["part_mean"] == 1.0 and half["part_mean"] < 0.75


def test_balanced_accuracy_is_the_mean_of_recalls() -> None:
    gold = ["supported", "supported", "not_supported", "partially_supported"]
    pred = ["supported", "not_supported", "not_supported", "supported"]
    assert train.balanced_accuracy(pred, gold, train.LABELS) == pytest.approx((0.5 + 1 + 0) / 3)
    assert train.binary([p == "supported" for p in pred], gold) == pytest.approx((0.5 + 0.5) / 2)


# -- getting sources ----------------------------------------------------------------------------------------


def test_urls_normalise_scheme_www_slash_fragment_and_tracking() -> None:
    a = normalise_url("https://www.Example.org/a/b/?utm_source=x&id=3#top")
    assert a == normalise_url("http://example.org/a/b?id=3") == "example.org/a/b?id=3"
    assert normalise_url("https://example.org/a?id=3") != normalise_url("https://example.org/a?id=4")


def test_folder_matches_by_manifest_and_by_canonical_url() -> None:
    lib = SourceLibrary(SAVED)
    herald = lib.get(HERALD)
    assert isinstance(herald, CitedSource) and herald.origin == "folder"
    assert "12,400 residents" in herald.text and "Subscribe" not in herald.text  # boilerplate removed
    loan = lib.get("https://riverine-business.example/news/2024/09/04/barrage-loan-approved")  # manifest: http + utm
    assert isinstance(loan, CitedSource)
    health = lib.get("https://health-dispatch.example/reports/2024/09/09/hospital-waterborne-disease")  # og:url
    assert isinstance(health, CitedSource) and health.location.endswith("health-dispatch.html")


def test_unavailable_says_why() -> None:
    got = SourceLibrary(SAVED).get("https://elsewhere.example/missing")
    assert isinstance(got, Unavailable)
    assert "no saved copy" in got.why and "--fetch-sources not given" in got.why
    got = SourceLibrary().get("https://elsewhere.example/missing")
    assert "--sources DIR or --fetch-sources" in got.why


def test_a_manifest_entry_whose_file_is_missing_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"https://a.example/x": "gone.html"}), encoding="utf-8")
    got = SourceLibrary(tmp_path).get("https://a.example/x")
    assert isinstance(got, Unavailable) and "saved copy failed" in got.why and "no such file" in got.why


@pytest.mark.parametrize(("content", "problem"), [
    ("{not json", "not valid JSON"),
    ('["a", "b"]', "one JSON object"),
    ('{"https://a.example/x": "../../etc/passwd"}', "outside the sources folder"),
])
def test_a_bad_manifest_is_a_typed_error_naming_it(tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "manifest.json").write_text(content, encoding="utf-8")
    with pytest.raises(DecodeFailure, match=problem) as info:
        SourceLibrary(tmp_path).get("https://a.example/x")
    assert info.value.source.endswith("manifest.json")


def test_sources_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFound, match="folder"):
        SourceLibrary(tmp_path / "nope")


def test_the_knowledge_base_keeps_sources_by_content_hash(tmp_path: Path) -> None:
    from claimgraph.store import schema as t
    from claimgraph.store.database import Store

    with Store(str(tmp_path / "kb.db")) as store:
        first = SourceLibrary(SAVED, store=store).get(HERALD)
        assert first.origin == "folder"
        again = SourceLibrary(store=store).get(HERALD + "/")  # no folder, no fetch: from the KB
        assert isinstance(again, CitedSource) and again.origin == "knowledge base"
        assert (again.document, again.text) == (first.document, first.text)
        counts = store.counts()
        assert counts[t.source_documents.name] == 1 and counts[t.source_urls.name] == 1


def test_a_saved_pdf_is_read_through_the_pdf_reader(tmp_path: Path) -> None:
    from readers_support import canvas_pdf

    (tmp_path / "report.pdf").write_bytes(canvas_pdf([[("The commission approved a loan of 40 million.", 11, 0)]]))
    (tmp_path / "manifest.json").write_text(json.dumps({"https://b.example/report.pdf": "report.pdf"}),
                                            encoding="utf-8")
    got = SourceLibrary(tmp_path).get("https://b.example/report.pdf")
    assert isinstance(got, CitedSource) and got.format == "pdf"
    assert judge("The commission approved a 40 million loan.", SourceText.of(got.text)).label == "supported"


def test_a_manifest_hit_does_not_read_the_other_saved_pages(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The talks ended in a truce.", encoding="utf-8")
    (tmp_path / "broken.html").write_bytes(b"\x00\x01 not a page")
    (tmp_path / "manifest.json").write_text(json.dumps({"https://a.example/": "a.txt"}), encoding="utf-8")
    lib = SourceLibrary(tmp_path)
    assert isinstance(lib.get("https://a.example"), CitedSource)
    assert lib._index is None  # the canonical-URL scan never ran
    assert isinstance(lib.get("https://c.example/other"), Unavailable)  # now it runs, and skips the bad page


def test_gazetteer_aliases_and_acronyms_meet() -> None:
    page = SourceText.of("Officials blamed the TTP for the attack on the checkpoint.")
    got = judge("The Pakistani Taliban attacked the checkpoint.", page)
    # "Pakistani Taliban" is one entity, one unit of the claim, found as "TTP"
    assert got.label == "supported" and "Pakistani" in got.found and "Taliban" not in got.missing_words
    assert not got.missing_names
    us = {t.text: t for t in tokens("He met the US envoy, and they told us.")}
    assert us["US"].content and "@USA" in us["US"].keys and not us["us"].content


def test_fetching_never_reads_a_local_file() -> None:
    got = SourceLibrary(fetch=True).get(str(SAVED / "herald-floods.html"))
    assert isinstance(got, Unavailable) and "only http and https" in got.why


def test_ordinals_and_decades_are_numbers_and_units_stay_words() -> None:
    got = {t.text: t for t in tokens("On the 21st, in the 1990s, 10km away.")}
    assert got["21st"].number == 21 and got["1990s"].number == 1990
    assert got["10"].number == 10 and got["km"].content


def test_nested_cross_validation_scores_the_choice_of_features_too() -> None:
    rng = np.random.default_rng(1)
    n = 150
    x = rng.uniform(size=(n, len(FEATURES)))
    col = FEATURES.index("cover_pair")
    labels = ["supported" if v > 0.6 else "not_supported" if v < 0.2 else "partially_supported" for v in x[:, col]]
    groups = [f"#{i // 2}" for i in range(n)]  # two records an article
    out = train.nested(groups, x, labels, folds=3, repeats=1)
    assert len(out["folds"]) == 3 and sum(f["records"] for f in out["folds"]) == n
    assert all(0 <= f["set"] < len(train.CANDIDATE_SETS) for f in out["folds"])
    assert out["binary_mean"] > 0.8  # every candidate set holds cover_pair, which decides the label here
