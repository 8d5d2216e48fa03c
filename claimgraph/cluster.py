"""The batch runner on a Dask cluster (`--dask ADDRESS` or `--dask local:N`).

    run_dask(tasks, job, "local:2") -> (task, result | Failure) for each task, in input order, like `run_batch`

The sources are partitioned into Dask tasks of a few MB of text (`PARTITION_BYTES`, smaller when the corpus is
small, so that every worker gets several). A `distributed.WorkerPlugin` (`PipelinePlugin`, registered with
`Client.register_plugin`) builds the pipeline once per worker, before any document; each partition is
processed there by the same code as a local worker (`runner.process_chunk`: failures per document, the time
budget, batched parsing) and comes back as the job's plain results (JSON lines, knowledge-base rows) to the one
writer in this process. Ingest stays resumable and idempotent: a worker skips a text the knowledge base already
holds, and only this process writes.

`local:N` starts a `LocalCluster` of N worker processes (one thread each: a pipeline serves one document at a
time) and closes it at the end. Workers of a cluster given by ADDRESS must be able to import claimgraph and,
for `ingest`, reach the database; run them with `--nthreads 1` (more threads per worker take turns on the one
pipeline). Partitions in flight are bounded (`IN_FLIGHT_PER_WORKER` per worker), so memory stays bounded on
both sides.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
from collections.abc import Iterator
from typing import Any

import dask
from distributed import WorkerPlugin

from claimgraph.errors import InputError, WorkersUnavailable
from claimgraph.runner import CHUNK_DOCS, THREAD_LIMITS, Failure, InOrder, Job, Task, process_chunk

#: Text per Dask task, in bytes of input: big enough that scheduling costs nothing beside the work (a task
#: is seconds of parsing), small enough that a lost worker loses little.
PARTITION_BYTES = 4_000_000

#: A guess at the size of an input whose size is not known before reading it (a URL).
UNKNOWN_BYTES = 100_000

#: Partitions per worker in flight at once.
IN_FLIGHT_PER_WORKER = 2

PLUGIN_NAME = "claimgraph-pipeline"


class PipelinePlugin(WorkerPlugin):
    """Builds the claimgraph pipeline (and starts the job) once per Dask worker. A worker whose pipeline cannot
    be built keeps the error and fails every partition with it (and `register_plugin` raises it)."""

    name = PLUGIN_NAME
    idempotent = False

    def __init__(self, job: Job, read_options: Any, budget: float | None, model: str | None) -> None:
        self.job, self.read_options, self.budget, self.model = job, read_options, budget, model

    def setup(self, worker: Any) -> None:
        for var in THREAD_LIMITS:
            os.environ.setdefault(var, "1")
        from claimgraph.core import Pipeline

        pipeline = Pipeline(read_options=self.read_options, model=self.model)
        self.job.start(pipeline)
        worker.claimgraph = {"pipeline": pipeline, "job": self.job, "budget": self.budget,
                             "lock": threading.Lock()}

    def teardown(self, worker: Any) -> None:
        with contextlib.suppress(AttributeError):
            del worker.claimgraph


def _partition(tasks: list[Task]) -> list[Any]:
    """Run on a Dask worker: the job's result or a Failure for each task of one partition."""
    from distributed import get_worker

    state = getattr(get_worker(), "claimgraph", None)
    if state is None:
        raise WorkersUnavailable("this Dask worker has no claimgraph pipeline (its plugin did not run)")
    out: list[Any] = []
    with state["lock"]:  # one document at a time through one pipeline
        for i in range(0, len(tasks), CHUNK_DOCS):
            out.extend(process_chunk(state["pipeline"], state["job"], tasks[i : i + CHUNK_DOCS], state["budget"]))
    return out


def _size(task: Task) -> int:
    if task.data is not None:
        return len(task.data)
    try:
        return os.path.getsize(task.source)
    except OSError:
        return UNKNOWN_BYTES


#: Partitions per worker at least (when the corpus is too small for PARTITION_BYTES to cut it): small enough
#: that rows reach the writer while the workers go on (it writes as they come, not all at the end) and that the
#: last partitions leave no worker waiting long for another; a partition is still dozens of documents, so the
#: scheduler's few milliseconds per task stay small beside it. Seen on the 2-core machine, 425 gold texts, 2
#: workers: with 4 per worker the first rows reached the writer only after an eighth of the corpus was done.
PARTITIONS_PER_WORKER = 16


def partitions(tasks: list[Task], workers: int, limit: int = PARTITION_BYTES) -> list[list[int]]:
    """Indexes of `tasks` in consecutive groups of at most `limit` bytes of input (a bigger input alone), and
    of at most 1/PARTITIONS_PER_WORKER of each worker's fair share, so that every worker gets several."""
    sizes = [_size(t) for t in tasks]
    limit = max(1, min(limit, math.ceil(sum(sizes) / max(1, workers * PARTITIONS_PER_WORKER))))
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i, size in enumerate(sizes):
        if current and total + size > limit:
            groups.append(current)
            current, total = [], 0
        current.append(i)
        total += size
    if current:
        groups.append(current)
    return groups


#: Dask settings for `local:N` whose defaults serve diagnostics that local:N does not show (no dashboard): each
#: server's (scheduler, nanny, worker) event-loop health check every 20 ms, its psutil system monitor every
#: 500 ms, each nanny's and worker's memory poll every 100 ms. Every wake-up takes the GIL from a worker's task
#: thread and the CPU from the processes around it. Measured on 174 gold texts (20,000 words, 2 workers,
#: loaded 2-core machine, twice each way): the ingest process (scheduler, client, nannies and the writer) spent
#: 2.9 and 2.5 CPU s with the defaults, 2.2 and 1.9 with these (the same ingest with `--workers 2`: 0.7). The
#: memory poll still stops a worker that outgrows its share, a second later at most.
QUIET_LOCAL = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@contextlib.contextmanager
def client_for(address: str) -> Iterator[Any]:
    """A `distributed.Client` for ADDRESS, or for a new LocalCluster of N processes for 'local:N'."""
    from distributed import Client, LocalCluster

    if address.startswith("local:"):
        try:
            n = int(address.removeprefix("local:"))
        except ValueError:
            n = 0
        if n < 1:
            raise InputError("--dask local:N needs a number of workers N >= 1", address)
        # The workers' own logs are silenced below CRITICAL: their failures come back to us and are reported
        # once, without tracebacks (`--debug` shows a failed document's).
        # The workers' environment: one BLAS/OpenMP thread each (as distributed sets by default), without
        # distributed's MALLOC_TRIM_THRESHOLD_: setting it turns off glibc's adaptive mmap threshold, so every
        # large array the parser allocates is mapped and unmapped afresh (measured on 160 gold texts in one
        # process: 1.1 s of system time and 360,000 page faults with it, 0.07 s and 8,700 without, beside 8 s of
        # user time). Our workers' memory is bounded by the partitions in flight, not by trimming.
        # Without distributed's statistical profiler, which samples each task thread's stack every 10 ms for a
        # dashboard that local:N does not start: measured on 134 gold texts in one worker (twice each way), the
        # worker's other threads took 0.57 and 1.13 CPU s beside the task's 5.8 and 6.5 with it, 0.26 and 0.34
        # beside 5.6 and 5.7 without (and they take the GIL from the task while they run).
        # And with the event loops' housekeeping for diagnostics slowed down (`QUIET_LOCAL`): on a 2-core machine
        # the one process that holds the scheduler, the client and the N nannies competes with the workers.
        environ = {var: "1" for var in THREAD_LIMITS}
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ,
                              "distributed.worker.profile.enabled": False, **QUIET_LOCAL}), \
                LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                             silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler: {exc}", address) from None
    with client:
        yield client


def run_dask(tasks: list[Task | Failure], job: Job, address: str, budget: float | None = None,
             read_options: Any = None, model: str | None = None) -> Iterator[tuple[Task | Failure, Any]]:
    """(task, result or Failure) for every task, in the order given, computed on the Dask cluster at `address`.
    Raises WorkersUnavailable when the workers cannot build their pipeline."""
    from distributed import as_completed

    from claimgraph.read import DEFAULT_OPTIONS

    todo = [i for i, t in enumerate(tasks) if isinstance(t, Task)]
    order = InOrder(tasks)
    results = order.results

    if not todo:
        yield from order.ready()
        return
    with client_for(address) as client:
        plugin = PipelinePlugin(job, read_options or DEFAULT_OPTIONS, budget, model)
        try:
            client.register_plugin(plugin, name=PLUGIN_NAME)
        except Exception as exc:  # raised in a worker's setup: the model does not load, ...
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            raise WorkersUnavailable(f"the Dask workers could not start: {message}") from None
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        groups = [[todo[i] for i in group] for group in partitions([tasks[i] for i in todo], workers)]
        queue = list(reversed(groups))
        window = as_completed()
        owner: dict[Any, list[int]] = {}

        def submit() -> None:
            ids = queue.pop()
            future = client.submit(_partition, [tasks[i] for i in ids], pure=False)
            owner[future] = ids
            window.add(future)

        while queue and len(owner) < workers * IN_FLIGHT_PER_WORKER:
            submit()
        for future in window:
            ids = owner.pop(future)
            try:
                results.update(zip(ids, future.result(), strict=True))
            except WorkersUnavailable:
                raise
            except Exception as exc:  # the worker died (the scheduler gave up on the partition), ...
                for i in ids:
                    results[i] = Failure(tasks[i].source, "internal", f"the Dask task failed: {type(exc).__name__}: "
                                         f"{exc}", "worker")
            future.release()
            if queue:
                submit()
            yield from order.ready()
    yield from order.ready()
