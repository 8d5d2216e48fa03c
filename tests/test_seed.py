"""The seed article end to end, read from ../shared (never copied here): its references parsed as its gold
says, and the sourcing findings its gold marks as must — with no error or warning beyond them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
SEED = SEEDS / "000_b6429a14c6e6ff87.txt"
GOLD = SEEDS / "000_b6429a14c6e6ff87.gold.json"

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not available"),
]


@pytest.fixture(scope="module")
def seed(pipeline):
    from claimgraph.contract import document_json

    return document_json(pipeline.process(str(SEED)))


@pytest.fixture(scope="module")
def gold():
    return json.loads(GOLD.read_text(encoding="utf-8"))


def test_references_parsed_as_gold(seed, gold):
    got = {r["label"]: r for r in seed["references"]}
    assert sorted(got) == sorted(r["label"] for r in gold["references"])
    for g in gold["references"]:
        r = got[g["label"]]
        assert (r["publisher"], r["date"], r["title"]) == (g["publisher"], g["date"], g["title"])
        assert r["url"].startswith("https://")
        assert r["url_date"] == g.get("url_date")


def test_references_cited_where_the_markers_are(seed):
    text = seed["document"]["text"]
    cited = {r["label"]: r["cited_at"] for r in seed["references"]}
    assert cited["6"] == []
    for label in "12345":
        assert [text[c["start"] : c["end"]] for c in cited[label]] == [f"[{label}]"]


def _finding(seed, code, label=None):
    return [f for f in seed["findings"] if f["code"] == code and (label is None or label in f["references"])]


def test_must_findings_of_the_reading_issue(seed):
    text = seed["document"]["text"]
    (predates,) = _finding(seed, "citation.predates_claim")
    assert predates["references"] == ["1"] and "2024" in predates["evidence"]["text"]
    mismatches = {f["references"][0]: f for f in _finding(seed, "citation.mismatch")}
    assert mismatches["1"]["suggestion"]["references"] == ["2"]
    assert mismatches["2"]["suggestion"]["references"] == ["1"]
    assert all("swapped" in f["message"] for f in mismatches.values())
    (unused,) = _finding(seed, "reference.unused")
    assert unused["references"] == ["6"]
    (figure,) = _finding(seed, "claim.uncited_figure")
    assert "35m" in figure["evidence"]["text"]
    for f in seed["findings"]:
        assert text[f["evidence"]["start"] : f["evidence"]["end"]] == f["evidence"]["text"]


def test_no_other_errors_or_warnings(seed):
    expected = {"citation.predates_claim", "citation.mismatch", "reference.unused", "claim.uncited_figure",
                "claim.uncited_speculation", "quote.mismatch"}
    assert {f["code"] for f in seed["findings"] if f["severity"] in ("error", "warning")} <= expected


def test_publication_date_inferred(seed):
    inferred = seed["document"]["published_inferred"]
    assert seed["document"]["published"] is None
    assert inferred["not_before"] == "2025-01" and inferred["not_after"].startswith("2025-0")


def test_seed_scores(seed, gold):
    """The bars of the entity and claim issues, scored with the reference scorer's rules."""
    from claimgraph.evaluate.seed import score_document, seed_summary

    counts = score_document(gold, seed)
    summary = seed_summary(counts)
    assert counts["entities_found"] >= 27 and summary["linking"] >= 0.9 and not counts["splits"]
    assert summary["claims_must"] >= 0.8 and summary["findings_must"] == 1.0


def test_speculation_total_and_quote_findings(seed):
    (spec,) = [f for f in _finding(seed, "claim.uncited_speculation") if "deliberately" in f["evidence"]["text"]]
    assert spec["severity"] == "warning"
    (total,) = _finding(seed, "figure.consistent_total")
    assert total["references"] == ["2"] and "685 + 915 = 1,600" in total["message"]
    (quote,) = _finding(seed, "quote.mismatch")
    assert "Fatir" in quote["evidence"]["text"]
