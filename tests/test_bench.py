"""The benchmark's corpus: built from the article-like gold sets in ../shared (no model needed)."""

from pathlib import Path

import pytest

from claimgraph.bench import CORPUS_KINDS, corpus

SHARED = Path(__file__).parents[1].parent / "shared"


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="the shared gold data is not beside the repository")
def test_corpus_reaches_the_word_count_from_article_sets_only():
    texts, origin = corpus(SHARED, 2_000)
    assert sum(len(t.split()) for t in texts) >= 2_000
    assert origin and set(origin) <= set(CORPUS_KINDS)
    assert all(n > 0 for n in origin.values())
