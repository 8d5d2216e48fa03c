"""`claimgraph eval` on WiCE: detection, metrics, --predictions, cross-validation, and the shipped weights
reproduced by claimgraph/sources/train.py. No model is loaded: WiCE does not go through the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED
from typer.testing import CliRunner

from claimgraph.cli import app
from claimgraph.errors import UnsupportedFormat
from claimgraph.evaluate import detect, evaluate
from claimgraph.sources import train
from claimgraph.sources.support import model

WICE = SHARED / "data" / "wice-dev.jsonl"
needs_wice = pytest.mark.skipif(not WICE.is_file(), reason="../shared/data/wice-dev.jsonl is not here")

RECORDS = [  # written for this test
    {"claim": "The bridge over the river opened in 1998.", "label": "supported", "supporting_sentences": [[0]],
     "evidence": ["The bridge over the river opened to traffic in 1998.", "It cost 40 million."]},
    {"claim": "The bridge was designed by a Danish firm and cost 90 million.", "label": "partially_supported",
     "supporting_sentences": [], "evidence": ["The bridge opened in 1998.", "It cost 40 million."]},
    {"claim": "The mayor resigned after the floods.", "label": "not_supported", "supporting_sentences": [],
     "evidence": ["The bridge opened in 1998.", "It cost 40 million."]},
]


def _write(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_wice_file_is_detected_by_name_and_by_its_fields(tmp_path: Path) -> None:
    assert detect(_write(tmp_path / "wice-small.jsonl", RECORDS))[0].kind == "wice"
    assert detect(_write(tmp_path / "claims.jsonl", RECORDS))[0].kind == "wice"


def test_eval_scores_a_small_set_and_writes_predictions(tmp_path: Path) -> None:
    path = _write(tmp_path / "wice-small.jsonl", RECORDS)
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["eval", str(path), "--predictions", str(out), "--json"])
    assert result.exit_code == 0, result.output
    section = json.loads(result.output)["sections"][0]
    assert section["records"] == 3 and "predictions" not in section
    assert set(section["metrics"]) == {"support_binary", "support_three"}  # too few records to cross-validate
    preds = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [p["index"] for p in preds] == [0, 1, 2]
    assert preds[0]["label"] == "supported" and preds[2]["label"] == "not_supported"
    assert all(0 <= p["score"] <= 1 for p in preds)
    assert preds[0]["score"] > max(preds[1]["score"], preds[2]["score"])


def test_eval_half_splits_a_set_scored_from_its_golds_alone(tmp_path: Path) -> None:
    """WiCE has no pipeline items: `--half` splits its golds by their group (here: none, so their index), the
    two halves together being the whole set and each record in the half its key hashes to."""
    from claimgraph.evaluate import gold_key, in_half

    path = _write(tmp_path / "wice-small.jsonl", RECORDS)
    halves = {h: evaluate(str(path), half=h)["sections"][0] for h in "ab"}
    assert sum(s["records"] for s in halves.values()) == len(RECORDS)
    expected = {h: [i for i in range(len(RECORDS)) if in_half(gold_key({"group": f"#{i}", "index": i}), h)]
                for h in "ab"}
    assert {h: s["records"] for h, s in halves.items()} == {h: len(v) for h, v in expected.items()}


def test_a_bad_record_is_a_typed_error_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "wice-bad.jsonl", [RECORDS[0], {"claim": "x", "evidence": "not a list",
                                                             "label": "supported"}])
    with pytest.raises(UnsupportedFormat, match="line 2"):
        evaluate(str(path))


@pytest.fixture(scope="module")
def dev_section():
    (section,) = evaluate(str(WICE), keep_outputs=False)["sections"]
    return section


@needs_wice
def test_wice_dev_cross_validated_balanced_accuracy(dev_section) -> None:
    section = dev_section
    assert section["records"] == 349
    cv = section["cross_validation"]
    assert len(cv["folds"]) == train.FOLDS * train.REPEATS
    assert sum(f["records"] for f in cv["folds"]) == 349 * train.REPEATS
    # The bar for supported vs rest: 0.75 (measured 0.769 +- 0.043); three labels measured 0.640.
    assert section["metrics"]["support_binary_cv"]["value"] >= 0.75
    assert section["metrics"]["support_three_cv"]["value"] >= 0.60


def test_folds_are_grouped_by_article_so_no_article_sits_on_both_sides() -> None:
    records = [{"meta": {"claim_title": f"Article {i // 3}"}} for i in range(60)]
    groups = [train.group_of(r, i) for i, r in enumerate(records)]
    for repeat in range(train.REPEATS):
        folds = {}
        for g in groups:
            folds.setdefault(g, set()).add(train.fold_of(g, train.FOLDS, repeat))
        assert all(len(f) == 1 for f in folds.values())
    assert len({train.fold_of(g, train.FOLDS, 0) for g in groups}) > 1  # the groups do spread over folds
    assert train.group_of({}, 7) == "#7"  # a record without its article is its own group


@needs_wice
def test_the_shipped_weights_are_what_train_py_makes_from_wice_dev() -> None:
    idx, x, labels = train.load(str(WICE))
    fitted = train.fit_model(x, labels, model()["trained"]["l2"])
    shipped = model()
    for part in ("supported", "not_supported"):
        for name, w in fitted[part]["weights"].items():
            assert w == pytest.approx(shipped[part]["weights"][name], abs=1e-4), (part, name)
        assert fitted[part]["threshold"] == pytest.approx(shipped[part]["threshold"], abs=1e-4)
