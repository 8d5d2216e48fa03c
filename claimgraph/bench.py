"""The speed benchmark: our whole pipeline beside bare spaCy `nlp.pipe` on the same documents, in the same run.

    python -m claimgraph.bench [--shared ../shared] [--words 300000] [--procs 1,2,4] [--no-end-to-end] [--json OUT]

The documents are the shared gold texts (ISAF, PLOVER, re3d, the seed), repeated until the corpus reaches
`--words`. For each process count, the documents are dealt round-robin to fresh worker processes; each
worker loads its side (timed apart: start-up), processes its first document alone (timed apart: first-document
latency), then the rest: bare spaCy through `nlp.pipe`, ours through the batch runner's `process_chunk`
(batched parsing, as `extract` and `ingest` run). Reported: documents/s and words/s (total work over the
slowest worker's time, first document included, start-up excluded), the ratio ours/bare, parallel efficiency
(docs/s with N processes over N times docs/s with 1), seconds per stage, and each worker's peak resident memory.

End to end (unless --no-end-to-end): the same documents as files, through `extract` (the batch runner writing
JSON Lines) and `ingest` (into a new SQLite knowledge base) with N worker processes, wall-clock from the call to
the last document stored (start-up included, on both): ingest's documents/s beside extract's.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import resource
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

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


def _bare(texts: list[str]) -> dict:
    started = time.perf_counter()
    from claimgraph.nlp import BATCH_SIZE, load

    nlp = load()
    startup = time.perf_counter() - started
    start = time.perf_counter()
    nlp(texts[0])
    first = time.perf_counter() - start
    for _ in nlp.pipe(texts[1:], batch_size=BATCH_SIZE):
        pass
    return {"seconds": time.perf_counter() - start, "startup": startup, "first": first,
            "peak_rss_mb": _peak_rss_mb(), "stages": {}}


def _ours(texts: list[str]) -> dict:
    started = time.perf_counter()
    from claimgraph.core import Pipeline
    from claimgraph.runner import CHUNK_DOCS, Job, Task, process_chunk

    pipeline = Pipeline()
    startup = time.perf_counter() - started
    tasks = [Task(f"bench-{i}", text.encode("utf-8"), "text") for i, text in enumerate(texts)]
    job = Job()  # the processed Document, nothing written: the same work as bare spaCy's loop, plus our stages
    start = time.perf_counter()
    failed = sum(not hasattr(r, "text") for r in process_chunk(pipeline, job, tasks[:1], None))
    first = time.perf_counter() - start
    for i in range(1, len(tasks), CHUNK_DOCS):
        failed += sum(not hasattr(r, "text") for r in process_chunk(pipeline, job, tasks[i : i + CHUNK_DOCS], None))
    return {"seconds": time.perf_counter() - start, "startup": startup, "first": first, "failed": failed,
            "peak_rss_mb": _peak_rss_mb(), "stages": {k: v for k, v in pipeline.timings.items() if k != "warm"}}


def measure(kind: str, texts: list[str], procs: int) -> dict:
    """Run one side on `procs` fresh worker processes; the slowest worker's time is the run's time."""
    shares = [texts[i::procs] for i in range(procs)]
    job = _bare if kind == "bare" else _ours
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: no model or memory inherited
    with ProcessPoolExecutor(max_workers=procs, mp_context=ctx) as pool:
        results = list(pool.map(job, shares))
    seconds = max(r["seconds"] for r in results)
    words = sum(len(t.split()) for t in texts)
    stages: Counter[str] = Counter()
    for r in results:
        stages.update(r["stages"])
    return {
        "side": kind,
        "procs": procs,
        "docs": len(texts),
        "words": words,
        "seconds": round(seconds, 3),
        "docs_per_s": round(len(texts) / seconds, 1),
        "words_per_s": round(words / seconds),
        "startup_s": [round(r["startup"], 2) for r in results],
        "first_doc_s": [round(r["first"], 3) for r in results],
        "failed": sum(r.get("failed", 0) for r in results),
        "peak_rss_mb": [round(r["peak_rss_mb"]) for r in results],
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
    }


def end_to_end(texts: list[str], procs: int, folder: Path) -> list[dict]:
    """`claimgraph extract` (JSON Lines to a file) and `claimgraph ingest` (a new SQLite base) of the corpus as
    files, with N worker processes, each command a fresh process timed from start to exit."""
    import subprocess

    docs = folder / "docs"
    if not docs.exists():
        docs.mkdir(parents=True)
        for i, text in enumerate(texts):
            (docs / f"{i:06d}.txt").write_text(text, encoding="utf-8")
    db = folder / f"bench-{procs}.db"
    db.unlink(missing_ok=True)
    commands = {
        "extract": ["claimgraph.cli", "extract", str(docs), "--out", str(folder / "out.jsonl")],
        "ingest": ["claimgraph.cli", "ingest", str(docs), "--db", str(db), "--json"],
    }
    rows = []
    for side, args in commands.items():
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", *args, "--workers", str(procs)], capture_output=True,
                              text=True)
        seconds = time.perf_counter() - start
        if done.returncode not in (0, 2):
            raise SystemExit(f"{side} failed ({done.returncode}): {done.stderr[-2000:]}")
        row = {"side": side, "procs": procs, "docs": len(texts), "seconds": round(seconds, 3),
               "docs_per_s": round(len(texts) / seconds, 1), "exit": done.returncode}
        if side == "ingest":
            row["ratio_to_extract"] = round(rows[0]["seconds"] / seconds, 2)
        rows.append(row)
    return rows


def run(shared: Path, words: int, procs: list[int], end_to_end_too: bool = True) -> dict:
    import tempfile

    texts, origin = corpus(shared, words)
    rows = []
    e2e: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="claimgraph-bench-") as tmp:
        for n in procs:
            bare = measure("bare", texts, n)
            ours = measure("ours", texts, n)
            ours["ratio_to_bare"] = round(ours["seconds"] / bare["seconds"], 2)
            rows += [bare, ours]
            if end_to_end_too:
                e2e += end_to_end(texts, n, Path(tmp))
    for side in ("bare", "ours", "extract", "ingest"):  # efficiency against the same side's 1-process run
        runs = [r for r in rows + e2e if r["side"] == side]
        one = next((r for r in runs if r["procs"] == 1), None)
        for r in runs:
            if one is not None:
                r["efficiency"] = round(r["docs_per_s"] / (r["procs"] * one["docs_per_s"]), 2)
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
    for col in ("side", "procs", "seconds", "docs/s", "words/s", "ours/bare time", "efficiency", "start-up s",
                "first doc s", "peak RSS MB per worker"):
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
            ", ".join(f"{v:.1f}" for v in r.get("startup_s", [])),
            ", ".join(f"{v:.2f}" for v in r.get("first_doc_s", [])),
            ", ".join(map(str, r["peak_rss_mb"])),
        )
    console.print(table)
    if result.get("end_to_end"):
        e2e = Table(title="End to end: extract (JSON Lines) and ingest (SQLite), start-up included")
        for col in ("command", "procs", "seconds", "docs/s", "efficiency", "ingest/extract docs/s", "exit"):
            e2e.add_column(col, justify="right")
        for r in result["end_to_end"]:
            e2e.add_row(r["side"], str(r["procs"]), f"{r['seconds']:.1f}", f"{r['docs_per_s']:.1f}",
                        f"{r['efficiency']:.2f}" if "efficiency" in r else "",
                        f"{r['ratio_to_extract']:.2f}" if "ratio_to_extract" in r else "", str(r["exit"]))
        console.print(e2e)
    stages = Table(title="claimgraph: seconds per stage, summed over workers")
    stages.add_column("procs", justify="right")
    for s in STAGES:
        stages.add_column(s, justify="right")
    for r in result["runs"]:
        if r["side"] == "ours":
            stages.add_row(
                str(r["procs"]),
                *(f"{r['stage_seconds'][s]:.1f}" if s in r["stage_seconds"] else "-" for s in STAGES),
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
    ap.add_argument("--json", type=Path, help="also write the result as JSON to this file")
    a = ap.parse_args(argv)
    try:
        procs = [int(p) for p in a.procs.split(",")]
    except ValueError:
        ap.error(f"--procs takes process counts separated by commas, e.g. 1,2,4 (not {a.procs!r})")
    if any(p < 1 for p in procs):
        ap.error("--procs: every process count must be at least 1")
    result = run(a.shared, a.words, procs, not a.no_end_to_end)
    render(result)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
