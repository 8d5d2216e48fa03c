"""Ingest: documents in, knowledge base out.

Extraction runs in the batch runner (`claimgraph.runner`: worker processes, one `Pipeline` each, a time budget
per document; `workers=1` runs in this process). Each worker reads a source, hashes its text, and skips it at
once when the knowledge base already holds that text (so a rerun after a crash only processes what is missing),
else processes it and sends back plain rows. This process writes the documents through a `loader.Loader`: a few
dozen documents (or 2 seconds' worth) per transaction, so killing an ingest loses at most the documents in
flight and in the unwritten batch, never half of one. Bad inputs are collected with their reasons and the batch
goes on. At the end, events and measures are regrouped once (only those the new documents touch, when the
grouping was current before).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from claimgraph.document import content_id
from claimgraph.read import ReadOptions
from claimgraph.records import Reading
from claimgraph.runner import DEFAULT_BUDGET, Failure, Job, run_batch, tasks_of
from claimgraph.store import schema as t
from claimgraph.store.database import ADDED, UNCHANGED, VERSION, Store
from claimgraph.store.engine import make_engine
from claimgraph.store.loader import Loader
from claimgraph.store.rows import DocumentRows, document_rows

FAILED = "failed"


#: An input that could not be ingested, and why (the batch runner's Failure: source, kind, message, stage).
Failed = Failure


@dataclass
class IngestResult:
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    failed: list[Failed] = field(default_factory=list)
    grouping: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def stored(self) -> int:
        return self.added + self.new_versions

    @property
    def total(self) -> int:
        return self.added + self.new_versions + self.unchanged + len(self.failed)

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "new_versions": self.new_versions, "unchanged": self.unchanged,
                "failed": [f.as_dict() for f in self.failed], "grouping": self.grouping,
                "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class SourceOptions:
    """Ingest's `--sources DIR` / `--fetch-sources`: where the cited documents come from (picklable, so it
    travels to worker processes; each builds its own `sources.get.SourceLibrary`)."""

    folder: str | None = None
    fetch: bool = False


#: Called with (source, status) after each document; status is ADDED, VERSION, UNCHANGED or FAILED.
OnDocument = Callable[[str, str], None]

# -- the worker side ------------------------------------------------------------------------------------------


class RowsJob(Job):
    """Ingest's job in the batch runner: skip a text the knowledge base already holds (checked in the worker,
    before the expensive stages), else the document's rows. Results: ('rows', DocumentRows) or
    ('unchanged', document id)."""

    def __init__(self, url: str, engine: sa.Engine | None = None, sources: SourceOptions | None = None) -> None:
        self.url = url
        self._engine = engine
        self.sources = sources

    def __getstate__(self) -> dict[str, Any]:  # the engine stays in the process that made it
        return {"url": self.url, "_engine": None, "sources": self.sources}

    def start(self, pipeline: Any) -> None:
        if self._engine is None:
            self._engine = make_engine(self.url)
        if self.sources is not None:
            # The cited documents are read (from the knowledge base first, then the folder, then the web when
            # asked) and each one read is kept in this knowledge base by content hash, so that the web view
            # can quote the passages the findings point at and a second check is offline.
            from claimgraph.sources.get import SourceLibrary

            pipeline.sources = SourceLibrary(self.sources.folder, self.sources.fetch, Store(engine=self._engine),
                                             pipeline.read_options)

    def skip(self, reading: Reading) -> Any | None:
        doc_id = content_id(reading.text)
        assert self._engine is not None
        with self._engine.connect() as conn:
            known = conn.scalar(sa.select(t.documents.c.id).where(t.documents.c.id == doc_id)) is not None
        return (UNCHANGED, doc_id) if known else None

    def finish(self, doc: Any) -> Any:
        return "rows", document_rows(doc)


# -- the writer side ------------------------------------------------------------------------------------------


def _fail(result: IngestResult, failed: Failed, on_document: OnDocument | None) -> None:
    result.failed.append(failed)
    if on_document:
        on_document(failed.source, FAILED)


def _handle(loader: Loader, result: IngestResult, source: str, outcome: Any,
            on_document: OnDocument | None) -> None:
    if isinstance(outcome, Failure):
        _fail(result, outcome, on_document)
        return
    kind, value = outcome
    # the loader writes documents in batches (one transaction each) and reports them when it has
    _count(result, loader.add(source, value) if isinstance(value, DocumentRows) else [(source, UNCHANGED)],
           on_document)


def _count(result: IngestResult, done: list[tuple[str, str]], on_document: OnDocument | None) -> None:
    for source, status in done:
        if status == ADDED:
            result.added += 1
        elif status == VERSION:
            result.new_versions += 1
        else:
            result.unchanged += 1
        if on_document:
            on_document(source, status)


def ingest(
    sources: Iterable[str],
    store: Store,
    workers: int = 1,
    read_options: ReadOptions | None = None,
    pipeline=None,
    on_start: Callable[[int], None] | None = None,
    on_document: OnDocument | None = None,
    budget: float | None = DEFAULT_BUDGET,
    dask: str | None = None,
    cited: SourceOptions | None = None,
) -> IngestResult:
    """Extract `sources` and store each document; regroup events and measures at the end.

    pipeline: a loaded Pipeline to use in this process when workers == 1 (tests reuse one).
    on_start: called with the number of documents once the sources are expanded.
    budget: seconds allowed per document (see `claimgraph.runner`).
    dask: a Dask scheduler address, or 'local:N' for a local cluster of N processes (`claimgraph.cluster`);
        extraction then runs there, and this process still writes every document.
    cited: check each citation against the cited document (`SourceOptions`); the documents read are kept
        in this knowledge base by content hash.
    Raises WorkersUnavailable when the worker processes cannot start.
    """
    started = time.perf_counter()
    read_options = read_options or ReadOptions()
    result = IngestResult()
    tasks = tasks_of(sources, read_options)
    if on_start:
        on_start(len(tasks))
    url = store.engine.url.render_as_string(hide_password=False)
    if dask:
        from claimgraph.cluster import run_dask

        batch = run_dask(tasks, RowsJob(url, sources=cited), dask, budget=budget, read_options=read_options)
    else:
        batch = run_batch(tasks, RowsJob(url, engine=store.engine if workers <= 1 else None, sources=cited),
                          workers=workers, budget=budget, read_options=read_options, pipeline=pipeline)
    loader = Loader(store)
    kept = pipeline.sources if pipeline is not None else None
    try:
        for task, outcome in batch:
            _handle(loader, result, task.source, outcome, on_document)
    finally:
        if pipeline is not None:
            pipeline.sources = kept  # a pipeline lent by the caller is given back as it came
    done, result.grouping = loader.finish()  # the last batch, then events and measures (incrementally)
    _count(result, done, on_document)
    result.seconds = time.perf_counter() - started
    return result
