"""Run the pipeline over many gold texts: one process pool, one model load per worker.

Each text becomes a Reading (`read_bytes`), is processed by `Pipeline.process_reading`, and comes back as the
document's JSON (`export.document_json`) — the scorers work on those dicts only, exactly what `extract`
prints. The loop is the batch runner's (`claimgraph.runner`: worker processes, a time budget per document). A
record whose processing fails is kept as a failure (its id, the error and, for an unexpected one, the
traceback) and the run goes on; scorers treat a failed record as an empty system output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from claimgraph.runner import DEFAULT_BUDGET, Failure, JsonJob, Task, process_task, run_batch


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


def process_item(pipeline: Any, item: Item) -> Outcome:
    """Read, process and export one item in this process; any failure becomes a failed Outcome."""
    return _outcome(item, process_task(pipeline, _job([item]), _task(item), DEFAULT_BUDGET))


def _task(item: Item) -> Task:
    return Task(item.source or item.id, item.text.encode("utf-8"), item.fmt)


class JsonRowsJob(JsonJob):
    """The document's JSON contract and its knowledge-base rows (`store.rows.document_rows`)."""

    def finish(self, doc: Any) -> Any:
        from claimgraph.store.rows import document_rows

        return {"json": super().finish(doc), "rows": document_rows(doc)}


def _job(items: Sequence[Item]) -> JsonJob:
    return JsonRowsJob() if any(item.rows for item in items) else JsonJob()


def _outcome(item: Item, result: Any) -> Outcome:
    if isinstance(result, Failure):
        return Outcome(item.id, error=f"{result.message} ({result.kind}, {result.stage})",
                       traceback=result.traceback)
    if isinstance(result, dict) and set(result) == {"json", "rows"}:
        return Outcome(item.id, json=result["json"], rows=result["rows"] if item.rows else None)
    return Outcome(item.id, json=result)


def run(items: Sequence[Item], workers: int = 1, pipeline: Any = None,
        progress: Callable[[int, int], None] | None = None, budget: float | None = DEFAULT_BUDGET) -> list[Outcome]:
    """Outcomes in the order of `items`, through the batch runner (`claimgraph.runner`).

    workers: 1 runs in this process (with `pipeline` if given, else a new one); more starts a pool of that
    many processes, each loading the model once (spawned, so a calling script needs the usual
    `if __name__ == "__main__":` guard). progress(done, total) is called after each item.
    Raises WorkersUnavailable when the worker processes cannot start (the model is missing).
    """
    total = len(items)
    out: list[Outcome] = []
    batch = run_batch([_task(item) for item in items], _job(items), workers=workers, budget=budget, pipeline=pipeline)
    for item, pair in zip(items, batch, strict=True):
        out.append(_outcome(item, pair[1]))
        if progress:
            progress(len(out), total)
    return out
