"""The metrics every scorer shares: pure functions over counts and spans, with explicit empty-case rules.

Conventions (also in docs/metrics.md):

- A ratio whose denominator is 0 is undefined: `None` (JSON null, printed "n/a"), never silently 0 or 1.
- precision = matched system items / system items; `None` when the system produced nothing.
- recall = matched gold items / gold items; `None` when the gold has nothing.
- F1 = harmonic mean of precision and recall. When exactly one of them is undefined (one side empty, the
  other not) F1 is 0.0: the two sides have nothing in common. When both are undefined F1 is `None`.
  When both are defined and both 0, F1 is 0.0.
- Precision and recall may count different items (system mentions vs gold entities), so a PRF keeps the
  four counts: matched_sys / n_sys and matched_gold / n_gold.

Every metric of a section is a small dict (`kind` 'ratio', 'prf' or 'count') so that `--json` output is
self-describing and `render` can print any section without knowing its scorer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Span = tuple[int, int]


def ratio(num: int, den: int) -> float | None:
    """num / den; None when den is 0 (undefined, not zero)."""
    if num < 0 or den < 0 or num > den:
        raise ValueError(f"bad ratio {num}/{den}")
    return num / den if den else None


def precision(matched_sys: int, n_sys: int) -> float | None:
    """Share of system items that match a gold item; None when the system produced no item."""
    return ratio(matched_sys, n_sys)


def recall(matched_gold: int, n_gold: int) -> float | None:
    """Share of gold items matched by some system item; None when there is no gold item."""
    return ratio(matched_gold, n_gold)


def f1(p: float | None, r: float | None) -> float | None:
    """Harmonic mean; 0.0 when exactly one side is undefined or both are 0; None when both are undefined."""
    if p is None and r is None:
        return None
    if p is None or r is None or p + r == 0:
        return 0.0
    return 2 * p * r / (p + r)


def accuracy(outcomes: Iterable[bool]) -> float | None:
    """Share of True among the outcomes; None when there are none."""
    items = list(outcomes)
    return ratio(sum(bool(x) for x in items), len(items))


def overlaps(a: Span, b: Span) -> bool:
    """Half-open spans share at least one character. Empty spans overlap nothing."""
    return a[0] < a[1] and b[0] < b[1] and a[0] < b[1] and b[0] < a[1]


def any_overlap(span: Span, others: Iterable[Span]) -> bool:
    return any(overlaps(span, o) for o in others)


# ----------------------------------------------------------------------------------------- metric records


def m_ratio(label: str, num: int, den: int, **extra: Any) -> dict[str, Any]:
    """An accuracy-like metric: num matched out of den scored."""
    return {"kind": "ratio", "label": label, "value": ratio(num, den), "num": num, "den": den, **extra}


def m_prf(label: str, matched_sys: int, n_sys: int, matched_gold: int, n_gold: int,
          **extra: Any) -> dict[str, Any]:
    """Precision, recall and F1 with the four counts they come from."""
    p, r = precision(matched_sys, n_sys), recall(matched_gold, n_gold)
    return {"kind": "prf", "label": label, "precision": p, "recall": r, "f1": f1(p, r),
            "matched_sys": matched_sys, "n_sys": n_sys, "matched_gold": matched_gold, "n_gold": n_gold, **extra}


def m_prf_counts(label: str, tp: int, fp: int, fn: int, **extra: Any) -> dict[str, Any]:
    """PRF when system and gold items pair one to one (tp true positives, fp false positives, fn misses)."""
    return m_prf(label, tp, tp + fp, tp, tp + fn, **extra)


def m_count(label: str, value: int, detail: str = "", **extra: Any) -> dict[str, Any]:
    """A plain number (system claims produced, unmatched findings...)."""
    return {"kind": "count", "label": label, "value": value, "detail": detail, **extra}


def fmt(x: float | None) -> str:
    """A score for a table: two decimals, 'n/a' when undefined."""
    return "n/a" if x is None else f"{x:.2f}"
