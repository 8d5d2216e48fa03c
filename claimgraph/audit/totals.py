"""Figures that add up to, or contradict, a total stated elsewhere: figure.consistent_total and
figure.inconsistent.

The parts are the people or casualty figures of one sentence ("685 security personnel and 915 civilians").
A total is a figure of another sentence, or a number in a reference's title ("kills 1,600"). Parts that sum
to a total are worth knowing (info). A sentence that states a total in so many words ("in all", "a total of")
contradicts parts elsewhere in its paragraph that count the same thing and sum to another number (warning).
"""

from __future__ import annotations

import functools
import re

from claimgraph import rules
from claimgraph.audit.context import AuditContext
from claimgraph.audit.fit import bare_numbers
from claimgraph.records import Finding, Span, Suggestion

#: Kinds of figure (claimgraph.figures.Figure.kind) that can be parts of a head count: all but money.
_COUNTS = ("people", "casualty")


@functools.cache
def _total_words() -> re.Pattern[str]:
    """The words that mark a figure as a total (`total_words` in audit.yaml)."""
    return re.compile(rf"\b(?:{rules.alternation(rules.words('audit', 'total_words'))})\b", re.I)

#: Totals smaller than this are too common to be matched by chance (two and three make five).
MIN_TOTAL = 20


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.5, 0.001 * max(a, b))


def totals(ctx: AuditContext) -> list[Finding]:
    doc = ctx.doc
    out: list[Finding] = []
    parts_of = {s: [f for f in figs if f.kind in _COUNTS] for s, figs in enumerate(ctx.figures)}
    titles = [(r.label, bare_numbers(r.title or "")) for r in doc.references]
    for s, parts in parts_of.items():
        if len(parts) < 2:
            continue
        total = sum(f.value for f in parts)
        if total < MIN_TOTAL:
            continue
        shown = " + ".join(f"{f.value:,.0f}" for f in parts) + f" = {total:,.0f}"
        evidence = Span(parts[0].span.start, parts[-1].span.end)
        cited = {doc.references[c.reference].label for c in doc.citations_of(s) if c.reference is not None}
        refs = tuple(label for label, numbers in titles if any(_close(total, n) for n in numbers))
        refs = tuple(sorted(refs, key=lambda r: r not in cited))
        if refs:
            out.append(Finding(
                "figure.consistent_total", "info",
                f"the figures add up ({shown}) to the total in the title of reference "
                + ", ".join(f"[{r}]" for r in refs), evidence, refs))
            continue
        for other, figs in parts_of.items():
            if other == s:
                continue
            match = next((f for f in figs if _close(total, f.value)), None)
            if match is not None:
                out.append(Finding(
                    "figure.consistent_total", "info",
                    f"the figures add up ({shown}) to the total stated elsewhere: "
                    f"\u201c{match.span.of(doc.text)}\u201d", evidence, ()))
                break
        else:
            out.extend(_contradictions(ctx, s, parts, total, shown))
    return out


def _contradictions(ctx: AuditContext, s: int, parts, total: float, shown: str) -> list[Finding]:
    """A stated total in the same paragraph, of the same kind of count, that the parts do not reach."""
    doc = ctx.doc
    paragraph = doc.sentences[s].paragraph
    out = []
    for other, sentence in enumerate(doc.sentences):
        if other == s or sentence.paragraph != paragraph:
            continue
        text = sentence.span.of(doc.text)
        if not _total_words().search(text):
            continue
        for f in ctx.figures[other]:
            if f.kind in {p.kind for p in parts} and f.value >= MIN_TOTAL and not _close(f.value, total):
                out.append(Finding(
                    "figure.inconsistent", "warning",
                    f"the parts ({shown}) do not add up to the total stated nearby, "
                    f"\u201c{f.span.of(doc.text)}\u201d", f.span, (),
                    Suggestion("check which figure is right, and cite the source of each")))
    return out
