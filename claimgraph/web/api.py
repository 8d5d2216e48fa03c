"""The JSON API under `/api/v1/`: the CLI's questions over HTTP, from the same `KnowledgeBase` functions.

Lists answer `{"items": [...], "limit", "offset", "next"}` (`next`: the next page's URL, or null). A filter
given several times (`?actor=TTP&actor=PAK`) matches any of its values, as in the CLI. Errors are the one shape
of `claimgraph.errors`: `{"error": {"kind", "source", "message"}}`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from claimgraph.errors import InputTooLarge
from claimgraph.store.kb import ENTITY_TYPES, QueryError

PREFIX = "/api/v1"
MAX_LIMIT = 500

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
Many = Annotated[list[str] | None, Query()]


def page(request: Request, rows: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """One page of `rows` (asked for limit + 1 to know whether there is a next page)."""
    more = len(rows) > limit
    nxt = str(request.url.include_query_params(offset=offset + limit, limit=limit)) if more else None
    return {"items": rows[:limit], "limit": limit, "offset": offset, "next": nxt}


def router(web) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["knowledge base"])
    kb = web.kb

    @r.get("/stats", summary="Counts of everything stored")
    def stats() -> dict[str, int]:
        return kb.stats()

    @r.get("/documents", summary="Stored documents, newest first")
    def documents(request: Request, limit: Limit = 50, offset: Offset = 0,
                  source: Annotated[str | None, Query(description="A document id, or part of its path, URL, "
                                                                  "title or outlet.")] = None) -> dict[str, Any]:
        return page(request, kb.documents(limit=limit + 1, offset=offset, source=source), limit, offset)

    @r.get("/documents/{doc_id}", summary="One document as the JSON contract of `claimgraph extract`")
    def document(doc_id: str) -> dict[str, Any]:
        return kb.document(doc_id)

    @r.get("/actors", summary="Actors, the most widely reported first")
    def actors(request: Request, type: Many = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        for t in type or []:
            if t not in ENTITY_TYPES:
                raise QueryError(f"unknown entity type {t!r} (one of {', '.join(ENTITY_TYPES)})")
        rows = kb.actors(types=type, limit=offset + limit + 1) if type else kb.actors(limit=offset + limit + 1)
        return page(request, rows[offset:], limit, offset)

    @r.get("/actors/{actor_id:path}", summary="One actor's profile (an id, name or alias)")
    def actor(actor_id: str) -> dict[str, Any]:
        return kb.actor(actor_id)

    @r.get("/claims", summary="Claims matching every filter, in time order")
    def claims(request: Request, actor: Many = None, predicate: Many = None, since: str | None = None,
               until: str | None = None, place: Many = None, modality: Many = None, source: Many = None,
               limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        rows = kb.claims(actor=actor, predicate=predicate, since=since, until=until, place=place,
                         modality=modality, source=source, limit=limit + 1, offset=offset)
        return page(request, rows, limit, offset)

    @r.get("/timeline", summary="Events in time, each with every document that reports it")
    def timeline(request: Request, actor: Many = None, with_: Annotated[list[str] | None, Query(alias="with")] = None,
                 place: Many = None, predicate: Many = None, since: str | None = None, until: str | None = None,
                 limit: Annotated[int, Query(ge=1, le=5000)] = 50, offset: Offset = 0) -> dict[str, Any]:
        rows = kb.timeline(actor, with_=with_, predicate=predicate, place=place, since=since, until=until,
                           limit=limit + 1, offset=offset)
        return page(request, rows, limit, offset)

    @r.get("/disagreements", summary="Figures reported differently, with every value and who reported it")
    def disagreements(request: Request, what: Many = None, contradictions: bool = False, limit: Limit = 50,
                      offset: Offset = 0) -> dict[str, Any]:
        rows = kb.disagreements(what=what, contradictions_only=contradictions, limit=limit + 1, offset=offset)
        return page(request, rows, limit, offset)

    @r.get("/search", summary="Full-text search over sentences and claims")
    def search(q: Annotated[str, Query(min_length=1, max_length=500)],
               limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
        sentences, claims = kb.search(q, limit=limit), kb.search_claims(q, limit=limit)
        # what was ranked: the newest matches only, when more matched (KnowledgeBase.SEARCH_NEWEST)
        return {"query": q, "sentences": sentences, "claims": claims,
                "ranked": {"sentences": sentences.scope(), "claims": claims.scope()}}

    @r.get("/network", summary="The actor network: nodes, and edges grouped by predicate")
    def network(since: str | None = None, until: str | None = None, predicate: Many = None,
                min_sources: Annotated[int, Query(ge=1)] = 1, actor: Many = None,
                max_edges: Annotated[int, Query(ge=1, le=20000)] = 3000) -> dict[str, Any]:
        return kb.network(since=since, until=until, predicate=predicate, min_sources=min_sources, actor=actor,
                          max_edges=max_edges)

    @r.get("/network/edge", summary="The claims behind one edge of the network")
    def edge(source: str, predicate: str, target: str) -> dict[str, Any]:
        return {"source": source, "predicate": predicate, "target": target,
                "claims": kb.edge_claims(source, predicate, target)}

    if web.allow_ingest:
        @r.post("/documents", summary="Ingest one uploaded file (only with --allow-ingest)", status_code=201)
        def upload(file: Annotated[UploadFile, File(description="A .txt, .md, .html or .pdf file.")]) -> dict:
            return ingest_upload(web, file)

    return r


def ingest_upload(web, file: UploadFile) -> dict[str, Any]:
    """Read an upload under the reader's size limit and guards, extract it and store it (one transaction)."""
    from claimgraph.read import read_bytes
    from claimgraph.read.options import DEFAULT_OPTIONS
    from claimgraph.store import document_rows

    name = (file.filename or "upload.txt").replace("\\", "/").rsplit("/", 1)[-1] or "upload.txt"
    limit = DEFAULT_OPTIONS.max_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(f"over the size limit of {limit} bytes", source=name)
    reading = read_bytes(data, name)
    doc = web.pipeline().process_reading(reading)
    status = web.store.write(document_rows(doc))
    web.store.regroup()
    return {"id": doc.id, "source": name, "status": status}
