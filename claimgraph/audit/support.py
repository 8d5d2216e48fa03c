"""Findings from the cited documents themselves: does the source say what the sentence cites it for?

Only when the audit is given a source library (`claimgraph audit --sources DIR` / `--fetch-sources`).

- `citation.source_unavailable` (warning): a reference's URL could not be read, and why.
- `citation.unsupported` (warning): the cited document does not support the sentence (`not_supported`), or
  states the opposite (a negation where the sentence has none); when another reference's document supports
  it, the suggestion names that reference and quotes its passage.
- `citation.partial_support` (warning): the document supports part of the sentence; the finding names the
  parts it does not give (names, figures, words) and every figure it gives differently, with both values.
- `citation.supported` (info): the document supports the sentence; the finding quotes the passage.

Every finding quotes the best passage of the cited document (its document id and offsets). A sentence
citing several references is judged by the one whose document supports it best.
"""

from __future__ import annotations

from claimgraph.audit.context import AuditContext
from claimgraph.records import Finding, SourcePassage, Span, Suggestion
from claimgraph.sources.get import Unavailable

#: A reference suggested instead of an unsupported citation must support the sentence (its label) or at
#: least score this much above the cited one (P(supported) from the scorer; the scale of the WiCE-trained
#: model, where 0.2 separates a partial from a full match on most claims).
SUGGEST_MARGIN = 0.2

#: Passages quoted in messages are cut to this many characters.
PASSAGE_CHARS = 160


def source_unavailable(ctx: AuditContext) -> list[Finding]:
    out = []
    for i, ref in enumerate(ctx.doc.references):
        got = ctx.cited_source(i)
        if isinstance(got, Unavailable):
            out.append(Finding(
                "citation.source_unavailable", "warning",
                f"the document reference [{ref.label}] cites could not be read, so the sentences citing it were "
                f"not checked against it: {got.why}",
                ref.span, (ref.label,),
            ))
    return out


def _passage(ctx: AuditContext, reference: int, span: Span) -> SourcePassage:
    ref = ctx.doc.references[reference]
    got = ctx.cited_source(reference)
    return SourcePassage(ref.label, ref.url or "", got.document, span, span.of(got.text))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PASSAGE_CHARS else text[: PASSAGE_CHARS - 1].rstrip() + "\u2026"


def _quoted(words) -> str:
    return ", ".join(f"\u2018{w}\u2019" for w in words)


def support(ctx: AuditContext) -> list[Finding]:
    doc = ctx.doc
    if ctx.sources is None:
        return []
    citing: dict[int, set[int]] = {}
    for c in doc.citations:
        if c.reference is not None and c.sentence is not None:
            citing.setdefault(c.sentence, set()).add(c.reference)
    out = []
    for s in sorted(citing):
        judged = {r: ctx.support(s, r) for r in sorted(citing[s])}
        judged = {r: j for r, j in judged.items() if j is not None}
        if not judged:
            continue
        r = max(judged, key=lambda k: (judged[k].label == "supported", judged[k].score, -k))
        finding = _finding(ctx, s, r, judged[r], citing[s])
        if finding is not None:
            out.append(finding)
    return out


def _finding(ctx: AuditContext, s: int, r: int, j, cited: set[int]) -> Finding | None:
    doc = ctx.doc
    ref = doc.references[r]
    where = doc.sentences[s].span
    passage = _passage(ctx, r, j.passages[0]) if j.passages else None
    if passage is None:
        said = "the document has no text"
    elif j.matched:
        said = f"its best passage: \u201c{_short(passage.text)}\u201d"
    else:
        said = f"no passage of it shares a word with the sentence; it opens: \u201c{_short(passage.text)}\u201d"
    differs = "; ".join(f"the source gives {d.source} where the sentence says {d.claim}" for d in j.differ)
    if j.label == "supported" and not j.differ and not j.negated:
        return Finding("citation.supported", "info",
                       f"the document of [{ref.label}] supports this sentence (score {j.score:.2f}; {said})",
                       where, (ref.label,), None, passage)
    if j.label == "not_supported" or j.negated or (not j.found and not j.differ):
        why = "states the opposite (a negation the sentence lacks, or the reverse)" if j.negated else \
            "does not say what this sentence says"
        message = f"the document of [{ref.label}] {why} (score {j.score:.2f}; {said})"
        if differs:
            message += f"; {differs}"
        return Finding("citation.unsupported", "warning", message, where, (ref.label,),
                       _better(ctx, s, r, j, cited), passage)
    missing = []
    if j.missing_names:
        missing.append("names " + _quoted(j.missing_names))
    if j.missing_numbers:
        missing.append("figures " + _quoted(j.missing_numbers))
    if j.missing_words:
        missing.append("words " + _quoted(j.missing_words))
    message = (f"the document of [{ref.label}] supports only part of this sentence (score {j.score:.2f}): "
               f"it gives {_quoted(j.found) or 'little'}")
    if differs:
        message += f"; {differs}"
    if missing:
        message += "; it does not give " + "; ".join(missing)
    message += f" ({said})"
    suggestion = None
    if j.differ:
        d = j.differ[0]
        suggestion = Suggestion(f"check the figure: [{ref.label}] gives {d.source}, the sentence {d.claim}",
                                (ref.label,))
    return Finding("citation.partial_support", "warning", message, where, (ref.label,), suggestion, passage)


def _better(ctx: AuditContext, s: int, r: int, j, cited: set[int]) -> Suggestion | None:
    """Another reference whose document supports the sentence, when there is one."""
    doc = ctx.doc
    best, best_j = None, None
    for o in range(len(doc.references)):
        if o in cited:
            continue
        oj = ctx.support(s, o)
        if oj is None:
            continue
        if best_j is None or (oj.label == "supported", oj.score) > (best_j.label == "supported", best_j.score):
            best, best_j = o, oj
    if best is None or not (best_j.label == "supported" or best_j.score >= j.score + SUGGEST_MARGIN):
        return None
    label = doc.references[best].label
    said = _short(best_j.passages[0].of(ctx.cited_source(best).text)) if best_j.passages else ""
    return Suggestion(f"cite [{label}] here instead: its document says \u201c{said}\u201d "
                      f"(score {best_j.score:.2f})", (label,))
