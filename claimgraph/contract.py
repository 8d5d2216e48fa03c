"""A processed document as the JSON object of PRODUCT.md (`extract`, `audit --format json`).

Fields may be added over time; the contract's fields are never renamed or dropped.
"""

from __future__ import annotations

import json
from typing import Any

from claimgraph import __version__
from claimgraph.document import Document
from claimgraph.entities import gazetteer
from claimgraph.records import Claim, Finding, Mention, PartialDate, Quantity, Span, TimeExpression
from claimgraph.rules import rules_version


def _date(d: PartialDate | None) -> str | None:
    return d.iso() if d else None


def dispatches_json(doc: Document) -> list[dict[str, Any]]:
    """The document's dispatches as the contract writes them, {"start", "end", "date"} each (the knowledge base
    stores this list as it is, so that its rebuilt contract has them too)."""
    return [{"start": d.span.start, "end": d.span.end, "date": _date(d.date)} for d in doc.dispatches]


def _evidence(doc: Document, span: Span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.of(doc.text)}


def _mention(doc: Document, m: Mention) -> dict[str, Any]:
    out = {"start": m.span.start, "end": m.span.end, "text": m.span.of(doc.text), "how": m.how}
    if m.facet:
        out["facet"] = m.facet
    return out


def _number(x: float | None) -> int | float | None:
    """A count as an int when it is whole (685, not 685.0)."""
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _quantity(doc: Document, q: Quantity) -> dict[str, Any]:
    return {"value": _number(q.value), "low": _number(q.low), "high": _number(q.high), "qualifier": q.qualifier,
            "unit": q.unit, "what": q.what, "whom": q.whom, "text": q.span.of(doc.text), "start": q.span.start,
            "end": q.span.end, "vague": q.vague,
            "restates": {"start": q.restates.start, "end": q.restates.end} if q.restates else None}


def _time(doc: Document, t: TimeExpression | None) -> dict[str, Any] | None:
    """When: `start`/`end` are the first and last day (ISO); `span` is where the expression stands."""
    if t is None:
        return None
    return {"text": t.span.of(doc.text), "start": t.start.isoformat() if t.start else None,
            "end": t.end.isoformat() if t.end else None, "relative": t.relative,
            "span": {"start": t.span.start, "end": t.span.end}}


def _claim(doc: Document, c: Claim, version: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "subject": list(c.subject),
        "predicate": c.predicate,
        "object": list(c.object),
        "mode": c.mode,
        "negated": c.negated,
        "modality": c.modality,
        "attributed_to": c.attributed_to,
        "time": _time(doc, c.time),
        "place": list(c.place),
        "quantities": [_quantity(doc, q) for q in c.quantities],
        "citations": list(c.citations),
        "evidence": _evidence(doc, c.evidence),
        "rule": c.rule,
        "rules_version": version,
        "sentence": c.sentence,
    }


def _finding(doc: Document, f: Finding) -> dict[str, Any]:
    suggestion = None
    if f.suggestion:
        suggestion = {"message": f.suggestion.message, "references": list(f.suggestion.references)}
        if f.suggestion.span:
            suggestion["evidence"] = _evidence(doc, f.suggestion.span)
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "evidence": _evidence(doc, f.evidence),
        "references": list(f.references),
        "suggestion": suggestion,
        **({"source": {"reference": f.source.reference, "url": f.source.url, "document": f.source.document,
                       "start": f.source.span.start, "end": f.source.span.end, "text": f.source.text}}
           if f.source else {}),
    }


def document_json(doc: Document) -> dict[str, Any]:
    cited_at: dict[int, list[dict[str, int]]] = {}
    for c in doc.citations:
        if c.reference is not None:
            spot = {"start": c.marker.start, "end": c.marker.end}
            if spot not in cited_at.setdefault(c.reference, []):
                cited_at[c.reference].append(spot)
    inferred = doc.published_inferred
    version = f"{rules_version()}+gazetteer@{gazetteer.load().version}"
    return {
        "document": {
            "id": doc.id,
            "source": doc.source,
            "format": doc.reading.format,
            "title": doc.title.of(doc.text) if doc.title else None,
            "authors": list(doc.authors),
            "published": _date(doc.published),
            "published_inferred": {
                "not_before": _date(inferred.not_before),
                "not_after": _date(inferred.not_after),
                "why": inferred.why,
            }
            if inferred
            else None,
            "dispatches": dispatches_json(doc),
            "language": "en",
            "text": doc.text,
            "rules_version": version,
            "claimgraph_version": __version__,
        },
        "entities": [
            {"id": e.id, "name": e.name, "type": e.type, "wikidata": e.wikidata, "country": e.country,
             "sector": e.sector, "mentions": [_mention(doc, m) for m in e.mentions]}
            for e in doc.entities
        ],
        "claims": [_claim(doc, c, version) for c in doc.claims],
        "references": [
            {
                "label": r.label,
                "publisher": r.publisher,
                "date": _date(r.date),
                "title": r.title,
                "url": r.url,
                "url_date": _date(r.url_date),
                "authors": list(r.authors),
                "accessed": _date(r.accessed),
                "start": r.span.start,
                "end": r.span.end,
                "cited_at": cited_at.get(i, []),
            }
            for i, r in enumerate(doc.references)
        ],
        "sentences": [
            {"start": s.span.start, "end": s.span.end, "paragraph": s.paragraph} for s in doc.sentences
        ],
        "findings": [_finding(doc, f) for f in doc.findings],
    }


def to_json_line(doc: Document) -> str:
    return json.dumps(document_json(doc), ensure_ascii=False)
