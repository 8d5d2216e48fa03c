"""The source-support findings in the knowledge base and in `claimgraph serve`'s article view: `ingest --sources`
checks each citation against the saved source (tests/data/support/saved), keeps the sources by content hash,
and the article page shows each finding's best source passage beside it, escaped, in a real browser
(Debian's chromium driven by Playwright, as tests/test_web_browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner
from web_support import CHROMIUM, CHROMIUM_ARGS, get_json, http, live_server

from claimgraph.cli import app
from claimgraph.store import schema as t
from claimgraph.store.database import Store
from claimgraph.web import create_app

pytestmark = [pytest.mark.model, pytest.mark.network]

DATA = Path(__file__).resolve().parent / "data" / "support"
ARTICLE = DATA / "article.md"
SAVED = DATA / "saved"
HOSTILE = ("<html><head><link rel='canonical' href='https://delta-herald.example/2024/08/31/monsoon-floods-"
           "displace-thousands'></head><body><article><p>Heavy monsoon floods displaced 12,400 residents of the "
           "delta districts by the end of August, the provincial disaster authority said "
           "&lt;script&gt;window.__pwned=1&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;.</p></article></body></html>")


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("support-web") / "kb.db"
    result = CliRunner().invoke(app, ["ingest", str(ARTICLE), "--sources", str(SAVED), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def _document(base: str) -> dict:
    _, listing = get_json(f"{base}/api/v1/documents")
    (item,) = listing["items"]
    _, doc = get_json(f"{base}/api/v1/documents/{item['id']}")
    return doc


def test_ingest_with_sources_keeps_them_by_hash_and_the_findings_point_into_them(kb) -> None:
    with Store(str(kb)) as store, store.engine.connect() as conn:
        kept = {r.id: r.text for r in conn.execute(sa.select(t.source_documents))}
        urls = conn.execute(sa.select(sa.func.count()).select_from(t.source_urls)).scalar()
        rows = conn.execute(sa.select(t.findings).where(t.findings.c.source_document_id.is_not(None))).all()
    assert len(kept) == 3 and urls == 3
    codes = {r.code for r in rows}
    assert {"citation.supported", "citation.unsupported", "citation.partial_support"} <= codes
    for r in rows:  # every passage is a slice of a kept source
        assert r.source_document_id in kept and 0 <= r.source_start < r.source_end
    with live_server(create_app(str(kb))) as base:
        doc = _document(base)
    partial = next(f for f in doc["findings"] if f["code"] == "citation.partial_support")
    assert "killed 46 people" in partial["source"]["text"] and partial["source"]["reference"] == "1"
    assert partial["source"]["text"] == kept[partial["source"]["document"]][
        partial["source"]["start"]:partial["source"]["end"]]
    # each claim of a citing sentence keeps its own support
    judged = {c["evidence"]["text"]: c["support"] for c in doc["claims"] if c["support"]}
    killed = next(v for k, v in judged.items() if "killed" in k)
    assert killed["label"] == "partially_supported" and killed["missing"]["numbers"] == ["58"]
    assert killed["differ"] == ["58 -> 46"]
    assert "killed 46 people" in killed["source"]["text"] and killed["reference"] == "1"


def test_ingest_bad_sources_folder_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(app, ["ingest", str(ARTICLE), "--sources", str(tmp_path / "none"),
                                      "--db", str(tmp_path / "kb.db")])
    assert result.exit_code == 2 and "must name a folder" in result.output


def test_a_hostile_source_passage_is_escaped_in_the_article_view(tmp_path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "page.html").write_text(HOSTILE, encoding="utf-8")
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(app, ["ingest", str(ARTICLE), "--sources", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with live_server(create_app(str(db))) as base:
        doc = _document(base)
        assert any("<script>" in (f.get("source") or {}).get("text", "") for f in doc["findings"])
        status, _, body = http("GET", f"{base}/documents/{doc['document']['id']}")
    page = body.decode()
    assert status == 200 and "<script>window.__pwned" not in page and "<b>bold" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page


@pytest.mark.browser
def test_the_article_view_shows_the_source_passage_beside_the_sentence(kb) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with live_server(create_app(str(kb))) as base, sync_playwright() as p:
        doc = _document(base)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.goto(f"{base}/documents/{doc['document']['id']}", wait_until="networkidle")
            item = page.locator("#side li", has=page.locator("code", has_text="citation.partial_support"))
            quote = item.locator(".source-passage blockquote")
            assert quote.is_visible()
            assert "Rescue teams said the floods had killed 46 people" in quote.inner_text()
            # the finding beside it marks its sentence in the article
            item.locator("button.finding").click()
            assert "Rescue teams said 58 people were killed" in "".join(
                page.locator("#text .marked").all_inner_texts())
            supported = page.locator("#side li", has=page.locator("code", has_text="citation.supported"))
            assert "12,400 residents" in supported.locator(".source-passage blockquote").inner_text()
            # the claims list says, claim by claim, what the cited document gives
            claim = page.locator(".claims li", has=page.locator(".claim-support", has_text="supports part of it"))
            assert "killed 46 people" in claim.first.locator(".claim-support blockquote").inner_text()
            assert problems == []
        finally:
            browser.close()
