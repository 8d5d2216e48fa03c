"""Documents built by hand for tests of the stages after reading: blocks joined by blank lines, as the
readers join them."""

from __future__ import annotations

from claimgraph.document import Document
from claimgraph.records import Block, Reading, SourceMeta, Span


def blocks_doc(*parts: str | tuple[str, str], meta: SourceMeta | None = None, fmt: str = "text",
               links=(), anchors=()) -> Document:
    """A Document of blocks from `parts` (a str is a paragraph, else (kind, text))."""
    text, blocks = "", []
    for part in parts:
        kind, body = ("paragraph", part) if isinstance(part, str) else part
        if text:
            text += "\n\n"
        blocks.append(Block(kind, Span(len(text), len(text) + len(body)), 1 if kind == "heading" else 0))
        text += body
    reading = Reading("t", fmt, text, tuple(blocks), tuple(links), anchors=tuple(anchors), meta=meta or SourceMeta())
    return Document(reading=reading)
