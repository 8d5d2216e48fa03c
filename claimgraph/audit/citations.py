"""Findings about citations and references: unresolved markers, unused references (and where they would
fit), references whose URL date contradicts their stated date, and citations another reference fits better
(two such that mirror each other are reported as a swap)."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

from claimgraph.audit.context import AuditContext
from claimgraph.audit.fit import explain
from claimgraph.records import Finding, Suggestion

# A reference fits a sentence "clearly better" when its score beats the cited one's by MISMATCH_MARGIN and
# is itself at least MISMATCH_MIN_FIT (about two shared names plus a date fit). A swap is judged on the pair:
# each sentence must prefer the other's reference, and exchanging the two must gain SWAP_GAIN in all, since
# two sentences that each prefer the other's reference corroborate one another. Calibrated on the bundled
# examples (a planted swap, a single mismatch, a clean article that must stay silent), the hand-built cases
# of tests/test_audit.py, and the seed.
MISMATCH_MARGIN = 3.5
MISMATCH_MIN_FIT = 4.0
SWAP_GAIN = 4.0
#: An unused reference is placed beside the sentence it fits best when that fit reaches this score.
UNUSED_PLACE_MIN_FIT = 4.0
#: Days a URL date may fall outside the stated date (a time-zone shift) before it counts as a mismatch.
URL_DATE_SLACK_DAYS = 1


def unresolved(ctx: AuditContext) -> list[Finding]:
    doc = ctx.doc
    out = []
    for c in doc.citations:
        if c.reference is not None:
            continue
        labels = ", ".join(r.label for r in doc.references) or "none"
        out.append(
            Finding(
                "citation.unresolved",
                "error",
                f"the marker cites [{c.label}], but the reference list has no entry {c.label} (entries: {labels})",
                c.marker,
                (c.label,),
            )
        )
    return out


def unused(ctx: AuditContext) -> list[Finding]:
    doc = ctx.doc
    cited = {c.reference for c in doc.citations if c.reference is not None}
    out = []
    for i, ref in enumerate(doc.references):
        if i in cited:
            continue
        best = max(range(len(doc.sentences)), key=lambda s: ctx.fit(s, i).score, default=None)
        suggestion = None
        message = f"reference [{ref.label}] is listed but never cited in the text"
        if best is not None and ctx.fit(best, i).score >= UNUSED_PLACE_MIN_FIT:
            where = doc.sentences[best].span
            why = explain(ctx.fit(best, i))
            suggestion = Suggestion(
                f"it would fit the sentence \u201c{ctx.quote(where)}\u201d ({why})", (ref.label,), where
            )
            out.append(
                Finding(
                    "reference.unused.suggested_place",
                    "info",
                    f"uncited reference [{ref.label}] is about what this sentence says ({why})",
                    where,
                    (ref.label,),
                    suggestion,
                )
            )
        out.append(Finding("reference.unused", "warning", message, ref.span, (ref.label,), suggestion))
    return out


def url_date_mismatch(ctx: AuditContext) -> list[Finding]:
    out = []
    slack = dt.timedelta(days=URL_DATE_SLACK_DAYS)
    for ref in ctx.doc.references:
        if not (ref.date and ref.url_date):
            continue
        if ref.date.first_day() - slack <= ref.url_date.first_day() <= ref.date.last_day() + slack:
            continue
        out.append(
            Finding(
                "reference.url_date_mismatch",
                "warning",
                f"reference [{ref.label}] is dated {ref.date.human()}, but its URL carries the date "
                f"{ref.url_date.human()}",
                ref.span,
                (ref.label,),
                Suggestion(f"check the date; the URL suggests {ref.url_date.human()}", (ref.label,)),
            )
        )
    return out


def mismatch(ctx: AuditContext) -> list[Finding]:
    """Citations that another reference fits clearly better, and swapped pairs."""
    doc = ctx.doc
    # One entry per (sentence, cited reference); sentences citing several references are judged by the best.
    citing: dict[int, set[int]] = {}
    for c in doc.citations:
        if c.reference is not None and c.sentence is not None:
            citing.setdefault(c.sentence, set()).add(c.reference)
    if len(doc.references) < 2:
        return []

    def cited_fit(s: int) -> tuple[int, float]:
        r = max(citing[s], key=lambda r: ctx.fit(s, r).score)
        return r, ctx.fit(s, r).score

    out: list[Finding] = []
    swapped: set[int] = set()
    singles = sorted(s for s, refs in citing.items() if len(refs) == 1)
    for a, b in combinations(singles, 2):
        (ra,), (rb,) = citing[a], citing[b]
        if ra == rb or a in swapped or b in swapped:
            continue
        gain_a = ctx.fit(a, rb).score - ctx.fit(a, ra).score
        gain_b = ctx.fit(b, ra).score - ctx.fit(b, rb).score
        if gain_a > 0 and gain_b > 0 and gain_a + gain_b >= SWAP_GAIN:
            swapped |= {a, b}
            out.append(_mismatch(ctx, a, ra, rb, swap_with=b))
            out.append(_mismatch(ctx, b, rb, ra, swap_with=a))
    for s in sorted(citing):
        if s in swapped:
            continue
        r, score = cited_fit(s)
        others = [o for o in range(len(doc.references)) if o not in citing[s]]
        if not others:
            continue
        best = max(others, key=lambda o: ctx.fit(s, o).score)
        better = ctx.fit(s, best).score
        if better >= MISMATCH_MIN_FIT and better - score >= MISMATCH_MARGIN:
            out.append(_mismatch(ctx, s, r, best))
    return out


def _mismatch(ctx: AuditContext, s: int, cited: int, better: int, swap_with: int | None = None) -> Finding:
    doc = ctx.doc
    rc, rb = doc.references[cited], doc.references[better]
    why_b = explain(ctx.fit(s, better))
    why_c = explain(ctx.fit(s, cited))
    message = f"this sentence cites [{rc.label}] ({why_c}), but [{rb.label}] fits it clearly better ({why_b})"
    if swap_with is not None:
        message += (
            f"; the sentence citing [{rb.label}] fits [{rc.label}] better in turn: "
            f"[{rc.label}] and [{rb.label}] look swapped"
        )
    suggestion = Suggestion(f"cite [{rb.label}] here instead of [{rc.label}]", (rb.label,))
    return Finding("citation.mismatch", "warning", message, doc.sentences[s].span, (rc.label,), suggestion)
