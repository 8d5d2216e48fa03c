"""The accuracy gate: `claimgraph eval` scores compared with floors pinned in the repository.

    floors = load_floors("bench/floors.json")
    gate = check(result, floors)            # result: what evaluate() returns (what `eval --json` prints)
    gate.passed                             # False when a gated score is below its floor (or missing)
    render_gate(gate, console)

The floors file (`bench/floors.json`) holds one entry per gated score, one per line:
    {"set": "isaf-dev.jsonl", "metric": "killed_exact", "min": 0.7969, "measured": 0.8116, "why": "..."}
`set` is an eval section's name (the gold file or folder), `metric` a key of its metrics. `min` is a floor
(the score must be at least this), `max` a ceiling (for counts where lower is better, such as false alarms).
The score of a PRF metric is its F1, of a ratio its value, of a count its value. Metrics without an entry are
printed but not gated: adding one is a one-line change to the file. `measured` and `why` document the entry.

`pin(result)` proposes floors for every score of a result by the margin policy below (`python -m
claimgraph.evaluate.gate pin EVAL.json`). The policy, and why (docs/metrics.md, "The accuracy gate"):
the scores are deterministic (the same code and data give the same numbers, in one process or several), so a
margin is not there for noise: it is the room a change gets to trade a record for a gain elsewhere without
re-pinning. A rate drops by one item's worth (1/den; 1/n_gold for an F1) or one point (0.01), whichever is
larger. The seed's "must" rates and its false-alarm counts have no margin: each is a requirement written into
the gold by hand, so losing one is a regression by definition.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from claimgraph.errors import DataFileError, SourceNotFound

DEFAULT_FLOORS = Path(__file__).resolve().parent.parent.parent / "bench" / "floors.json"
#: Seed metrics pinned at their measured value (see the module docstring).
EXACT = {"claims_must", "findings_must", "entities_found", "unmatched_findings", "entity_splits"}
#: Counts that are not a quality (how many claims the system made): never pinned.
NOT_QUALITY = {"system_claims"}
#: Scores where lower is better (errors, not successes): pinned as a ceiling, one item above the measure
#: (real news: false disagreement groups, a count; ISAF: the share of disagreements joining different
#: operations, a ratio).
LOWER_IS_BETTER = {"false_groups", "separate_operations"}
_EPSILON = 1e-9  # floats written to 4 decimals and read back


@dataclass(frozen=True)
class Floor:
    """One gated score. set: the eval section's name. metric: its key. low/high: the floor and the ceiling
    (one of them is set). measured: the score when pinned. why: the reason for the margin."""

    set: str
    metric: str
    low: float | None
    high: float | None
    measured: float | None
    why: str


@dataclass(frozen=True)
class Row:
    """A score of the result with its floor, if any. status: 'ok', 'below' (under its floor or over its
    ceiling), 'missing' (gated but absent or undefined in the result), or 'ungated'."""

    set: str
    metric: str
    label: str
    score: float | None
    floor: Floor | None
    status: str


@dataclass(frozen=True)
class Gate:
    rows: tuple[Row, ...]

    @property
    def passed(self) -> bool:
        return all(r.status in ("ok", "ungated") for r in self.rows)

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.status in ("below", "missing")]

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "rows": [
            {"set": r.set, "metric": r.metric, "score": r.score, "status": r.status,
             "min": r.floor.low if r.floor else None, "max": r.floor.high if r.floor else None}
            for r in self.rows]}


def load_floors(path: str | Path = DEFAULT_FLOORS) -> list[Floor]:
    """The floors in `path`; SourceNotFound when it is missing, DataFileError naming it when malformed."""
    path = Path(path)
    if not path.is_file():
        raise SourceNotFound("no floors file here", str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"not valid JSON ({exc})", str(path)) from exc
    entries = data.get("floors") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise DataFileError('expected an object with a "floors" list', str(path))
    floors, seen = [], set()
    for i, e in enumerate(entries):
        where = f"floors[{i}]"
        if not isinstance(e, dict) or not isinstance(e.get("set"), str) or not isinstance(e.get("metric"), str):
            raise DataFileError(f'{where}: needs "set" and "metric" strings', str(path))
        bounds = [e.get(k) for k in ("min", "max")]
        if sum(b is not None for b in bounds) != 1 or not all(
                b is None or (isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b))
                for b in bounds):
            raise DataFileError(f'{where}: needs exactly one of "min" and "max", a number', str(path))
        if not isinstance(e.get("why"), str) or not e["why"].strip():
            raise DataFileError(f'{where}: say why the margin is what it is ("why")', str(path))
        key = (e["set"], e["metric"])
        if key in seen:
            raise DataFileError(f"{where}: {e['set']} {e['metric']} is pinned twice", str(path))
        seen.add(key)
        floors.append(Floor(e["set"], e["metric"], bounds[0], bounds[1], e.get("measured"), e["why"]))
    return floors


def score_of(metric: dict[str, Any]) -> float | None:
    """The one number a metric is gated on: F1 for PRF, the value otherwise (None when undefined)."""
    value = metric.get("f1") if metric.get("kind") == "prf" else metric.get("value")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def check(result: dict[str, Any], floors: list[Floor]) -> Gate:
    """Every score of `result` beside its floor. A floor whose set or metric the result lacks, or whose score
    is undefined, is 'missing': a gate must not pass because a score disappeared."""
    pinned = {(f.set, f.metric): f for f in floors}
    rows = []
    for section in result.get("sections", []):
        for key, metric in section.get("metrics", {}).items():
            floor = pinned.pop((section["name"], key), None)
            score = score_of(metric)
            if floor is None:
                status = "ungated"
            elif score is None:
                status = "missing"
            elif (floor.low is not None and score < floor.low - _EPSILON) or (
                    floor.high is not None and score > floor.high + _EPSILON):
                status = "below"
            else:
                status = "ok"
            rows.append(Row(section["name"], key, metric.get("label", key), score, floor, status))
    for floor in pinned.values():
        rows.append(Row(floor.set, floor.metric, floor.metric, None, floor, "missing"))
    return Gate(tuple(rows))


def render_gate(gate: Gate, console: Console, floors: str | Path = "bench/floors.json") -> None:
    table = Table(title=f"accuracy gate ({escape(str(floors))})", title_justify="left")
    for name, justify in (("set", "left"), ("metric", "left"), ("score", "right"), ("floor", "right"),
                          ("", "left")):
        table.add_column(name, justify=justify)
    marks = {"ok": "[green]ok[/]", "below": "[red]BELOW FLOOR[/]", "missing": "[red]MISSING[/]",
             "ungated": "[dim]not gated[/]"}
    for r in gate.rows:
        bound = ""
        if r.floor is not None:
            bound = f">= {r.floor.low:.4f}" if r.floor.low is not None else f"<= {r.floor.high:g}"
        score = "—" if r.score is None else f"{r.score:g}" if r.score.is_integer() else f"{r.score:.4f}"
        table.add_row(escape(r.set), escape(r.label), score, bound, marks[r.status])
    console.print(table)
    failed = gate.failed
    if failed:
        console.print(f"[red]The gate fails:[/] {len(failed)} score(s) below their floor or missing. A drop that "
                      f"is intended (a better measure, a fixed gold record) lowers the floor in {escape(str(floors))} "
                      "with the reason, in the same change.", highlight=False)
    else:
        gated = sum(r.status == "ok" for r in gate.rows)
        console.print(f"[green]The gate passes:[/] {gated} scores at or above their floors.", highlight=False)


# ------------------------------------------------------------------------------------------------ pinning


def _count(metric: dict[str, Any]) -> int | None:
    """How many records a rate is over (its granularity)."""
    if metric["kind"] == "prf":
        return metric.get("n_gold") or None
    if metric["kind"] == "ratio":
        return metric.get("den") or None
    return None


def pin_entry(set_name: str, key: str, metric: dict[str, Any]) -> dict[str, Any] | None:
    """The floor the margin policy gives one metric, or None for one not worth gating."""
    score = score_of(metric)
    if score is None or key in NOT_QUALITY:
        return None
    if key.split("_half ")[0] in LOWER_IS_BETTER:
        n = _count(metric)
        step = 1.0 if metric["kind"] == "count" else (1 / n if n else 0.0)
        return {"set": set_name, "metric": key, "max": round(score + step, 4), "measured": round(score, 4),
                "why": f"lower is better: {score:.4f} plus one item ({step:.4f}): room to trade an item"}
    if metric["kind"] == "count":
        if key not in EXACT:
            return None
        return {"set": set_name, "metric": key, "max": score, "measured": score,
                "why": "a count of errors on the hand-checked seed article: any rise is a regression"}
    n = _count(metric)
    shown = f"{score:.4f}" + (f" ({metric['num']}/{metric['den']})" if metric["kind"] == "ratio" else "")
    if key in EXACT:
        return {"set": set_name, "metric": key, "min": math.floor(score * 10000) / 10000, "measured": round(score, 4),
                "why": f"{shown}; no margin: each item is a hand-written requirement of the seed gold"}
    one = 1 / n if n else 0.0
    margin = max(0.01, one)
    low = max(0.0, math.floor((score - margin) * 10000) / 10000)
    reason = (f"one item of {n} ({one:.4f})" if one >= 0.01 else f"one point (one item of {n} is {one:.4f})")
    return {"set": set_name, "metric": key, "min": low, "measured": round(score, 4),
            "why": f"{shown} minus {reason}: room to trade an item for a gain elsewhere"}


def pin(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Floor entries for every gateable score of `result` (see the module docstring for the policy)."""
    entries = []
    for section in result["sections"]:
        for key, metric in section["metrics"].items():
            entry = pin_entry(section["name"], key, metric)
            if entry:
                entries.append(entry)
    return entries


def dump_floors(entries: list[dict[str, Any]], about: str) -> str:
    """The floors file's text: one entry per line, so that a diff shows each floor that moved."""
    lines = ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in entries)
    return "{\n  \"about\": " + json.dumps(about, ensure_ascii=False) + ",\n  \"floors\": [\n" + lines + "\n  ]\n}\n"


ABOUT = ("Accuracy floors for `claimgraph eval ../shared --floors bench/floors.json` (CI: .ci/run). One entry per "
         "gated score; 'min' a floor, 'max' a ceiling; 'measured' the score when pinned; 'why' the margin. "
         "Policy and how to change a floor: docs/metrics.md, 'The accuracy gate'.")


def main(argv: list[str] | None = None) -> int:
    """`python -m claimgraph.evaluate.gate pin EVAL.json` prints floors for every score of a saved
    `eval --json` result; `check EVAL.json [FLOORS]` gates a saved result (exit 1 when it fails)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[0] not in ("pin", "check"):
        print(main.__doc__, file=sys.stderr)
        return 2
    result = json.loads(Path(args[1]).read_text(encoding="utf-8"))
    if args[0] == "pin":
        sys.stdout.write(dump_floors(pin(result), ABOUT))
        return 0
    path = args[2] if len(args) > 2 else DEFAULT_FLOORS
    gate = check(result, load_floors(path))
    render_gate(gate, Console(), path)
    return 0 if gate.passed else 1


if __name__ == "__main__":
    sys.exit(main())
