"""The speed benchmark: our whole pipeline beside bare spaCy `nlp.pipe` on the same documents, in the same run.

    python -m claimgraph.bench [--shared ../shared] [--words 300000] [--procs 1,2,4] [--no-end-to-end]
                               [--end-to-end-procs 4] [--json OUT]

The documents are the shared gold texts (ISAF, PLOVER, re3d, the seed), repeated until the corpus reaches
`--words`. For each process count, fresh worker processes share one queue of 8-document chunks, largest first
(`chunks`); each worker loads its side (timed apart: start-up), waits for the others to load, processes its
first document alone (timed apart: first-document latency), then takes chunks until none is left: bare spaCy
through `nlp.pipe`, ours through the batch runner's `process_chunk` (batched parsing, as `extract` and `ingest`
run). Both sides run with one BLAS/OpenMP thread per process. Reported: documents/s and words/s (total work
over the time from every worker loaded to the last one done, first document included, start-up excluded), the
ratio ours/bare, parallel efficiency (docs/s with N processes over N times docs/s with 1), the workers' CPU
seconds (and the same ratios in CPU seconds, which other jobs on the machine disturb less), balance, seconds
per stage (wall clock and CPU), and each worker's peak resident memory.

End to end (unless --no-end-to-end; only at the counts of --end-to-end-procs if given): the same documents as
files, through `extract` (the batch runner writing JSON Lines), `ingest` (into a new SQLite knowledge base) with
N worker processes and, for N > 1, `ingest --dask local:N`, wall-clock from the call to the last document stored
(start-up included): ingest's documents/s beside extract's, and Dask's beside the worker processes'.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import queue
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

#: Stages reported, in pipeline order; a stage not built yet shows as "-".
STAGES = ("read", "structure", "nlp", "entities", "claims", "audit", "store")

#: The gold sets whose texts make the corpus: articles and reports. WiCE holds claims judged against pages, and
#: the real-news set is left out so that the corpus stays the one earlier results were measured on.
CORPUS_KINDS = ("seed", "isaf", "plover", "re3d")


def corpus(shared: Path, words: int) -> tuple[list[str], dict[str, int]]:
    """The benchmark's texts, and how many came from each gold source before repetition."""
    from claimgraph.evaluate import SCORERS, detect

    base: list[str] = []
    origin: dict[str, int] = {}
    for source in detect(shared):
        if source.kind not in CORPUS_KINDS:
            continue
        items = SCORERS[source.kind].load(source, None)[0]
        base.extend(item.text for item in items)
        origin[source.kind] = origin.get(source.kind, 0) + len(items)
    if not base:
        raise SystemExit(f"no gold texts found under {shared}")
    texts: list[str] = []
    total = 0
    while total < words:
        for text in base:
            texts.append(text)
            total += len(text.split())
            if total >= words:
                break
    return texts, origin


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def chunks(texts: list[str], size: int) -> list[list[str]]:
    """The corpus cut into consecutive chunks of `size` documents, the largest (in characters) first: the
    work queue both sides' workers share. Largest first, so that the last chunks taken are the small ones and
    no worker is left finishing a big one while the others wait (a longest-processing-time-first deal)."""
    cut = [texts[i : i + size] for i in range(0, len(texts), size)]
    return sorted(cut, key=lambda chunk: sum(map(len, chunk)), reverse=True)


class _Side:
    """One side's worker: `load` (start-up), then `first` (one document alone) and `chunk` (the rest)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def load(self) -> None:
        if self.kind == "bare":
            from claimgraph.nlp import BATCH_SIZE, load

            self.nlp, self.batch_size = load(), BATCH_SIZE
            import gc

            gc.collect()  # as a Pipeline does once loaded: what lives as long as the process is out of the
            gc.freeze()   # garbage collector's sight (the same treatment on both sides)
        else:
            from claimgraph.core import Pipeline
            from claimgraph.runner import Job

            self.pipeline, self.job, self.failed, self.n = Pipeline(), Job(), 0, 0

    def first(self, text: str) -> None:
        if self.kind == "bare":
            self.nlp(text)
        else:
            self.chunk([text])

    def chunk(self, texts: list[str]) -> None:
        if self.kind == "bare":
            for _ in self.nlp.pipe(texts, batch_size=self.batch_size):  # output discarded
                pass
            return
        from claimgraph.runner import Task, process_chunk

        tasks = [Task(f"bench-{self.n + i}", text.encode("utf-8"), "text") for i, text in enumerate(texts)]
        self.n += len(texts)
        # the processed Document, nothing written: the same work as bare spaCy's loop, plus our stages
        self.failed += sum(not hasattr(r, "text") for r in process_chunk(self.pipeline, self.job, tasks, None))


def _worker(kind: str, work: list[list[str]], taken: Any, ready: Any, out: Any) -> None:
    """One worker process: load, wait until every worker has loaded, then take chunks from the shared queue
    (`taken`: the index of the next chunk of `work`) until none is left; the first document of the first chunk
    is processed alone and timed apart."""
    from claimgraph.runner import THREAD_LIMITS

    for var in THREAD_LIMITS:  # one BLAS/OpenMP thread per process, on both sides, before numpy loads
        os.environ[var] = "1"
    started = time.perf_counter()
    side = _Side(kind)
    side.load()
    startup = time.perf_counter() - started
    ready.wait()  # everyone loaded: nobody's throughput runs beside another's start-up
    start, cpu_start = time.perf_counter(), time.process_time()
    first = None
    docs = 0
    while True:
        with taken.get_lock():
            k = taken.value
            taken.value += 1
        if k >= len(work):
            break
        chunk = work[k]
        if first is None:
            side.first(chunk[0])
            first = time.perf_counter() - start
            chunk = chunk[1:]
        if chunk:
            side.chunk(chunk)
        docs += len(work[k])
    end = time.perf_counter()
    stages, cpu_stages = {}, {}
    if kind == "ours":
        stages = {k: v for k, v in side.pipeline.timings.items() if k != "warm"}
        cpu_stages = {k: v for k, v in side.pipeline.cpu_timings.items() if k != "warm"}
    out.put({"start": start, "end": end, "cpu": time.process_time() - cpu_start, "startup": startup,
             "first": first or 0.0, "docs": docs, "failed": getattr(side, "failed", 0),
             "peak_rss_mb": _peak_rss_mb(), "stages": stages, "cpu_stages": cpu_stages})


def measure(kind: str, texts: list[str], procs: int) -> dict:
    """Run one side on `procs` fresh worker processes sharing one queue of chunks (`chunks`); the run's time is
    from the moment every worker has loaded to the last one done (the slowest worker's time)."""
    from claimgraph.runner import CHUNK_DOCS

    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: no model or memory inherited
    work = chunks(texts, CHUNK_DOCS)
    taken, ready, out = ctx.Value("i", 0), ctx.Barrier(procs), ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(kind, work, taken, ready, out)) for _ in range(procs)]
    for w in workers:
        w.start()
    results: list[dict] = []
    try:
        while len(results) < procs:
            try:
                results.append(out.get(timeout=1))
            except queue.Empty:
                if any(w.exitcode for w in workers):  # died (the others may wait for it at the barrier)
                    break
    finally:
        for w in workers:
            w.join(timeout=60)
            if w.is_alive():
                w.kill()
    if len(results) < procs or any(w.exitcode for w in workers):
        raise SystemExit(f"a {kind} worker failed (exit codes {[w.exitcode for w in workers]})")
    seconds = max(r["end"] for r in results) - min(r["start"] for r in results)
    words = sum(len(t.split()) for t in texts)
    stages: Counter[str] = Counter()
    cpu_stages: Counter[str] = Counter()
    for r in results:
        stages.update(r["stages"])
        cpu_stages.update(r["cpu_stages"])
    busy = [r["end"] - r["start"] for r in results]
    return {
        "side": kind,
        "procs": procs,
        "docs": len(texts),
        "words": words,
        "seconds": round(seconds, 3),
        "docs_per_s": round(len(texts) / seconds, 1),
        "words_per_s": round(words / seconds),
        "cpu_s": round(sum(r["cpu"] for r in results), 3),
        "balance": round(sum(busy) / (len(busy) * max(busy)), 3),
        "docs_per_worker": [r["docs"] for r in results],
        "startup_s": [round(r["startup"], 2) for r in results],
        "first_doc_s": [round(r["first"], 3) for r in results],
        "failed": sum(r["failed"] for r in results),
        "peak_rss_mb": [round(r["peak_rss_mb"]) for r in results],
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
        "stage_cpu_seconds": {k: round(v, 3) for k, v in cpu_stages.items()},
    }


def end_to_end(texts: list[str], procs: int, folder: Path) -> list[dict]:
    """`claimgraph extract` (JSON Lines to a file), `claimgraph ingest` (a new SQLite base) with N worker
    processes, and (N > 1) `claimgraph ingest --dask local:N` (a new SQLite base, extraction on a LocalCluster of
    N workers) of the corpus as files, each command a fresh process timed from start to exit."""
    import subprocess

    docs = folder / "docs"
    if not docs.exists():
        docs.mkdir(parents=True)
        for i, text in enumerate(texts):
            (docs / f"{i:06d}.txt").write_text(text, encoding="utf-8")
    commands = {
        "extract": ["claimgraph.cli", "extract", str(docs), "--out", str(folder / "out.jsonl"), "--workers",
                    str(procs)],
        "ingest": ["claimgraph.cli", "ingest", str(docs), "--db", str(folder / f"ingest-{procs}.db"), "--json",
                   "--workers", str(procs)],
    }
    if procs > 1:
        commands["ingest --dask"] = ["claimgraph.cli", "ingest", str(docs), "--db",
                                     str(folder / f"dask-{procs}.db"), "--json", "--dask", f"local:{procs}"]
    rows: dict[str, dict] = {}
    for side, args in commands.items():
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode not in (0, 2):
            raise SystemExit(f"{side} failed ({done.returncode}): {done.stderr[-2000:]}")
        row = {"side": side, "procs": procs, "docs": len(texts), "seconds": round(seconds, 3),
               "docs_per_s": round(len(texts) / seconds, 1), "exit": done.returncode}
        if side == "ingest":
            row["ratio_to_extract"] = round(rows["extract"]["seconds"] / seconds, 2)
        if side == "ingest --dask":
            row["ratio_to_workers"] = round(rows["ingest"]["seconds"] / seconds, 2)
        rows[side] = row
    return list(rows.values())


def run(shared: Path, words: int, procs: list[int], end_to_end_procs: list[int] | None = None) -> dict:
    """Both sides at every count of `procs`, and the end-to-end commands at every count of `end_to_end_procs`
    (None: the same counts; []: none)."""
    import tempfile

    texts, origin = corpus(shared, words)
    rows = []
    e2e: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="claimgraph-bench-") as tmp:
        for n in procs:
            bare = measure("bare", texts, n)
            ours = measure("ours", texts, n)
            ours["ratio_to_bare"] = round(ours["seconds"] / bare["seconds"], 2)
            ours["cpu_ratio_to_bare"] = round(ours["cpu_s"] / bare["cpu_s"], 2)
            rows += [bare, ours]
            if n in (procs if end_to_end_procs is None else end_to_end_procs):
                e2e += end_to_end(texts, n, Path(tmp))
    for side in ("bare", "ours", "extract", "ingest"):  # efficiency against the same side's 1-process run
        runs = [r for r in rows + e2e if r["side"] == side]
        one = next((r for r in runs if r["procs"] == 1), None)
        for r in runs:
            if one is not None:
                r["efficiency"] = round(r["docs_per_s"] / (r["procs"] * one["docs_per_s"]), 2)
                if "cpu_s" in r:  # the same work's CPU seconds at 1 over at N: what running side by side costs
                    r["cpu_efficiency"] = round(one["cpu_s"] / r["cpu_s"], 2)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()} {multiprocessing.cpu_count()} cores",
        "python": platform.python_version(),
        "corpus": {"docs": len(texts), "words": rows[0]["words"], "sources": origin},
        "runs": rows,
        "end_to_end": e2e,
    }


def render(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    c = result["corpus"]
    console.print(
        f"[bold]Corpus[/]: {c['docs']} documents, {c['words']:,} words "
        f"(from {', '.join(f'{k} {v}' for k, v in c['sources'].items())}, repeated); {result['machine']}"
    )
    table = Table(
        title="Throughput: claimgraph beside bare spaCy (same model, same batch size, same documents)"
    )
    for col in ("side", "procs", "seconds", "docs/s", "words/s", "ours/bare time", "efficiency", "CPU s",
                "ours/bare CPU", "CPU efficiency", "balance", "start-up s", "first doc s", "peak RSS MB per worker"):
        table.add_column(col, justify="right")
    for r in result["runs"]:
        table.add_row(
            "bare spaCy nlp.pipe" if r["side"] == "bare" else "claimgraph pipeline",
            str(r["procs"]),
            f"{r['seconds']:.1f}",
            f"{r['docs_per_s']:.1f}",
            f"{r['words_per_s']:,}",
            f"{r['ratio_to_bare']:.2f}" if "ratio_to_bare" in r else "",
            f"{r['efficiency']:.2f}" if "efficiency" in r else "",
            f"{r['cpu_s']:.1f}",
            f"{r['cpu_ratio_to_bare']:.2f}" if "cpu_ratio_to_bare" in r else "",
            f"{r['cpu_efficiency']:.2f}" if "cpu_efficiency" in r else "",
            f"{r['balance']:.2f}",
            ", ".join(f"{v:.1f}" for v in r.get("startup_s", [])),
            ", ".join(f"{v:.2f}" for v in r.get("first_doc_s", [])),
            ", ".join(map(str, r["peak_rss_mb"])),
        )
    console.print(table)
    if result.get("end_to_end"):
        e2e = Table(title="End to end: extract (JSON Lines), ingest (SQLite) and ingest on Dask, start-up included")
        for col in ("command", "procs", "seconds", "docs/s", "efficiency", "ingest/extract docs/s",
                    "dask/workers docs/s", "exit"):
            e2e.add_column(col, justify="right")
        for r in result["end_to_end"]:
            e2e.add_row(r["side"], str(r["procs"]), f"{r['seconds']:.1f}", f"{r['docs_per_s']:.1f}",
                        f"{r['efficiency']:.2f}" if "efficiency" in r else "",
                        f"{r['ratio_to_extract']:.2f}" if "ratio_to_extract" in r else "",
                        f"{r['ratio_to_workers']:.2f}" if "ratio_to_workers" in r else "", str(r["exit"]))
        console.print(e2e)
    stages = Table(title="claimgraph: seconds per stage, summed over workers (wall clock / CPU)")
    stages.add_column("procs", justify="right")
    for s in STAGES:
        stages.add_column(s, justify="right")
    for r in result["runs"]:
        if r["side"] == "ours":
            wall, cpu = r["stage_seconds"], r.get("stage_cpu_seconds", {})
            stages.add_row(
                str(r["procs"]),
                *(f"{wall[s]:.1f} / {cpu[s]:.1f}" if s in cpu else f"{wall[s]:.1f}" if s in wall else "-"
                  for s in STAGES),
            )
    console.print(stages)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m claimgraph.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared",
        help="the shared folder with data/ and seeds/ (default: ../shared beside the repository)",
    )
    ap.add_argument("--words", type=int, default=300_000, help="corpus size in words (default 300000)")
    ap.add_argument("--procs", default="1,2", help="process counts to run, comma-separated, e.g. 1,2,4,8,16 "
                                                   "(default 1,2)")
    ap.add_argument("--no-end-to-end", action="store_true", help="skip the extract and ingest runs")
    ap.add_argument("--end-to-end-procs", help="run extract and ingest only at these process counts, e.g. 16 "
                                               "(default: every count of --procs)")
    ap.add_argument("--json", type=Path, help="also write the result as JSON to this file")
    a = ap.parse_args(argv)
    try:
        procs = [int(p) for p in a.procs.split(",")]
    except ValueError:
        ap.error(f"--procs takes process counts separated by commas, e.g. 1,2,4 (not {a.procs!r})")
    if any(p < 1 for p in procs):
        ap.error("--procs: every process count must be at least 1")
    try:
        e2e_procs = procs if a.end_to_end_procs is None else [int(p) for p in a.end_to_end_procs.split(",")]
    except ValueError:
        ap.error(f"--end-to-end-procs takes process counts separated by commas (not {a.end_to_end_procs!r})")
    result = run(a.shared, a.words, procs, [] if a.no_end_to_end else e2e_procs)
    render(result)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
