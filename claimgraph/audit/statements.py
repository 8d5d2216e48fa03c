"""Findings about how things are stated: intent or hidden motive stated as fact with no source
(claim.uncited_speculation)."""

from __future__ import annotations

import functools

from claimgraph import rules
from claimgraph.audit.context import AuditContext
from claimgraph.claims.modality import motive_cue
from claimgraph.records import Finding, Suggestion


@functools.cache
def _weak() -> frozenset[str]:
    return frozenset(rules.load("modality")["motives"]["weak"])


def uncited_speculation(ctx: AuditContext) -> list[Finding]:
    """Intent stated as fact ("deliberately", "is exploiting", "so that") is a warning; a motive only framed
    ("in the interest of", "seeks to") is info."""
    doc = ctx.doc
    out = []
    for s, sentence in enumerate(doc.sentences):
        if doc.citations_of(s):
            continue
        span, base = ctx.parsed_sentence(s)
        if span is None:
            continue
        cue = motive_cue(span, base)
        if cue is None:
            continue
        weak = " ".join(cue.of(doc.text).lower().split()) in _weak()
        out.append(Finding(
            "claim.uncited_speculation", "info" if weak else "warning",
            f"the sentence states an intent or hidden motive as fact (\u201c{cue.of(doc.text)}\u201d) and cites no "
            "source for it",
            sentence.span, (),
            Suggestion("cite evidence of the intent, attribute it to whoever claims it, or hedge it")))
    return out
