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

Each claim of a citing sentence is judged too (`claim_support`, kept in `Document.claim_support` and the
JSON contract's `claims[].support`): its own span (a clause, or the sentence), and its own parts — the
actors it names (by gazetteer id, so aliases count) and its figures (a total of two of the source's figures
counts). A claim whose actor or figure the document never gives is at most partially supported, whatever
the words around it share. When the claims of one sentence fare differently, the sentence's finding says
which claim the document supports and which it does not.
"""

from __future__ import annotations

from claimgraph.audit.context import AuditContext
from claimgraph.records import ClaimSupport, Finding, SourcePassage, Span, Suggestion
from claimgraph.sources.get import Unavailable
from claimgraph.sources.lexical import tokens

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


def _citing(ctx: AuditContext) -> dict[int, set[int]]:
    """Sentence index -> the indices of the references its markers cite."""
    citing: dict[int, set[int]] = {}
    for c in ctx.doc.citations:
        if c.reference is not None and c.sentence is not None:
            citing.setdefault(c.sentence, set()).add(c.reference)
    return citing


def _best(judged: dict) -> int:
    return max(judged, key=lambda k: (judged[k].label == "supported", judged[k].score, -k))


def support(ctx: AuditContext) -> list[Finding]:
    if ctx.sources is None:
        return []
    citing = _citing(ctx)
    by_sentence: dict[int, list[ClaimSupport]] = {}
    for cs in ctx.doc.claim_support:
        by_sentence.setdefault(_claim(ctx, cs.claim).sentence, []).append(cs)
    out = []
    for s in sorted(citing):
        judged = {r: ctx.support(s, r) for r in sorted(citing[s])}
        judged = {r: j for r, j in judged.items() if j is not None}
        if not judged:
            continue
        r = _best(judged)
        finding = _finding(ctx, s, r, judged[r], citing[s])
        if finding is not None:
            out.append(_with_claims(ctx, finding, by_sentence.get(s, [])))
    return out


# -- each claim ---------------------------------------------------------------------------------------------

_RANK = {"supported": 2, "partially_supported": 1, "not_supported": 0}


def _claim(ctx: AuditContext, claim_id: str):
    return next(c for c in ctx.doc.claims if c.id == claim_id)


def claim_support(ctx: AuditContext) -> list[ClaimSupport]:
    """How well the cited documents support each claim of each citing sentence (none without sources)."""
    if ctx.sources is None:
        return []
    citing = _citing(ctx)
    out = []
    for claim in ctx.doc.claims:
        refs = citing.get(claim.sentence)
        if not refs:
            continue
        judged = {r: j for r in sorted(refs) if (j := _judge_claim(ctx, claim, r)) is not None}
        if judged:
            out.append(judged[max(judged, key=lambda k: (_RANK[judged[k].label], judged[k].score, -k))])
    return out


def _judge_claim(ctx: AuditContext, claim, r: int) -> ClaimSupport | None:
    from claimgraph.sources.support import _number_found, judge

    source = ctx.source_text(r)
    if source is None:
        return None
    sentence = ctx.doc.sentences[claim.sentence].span
    span = _claim_span(ctx, claim, sentence)
    j = ctx.support(claim.sentence, r) if span == sentence else judge(span.of(ctx.masked), source)
    # The claim's own parts: its actors (gazetteer ids, so that aliases and demonyms count; a name the
    # gazetteer lacks by its words) and its figures (equal, or a total of two of the source's).
    names = {e.id: e for e in ctx.doc.entities}
    missing_names = list(j.missing_names)
    for eid in dict.fromkeys(claim.subject + claim.object):
        entity = names.get(eid)
        if entity is None or _actor_found(entity, source.keys):
            continue
        said = next((m.span.of(ctx.doc.text) for m in entity.mentions if span.start <= m.span.start < span.end),
                    None)
        if said is not None and not any(n in said or said in n for n in missing_names):
            missing_names.append(said)
    missing_numbers = list(j.missing_numbers)
    for q in claim.quantities:
        if span.start <= q.span.start < span.end and q.vague is None and not _number_found(q.value, source.numbers):
            said = q.span.of(ctx.doc.text)
            if not any(n in said for n in missing_numbers):
                missing_numbers.append(said)
    label = j.label
    if label == "supported" and (missing_names != list(j.missing_names) or missing_numbers != list(j.missing_numbers)
                                 or j.differ):
        label = "partially_supported"  # a part of the claim the document never gives
    ref = ctx.doc.references[r]
    passage = _passage(ctx, r, j.passages[0]) if j.passages else None
    return ClaimSupport(claim.id, ref.label, label, j.score, span, passage, tuple(missing_names),
                        tuple(missing_numbers), j.missing_words,
                        tuple(f"{d.claim} -> {d.source}" for d in j.differ))


def _claim_span(ctx: AuditContext, claim, sentence: Span) -> Span:
    """The part of its sentence a claim is judged on: the sentence cut at its joints as the support scorer
    cuts a claim (`sources.support.parts`: commas, semicolons, "and", "while", "which"...), the parts the
    claim's evidence overlaps. A claim's evidence may be its clause or only its trigger word ("killed"):
    either way the judged text is a whole part, never a word alone nor the other clause of the sentence."""
    from claimgraph.sources.support import _JOINTS, parts

    masked = ctx.masked
    toks = tokens(sentence.of(masked), sentence.start)
    ev = claim.evidence
    hit = [p for p in parts(toks, masked) if p and p[0].start < ev.end and ev.start < p[-1].end]
    if not hit:
        return sentence
    first = hit[0][1:] if len(hit[0]) > 1 and hit[0][0].text.lower() in _JOINTS else hit[0]
    start, end = first[0].start, hit[-1][-1].end
    if hit[0][0].start <= sentence.start and sum(1 for p in parts(toks, masked) if p) == len(hit):
        return sentence  # the claim spans the sentence: judged as the sentence is
    return Span(start, end)


def _actor_found(entity, keys: frozenset[str]) -> bool:
    if "@" + entity.id in keys:
        return True
    words = [t for t in tokens(entity.name) if t.content]
    return bool(words) and all(t.keys & keys for t in words)


def _with_claims(ctx: AuditContext, finding: Finding, claims: list[ClaimSupport]) -> Finding:
    """The sentence's finding, saying claim by claim how the document fares when its claims differ."""
    if len(claims) < 2 or len({c.label for c in claims}) < 2:
        return finding
    parts = []
    for cs in claims:
        said = f"“{_short(cs.evidence.of(ctx.doc.text))}” {cs.label.replace('_', ' ')}"
        lacks = [*cs.missing_names, *cs.missing_numbers]
        if cs.label != "supported" and lacks:
            said += " (it does not give " + _quoted(lacks) + ")"
        parts.append(said)
    return Finding(finding.code, finding.severity, finding.message + "; claim by claim: " + "; ".join(parts),
                   finding.evidence, finding.references, finding.suggestion, finding.source)


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
