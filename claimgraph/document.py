"""The one object the pipeline stages fill, in order: read -> structure -> nlp -> (entities -> claims) -> audit.

A stage reads what earlier stages stored, computes its records, then assigns them in one go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from claimgraph.records import (
    Citation,
    DateBounds,
    Dispatch,
    Finding,
    Marker,
    PartialDate,
    Reading,
    Reference,
    Sentence,
    Span,
)

_WS = re.compile(r"\s+")


def content_id(text: str) -> str:
    """A document's id: the hash of its normalised text (Unicode NFC, white space collapsed).

    The same article read from Markdown or from a re-saved file with other line breaks gets the same id.
    """
    norm = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    """One article as the pipeline sees it.

    reading: what the reader recovered (plain text, layout, links, source metadata).
    title, authors, published: the stated title, byline and publication date (structure stage).
    published_inferred: bounds on the publication date when none is stated (audit stage).
    body: the running text, i.e. everything before the reference list.
    paragraphs: spans of the body's paragraphs (headings, title and byline excluded).
    references: the parsed reference list.
    markers: inline citation markers found in the body.
    citations: each marker label resolved to a reference and to the sentence it supports.
    sentences: body sentences (nlp stage).
    parsed: the spaCy Doc of each paragraph, same order as `paragraphs` (nlp stage; not serialised).
    parsed_other: the other blocks (title, byline, headings, reference entries) with their spaCy Docs, for
        the entity linker, which links names wherever they stand (nlp stage; not serialised).
    dispatches: the dispatches the document bundles (one when it bundles none), each with the day its
        relative dates are read against (structure stage).
    findings: the audit's findings.
    claim_support: for each claim of a sentence that cites a reference whose document was read, how well
        that document supports the claim (`records.ClaimSupport`; audit stage, with sources only).
    entities, claims: filled by the entity and claim stages.
    """

    reading: Reading
    title: Span | None = None
    authors: tuple[str, ...] = ()
    byline: Span | None = None
    published: PartialDate | None = None
    published_inferred: DateBounds | None = None
    body: Span | None = None
    paragraphs: list[Span] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    parsed: list[Any] = field(default_factory=list)
    parsed_other: list[tuple[Span, Any]] = field(default_factory=list)
    dispatches: list[Dispatch] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    entities: list[Any] = field(default_factory=list)
    claims: list[Any] = field(default_factory=list)
    claim_support: list[Any] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.reading.text

    @property
    def source(self) -> str:
        return self.reading.source

    @property
    def id(self) -> str:
        return content_id(self.reading.text)

    def span_text(self, span: Span) -> str:
        return span.of(self.reading.text)

    def excerpt(self, span: Span, limit: int) -> str:
        """The span's text on one line, cut to `limit` characters with an ellipsis, for messages and reports."""
        text = " ".join(span.of(self.reading.text).split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"

    def reference(self, label: str) -> Reference | None:
        for ref in self.references:
            if ref.label == label:
                return ref
        return None

    def sentence_at(self, offset: int) -> int | None:
        """Index of the sentence containing `offset`, or None."""
        for i, s in enumerate(self.sentences):
            if s.span.start <= offset < s.span.end:
                return i
        return None

    def dispatch_at(self, offset: int) -> Dispatch | None:
        """The dispatch holding `offset`, or None (a separator line, or no structure yet)."""
        return next((d for d in self.dispatches if d.span.start <= offset < d.span.end), None)

    def anchor_date(self, offset: int | None = None) -> dt.date | None:
        """The date the text (at `offset`: its dispatch's) speaks from: the dispatch's date, else the stated
        publication date, else the newest date the text cites."""
        here = self.dispatch_at(offset) if offset is not None else None
        if here is not None and here.date is not None:
            return here.date.first_day()
        if self.published:
            return self.published.first_day()
        dates = [r.best_date.last_day() for r in self.references if r.best_date]
        return max(dates, default=None)

    def anchor_last(self, offset: int | None = None) -> dt.date | None:
        """The last day the date of `anchor_date` can be: the same day when it is known to the day; the end of
        its month or year when the text states only "March 2024" or "2024" (then "on Tuesday" can be any day
        of that month, never a day `anchor_date`'s first-of-the-month would make up). None with no anchor."""
        here = self.dispatch_at(offset) if offset is not None else None
        stated = here.date if here is not None and here.date is not None else self.published
        if stated is not None:
            return stated.last_day()
        return self.anchor_date(offset)

    def citations_of(self, sentence: int) -> list[Citation]:
        return [c for c in self.citations if c.sentence == sentence]
