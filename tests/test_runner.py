"""The batch runner: failures per document (kind and stage), the time budget, long texts in pieces, worker
processes (order, a worker that dies, workers that cannot start, workers that die with their parent), and the
CLI around it (exit 2, everything good written, escaped names, --out into a missing folder)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from claimgraph import nlp as nlp_stage
from claimgraph.errors import DocumentTooSlow, SourceNotFound, WorkersUnavailable
from claimgraph.runner import (
    Failure,
    JsonLineJob,
    Task,
    failure_of,
    process_task,
    run_batch,
    tasks_of,
    time_limit,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OP_ED = str(EXAMPLES / "op-ed-border-trade.md")
CLEAN = str(EXAMPLES / "clean-report.md")


def _spin(seconds: float) -> None:
    """A pure-Python loop of `seconds` (a stand-in for a runaway regex or parser loop)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


# -- no model ------------------------------------------------------------------------------------------------


def test_budget_stops_a_runaway_loop_in_the_main_thread():
    with pytest.raises(DocumentTooSlow) as info, time_limit(0.2, "slow.md"):
        _spin(30)
    assert info.value.source == "slow.md" and info.value.kind == "too_slow" and "0.2 s" in info.value.message
    with time_limit(5, "quick.md"):  # within budget: nothing raised, and nothing left armed afterwards
        _spin(0.01)
    _spin(0.1)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_budget_stops_a_runaway_loop_in_another_thread():
    caught: list[BaseException] = []

    def work() -> None:
        try:
            with time_limit(0.2, "slow.md"):
                _spin(30)
        except DocumentTooSlow as exc:
            caught.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert not thread.is_alive() and len(caught) == 1 and caught[0].source == "slow.md"


def test_failures_keep_their_kind_and_name_the_stage():
    typed = failure_of(SourceNotFound("no such file", "a.md"), "a.md", "read")
    assert (typed.kind, typed.stage, typed.traceback) == ("not_found", "read", None)
    try:
        int("x" * 5)
    except ValueError as exc:
        internal = failure_of(exc, "b.md", "claims")
    assert (internal.kind, internal.stage) == ("internal", "claims")
    assert internal.message.startswith("ValueError:") and "Traceback" in (internal.traceback or "")


def test_sources_that_name_nothing_stay_in_place(tmp_path):
    (tmp_path / "a.md").write_text("A.", encoding="utf-8")
    tasks = tasks_of([str(tmp_path / "missing.md"), str(tmp_path / "a.md")])
    assert isinstance(tasks[0], Failure) and tasks[0].kind == "not_found" and tasks[0].stage == "expand"
    assert tasks[1] == Task(str(tmp_path / "a.md"))


@pytest.mark.parametrize("limit", [7, 50, 1000])
def test_long_texts_are_cut_into_pieces_that_join_back(limit):
    text = ("A sentence of words. Another one follows here!\nA new line " * 40) + "x" * (limit * 2)
    pieces = nlp_stage.split_long(text, limit)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= limit for p in pieces)
    if limit == 50:  # cut after a line break or sentence end when one is in reach
        assert sum(p.endswith(("\n", ". ", "! ")) for p in pieces) >= len(pieces) // 2


def test_failure_lines_escape_markup_and_hide_tracebacks_unless_debugging():
    from claimgraph.cli import report_failure

    failure = Failure("[bold]x[/bold].md", "internal", "KeyError: '[red]'", "claims", "Traceback: [i]here[/i]\n")
    for debug in (False, True):
        console = Console(file=io.StringIO(), width=200, color_system=None)
        report_failure(console, failure, debug)
        text = console.file.getvalue()
        assert "[bold]x[/bold].md" in text and "KeyError: '[red]'" in text and "(internal, claims)" in text
        assert ("Traceback: [i]here[/i]" in text) is debug


# -- with the model ------------------------------------------------------------------------------------------


def _pipeline_with(nlp, stage: str, action):
    """A real pipeline whose `stage` also runs `action` (a failing or a slow stage)."""
    from claimgraph.core import Pipeline

    pipeline = Pipeline(nlp=nlp)
    pipeline.stages = [(name, (lambda doc, f=fn: (action(doc), f(doc))) if name == stage else fn)
                       for name, fn in pipeline.stages]
    return pipeline


@pytest.mark.model
def test_an_unexpected_error_in_a_stage_fails_only_that_document(nlp):
    def explode(doc):
        if "Border" in doc.text[:200]:
            raise ZeroDivisionError("division by zero")

    pipeline = _pipeline_with(nlp, "entities", explode)
    out = [r for _t, r in run_batch([Task(OP_ED), Task(CLEAN)], JsonLineJob(), pipeline=pipeline)]
    assert isinstance(out[0], Failure) and (out[0].kind, out[0].stage) == ("internal", "entities")
    assert out[0].source == OP_ED and "ZeroDivisionError" in out[0].message
    assert json.loads(out[1])["document"]["source"] == CLEAN


@pytest.mark.model
def test_a_document_over_budget_fails_and_the_next_one_goes_on(nlp):
    pipeline = _pipeline_with(nlp, "claims", lambda doc: _spin(120) if "Border" in doc.text[:200] else None)
    slow = process_task(pipeline, JsonLineJob(), Task(OP_ED), budget=10)
    assert isinstance(slow, Failure) and (slow.kind, slow.stage, slow.source) == ("too_slow", "claims", OP_ED)
    assert "10 s budget" in slow.message
    fine = process_task(pipeline, JsonLineJob(), Task(CLEAN), budget=60)
    assert json.loads(fine)["document"]["source"] == CLEAN


@pytest.mark.model
def test_paragraphs_over_spacys_limit_are_parsed_in_pieces(nlp, monkeypatch):
    from claimgraph.core import Pipeline

    paragraph = " ".join(f"Fighters attacked the town of Bannu on day {i} and officials said {i} people died."
                         for i in range(120))  # ~10,000 characters, one paragraph
    monkeypatch.setattr(nlp, "max_length", 3000)  # spaCy would refuse it whole
    with pytest.raises(ValueError):
        nlp(paragraph)
    doc = Pipeline(nlp=nlp).process_reading(Pipeline(nlp=nlp).read_text(f"A title\n\n{paragraph}\n", "long.txt"))
    assert doc.parsed[0].text == paragraph
    assert len(doc.sentences) >= 100
    assert all(s.span.of(doc.text).endswith("died.") for s in doc.sentences)


@pytest.mark.model
def test_workers_keep_order_and_agree_with_one_process(pipeline, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    sources = [OP_ED, str(tmp_path / "missing.md"), CLEAN, str(empty), str(EXAMPLES / "kb-casualties-a.md")]
    one = [r for _t, r in run_batch(tasks_of(sources), JsonLineJob(), pipeline=pipeline)]
    two = [r for _t, r in run_batch(tasks_of(sources), JsonLineJob(), workers=2, chunk=1)]
    assert one == two
    assert [type(r).__name__ for r in two] == ["str", "Failure", "str", "Failure", "str"]


@pytest.mark.model
def test_a_worker_that_dies_fails_only_its_document(tmp_path):
    from runner_support import KillingJob

    names = ["a.md", "b.md", "kill-me.md", "c.md", "d.md"]
    for name in names:
        (tmp_path / name).write_text(f"# {name}\n\nTroops reached Kabul on 3 May 2021.\n", encoding="utf-8")
    out = [r for _t, r in run_batch([Task(str(tmp_path / n)) for n in names], KillingJob(), workers=2)]
    failed = [r for r in out if isinstance(r, Failure)]
    assert [(Path(f.source).name, f.kind, f.stage) for f in failed] == [("kill-me.md", "internal", "worker")]
    assert [json.loads(r)["document"]["source"] for r in out if isinstance(r, str)] == \
        [str(tmp_path / n) for n in names if n != "kill-me.md"]


@pytest.mark.model
def test_workers_that_cannot_start_stop_the_batch():
    from runner_support import BrokenStartJob

    with pytest.raises(WorkersUnavailable, match="cannot open the output"):
        list(run_batch([Task(OP_ED), Task(CLEAN), Task(OP_ED)], BrokenStartJob(), workers=2))


# -- the command line ----------------------------------------------------------------------------------------


def _claimgraph(*args: str, env: dict[str, str] | None = None, timeout: int = 300):
    return subprocess.run([sys.executable, "-m", "claimgraph.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, "COLUMNS": "200", **(env or {})})


@pytest.mark.model
def test_extract_writes_every_good_document_and_exits_2(tmp_path):
    from claimgraph.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "op-ed.md").write_text(Path(OP_ED).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "clean.md").write_text(Path(CLEAN).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_text("\n\n", encoding="utf-8")
    (folder / "[bold]odd[red].html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "new" / "deeper" / "out.jsonl"  # a folder that does not exist yet
    result = CliRunner().invoke(app, ["extract", str(folder), "--out", str(out)], env={"COLUMNS": "300"})
    assert result.exit_code == 2, result.output
    docs = [json.loads(line)["document"]["source"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(d).name for d in docs) == ["clean.md", "op-ed.md"]
    assert "[bold]odd[red].html" in result.stderr and "empty.txt" in result.stderr
    assert "broken.pdf" in result.stderr and "Traceback" not in result.stderr
    assert not list(out.parent.glob("*.part"))


@pytest.mark.model
def test_extract_budget_and_out_that_cannot_be_made(tmp_path):
    from claimgraph.cli import app

    cli = CliRunner()
    slow = cli.invoke(app, ["extract", CLEAN, "--budget", "0.001"], env={"COLUMNS": "300"})
    assert slow.exit_code == 2 and "too_slow" in slow.stderr and "budget" in slow.stderr and slow.stdout == ""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    bad = cli.invoke(app, ["extract", CLEAN, "--out", str(blocker / "out.jsonl")], env={"COLUMNS": "300"})
    assert bad.exit_code == 2 and "cannot create the folder" in bad.stderr


@pytest.mark.model
def test_workers_whose_model_does_not_load_fail_at_once(tmp_path):
    result = _claimgraph("extract", OP_ED, CLEAN, "--workers", "2", env={"CLAIMGRAPH_MODEL": "no_such_model"})
    assert result.returncode == 2
    assert "could not start" in result.stderr and "no_such_model" in result.stderr
    assert "Traceback" not in result.stderr


def _children(pid: int) -> set[int]:
    """Every live descendant of `pid` (zombies excluded), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


def _alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if state[state.rindex(")") + 2] != "Z":
            out.add(pid)
    return out


@pytest.mark.model
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_an_ingest_leaves_no_worker_behind(tmp_path):
    assert_killed_ingest_leaves_no_worker(tmp_path, "--workers", "2")


def assert_killed_ingest_leaves_no_worker(tmp_path: Path, *options: str) -> None:
    """Start `claimgraph ingest` over 60 ISAF texts with `options` (how its workers are started), kill it once
    two workers and multiprocessing's resource tracker run under it, and fail if any of them outlives it."""
    from kb_support import write_isaf

    write_isaf(tmp_path / "docs", 60)
    proc = subprocess.Popen([sys.executable, "-m", "claimgraph.cli", "ingest", str(tmp_path / "docs"),
                             "--db", str(tmp_path / "kb.db"), *options], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240  # a guard against a hang, not a speed claim
        children: set[int] = set()
        while len(children) < 3:  # two workers and multiprocessing's resource tracker
            assert proc.poll() is None, "ingest ended before it could be killed"
            assert time.monotonic() < deadline, f"no workers started: {children}"
            time.sleep(0.1)
            children = _children(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 60
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _alive(children)
    for pid in left:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left running after their parent was killed: {left}"


def test_masking_markers_by_slices_equals_masking_character_by_character():
    import random
    from types import SimpleNamespace

    from claimgraph.records import Span

    rng = random.Random(7)
    for _ in range(200):
        text = "".join(rng.choice("ab [1]\n") for _ in range(rng.randrange(0, 60)))
        spans = []
        for _ in range(rng.randrange(0, 6)):
            start = rng.randrange(0, len(text) + 1)
            spans.append(Span(start, min(len(text), start + rng.randrange(0, 6))))
        doc = SimpleNamespace(text=text, markers=[SimpleNamespace(span=s) for s in spans])
        chars = list(text)
        for s in spans:
            chars[s.start : s.end] = " " * (s.end - s.start)
        assert nlp_stage.masked_text(doc) == "".join(chars)
