"""Figures stated with no source: a casualty, people or money figure in a sentence no citation covers."""

from __future__ import annotations

import functools
import re

from claimgraph import rules
from claimgraph.audit.context import AuditContext
from claimgraph.records import Finding, Suggestion


@functools.cache
def _attribution() -> re.Pattern:
    cues = sorted(rules.load("audit")["attribution_cues"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, cues)) + r")\b", re.IGNORECASE)


def uncited_figure(ctx: AuditContext) -> list[Finding]:
    doc = ctx.doc
    # In a document with no citation apparatus at all (a wire report, a press release) the outlet itself is
    # the source: an uncited figure is worth knowing, not a fault.
    severity = "warning" if (doc.references or doc.markers) else "info"
    out = []
    for s, figures in enumerate(ctx.figures):
        if not figures or doc.citations_of(s):
            continue
        sentence = doc.sentences[s]
        text = sentence.span.of(doc.text)
        if _attribution().search(text):
            continue  # "..., officials said": sourced in the sentence itself
        shown = ", ".join(f"\u201c{f.span.of(doc.text)}\u201d" for f in figures)
        kinds = sorted({f.kind for f in figures})
        out.append(
            Finding(
                "claim.uncited_figure",
                severity,
                f"the {' and '.join(kinds)} figure{'s' if len(figures) > 1 else ''} {shown} "
                f"{'are' if len(figures) > 1 else 'is'} stated with no citation and no named source",
                sentence.span,
                (),
                Suggestion("add a citation for the figure, or name its source"),
            )
        )
    return out
