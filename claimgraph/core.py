"""The orchestrator: the only module that wires the stages together.

read -> structure -> nlp -> entities -> claims -> audit   (storage joins as it is built)

Batches (many documents, worker processes, failures, time budgets) are run by `claimgraph.runner`; this module
processes one document, or one batch of documents whose parsing is shared (`process_batch`).
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from claimgraph import memo
from claimgraph import nlp as nlp_stage
from claimgraph.audit import audit
from claimgraph.claims.extract import extract_claims
from claimgraph.document import Document
from claimgraph.entities import link
from claimgraph.read import ReadOptions, read, read_bytes
from claimgraph.records import Reading
from claimgraph.runner import Failure, Task
from claimgraph.structure import structure

__all__ = ["Failure", "Pipeline", "Task"]


class Pipeline:
    """Runs every stage over one document. Load once, reuse for many documents.

    Everything a document needs (the model, the gazetteer and its index, the compiled rules, lexicons) is
    loaded when the pipeline is built (`warm`), never inside the first document: a worker's first document
    costs what any other does, and a batch's time budget per document never pays for loading.

    `timings` accumulates the seconds spent in each stage (read included) over the pipeline's life, and
    `cpu_timings` this process's CPU seconds in each (what the stage cost, whatever else the machine ran); the
    benchmark reads both. `stage` names the stage running now (or the last one run): the batch runner names it
    when a document fails.
    """

    def __init__(self, nlp=None, read_options: ReadOptions | None = None, sources=None,
                 model: str | None = None) -> None:
        self.nlp = nlp or nlp_stage.load(model)
        self.read_options = read_options or ReadOptions()
        #: a claimgraph.sources.get.SourceLibrary: when set, the audit reads the cited documents
        self.sources = sources
        self.timings: Counter[str] = Counter()
        self.cpu_timings: Counter[str] = Counter()
        self.stage = "start"
        self.stages: list[tuple[str, Callable[[Document], None]]] = [
            ("structure", structure),
            ("nlp", lambda doc: nlp_stage.parse(doc, self.nlp)),
            ("entities", link),
            ("claims", extract_claims),
            ("audit", lambda doc: audit(doc, self.nlp, self.sources)),
        ]
        start = time.perf_counter()
        warm(self)
        # Everything loaded so far (the model, the gazetteer and its index, lexicons, compiled rules: hundreds of
        # thousands of objects) lives as long as the process: out of the garbage collector's sight, so that its
        # collections walk what documents allocate, not these again and again. Measured on the 20,000-word
        # bench corpus (one process, twice each way, loaded machine): the entity stage 0.49-0.51 -> 0.35-0.38
        # CPU s. The bench's bare spaCy side freezes its loaded model the same way.
        gc.collect()
        gc.freeze()
        self.timings.clear()  # the stages' seconds count real documents only
        self.cpu_timings.clear()
        self.timings["warm"] = time.perf_counter() - start

    def _run(self, name: str, stage: Callable[[Document], None], doc: Document) -> None:
        self.stage = name
        start, cpu = time.perf_counter(), time.process_time()
        stage(doc)
        self.timings[name] += time.perf_counter() - start
        self.cpu_timings[name] += time.process_time() - cpu

    def process_reading(self, reading: Reading) -> Document:
        memo.clear()  # the memos of one document's texts (`claimgraph.memo`) serve that document only
        doc = Document(reading)
        for name, stage in self.stages:
            self._run(name, stage, doc)
        return doc

    # A batch of documents shares one parse: `begin` each, `parse_batch` them together, `end` each.

    def begin(self, reading: Reading) -> Document:
        """A Document through the stages before the nlp stage."""
        memo.clear()
        doc = Document(reading)
        for name, stage in self.stages[: self._nlp_at()]:
            self._run(name, stage, doc)
        return doc

    def parse_batch(self, docs: list[Document]) -> None:
        """The nlp stage over several documents in one `nlp.pipe` stream (each as `parse` would have it)."""
        self.stage = "nlp"
        start, cpu = time.perf_counter(), time.process_time()
        nlp_stage.parse_batch(docs, self.nlp)
        self.timings["nlp"] += time.perf_counter() - start
        self.cpu_timings["nlp"] += time.process_time() - cpu

    def end(self, doc: Document) -> Document:
        """A parsed Document through the stages after the nlp stage."""
        memo.clear()
        for name, stage in self.stages[self._nlp_at() + 1 :]:
            self._run(name, stage, doc)
        return doc

    def _nlp_at(self) -> int:
        return next(i for i, (name, _stage) in enumerate(self.stages) if name == "nlp")

    def read(self, source: str, stdin: BinaryIO | None = None) -> Reading:
        self.stage = "read"
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return read(source, self.read_options, stdin=stdin)
        finally:
            self.timings["read"] += time.perf_counter() - start
            self.cpu_timings["read"] += time.process_time() - cpu

    def read_text(self, text: str, source: str, fmt: str | None = "text") -> Reading:
        """A Reading of text already in memory (gold sets, benchmarks), timed like any read."""
        return self.read_task(Task(source, text.encode("utf-8"), fmt))

    def read_task(self, task: Task) -> Reading:
        """A batch task's Reading: its bytes when it carries them (stdin, gold texts), else its source read."""
        if task.data is None:
            return self.read(task.source)
        self.stage = "read"
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return read_bytes(task.data, task.source, task.fmt)
        finally:
            self.timings["read"] += time.perf_counter() - start
            self.cpu_timings["read"] += time.process_time() - cpu

    def process(self, source: str, stdin: BinaryIO | None = None) -> Document:
        """Read and process one source (path, URL or '-'); raises InputError for bad input."""
        return self.process_reading(self.read(source, stdin=stdin))

    def process_many(self, sources: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Document | Failure]:
        """Every document named by `sources` (folders, globs expanded), in this process; bad ones (and any
        unexpected error in a stage) come back as `Failure`. See `claimgraph.runner` for worker processes."""
        from claimgraph.runner import DocumentJob, run_batch, tasks_of

        for _task, result in run_batch(tasks_of(sources, self.read_options, stdin=stdin), DocumentJob(),
                                       pipeline=self):
            yield result


#: A small made-up article run once through every stage when a pipeline is built: it takes every first-call
#: cost (lazy imports, spaCy's first batch, lexicons and patterns compiled on first use) out of the first real
#: document. Generic on purpose: no place, outlet or person of any gold set.
WARM_UP = """# Warm-up report

By A. Writer. 3 May 2021.

On Monday, officials said that 12 people were killed and 30 wounded in an attack on a market [1]. The army
rejected the claim and said it would cooperate with the investigation, according to a spokesman [2].

## References

1. Example News (4 May 2021). "Attack on market kills 12". https://example.org/2021/05/04/attack
2. Example Wire (5 May 2021). "Army rejects claim". https://example.org/2021/05/05/army
"""


def warm(pipeline: Pipeline | None = None) -> None:
    """Load every lexicon, rule file, index and compiled pattern the stages use (each is cached per process),
    then, with a pipeline, run `WARM_UP` through it."""
    from claimgraph.audit import dating, figures, fit, quotes, spelling, statements
    from claimgraph.claims import extract as claims_extract
    from claimgraph.claims import modality, patterns, quantities, roles, timex
    from claimgraph.entities import linker
    from claimgraph.entities.gazetteer import load as load_gazetteer
    from claimgraph.figures import _nouns
    from claimgraph.periods import _future_cue
    from claimgraph.rules import rules_version
    from claimgraph.scripture import available_sources
    from claimgraph.store.rows import full_rules_version
    from claimgraph.structure import dates

    for loader in (load_gazetteer, rules_version, full_rules_version, linker._rules, patterns.patterns,
                   timex._rules, quantities.lexicon, modality._lex, roles._agent_heads,
                   claims_extract._figure_events, fit._topics, quotes._patterns, quotes._settings,
                   statements._weak, spelling._families, dating._recency, figures._attribution, _nouns,
                   _future_cue, dates.warm):
        loader()
    linker.name_prefixes(load_gazetteer())
    for source in available_sources():  # the reference texts quotations are checked against (the Qur'an's
        source.warm()                     # index: 0.4 s), which the warm-up article does not quote
    if pipeline is not None:
        sources, pipeline.sources = pipeline.sources, None  # the warm-up's made-up citations are never looked up
        try:
            pipeline.process_reading(pipeline.read_text(WARM_UP, "warm-up.md", "markdown"))
        finally:
            pipeline.sources = sources
