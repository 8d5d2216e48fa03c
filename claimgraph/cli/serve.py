"""`claimgraph serve`: the web pages and JSON API over a knowledge base (mounted by claimgraph.cli)."""

from __future__ import annotations

from typing import Annotated

import typer

from claimgraph.cli.output import fail
from claimgraph.errors import ClaimgraphError


def serve(
    db: Annotated[str | None, typer.Option(
        "--db", help="Database: a SQLite file path or postgresql://... (default: $CLAIMGRAPH_DB, else "
                     "./claimgraph.db).")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    allow_ingest: Annotated[bool, typer.Option(
        "--allow-ingest", help="Open the database for writing and add the upload route (read-only otherwise).")]
    = False,
) -> None:
    """Serve the web pages and the JSON API (/api/v1/, docs at /api/docs); read-only unless --allow-ingest."""
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True)
    try:
        import uvicorn

        from claimgraph.web import create_app

        app = create_app(db, allow_ingest=allow_ingest)
    except ClaimgraphError as exc:
        raise fail(exc) from None
    shown = f"[{host}]" if ":" in host else host
    from claimgraph.store.engine import display_url, resolve_url

    err.print(f"claimgraph: serving {escape(display_url(resolve_url(db)))} "
              f"({'read-write: uploads allowed' if allow_ingest else 'read-only'}) at http://{shown}:{port}/",
              highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
