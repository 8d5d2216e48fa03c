"""Speed-only changes that must not change any output: each shortcut is checked against the long way round."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from claimgraph.bench import chunks
from claimgraph.claims.timex import _rules
from claimgraph.read import html

ROOT = Path(__file__).resolve().parents[1]


def test_trafilatura_leaves_the_page_tree_as_it_was():
    """read_html hands its one parsed tree to trafilatura's metadata reader and extractor without copying it:
    both must copy before they prune or clean (if a trafilatura upgrade stops doing so, this fails)."""
    page = (ROOT / "examples" / "news-page.html").read_text(encoding="utf-8")
    root, _ = html._parse(page, "news-page.html")
    before = lxml.html.tostring(root)
    meta = html._metadata(root, None)
    blocks = html._trafilatura_blocks(root, None)
    assert meta.title and blocks  # they did read the page
    assert lxml.html.tostring(root) == before


def test_one_search_for_any_event_agrees_with_every_event_pattern():
    rules = _rules()
    texts = [
        "Troops have patrolled the valley since the Soviet invasion of Afghanistan.",
        "Attacks rose after September 11, officials said.",
        "Post-9/11 policy changed the region.",
        "The market reopened after the fall of Kabul.",
        "Police said 12 people were hurt on Tuesday in the capital.",
        "The soviets invaded nothing here; a geneva accord-ish phrase is not an event.",
        "",
    ]
    for text in texts:
        separate = any(p.search(text) for main, after, _ in rules.events for p in (main, after) if p is not None)
        assert (rules.re_any_event is not None and rules.re_any_event.search(text) is not None) == separate, text
    assert any(rules.re_any_event.search(t) for t in texts) and not all(rules.re_any_event.search(t) for t in texts)


def test_bench_chunks_hold_every_document_once_largest_first():
    texts = [f"doc{i} " + "word " * (i % 7) * 10 for i in range(45)]
    cut = chunks(texts, 8)
    assert sorted(t for c in cut for t in c) == sorted(texts)
    assert all(0 < len(c) <= 8 for c in cut)
    sizes = [sum(map(len, c)) for c in cut]
    assert sizes == sorted(sizes, reverse=True)
    assert [texts[i : i + 8] for i in range(0, 45, 8)] == sorted(cut, key=lambda c: texts.index(c[0]))
