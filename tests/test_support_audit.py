"""Checking citations against the cited documents, end to end: a test article written for this, its sources
saved in tests/data/support/saved (and served on 127.0.0.1 for the fetch path), the reports, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from readers_support import Route, local_server
from typer.testing import CliRunner

from claimgraph import report
from claimgraph.cli import app
from claimgraph.contract import document_json
from claimgraph.core import Pipeline
from claimgraph.read import ReadOptions
from claimgraph.sources.get import SourceLibrary
from claimgraph.store.database import Store

pytestmark = pytest.mark.model

DATA = Path(__file__).resolve().parent / "data" / "support"
ARTICLE = DATA / "article.md"
SAVED = DATA / "saved"
SITES = {  # the article's sites -> the saved page each URL names
    "https://delta-herald.example/2024/08/31/monsoon-floods-displace-thousands": "herald-floods.html",
    "https://riverine-business.example/news/2024/09/04/barrage-loan-approved": "riverine-loan.html",
    "https://health-dispatch.example/reports/2024/09/09/hospital-waterborne-disease": "health-dispatch.html",
}


def _by_code(doc) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in doc.findings:
        out.setdefault(f.code, []).append(f)
    return out


def _check_the_article(doc) -> None:
    """The three things the check must show on the test article."""
    found = _by_code(doc)
    text = doc.text
    # a correct citation, found supported, with its passage (document id and offsets into the source's text)
    (ok,) = found["citation.supported"]
    assert text[ok.evidence.start :].startswith("Heavy monsoon floods displaced 12,400")
    assert ok.source.reference == "1" and "12,400 residents" in ok.source.text
    assert len(ok.source.document) == 16
    # the swapped pair: each unsupported, each with the right reference suggested
    unsupported = {text[f.evidence.start : f.evidence.end].split()[1]: f for f in found["citation.unsupported"]}
    assert unsupported["regional"].references == ("3",) and unsupported["regional"].suggestion.references == ("2",)
    assert "$40 million loan" in unsupported["regional"].suggestion.message
    assert unsupported["workers"].references == ("2",) and unsupported["workers"].suggestion.references == ("3",)
    # a figure the source gives differently: both values
    (partial,) = found["citation.partial_support"]
    assert "the source gives 46 where the sentence says 58" in partial.message
    assert "killed 46 people" in partial.source.text
    # every support finding quotes a passage of its source
    for f in doc.findings:
        if f.code in ("citation.supported", "citation.unsupported", "citation.partial_support"):
            assert f.source is not None and f.source.text, f


@pytest.fixture(scope="module")
def checked(nlp, tmp_path_factory):
    db = tmp_path_factory.mktemp("kb") / "kb.db"
    with Store(str(db)) as store:
        doc = Pipeline(nlp=nlp, sources=SourceLibrary(SAVED, store=store)).process(str(ARTICLE))
    return doc, db


def test_citations_are_checked_against_saved_sources(checked) -> None:
    doc, _ = checked
    _check_the_article(doc)
    assert "citation.source_unavailable" not in _by_code(doc)


def test_without_sources_nothing_is_checked(pipeline) -> None:
    doc = pipeline.process(str(ARTICLE))
    assert not [f for f in doc.findings if f.source is not None]
    assert not {"citation.supported", "citation.unsupported"} & {f.code for f in doc.findings}


def test_a_second_check_reads_the_sources_from_the_knowledge_base(checked, nlp) -> None:
    doc, db = checked
    with Store(str(db)) as store:
        library = SourceLibrary(store=store)  # no folder, no fetch
        again = Pipeline(nlp=nlp, sources=library).process(str(ARTICLE))
        assert {library.get(u).origin for u in SITES} == {"knowledge base"}
    assert [(f.code, f.evidence, f.source) for f in again.findings] == [
        (f.code, f.evidence, f.source) for f in doc.findings]


def test_a_source_that_cannot_be_had_is_reported_with_why(nlp, tmp_path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "herald.html").write_bytes((SAVED / "herald-floods.html").read_bytes())
    doc = Pipeline(nlp=nlp, sources=SourceLibrary(folder)).process(str(ARTICLE))
    missing = [f for f in doc.findings if f.code == "citation.source_unavailable"]
    assert sorted(f.references for f in missing) == [("2",), ("3",)]
    assert all("no saved copy" in f.message for f in missing)
    assert "citation.supported" in _by_code(doc)  # [1] was found by its canonical URL


def test_the_json_and_every_report_quote_the_source_passage(checked) -> None:
    doc, _ = checked
    data = document_json(doc)
    quoted = [f for f in data["findings"] if "source" in f]
    assert quoted and all({"reference", "url", "document", "start", "end", "text"} <= set(f["source"])
                          for f in quoted)
    md = report.render_markdown(doc)
    html_page = report.render_html(doc)
    assert "citation.partial\\_support" in md or "citation.partial_support" in md
    assert "killed 46 people" in md and "killed 46 people" in html_page
    assert 'class="source"' in html_page


def test_hostile_source_text_is_escaped_in_reports(nlp, tmp_path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    hostile = ("<html><head><link rel='canonical' href='" + next(iter(SITES)) + "'></head><body><article>"
               "<p>Heavy monsoon floods displaced 12,400 residents of the delta districts by the end of August, "
               "the provincial disaster authority said &lt;script&gt;alert(1)&lt;/script&gt; [bold]x[/bold].</p>"
               "</article></body></html>")
    (folder / "page.html").write_text(hostile, encoding="utf-8")
    doc = Pipeline(nlp=nlp, sources=SourceLibrary(folder)).process(str(ARTICLE))
    assert any("<script>" in (f.source.text if f.source else "") for f in doc.findings)
    assert "<script>" not in report.render_html(doc)
    assert "&lt;script&gt;" in report.render_html(doc)


def test_cli_audit_with_sources_and_db(tmp_path) -> None:
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(app, ["audit", str(ARTICLE), "--sources", str(SAVED), "--db", str(db),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    codes = [f["code"] for f in json.loads(result.output)["findings"]]
    assert {"citation.supported", "citation.unsupported", "citation.partial_support"} <= set(codes)
    offline = CliRunner().invoke(app, ["audit", str(ARTICLE), "--db", str(db), "--format", "markdown"])
    assert offline.exit_code == 0 and "citation.supported" in offline.output


def test_cli_bad_sources_folder_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(app, ["audit", str(ARTICLE), "--sources", str(tmp_path / "none")])
    assert result.exit_code == 2 and "must name a folder" in result.output


@pytest.mark.network
def test_fetch_sources_from_a_local_server_then_offline(nlp, tmp_path) -> None:
    routes = {"/" + name: Route(body=(SAVED / name).read_bytes(), headers={"Content-Type": "text/html"})
              for name in SITES.values()}
    routes["/gone"] = Route(404, b"not here", {"Content-Type": "text/plain"})
    db = tmp_path / "kb.db"
    with local_server(routes) as url:
        text = ARTICLE.read_text(encoding="utf-8")
        for site, name in SITES.items():
            text = text.replace(site, url("/" + name))
        text = text.replace("\n\n[3]", f"\n\n[4] Nowhere. Gone. Available at: <{url('/gone')}>\n\n[3]")
        article = tmp_path / "article.md"
        article.write_text(text, encoding="utf-8")
        refused = Pipeline(nlp=nlp, sources=SourceLibrary(fetch=True)).process(str(article))
        assert all("not public" in f.message or "loopback" in f.message
                   for f in refused.findings if f.code == "citation.source_unavailable")
        with Store(str(db)) as store:
            options = ReadOptions(allow_private=True, timeout=5.0)
            doc = Pipeline(nlp=nlp, sources=SourceLibrary(fetch=True, store=store, read_options=options)).process(
                str(article))
    _check_the_article(doc)
    (gone,) = [f for f in doc.findings if f.code == "citation.source_unavailable"]
    assert gone.references == ("4",) and "HTTP 404" in gone.message
    with Store(str(db)) as store:  # the server is down: a second check reads the knowledge base
        again = Pipeline(nlp=nlp, sources=SourceLibrary(store=store)).process(str(article))
    _check_the_article(again)


def test_an_unused_reference_is_placed_by_its_document_not_only_its_title(nlp, tmp_path) -> None:
    article = tmp_path / "article.md"
    article.write_text(
        "# Notes from the delta\n\nSeptember 2024\n\n"
        "Health workers recorded 340 cholera cases at the district hospital in the first week of September.[1]\n\n"
        "The regional water commission approved a $40 million loan to rebuild the Kestrel barrage.\n\n"
        "## References\n\n"
        "[1] Public Health Dispatch (September 2024). Hospital overwhelmed as waterborne disease spreads. "
        "Available at: <https://health-dispatch.example/reports/2024/09/09/hospital-waterborne-disease>\n\n"
        "[2] Riverine Business Journal (September 2024). Statement. "
        "Available at: <https://riverine-business.example/news/2024/09/04/barrage-loan-approved>\n",
        encoding="utf-8")

    def unused(doc):
        (f,) = [f for f in doc.findings if f.code == "reference.unused"]
        return f

    titles_only = Pipeline(nlp=nlp).process(str(article))
    assert unused(titles_only).suggestion is None  # "Statement" says nothing
    with_sources = Pipeline(nlp=nlp, sources=SourceLibrary(SAVED)).process(str(article))
    suggestion = unused(with_sources).suggestion
    assert suggestion is not None and "Kestrel barrage" in suggestion.span.of(with_sources.text)
