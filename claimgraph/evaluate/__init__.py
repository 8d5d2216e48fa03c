"""`claimgraph eval`: score the pipeline on gold sets (the seed's gold, ISAF, PLOVER, re3d).

    result = evaluate(path, limit, workers)     # a JSON-able dict (what `--json` prints)
    result = evaluate(path, half="a")           # only the records whose id hashes to half A (see `in_half`)
    render(result, console)                     # Rich tables, one per gold set

`evaluate` recognises every gold set at `path` (detect.py), runs the pipeline once over all their texts
(run.py: one process pool, one model load per worker), and scores each set with its own module (seed.py,
isaf.py, plover.py, re3d.py) on the documents' JSON. Metric definitions: docs/metrics.md.

Result shape:
    {"path", "limit", "half", "workers", "seconds", "claimgraph_version", "rules_version",
     "records", "failed",
     "sections": [{"kind", "name", "path", "records", "failed",
                   "failures": [{"id", "error", "traceback"}],
                   "metrics": {key: {"kind": "ratio", "label", "value", "num", "den"}
                                  | {"kind": "prf", "label", "precision", "recall", "f1",
                                     "matched_sys", "n_sys", "matched_gold", "n_gold"}
                                  | {"kind": "count", "label", "value", "detail"}
                                  | {"kind": "score", "label", "value", "detail"}},
                   ...scorer extras (seed: "summary", "documents")}]}
Undefined scores (nothing to score) are null; see metrics.py for the empty-case conventions.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from claimgraph.evaluate import isaf, plover, re3d, realnews, seed, wice
from claimgraph.evaluate.detect import GoldSource, detect
from claimgraph.evaluate.metrics import fmt
from claimgraph.evaluate.run import Item, Outcome, run

__all__ = ["SCORERS", "detect", "evaluate", "render"]

#: gold kind -> module with load(source, limit) -> (items, golds) and score(golds, outcomes) -> dict
SCORERS = {"seed": seed, "isaf": isaf, "plover": plover, "re3d": re3d, "wice": wice, "realnews": realnews}

TITLES = {"seed": "seed gold", "isaf": "ISAF", "plover": "PLOVER", "re3d": "re3d", "wice": "WiCE",
          "realnews": "real news"}
#: The two halves of a gold set: a record is in half "a" when the SHA-1 of its id is even, else in "b".
HALVES = ("a", "b")


def record_key(item: Item, gold: dict[str, Any]) -> str:
    """The id a record is split on: the gold record's own `id` when it has one (PLOVER, ISAF; real news: the
    article's incident, so that an incident's reports stay together), else the item's id (re3d: folder and
    document id; seeds: the gold file)."""
    rid = gold.get("id") if isinstance(gold, dict) else None
    return str(rid) if rid else item.id


def gold_key(gold: dict[str, Any]) -> str:
    """The key a gold with no pipeline item is halved by: its group (a WiCE record's article), else its id,
    else its index in the set."""
    return str(gold.get("group") or gold.get("id") or f"#{gold.get('index')}")


def in_half(key: str, half: str) -> bool:
    """Is the record with this id in `half`? `int(sha1(id)) % 2 == 0` is half "a". A fixed hash, so the split
    is the same on every machine and run: develop on one half, check the other (docs/metrics.md)."""
    return HALVES[int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 2] == half


def evaluate(path: str, limit: int | None = None, workers: int = 1, *, pipeline: Any = None,
             progress: Callable[[int, int], None] | None = None, keep_outputs: bool = False,
             half: str | None = None) -> dict[str, Any]:
    """Score every gold set found at `path`.

    limit: at most this many records (documents) of each gold set. workers: processes (1 = in-process,
    reusing `pipeline` when given). progress(done, total) is called as records finish. keep_outputs: add each
    section's system JSON documents (None for a failed record) under "outputs". half: "a" or "b" scores only
    that half of each set (`in_half` on `record_key`), after `limit`; None scores every record.
    Raises SourceNotFound / UnsupportedFormat when `path` holds no gold set, ModelUnavailable when the
    spaCy pipeline is missing.
    """
    from claimgraph import __version__
    from claimgraph.rules import rules_version

    began = time.perf_counter()
    sources = detect(path)
    loaded: list[tuple[GoldSource, list[Item], list[dict[str, Any]]]] = []
    for src in sources:
        items, golds = SCORERS[src.kind].load(src, limit)
        if half is not None and not items:  # a set scored from its golds alone (WiCE): split by the gold's
            golds = [g for g in golds if in_half(gold_key(g), half)]  # group, so a page's claims stay together
        elif half is not None:
            kept = [(it, g) for it, g in zip(items, golds, strict=True) if in_half(record_key(it, g), half)]
            items, golds = [it for it, _ in kept], [g for _, g in kept]
        loaded.append((src, items, golds))
    every = [it for _, items, _ in loaded for it in items]
    outcomes = run(every, workers=workers, pipeline=pipeline, progress=progress)
    sections = []
    at = 0
    for src, items, golds in loaded:
        mine: list[Outcome] = outcomes[at : at + len(items)]
        at += len(items)
        failures = [{"id": o.id, "error": o.error, "traceback": o.traceback} for o in mine if not o.ok]
        section = {"kind": src.kind, "name": src.name, "path": str(src.path), "records": len(items),
                   "failed": len(failures), "failures": failures}
        section.update(SCORERS[src.kind].score(golds, mine))
        if keep_outputs:
            section["outputs"] = [o.json for o in mine]
        sections.append(section)
    return {
        "path": str(path), "limit": limit, "half": half, "workers": workers,
        "seconds": round(time.perf_counter() - began, 2),
        "claimgraph_version": __version__, "rules_version": rules_version(),
        "records": sum(s["records"] for s in sections), "failed": sum(s["failed"] for s in sections),
        "sections": sections,
    }


def _cells(m: dict[str, Any]) -> tuple[str, str, str, str]:
    """(score, precision, recall, counts) for one metric; the score of a PRF metric is its F1."""
    if m["kind"] == "prf":
        counts = f"P {m['matched_sys']}/{m['n_sys']}  R {m['matched_gold']}/{m['n_gold']}"
        return fmt(m["f1"]), fmt(m["precision"]), fmt(m["recall"]), counts
    if m["kind"] == "score":  # a score that is no count ratio (balanced accuracy)
        return fmt(m["value"]), "", "", str(m.get("detail") or "")
    if m["kind"] == "ratio":
        return fmt(m["value"]), "", "", f"{m['num']}/{m['den']}"
    return str(m["value"]), "", "", str(m.get("detail") or "")


def _render_realnews(s: dict[str, Any], console: Console) -> None:
    """Each gold disagreement and agreement with what became of it, and the false groups."""
    for title, part in (("disagreements", s["disagreements"]), ("agreements", s["agreements"])):
        console.print(f"[bold]gold {title}[/]", highlight=False)
        for d in part["detail"]:
            group = f"  <- {escape(d['group'])}" if d["group"] else ""
            console.print(f"  {escape('[' + d['status'] + ']')} {escape(d['about'])}{group}", highlight=False)
    console.print("[bold]false disagreement groups[/]", highlight=False)
    for f in s["disagreements"]["false"]:
        console.print(f"  - {escape(f['label'])}: {escape(', '.join(f['values']))}", highlight=False)
    console.print(f"halves: A = {', '.join(s['halves']['A'])}; B = {', '.join(s['halves']['B'])}", highlight=False)


def render(result: dict[str, Any], console: Console) -> None:
    """One Rich table per gold set, then failures (record id and error) if any."""
    for s in result["sections"]:
        title = f"{TITLES.get(s['kind'], s['kind'])} — {s['name']} ({s['records']} records"
        title += f", {s['failed']} failed)" if s["failed"] else ")"
        table = Table(title=title, title_justify="left", show_lines=False)
        table.add_column("metric")
        table.add_column("score (F1)", justify="right")
        table.add_column("P", justify="right")
        table.add_column("R", justify="right")
        table.add_column("counts", justify="right")
        for m in s["metrics"].values():
            table.add_row(escape(m["label"]), *(escape(c) for c in _cells(m)))
        console.print(table)
        if s["kind"] == "seed" and "summary" in s:
            sm = s["summary"]
            console.print(f"seed score: entities {fmt(sm['entities'])} linking {fmt(sm['linking'])} "
                          f"claims(must) {fmt(sm['claims_must'])} findings(must) {fmt(sm['findings_must'])} "
                          f"unmatched-findings {sm['unmatched_findings']}", highlight=False)
        if s["kind"] == "realnews":
            _render_realnews(s, console)
        for f in s["failures"][:10]:
            console.print(f"[red]failed[/] {escape(f['id'])}: {escape(f['error'] or '')}", highlight=False)
        if s["failed"] > 10:
            console.print(f"... and {s['failed'] - 10} more failures (see --json)", highlight=False)
        console.print()
    half = f"half {result['half']} only; " if result.get("half") else ""
    console.print(f"{half}{result['records']} records, {result['failed']} failed, {result['seconds']} s, "
                  f"{result['workers']} worker(s); claimgraph {result['claimgraph_version']}, "
                  f"rules {result['rules_version']}", highlight=False)
