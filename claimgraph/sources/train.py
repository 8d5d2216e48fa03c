"""Train the support scorer on WiCE dev and report it cross-validated; writes the weights to data/support.yaml.

    python -m claimgraph.sources.train ../shared/data/wice-dev.jsonl [--write] [--folds 5] [--repeats 5]
                                       [--l2 1.0] [--nested]

Two L2-regularised logistic regressions (numpy, Newton's method) over the standardised features of
`support.FEATURES`: supported vs the rest, and not_supported vs the rest; classes weighted to balance.
Thresholds are chosen to maximise balanced accuracy on the training part only.

Cross-validation, grouped: records go to `folds` folds by a hash of their group, the Wikipedia article the
claim comes from (`meta.claim_title`; the record's index when a record has none), so that the claims of one
article, which often cite the same site and share names, never sit on both sides of a split, and the split
does not depend on the file's order or on the labels. For each fold, standardisation, weights and both
thresholds are fitted on the other folds only and the held-out fold is scored. With 349 records one split's
five folds swing by several points, so the split is repeated `repeats` times (the hash salted with the
repeat's number) and the report gives every fold's balanced accuracy (supported vs the rest, and over the
three labels) with the mean and the spread across all of them. The weights written with
`--write` are then fitted once on all of dev (the CV numbers are the honest estimate of their quality, never
a score of the written weights on dev).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from claimgraph.sources.support import FEATURES, LABELS, MODEL_FEATURES, SourceText, features

L2 = 1.0
FOLDS = 5
REPEATS = 5


def fold_of(group: str, folds: int, repeat: int = 0) -> int:
    """A record's fold: a hash of its group (stable across runs and machines), salted by the repeat."""
    key = group if repeat == 0 else f"{repeat}:{group}"
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % folds


def group_of(record: dict, index: int) -> str:
    """What a record is grouped by in cross-validation: its Wikipedia article, else its index."""
    meta = record.get("meta")
    title = meta.get("claim_title") if isinstance(meta, dict) else None
    return str(title) if title else f"#{index}"


def wice_source(evidence: list[str]) -> SourceText:
    """A WiCE record's page: its sentences joined by newlines, each kept as one sentence."""
    spans, at = [], 0
    for s in evidence:
        spans.append((at, at + len(s)))
        at += len(s) + 1
    return SourceText.of("\n".join(evidence), spans)


def load(path: str) -> tuple[list[str], np.ndarray, list[str]]:
    """(record groups, feature matrix, gold labels) of a WiCE JSON Lines file."""
    idx, rows, labels = [], [], []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(row for row in f if row.strip()):
            r = json.loads(line)
            feats, _ = features(r["claim"], wice_source(r["evidence"]))
            idx.append(group_of(r, i))
            rows.append([feats[k] for k in FEATURES])
            labels.append(r["label"])
    return idx, np.array(rows, dtype=float), labels


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Weights and bias of a class-balanced, L2-regularised logistic regression (bias not penalised)."""
    n, d = x.shape
    pos = y.sum()
    sw = np.where(y == 1, n / (2 * max(pos, 1)), n / (2 * max(n - pos, 1)))
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (sw * (p - y)) + reg * w
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def balanced_accuracy(pred: list[str], gold: list[str], labels: tuple[str, ...]) -> float:
    recalls = []
    for lab in labels:
        g = [p for p, t in zip(pred, gold, strict=True) if t == lab]
        if g:
            recalls.append(sum(1 for p in g if p == lab) / len(g))
    return sum(recalls) / len(recalls)


def binary(pred_sup: list[bool], gold: list[str]) -> float:
    p = ["supported" if s else "rest" for s in pred_sup]
    g = ["supported" if t == "supported" else "rest" for t in gold]
    return balanced_accuracy(p, g, ("supported", "rest"))


def _best_threshold(scores: np.ndarray, positive: np.ndarray) -> float:
    """The threshold that maximises balanced accuracy of `scores >= t` (midpoint between scores)."""
    best, best_t = -1.0, 0.5
    cands = np.unique(scores)
    for t in cands:
        pred = scores >= t
        tpr = (pred & positive).sum() / max(positive.sum(), 1)
        tnr = (~pred & ~positive).sum() / max((~positive).sum(), 1)
        if (tpr + tnr) / 2 > best:
            best, best_t = (tpr + tnr) / 2, float(t)
    below = cands[cands < best_t]
    return (best_t + below.max()) / 2 if below.size else best_t


def fit_model(x: np.ndarray, labels: list[str], l2: float = L2, names: tuple[str, ...] = MODEL_FEATURES) -> dict:
    """The scorer (as stored in data/support.yaml) fitted on these rows (columns: FEATURES; `names` picks
    the ones used)."""
    x = x[:, [FEATURES.index(n) for n in names]]
    mean, std = x.mean(0), x.std(0)
    std[std == 0] = 1.0
    z = (x - mean) / std
    out = {}
    for name, target in (("supported", "supported"), ("not_supported", "not_supported")):
        y = np.array([1.0 if lab == target else 0.0 for lab in labels])
        w, b = fit_logistic(z, y, l2)
        p = 1 / (1 + np.exp(-np.clip(z @ w + b, -30, 30)))
        out[name] = {
            "bias": round(b, 6),
            "weights": {f: round(float(v), 6) for f, v in zip(names, w, strict=True)},
            "mean": {f: round(float(v), 6) for f, v in zip(names, mean, strict=True)},
            "std": {f: round(float(v), 6) for f, v in zip(names, std, strict=True)},
            "threshold": round(_best_threshold(p, y == 1), 6),
        }
    return out


def predict(m: dict, x: np.ndarray) -> tuple[list[float], list[str]]:
    from claimgraph.sources.support import label_of, probabilities

    scores, labels = [], []
    for row in x:
        f = dict(zip(FEATURES, row.tolist(), strict=True))
        p_sup, p_not = probabilities(f, m)
        scores.append(p_sup)
        labels.append(label_of(p_sup, p_not, m))
    return scores, labels


def _held_out(groups: list[str], x: np.ndarray, labels: list[str], folds: int, repeats: int,
              fit: Callable[[np.ndarray, list[str], np.ndarray], dict]) -> dict:
    """The grouped cross-validation both estimates share: for each repeat and fold, `fit(x_train,
    labels_train, train_mask)` gives a model, scored on the held-out fold; then the mean and spread over the folds. A
    fold's row carries the model's "set" when the model records one (`nested`)."""
    per = []
    for r in range(repeats):
        fold = np.array([fold_of(g, folds, r) for g in groups])
        for k in range(folds):
            train, test = fold != k, fold == k
            if not test.any():
                continue
            m = fit(x[train], [lab for lab, t in zip(labels, train, strict=True) if t], train)
            _, pred = predict(m, x[test])
            gold = [lab for lab, t in zip(labels, test, strict=True) if t]
            row = {"repeat": r, "fold": k, "records": int(test.sum())}
            if "set" in m:
                row["set"] = m["set"]
            row["binary"] = round(binary([p == "supported" for p in pred], gold), 4)
            row["three"] = round(balanced_accuracy(pred, gold, LABELS), 4)
            per.append(row)
    b = np.array([p["binary"] for p in per])
    t = np.array([p["three"] for p in per])
    return {"folds": per, "binary_mean": round(float(b.mean()), 4), "binary_std": round(float(b.std()), 4),
            "three_mean": round(float(t.mean()), 4), "three_std": round(float(t.std()), 4)}


def cross_validate(groups: list[str], x: np.ndarray, labels: list[str], folds: int = FOLDS,
                   l2: float = L2, names: tuple[str, ...] = MODEL_FEATURES, repeats: int = REPEATS) -> dict:
    """Balanced accuracy of each held-out fold of each repeat (binary and three-label), with mean and
    spread. `groups`: one per record (`group_of`); records of a group always share a fold."""
    return _held_out(groups, x, labels, folds, repeats, lambda xs, ls, _train: fit_model(xs, ls, l2, names))


#: The feature sets `--nested` chooses among inside each training part: the steps by which MODEL_FEATURES
#: grew (support.py's comment), so that the choice itself is cross-validated too.
CANDIDATE_SETS = (
    ("cover_pair", "cover_page", "names_page", "numbers_page", "missing_page", "length", "clauses"),
    ("cover_pair", "cover_page", "names_page", "figures_page", "years_page", "missing_page", "length", "clauses"),
    ("cover_pair", "cover_page", "names_page", "figures_page", "years_page", "missing_page", "length", "clauses",
     "part_mean"),
    MODEL_FEATURES,
    FEATURES,
)


def nested(groups: list[str], x: np.ndarray, labels: list[str], folds: int = FOLDS, l2: float = L2,
           repeats: int = REPEATS, sets: tuple[tuple[str, ...], ...] = CANDIDATE_SETS) -> dict:
    """Cross-validation of the feature choice as well: in each outer training part, the candidate set with
    the best inner grouped cross-validation (one split) is fitted, then the outer held-out fold scored."""
    groups_a = np.array(groups)

    def fit(xs: np.ndarray, ls: list[str], train: np.ndarray) -> dict:
        inner = [cross_validate(list(groups_a[train]), xs, ls, folds, l2, names, repeats=1)["binary_mean"]
                 for names in sets]
        chosen = int(np.argmax(inner))
        return {**fit_model(xs, ls, l2, sets[chosen]), "set": chosen}

    return _held_out(groups, x, labels, folds, repeats, fit)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("wice", help="wice-dev.jsonl")
    ap.add_argument("--folds", type=int, default=FOLDS)
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--repeats", type=int, default=REPEATS)
    ap.add_argument("--nested", action="store_true",
                    help="cross-validate the choice among CANDIDATE_SETS too (slower; prints its estimate)")
    ap.add_argument("--write", action="store_true", help="fit on all records and write data/support.yaml")
    args = ap.parse_args(argv)
    idx, x, labels = load(args.wice)
    cv = cross_validate(idx, x, labels, args.folds, args.l2, repeats=args.repeats)
    json.dump(cv, sys.stdout, indent=1)
    sys.stdout.write("\n")
    if args.nested:
        n = nested(idx, x, labels, args.folds, args.l2, args.repeats)
        json.dump({"nested": {k: v for k, v in n.items() if k != "folds"},
                   "chosen": [p["set"] for p in n["folds"]]}, sys.stdout)
        sys.stdout.write("\n")
    if args.write:
        m = fit_model(x, labels, args.l2)
        m["trained"] = {
            "on": Path(args.wice).name, "records": len(labels), "l2": args.l2, "folds": args.folds,
            "repeats": args.repeats, "grouped_by": "meta.claim_title",
            "cv_binary_balanced_accuracy": f"{cv['binary_mean']} +- {cv['binary_std']}",
            "cv_three_label_balanced_accuracy": f"{cv['three_mean']} +- {cv['three_std']}",
            "date": dt.date.today().isoformat(), "command": "python -m claimgraph.sources.train WICE --write",
        }
        write_model(m)
    return 0


def write_model(m: dict) -> None:
    """Replace the `model:` block of data/support.yaml (everything before it is kept as written)."""
    from claimgraph import rules

    path = Path(str(rules.DATA_DIR / "support.yaml"))
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("\nmodel:") + 1]
    path.write_text(head + "model: " + json.dumps(m, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
