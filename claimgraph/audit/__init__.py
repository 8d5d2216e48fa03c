"""The audit stage: check a document's sourcing and record findings (codes as in PRODUCT.md)."""

from __future__ import annotations

from claimgraph.audit import citations, dating, figures, quotes, spelling, statements, support, totals
from claimgraph.audit.context import AuditContext
from claimgraph.document import Document

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

#: The checks that only add findings, in report order.
CHECKS = (
    citations.unresolved,
    citations.unused,
    dating.predates_claim,
    citations.mismatch,
    citations.url_date_mismatch,
    figures.uncited_figure,
    statements.uncited_speculation,
    totals.totals,
    spelling.spelling_variant,
    quotes.quote_mismatch,
    support.source_unavailable,
    support.support,
)


def audit(doc: Document, nlp, sources=None) -> None:
    """Run every check; set `doc.findings` (sorted by position, then severity) and `doc.published_inferred`.

    sources: a `claimgraph.sources.get.SourceLibrary`; when given, the cited documents are read and the
    citations checked against them (audit/support.py), and the fits of references use their text."""
    ctx = AuditContext(doc, nlp, sources)
    doc.claim_support = support.claim_support(ctx)  # before the checks: the support findings name them
    found = [f for check in CHECKS for f in check(ctx)]
    bounds, dated = dating.date_inferred(ctx)
    found.extend(dated)
    found.sort(key=lambda f: (f.evidence.start, _SEVERITY_ORDER[f.severity], f.code))
    doc.findings, doc.published_inferred = found, bounds
