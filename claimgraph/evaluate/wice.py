"""WiCE (`wice-*.jsonl`): does the cited page support the Wikipedia sentence? (Kamoi et al., 2023)

Each record: `claim`, `evidence` (the page's sentences), `label` (supported / partially_supported /
not_supported). The support scorer (`claimgraph/sources/support.py`) judges each claim against its page; no
spaCy parse is needed, so this set does not go through the pipeline run.

Metrics (docs/metrics.md):
- balanced accuracy, supported vs the rest: the mean of the recall of `supported` and the recall of the rest;
- balanced accuracy over the three labels: the mean of the three recalls;
- both also cross-validated: the shipped weights were trained on WiCE dev itself (claimgraph/sources/train.py),
  so on dev their score is in-sample; the k-fold figures (folds by a hash of the claim's Wikipedia article,
  repeated with 5 salts; weights, standardisation and thresholds refitted on the other folds) are the honest
  estimate, with their spread.
A set that is not WiCE dev (the test split) is scored by the shipped weights only, and that score is fair.

`predictions(golds)` gives one `{"index", "label", "score"}` per record (`--predictions FILE`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimgraph.errors import UnsupportedFormat
from claimgraph.evaluate.detect import GoldSource, jsonl_records
from claimgraph.evaluate.run import Item, Outcome
from claimgraph.sources.train import group_of

LABELS = ("supported", "partially_supported", "not_supported")


def load(source: GoldSource, limit: int | None = None) -> tuple[list[Item], list[dict[str, Any]]]:
    """No pipeline items; the golds are the records, checked."""
    golds = []
    for lineno, rec in jsonl_records(source, limit):
        if not (isinstance(rec, dict) and isinstance(rec.get("claim"), str)
                and isinstance(rec.get("evidence"), list) and rec.get("label") in LABELS):
            raise UnsupportedFormat(f"line {lineno}: a WiCE record needs 'claim' (text), 'evidence' (a list of "
                                    f"sentences) and 'label' (one of {', '.join(LABELS)})", str(source.path))
        golds.append({"index": len(golds), "line": lineno, "group": group_of(rec, len(golds)), "claim": rec["claim"],
                      "evidence": [str(s) for s in rec["evidence"]], "label": rec["label"]})
    return [], golds


def judged(golds: list[dict[str, Any]]) -> list:
    """The Support of each record's claim by its page."""
    from claimgraph.sources.support import judge
    from claimgraph.sources.train import wice_source

    return [judge(g["claim"], wice_source(g["evidence"])) for g in golds]


def predictions(golds: list[dict[str, Any]], supports: list | None = None) -> list[dict[str, Any]]:
    supports = supports if supports is not None else judged(golds)
    return [{"index": g["index"], "label": s.label, "score": s.score}
            for g, s in zip(golds, supports, strict=True)]


def _metric(label: str, value: float | None, detail: str = "") -> dict[str, Any]:
    return {"kind": "score", "label": label, "value": value, "detail": detail}


def score(golds: list[dict[str, Any]], outcomes: list[Outcome]) -> dict[str, Any]:
    import numpy as np

    from claimgraph.sources import train
    from claimgraph.sources.support import FEATURES

    supports = judged(golds)
    preds = predictions(golds, supports)
    gold = [g["label"] for g in golds]
    pred = [p["label"] for p in preds]
    binary = train.binary([p == "supported" for p in pred], gold) if golds else None
    three = train.balanced_accuracy(pred, gold, LABELS) if golds else None
    counts = {lab: gold.count(lab) for lab in LABELS}
    metrics = {
        "support_binary": _metric("balanced accuracy, supported vs rest (shipped weights)", binary,
                                  f"{counts['supported']} supported / {len(gold)}"),
        "support_three": _metric("balanced accuracy, 3 labels (shipped weights)", three,
                                 " ".join(f"{k[:4]} {v}" for k, v in counts.items())),
    }
    extra: dict[str, Any] = {"predictions": preds}
    if len(golds) >= 2 * train.FOLDS and all(counts.values()):
        x = np.array([[s.features[k] for k in FEATURES] for s in supports])
        cv = train.cross_validate([g.get("group", f"#{g['index']}") for g in golds], x, gold)
        how = f"{train.REPEATS}x{train.FOLDS}-fold CV"
        metrics["support_binary_cv"] = _metric(f"balanced accuracy, supported vs rest ({how})",
                                               cv["binary_mean"], f"± {cv['binary_std']:.3f} across folds")
        metrics["support_three_cv"] = _metric(f"balanced accuracy, 3 labels ({how})",
                                              cv["three_mean"], f"± {cv['three_std']:.3f} across folds")
        extra["cross_validation"] = cv
    return {"records": len(golds), "metrics": metrics, **extra}


def write_predictions(path: Path, result: dict[str, Any]) -> int:
    """Write every WiCE section's predictions as JSON Lines; the number of lines written."""
    import json

    lines = [json.dumps(p) for s in result["sections"] if s["kind"] == "wice" for p in s.get("predictions", [])]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
