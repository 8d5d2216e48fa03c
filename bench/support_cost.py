"""Cost of checking citations against their sources: seconds per reference, on this machine.

    .venv/bin/python bench/support_cost.py [--repeat 5]

Audits the test article of tests/test_support_audit.py (3 references, 4 citing sentences) with the pipeline
loaded once: without sources, with the saved sources folder (first check: read and stored), and from the
knowledge base only (a second check, offline). Prints the median extra seconds per reference of each, and
the judging cost per WiCE claim (page read + scored) when ../shared/data/wice-dev.jsonl is there.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from claimgraph.core import Pipeline
from claimgraph.sources.get import SourceLibrary
from claimgraph.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "tests" / "data" / "support" / "article.md"
SAVED = ROOT / "tests" / "data" / "support" / "saved"
WICE = ROOT.parent / "shared" / "data" / "wice-dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pipeline = Pipeline()
    pipeline.process(str(ARTICLE))  # warm up
    refs = len(pipeline.process(str(ARTICLE)).references)
    bare, folder, kb = [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        pipeline.process(str(ARTICLE))
        bare.append(time.perf_counter() - t)
        with tempfile.TemporaryDirectory() as tmp, Store(str(Path(tmp) / "kb.db")) as store:
            pipeline.sources = SourceLibrary(SAVED, store=store)
            t = time.perf_counter()
            pipeline.process(str(ARTICLE))
            folder.append(time.perf_counter() - t)
            pipeline.sources = SourceLibrary(store=store)
            t = time.perf_counter()
            pipeline.process(str(ARTICLE))
            kb.append(time.perf_counter() - t)
        pipeline.sources = None
    med = statistics.median
    out = {"references": refs, "audit_without_sources_s": round(med(bare), 3),
           "extra_s_per_reference_from_folder": round((med(folder) - med(bare)) / refs, 3),
           "extra_s_per_reference_from_knowledge_base": round((med(kb) - med(bare)) / refs, 3)}
    if WICE.is_file():
        from claimgraph.sources.support import judge
        from claimgraph.sources.train import wice_source

        records = [json.loads(line) for line in WICE.read_text(encoding="utf-8").splitlines() if line.strip()]
        t = time.perf_counter()
        for r in records:
            judge(r["claim"], wice_source(r["evidence"]))
        out["wice_s_per_claim"] = round((time.perf_counter() - t) / len(records), 4)
        out["wice_sentences_per_page"] = round(sum(len(r["evidence"]) for r in records) / len(records), 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
