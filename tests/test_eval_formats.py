"""`claimgraph eval` end to end on tiny hand-built gold sets: recognising formats, loading them, running a
stand-in pipeline, failures, the JSON result and the tables. The seed port is checked against
../shared/tools/score_seed.py; one model test runs the real pipeline on the real seed.

No gold text is copied here: every gold file is written by the tests into a temporary folder.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from claimgraph.document import Document
from claimgraph.errors import SourceNotFound, UnsupportedFormat
from claimgraph.evaluate import evaluate, render
from claimgraph.evaluate import isaf as isaf_mod
from claimgraph.evaluate import re3d as re3d_mod
from claimgraph.evaluate.detect import detect
from claimgraph.evaluate.seed import score_document, seed_summary

SHARED = Path(__file__).parents[1].parent / "shared"
SCORE_SEED = SHARED / "tools" / "score_seed.py"
REAL_SEED = SHARED / "seeds" / "000_b6429a14c6e6ff87.txt"


# ----------------------------------------------------------------------------------------- building gold


def write_jsonl(path: Path, rows: list[dict], bom: bool = False) -> None:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def make_seed(folder: Path, name: str = "doc") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("Alpha attacked Beta.\n", encoding="utf-8")
    gold = {"seed": f"{name}.txt",
            "entities": [{"key": "A", "mentions": ["Alpha"]}, {"key": "B", "mentions": ["Beta"]}],
            "claims": [{"subject": "A", "predicate": ["ASSAULT"], "object": "B", "anchor": "Alpha attacked",
                        "must": True}],
            "findings": []}
    (folder / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return folder / f"{name}.gold.json"


def make_isaf(path: Path) -> Path:
    base = {"start_date": "2011-02-21", "province": ["kunar"], "target_group": ["taliban"], "min_captured": 0}
    write_jsonl(path, [
        {"id": "same", "text": "Forces killed two insurgents in Kunar.", "gold": {**base, "min_killed": 2}},
        {"id": "same", "text": "Nothing happened.", "gold": {**base, "min_killed": 0}},
        {"id": "other", "text": "BOOM this record breaks the stand-in pipeline.", "gold": {**base, "min_killed": 1}},
    ])
    return path


def make_plover(path: Path) -> Path:
    write_jsonl(path, [{"id": "P1", "event": "FIGHT", "text": "Alpha attacked Beta.", "textInfo": {"markup": ""},
                        "source": [{"actorText": "Alpha", "code": "AAA"}], "target": None}])
    return path


def make_re3d(folder: Path) -> Path:
    sub = folder / "Source A"
    sub.mkdir(parents=True)
    text = "Alpha attacked Beta\nin Gamma."
    write_jsonl(sub / "documents.json", [{"_id": "D1", "title": "t", "text": text}], bom=True)
    write_jsonl(sub / "entities.json", [
        {"documentId": "D1", "begin": 0, "end": 5, "type": "Organisation", "value": "Alpha", "confidence": 1},
        {"documentId": "D1", "begin": 0, "end": 5, "type": "Organisation", "value": "Alpha", "confidence": 0.9},
        {"documentId": "D1", "begin": 15, "end": 19, "type": "Organisation", "value": "Beta", "confidence": 0.4},
        {"documentId": "D1", "begin": 23, "end": 28, "type": "Location", "value": "Gamma", "confidence": 0.5},
        {"documentId": "D1", "begin": 23, "end": 28, "type": "Temporal", "value": "Gamma", "confidence": 1},
    ], bom=True)
    write_jsonl(sub / "relations.json", [
        {"documentId": "D1", "type": "FightingAgainst", "sourceBegin": 0, "sourceEnd": 5, "targetBegin": 15,
         "targetEnd": 19, "begin": 6, "end": 14, "confidence": 0.8},
        {"documentId": "D1", "type": "CoLocated", "sourceBegin": 0, "sourceEnd": 5, "targetBegin": 23,
         "targetEnd": 28, "begin": 20, "end": 22, "confidence": 1},
    ], bom=True)
    return folder


@pytest.fixture
def gold_tree(tmp_path: Path) -> Path:
    make_seed(tmp_path / "seeds")
    data = tmp_path / "data"
    data.mkdir()
    make_isaf(data / "isaf-dev.jsonl")
    make_plover(data / "plover-gsr-dev.jsonl")
    make_re3d(data / "re3d-dev")
    return tmp_path


class StandIn:
    """A pipeline that finds 'Alpha' and 'Beta' (armed groups), 'Gamma' and 'Kunar' (places), one ASSAULT
    claim, and a figure when the text says 'killed two'; raises on 'BOOM'. Its entities and claims are JSON
    dicts, put into the export by the `standin_export` fixture (the record types are not its concern)."""

    def process_reading(self, reading):
        text = reading.text
        if "BOOM" in text:
            raise RuntimeError("stand-in failure")
        doc = Document(reading)
        ents = []
        for name, typ in (("Alpha", "armed_group"), ("Beta", "armed_group"), ("Gamma", "place"),
                          ("Kunar", "place")):
            at = text.find(name)
            if at >= 0:
                ents.append({"id": name.upper(), "name": name, "type": typ, "country": None,
                             "mentions": [{"start": at, "end": at + len(name), "text": name}]})
        claims = []
        if "Alpha" in text and "Beta" in text:
            claims.append({"id": "c1", "subject": ["ALPHA"], "predicate": "ASSAULT", "object": ["BETA"],
                           "evidence": {"start": 0, "end": len(text)}, "quantities": [], "time": None})
        if "killed two" in text:
            claims.append({"id": "c2", "subject": [], "predicate": "ASSAULT", "object": [],
                           "evidence": {"start": 0, "end": len(text)}, "time": {"start": "2011-02-21"},
                           "quantities": [{"value": 2, "what": "killed", "whom": "insurgents", "start": 14,
                                           "end": 17}]})
        doc.standin = {"entities": ents, "claims": claims}
        return doc


@pytest.fixture
def standin_export(monkeypatch):
    """`contract.document_json` of the real document, with the stand-in's entities and claims."""
    from claimgraph import contract

    real = contract.document_json

    def document_json(doc):
        out = real(doc)
        out.update(getattr(doc, "standin", {}))
        return out

    monkeypatch.setattr(contract, "document_json", document_json)


# ----------------------------------------------------------------------------------------- detect


def test_detect_each_format_and_a_tree(gold_tree: Path):
    kinds = sorted(s.kind for s in detect(gold_tree))
    assert kinds == ["isaf", "plover", "re3d", "seed"]
    assert [s.kind for s in detect(gold_tree / "seeds" / "doc.gold.json")] == ["seed"]
    assert [s.kind for s in detect(gold_tree / "seeds" / "doc.txt")] == ["seed"]
    assert [s.kind for s in detect(gold_tree / "seeds")] == ["seed"]
    assert [s.kind for s in detect(gold_tree / "data" / "isaf-dev.jsonl")] == ["isaf"]
    assert [s.kind for s in detect(gold_tree / "data" / "plover-gsr-dev.jsonl")] == ["plover"]
    (re3d,) = detect(gold_tree / "data" / "re3d-dev")
    assert re3d.kind == "re3d" and [f.name for f in re3d.files] == ["Source A"]
    (one,) = detect(gold_tree / "data" / "re3d-dev" / "Source A")
    assert one.kind == "re3d"


def test_detect_sniffs_renamed_jsonl(gold_tree: Path, tmp_path: Path):
    renamed = tmp_path / "events.jsonl"
    renamed.write_bytes((gold_tree / "data" / "plover-gsr-dev.jsonl").read_bytes())
    assert [s.kind for s in detect(renamed)] == ["plover"]


def test_detect_bad_paths(tmp_path: Path):
    with pytest.raises(SourceNotFound):
        detect(tmp_path / "missing")
    with pytest.raises(UnsupportedFormat):
        detect(tmp_path)  # an empty folder
    lone = tmp_path / "lone.txt"
    lone.write_text("no gold beside me", encoding="utf-8")
    with pytest.raises(UnsupportedFormat):
        detect(lone)


# ----------------------------------------------------------------------------------------- loaders


def test_re3d_loader_reads_bom_filters_confidence_and_dedupes(gold_tree: Path):
    (src,) = detect(gold_tree / "data" / "re3d-dev")
    items, golds = re3d_mod.load(src)
    assert [i.id for i in items] == ["Source A:D1"]
    assert golds[0]["entities"] == [((0, 5), "Organisation"), ((23, 28), "Location")]  # 0.4 dropped, dup once
    assert golds[0]["relations"] == [("FightingAgainst", (0, 5), (15, 19))]  # CoLocated not scored
    assert re3d_mod.load(src, limit=0)[0] == []


def test_isaf_loader_keys_records_by_line(gold_tree: Path):
    (src,) = detect(gold_tree / "data" / "isaf-dev.jsonl")
    items, golds = isaf_mod.load(src, limit=2)
    assert [i.id for i in items] == ["isaf-dev.jsonl:1", "isaf-dev.jsonl:2"]  # gold ids repeat
    assert [g["min_killed"] for g in golds] == [2, 0]


# ----------------------------------------------------------------------------------------- evaluate


def test_evaluate_tree_with_stand_in_pipeline(gold_tree: Path, standin_export):
    result = evaluate(str(gold_tree), pipeline=StandIn())
    json.dumps(result)  # JSON-able as it is
    by = {s["kind"]: s for s in result["sections"]}
    assert result["records"] == 6 and result["failed"] == 1

    m = by["seed"]["metrics"]
    assert (m["entities_found"]["num"], m["entities_found"]["den"]) == (2, 2)
    assert (m["claims_must"]["num"], m["claims_must"]["den"]) == (1, 1)

    s = by["isaf"]
    assert s["failed"] == 1 and s["failures"][0]["id"] == "isaf-dev.jsonl:3"
    assert "stand-in failure" in s["failures"][0]["error"] and "Traceback" in s["failures"][0]["traceback"]
    m = s["metrics"]
    # killed gold (2, 0, 1) vs system (2, 0, failed = 0): TP 1, FN 1; exact 1 of 2 scored
    assert (m["killed_presence"]["precision"], m["killed_presence"]["recall"]) == (1.0, 0.5)
    assert (m["killed_exact"]["num"], m["killed_exact"]["den"]) == (1, 2)
    assert (m["event_date"]["num"], m["event_date"]["den"]) == (1, 3)
    assert (m["province"]["num"], m["province"]["den"]) == (1, 3)
    assert (m["armed_group"]["num"], m["armed_group"]["den"]) == (0, 3)

    m = by["plover"]["metrics"]
    assert (m["event_among_claims"]["value"], m["event_first_claim"]["value"]) == (1.0, 1.0)  # FIGHT = ASSAULT
    assert m["source_country"]["value"] == 0.0  # the stand-in gives no country

    m = by["re3d"]["metrics"]
    # the reader joins lines; offsets are aligned back: Alpha (Org) and Gamma (Location) found; Beta was 0.4
    assert m["entity_organisation"]["recall"] == 1.0 and m["entity_organisation"]["precision"] == 0.5
    assert m["entity_location"]["recall"] == 1.0
    assert m["relation_FightingAgainst"]["value"] == 1.0


def test_evaluate_limit_and_empty_pipeline_output(gold_tree: Path):
    class Nothing:
        def process_reading(self, reading):
            return Document(reading)

    result = evaluate(str(gold_tree / "data"), limit=1, pipeline=Nothing(), keep_outputs=True)
    assert [s["records"] for s in result["sections"]] == [1, 1, 1]
    assert all(len(s["outputs"]) == s["records"] for s in result["sections"])
    by = {s["kind"]: s for s in result["sections"]}
    assert by["isaf"]["metrics"]["killed_presence"]["recall"] == 0.0
    assert by["re3d"]["metrics"]["entity_untyped"]["precision"] is None


def test_render_prints_every_section(gold_tree: Path, standin_export):
    result = evaluate(str(gold_tree), pipeline=StandIn())
    out = io.StringIO()
    render(result, Console(file=out, width=140, force_terminal=False))
    text = out.getvalue()
    for title in ("seed gold — seeds", "ISAF — isaf-dev.jsonl", "PLOVER — plover-gsr-dev.jsonl", "re3d — re3d-dev"):
        assert title in text
    assert "killed: presence" in text and "n/a" in text
    assert "failed isaf-dev.jsonl:3: RuntimeError: stand-in failure" in text
    assert "seed score: entities 1.00" in text


# ----------------------------------------------------------------------------------------- seed vs score_seed.py


def parse_score_seed(stdout: str) -> dict:
    ent = re.search(r"entities: (\d+)/(\d+) gold entities found; mention linking ([\d.]+) over (\d+) gold mentions;"
                    r" split across ids: (.*)", stdout)
    cla = re.search(r"claims: +must (\d+)/(\d+), stretch (\d+)/(\d+); system claims (\d+)", stdout)
    fin = re.search(r"findings: must (\d+)/(\d+), stretch (\d+)/(\d+); unmatched system errors/warnings (\d+)",
                    stdout)
    summ = re.search(r"seed score: entities ([\d.]+) linking ([\d.]+) claims\(must\) ([\d.]+) "
                     r"findings\(must\) ([\d.]+) unmatched-findings (\d+)", stdout)
    assert ent and cla and fin and summ, stdout
    return {"entities": (int(ent[1]), int(ent[2])), "linking": ent[3], "gold_mentions": int(ent[4]),
            "claims": tuple(int(x) for x in cla.groups()), "findings": tuple(int(x) for x in fin.groups()),
            "summary": (summ[1], summ[2], summ[3], summ[4], int(summ[5]))}


def ours_as_printed(c: dict, s: dict) -> dict:
    return {"entities": (c["entities_found"], c["entities_gold"]), "linking": f"{s['linking']:.2f}",
            "gold_mentions": c["mentions_gold"],
            "claims": (c["claims_must"], c["claims_must_gold"], c["claims_stretch"], c["claims_stretch_gold"],
                       c["system_claims"]),
            "findings": (c["findings_must"], c["findings_must_gold"], c["findings_stretch"],
                         c["findings_stretch_gold"], c["unmatched_findings"]),
            "summary": (f"{s['entities']:.2f}", f"{s['linking']:.2f}", f"{s['claims_must']:.2f}",
                        f"{s['findings_must']:.2f}", s["unmatched_findings"])}


def run_score_seed(gold: Path, system: dict, tmp_path: Path) -> dict:
    sys_path = tmp_path / "system.json"
    sys_path.write_text(json.dumps(system), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(SCORE_SEED), str(gold), str(sys_path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return parse_score_seed(proc.stdout)


@pytest.mark.skipif(not SCORE_SEED.is_file(), reason="../shared/tools/score_seed.py is absent")
def test_seed_port_equals_score_seed_on_a_hand_built_case(tmp_path: Path):
    from test_eval_metrics import SEED_GOLD, seed_system

    gold = tmp_path / "x.gold.json"
    gold.write_text(json.dumps(SEED_GOLD), encoding="utf-8")
    for system in (seed_system(), {"document": seed_system()["document"]}):
        c = score_document(SEED_GOLD, system)
        assert ours_as_printed(c, seed_summary(c)) == run_score_seed(gold, system, tmp_path)


@pytest.mark.model
@pytest.mark.skipif(not (REAL_SEED.is_file() and SCORE_SEED.is_file()), reason="../shared seed or tool absent")
def test_real_seed_numbers_equal_score_seed(tmp_path: Path):
    result = evaluate(str(REAL_SEED), workers=2, keep_outputs=True)  # a pool of one worker (one document)
    (section,) = result["sections"]
    assert section["failed"] == 0, section["failures"]
    (doc,) = section["documents"]
    gold = Path(doc["gold"])
    expected = run_score_seed(gold, section["outputs"][0], tmp_path)
    assert ours_as_printed(doc["counts"], doc["summary"]) == expected
    m = section["metrics"]
    assert (m["entities_found"]["num"], m["entities_found"]["den"]) == expected["entities"]
    assert (m["findings_must"]["num"], m["findings_must"]["den"]) == expected["findings"][:2]


def _q(start, what, whom, value, low=None, restates=None):
    return {"start": start, "end": start + 5, "what": what, "whom": whom, "value": value, "low": low,
            "restates": restates}


def test_isaf_counts_each_figure_once_and_skips_restatements():
    from claimgraph.evaluate import isaf

    system = {"claims": [
        {"quantities": [_q(0, "arrested", "militants", 2)]},  # the summary line
        # the detail restates the summary (claims/tally.py set `restates`); a capture adds one
        {"quantities": [_q(90, "arrested", "militants", 2, restates={"start": 0, "end": 5}),
                        _q(120, "captured", "militants", 1)]},
        {"quantities": [_q(200, "killed", "militants", 3)]},
        {"quantities": [_q(200, "killed", "militants", 3)]},  # the same figure in a second claim
        {"negated": True, "quantities": [_q(300, "killed", "civilians", 4)]},  # "no civilians were killed"
        {"modality": "speculative", "quantities": [_q(400, "killed", "officials", 2)]},  # "suspected in ..."
        # "17 leaders were captured in the last month": a tally over a period, not the operation's
        {"time": {"start": "2010-07-08", "end": "2010-08-07"}, "quantities": [_q(500, "captured", "leaders", 17)]},
        {"time": {"start": "2010-08-06", "end": "2010-08-06"}, "quantities": [_q(600, "killed", "militants", 1)]},
    ]}
    assert isaf.system_captured(system) == 3 and isaf.system_killed(system) == 4


def test_isaf_takes_a_figures_least_value_and_the_first_dispatch():
    from claimgraph.evaluate import isaf

    system = {
        "document": {"dispatches": [{"start": 0, "end": 100, "date": None}, {"start": 105, "end": 200, "date": None}]},
        "claims": [
            {"evidence": {"start": 10, "end": 40}, "quantities": [_q(10, "killed", "militants", 30, low=31)]},
            # the next release restates the first: the gold codes the first release only
            {"evidence": {"start": 120, "end": 150}, "quantities": [_q(120, "killed", "militants", 2)]},
        ],
    }
    assert isaf.system_killed(system) == 31  # "more than 30" is at least 31
    system["document"]["dispatches"] = system["document"]["dispatches"][:1]
    assert isaf.system_killed(system) == 33


def test_isaf_event_date_prefers_a_claim_of_the_week_before_the_release():
    from claimgraph.evaluate import isaf

    def claim(start):
        return {"time": {"start": start, "end": start}, "quantities": []}

    system = {"document": {"published": "2012-09-17"}, "claims": [claim("2012-05-11"), claim("2012-09-15")]}
    assert isaf.system_date(system) == "2012-09-15"
    system["claims"] = [claim("2012-05-11")]
    assert isaf.system_date(system) == "2012-05-11"
    system["claims"] = []
    assert isaf.system_date(system) == "2012-09-17"


# ----------------------------------------------------------------------------------------- real news

SCORE_REAL_NEWS = SHARED / "tools" / "score_real_news.py"
REAL_NEWS = SHARED / "data" / "real-news-dev"


def make_real_news(folder: Path) -> Path:
    """Three invented reports of two incidents: two tolls of one attack that differ, and one of another."""
    arts = folder / "articles"
    arts.mkdir(parents=True)
    texts = {
        "01-bannu-raid-alpha.txt": "Gunmen storm Bannu market\n\nPublished 3 May 2024\n\n"
                                   "Gunmen killed 12 people in Bannu on Thursday, police said.\n",
        "02-bannu-raid-beta.txt": "Bannu market toll rises\n\nPublished 4 May 2024\n\n"
                                  "At least 15 people were killed in the raid in Bannu on Thursday, officials said.\n",
        "03-quetta-blast-gamma.txt": "Blast in Quetta\n\nPublished 3 May 2024\n\n"
                                     "A bomb killed 9 people in Quetta on Thursday, police said.\n",
    }
    for name, text in texts.items():
        (arts / name).write_text(text, encoding="utf-8")
    gold = {
        "disagreements": [{"about": "people killed in the market raid",
                           "values": {"01-bannu-raid-alpha.txt": [12, "12 people"],
                                      "02-bannu-raid-beta.txt": [15, "At least 15 people"]}}],
        "agreements": [],
        "claims": [{"file": "01-bannu-raid-alpha.txt", "subject": None, "predicate": "ASSAULT", "object": None,
                    "time": "2024-05-02", "place": "Bannu",
                    "quantity": {"value": 12, "what": "killed", "whom": "people"},
                    "evidence": "Gunmen killed 12 people in Bannu on Thursday, police said."},
                   {"file": "03-quetta-blast-gamma.txt", "subject": "Nobody", "predicate": "ASSAULT",
                    "object": None, "time": None, "place": "Quetta",
                    "quantity": {"value": 9, "what": "killed", "whom": "people"},
                    "evidence": "A bomb killed 9 people in Quetta on Thursday, police said."}],
    }
    (folder / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return folder


def test_detect_real_news_folder_and_bad_gold(tmp_path: Path):
    folder = make_real_news(tmp_path / "rn")
    (src,) = detect(folder)
    assert src.kind == "realnews"
    (folder / "gold.json").write_text("{}", encoding="utf-8")
    from claimgraph.evaluate import realnews

    with pytest.raises(UnsupportedFormat, match="no 'disagreements' list"):
        realnews.load(src)


def test_real_news_halves_are_a_fixed_split():
    from claimgraph.evaluate.realnews import half, incident

    assert incident("07-some-long-incident-outlet.txt") == "some-long-incident"
    assert {half(f"incident-{i}") for i in range(20)} == {"A", "B"}
    assert half("incident-3") == half("incident-3")


@pytest.mark.model
def test_real_news_scorer_on_invented_reports(tmp_path: Path, pipeline):
    result = evaluate(str(make_real_news(tmp_path / "rn")), pipeline=pipeline)
    (s,) = result["sections"]
    m = s["metrics"]
    assert (m["disagreements_found"]["num"], m["disagreements_found"]["den"]) == (1, 1)
    assert (m["disagreements_clean"]["num"], m["false_groups"]["value"]) == (1, 0)  # Quetta's 9 is apart
    # the first claim is found (no subject asked, predicate, value); the second names a subject no claim has
    assert (m["claims_0"]["num"], m["claims_0"]["den"]) == (1, 2)
    assert (m["claims_3"]["num"], m["claims_3"]["den"]) == (2, 2)
    assert m["precision_value"]["value"] == 1.0
    out = io.StringIO()
    render(result, Console(file=out, width=140, force_terminal=False))
    assert "[found] people killed in the market raid" in out.getvalue()


def _tool_figures(stdout: str) -> dict:
    dis = re.search(r"Gold disagreements found: (\d+)/(\d+) \((\d+) clean\)", stdout)
    false = re.search(r"false \(match no gold disagreement\): (\d+)", stdout)
    agr = re.search(r"Gold agreements found: (\d+)/(\d+)", stdout)
    strict = re.search(r"pred\+subj\+value, same sentence\s+(\d+)/(\d+)", stdout)
    assert dis and false and agr and strict, stdout
    return {"found": int(dis[1]), "clean": int(dis[3]), "false": int(false[1]), "agreements": int(agr[1]),
            "strict": int(strict[1])}


@pytest.mark.model
@pytest.mark.skipif(not (SCORE_REAL_NEWS.is_file() and REAL_NEWS.is_dir()), reason="../shared real news absent")
def test_real_news_numbers_equal_score_real_news(pipeline):
    """The eval's figures are the set scorer's, number for number (the tool runs the installed CLI)."""
    cli = Path(sys.executable).with_name("claimgraph")
    proc = subprocess.run([sys.executable, str(SCORE_REAL_NEWS)], capture_output=True, text=True, timeout=600,
                          check=False, cwd=Path(__file__).parents[1], env={"CLAIMGRAPH": str(cli), "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    tool = _tool_figures(proc.stdout)
    m = evaluate(str(REAL_NEWS), pipeline=pipeline)["sections"][0]["metrics"]
    assert tool == {"found": m["disagreements_found"]["num"], "clean": m["disagreements_clean"]["num"],
                    "false": m["false_groups"]["value"], "agreements": m["agreements_found"]["num"],
                    "strict": m["claims_0"]["num"]}


def test_real_news_predicate_precision_skips_predicates_the_gold_never_uses():
    """The gold annotates events: a standing relation in its sentence ("the X-backed Y" -> SUPPORT) is not a
    wrong predicate, while a wrong event type still is."""
    from claimgraph.evaluate.realnews import field_precision

    text = "Rebels backed by a neighbour attacked the town. Police arrested two men."
    gold = {"claims": [
        {"file": "01-a-x.txt", "subject": "Rebels", "predicate": "ASSAULT", "object": None, "time": None,
         "place": None, "quantity": None, "evidence": "Rebels backed by a neighbour attacked the town."},
        {"file": "01-a-x.txt", "subject": "Police", "predicate": "COERCE", "object": None, "time": None,
         "place": None, "quantity": None, "evidence": "Police arrested two men."}]}

    def claim(predicate: str, start: int) -> dict:
        return {"predicate": predicate, "subject": [], "place": [], "quantities": [], "evidence": {"start": start}}

    second = text.index("Police")
    doc = {"document": {"text": text}, "entities": [],
           "claims": [claim("ASSAULT", 0), claim("SUPPORT", 0), claim("ASSAULT", second)]}
    # SUPPORT is no predicate of the gold: not counted; the ASSAULT in the arrest's sentence is wrong
    assert field_precision(gold, {"01-a-x.txt": doc})["predicate"] == (1, 2)
