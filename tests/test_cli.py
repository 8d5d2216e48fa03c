"""The command line: reports, the JSON contract, exit codes, batches with bad inputs, hostile text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimgraph.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

pytestmark = pytest.mark.model

OP_ED = str(EXAMPLES / "op-ed-border-trade.md")
CLEAN = str(EXAMPLES / "clean-report.md")
runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_audit_text_report_shows_references_and_findings():
    result = invoke("audit", OP_ED)
    assert result.exit_code == 0, result.output
    for expected in (
        "References (8)",
        "Khyber Courier",
        "citation.unresolved",
        "citation.mismatch",
        "look swapped",
        "reference.unused",
        "claim.uncited_figure",
    ):
        assert expected in result.output


def test_audit_json_is_the_contract_and_offsets_hold():
    result = invoke("audit", OP_ED, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) >= {"document", "entities", "claims", "references", "findings"}
    doc = data["document"]
    assert set(doc) >= {
        "id",
        "source",
        "title",
        "authors",
        "published",
        "published_inferred",
        "language",
        "text",
    }
    text = doc["text"]
    for f in data["findings"]:
        assert set(f) >= {"code", "severity", "message", "evidence", "references", "suggestion"}
        assert text[f["evidence"]["start"] : f["evidence"]["end"]] == f["evidence"]["text"]
    for r in data["references"]:
        assert set(r) >= {"label", "publisher", "date", "title", "url", "url_date", "cited_at"}
        for spot in r["cited_at"]:
            assert text[spot["start"] : spot["end"]] == f"[{r['label']}]"


def test_fail_on_error_exit_codes():
    assert invoke("audit", OP_ED, "--fail-on", "error").exit_code == 1
    assert invoke("audit", CLEAN, "--fail-on", "warning").exit_code == 0
    assert invoke("audit", OP_ED).exit_code == 0


def test_bad_input_exits_2_and_names_the_file(tmp_path):
    missing = tmp_path / "nope.md"
    result = invoke("audit", str(missing))
    assert result.exit_code == 2
    assert "nope.md" in result.stderr


def test_usage_error_exits_2():
    assert invoke("audit", OP_ED, "--format", "yaml").exit_code == 2
    assert invoke("frobnicate").exit_code == 2


def test_extract_batch_goes_on_past_bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    out = tmp_path / "out.jsonl"
    result = invoke("extract", OP_ED, str(empty), str(binary), CLEAN, "--out", str(out))
    assert result.exit_code == 2
    assert "empty.txt" in result.stderr and "image.html" in result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["document"]["source"] for line in lines] == [OP_ED, CLEAN]


def test_extract_stdin():
    text = (
        "# A title\n\nRain fell on Lahore in July 2022 [1].\n\n## References\n\n[1] Dawn (July 2022). Rain.\n"
    )
    result = invoke("extract", "-", input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["document"]["source"] == "-" and data["references"][0]["publisher"] == "Dawn"


def test_reports_escape_hostile_text(tmp_path):
    hostile = tmp_path / "hostile.md"
    hostile.write_text(
        "# Title <script>alert(1)</script> [bold red]x[/]\n\n"
        "About 40 civilians were killed <img src=x onerror=alert(2)> in the raid.\n",
        encoding="utf-8",
    )
    html = invoke("audit", str(hostile), "--format", "html")
    assert html.exit_code == 0
    assert "<script>" not in html.stdout and "<img" not in html.stdout
    text = invoke("audit", str(hostile))
    assert text.exit_code == 0 and "[bold red]x[/]" in text.stdout
    md = invoke("audit", str(hostile), "--format", "markdown")
    assert "<img" not in md.stdout


def test_markdown_report_to_file(tmp_path):
    out = tmp_path / "report.md"
    result = invoke("audit", OP_ED, "--format", "markdown", "--out", str(out))
    assert result.exit_code == 0
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# Sourcing audit") and "`citation.predates_claim`" in report


SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def test_eval_bad_path_exits_2(tmp_path):
    result = invoke("eval", str(tmp_path / "nothing-here"))
    assert result.exit_code == 2 and "nothing-here" in result.stderr


@pytest.mark.skipif(not SEEDS.exists(), reason="the shared seed is not available")
def test_eval_seed_json():
    result = invoke("eval", str(SEEDS), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (section,) = data["sections"]
    assert section["kind"] == "seed" and section["metrics"]["entities_found"]["den"] == 29


def test_audit_lists_claims_per_paragraph():
    result = invoke("audit", CLEAN, "--claims")
    assert result.exit_code == 0 and "Claims:" in result.output and "─ paragraph " in result.output
    md = invoke("audit", CLEAN, "--claims", "--format", "markdown")
    assert "## Claims" in md.stdout and "### Paragraph" in md.stdout
