"""Run the pipeline over many gold texts: one process pool, one model load per worker.

Each text becomes a Reading (`read_bytes`), is processed by `Pipeline.process_reading`, and comes back as the
document's JSON (`export.document_json`) — the scorers work on those dicts only, exactly what `extract`
prints. A record whose processing raises is kept as a failure (its id, the error and the traceback) and the
run goes on; scorers treat a failed record as an empty system output.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from claimgraph import errors
from claimgraph.errors import ClaimgraphError


@dataclass(frozen=True)
class Item:
    """One text to process.

    id: the record's id in its gold set (unique within the run).
    text: the text as the gold set gives it.
    fmt: the reader format ('text', 'markdown'...), or None to sniff it from `source`'s extension and bytes.
    source: the name given to the reader (a path for seeds, else the id).
    rows: also return the document's knowledge-base rows (`store.rows.DocumentRows`), for scorers that
        group figures across documents in a temporary knowledge base (real news, ISAF).
    """

    id: str
    text: str
    fmt: str | None = "text"
    source: str | None = None
    rows: bool = False


@dataclass
class Outcome:
    """What the pipeline made of one item: its JSON, or the error that stopped it."""

    id: str
    json: dict[str, Any] | None = None
    error: str | None = None
    traceback: str | None = None
    rows: Any = None  # DocumentRows when the item asked for them

    @property
    def ok(self) -> bool:
        return self.json is not None


class _Fatal(Exception):
    """The worker could not build its pipeline (model missing): the whole run must stop."""


_pipeline: Any = None
_init_error: ClaimgraphError | None = None


def _init_worker() -> None:
    global _pipeline, _init_error
    try:
        from claimgraph.core import Pipeline

        _pipeline = Pipeline()
    except ClaimgraphError as exc:
        _init_error = exc


def process_item(pipeline: Any, item: Item) -> Outcome:
    """Read, process and export one item; any exception becomes a failed Outcome."""
    from claimgraph.export import document_json
    from claimgraph.read import read_bytes

    try:
        reading = read_bytes(item.text.encode("utf-8"), source=item.source or item.id, fmt=item.fmt)
        doc = pipeline.process_reading(reading)
        rows = None
        if item.rows:
            from claimgraph.store.rows import document_rows

            rows = document_rows(doc)
        return Outcome(item.id, json=document_json(doc), rows=rows)
    except Exception as exc:  # a bad record must not stop the run; it is counted and reported
        return Outcome(item.id, error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())


def _work(item: Item) -> Outcome:
    if _init_error is not None:
        raise _Fatal(type(_init_error).__name__, _init_error.message)
    return process_item(_pipeline, item)


def run(items: Sequence[Item], workers: int = 1, pipeline: Any = None,
        progress: Callable[[int, int], None] | None = None) -> list[Outcome]:
    """Outcomes in the order of `items`.

    workers: 1 runs in this process (with `pipeline` if given, else a new one); more starts a pool of that
    many processes, each loading the model once (spawned, so a calling script needs the usual
    `if __name__ == "__main__":` guard). progress(done, total) is called after each item.
    """
    total = len(items)
    if not items:
        return []
    if workers <= 1:
        if pipeline is None:
            from claimgraph.core import Pipeline

            pipeline = Pipeline()
        out = []
        for i, item in enumerate(items, 1):
            out.append(process_item(pipeline, item))
            if progress:
                progress(i, total)
        return out
    results: dict[int, Outcome] = {}
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=ctx, initializer=_init_worker) as pool:
        futures = {pool.submit(_work, item): i for i, item in enumerate(items)}
        try:
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                if progress:
                    progress(len(results), total)
        except BrokenProcessPool as exc:
            raise ClaimgraphError(f"the worker pool broke ({exc}); run again with --workers 1 to find the "
                                  "record that kills its worker") from exc
        except _Fatal as exc:
            for f in futures:
                f.cancel()
            cls = getattr(errors, exc.args[0], ClaimgraphError)
            raise cls(exc.args[1]) from None
    return [results[i] for i in range(total)]
