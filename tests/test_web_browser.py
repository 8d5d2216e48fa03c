"""The web pages in a real browser: Debian's chromium driven by Playwright against a live `claimgraph serve`.

Each page loads with no console error and no failed request; a click on a finding marks its evidence; the
network draws its nodes and the predicate filter removes some; the timeline draws its events; the hostile
article runs none of its markup. Screenshots of every page go to $CLAIMGRAPH_SCREENSHOTS (else a temp folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from web_support import CHROMIUM, CHROMIUM_ARGS, build_kb, get_json, live_server

from claimgraph.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.network]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = build_kb(tmp_path_factory.mktemp("web-browser") / "kb.db")
    with live_server(create_app(str(path))) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("CLAIMGRAPH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A page with its console errors, page errors, failed requests and dialogs recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

        def on_dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", on_dialog)

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def _ids(server: str) -> dict[str, str]:
    _, body = get_json(f"{server}/api/v1/documents")
    return {d["source"]: d["id"] for d in body["items"]}


def test_every_page_loads_without_errors(server, watched, shots):
    ids = _ids(server)
    pages = {"home": "/", "documents": "/documents", "article": f"/documents/{ids['a.txt']}",
             "hostile": f"/documents/{ids['hostile.html']}", "actors": "/actors", "actor": "/actors/TTP",
             "network": "/network", "timeline": "/timeline", "disagreements": "/disagreements",
             "search": "/search?q=police", "api": "/api/docs"}
    page = watched.page
    for name, path in pages.items():
        page.goto(server + path, wait_until="networkidle")
        if name == "network":
            page.wait_for_selector("#status[data-nodes]")
        if name == "timeline":
            page.wait_for_selector(".vis-item")
        page.screenshot(path=str(shots / f"{name}.png"), full_page=name not in ("network", "timeline"))
        assert watched.problems == [], (name, watched.problems)
    assert watched.dialogs == []


def test_clicking_a_finding_marks_its_evidence(server, watched):
    ids = _ids(server)
    page = watched.page
    page.goto(f"{server}/documents/{ids['hostile.html']}", wait_until="networkidle")
    assert page.locator("#text .marked").count() == 0
    page.locator("button.finding").first.click()
    marked = page.locator("#text .marked")
    assert marked.count() >= 1
    assert "".join(marked.all_inner_texts()) == "[2]"  # the unresolved marker the finding is about
    # a claim marks its whole sentence, a reference its citation markers
    page.locator("button.claim-btn").first.click()
    assert "The TTP attacked" in "".join(page.locator("#text .marked").all_inner_texts())
    page.locator("button.ref-btn").first.click()
    texts = page.locator("#text .marked").all_inner_texts()
    assert "[1]" in texts
    assert watched.problems == []


def test_the_network_renders_and_filters(server, watched):
    page = watched.page
    page.goto(f"{server}/network", wait_until="networkidle")
    page.wait_for_selector("#status[data-nodes]")
    all_nodes = page.evaluate("window.claimgraphNetwork.nodes().length")
    all_edges = page.evaluate("window.claimgraphNetwork.edges().length")
    assert all_nodes == 3 and all_edges == 2  # TTP -ASSAULT-> PAK, PAK -DISAPPROVE-> AFG
    page.select_option("select[name=predicate]", "DISAPPROVE")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#status[data-edges='1']")
    names = sorted(page.evaluate("window.claimgraphNetwork.nodes().map(n => n.data('name'))"))
    assert names == ["Afghanistan", "Pakistan"]
    # a click on the edge lists its claims with their evidence
    page.evaluate("() => { window.claimgraphNetwork.edges()[0].emit('tap'); return true; }")
    page.wait_for_selector("#edge-panel ol.claims li")
    assert "Pakistan blamed" in page.inner_text("#edge-panel")
    page.fill("input[name=min_sources]", "5")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#status[data-edges='0']")
    assert watched.problems == []


def test_the_timeline_renders(server, watched):
    page = watched.page
    page.goto(f"{server}/timeline", wait_until="networkidle")
    page.wait_for_selector(".vis-item")
    assert int(page.get_attribute("#status", "data-items")) >= 2
    page.fill("input[name=actor]", "Afghanistan")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#status[data-items='1']")
    assert watched.problems == []


def test_a_hostile_article_executes_nothing(server, watched):
    ids = _ids(server)
    page = watched.page
    for path in (f"/documents/{ids['hostile.html']}", "/search?q=attacked", "/", "/documents", "/actors/TTP",
                 "/network", "/timeline"):
        page.goto(server + path, wait_until="networkidle")
        for el in page.locator("#text span, #text a, aside a, .refs li, .findings li").all()[:60]:
            el.hover(timeout=2000, force=True)  # onmouseover / onclick bait
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    page.goto(f"{server}/documents/{ids['hostile.html']}", wait_until="networkidle")
    # the page shows the markup as text
    assert "<script>window.__pwned=1</script>" in page.inner_text("h1")
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("#text img, #text script, #text svg, aside img").count() == 0
    assert watched.dialogs == []
    assert watched.problems == []
