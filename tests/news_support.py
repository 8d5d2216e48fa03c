"""Helpers of the news-claims tests: a body run through the pipeline as a small report, and entity names."""

from __future__ import annotations

import claimgraph.read


def run(pipeline, body: str):
    text = f"Field report\n\n{body}\n"
    return pipeline.process_reading(claimgraph.read.read_bytes(text.encode(), "t", "text"))


def names(doc, ids) -> tuple[str, ...]:
    by_id = {e.id: e.name for e in doc.entities}
    return tuple(by_id[i] for i in ids)
