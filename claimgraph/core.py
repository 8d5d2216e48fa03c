"""The orchestrator: the only module that wires the stages together.

read -> structure -> nlp -> entities -> claims -> audit   (storage joins as it is built)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from claimgraph import nlp as nlp_stage
from claimgraph.audit import audit
from claimgraph.claims.extract import extract_claims
from claimgraph.document import Document
from claimgraph.entities import link
from claimgraph.errors import InputError
from claimgraph.read import ReadOptions, expand_sources, read, read_bytes
from claimgraph.records import Reading
from claimgraph.structure import structure


@dataclass(frozen=True)
class Failure:
    """An input of a batch that could not be processed, and why. The batch goes on without it."""

    source: str
    error: InputError


class Pipeline:
    """Runs every stage over one document. Load once, reuse for many documents (the model loads once).

    `timings` accumulates the seconds spent in each stage (read included) over the pipeline's life; the
    benchmark reads it.
    """

    def __init__(self, nlp=None, read_options: ReadOptions | None = None, sources=None) -> None:
        self.nlp = nlp or nlp_stage.load()
        self.read_options = read_options or ReadOptions()
        #: a claimgraph.sources.get.SourceLibrary: when set, the audit reads the cited documents
        self.sources = sources
        self.timings: Counter[str] = Counter()
        self.stages: list[tuple[str, Callable[[Document], None]]] = [
            ("structure", structure),
            ("nlp", lambda doc: nlp_stage.parse(doc, self.nlp)),
            ("entities", link),
            ("claims", extract_claims),
            ("audit", lambda doc: audit(doc, self.nlp, self.sources)),
        ]

    def process_reading(self, reading: Reading) -> Document:
        doc = Document(reading)
        for name, stage in self.stages:
            start = time.perf_counter()
            stage(doc)
            self.timings[name] += time.perf_counter() - start
        return doc

    def read(self, source: str, stdin: BinaryIO | None = None) -> Reading:
        start = time.perf_counter()
        try:
            return read(source, self.read_options, stdin=stdin)
        finally:
            self.timings["read"] += time.perf_counter() - start

    def read_text(self, text: str, source: str, fmt: str | None = "text") -> Reading:
        """A Reading of text already in memory (gold sets, benchmarks), timed like any read."""
        start = time.perf_counter()
        try:
            return read_bytes(text.encode("utf-8"), source, fmt)
        finally:
            self.timings["read"] += time.perf_counter() - start

    def process(self, source: str, stdin: BinaryIO | None = None) -> Document:
        """Read and process one source (path, URL or '-'); raises InputError for bad input."""
        return self.process_reading(self.read(source, stdin=stdin))

    def process_many(
        self, sources: Iterable[str], stdin: BinaryIO | None = None
    ) -> Iterator[Document | Failure]:
        """Every document named by `sources` (folders, globs expanded); bad ones come back as `Failure`."""
        for item in expand_sources(list(sources)):
            if isinstance(item, InputError):
                yield Failure(item.source or "?", item)
                continue
            try:
                yield self.process(item, stdin=stdin)
            except InputError as exc:
                if exc.source is None:
                    exc.source = item
                yield Failure(item, exc)
