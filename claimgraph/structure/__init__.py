"""The structure stage: title, byline, date, body, paragraphs, reference list, citation markers.

    from claimgraph.structure import structure
    structure(doc)   # reads doc.reading, assigns doc.title, byline, authors, published, body, paragraphs,
                     # references, markers, citations (sentence=None) and dispatches

Rules (reference headings, outlet domains, byline and date-line words...) live in
`claimgraph/data/structure.yaml`; `rules_version()` names the version in use (keep it with stored records).
"""

from __future__ import annotations

from claimgraph.budget import MAX_MARKERS
from claimgraph.document import Document
from claimgraph.records import Span
from claimgraph.structure._rules import version
from claimgraph.structure.dispatches import find_dispatches
from claimgraph.structure.layout import blocks_of, find_layout
from claimgraph.structure.markers import find_markers, resolve
from claimgraph.structure.references import find_references

__all__ = ["structure", "rules_version"]

PARAGRAPH_KINDS = ("paragraph", "list_item", "quote")


def rules_version() -> str:
    """The version of the structure rules file in use."""
    return version()


def structure(doc: Document) -> None:
    """Recover the document's layout and sourcing structure from `doc.reading`, then assign it to `doc`."""
    reading = doc.reading
    text = reading.text
    blocks = blocks_of(reading)

    first = find_layout(reading, blocks)
    header_end = max((blocks[i].span.end for i in first.header), default=0)
    section = find_references(reading, blocks, body_start=header_end)
    body_end = section.start if section is not None else len(text)
    lay = find_layout(reading, blocks, end=body_end) if section is not None else first

    paragraphs = [
        b.span
        for i, b in enumerate(blocks)
        if b.kind in PARAGRAPH_KINDS and i not in lay.header and b.span.end <= body_end
    ]
    body_start = (
        paragraphs[0].start if paragraphs else (max((blocks[i].span.end for i in lay.header), default=0))
    )
    body_start = min(body_start, body_end)
    body = Span(body_start, body_end).strip(text)
    if not len(body):
        body = Span(body_start, body_start)

    references = list(section.references) if section is not None else []
    markers = find_markers(reading, body, references, exclude=[s for s in (lay.title, lay.byline) if s])
    del markers[MAX_MARKERS:]  # over budget: the rest stay plain text (see claimgraph/budget.py)
    citations = resolve(markers, references)

    doc.title = lay.title
    doc.byline = lay.byline
    doc.authors = lay.authors
    doc.published = lay.published
    doc.body = body
    doc.paragraphs = paragraphs
    doc.references = references
    doc.markers = markers
    doc.citations = citations
    doc.dispatches = find_dispatches(text, blocks, body, lay.published)
