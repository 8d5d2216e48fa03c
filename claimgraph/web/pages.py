"""The HTML pages (server-rendered with Jinja2, autoescape on; scripts are static files under /static)."""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse

from claimgraph.store.kb import ENTITY_TYPES, PREDICATES, SEVERITIES
from claimgraph.web.app import HERE
from claimgraph.web.markup import document_annotations, safe_url, segments

PAGE = 50


def router(web) -> APIRouter:
    r = APIRouter(include_in_schema=False)
    kb = web.kb

    def render(request: Request, name: str, **context: Any):
        return web.templates.TemplateResponse(request, name, context)

    @r.get("/favicon.ico")
    def favicon():  # browsers ask for it whatever the page says
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @r.get("/")
    def home(request: Request):
        disagreements = kb.disagreements(most_reported=True, limit=5)
        return render(request, "home.html", stats=kb.stats(), documents=kb.documents(limit=10),
                      disagreements=disagreements)

    @r.get("/documents")
    def documents(request: Request, offset: Annotated[int, Query(ge=0)] = 0, source: str | None = None):
        rows = kb.documents(limit=PAGE + 1, offset=offset, source=source)
        return render(request, "documents.html", documents=rows[:PAGE], offset=offset, more=len(rows) > PAGE,
                      page=PAGE, source=source or "")

    @r.get("/documents/{doc_id}")
    def document(request: Request, doc_id: str, hl: str | None = None):
        doc = kb.document(doc_id)
        highlight = None
        if hl and (m := re.fullmatch(r"(\d+)-(\d+)", hl)):
            highlight = (int(m.group(1)), int(m.group(2)))
        segs = segments(doc["document"]["text"], document_annotations(doc, highlight))
        findings = defaultdict(list)
        for i, f in enumerate(doc["findings"]):
            findings[f["severity"]].append((f"f{i}", f))
        names = {e["id"]: e["name"] for e in doc["entities"]}
        cited_by: dict[str, list[str]] = defaultdict(list)  # reference label -> claims citing it
        for c in doc["claims"]:
            for label in c["citations"]:
                cited_by[label].append(c["id"])
        references = [{**ref, "rid": f"r{i}", "link": safe_url(ref["url"]),
                       "cited": len(ref["cited_at"]), "claims": len(cited_by.get(ref["label"], []))}
                      for i, ref in enumerate(doc["references"])]
        text = doc["document"]["text"]
        # a digest's parts, each speaking from its own day (none listed for an article of one part)
        dispatches = [{"date": d["date"], "href": f"/documents/{doc_id}?hl={d['start']}-{d['end']}",
                       "head": textwrap.shorten(text[d["start"]:d["end"]].strip().split("\n")[0], 80, placeholder=" …")}
                      for d in doc["document"]["dispatches"] or []] if len(doc["document"]["dispatches"] or []) > 1 \
            else []
        return render(request, "document.html", doc=doc, segments=segs,
                      findings=[(s, findings[s]) for s in SEVERITIES if findings[s]], names=names,
                      references=references, source_link=safe_url(doc["document"]["url"]), dispatches=dispatches)

    @r.get("/actors")
    def actors(request: Request, type: Annotated[list[str] | None, Query()] = None,
               offset: Annotated[int, Query(ge=0)] = 0):
        types = [t for t in (type or []) if t in ENTITY_TYPES]
        rows = kb.actors(types=types, limit=offset + PAGE + 1) if types else kb.actors(limit=offset + PAGE + 1)
        rows = rows[offset:]
        return render(request, "actors.html", actors=rows[:PAGE], offset=offset, more=len(rows) > PAGE, page=PAGE,
                      types=ENTITY_TYPES, chosen=types)

    @r.get("/actors/{actor_id:path}")
    def actor(request: Request, actor_id: str):
        profile = kb.actor(actor_id)
        recent = kb.claims(actor=profile["id"], limit=50)
        wikidata = profile["wikidata"] if profile["wikidata"] and re.fullmatch(r"Q\d+", profile["wikidata"]) \
            else None
        peak = max([m["as_subject"] + m["as_object"] for m in profile["over_time"]] or [1])
        return render(request, "actor.html", actor=profile, claims=recent, wikidata=wikidata, peak=peak)

    @r.get("/network")
    def network(request: Request):
        return render(request, "network.html", predicates=PREDICATES)

    @r.get("/timeline")
    def timeline(request: Request):
        return render(request, "timeline.html", predicates=PREDICATES)

    @r.get("/disagreements")
    def disagreements(request: Request, contradictions: bool = False, offset: Annotated[int, Query(ge=0)] = 0):
        # a page at a time, as /documents: a million claims give thousands of disagreements
        rows = kb.disagreements(contradictions_only=contradictions, limit=PAGE + 1, offset=offset)
        return render(request, "disagreements.html", measures=rows[:PAGE], contradictions=contradictions,
                      offset=offset, more=len(rows) > PAGE, page=PAGE)

    @r.get("/search")
    def search(request: Request, q: Annotated[str, Query(max_length=500)] = ""):
        sentences = kb.search(q, limit=50) if q.strip() else []
        claims = kb.search_claims(q, limit=50) if q.strip() else []
        return render(request, "search.html", q=q, sentences=sentences, claims=claims)

    @r.get("/api/docs")
    def api_docs(request: Request):
        schema = request.app.openapi()
        return render(request, "api_docs.html", schema=schema)

    if web.allow_ingest:
        from claimgraph.web.api import ingest_upload

        @r.get("/ingest")
        def ingest_form(request: Request):
            return render(request, "ingest.html")

        @r.post("/ingest")
        def ingest(file: Annotated[UploadFile, File()]):
            result = ingest_upload(web, file)
            return RedirectResponse(f"/documents/{result['id']}", status_code=303)

    return r
