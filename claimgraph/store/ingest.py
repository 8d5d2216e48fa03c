"""Ingest: documents in, knowledge base out.

Extraction runs in a pool of worker processes (one `Pipeline`, i.e. one model load, per worker; `workers=1`
runs in this process). Each worker reads a source, hashes its text, and skips it at once when the knowledge
base already holds that text (so a rerun after a crash only processes what is missing), else processes it and
sends back plain rows. This process writes the documents through a `loader.Loader`: a few dozen documents (or
2 seconds' worth) per transaction, so killing an ingest loses at most the documents in flight and in the
unwritten batch, never half of one. Bad inputs are collected with their reasons
and the batch goes on. At the end, events and measures are regrouped once (only
those the new documents touch, when the grouping was current before).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from claimgraph.document import content_id
from claimgraph.errors import InputError
from claimgraph.read import ReadOptions, expand_sources
from claimgraph.records import Reading
from claimgraph.store import schema as t
from claimgraph.store.database import ADDED, UNCHANGED, VERSION, Store
from claimgraph.store.engine import make_engine
from claimgraph.store.loader import Loader
from claimgraph.store.rows import DocumentRows, document_rows

FAILED = "failed"
_DIED = "a worker process died while this document was in flight (out of memory? a crash in native code?)"


@dataclass(frozen=True)
class Failed:
    """An input that could not be ingested, and why (kind as in `claimgraph.errors`, or 'internal')."""

    source: str
    kind: str
    message: str


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
                "failed": [f.__dict__ for f in self.failed], "grouping": self.grouping,
                "seconds": round(self.seconds, 3)}


#: Called with (source, status) after each document; status is ADDED, VERSION, UNCHANGED or FAILED.
OnDocument = Callable[[str, str], None]

# -- the worker side ------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


#: One BLAS/OpenMP thread per worker process: N workers on N cores, not N x N threads fighting for them
#: (measured: 2 workers went from no gain to 1.3x on 2 cores).
_THREAD_LIMITS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def _init_worker(read_options: ReadOptions, url: str) -> None:
    for var in _THREAD_LIMITS:  # before numpy loads (spawned workers have not imported it yet)
        os.environ.setdefault(var, "1")
    from claimgraph.core import Pipeline

    _WORKER["pipeline"] = Pipeline(read_options=read_options)
    _WORKER["engine"] = make_engine(url)


def _known(engine: sa.Engine, doc_id: str) -> bool:
    with engine.connect() as conn:
        return conn.scalar(sa.select(t.documents.c.id).where(t.documents.c.id == doc_id)) is not None


def _extract(pipeline, engine: sa.Engine, source: str, reading: Reading | None) -> tuple[str, Any]:
    """('rows', DocumentRows) | ('unchanged', doc id) | ('failed', Failed) for one source."""
    try:
        if reading is None:
            reading = pipeline.read(source)
        doc_id = content_id(reading.text)
        if _known(engine, doc_id):
            return UNCHANGED, doc_id
        return "rows", document_rows(pipeline.process_reading(reading))
    except InputError as exc:
        return FAILED, Failed(exc.source or source, exc.kind, exc.message)
    except Exception as exc:  # a bug on one document must not stop a long batch: reported, exit code 2
        return FAILED, Failed(source, "internal", f"{type(exc).__name__}: {exc}")


def _work(task: tuple[str, Reading | None]) -> tuple[str, Any]:
    return _extract(_WORKER["pipeline"], _WORKER["engine"], *task)


# -- the writer side ------------------------------------------------------------------------------------------


def _tasks(sources: Iterable[str], read_options: ReadOptions, result: IngestResult,
           on_document: OnDocument | None) -> list[tuple[str, Reading | None]]:
    """The sources expanded (folders, globs); standard input read here, once."""
    from claimgraph.read import read

    tasks: list[tuple[str, Reading | None]] = []
    for item in expand_sources(list(sources)):
        if isinstance(item, InputError):
            _fail(result, Failed(item.source or "?", item.kind, item.message), on_document)
        elif item == "-":
            try:
                tasks.append(("-", read("-", read_options, stdin=sys.stdin.buffer)))
            except InputError as exc:
                _fail(result, Failed("-", exc.kind, exc.message), on_document)
        else:
            tasks.append((item, None))
    return tasks


def _fail(result: IngestResult, failed: Failed, on_document: OnDocument | None) -> None:
    result.failed.append(failed)
    if on_document:
        on_document(failed.source, FAILED)


def _handle(loader: Loader, result: IngestResult, source: str, outcome: tuple[str, Any],
            on_document: OnDocument | None) -> None:
    kind, value = outcome
    if kind == FAILED:
        _fail(result, value, on_document)
        return
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
) -> IngestResult:
    """Extract `sources` and store each document; regroup events and measures at the end.

    pipeline: a loaded Pipeline to use in this process when workers == 1 (tests reuse one).
    on_start: called with the number of documents once the sources are expanded.
    """
    started = time.perf_counter()
    read_options = read_options or ReadOptions()
    result = IngestResult()
    tasks = _tasks(sources, read_options, result, on_document)
    if on_start:
        on_start(len(tasks) + len(result.failed))
    loader = Loader(store)
    if workers <= 1 or len(tasks) <= 1:
        if pipeline is None and tasks:
            from claimgraph.core import Pipeline

            pipeline = Pipeline(read_options=read_options)
        for source, reading in tasks:
            _handle(loader, result, source, _extract(pipeline, store.engine, source, reading), on_document)
    else:
        url = store.engine.url.render_as_string(hide_password=False)
        for source, outcome in _pool(tasks, workers, read_options, url):
            _handle(loader, result, source, outcome, on_document)
    done, result.grouping = loader.finish()  # the last batch, then events and measures (incrementally)
    _count(result, done, on_document)
    result.seconds = time.perf_counter() - started
    return result


def _pool(tasks: list[tuple[str, Reading | None]], workers: int, read_options: ReadOptions,
          url: str) -> Iterator[tuple[str, tuple[str, Any]]]:
    """(source, outcome) as workers finish, at most 2 tasks per worker in flight (bounded memory). A worker
    that dies (out of memory, a crash in native code) fails the documents it held; a new pool takes over."""
    queue = list(reversed(tasks))
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads and open sockets
    while queue:
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(read_options, url)) as pool:
            pending: dict[Future, str] = {}
            broken = False
            while (queue or pending) and not broken:
                while queue and len(pending) < workers * 2:
                    task = queue.pop()
                    pending[pool.submit(_work, task)] = task[0]
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    source = pending.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        outcome = (FAILED, Failed(source, "internal", _DIED))
                    yield source, outcome
            if broken:
                for source in pending.values():
                    yield source, (FAILED, Failed(source, "internal", _DIED))
                pool.shutdown(wait=False, cancel_futures=True)
