"""The accuracy gate: the floors file, the comparison (a lowered score fails it), pinning, and `eval --floors`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimgraph.cli import app
from claimgraph.errors import DataFileError, SourceNotFound
from claimgraph.evaluate.gate import DEFAULT_FLOORS, Floor, check, dump_floors, load_floors, pin, score_of


def ratio(num: int, den: int, label: str = "a rate") -> dict:
    return {"kind": "ratio", "label": label, "value": num / den if den else None, "num": num, "den": den}


def prf(p: float, r: float, n_gold: int = 100) -> dict:
    f1 = 2 * p * r / (p + r)
    return {"kind": "prf", "label": "entities", "precision": p, "recall": r, "f1": f1, "matched_sys": 0,
            "n_sys": 0, "matched_gold": 0, "n_gold": n_gold}


def result(**sections: dict) -> dict:
    return {"sections": [{"kind": "x", "name": name, "metrics": metrics} for name, metrics in sections.items()]}


def write_floors(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"floors": entries}), encoding="utf-8")
    return path


def test_a_lowered_score_fails_the_gate(tmp_path: Path) -> None:
    floors = load_floors(write_floors(tmp_path, [
        {"set": "isaf", "metric": "killed", "min": 0.79, "why": "one item"},
        {"set": "re3d", "metric": "entities", "min": 0.70, "why": "one point"},
        {"set": "seed", "metric": "false_alarms", "max": 1, "why": "no rise"},
    ]))
    good = result(isaf={"killed": ratio(56, 69), "new_metric": ratio(1, 9)},
                  re3d={"entities": prf(0.79, 0.65)}, seed={"false_alarms": {"kind": "count", "value": 1}})
    gate = check(good, floors)
    assert gate.passed and not gate.failed
    assert {(r.metric, r.status) for r in gate.rows} >= {("killed", "ok"), ("new_metric", "ungated")}
    # one record fewer is still above 0.79 (55/69 = 0.797); two fewer (54/69 = 0.783) is below
    assert check(result(isaf={"killed": ratio(55, 69)}, **_rest(good)), floors).passed
    lowered = check(result(isaf={"killed": ratio(54, 69)}, **_rest(good)), floors)
    assert not lowered.passed and [(r.metric, r.status) for r in lowered.failed] == [("killed", "below")]
    # an F1 is gated on F1; a count with a ceiling fails when it rises
    assert not check(result(isaf={"killed": ratio(56, 69)}, re3d={"entities": prf(0.60, 0.65)},
                            seed={"false_alarms": {"kind": "count", "value": 1}}), floors).passed
    assert not check(result(isaf={"killed": ratio(56, 69)}, re3d={"entities": prf(0.79, 0.65)},
                            seed={"false_alarms": {"kind": "count", "value": 2}}), floors).passed


def _rest(good: dict) -> dict:
    return {s["name"]: s["metrics"] for s in good["sections"] if s["name"] != "isaf"}


def test_a_missing_or_undefined_score_fails_the_gate(tmp_path: Path) -> None:
    floors = load_floors(write_floors(tmp_path, [{"set": "isaf", "metric": "killed", "min": 0.5, "why": "x"}]))
    assert [r.status for r in check(result(isaf={}), floors).rows] == ["missing"]
    assert [r.status for r in check(result(), floors).rows] == ["missing"]
    assert [r.status for r in check(result(isaf={"killed": ratio(0, 0)}), floors).rows] == ["missing"]


def test_the_pinned_floors_hold_the_measured_scores_and_catch_a_drop() -> None:
    """The repository's floors: each is below the score it was pinned from, with a reason; a result holding
    exactly the measured scores passes, and lowering any one of them past its margin fails."""
    floors = load_floors(DEFAULT_FLOORS)
    assert len(floors) >= 20
    for f in floors:
        assert f.measured is not None and f.why.strip()
        assert (f.low is not None and f.low <= f.measured) or (f.high is not None and f.high >= f.measured)
    sets: dict[str, dict] = {}
    for f in floors:
        sets.setdefault(f.set, {})[f.metric] = {"kind": "ratio", "label": f.metric, "value": f.measured}
    assert check(result(**sets), floors).passed
    for f in floors:
        lowered = json.loads(json.dumps(sets))
        bad = f.low - 0.001 if f.low is not None else f.high + 1
        lowered[f.set][f.metric]["value"] = bad
        gate = check(result(**lowered), floors)
        assert [(r.set, r.metric) for r in gate.failed] == [(f.set, f.metric)]


def test_pinning_follows_the_margin_policy(tmp_path: Path) -> None:
    measured = result(isaf={"killed": ratio(56, 69), "date": ratio(145, 198), "empty": ratio(0, 0)},
                      seeds={"claims_must": ratio(20, 21), "unmatched_findings": {"kind": "count", "value": 1},
                             "system_claims": {"kind": "count", "value": 32}},
                      re3d={"entities": prf(0.8, 0.7, n_gold=1744)})
    entries = {(e["set"], e["metric"]): e for e in pin(measured)}
    assert entries[("isaf", "killed")]["min"] == pytest.approx(55 / 69, abs=1e-4)  # one item of 69
    assert entries[("isaf", "date")]["min"] == pytest.approx(145 / 198 - 0.01, abs=1e-4)  # one point
    assert entries[("seeds", "claims_must")]["min"] == pytest.approx(20 / 21, abs=1e-4)  # no margin
    assert entries[("seeds", "unmatched_findings")]["max"] == 1
    assert ("seeds", "system_claims") not in entries and ("isaf", "empty") not in entries
    assert entries[("re3d", "entities")]["min"] == pytest.approx(score_of(prf(0.8, 0.7)) - 0.01, abs=1e-4)
    text = dump_floors(list(entries.values()), "about")
    assert len(text.splitlines()) == len(entries) + 5  # one entry per line
    (tmp_path / "pinned.json").write_text(text, encoding="utf-8")
    assert check(measured, load_floors(tmp_path / "pinned.json")).passed


@pytest.mark.parametrize(("content", "problem"), [
    ("not json", "not valid JSON"),
    ('{"floor": []}', '"floors" list'),
    ('{"floors": [{"set": "a", "metric": "b", "why": "x"}]}', 'exactly one of "min" and "max"'),
    ('{"floors": [{"set": "a", "metric": "b", "min": 0.5, "max": 0.9, "why": "x"}]}', "exactly one"),
    ('{"floors": [{"set": "a", "metric": "b", "min": "0.5", "why": "x"}]}', "a number"),
    ('{"floors": [{"set": "a", "metric": "b", "min": 0.5}]}', "why"),
    ('{"floors": [{"set": "a", "metric": "b", "min": 0.5, "why": "x"}, {"set": "a", "metric": "b", "min": 0.4, '
     '"why": "y"}]}', "pinned twice"),
])
def test_a_bad_floors_file_is_named(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "floors.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=problem) as err:
        load_floors(path)
    assert err.value.source == str(path)
    with pytest.raises(SourceNotFound):
        load_floors(tmp_path / "none.json")


def test_eval_floors_option_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["eval", str(tmp_path), "--floors", str(DEFAULT_FLOORS), "--limit", "3"])
    assert done.exit_code == 2 and "leave out --limit" in " ".join(done.output.split())
    bad = tmp_path / "floors.json"
    bad.write_text("{", encoding="utf-8")
    done = runner.invoke(app, ["eval", str(tmp_path), "--floors", str(bad)])
    assert done.exit_code == 2 and "not valid JSON" in " ".join(done.output.split())


def test_the_readme_floors_are_the_files() -> None:
    """Every floor the README shows is the one in bench/floors.json (the file is authoritative; a floor the
    README does not show yet is fine, a stale one is not)."""
    readme = (DEFAULT_FLOORS.parent.parent / "README.md").read_text(encoding="utf-8")
    floors = {(f.set, f.metric): f for f in load_floors(DEFAULT_FLOORS)}
    shown = [line.strip("| ").split(" | ") for line in readme.splitlines()
             if line.startswith("| ") and line.rstrip().endswith(("|",)) and (" >= " in line or " <= " in line)]
    assert len(shown) >= 20
    for set_name, metric, _, bound in shown:
        f = floors[(set_name, metric)]
        assert bound == (f">= {f.low:.4f}" if f.low is not None else f"<= {f.high:g}"), (set_name, metric)


def test_errors_are_pinned_as_ceilings() -> None:
    measured = result(isaf={"separate_operations": ratio(0, 4)},
                      news={"false_groups": {"kind": "count", "value": 1},
                            "false_groups_half A": {"kind": "count", "value": 0}})
    entries = {(e["set"], e["metric"]): e for e in pin(measured)}
    assert entries[("isaf", "separate_operations")]["max"] == pytest.approx(0.25)  # one item of 4 above
    assert entries[("news", "false_groups")]["max"] == 2 and entries[("news", "false_groups_half A")]["max"] == 1
    worse = result(isaf={"separate_operations": ratio(2, 4)}, news={"false_groups": {"kind": "count", "value": 3},
                                                                    "false_groups_half A": {"kind": "count",
                                                                                            "value": 0}})
    assert not check(worse, [Floor(s, m, e.get("min"), e.get("max"), e["measured"], e["why"])
                             for (s, m), e in entries.items()]).passed
