"""The speed benchmark: our whole pipeline beside bare spaCy `nlp.pipe` on the same documents, in the same run.

    python -m claimgraph.bench [--shared ../shared] [--words 300000] [--procs 1,2] [--json OUT]

The documents are the shared gold texts (ISAF, PLOVER, re3d, the seed), repeated until the corpus reaches
`--words`. For each process count, the documents are dealt round-robin to fresh worker processes; each
worker loads the model, then times its share. Reported: documents/s and words/s (total work over the
slowest worker's time), the ratio ours/bare, seconds per stage, and each worker's peak resident memory.
Model loading is outside the timed part for both sides.
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


def corpus(shared: Path, words: int) -> tuple[list[str], dict[str, int]]:
    """The benchmark's texts, and how many came from each gold source before repetition."""
    from claimgraph.evaluate import SCORERS, detect

    base: list[str] = []
    origin: dict[str, int] = {}
    for source in detect(shared):
        items = SCORERS[source.kind].load(source)[0]
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
    from claimgraph.nlp import BATCH_SIZE, load

    nlp = load()
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=BATCH_SIZE):
        pass
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": _peak_rss_mb(), "stages": {}}


def _ours(texts: list[str]) -> dict:
    from claimgraph.core import Pipeline

    pipeline = Pipeline()
    start = time.perf_counter()
    for i, text in enumerate(texts):
        pipeline.process_reading(pipeline.read_text(text, source=f"bench-{i}"))
    return {
        "seconds": time.perf_counter() - start,
        "peak_rss_mb": _peak_rss_mb(),
        "stages": dict(pipeline.timings),
    }


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
        "peak_rss_mb": [round(r["peak_rss_mb"]) for r in results],
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
    }


def run(shared: Path, words: int, procs: list[int]) -> dict:
    texts, origin = corpus(shared, words)
    rows = []
    for n in procs:
        bare = measure("bare", texts, n)
        ours = measure("ours", texts, n)
        ours["ratio_to_bare"] = round(ours["seconds"] / bare["seconds"], 2)
        rows += [bare, ours]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()} {multiprocessing.cpu_count()} cores",
        "python": platform.python_version(),
        "corpus": {"docs": len(texts), "words": rows[0]["words"], "sources": origin},
        "runs": rows,
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
    for col in ("side", "procs", "seconds", "docs/s", "words/s", "ours/bare time", "peak RSS MB per worker"):
        table.add_column(col, justify="right")
    for r in result["runs"]:
        table.add_row(
            "bare spaCy nlp.pipe" if r["side"] == "bare" else "claimgraph pipeline",
            str(r["procs"]),
            f"{r['seconds']:.1f}",
            f"{r['docs_per_s']:.1f}",
            f"{r['words_per_s']:,}",
            f"{r['ratio_to_bare']:.2f}" if "ratio_to_bare" in r else "",
            ", ".join(map(str, r["peak_rss_mb"])),
        )
    console.print(table)
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
    ap.add_argument("--procs", default="1,2", help="process counts to run, comma-separated (default 1,2)")
    ap.add_argument("--json", type=Path, help="also write the result as JSON to this file")
    a = ap.parse_args(argv)
    result = run(a.shared, a.words, [int(p) for p in a.procs.split(",")])
    render(result)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
