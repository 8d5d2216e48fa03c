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


@functools.cache
def _carries() -> re.Pattern:
    cues = sorted(rules.load("audit").get("attribution_carries", []), key=len, reverse=True)
    return re.compile(r"^\W*(?:" + "|".join(map(re.escape, cues)) + r")\b", re.IGNORECASE)


def attributed_sentences(doc) -> set[int]:
    """Sentences whose figures prose attributes: an attribution cue in the sentence ("..., officials said",
    "according to X", "the army confirmed"), a claim of the sentence attributed to a speaker (modality), or a
    sentence opening on the figures of an attributed sentence before it in its paragraph ("Among the dead")."""
    cited_by_speaker = {c.sentence for c in doc.claims if c.attributed_to}
    out: set[int] = set()
    for s, sentence in enumerate(doc.sentences):
        text = sentence.span.of(doc.text)
        carried = (s - 1 in out and doc.sentences[s - 1].paragraph == sentence.paragraph
                   and bool(_carries().search(text)))
        if s in cited_by_speaker or _attribution().search(text) or carried:
            out.add(s)
    return out


def uncited_figure(ctx: AuditContext) -> list[Finding]:
    doc = ctx.doc
    attributed = attributed_sentences(doc)
    # In a document with no citation apparatus at all (a wire report, a press release) the outlet itself is
    # the source: an uncited figure is worth knowing, not a fault.
    severity = "warning" if (doc.references or doc.markers) else "info"
    out = []
    for s, figures in enumerate(ctx.figures):
        if not figures or doc.citations_of(s):
            continue
        sentence = doc.sentences[s]
        if s in attributed:
            continue  # "..., officials said": sourced in prose (news copy names sources, not notes)
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
