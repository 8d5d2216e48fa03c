"""The FastAPI application behind `claimgraph serve`.

Read-only by default: a SQLite file is opened with `mode=ro` (SQLite itself refuses every write), a PostgreSQL
database with `default_transaction_read_only` (every transaction is read-only). Only `--allow-ingest` opens it
for writing and adds the upload route. The schema is brought to the newest revision once, before the read-only
engine is made (a schema upgrade is the one write a server does, and only when the file is behind).

Every answer carries a Content-Security-Policy that allows scripts from this server only (no inline script, no
eval), so that text from an article, even if it slipped through escaping, cannot run.
"""

from __future__ import annotations

import contextlib
import gc
import os
from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimgraph import __version__
from claimgraph.errors import ClaimgraphError, StoreError, error_json
from claimgraph.store import Store
from claimgraph.store.engine import display_url, make_engine, migrate, resolve_url
from claimgraph.store.kb import KnowledgeBase

HERE = Path(__file__).resolve().parent

#: scripts only from this server; styles may be set by the vendored libraries at run time (cytoscape and
#: vis-timeline write element styles), which is why style-src allows inline styles and script-src does not.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}

#: HTTP status for each error kind of claimgraph.errors (anything else: 400)
STATUS = {"not_found": 404, "bad_query": 400, "too_large": 413, "store": 503,
          "model_unavailable": 503, "data_file": 500, "internal": 500}


def open_store(db: str | None, read_only: bool = True) -> Store:
    """The knowledge base at `db` (a path or URL), migrated, then opened read-only unless told otherwise."""
    url = resolve_url(db)
    parsed = sa.make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and not Path(parsed.database).exists():
        raise StoreError("no knowledge base here: run `claimgraph ingest` first", source=parsed.database)
    engine = make_engine(url)
    try:
        migrate(engine)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the database: {str(exc.orig or exc).strip()}",
                         source=display_url(url)) from None
    if not read_only:
        return Store(engine=engine)
    engine.dispose()
    if sqlite:
        # SQLite's URI form: mode=ro makes the connection read-only whatever the file's permissions
        ro = make_engine(f"sqlite:///file:{parsed.database}?mode=ro&uri=true")
    else:
        ro = sa.create_engine(parsed, pool_pre_ping=True,
                              connect_args={"options": "-c default_transaction_read_only=on"})
    return Store(engine=ro)


def error_body(exc: ClaimgraphError) -> dict[str, Any]:
    """The one JSON error shape (claimgraph.errors), without internal paths: a source that is a path on this
    machine is cut to its file name."""
    body = exc.as_dict()
    source = body["error"]["source"]
    if source and (os.path.isabs(source) or source.startswith(("sqlite", "postgresql"))):
        body["error"]["source"] = os.path.basename(source.rstrip("/")) or None
    return body


class Web:
    """What the routes share: the knowledge base and the settings."""

    def __init__(self, store: Store, allow_ingest: bool) -> None:
        self.store = store
        self.kb = KnowledgeBase(store)
        self.allow_ingest = allow_ingest
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True)
        self.templates = Jinja2Templates(env=env)
        self.templates.env.globals.update(version=__version__, allow_ingest=allow_ingest)
        self._pipeline = None

    def pipeline(self):
        """The extraction pipeline, loaded on the first upload (the model takes seconds to load)."""
        if self._pipeline is None:
            from claimgraph.core import Pipeline

            self._pipeline = Pipeline()
        return self._pipeline


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def create_app(db: str | Store | None = None, allow_ingest: bool = False) -> FastAPI:
    """The application over the knowledge base `db` (a path, URL, or an open Store, used as it is)."""
    owned = not isinstance(db, Store)
    store = open_store(db, read_only=not allow_ingest) if owned else db
    web = Web(store, allow_ingest)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        # what start-up loaded (the app, SQLAlchemy's tables, the rules) is put out of the collector's reach,
        # as a warm pipeline does: otherwise every full collection walks it again, and the request that
        # triggers one takes 30-60 ms more (the network's 3,000 edges: p95 112 -> 62 ms at a million claims)
        gc.collect()
        gc.freeze()
        yield
        if owned:
            store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="claimgraph", version=__version__, docs_url=None, redoc_url=None,  # docs served offline: /api/docs
        description="Questions to a claimgraph knowledge base: documents (each as the JSON contract of "
                    "`claimgraph extract`), actors, claims, events in time, disagreeing figures, full-text search. "
                    "Lists are paginated with `limit` and `offset`; the answer's `next` is the next page's URL. "
                    'Errors are `{"error": {"kind", "source", "message"}}`.')
    app.state.web = web

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    def render_error(request: Request, status: int, body: dict[str, Any]):
        if _wants_json(request):
            return JSONResponse(body, status_code=status)
        return web.templates.TemplateResponse(request, "error.html", {"error": body["error"], "status": status},
                                              status_code=status)

    @app.exception_handler(ClaimgraphError)
    async def claimgraph_error(request: Request, exc: ClaimgraphError):
        return render_error(request, STATUS.get(exc.kind, 400), error_body(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", "invalid"))
        body = error_json("bad_request", "; ".join(parts) or "bad request")
        return render_error(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http")
        message = {404: "no such page", 405: "this method is not allowed here (the server is read-only unless "
                                             "started with --allow-ingest)"}.get(exc.status_code, str(exc.detail))
        return render_error(request, exc.status_code, error_json(kind, message))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):  # never a traceback or a path to the client
        import logging

        logging.getLogger("claimgraph.web").exception("internal error on %s", request.url.path)
        body = error_json("internal", "internal error")
        return render_error(request, 500, body)

    from claimgraph.web import api, pages

    app.include_router(api.router(web))
    app.include_router(pages.router(web))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    return app
