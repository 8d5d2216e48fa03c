"""A processed `Document` as plain rows for the knowledge base.

Built where the document was processed (a worker process) and sent to the writer: only plain Python values,
so it pickles cheaply. Rows refer to each other by position within the document (`sentence_idx`,
`reference_idx`); the writer turns positions into database ids.

Entities get their cross-document ids here: a gazetteer id stays as it is; a document-local entity becomes
`local:<type>:<slug of its normalised name>`, so the same unknown name of the same type in two documents is
one entity.
"""

from __future__ import annotations

import bisect
import functools
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from claimgraph import __version__
from claimgraph.contract import dispatches_json
from claimgraph.document import Document
from claimgraph.entities import gazetteer
from claimgraph.entities.linker import DESCRIPTION_PREFIX, slug
from claimgraph.read.sources import is_url
from claimgraph.records import Claim, PartialDate, Span
from claimgraph.rules import rules_version

#: Mentions that refer back ("the group", "its", "they") or describe ("the militants") rather than name: counted
#: as mentions, not kept as aliases.
NOT_NAMES = frozenset({"coreference", "pronoun", "common"})


@functools.cache
def full_rules_version() -> str:
    """The versions of every rule file and of the gazetteer (as in the JSON contract's `rules_version`)."""
    return f"{rules_version()}+gazetteer@{gazetteer.load().version}"


def canonical_entity_id(eid: str, name: str, etype: str, scope: str | None = None) -> str:
    """The knowledge base's id of an entity: gazetteer ids as they are, local ones by normalised name and type.
    A description ("the militants", linker's DESCRIPTION_PREFIX) names no one in particular: it stays the
    document's own (`scope`, the document id), so that two reports' "militants" are not one actor."""
    if not eid.startswith("local:"):
        return eid
    if scope and eid.rsplit(":", 1)[-1].startswith(DESCRIPTION_PREFIX):
        return f"{eid}@{scope[:16]}"
    key = slug(" ".join(name.split())) or eid.rsplit(":", 1)[-1]
    return f"local:{etype}:{key}"


def source_key(source: str, doc_id: str, url: str | None = None) -> str:
    """What versions of one document share: its URL, or its absolute path; stdin text has none (its own id)."""
    if url:
        return url
    if is_url(source):
        return source
    if source == "-":
        return f"stdin:{doc_id}"
    return os.path.abspath(source)


def _outlet(meta_site: str | None, url: str | None) -> str | None:
    if meta_site:
        return meta_site
    if url:
        host = urlparse(url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _iso(d: PartialDate | None) -> str | None:
    return d.iso() if d else None


@dataclass
class DocumentRows:
    """Everything the knowledge base stores about one document (see `claimgraph.store.schema`)."""

    id: str
    source: str
    source_key: str
    document: dict[str, Any]
    sentences: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many rows of each child table this document makes (for integrity checks)."""
        return {
            "sentences": len(self.sentences),
            "document_entities": len(self.entities),
            "mentions": len(self.mentions),
            "reference_entries": len(self.references),
            "citations": len(self.citations),
            "claims": len(self.claims),
            "claim_entities": sum(len(c["subjects"]) + len(c["objects"]) + len(c["places"]) for c in self.claims),
            "claim_citations": sum(len(c["citations"]) for c in self.claims),
            "quantities": sum(len(c["quantities"]) for c in self.claims),
            "findings": len(self.findings),
        }


class _Sentences:
    """Offset -> sentence position, by bisection."""

    def __init__(self, doc: Document) -> None:
        self.starts = [s.span.start for s in doc.sentences]
        self.ends = [s.span.end for s in doc.sentences]

    def at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return i
        return None


def document_rows(doc: Document) -> DocumentRows:
    """The rows of one processed document."""
    text = doc.text
    meta = doc.reading.meta
    url = meta.url or (doc.source if is_url(doc.source) else None)
    version = full_rules_version()
    at = _Sentences(doc)
    inferred = doc.published_inferred
    rows = DocumentRows(
        id=doc.id,
        source=doc.source,
        source_key=source_key(doc.source, doc.id, url),
        document={
            "id": doc.id,
            "source": doc.source,
            "url": url,
            "outlet": _outlet(meta.site, url),
            "format": doc.reading.format,
            "title": doc.title.of(text) if doc.title else None,
            "authors": list(doc.authors),
            "published": _iso(doc.published),
            "published_start": doc.published.first_day() if doc.published else None,
            "published_end": doc.published.last_day() if doc.published else None,
            "published_not_before": _iso(inferred.not_before) if inferred else None,
            "published_not_after": _iso(inferred.not_after) if inferred else None,
            "published_why": inferred.why if inferred else None,
            "dispatches": dispatches_json(doc),
            "language": "en",
            "char_count": len(text),
            "text": text,
            "rules_version": version,
            "claimgraph_version": __version__,
        },
    )
    rows.sentences = [
        {"idx": i, "paragraph": s.paragraph, "char_start": s.span.start, "char_end": s.span.end,
         "text": s.span.of(text)}
        for i, s in enumerate(doc.sentences)
    ]

    # entities, merged by canonical id (two local ids of one document may meet), with their mentions
    local_to_canonical: dict[str, str] = {}
    merged: dict[str, dict[str, Any]] = {}
    aliases: Counter[tuple[str, str]] = Counter()
    gaz = gazetteer.load()
    for e in doc.entities:
        cid = canonical_entity_id(e.id, e.name, e.type, doc.id)
        local_to_canonical[e.id] = cid
        entry = gaz.entries.get(cid)
        row = merged.setdefault(cid, {
            "entity_id": cid, "local_id": e.id, "name": e.name, "type": e.type, "wikidata": e.wikidata,
            "country": e.country, "parent": entry.parent if entry else None, "is_local": cid.startswith("local:"),
            "mention_count": 0,
        })
        row["mention_count"] += len(e.mentions)
        for m in e.mentions:
            if m.how not in NOT_NAMES:
                aliases[(cid, " ".join(m.span.of(text).split()))] += 1
            rows.mentions.append({
                "entity_id": cid, "sentence_idx": at.at(m.span.start), "char_start": m.span.start,
                "char_end": m.span.end, "text": m.span.of(text), "how": m.how, "facet": m.facet,
            })

    def entity_ref(eid: str) -> str:
        """A claim's entity id as a knowledge-base id; an id the document's entities lack gets a stub row."""
        if eid in local_to_canonical:
            return local_to_canonical[eid]
        entry = gaz.entries.get(eid)
        name = entry.name if entry else eid.rsplit(":", 1)[-1].replace("-", " ")
        etype = entry.type if entry else (eid.split(":")[1] if eid.startswith("local:") and eid.count(":") >= 2
                                          else "other")
        cid = canonical_entity_id(eid, name, etype, doc.id)
        local_to_canonical[eid] = cid
        merged.setdefault(cid, {
            "entity_id": cid, "local_id": eid, "name": name, "type": etype,
            "wikidata": entry.wikidata if entry else None, "country": entry.country if entry else None,
            "parent": entry.parent if entry else None, "is_local": cid.startswith("local:"), "mention_count": 0,
        })
        return cid

    ref_index = {r.label: i for i, r in enumerate(doc.references)}
    rows.references = [
        {"idx": i, "label": r.label, "publisher": r.publisher, "published": _iso(r.date), "title": r.title,
         "url": r.url, "url_date": _iso(r.url_date), "authors": list(r.authors), "accessed": _iso(r.accessed),
         "char_start": r.span.start, "char_end": r.span.end, "text": r.span.of(text)}
        for i, r in enumerate(doc.references)
    ]
    rows.citations = [
        {"reference_idx": c.reference, "label": c.label, "sentence_idx": c.sentence,
         "marker_start": c.marker.start, "marker_end": c.marker.end, "marker_text": c.marker.of(text)}
        for c in doc.citations
    ]
    for claim in doc.claims:
        if not isinstance(claim, Claim):
            raise TypeError(f"doc.claims holds a {type(claim).__name__}, expected claimgraph.records.Claim")
        rows.claims.append(_claim_row(doc, claim, entity_ref, ref_index, at, version))
    for i, f in enumerate(doc.findings):
        s = f.suggestion
        rows.findings.append({
            "idx": i, "sentence_idx": at.at(f.evidence.start), "code": f.code, "severity": f.severity,
            "message": f.message, "evidence_start": f.evidence.start, "evidence_end": f.evidence.end,
            "evidence_text": f.evidence.of(text), "reference_labels": list(f.references),
            "suggestion_message": s.message if s else None,
            "suggestion_references": list(s.references) if s else None,
            "suggestion_start": s.span.start if s and s.span else None,
            "suggestion_end": s.span.end if s and s.span else None,
            "rules_version": version,
        })
    rows.entities = sorted(merged.values(), key=lambda r: r["entity_id"])
    rows.aliases = [{"entity_id": eid, "alias": alias, "mention_count": n}
                    for (eid, alias), n in sorted(aliases.items())]
    return rows


def _claim_row(doc: Document, c: Claim, entity_ref, ref_index: dict[str, int], at: _Sentences,
               version: str) -> dict[str, Any]:
    text = doc.text
    t = c.time

    def span_text(span: Span) -> str:
        return span.of(text)

    attributed_entity = None
    if c.attributed_to and (c.attributed_to in {e.id for e in doc.entities}):
        attributed_entity = entity_ref(c.attributed_to)
    sentence_idx = c.sentence if 0 <= c.sentence < len(doc.sentences) else at.at(c.evidence.start)
    return {
        "key": f"{doc.id}:{c.id}",
        "local_id": c.id,
        "sentence_idx": sentence_idx,
        "predicate": c.predicate,
        "mode": c.mode,
        "negated": bool(c.negated),
        "modality": c.modality,
        "attributed_to": attributed_entity or c.attributed_to,
        "attributed_entity_id": attributed_entity,
        "time_text": span_text(t.span) if t else None,
        "time_start": t.start if t else None,
        "time_end": t.end if t else None,
        "time_relative": t.relative if t else None,
        "time_char_start": t.span.start if t else None,
        "time_char_end": t.span.end if t else None,
        "evidence_start": c.evidence.start,
        "evidence_end": c.evidence.end,
        "evidence_text": span_text(c.evidence),
        "rule": c.rule,
        "rules_version": version,
        "subjects": [entity_ref(e) for e in c.subject],
        "objects": [entity_ref(e) for e in c.object],
        "places": [entity_ref(e) for e in c.place],
        "citations": [(label, ref_index.get(label)) for label in c.citations],
        "quantities": [
            {"idx": i, "value": q.value, "low": q.low, "high": q.high, "qualifier": q.qualifier, "unit": q.unit,
             "what": q.what, "whom": q.whom, "vague": q.vague, "char_start": q.span.start, "char_end": q.span.end,
             "text": span_text(q.span), "restates_start": q.restates.start if q.restates else None,
             "restates_end": q.restates.end if q.restates else None}
            for i, q in enumerate(c.quantities)
        ],
    }
