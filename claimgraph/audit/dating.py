"""Findings about time: a citation dated before what it is cited for, and an undated document's
publication date bounded from its references and its relative time phrases ("just a few days ago")."""

from __future__ import annotations

import datetime as dt
import functools
import re

from claimgraph import rules
from claimgraph.audit.context import AuditContext
from claimgraph.records import DateBounds, Finding, PartialDate, Span, Suggestion


def predates_claim(ctx: AuditContext) -> list[Finding]:
    doc = ctx.doc
    out = []
    seen = set()
    for c in doc.citations:
        if c.reference is None or c.sentence is None or (c.sentence, c.reference) in seen:
            continue
        seen.add((c.sentence, c.reference))
        ref = doc.references[c.reference]
        date = ref.best_date
        periods = ctx.periods(c.sentence)
        if date is None or not periods:
            continue
        latest = max(periods, key=lambda p: p.start)
        if date.last_day() >= latest.start:
            continue
        when = latest.span.of(doc.text)
        out.append(
            Finding(
                "citation.predates_claim",
                "error",
                f"the sentence reports events of {when!r} (from {latest.start:%d %B %Y}), but the reference it cites, "
                f"[{ref.label}], is dated {date.human()}: a source cannot report what had not yet happened",
                doc.sentences[c.sentence].span,
                (ref.label,),
                Suggestion(f"cite a source published after {latest.start:%B %Y} for this sentence"),
            )
        )
    return out


@functools.cache
def _recency() -> tuple[re.Pattern, dict[str, tuple[int, int]]]:
    table = {k.lower(): (int(v[0]), int(v[1])) for k, v in rules.load("audit")["relative_recency"].items()}
    # Longest phrase first so "just a few days ago" wins over "a few days ago" and "days ago".
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)) + r")\b", re.IGNORECASE
    )
    return pattern, table


def date_inferred(ctx: AuditContext) -> tuple[DateBounds | None, list[Finding]]:
    """Bounds on the publication date of a document that states none."""
    doc = ctx.doc
    if doc.published is not None:
        return None, []
    dated = [(r.best_date, r) for r in doc.references if r.best_date]
    if not dated:
        return None, []
    newest, newest_ref = max(dated, key=lambda d: d[0].last_day())
    not_before: PartialDate = newest
    not_after: PartialDate | None = None
    why = [f"it cites [{newest_ref.label}], dated {newest.human()}, so it appeared no earlier"]
    evidence: Span = newest_ref.span
    pattern, table = _recency()
    for s, sentence in enumerate(doc.sentences):
        for m in pattern.finditer(sentence.span.of(doc.text)):
            event = _event_date(ctx, s)
            if event is None:
                continue
            date, label = event
            low, high = table[m.group(1).lower()]
            upper = date.last_day() + dt.timedelta(days=high)
            if not_after is None or upper < not_after.last_day():
                not_after = PartialDate.of(upper)
                evidence = Span(sentence.span.start + m.start(), sentence.span.start + m.end())
                why.append(
                    f"it says {m.group(1)!r} of an event its reference [{label}] dates {date.human()}, "
                    f"so it appeared within {high} days of it"
                )
            lower = date.first_day() + dt.timedelta(days=low)
            if lower > not_before.first_day() and date.precision == "day":
                not_before = PartialDate.of(lower)
    bounds = DateBounds(not_before, not_after, "; ".join(why))
    span = f"not before {not_before.human()}" + (f" and not after {not_after.human()}" if not_after else "")
    finding = Finding(
        "document.date_inferred",
        "info",
        f"the document states no publication date; it was published {span}: {bounds.why}",
        evidence,
        (newest_ref.label,),
    )
    return bounds, [finding]


def _event_date(ctx: AuditContext, s: int) -> tuple[PartialDate, str] | None:
    """The date of the event a relative phrase refers to: the date of the reference cited by the sentence,
    or by the next sentence of the paragraph (a marker often closes a passage of two sentences)."""
    doc = ctx.doc
    candidates = [s]
    if s + 1 < len(doc.sentences) and doc.sentences[s + 1].paragraph == doc.sentences[s].paragraph:
        candidates.append(s + 1)
    for i in candidates:
        for c in doc.citations_of(i):
            if c.reference is not None and (date := doc.references[c.reference].best_date):
                return date, doc.references[c.reference].label
    return None
