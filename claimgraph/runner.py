"""The one batch runner: `extract`, `audit`, `ingest` and `eval` all process their inputs here.

    run_batch(tasks, job, workers=N, budget=60.0) -> (task, result | Failure) for each task, in input order

For each input the runner yields what the `Job` made of the processed document (a JSON line, a document's
JSON, knowledge-base rows, the Document itself) or a `Failure` (source, kind, message, stage). Nothing that
goes wrong inside one document ends the batch:

- a typed error (`claimgraph.errors`) keeps its kind (`not_found`, `undecodable`, `too_slow`...);
- any other exception, in any stage, becomes a failure of kind `internal` naming the stage it came from
  (`read`, `structure`, `nlp`, `entities`, `claims`, `audit`, `output`), with its traceback kept for `--debug`;
- a document that runs past the wall-clock budget (`budget` seconds, default `DEFAULT_BUDGET`) fails with
  kind `too_slow`; the timer is SIGALRM (setitimer) in a process's main thread, and an asynchronous exception
  set from a watchdog thread elsewhere (a Dask worker's task threads), so it stops pure-Python loops; a single
  call into native code is stopped when it returns;
- a worker process that dies (killed for memory, a crash in native code) fails the documents it held: the
  ones in flight are then retried one at a time in a fresh pool, so only the document that kills its worker
  fails, never its neighbours.

Worker processes (`workers > 1`) are spawned (no fork of a process holding threads), build one `Pipeline`
each (the model and every lexicon loaded once, before any document), and get tasks in small chunks, at most
two chunks each in flight (bounded memory). They die with their parent (Linux `PR_SET_PDEATHSIG`, and a check
that the parent is still the one that started them): killing a batch leaves no worker behind. A worker that
cannot build its pipeline (the model does not load) reports why, and the batch stops at once with
`WorkersUnavailable` instead of waiting for workers that will never come.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, BinaryIO

from claimgraph.errors import ClaimgraphError, DocumentTooSlow, InputError, InputTooLarge, WorkersUnavailable

#: Seconds one document may take, read to output, before it fails as `too_slow` (`--budget`). Generous: the
#: bench corpus (the shared gold texts, 134 documents) took about 0.3 s a document on the busy 2-core development
#: machine; what takes a minute is a pathological input (the blow-ups of issue #10 took minutes).
DEFAULT_BUDGET = 60.0

#: Documents per task sent to a worker: fewer round trips, and a chunk shares one batched parse. Small enough
#: that two chunks per worker in flight stay a few MB of text.
CHUNK_DOCS = 8

#: Consecutive worker pools in which no worker got through its start before the batch gives up (a worker that
#: crashes while starting, in native code, rather than raising an error it can report).
MAX_DEAD_POOLS = 3

_DIED = "a worker process died while this document was in flight (out of memory? a crash in native code?)"


@dataclass(frozen=True)
class Task:
    """One input of a batch.

    source: the path, URL or name the input is reported under.
    data: its bytes when already in hand (standard input, a gold text); None: read `source`.
    fmt: the reader format for `data` ('text', 'markdown', 'html', 'pdf'), or None to sniff it.
    """

    source: str
    data: bytes | None = None
    fmt: str | None = None


@dataclass(frozen=True)
class Failure:
    """An input of a batch that could not be processed, and why. The batch goes on without it.

    source: the input (path, URL, record id).
    kind: the error's kind (`claimgraph.errors`), or 'internal' for an unexpected exception.
    message: what went wrong, for the person running the batch.
    stage: the stage it went wrong in ('expand', 'read', 'store', 'structure', 'nlp', 'entities', 'claims',
        'audit', 'output', 'worker').
    traceback: the Python traceback for an unexpected exception (shown with `--debug`), else None.
    """

    source: str
    kind: str
    message: str
    stage: str
    traceback: str | None = None

    @property
    def error(self) -> ClaimgraphError:
        """The failure as an error (for code that reports `ClaimgraphError`s)."""
        exc = InputError(self.message, self.source)
        exc.kind = self.kind
        return exc

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "kind": self.kind, "message": self.message, "stage": self.stage}


def failure_of(exc: BaseException, source: str, stage: str) -> Failure:
    """The Failure for an exception raised while processing `source` in `stage`."""
    if isinstance(exc, ClaimgraphError):
        return Failure(exc.source or source, exc.kind, exc.message, stage,
                       None if isinstance(exc, InputError) else traceback.format_exc())
    return Failure(source, "internal", f"{type(exc).__name__}: {exc}", stage,
                   "".join(traceback.format_exception(exc)))


class Job:
    """What a batch does with each document, in the worker that processed it. Jobs travel to worker
    processes: keep them small and picklable (state built by `start` lives in the worker only)."""

    def start(self, pipeline: Any) -> None:
        """Called once per worker after its pipeline is built (open a database connection, ...)."""

    def skip(self, reading: Any) -> Any | None:
        """A result to give instead of processing this reading (ingest: already stored), else None."""
        return None

    def finish(self, doc: Any) -> Any:
        """The result for a processed document (must be picklable when workers > 1)."""
        return doc


class DocumentJob(Job):
    """The Document itself (in this process only: a Document holds spaCy objects)."""


class JsonJob(Job):
    """The document's JSON contract as a dict (`export.document_json`)."""

    def finish(self, doc: Any) -> Any:
        from claimgraph.contract import document_json

        return document_json(doc)


class JsonLineJob(Job):
    """The document's JSON contract as one line of JSON Lines (`export.to_json_line`)."""

    def finish(self, doc: Any) -> Any:
        from claimgraph.contract import to_json_line

        return to_json_line(doc)


# -- inputs --------------------------------------------------------------------------------------------------


def tasks_of(sources: Iterable[str], read_options: Any = None, stdin: BinaryIO | None = None
             ) -> list[Task | Failure]:
    """SOURCE arguments expanded (folders, globs) to Tasks; names that match nothing become Failures in place.
    Standard input ('-') is read here, once, so that a worker process can be given its bytes."""
    from claimgraph.read import DEFAULT_OPTIONS, expand_sources

    options = read_options or DEFAULT_OPTIONS
    out: list[Task | Failure] = []
    for item in expand_sources(list(sources)):
        if isinstance(item, InputError):
            out.append(failure_of(item, item.source or "?", "expand"))
        elif item == "-":
            try:
                stream = stdin if stdin is not None else sys.stdin.buffer
                data = stream.read(options.max_bytes + 1)  # one byte more tells that it is over the limit
                if len(data) > options.max_bytes:
                    raise InputTooLarge(f"the input is over the {options.max_bytes:,} byte limit", "-")
                out.append(Task("-", data, None))
            except InputError as exc:
                out.append(failure_of(exc, "-", "read"))
        else:
            out.append(Task(item))
    return out


# -- one document, with a time budget ------------------------------------------------------------------------


class _Overrun(BaseException):  # noqa: N818 - not an error of the document's: the timer's signal
    """Raised inside a document's processing when its budget runs out. A BaseException, so that no stage's
    `except Exception` can swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float | None, source: str, budget: float | None = None) -> Iterator[None]:
    """Raise DocumentTooSlow naming `source` when the block runs longer than `seconds` (None or 0: no limit);
    the message names `budget` (the whole budget, when `seconds` is what is left of it)."""
    if not seconds:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        guard = _alarm(seconds)
    else:
        guard = _watchdog(seconds)
    try:
        with guard:
            yield
    except _Overrun:
        raise DocumentTooSlow(f"took longer than the {budget or seconds:g} s budget per document (--budget)",
                              source) from None


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    armed = [True]

    def on_alarm(signum, frame):  # runs in the main thread between two bytecodes
        if armed[0]:
            raise _Overrun()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Our own prototypes of PyThreadState_SetAsyncExc (not `ctypes.pythonapi`'s shared one): set an exception, and
# clear a pending one (NULL).
_set_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))
_clear_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))


@contextlib.contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    """For a thread that is not the main one (SIGALRM only reaches the main thread): a timer thread sets an
    asynchronous _Overrun in this thread; the lock makes sure it never lands after the block has ended."""
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["armed"]:
                state["fired"] = True
                _set_async_exc(target, _Overrun)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["armed"] = False
            timer.cancel()
            if state["fired"]:
                _clear_async_exc(target, None)  # if still pending (the block ended first), it never lands


def process_task(pipeline: Any, job: Job, task: Task, budget: float | None) -> Any:
    """The job's result for one task, or a Failure; never raises for anything the document does."""
    return process_chunk(pipeline, job, [task], budget)[0]


def process_chunk(pipeline: Any, job: Job, tasks: list[Task], budget: float | None) -> list[Any]:
    """The job's result or a Failure for each task, in order. The documents are read and structured one by
    one, parsed together (one `nlp.pipe` stream: batched parsing), then finished one by one. Each document's
    own stages run under its budget; the shared parse runs under the chunk's budgets together, and when it
    fails (or runs over) each document is parsed again on its own, so that only the culprit fails."""
    if not hasattr(pipeline, "begin"):  # any object with `process_reading` will do (stand-ins in tests)
        return [_one_by_one(pipeline, job, task, budget) for task in tasks]
    results: list[Any] = [None] * len(tasks)
    begun: dict[int, Any] = {}
    spent: dict[int, float] = {}
    for k, task in enumerate(tasks):
        pipeline.stage = "read"
        start = time.monotonic()
        try:
            with time_limit(budget, task.source):
                reading = pipeline.read_task(task)
                pipeline.stage = "store"  # ingest asks the knowledge base whether it holds this text already
                skipped = job.skip(reading)
                if skipped is not None:
                    results[k] = skipped
                    continue
                begun[k] = pipeline.begin(reading)
        except Exception as exc:
            results[k] = failure_of(exc, task.source, pipeline.stage)
        spent[k] = time.monotonic() - start
    parsed = False
    if len(begun) > 1:
        try:
            with time_limit(budget * len(begun) if budget else None, "a batch of documents", budget):
                pipeline.parse_batch(list(begun.values()))
            parsed = True
        except Exception:
            parsed = False  # retried document by document below
    for k, doc in begun.items():
        left = max(budget - spent[k], 0.001) if budget else None
        try:
            with time_limit(left, tasks[k].source, budget):
                if not parsed:
                    pipeline.parse_batch([doc])
                pipeline.end(doc)
                pipeline.stage = "output"
                results[k] = job.finish(doc)
        except Exception as exc:
            results[k] = failure_of(exc, tasks[k].source, pipeline.stage)
        begun[k] = None  # the spaCy Docs go as soon as the document is done
    return results


def _one_by_one(pipeline: Any, job: Job, task: Task, budget: float | None) -> Any:
    from claimgraph.read import read, read_bytes

    stage = "read"
    try:
        with time_limit(budget, task.source):
            reading = read(task.source) if task.data is None else read_bytes(task.data, task.source, task.fmt)
            skipped = job.skip(reading)
            if skipped is not None:
                return skipped
            stage = "process"
            doc = pipeline.process_reading(reading)
            stage = "output"
            return job.finish(doc)
    except Exception as exc:
        return failure_of(exc, task.source, stage)


# -- worker processes ----------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}

#: One BLAS/OpenMP thread per worker process: N workers on N cores, not N x N threads fighting for them
#: (measured: 2 workers went from no gain to 1.3x on 2 cores).
THREAD_LIMITS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this process die when `parent` does: the kernel sends SIGKILL when the parent exits (Linux), and a
    parent that is already gone (it died before this line) ends us now."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


class _StartFailed(Exception):
    """A worker could not build its pipeline; carries (kind, message) to the parent."""


def _init_worker(parent: int, read_options: Any, job: Job, budget: float | None, model: str | None,
                 started: Any = None) -> None:
    die_with_parent(parent)
    for var in THREAD_LIMITS:  # before numpy loads (spawned workers have not imported it yet)
        os.environ.setdefault(var, "1")
    try:
        from claimgraph.core import Pipeline

        pipeline = Pipeline(read_options=read_options, model=model)
        job.start(pipeline)
        _WORKER.update(pipeline=pipeline, job=job, budget=budget)
    except Exception as exc:  # reported with the first task; the batch then stops
        kind = exc.kind if isinstance(exc, ClaimgraphError) else "internal"
        message = exc.message if isinstance(exc, ClaimgraphError) else f"{type(exc).__name__}: {exc}"
        _WORKER["error"] = (kind, message)
    if started is not None:
        with started.get_lock():
            started.value += 1


def _work(chunk: list[Task]) -> list[Any]:
    if "error" in _WORKER:
        raise _StartFailed(*_WORKER["error"])
    return process_chunk(_WORKER["pipeline"], _WORKER["job"], chunk, _WORKER["budget"])


def run_batch(
    tasks: Iterable[Task | Failure],
    job: Job | None = None,
    workers: int = 1,
    budget: float | None = DEFAULT_BUDGET,
    read_options: Any = None,
    pipeline: Any = None,
    model: str | None = None,
    chunk: int | None = None,
) -> Iterator[tuple[Task | Failure, Any]]:
    """(task, result or Failure) for every task, in the order given. A Failure among `tasks` (an input that
    names nothing) comes back as itself.

    workers: 1 runs in this process (with `pipeline` if given, else a new one, built only if there is work);
        more starts that many worker processes (spawned: a calling script needs the usual
        `if __name__ == "__main__":` guard).
    budget: seconds per document (None: no limit).
    model: the spaCy pipeline to load (default: `claimgraph.nlp.load`'s choice).
    Raises WorkersUnavailable when the worker processes cannot start.
    """
    job = job or DocumentJob()
    items = list(tasks)
    if workers <= 1 or sum(isinstance(t, Task) for t in items) <= 1:
        yield from _in_process(items, job, budget, read_options, pipeline, model, chunk)
    else:
        yield from _pooled(items, job, workers, budget, read_options, model, chunk)


def _in_process(items: list[Task | Failure], job: Job, budget: float | None, read_options: Any, pipeline: Any,
                model: str | None, chunk: int | None) -> Iterator[tuple[Task | Failure, Any]]:
    size = chunk or CHUNK_DOCS
    started = False
    waiting: list[Task | Failure] = []
    tasks: list[Task] = []
    for item in [*items, None]:
        if item is not None:
            waiting.append(item)
            if isinstance(item, Task):
                tasks.append(item)
        if tasks and (item is None or len(tasks) >= size):
            if pipeline is None:
                from claimgraph.core import Pipeline

                pipeline = Pipeline(read_options=read_options, model=model)
            if not started:
                job.start(pipeline)
                started = True
            done = iter(process_chunk(pipeline, job, tasks, budget))
            for waited in waiting:
                yield waited, (waited if isinstance(waited, Failure) else next(done))
            waiting, tasks = [], []
    for waited in waiting:  # only Failures are left
        yield waited, waited


class InOrder:
    """Results that arrive in any order, given back in the order of their inputs: `results[index] = result`
    as each comes in; `ready()` yields (input, result) for the longest run of inputs, from the first not yet
    given, whose results are in (a Failure among the inputs is its own result)."""

    def __init__(self, items: list[Task | Failure]) -> None:
        self.items = items
        self.results: dict[int, Any] = {}
        self.next_out = 0

    def ready(self) -> Iterator[tuple[Task | Failure, Any]]:
        while self.next_out < len(self.items):
            item = self.items[self.next_out]
            if isinstance(item, Failure):
                yield item, item
            elif self.next_out in self.results:
                yield item, self.results.pop(self.next_out)
            else:
                return
            self.next_out += 1


def _pooled(items: list[Task | Failure], job: Job, workers: int, budget: float | None, read_options: Any,
            model: str | None, chunk: int | None) -> Iterator[tuple[Task | Failure, Any]]:
    from claimgraph.read import DEFAULT_OPTIONS

    todo = [i for i, t in enumerate(items) if isinstance(t, Task)]
    size = chunk or max(1, min(CHUNK_DOCS, math.ceil(len(todo) / (workers * 2))))
    queue: deque[list[int]] = deque(todo[i : i + size] for i in range(0, len(todo), size))
    suspects: deque[int] = deque()  # in flight when a worker died: rerun one at a time, alone in the pool
    order = InOrder(items)
    results = order.results
    ctx = multiprocessing.get_context("spawn")
    unborn = 0  # consecutive pools in which no worker finished starting

    while queue or suspects:
        started = ctx.Value("i", 0)  # workers of this pool that got through their initializer
        initargs = (os.getpid(), read_options or DEFAULT_OPTIONS, job, budget, model, started)
        with ProcessPoolExecutor(min(workers, len(queue) + len(suspects)), mp_context=ctx,
                                 initializer=_init_worker, initargs=initargs) as pool:
            try:
                pending: dict[Future, list[int]] = {}
                alone: Future | None = None
                broken = False
                while (queue or suspects or pending) and not broken:
                    if suspects:
                        if not pending:
                            i = suspects.popleft()
                            alone = pool.submit(_work, [items[i]])
                            pending[alone] = [i]
                    else:
                        while queue and len(pending) < workers * 2:
                            ids = queue.popleft()
                            pending[pool.submit(_work, [items[i] for i in ids])] = ids
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        ids = pending.pop(future)
                        try:
                            results.update(zip(ids, future.result(), strict=True))
                        except _StartFailed as exc:
                            pool.shutdown(wait=False, cancel_futures=True)
                            raise WorkersUnavailable(f"the worker processes could not start: {exc.args[1]}") from None
                        except BrokenProcessPool:
                            broken = True
                            if future is alone and started.value:  # it ran alone in a started worker: the culprit
                                results[ids[0]] = Failure(items[ids[0]].source, "internal", _DIED, "worker")
                            else:
                                suspects.extend(ids)
                    if broken:
                        for ids in pending.values():
                            suspects.extend(ids)
                        pending.clear()
                        pool.shutdown(wait=False, cancel_futures=True)
                    yield from order.ready()
            except GeneratorExit:  # the caller stopped reading: start nothing more, leave at once
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        unborn = 0 if started.value else unborn + 1
        if unborn >= MAX_DEAD_POOLS:
            raise WorkersUnavailable(f"the worker processes died while starting ({unborn} times in a row)")
    yield from order.ready()
